"""``torch.optim.Adagrad`` on optax: the running sum of squared gradients
(``optax.scale_by_rss``'s accumulator, kept as PyTorch keeps it), PyTorch's
learning-rate decay and epsilon outside the root."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax

from ...autograd.tensor import Tensor
from .optimizer import Optimizer, _as_array


class _SumState(NamedTuple):
    count: jax.Array
    sum: jax.Array


def _adagrad(initial: float, eps: float) -> optax.GradientTransformation:
    """The direction as the pair ``(g, sqrt(sum) + eps)``, ``sum += g**2``
    first (the step divides after scaling by the rate, as PyTorch's addcdiv)."""

    def init(params):
        return _SumState(jnp.zeros((), jnp.int32), jnp.full_like(params, initial))

    def update(g, state, params=None):
        total = state.sum + g * g
        std = jnp.sqrt(total) + jnp.asarray(eps, g.dtype)
        return (g, std), _SumState(state.count + 1, total)

    return optax.GradientTransformation(init, update)


class Adagrad(Optimizer):
    """Adagrad, as ``torch.optim.Adagrad``: ``s += g**2``;
    ``p -= lr / (1 + (t - 1) * lr_decay) * g / (sqrt(s) + eps)``.

    >>> import funcgrad.torch as torch
    >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    >>> opt = Adagrad([w], lr=0.1)
    >>> (w * w).sum().backward(); opt.step(); w
    Parameter containing:
    tensor([ 0.9000, -1.9000], requires_grad=True)
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float | Tensor = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        for name, value in (("learning rate", lr), ("lr_decay value", lr_decay),
                            ("weight_decay value", weight_decay),
                            ("initial_accumulator_value value",
                             initial_accumulator_value),
                            ("epsilon value", eps)):  # fmt: skip
            if not 0.0 <= value:
                raise ValueError(f"Invalid {name}: {value}")
        super().__init__(
            params,
            {
                "lr": lr, "lr_decay": lr_decay, "eps": eps,
                "weight_decay": weight_decay,
                "initial_accumulator_value": initial_accumulator_value,
                "foreach": foreach, "maximize": maximize,
                "differentiable": differentiable, "fused": fused,
            },
        )  # fmt: skip

    def _transform(self, group: dict[str, Any]) -> optax.GradientTransformation:
        parts = []
        if group["maximize"]:
            parts.append(optax.scale(-1.0))
        if group["weight_decay"]:
            parts.append(optax.add_decayed_weights(group["weight_decay"]))
        parts.append(_adagrad(group["initial_accumulator_value"], group["eps"]))
        return optax.chain(*parts)

    def _structure(self, group: dict[str, Any]) -> tuple:
        return (bool(group["maximize"]), bool(group["weight_decay"]))

    def _apply(
        self, group: dict[str, Any], value: jax.Array, direction, state: Any, lr
    ) -> jax.Array:
        t = state[-1].count.astype(jnp.promote_types(value.dtype, jnp.float32))
        clr = lr / (1 + (t - 1) * group["lr_decay"])
        g, std = direction
        return value + jnp.asarray(-clr, value.dtype) * g / std

    def _torch_state(self, state: Any) -> dict[str, Tensor]:
        part = state[-1]
        return {
            "step": Tensor(jnp.asarray(part.count, jnp.float32)),
            "sum": Tensor(part.sum),
        }

    def _from_torch_state(self, p: Tensor, group: dict[str, Any], saved: dict) -> Any:
        state = list(self._transform(group).init(p._value))
        step = saved["step"]
        step = step._value if isinstance(step, Tensor) else step
        total = _as_array(saved["sum"], p._value)
        state[-1] = _SumState(jnp.asarray(float(step), jnp.int32), total)
        return tuple(state)
