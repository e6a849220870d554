"""``torch.optim.AdamW``: Adam with decoupled weight decay (default 0.01)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ...autograd.tensor import Tensor
from .adam import Adam


class AdamW(Adam):
    """AdamW, as ``torch.optim.AdamW``: ``p *= 1 - lr * weight_decay`` before
    each Adam step.

    >>> import funcgrad.torch as torch
    >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    >>> opt = AdamW([w], lr=0.1)
    >>> (w * w).sum().backward(); opt.step(); w
    Parameter containing:
    tensor([ 0.8990, -1.8980], requires_grad=True)
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float | Tensor = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        super().__init__(
            params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach,
            maximize=maximize, capturable=capturable, differentiable=differentiable,
            fused=fused, decoupled_weight_decay=True,
        )  # fmt: skip
