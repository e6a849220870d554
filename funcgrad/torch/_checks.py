"""Argument checks of the tensor factories, with PyTorch's exception types and words.

PyTorch validates a factory's arguments before it allocates anything: sizes are
non-negative ints (or one sequence of them), ``dtype`` is a ``torch.dtype``, data is
numbers or nested sequences of equal length. These functions do the same so that no
NumPy or JAX error from inside the facade reaches a user.
"""

from __future__ import annotations

import math
import numbers
import os
from typing import Any

import numpy as np

from ..autograd import dtypes as _dt
from ..autograd.checks import NOT_INTEGRAL
from ..autograd.tensor import _SCALAR_NAMES, Size, Tensor
from ._random import Generator

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def _is_int(x: Any) -> bool:
    if isinstance(x, bool | np.bool_):
        return False
    if isinstance(x, int | np.integer):
        return True
    if isinstance(x, Tensor) and x.ndim == 0 and x.dtype.name == "bool":
        raise RuntimeError(NOT_INTEGRAL)
    return isinstance(x, Tensor) and x.ndim == 0 and not x.is_floating_point()


def size(fname: str, args: tuple, *, zeros_wording: bool = False) -> Size:
    """The ``*size`` arguments of ``fname`` as a :class:`Size`, checked as torch does.

    >>> size("ones", (2, 3)), size("ones", ((2, 3),))
    (torch.Size([2, 3]), torch.Size([2, 3]))
    >>> size("ones", (2.5,))
    Traceback (most recent call last):
    ...
    TypeError: ones(): argument 'size' (position 1) must be tuple of ints, not float
    >>> size("ones", (2, -3))
    Traceback (most recent call last):
    ...
    RuntimeError: Trying to create tensor with negative dimension -3: [2, -3]
    """
    dims = args
    if len(args) == 1 and not _is_int(args[0]):
        if not isinstance(args[0], tuple | list | Size):
            raise TypeError(
                f"{fname}(): argument 'size' (position 1) must be tuple of ints, "
                f"not {type(args[0]).__name__}"
            )
        dims = args[0]
    for pos, d in enumerate(dims, start=1):
        if not _is_int(d):
            raise TypeError(
                f"{fname}(): argument 'size' failed to unpack the object at pos {pos} "
                f'with error "type must be tuple of ints,but got {type(d).__name__}"'
            )
    out = Size(int(d) for d in dims)
    negative = [d for d in out if d < 0]
    if negative:
        if zeros_wording:
            raise RuntimeError(f"{fname}: Dimension size must be non-negative.")
        raise RuntimeError(
            f"Trying to create tensor with negative dimension {negative[0]}: "
            f"{list(out)}"
        )
    if math.prod(out) > _INT64_MAX:
        raise RuntimeError(
            f"Storage size calculation overflowed with sizes={list(out)}"
        )
    return out


def _physical_memory() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 2**62


def allocation(shape: tuple[int, ...], d: _dt.dtype) -> None:
    """Refuse a tensor larger than this machine's memory, as PyTorch's allocator
    does, before anything is allocated.

    >>> allocation((2**40,), _dt.float32)
    Traceback (most recent call last):
    ...
    RuntimeError: DefaultCPUAllocator: can't allocate memory: you tried to allocate 4398046511104 bytes. Error code 12 (Cannot allocate memory)
    """  # noqa: E501
    nbytes = math.prod(shape) * d.itemsize
    if nbytes > _physical_memory():
        raise RuntimeError(
            "DefaultCPUAllocator: can't allocate memory: you tried to allocate "
            f"{nbytes} bytes. Error code 12 (Cannot allocate memory)"
        )


def dtype(fname: str, value: Any) -> _dt.dtype | None:
    """``value`` as a ``torch.dtype`` (``None`` stays ``None``), or torch's TypeError.

    >>> dtype("ones", "float32")
    Traceback (most recent call last):
    ...
    TypeError: ones(): argument 'dtype' must be torch.dtype, not str
    """
    if value is None or isinstance(value, _dt.dtype):
        return value
    raise TypeError(
        f"{fname}(): argument 'dtype' must be torch.dtype, not {type(value).__name__}"
    )


def scalar_name(d: _dt.dtype) -> str:
    """PyTorch's ScalarType name of ``d`` (``Long`` for int64), as its kernels say.

    >>> scalar_name(_dt.int64)
    'Long'
    """
    return _SCALAR_NAMES.get(str(d).removeprefix("torch."), str(d))


def generator(fname: str, size_args: tuple, value: Any) -> None:
    """``generator=`` must be a ``torch.Generator`` (or ``None``).

    >>> generator("randn", (2,), 5)
    Traceback (most recent call last):
    ...
    TypeError: randn() received an invalid combination of arguments - got (int, generator=int), but expected one of:
    """  # noqa: E501
    if value is None or isinstance(value, Generator):
        return
    got = [type(a).__name__ for a in size_args] + [f"generator={type(value).__name__}"]
    got = ", ".join(got)
    raise TypeError(
        f"{fname}() received an invalid combination of arguments - got ({got}), "
        "but expected one of:"
    )


