"""Argument checks of the engine's ops, with PyTorch's exception types and words:
index keys and masks, hook results, integer arguments, and the per-op dtype rules
that registry entries carry as ``OpDef.check``.

JAX clamps out-of-range indices and computes what it can; PyTorch raises. Index
checks run on concrete values before JAX sees them (a traced index cannot be checked
without a host round trip), so a wrong index is an error, never a number.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import jax
import numpy as np

# PyTorch's C++ type names of dtypes (``float != double``), as its messages spell them.
CPP_NAMES = {
    "float32": "float", "float64": "double", "float16": "c10::Half",
    "bfloat16": "c10::BFloat16", "int64": "long int", "int32": "int",
    "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
    "bool": "bool", "complex64": "c10::complex<float>",
}  # fmt: skip

# PyTorch's ScalarType names of dtypes (``Long``), as its messages spell them.
SCALAR_NAMES = {
    "float32": "Float", "float64": "Double", "float16": "Half",
    "bfloat16": "BFloat16", "int64": "Long", "int32": "Int", "int16": "Short",
    "int8": "Char", "uint8": "Byte", "bool": "Bool", "complex64": "ComplexFloat",
}  # fmt: skip

NOT_INTEGRAL = (
    "Expected scalar.isIntegral( false) to be true, but got false.  (Could this "
    "error message be improved?  If so, please report an enhancement request to "
    "PyTorch.)"
)
BAD_INDEX_DTYPE = "tensors used as indices must be long, int, byte or bool tensors"


def scalar_key(key: Any) -> None:
    """Reject a key that is neither an int, a slice, ``...``, ``None`` nor an array.

    >>> scalar_key(1.5)
    Traceback (most recent call last):
    ...
    IndexError: only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices (got float)
    """  # noqa: E501
    if isinstance(key, str | bytes):
        raise TypeError(f"new(): invalid data type '{type(key).__name__}'")
    if isinstance(key, bool | np.bool_):
        return
    if isinstance(key, float | complex | np.floating):
        raise IndexError(
            "only integers, slices (`:`), ellipsis (`...`), None and long or byte "
            f"Variables are valid indices (got {type(key).__name__})"
        )


def index_array(a: Any, shape: tuple[int, ...], dim: int, ordinal: int) -> None:
    """Check one array index ``a`` against ``shape[dim:]``: integer or bool dtype,
    a mask's shape equal to the dimensions it covers, integers in bounds.
    ``ordinal`` is the index's position among the key's arrays (torch's
    "dimension" in its bounds message).

    >>> index_array(np.array([0, 5]), (3,), 0, 0)
    Traceback (most recent call last):
    ...
    IndexError: index 5 is out of bounds for dimension 0 with size 3
    >>> index_array(np.array([True, False]), (3,), 0, 0)
    Traceback (most recent call last):
    ...
    IndexError: The shape of the mask [2] at index 0 does not match the shape of the indexed tensor [3] at index 0
    """  # noqa: E501
    kind = np.dtype(a.dtype).kind
    if kind not in "biu":
        raise IndexError(BAD_INDEX_DTYPE)
    if isinstance(a, jax.core.Tracer):
        return
    if kind == "b":
        covered = shape[dim : dim + a.ndim]
        for j, (m, s) in enumerate(zip(a.shape, covered, strict=False)):
            if m != s:
                raise IndexError(
                    f"The shape of the mask {list(a.shape)} at index {j} does not "
                    f"match the shape of the indexed tensor {list(shape)} at index "
                    f"{dim + j}"
                )
        if len(covered) < a.ndim:
            raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
        return
    if dim >= len(shape):
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
    size = shape[dim]
    values = np.asarray(a)
    bad = values[(values < -size) | (values >= size)]
    if bad.size:
        raise IndexError(
            f"index {int(bad.flat[0])} is out of bounds for dimension {ordinal} with "
            f"size {size}"
        )


def broadcast_indices(shapes: list[tuple[int, ...]]) -> None:
    """The index arrays of one key must broadcast together.

    >>> broadcast_indices([(2,), (3,)])
    Traceback (most recent call last):
    ...
    IndexError: shape mismatch: indexing tensors could not be broadcast together with shapes [2], [3]
    """  # noqa: E501
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        listed = ", ".join(str(list(s)) for s in shapes)
        raise IndexError(
            "shape mismatch: indexing tensors could not be broadcast together with "
            f"shapes {listed}"
        ) from None


def hook_result(
    hook: Callable, grad: Any, out: Any, is_tensor: Callable[[Any], bool]
) -> None:
    """What a tensor hook returned must be ``None`` or a tensor of the gradient's
    size and type, as PyTorch checks it before using it.

    >>> import numpy as np
    >>> def double(g): ...
    >>> hook_result(double, np.ones(3), np.ones(2), lambda x: True)
    Traceback (most recent call last):
    ...
    RuntimeError: hook 'double' has changed the size of value
    """
    if out is None:
        return
    if not is_tensor(out):
        raise TypeError(f"expected Variable, but hook returned '{type(out).__name__}'")
    name = getattr(hook, "__name__", "<unknown>")
    if tuple(out.shape) != tuple(grad.shape):
        raise RuntimeError(f"hook '{name}' has changed the size of value")
    if out.dtype != grad.dtype:
        raise RuntimeError(
            f"hook '{name}' has changed the type of value (was {grad.type()} got "
            f"{out.type()})"
        )


def integer(value: Any, what: str = "dim") -> int:
    """An int argument (a dimension, a size): Python and NumPy ints and one-element
    integer tensors are; bools, floats, strings and other tensors are not.

    >>> integer(2), integer(np.int64(3))
    (2, 3)
    >>> integer(2.5)
    Traceback (most recent call last):
    ...
    TypeError: argument 'dim' must be int, not float
    """
    if type(value) is int:
        return value
    if getattr(value, "ndim", 0) == 0 and not isinstance(value, bool | np.bool_):
        if getattr(getattr(value, "dtype", None), "name", None) == "bool":
            raise RuntimeError(NOT_INTEGRAL)
        try:
            return operator.index(value)
        except TypeError:
            pass
    raise TypeError(f"argument '{what}' must be int, not {type(value).__name__}")


def _first_dtype(args: tuple):
    for a in args:
        if type(a) not in _SCALAR_TYPES and hasattr(a, "grad_fn"):
            return a.dtype
    return None


_SCALAR_TYPES = frozenset((bool, int, float, complex))


def dtype_rule(check: Callable[..., None]) -> Callable[..., None]:
    """Mark ``check`` as a rule on dtypes alone that every call passes whose
    tensors share one floating dtype and whose scalars are not ``bool``: the
    dispatcher then skips it for such calls (the common float32 case). A check
    that also looks at shapes or values must not carry the mark.

    >>> dtype_rule(lambda *args: None).dtype_rule
    True
    """
    check.dtype_rule = True
    return check


def kernel(
    name: str, accepts: str = "floating", *, promoted: bool = False
) -> Callable[..., None]:
    """An op's dtype rule: the dtypes its PyTorch CPU kernel ``name`` is built for
    (``"floating"``: floating and complex; ``"nonbool"``: all but bool), judged on
    the first tensor, or on all tensors together when the kernel sees their
    ``promoted`` dtype. Anything else raises torch's NotImplementedError instead
    of computing a number.

    >>> from funcgrad.autograd import dtypes
    >>> class T:  # a stand-in tensor
    ...     grad_fn, dtype = None, dtypes.int64
    >>> kernel("mse_cpu")(T())
    Traceback (most recent call last):
    ...
    NotImplementedError: "mse_cpu" not implemented for 'Long'
    """

    @dtype_rule
    def check(*args, **options) -> None:
        d = _first_dtype(args)
        if d is None:
            return
        ok = d.is_floating_point or d.is_complex
        if promoted:
            ok = any(
                a.dtype.is_floating_point or a.dtype.is_complex
                for a in args
                if hasattr(a, "grad_fn")
            )
        if accepts == "nonbool":
            ok = d.name != "bool"
        if not ok:
            raise NotImplementedError(
                f"\"{name}\" not implemented for '{SCALAR_NAMES.get(d.name, d.name)}'"
            )

    return check


_BOOL_HINT = (
    "If you are trying to invert a mask, use the `~` or `logical_not()` operator "
    "instead."
)


@dtype_rule
def subtraction(*args, **options) -> None:
    """``sub``'s rule: bool tensors do not subtract (torch's two messages)."""
    bools = [
        a.dtype.name == "bool" if hasattr(a, "grad_fn") else isinstance(a, bool)
        for a in args
        if hasattr(a, "grad_fn") or isinstance(a, bool | int | float | complex)
    ]
    if len(bools) == 2 and all(bools):
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. "
            "Use the `^` or `logical_xor()` operator instead."
        )
    if any(bools):
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. "
            + _BOOL_HINT
        )


@dtype_rule
def negation(*args, **options) -> None:
    """``neg``'s rule: a bool tensor does not negate."""
    if _first_dtype(args) is not None and _first_dtype(args).name == "bool":
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. "
            + _BOOL_HINT
        )


