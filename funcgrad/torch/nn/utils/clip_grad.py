"""``clip_grad_norm_`` and ``clip_grad_value_``: in-place rescaling of ``.grad``."""

from __future__ import annotations

import math
from collections.abc import Iterable

import jax.numpy as jnp

from ....autograd import dtypes as _dt
from ....autograd.tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def _grads(parameters: Tensor | Iterable[Tensor]) -> list[Tensor]:
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    return [p.grad for p in params if p.grad is not None]


def _set(g: Tensor, value) -> None:
    g._value = value.astype(g._value.dtype)
    g._version += 1


def clip_grad_norm_(
    parameters: Tensor | Iterable[Tensor],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> Tensor:
    """Scale the gradients so that their total ``norm_type``-norm is at most
    ``max_norm`` (by ``max_norm / (total + 1e-6)``, clamped at 1); returns the
    total norm before clipping.

    >>> import funcgrad.torch as torch
    >>> p = torch.nn.Parameter(torch.ones(4))
    >>> (p * 3).sum().backward()
    >>> clip_grad_norm_([p], 1.0), p.grad
    (tensor(6.), tensor([0.5000, 0.5000, 0.5000, 0.5000]))
    """
    grads = _grads(parameters)
    if not grads:
        return Tensor(jnp.asarray(0.0))
    with _dt.scope(_dt.wide(grads)):
        return _clip_norm(grads, max_norm, norm_type, error_if_nonfinite)


def _clip_norm(grads, max_norm, norm_type, error_if_nonfinite) -> Tensor:
    norm_type = float(norm_type)
    if math.isinf(norm_type):
        norms = [jnp.max(jnp.abs(g._value)) for g in grads]
        total = jnp.max(jnp.stack(norms))
    else:
        norms = [jnp.linalg.norm(g._value.ravel(), norm_type) for g in grads]
        total = jnp.linalg.norm(jnp.stack(norms), norm_type)
    if error_if_nonfinite and not bool(jnp.isfinite(total)):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is "
            "non-finite, so it cannot be clipped. To disable this error and scale the "
            "gradients by the non-finite norm anyway, set "
            "`error_if_nonfinite=False`"
        )
    coef = jnp.minimum(max_norm / (total + 1e-6), 1.0)
    for g in grads:
        _set(g, g._value * coef.astype(g._value.dtype))
    return Tensor(total)


def clip_grad_value_(
    parameters: Tensor | Iterable[Tensor],
    clip_value: float,
    foreach: bool | None = None,
) -> None:
    """Clamp every gradient element to ``[-clip_value, clip_value]``.

    >>> import funcgrad.torch as torch
    >>> p = torch.nn.Parameter(torch.ones(2))
    >>> (p * torch.tensor([3.0, -0.5])).sum().backward()
    >>> clip_grad_value_([p], 1.0); p.grad
    tensor([ 1.0000, -0.5000])
    """
    c = float(clip_value)
    grads = _grads(parameters)
    with _dt.scope(_dt.wide(grads)):
        for g in grads:
            _set(g, jnp.clip(g._value, -c, c))