def integer(fname: str, name: str, pos: int, value: Any) -> int:
    """An ``int`` argument (``eye``'s ``n``), with torch's TypeError otherwise.

    >>> integer("eye", "n", 1, 2.5)
    Traceback (most recent call last):
    ...
    TypeError: eye(): argument 'n' (position 1) must be int, not float
    """
    if not _is_int(value):
        raise TypeError(
            f"{fname}(): argument '{name}' (position {pos}) must be int, not "
            f"{type(value).__name__}"
        )
    return int(value)


def number(fname: str, name: str, pos: int, value: Any) -> Any:
    """A Python number argument (``full``'s ``fill_value``, ``arange``'s bounds).

    >>> number("full", "fill_value", 2, "a")
    Traceback (most recent call last):
    ...
    TypeError: full(): argument 'fill_value' (position 2) must be Number, not str
    """
    if isinstance(value, Tensor) and value.ndim == 0 and value.dtype.name != "bool":
        return value.item()
    if not isinstance(value, numbers.Number):
        raise TypeError(
            f"{fname}(): argument '{name}' (position {pos}) must be Number, not "
            f"{type(value).__name__}"
        )
    return value


def data(value: Any) -> tuple[Any, bool]:
    """Check the data given to ``torch.tensor`` as PyTorch does; return it with
    one-element tensors replaced by their Python numbers, and whether it holds an
    integer outside int64 (an error only when the result is an integer tensor).

    Numbers (bool, int, float, complex) and nested lists/tuples of equal length are
    data; NumPy arrays and scalars pass as they are. The overflow flag is only
    raised for all-integer data (torch infers int64 there).

    >>> data([[1, 2], [3]])
    Traceback (most recent call last):
    ...
    ValueError: expected sequence of length 2 at dim 1 (got 1)
    >>> data(None)
    Traceback (most recent call last):
    ...
    RuntimeError: Could not infer dtype of NoneType
    """
    walk = _Walk()
    values = walk(value, 0)
    return values, walk.overflow and walk.kinds <= {"int", "bool"}


OVERFLOW = "Overflow when unpacking long long"


class _Walk:
    def __init__(self) -> None:
        self.lengths: list[int] = []
        self.leaf_dim: int | None = None
        self.overflow = False
        self.kinds: set[str] = set()

    def __call__(self, value: Any, dim: int) -> Any:
        if isinstance(value, np.ndarray | np.generic):
            return value
        if isinstance(value, Tensor):
            if dim == 0:
                return value
            if value.numel() != 1:
                raise ValueError(
                    "only one element tensors can be converted to Python scalars"
                )
            return self._leaf(value.item(), dim)
        if isinstance(value, str | bytes):
            if dim and self.leaf_dim is None:  # torch takes it for a sequence
                raise ValueError(f"too many dimensions '{type(value).__name__}'")
            raise TypeError(f"new(): invalid data type '{type(value).__name__}'")
        if isinstance(value, list | tuple | range):
            return self._sequence(value, dim)
        if isinstance(value, numbers.Number):
            return self._leaf(value, dim)
        raise RuntimeError(f"Could not infer dtype of {type(value).__name__}")

    def _sequence(self, value, dim: int) -> list:
        if self.leaf_dim is not None and dim >= self.leaf_dim:
            raise TypeError(
                f"'{type(value).__name__}' object cannot be interpreted as an integer"
            )
        if len(self.lengths) == dim:
            self.lengths.append(len(value))
        elif self.lengths[dim] != len(value):
            raise ValueError(
                f"expected sequence of length {self.lengths[dim]} at dim {dim} "
                f"(got {len(value)})"
            )
        return [self(v, dim + 1) for v in value]

    def _leaf(self, value, dim: int):
        if dim < len(self.lengths):
            raise TypeError("not a sequence")
        self.leaf_dim = dim
        self.kinds.add(type(value).__name__)
        if isinstance(value, int) and not _INT64_MIN <= value <= _INT64_MAX:
            self.overflow = True
        return value


def tensor_list(fname: str, tensors: Any) -> list:
    """The ``tensors`` argument of ``cat``/``stack``: a list or tuple of Tensors.

    >>> tensor_list("cat", [1])
    Traceback (most recent call last):
    ...
    TypeError: expected Tensor as element 0 in argument 0, but got int
    """
    if not isinstance(tensors, list | tuple):
        raise TypeError(
            f"{fname}(): argument 'tensors' (position 1) must be tuple of Tensors, "
            f"not {type(tensors).__name__}"
        )
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"expected Tensor as element {i} in argument 0, but got "
                f"{type(t).__name__}"
            )
    return list(tensors)