def no_bool(name: str) -> Callable[..., None]:
    """An op whose kernel refuses bool inputs with a RuntimeError (``relu``)."""

    @dtype_rule
    def check(*args, **options) -> None:
        d = _first_dtype(args)
        if d is not None and d.name == "bool":
            raise RuntimeError(f"Boolean inputs not supported for {name}")

    return check


@dtype_rule
def mean(*args, **options) -> None:
    """``mean`` cannot infer a result dtype for integer and bool input."""
    d = _first_dtype(args)
    if options.get("dtype") is not None:
        return  # computed in the dtype asked for
    if d is not None and not (d.is_floating_point or d.is_complex):
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a "
            f"floating point or complex dtype. Got: {SCALAR_NAMES.get(d.name, d.name)}"
        )


def wrap_dim(dim: Any, ndim: int) -> int:
    """``dim`` in ``[0, ndim)``, with PyTorch's error (a 0-d tensor takes -1 and 0).

    >>> wrap_dim(-1, 3)
    2
    >>> wrap_dim(3, 2)
    Traceback (most recent call last):
    ...
    IndexError: Dimension out of range (expected to be in range of [-2, 1], but got 3)
    """
    dim = integer(dim)
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but "
            f"got {dim})"
        )
    return dim % n if ndim else 0


