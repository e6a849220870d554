"""The facade's dtypes: ``torch.float32`` and friends, mapped onto JAX dtypes.

A facade tensor remembers its torch dtype; its storage is the JAX dtype that holds
it. Without ``jax_enable_x64`` JAX has no 64-bit types, so ``int64`` is stored as
``int32`` and ``float64`` as ``float32`` while the tensor still reports (and prints)
the torch dtype, as the default integer type of a torch user's code must.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

_builtin_float, _builtin_int, _builtin_bool = float, int, bool


class dtype:
    """A torch dtype: ``repr`` is ``torch.<name>``.

    >>> float32, float32.is_floating_point, int64.itemsize
    (torch.float32, True, 8)
    """

    __slots__ = ("name", "_np", "is_floating_point", "is_complex", "is_signed")

    def __init__(self, name: str, np_dtype) -> None:
        self.name = name
        self._np = np.dtype(np_dtype)
        kind = self._np.kind
        self.is_floating_point = kind == "f" or name == "bfloat16"
        self.is_complex = kind == "c"
        self.is_signed = kind in "fic" or name == "bfloat16"

    @property
    def itemsize(self) -> int:
        return self._np.itemsize

    def storage(self) -> np.dtype:
        """The JAX dtype that stores this torch dtype under the current x64 flag."""
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

ALL = (
    float16, bfloat16, float32, float64, uint8, int8, int16, int32, int64, bool,
    complex64,
)  # fmt: skip
_BY_NAME = {d.name: d for d in ALL}
_BY_NP = {d._np: d for d in ALL if d is not int32 and d is not float32}
_BY_NP.update({np.dtype(np.int32): int32, np.dtype(np.float32): float32})


def _by_name(name: str) -> dtype:
    return _BY_NAME[name]


def from_jax(np_dtype, *, wide: tuple[dtype, ...] = ()) -> dtype:
    """The torch dtype of a JAX value's dtype; ``wide`` are the dtypes of the inputs
    it came from, so an int32 result of int64 inputs stays ``int64`` without x64.

    >>> from_jax(jnp.zeros(2).dtype)
    torch.float32
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

    >>> to_dtype("float64"), to_dtype(np.int32)
    (torch.float64, torch.int32)
    """
    if isinstance(obj, dtype):
        return obj
    if obj is _builtin_float:
        return float32
    if obj is _builtin_int:
        return int64
    if obj is _builtin_bool:
        return bool
    if isinstance(obj, str):
        return _BY_NAME[obj.removeprefix("torch.")]
    return _BY_NP[np.dtype(obj)]


def get_default_dtype() -> dtype:
    """The default floating-point dtype: ``torch.float32``.

    >>> get_default_dtype()
    torch.float32
    """
    return float32
