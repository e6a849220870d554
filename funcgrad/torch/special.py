"""``torch.special``: the special functions the elementwise family has (``erf``,
``erfc``, ``expit``, ``logit``, ``exp2``, ``expm1``, ``log1p``, ``round``), the
same registry entries as their ``torch.*`` names."""

from __future__ import annotations

from ..autograd.tensor import Tensor
from . import _functions
from ._functions import erf as erf
from ._functions import erfc as erfc
from ._functions import exp2 as exp2
from ._functions import expm1 as expm1
from ._functions import log1p as log1p
from ._functions import logit as logit
from ._functions import sigmoid as expit
from ._missing import missing as _missing

__getattr__ = _missing(__name__)

__all__ = ["erf", "erfc", "exp2", "expit", "expm1", "log1p", "logit", "round"]


def round(input: Tensor, *, decimals: int = 0, out: Tensor | None = None) -> Tensor:  # noqa: A001, A002
    """Round to ``decimals`` places (``RoundBackward1`` even for 0, as torch's).

    >>> import funcgrad.torch as torch
    >>> round(torch.tensor([1.25, 2.5]), decimals=1)
    tensor([1.2000, 2.5000])
    """
    return _functions.round(input, decimals=decimals, out=out)
