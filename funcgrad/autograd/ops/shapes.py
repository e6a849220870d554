"""Shapes and views: the view ops, ``unfold``, ``split``, indexing,
``cat stack clone _to_copy``."""

from __future__ import annotations

import jax.numpy as jnp

from ._registry import SAME, register, view

view("alias", lambda a: a, "AliasBackward0")
view("t", jnp.transpose, "TBackward0")
view(
    "transpose", lambda a, dim0, dim1: jnp.swapaxes(a, dim0, dim1), "TransposeBackward0"
)
view("permute", lambda a, dims: jnp.transpose(a, dims), "PermuteBackward0")
view("view", lambda a, shape: jnp.reshape(a, shape), "ViewBackward0")
register("_unsafe_view", lambda a, shape: jnp.reshape(a, shape), "UnsafeViewBackward0")
view("_reshape_alias", lambda a, shape: jnp.reshape(a, shape), "ReshapeAliasBackward0")
view("expand", lambda a, shape: jnp.broadcast_to(a, shape), "ExpandBackward0")
view("squeeze", jnp.squeeze, "SqueezeBackward0")
view("squeeze.dim", lambda a, dim: jnp.squeeze(a, dim), "SqueezeBackward1")
view("squeeze.dims", lambda a, dim: jnp.squeeze(a, dim), "SqueezeBackward2")
view("squeeze_.dim", lambda a, dim: jnp.squeeze(a, dim), "SqueezeBackward4")
view("unsqueeze", lambda a, dim: jnp.expand_dims(a, dim), "UnsqueezeBackward0")
view("select", lambda a, dim, index: jnp.take(a, index, axis=dim), "SelectBackward0")
view(
    "slice",
    lambda a, dim, start, stop, step: a[
        (slice(None),) * dim + (slice(start, stop, step),)
    ],
    "SliceBackward0",
)
view(
    "diagonal",
    lambda a, offset, dim1, dim2: jnp.diagonal(a, offset, dim1, dim2),
    "DiagonalBackward0",
)


def _unfold(a, dimension: int, size: int, step: int):
    n = (a.shape[dimension] - size) // step + 1
    starts = jnp.arange(n) * step
    windows = starts[:, None] + jnp.arange(size)[None, :]  # (n, size)
    out = jnp.take(a, windows.reshape(-1), axis=dimension)
    out = out.reshape(a.shape[:dimension] + (n, size) + a.shape[dimension + 1 :])
    return jnp.moveaxis(out, dimension + 1, -1)


view("unfold", _unfold, "UnfoldBackward0")


def _part(a, dim: int, start: int, stop: int):
    return a[(slice(None),) * dim + (slice(start, stop),)]


view("unbind", lambda a, dim, index: jnp.take(a, index, axis=dim), "UnbindBackward0")
view("split", _part, "SplitBackward0")
view("split_with_sizes", _part, "SplitWithSizesBackward0")


def _index(a, *arrays, template):
    """``a[key]`` where ``template`` rebuilds the key: arrays fill its ``"T"`` slots.

    Concrete indices are bounds-checked before they get here (``checks``); a traced
    index out of range reads JAX's fill value (NaN for floats, the lowest integer),
    never a clamped neighbour that would look like a result."""
    return a.at[index_key(arrays, template)].get(mode="fill")


def index_key(arrays, template) -> tuple:
    it = iter(arrays)
    return tuple(next(it) if item == "T" else _key_item(item) for item in template)


def _key_item(item):
    if item == "N":
        return None
    if item == "E":
        return Ellipsis
    if isinstance(item, tuple):  # ("S", start, stop, step): slices hash from 3.12 only
        return slice(*item[1:])
    return item


register("index.Tensor", _index, "IndexBackward0", inputs=1)
register("cat", lambda *xs, dim=0: jnp.concatenate(xs, axis=dim), "CatBackward0")
register("stack", lambda *xs, dim=0: jnp.stack(xs, axis=dim), "StackBackward0")
register("clone", lambda a: a, "CloneBackward0", layout=SAME)
register("_to_copy", lambda a, dtype: a.astype(dtype), "ToCopyBackward0", layout=SAME)
