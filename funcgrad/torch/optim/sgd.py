"""``torch.optim.SGD`` on optax: weight decay, momentum (with dampening), Nesterov."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax

from ...autograd import Tensor
from .optimizer import Optimizer, _as_array, required


class _DampenedState(NamedTuple):
    buf: jax.Array
    started: jax.Array


def _dampened_momentum(
    momentum: float, dampening: float
) -> optax.GradientTransformation:
    """PyTorch's momentum buffer with dampening: ``buf = g`` at the first step,
    then ``buf = momentum * buf + (1 - dampening) * g`` (optax's ``trace`` has no
    dampening; with ``dampening=0`` SGD uses ``optax.trace`` itself)."""

    def init(params):
        return _DampenedState(jnp.zeros_like(params), jnp.zeros((), bool))

    def update(updates, state, params=None):
        buf = jnp.where(
            state.started, momentum * state.buf + (1 - dampening) * updates, updates
        )
        return buf, _DampenedState(buf, jnp.ones((), bool))

    return optax.GradientTransformation(init, update)


class SGD(Optimizer):
    """Stochastic gradient descent, as ``torch.optim.SGD``:
    ``d = g + weight_decay * p``; with momentum ``buf = d`` at the first step,
    then ``buf = momentum * buf + (1 - dampening) * d``, and ``d = buf`` (or
    ``d + momentum * buf`` with Nesterov); ``p -= lr * d``.

    >>> import funcgrad.torch as torch
    >>> w = torch.nn.Parameter(torch.tensor([1.0]))
    >>> opt = SGD([w], lr=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     opt.zero_grad(); (w * w).sum().backward(); opt.step()
    >>> w
    Parameter containing:
    tensor([0.4600], requires_grad=True)
    >>> opt.param_groups[0]["lr"] = 0.01  # honoured by the next step
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float | Tensor = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        if lr is not required and lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(
            params,
            {
                "lr": lr,
                "momentum": momentum,
                "dampening": dampening,
                "weight_decay": weight_decay,
                "nesterov": nesterov,
                "maximize": maximize,
                "foreach": foreach,
                "differentiable": differentiable,
                "fused": fused,
            },
        )

    def _transform(self, group: dict[str, Any]) -> optax.GradientTransformation:
        parts = []
        if group["maximize"]:
            parts.append(optax.scale(-1.0))
        if group["weight_decay"]:
            parts.append(optax.add_decayed_weights(group["weight_decay"]))
        m = group["momentum"]
        if m:
            if group["dampening"]:
                parts.append(_dampened_momentum(m, group["dampening"]))
            else:
                parts.append(optax.trace(decay=m, nesterov=group["nesterov"]))
        return optax.chain(*parts) if parts else optax.identity()

    def _structure(self, group: dict[str, Any]) -> tuple:
        return (
            bool(group["maximize"]),
            bool(group["weight_decay"]),
            bool(group["momentum"]),
            bool(group["dampening"]) if group["momentum"] else False,
        )

    def _torch_state(self, state: Any) -> dict[str, Tensor]:
        for part in state:
            if isinstance(part, optax.TraceState):
                return {"momentum_buffer": Tensor(part.trace)}
            if isinstance(part, _DampenedState):
                return {"momentum_buffer": Tensor(part.buf)}
        return {}  # no momentum: PyTorch keeps no state

    def _from_torch_state(self, p: Tensor, group: dict[str, Any], saved: dict) -> Any:
        state = list(self._transform(group).init(p._value))
        buf = saved.get("momentum_buffer")
        for i, part in enumerate(state):
            if buf is None:
                continue
            if isinstance(part, optax.TraceState):
                state[i] = optax.TraceState(trace=_as_array(buf, p._value))
            if isinstance(part, _DampenedState):
                state[i] = _DampenedState(_as_array(buf, p._value), jnp.ones((), bool))
        return tuple(state)