def wrap_dims(dim: Any, ndim: int) -> tuple[int, ...]:
    """A dimension or a list of them as a tuple of wrapped dims (``None``: all),
    each at most once, as PyTorch's reductions take them.

    >>> wrap_dims((0, -1), 3), wrap_dims(None, 2)
    ((0, 2), (0, 1))
    >>> wrap_dims([0, -2], 2)
    Traceback (most recent call last):
    ...
    RuntimeError: dim 0 appears multiple times in the list of dims
    """
    if dim is None:
        return tuple(range(ndim))
    if not isinstance(dim, list | tuple):
        return (wrap_dim(dim, ndim),)
    out: list[int] = []
    for d in dim:
        w = wrap_dim(d, ndim)
        if w in out:
            raise RuntimeError(f"dim {w} appears multiple times in the list of dims")
        out.append(w)
    return tuple(out)


def expand(target: tuple, shape: tuple) -> None:
    """PyTorch's error when ``shape`` does not broadcast to ``target`` (``copy_``,
    ``expand``, the bias of ``addmm``-like ops).

    >>> expand((2, 3), (2,))
    Traceback (most recent call last):
    ...
    RuntimeError: The expanded size of the tensor (3) must match the existing size (2) at non-singleton dimension 1.  Target sizes: [2, 3].  Tensor sizes: [2]
    """  # noqa: E501
    lead = len(target) - len(shape)
    for i, d in enumerate(shape):
        have = target[lead + i] if lead + i >= 0 else 1
        if d != have and d != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({have}) must match the existing "
                f"size ({d}) at non-singleton dimension {lead + i}.  Target sizes: "
                f"{list(target)}.  Tensor sizes: {list(shape)}"
            )


# --- matrix products: PyTorch's checks of mm, mv and dot --------------------------


def mm_dtypes(a: Any, b: Any) -> None:
    """The two factors of a matrix product share a dtype.

    >>> import funcgrad.torch as torch
    >>> mm_dtypes(torch.ones(2, 2), torch.ones(2, 2, dtype=torch.float64))
    Traceback (most recent call last):
    ...
    RuntimeError: expected m1 and m2 to have the same dtype, but got: float != double
    """
    if a._dtype is not b._dtype:
        raise RuntimeError(
            "expected m1 and m2 to have the same dtype, but got: "
            f"{CPP_NAMES[a._dtype.name]} != {CPP_NAMES[b._dtype.name]}"
        )


def mm(a: Any, b: Any) -> None:
    """``mm``'s checks: same dtype, two matrices, inner sizes that agree."""
    mm_dtypes(a, b)
    if a.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if b.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    (r1, c1), (r2, c2) = a.shape, b.shape
    if c1 != r2:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({r1}x{c1} and {r2}x{c2})"
        )


def mv(a: Any, v: Any) -> None:
    """``mv``'s checks: same dtype, a matrix and a vector of its width."""
    if a._dtype is not v._dtype:
        x, y = SCALAR_NAMES[v._dtype.name], SCALAR_NAMES[a._dtype.name]
        raise RuntimeError(
            f"addmv input tensors must have the same dtype, but got {x}, {y}, and {x}"
        )
    if a.ndim != 2 or v.ndim != 1:
        raise RuntimeError(
            f"vector + matrix @ vector expected, got 1, {a.ndim}, {v.ndim}"
        )
    if a.shape[1] != v.shape[0]:
        raise RuntimeError(
            f"size mismatch, got input ({a.shape[0]}), mat "
            f"({a.shape[0]}x{a.shape[1]}), vec ({v.shape[0]})"
        )


def dot(a: Any, b: Any) -> None:
    """``dot``'s checks: same dtype, two vectors of one length."""
    if a._dtype is not b._dtype:
        raise RuntimeError(
            "dot : expected both vectors to have same dtype, but found "
            f"{SCALAR_NAMES[a._dtype.name]} and {SCALAR_NAMES[b._dtype.name]}"
        )
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(
            f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors"
        )
    if a.shape != b.shape:
        n, m = a.shape[0], b.shape[0]
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to have "
            f"the same number of elements, but got {n} and {m} elements respectively"
        )
