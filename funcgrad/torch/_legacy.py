"""PyTorch's legacy tensor types: ``torch.FloatTensor``, ``torch.LongTensor``...

Each is a constructor of its dtype (``torch.FloatTensor([1, 2])``, sizes as in
``torch.FloatTensor(2, 3)``) and an ``isinstance`` check of a tensor's dtype, as
in PyTorch (``isinstance(torch.ones(1), torch.FloatTensor)`` is true).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import dtypes as _dt
from ..autograd.tensor import Tensor

__all__ = [
    "BoolTensor",
    "ByteTensor",
    "CharTensor",
    "DoubleTensor",
    "FloatTensor",
    "HalfTensor",
    "IntTensor",
    "LongTensor",
    "ShortTensor",
]


class _LegacyType(type):
    """The metaclass: calling builds a tensor of the type's dtype, ``isinstance``
    compares dtypes."""

    dtype_name: str

    def __call__(cls, *args: Any, **kwargs: Any) -> Tensor:
        d = _dt.to_dtype(cls.dtype_name)
        if args and all(type(a) is int for a in args):  # sizes
            return Tensor(np.zeros(args), dtype=d, **kwargs)
        return Tensor(*(args or ([],)), dtype=d, **kwargs)

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, Tensor) and obj.dtype.name == cls.dtype_name

    def __repr__(cls) -> str:
        return f"<class 'torch.{cls.__name__}'>"


def _legacy(name: str, dtype: str) -> type:
    """A legacy type of ``dtype``.

    >>> _legacy("FloatTensor", "float32")([1, 2])
    tensor([1., 2.])
    """
    doc = f"""``torch.{name}``: tensors of ``torch.{dtype}``, built from data or sizes.

    >>> import funcgrad.torch as torch
    >>> torch.{name}(2, 3).shape, torch.{name}([1]).dtype
    (torch.Size([2, 3]), torch.{dtype})
    """
    attrs = {"dtype_name": dtype, "__module__": "torch", "__doc__": doc}
    return _LegacyType(name, (), attrs)


FloatTensor = _legacy("FloatTensor", "float32")
DoubleTensor = _legacy("DoubleTensor", "float64")
HalfTensor = _legacy("HalfTensor", "float16")
LongTensor = _legacy("LongTensor", "int64")
IntTensor = _legacy("IntTensor", "int32")
ShortTensor = _legacy("ShortTensor", "int16")
CharTensor = _legacy("CharTensor", "int8")
ByteTensor = _legacy("ByteTensor", "uint8")
BoolTensor = _legacy("BoolTensor", "bool")
