"""``torch.optim.RMSprop`` on optax: the running mean of squared gradients (and,
centered, of gradients) with optax's moment helpers; PyTorch's order of
operations in the step."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax

from ...autograd.tensor import Tensor
from .adam import _lerp
from .optimizer import Optimizer, _as_array


class _RMSState(NamedTuple):
    count: jax.Array
    square_avg: jax.Array
    grad_avg: jax.Array | None
    momentum_buffer: jax.Array | None


def _rms(alpha: float, eps: float, momentum: float, centered: bool):
    """The update direction: ``(g, avg)`` for the step ``-lr * g / avg``, or
    ``(buffer, None)`` with momentum."""

    def init(params):
        z = jnp.zeros_like(params)
        return _RMSState(jnp.zeros((), jnp.int32), z, z if centered else None,
                         z if momentum else None)  # fmt: skip

    def update(g, state, params=None):
        dt = g.dtype
        sq = (
            state.square_avg * jnp.asarray(alpha, dt)
            + jnp.asarray(1 - alpha, dt) * g * g
        )
        ga = state.grad_avg
        if centered:
            ga = _lerp(ga, g, 1 - alpha)
            avg = jnp.sqrt(sq + (-ga) * ga) + jnp.asarray(eps, dt)
        else:
            avg = jnp.sqrt(sq) + jnp.asarray(eps, dt)
        buf = state.momentum_buffer
        if momentum:
            buf = buf * jnp.asarray(momentum, dt) + g / avg
            return (buf, None), _RMSState(state.count + 1, sq, ga, buf)
        # The step is PyTorch's addcdiv, (-lr * g) / avg: the direction is the
        # pair (g, avg) and _apply divides after scaling.
        return (g, avg), _RMSState(state.count + 1, sq, ga, buf)

    return optax.GradientTransformation(init, update)


class RMSprop(Optimizer):
    """RMSprop, as ``torch.optim.RMSprop``: ``v = alpha v + (1 - alpha) g**2``;
    ``p -= lr * g / (sqrt(v) + eps)`` (centered: ``v - mean(g)**2`` under the
    root; with momentum the step goes through a buffer).

    >>> import funcgrad.torch as torch
    >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    >>> opt = RMSprop([w], lr=0.01)
    >>> (w * w).sum().backward(); opt.step(); w
    Parameter containing:
    tensor([ 0.9000, -1.9000], requires_grad=True)
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float | Tensor = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        for name, value in (("learning rate", lr), ("epsilon value", eps),
                            ("momentum value", momentum),
                            ("weight_decay value", weight_decay),
                            ("alpha value", alpha)):  # fmt: skip
            if not 0.0 <= value:
                raise ValueError(f"Invalid {name}: {value}")
        super().__init__(
            params,
            {
                "lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps,
                "centered": centered, "weight_decay": weight_decay,
                "capturable": capturable, "foreach": foreach, "maximize": maximize,
                "differentiable": differentiable,
            },
        )  # fmt: skip

    def _transform(self, group: dict[str, Any]) -> optax.GradientTransformation:
        parts = []
        if group["maximize"]:
            parts.append(optax.scale(-1.0))
        if group["weight_decay"]:
            parts.append(optax.add_decayed_weights(group["weight_decay"]))
        parts.append(_rms(group["alpha"], group["eps"], group["momentum"],
                          bool(group["centered"])))  # fmt: skip
        return optax.chain(*parts)

    def _structure(self, group: dict[str, Any]) -> tuple:
        return (bool(group["maximize"]), bool(group["weight_decay"]),
                bool(group["momentum"]), bool(group["centered"]))  # fmt: skip

    def _apply(
        self, group: dict[str, Any], value: jax.Array, direction, state: Any, lr
    ) -> jax.Array:
        num, avg = direction
        lr = jnp.asarray(-lr, value.dtype)
        return value + lr * num if avg is None else value + lr * num / avg

    def _torch_state(self, state: Any) -> dict[str, Tensor]:
        part = state[-1]
        out = {
            "step": Tensor(jnp.asarray(part.count, jnp.float32)),
            "square_avg": Tensor(part.square_avg),
        }
        if part.momentum_buffer is not None:
            out["momentum_buffer"] = Tensor(part.momentum_buffer)
        if part.grad_avg is not None:
            out["grad_avg"] = Tensor(part.grad_avg)
        return out

    def _from_torch_state(self, p: Tensor, group: dict[str, Any], saved: dict) -> Any:
        state = list(self._transform(group).init(p._value))
        fresh = state[-1]
        step = saved["step"]
        step = step._value if isinstance(step, Tensor) else step

        def get(key, default):
            return _as_array(saved[key], p._value) if key in saved else default

        state[-1] = _RMSState(
            jnp.asarray(float(step), jnp.int32),
            get("square_avg", fresh.square_avg),
            None if fresh.grad_avg is None else get("grad_avg", fresh.grad_avg),
            None
            if fresh.momentum_buffer is None
            else get("momentum_buffer", fresh.momentum_buffer),
        )
        return tuple(state)
