"""Activation modules: ``Softmax``, ``LogSoftmax``, ``GELU``, ``SiLU``,
``LeakyReLU``, ``ELU``."""

from __future__ import annotations

from ...autograd.tensor import Tensor
from . import functional as F
from .modules import Module

__all__ = ["ELU", "GELU", "LeakyReLU", "LogSoftmax", "SiLU", "Softmax"]


class Softmax(Module):
    """Softmax along ``dim``.

    >>> import funcgrad.torch as torch
    >>> Softmax(dim=1)(torch.zeros(1, 2))
    tensor([[0.5000, 0.5000]])
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.softmax(input, self.dim, _stacklevel=5)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """Log of the softmax along ``dim``.

    >>> import funcgrad.torch as torch
    >>> LogSoftmax(dim=0)(torch.zeros(2))
    tensor([-0.6931, -0.6931])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.log_softmax(input, self.dim, _stacklevel=5)


class GELU(Module):
    """Gaussian error linear unit (``approximate="tanh"`` for the tanh form).

    >>> import funcgrad.torch as torch
    >>> GELU()(torch.tensor([1.0]))
    tensor([0.8413])
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, input: Tensor) -> Tensor:
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """``x * sigmoid(x)``.

    >>> import funcgrad.torch as torch
    >>> SiLU()(torch.tensor([1.0]))
    tensor([0.7311])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.silu(input)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class LeakyReLU(Module):
    """``x`` if positive, else ``negative_slope * x``.

    >>> import funcgrad.torch as torch
    >>> LeakyReLU(0.5)(torch.tensor([-2.0, 1.0]))
    tensor([-1.,  1.])
    """

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.leaky_relu(input, self.negative_slope)

    def extra_repr(self) -> str:
        text = f"negative_slope={self.negative_slope}"
        return text + (", inplace=True" if self.inplace else "")


class ELU(Module):
    """``x`` if positive, else ``alpha * (exp(x) - 1)``.

    >>> import funcgrad.torch as torch
    >>> ELU()(torch.tensor([0.0, 1.0]))
    tensor([0., 1.])
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.elu(input, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")
