"""Loss modules: ``L1Loss``, ``SmoothL1Loss``, ``HuberLoss``, ``NLLLoss``,
``KLDivLoss``."""

from __future__ import annotations

from ...autograd.tensor import Tensor
from . import functional as F
from .modules import _Loss

__all__ = ["HuberLoss", "KLDivLoss", "L1Loss", "NLLLoss", "SmoothL1Loss"]


class L1Loss(_Loss):
    """Mean absolute error.

    >>> import funcgrad.torch as torch
    >>> L1Loss()(torch.tensor([1.0, -3.0]), torch.zeros(2))
    tensor(2.)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.l1_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """Quadratic below ``beta``, linear above.

    >>> import funcgrad.torch as torch
    >>> SmoothL1Loss()(torch.tensor([0.5, 3.0]), torch.zeros(2))
    tensor(1.3125)
    """

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean",
                 beta: float = 1.0) -> None:  # fmt: skip
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """Quadratic below ``delta``, ``delta``-scaled linear above.

    >>> import funcgrad.torch as torch
    >>> HuberLoss(delta=2.0)(torch.tensor([0.5, 3.0]), torch.zeros(2))
    tensor(2.0625)
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class NLLLoss(_Loss):
    """Negative log-likelihood of class indices (``weight`` is a buffer).

    >>> import funcgrad.torch as torch
    >>> NLLLoss()(torch.tensor([[-0.5, -1.0]]), torch.tensor([1]))
    tensor(1.)
    """

    def __init__(self, weight: Tensor | None = None, size_average=None,
                 ignore_index: int = -100, reduce=None,
                 reduction: str = "mean") -> None:  # fmt: skip
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.nll_loss(
            input, target, weight=self.weight, ignore_index=self.ignore_index,
            reduction=self.reduction,
        )  # fmt: skip


class KLDivLoss(_Loss):
    """KL divergence of log-probabilities from a target distribution.

    >>> import funcgrad.torch as torch
    >>> KLDivLoss(reduction="sum")(torch.tensor([-1.0]), torch.tensor([1.0]))
    tensor(1.)
    """

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean",
                 log_target: bool = False) -> None:  # fmt: skip
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.kl_div(
            input, target, reduction=self.reduction, log_target=self.log_target
        )
