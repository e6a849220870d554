"""The facade's dtypes: ``torch.float32`` and friends, stored exactly in JAX.

A facade tensor's JAX array always has its torch dtype: ``float64`` and ``int64``
are real 64-bit arrays. JAX keeps 64-bit types off by default (``jax_enable_x64``)
and funcgrad leaves that global switch alone, so the functional core and any other
JAX code in the process keep their 32-bit defaults. Instead the facade computes on
64-bit tensors inside JAX's thread-local switch, :func:`scope`: an op, a factory or a
backward sweep that touches a 64-bit dtype runs under ``jax.enable_x64(True)``
(about half a microsecond to enter); float32 code never enters it and runs as before.
Code under ``jax.jit``/``jax.grad`` keeps the caller's mode: trace inside
``jax.enable_x64(True)`` to compute facade float64 there.

Type promotion is PyTorch's (:func:`result_type`): dimensioned tensors outrank 0-d
tensors, which outrank Python numbers, and a lower rank only counts when it brings a
higher category (bool < integer < floating < complex); a Python float takes the
default dtype (:func:`set_default_dtype`).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

_builtin_float, _builtin_int, _builtin_bool = float, int, bool
_builtin_complex = complex

# Categories, lowest first: a number of a higher category changes a result's dtype.
_BOOL, _INT, _FLOAT, _COMPLEX = range(4)


class dtype:
    """A torch dtype: ``repr`` is ``torch.<name>``; ``x64`` says it needs JAX's
    64-bit mode.

    >>> float32, float32.is_floating_point, int64.itemsize, int64.x64
    (torch.float32, True, 8, True)
    """

    __slots__ = (
        "name", "_np", "is_floating_point", "is_complex", "is_signed", "x64",
        "category",
    )  # fmt: skip

    def __init__(self, name: str, np_dtype) -> None:
        self.name = name
        self._np = np.dtype(np_dtype)
        kind = self._np.kind
        self.is_floating_point = kind == "f" or name == "bfloat16"
        self.is_complex = kind == "c"
        self.is_signed = kind in "fic" or name == "bfloat16"
        self.x64 = self._np.itemsize == (16 if self.is_complex else 8)
        self.category = (
            _COMPLEX if self.is_complex
            else _FLOAT if self.is_floating_point
            else _BOOL if kind == "b"
            else _INT
        )  # fmt: skip

    @property
    def itemsize(self) -> int:
        return self._np.itemsize

    def storage(self) -> np.dtype:
        """The JAX dtype that holds this torch dtype in JAX's current mode: itself
        inside :func:`scope`, 32 bits wide outside it (code traced without x64).

        >>> with scope():
        ...     float64.storage()
        dtype('float64')
        >>> float64.storage(), bfloat16.storage()
        (dtype('float32'), dtype(bfloat16))
        """
        return jax.dtypes.canonicalize_dtype(self._np)

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self):
        return (_by_name, (self.name,))


float16 = half = dtype("float16", np.float16)
bfloat16 = dtype("bfloat16", jnp.bfloat16)
float32 = float = dtype("float32", np.float32)
float64 = double = dtype("float64", np.float64)
uint8 = dtype("uint8", np.uint8)
int8 = dtype("int8", np.int8)
int16 = short = dtype("int16", np.int16)
int32 = int = dtype("int32", np.int32)
int64 = long = dtype("int64", np.int64)
bool = dtype("bool", np.bool_)  # noqa: A001 - torch's name
complex64 = cfloat = dtype("complex64", np.complex64)
complex128 = cdouble = dtype("complex128", np.complex128)

ALL = (
    float16, bfloat16, float32, float64, uint8, int8, int16, int32, int64, bool,
    complex64, complex128,
)  # fmt: skip
_BY_NAME = {d.name: d for d in ALL}
_BY_NP = {d._np: d for d in ALL}


def _by_name(name: str) -> dtype:
    return _BY_NAME[name]


# --------------------------------------------------------------------------------------
# JAX's 64-bit switch.

_OFF = contextlib.nullcontext()


def scope(wide: _builtin_bool = True):
    """JAX's 64-bit mode for this thread while the ``with`` block runs, when ``wide``
    (a 64-bit dtype is involved); otherwise a context that does nothing.

    >>> with scope():
    ...     jnp.asarray([1.0], float64.storage()).dtype
    dtype('float64')
    >>> with scope(False):
    ...     jnp.asarray([1.0]).dtype
    dtype('float32')
    """
    return jax.enable_x64(True) if wide else _OFF


def scoped(fn):
    """Run ``fn`` in :func:`scope` when a tensor among its arguments (``self``
    included, or inside a list or tuple) has a 64-bit dtype and none is traced: for
    code that computes on tensor values with ``jnp`` directly.

    >>> class T:
    ...     def __init__(self, d): self._dtype, self._val = d, None
    ...     @scoped
    ...     def zeros(self): return jnp.zeros(2, self._dtype.storage()).dtype
    >>> T(float64).zeros(), T(float32).zeros()
    (dtype('float64'), dtype('float32'))
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if wide(*args):
            with jax.enable_x64(True):
                return fn(*args, **kwargs)
        return fn(*args, **kwargs)

    return wrapper


