"""In-place writes: ``fill_ zero_ copy_``, index assignment,
``masked_fill index_add scatter``."""

from __future__ import annotations

import jax.numpy as jnp

from ._registry import register
from .shapes import index_key, index_like, wrap_dim

register("fill", lambda a, value: jnp.full_like(a, value), "FillBackward2")
register("zero", jnp.zeros_like, "ZeroBackward0")
register(
    "copy_",
    lambda a, src: jnp.broadcast_to(jnp.asarray(src).astype(a.dtype), a.shape),
    "torch::autograd::CopyBackwards",
)


def _index_put(a, values, *arrays, template, accumulate=False):
    key = index_key(arrays, template)
    values = jnp.asarray(values).astype(a.dtype)
    return a.at[key].add(values) if accumulate else a.at[key].set(values)


register("index_put", _index_put, "IndexPutBackward0", inputs=2)
register(
    "masked_fill",
    lambda a, mask, value: jnp.where(mask, jnp.asarray(value, a.dtype), a),
    "MaskedFillBackward0",
    inputs=1,
)


def _index_add(a, source, index, dim, alpha=1):
    key = (slice(None),) * dim + (index,)
    return a.at[key].add((source if alpha == 1 else source * alpha).astype(a.dtype))


register("index_add", _index_add, "IndexAddBackward0", inputs=2)


def _scatter(a, src, index, dim):
    grids = list(jnp.meshgrid(*(jnp.arange(n) for n in index.shape), indexing="ij"))
    grids[dim] = index
    part = src[tuple(slice(0, n) for n in index.shape)] if jnp.ndim(src) else src
    return a.at[tuple(grids)].set(jnp.asarray(part).astype(a.dtype))


register("scatter", _scatter, "ScatterBackward0", inputs=2)


def _scatter_value(a, index, dim, value):
    grids = list(jnp.meshgrid(*(jnp.arange(n) for n in index.shape), indexing="ij"))
    grids[dim] = index
    return a.at[tuple(grids)].set(jnp.asarray(value, a.dtype))


register("scatter.value", _scatter_value, "ScatterBackward1", inputs=1)


def _scatter_add(a, src, index, dim):
    grids = list(jnp.meshgrid(*(jnp.arange(n) for n in index.shape), indexing="ij"))
    grids[dim] = index
    part = src[tuple(slice(0, n) for n in index.shape)]
    return a.at[tuple(grids)].add(part.astype(a.dtype))


def _scatter_add_args(input, dim, index, src):  # noqa: A002
    d = wrap_dim(dim, input.ndim)
    index_like("scatter", input, d, index, src)
    return (input, src, index._value), {"dim": d}


register(
    "scatter_add",
    _scatter_add,
    "ScatterAddBackward0",
    inputs=2,
    method="scatter_add",
    function="scatter_add",
    signature=_scatter_add_args,
)
