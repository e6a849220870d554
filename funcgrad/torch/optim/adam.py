"""``torch.optim.Adam`` on optax: moments from optax's helpers, L2 weight decay as
``optax.add_decayed_weights``, PyTorch's bias correction (in double) and AMSGrad."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax

from ...autograd import Tensor
from .optimizer import Optimizer, _as_array


class _MomentsState(NamedTuple):
    count: jax.Array
    mu: jax.Array
    nu: jax.Array
    nu_max: jax.Array | None


def _moments(b1: float, b2: float, amsgrad: bool) -> optax.GradientTransformation:
    """Adam's first and second moments in PyTorch's arithmetic (``lerp`` for the
    first, ``v * b2 + (1 - b2) * g * g`` for the second; optax's
    ``update_moment`` helpers round differently by an ulp or two), with
    AMSGrad's running maximum of the raw second moment as PyTorch keeps it. The
    bias correction is left to the step, which computes it in double precision
    as PyTorch does: ``optax.scale_by_adam`` computes ``1 - b2**t`` in float32,
    about 5e-5 off at ``t = 1``."""

    def init(params):
        z = jnp.zeros_like(params)
        return _MomentsState(jnp.zeros((), jnp.int32), z, z, z if amsgrad else None)

    def update(g, state, params=None):
        mu = _lerp(state.mu, g, 1 - b1)
        nu = state.nu * jnp.asarray(b2, g.dtype) + jnp.asarray(1 - b2, g.dtype) * g * g
        nu_max = jnp.maximum(state.nu_max, nu) if amsgrad else None
        return mu, _MomentsState(state.count + 1, mu, nu, nu_max)

    return optax.GradientTransformation(init, update)


def _lerp(a, b, w: float):
    """PyTorch's ``lerp`` (``a + w (b - a)`` for ``w < 0.5``), rounding as it does."""
    w32 = jnp.asarray(w, a.dtype)
    if w < 0.5:
        return a + w32 * (b - a)
    return b - (b - a) * jnp.asarray(1 - w, a.dtype)


def _one_minus_power(b: float, t: jax.Array) -> jax.Array:
    """``1 - b**t`` for a traced step count, to float32 precision (``expm1`` of
    ``t log b`` with ``log b`` in double): PyTorch computes it in double."""
    if b == 0:
        return jnp.ones_like(t)
    return -jnp.expm1(t * math.log(b))


class Adam(Optimizer):
    """Adam, as ``torch.optim.Adam``: moments ``m = b1 m + (1 - b1) g`` and
    ``v = b2 v + (1 - b2) g**2`` per parameter, the step
    ``p -= lr * (m / (1 - b1**t)) / (sqrt(v / (1 - b2**t)) + eps)``; with
    ``weight_decay`` the gradient gets ``+ weight_decay * p`` (or, with
    ``decoupled_weight_decay=True``, AdamW's ``p *= 1 - lr * weight_decay``).

    >>> import funcgrad.torch as torch
    >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    >>> opt = Adam([w], lr=0.1)
    >>> (w * w).sum().backward(); opt.step(); w
    Parameter containing:
    tensor([ 0.9000, -1.9000], requires_grad=True)
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float | Tensor = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
        decoupled_weight_decay: bool = False,
    ) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        for i in (0, 1):
            if not 0.0 <= betas[i] < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {betas[i]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        super().__init__(
            params,
            {
                "lr": lr,
                "betas": betas,
                "eps": eps,
                "weight_decay": weight_decay,
                "amsgrad": amsgrad,
                "maximize": maximize,
                "foreach": foreach,
                "capturable": capturable,
                "differentiable": differentiable,
                "fused": fused,
                "decoupled_weight_decay": decoupled_weight_decay,
            },
        )

    def _transform(self, group: dict[str, Any]) -> optax.GradientTransformation:
        b1, b2 = group["betas"]
        parts = []
        if group["maximize"]:
            parts.append(optax.scale(-1.0))
        if group["weight_decay"] and not group["decoupled_weight_decay"]:
            parts.append(optax.add_decayed_weights(group["weight_decay"]))
        parts.append(_moments(b1, b2, bool(group["amsgrad"])))
        return optax.chain(*parts) if parts else optax.identity()

    def _structure(self, group: dict[str, Any]) -> tuple:
        return (
            bool(group["maximize"]),
            bool(group["weight_decay"]) and not group["decoupled_weight_decay"],
            bool(group["amsgrad"]),
        )

    def _apply(
        self, group: dict[str, Any], value: jax.Array, direction, state: Any, lr
    ) -> jax.Array:
        moments = state[-1]
        dt = value.dtype
        t = moments.count.astype(jnp.promote_types(dt, jnp.float32))  # f64 in f64
        b1, b2 = group["betas"]
        if group["weight_decay"] and group["decoupled_weight_decay"]:
            value = value * (1 - lr * group["weight_decay"])
        # PyTorch's order: denom = sqrt(v) / sqrt(bc2) + eps; p += -step_size * m / d
        step_size = (lr / _one_minus_power(b1, t)).astype(dt)
        bc2_sqrt = jnp.sqrt(_one_minus_power(b2, t)).astype(dt)
        nu = moments.nu_max if group["amsgrad"] else moments.nu
        denom = jnp.sqrt(nu) / bc2_sqrt + jnp.asarray(group["eps"], dt)
        return value + (-step_size * moments.mu) / denom

    def _torch_state(self, state: Any) -> dict[str, Tensor]:
        part = state[-1]
        out = {
            "step": Tensor(jnp.asarray(part.count, jnp.float32)),
            "exp_avg": Tensor(part.mu),
            "exp_avg_sq": Tensor(part.nu),
        }
        if part.nu_max is not None:
            out["max_exp_avg_sq"] = Tensor(part.nu_max)
        return out

    def _from_torch_state(self, p: Tensor, group: dict[str, Any], saved: dict) -> Any:
        state = list(self._transform(group).init(p._value))
        step = saved["step"]
        step = step._value if isinstance(step, Tensor) else step
        count = jnp.asarray(float(step), jnp.int32)
        mu = _as_array(saved["exp_avg"], p._value)
        nu = _as_array(saved["exp_avg_sq"], p._value)
        nu_max = None
        if group["amsgrad"]:
            nu_max = _as_array(saved.get("max_exp_avg_sq", saved["exp_avg_sq"]), nu)
        state[-1] = _MomentsState(count, mu, nu, nu_max)
        return tuple(state)