def scoped_self(fn):
    """:func:`scoped` for a method whose own tensor (``self``) alone decides:
    one attribute check on the 32-bit path.

    >>> class T:
    ...     def __init__(self, d): self._dtype, self._val = d, None
    ...     @scoped_self
    ...     def zeros(self): return jnp.zeros(2, self._dtype.storage()).dtype
    >>> T(float64).zeros(), T(float32).zeros()
    (dtype('float64'), dtype('float32'))
    """

    @functools.wraps(fn)
    def method(self, *args, **kwargs):
        if self._dtype.x64 and not isinstance(self._val, _Tracer):
            with jax.enable_x64(True):
                return fn(self, *args, **kwargs)
        return fn(self, *args, **kwargs)

    return method


def wide(*args) -> _builtin_bool:
    """Whether ``args`` (tensors, or lists/tuples of them) hold a 64-bit tensor
    and no traced one: computing on them needs :func:`scope`.

    >>> wide(), wide(1.0)
    (False, False)
    """
    found = False
    for a in args:
        if type(a) in (list, tuple):
            if wide(*a):
                found = True
            elif any(isinstance(getattr(x, "_val", None), _Tracer) for x in a):
                return False
            continue
        d = getattr(a, "_dtype", None)
        if d is None:
            continue
        if isinstance(a._val, _Tracer):
            return False
        if d.x64:
            found = True
    return found


_Tracer = jax.core.Tracer


def narrow(value):
    """A 64-bit array as JAX's 32-bit mode holds it, for code traced without x64:
    a tracer converted in the trace, a concrete array as a 32-bit NumPy array
    (integers past int32 raise); anything else as it is.

    >>> with scope():
    ...     big = jnp.asarray([2**40], int64.storage())
    >>> narrow(jnp.asarray([3], int64.storage())).dtype
    dtype('int32')
    >>> narrow(big)
    Traceback (most recent call last):
    ...
    OverflowError: an int64 value past int32 in code traced without 64-bit mode: ...
    """
    if not isinstance(value, jax.Array):
        return value
    dt = value.dtype
    if dt.itemsize != (16 if dt.kind == "c" else 8):
        return value
    small = jax.dtypes.canonicalize_dtype(dt)
    if isinstance(value, jax.core.Tracer):
        return value.astype(small)
    host = np.asarray(value)
    if dt.kind in "iu" and host.size:
        info = np.iinfo(small)
        if host.min() < info.min or host.max() > info.max:
            raise OverflowError(
                f"an {dt} value past {small} in code traced without 64-bit "
                "mode: trace inside jax.enable_x64(True)"
            )
    return host.astype(small)


# --------------------------------------------------------------------------------------
# Conversions.


