"""Norms: ``linalg_vector_norm`` (every ``ord``) and the singular values
(``_linalg_svd``) the spectral and nuclear matrix norms reduce.

The vector norm's gradient is PyTorch's ``norm_backward``: zero where the norm is
zero (``ord`` 2, ``p > 1``), the sign for ``ord=1``, split evenly among the
largest magnitudes for ``ord=inf``, zero for ``ord=0``.
"""

from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp

from ._registry import register


def _value(a, ord: float, dim: tuple[int, ...], keepdim: bool):
    m = jnp.abs(a)
    if ord == 0:
        return jnp.sum(m != 0, dim, keepdims=keepdim).astype(m.dtype)
    if ord == math.inf:
        return jnp.max(m, dim, keepdims=keepdim)
    if ord == -math.inf:
        return jnp.min(m, dim, keepdims=keepdim)
    if ord == 1:
        return jnp.sum(m, dim, keepdims=keepdim)
    if ord == 2:
        return jnp.sqrt(jnp.sum(m * m, dim, keepdims=keepdim))
    return jnp.sum(m**ord, dim, keepdims=keepdim) ** (1.0 / ord)


@functools.partial(jax.custom_vjp, nondiff_argnums=(1, 2, 3))
def _norm(a, ord, dim, keepdim):
    return _value(a, ord, dim, keepdim)


def _norm_fwd(a, ord, dim, keepdim):
    n = _value(a, ord, dim, keepdim)
    return n, (a, n)


def _zero_where(mask, x):
    return jnp.where(mask, jnp.zeros_like(x), x)


def _norm_bwd(ord, dim, keepdim, res, g):
    a, n = res
    if not keepdim:
        g, n = jnp.expand_dims(g, dim), jnp.expand_dims(n, dim)
    sign, m = jnp.sign(a), jnp.abs(a)
    if ord == 0:
        return (jnp.zeros_like(a),)
    if ord == 1:
        return (sign * g,)
    if ord == 2:
        return (g * _zero_where(n == 0, a / n),)
    if math.isinf(ord):
        mask = (m == n) | jnp.isnan(m)
        return (sign * (g / jnp.sum(mask, dim, keepdims=True)) * mask,)
    if ord < 1:
        scaled = sign * _zero_where(a == 0, m ** (ord - 1))
        return (scaled * g * n ** (1 - ord),)
    scaled = sign * m ** (ord - 1)
    return (scaled * _zero_where(n == 0, g / n ** (ord - 1)),)


_norm.defvjp(_norm_fwd, _norm_bwd)


def vector_norm(a, ord=2.0, dim=(), keepdim: bool = False, dtype=None):
    """``linalg_vector_norm``: ``a`` (cast to ``dtype`` first) reduced over ``dim``."""
    if dtype is not None:
        a = a.astype(dtype)
    return _norm(a, float(ord), tuple(dim), bool(keepdim))


register("linalg_vector_norm", vector_norm, "LinalgVectorNormBackward0")
register(
    "_linalg_svd",
    lambda a: jnp.linalg.svd(a, compute_uv=False),
    "LinalgSvdBackward0",
)
