"""``torch.inf``, ``nan``, ``pi``, ``e``, ``newaxis`` and the dtype limits
``torch.finfo`` / ``torch.iinfo`` (read from NumPy's, which describe the same
IEEE and two's-complement types; ``bfloat16`` through ``ml_dtypes``)."""

from __future__ import annotations

import math
from typing import Any

import jax.numpy as jnp
import numpy as np

from ..autograd import dtypes as _dt

__all__ = ["e", "finfo", "iinfo", "inf", "nan", "newaxis", "pi"]

inf = math.inf
nan = math.nan
pi = math.pi
e = math.e
newaxis = None


def _g(v: float) -> str:
    return f"{float(v):g}"


class finfo:  # noqa: N801 - torch's name
    """Limits of a floating dtype (the default dtype when none is given).

    >>> import funcgrad.torch as torch
    >>> torch.finfo(torch.float16).max, torch.finfo().bits
    (65504.0, 32)
    """

    def __init__(self, type: Any = None) -> None:  # noqa: A002 - torch's name
        d = _dt.get_default_dtype() if type is None else _dt.to_dtype(type)
        if not d.is_floating_point:
            raise TypeError(
                "torch.finfo() requires a floating point input type. Use "
                "torch.iinfo to handle 'torch.finfo'"
            )
        info = jnp.finfo(np.dtype(jnp.bfloat16 if d.name == "bfloat16" else d.name))
        self.bits = int(info.bits)
        self.eps, self.max, self.min = float(info.eps), float(info.max), float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        self.resolution = 10.0 ** -math.floor(-math.log10(self.eps))
        self.dtype = d.name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, finfo) and other.dtype == self.dtype

    def __hash__(self) -> int:
        return hash(("finfo", self.dtype))

    def __repr__(self) -> str:
        return (
            f"finfo(resolution={_g(self.resolution)}, min={_g(self.min)}, "
            f"max={_g(self.max)}, eps={_g(self.eps)}, smallest_normal="
            f"{_g(self.smallest_normal)}, tiny={_g(self.tiny)}, dtype={self.dtype})"
        )


class iinfo:  # noqa: N801 - torch's name
    """Limits of an integer dtype.

    >>> import funcgrad.torch as torch
    >>> torch.iinfo(torch.int32).max, torch.iinfo(torch.uint8)
    (2147483647, iinfo(min=0, max=255, dtype=uint8))
    """

    def __init__(self, type: Any) -> None:  # noqa: A002 - torch's name
        d = _dt.to_dtype(type)
        if d.is_floating_point or d.is_complex or d.name == "bool":
            raise TypeError(
                "torch.iinfo() requires an integer input type. Use torch.finfo to "
                "handle 'torch.iinfo'"
            )
        info = np.iinfo(np.dtype(d.name))
        self.bits, self.max, self.min = int(info.bits), int(info.max), int(info.min)
        self.dtype = d.name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, iinfo) and other.dtype == self.dtype

    def __hash__(self) -> int:
        return hash(("iinfo", self.dtype))

    def __repr__(self) -> str:
        return f"iinfo(min={_g(self.min)}, max={_g(self.max)}, dtype={self.dtype})"