def from_jax(np_dtype, *, wide: tuple[dtype, ...] = ()) -> dtype:
    """The torch dtype of a JAX value's dtype; ``wide`` are the dtypes of the inputs
    it came from, so a 32-bit result of 64-bit inputs traced without x64 keeps
    its torch dtype.

    >>> from_jax(jnp.zeros(2).dtype), from_jax(np.dtype("int64"))
    (torch.float32, torch.int64)
    >>> from_jax(np.dtype("int32"), wide=(int64,))
    torch.int64
    """
    d = _BY_NP[np.dtype(np_dtype)]
    if d is int32 and int64 in wide:
        return int64
    if d is float32 and float64 in wide:
        return float64
    return d


def to_dtype(obj) -> dtype:
    """Accept a facade dtype, a NumPy/JAX dtype or a Python type.

    >>> to_dtype("float64"), to_dtype(np.int32), to_dtype(float)
    (torch.float64, torch.int32, torch.float32)
    """
    if isinstance(obj, dtype):
        return obj
    if obj is _builtin_float:
        return _default[0]
    if obj is _builtin_int:
        return int64
    if obj is _builtin_bool:
        return bool
    if obj is _builtin_complex:
        return default_complex()
    if isinstance(obj, str):
        return _BY_NAME[obj.removeprefix("torch.")]
    return _BY_NP[np.dtype(obj)]


# --------------------------------------------------------------------------------------
# The default floating-point dtype.

_default = [float32]
DEFAULT_FLOAT_ONLY = "only floating-point types are supported as the default type"


def get_default_dtype() -> dtype:
    """The default floating-point dtype (``torch.float32`` unless set).

    >>> get_default_dtype()
    torch.float32
    """
    return _default[0]


def set_default_dtype(d: dtype) -> None:
    """Make ``d`` the dtype of Python floats in factories and promotion, as
    ``torch.set_default_dtype`` does (a floating-point dtype only).

    >>> set_default_dtype(float64); get_default_dtype()
    torch.float64
    >>> set_default_dtype(float32)
    >>> set_default_dtype(int64)
    Traceback (most recent call last):
    ...
    TypeError: only floating-point types are supported as the default type
    """
    if not isinstance(d, dtype):
        raise TypeError(f"invalid dtype object: {DEFAULT_FLOAT_ONLY}")
    if not d.is_floating_point:
        raise TypeError(DEFAULT_FLOAT_ONLY)
    _default[0] = d


def default_complex() -> dtype:
    """The complex dtype that goes with the default dtype.

    >>> default_complex()
    torch.complex64
    """
    return complex128 if _default[0] is float64 else complex64


# --------------------------------------------------------------------------------------
# PyTorch's type promotion.


def promote_types(a: dtype, b: dtype) -> dtype:
    """``torch.promote_types``: the smallest dtype both ``a`` and ``b`` fit in
    (within a category), or the dtype of the higher category.

    >>> promote_types(int64, float16), promote_types(uint8, int8)
    (torch.float16, torch.int16)
    >>> promote_types(float16, bfloat16), promote_types(complex64, float64)
    (torch.float32, torch.complex128)
    """
    return _promote(a, b)


@functools.cache
def _promote(a: dtype, b: dtype) -> dtype:
    if a is b:
        return a
    if a.category != b.category:
        hi, lo = (a, b) if a.category > b.category else (b, a)
        if hi.is_complex and lo is float64:
            return complex128
        return hi
    if {a, b} == {float16, bfloat16}:
        return float32
    return _BY_NP[np.promote_types(a._np, b._np)]


def _scalar_dtype(x) -> dtype | None:
    """The dtype a Python number takes in promotion (``None``: not a number)."""
    t = type(x)
    if t is _builtin_float:
        return _default[0]
    if t is _builtin_int:
        return int64
    if t is _builtin_bool:
        return bool
    if t is _builtin_complex:
        return default_complex()
    return None


COMPLEX_HALF = (
    "the result dtype would be torch.complex32 (ComplexHalf), which funcgrad.torch "
    "does not have: cast the float16 tensor to float32 first"
)


def _combine(higher: dtype | None, lower: dtype | None) -> dtype | None:
    """A higher-ranked result meets a lower-ranked one: the lower only counts when
    its category is higher (ATen's ``combine_categories``)."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.is_complex:
        return higher
    if lower.is_complex:
        if higher is float16:
            raise TypeError(COMPLEX_HALF)
        if higher.is_floating_point:
            return complex128 if higher is float64 else complex64
        return lower
    if higher.is_floating_point:
        return higher
    if higher is bool or lower.is_floating_point:
        return _promote(higher, lower)
    return higher


def result_type(*operands: Any) -> dtype:
    """``torch.result_type`` over tensors (anything with ``dtype`` and ``ndim``)
    and Python numbers.

    >>> class T:
    ...     def __init__(self, dtype, ndim): self.dtype, self.ndim = dtype, ndim
    >>> result_type(T(float32, 1), T(float64, 0)), result_type(T(int64, 1), 2.5)
    (torch.float32, torch.float32)
    >>> result_type(T(int32, 1), T(float64, 0)), result_type(T(bool, 1), 3)
    (torch.float64, torch.int64)
    """
    dim = zero = wrapped = None
    for x in operands:
        d = _scalar_dtype(x)
        if d is not None:
            wrapped = d if wrapped is None else _promote(wrapped, d)
            continue
        d = to_dtype(x.dtype)
        if x.ndim:
            dim = d if dim is None else _promote(dim, d)
        else:
            zero = d if zero is None else _promote(zero, d)
    out = _combine(dim, _combine(zero, wrapped))
    if out is None:
        raise TypeError("result_type needs at least one tensor or number")
    return out


# How each op's result dtype follows from its inputs, by registry name: PROMOTE
# computes in the promoted dtype of its positional arguments (the first ``n`` when
# given) and its ``exponent``/``base`` option; TO_FLOAT too, but an integer or bool
# result becomes the default dtype (``div``, ``exp``). Ops not listed keep JAX's
# dtype rules (they take one dtype, or mix none).
PROMOTE, TO_FLOAT = "promote", "float"
RULES: dict[str, tuple[str, int | None]] = {
    **dict.fromkeys(
        "add sub rsub mul maximum minimum pow.Tensor_Scalar pow.Tensor_Tensor "
        "pow.Scalar".split(),
        (PROMOTE, None),
    ),
    "where": (PROMOTE, 2),  # the condition is not promoted
    **dict.fromkeys(
        "div reciprocal exp log sqrt sigmoid tanh".split(), (TO_FLOAT, None)
    ),
    # the elementwise family (ops/elementwise.py)
    **dict.fromkeys(
        "hypot fmod.Scalar fmod.Tensor remainder.Scalar remainder.Tensor clamp "
        "clamp.Tensor clamp_min clamp_min.Tensor clamp_max clamp_max.Tensor".split(),
        (PROMOTE, None),
    ),
    **dict.fromkeys(
        "sin cos tan asin acos atan sinh cosh asinh acosh atanh exp2 expm1 log2 "
        "log10 log1p rsqrt erf erfc logit atan2".split(),
        (TO_FLOAT, None),
    ),
}
SCALAR_OPTIONS = ("exponent", "base")


def op_result_type(rule: str, operands: Sequence[Any]) -> dtype:
    """The dtype an op of ``rule`` computes in, for its input ``operands``.

    >>> class T:
    ...     def __init__(self, dtype, ndim): self.dtype, self.ndim = dtype, ndim
    >>> ints = [T(int64, 1), 2]
    >>> op_result_type(PROMOTE, ints), op_result_type(TO_FLOAT, ints)
    (torch.int64, torch.float32)
    """
    d = result_type(*operands)
    if rule == TO_FLOAT and d.category < _FLOAT:
        return _default[0]
    return d
