"""Sorting: ``sort topk kthvalue mode`` (values and the positions they came from)
and ``unique``'s values.

Positions are those of a stable sort, as PyTorch's CPU ``sort`` gives (equal
elements keep their order, descending too; NaN sorts above everything). Each
value's gradient goes to the position it was taken from. Where PyTorch leaves the
position of tied elements unspecified (``topk``, ``kthvalue``), these are the
stable sort's.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .. import checks
from ._registry import register
from .reductions import numpy_names


def order(a, dim: int = -1, descending: bool = False, stable: bool = False):
    """Positions sorting ``a`` along ``dim`` (stable, NaN last ascending)."""
    if a.ndim == 0:
        return jnp.zeros((), jnp.int32)
    return jnp.argsort(a, axis=dim, stable=True, descending=descending)


def _taken(a, idx, dim: int):
    if a.ndim == 0:
        return a
    return jnp.take_along_axis(a, jax.lax.stop_gradient(idx), axis=dim)


def _sort(a, dim: int = -1, descending: bool = False, stable: bool = False):
    return _taken(a, order(a, dim, descending), dim)


@numpy_names
def sort_args(input, dim=-1, descending=False, *, stable=False):  # noqa: A002
    d = checks.wrap_dim(dim, input.ndim)
    return (input,), {"dim": d, "descending": bool(descending), "stable": bool(stable)}


def topk_index(a, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):  # noqa: A002
    """Positions of the ``k`` largest (smallest) elements along ``dim``."""
    idx = order(a, dim, descending=largest)
    if a.ndim == 0:
        return idx
    return jax.lax.slice_in_dim(idx, 0, k, axis=dim)


def _topk(a, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):  # noqa: A002
    return _taken(a, topk_index(a, k, dim, largest), dim)


@numpy_names
def _topk_args(input, k, dim=-1, largest=True, sorted=True):  # noqa: A002
    k = checks.integer(k, "k")
    d = checks.wrap_dim(dim, input.ndim)
    if input.dtype.name == "bool":
        raise RuntimeError("topk does not support bool dtypes on CPU")
    size = input.shape[d] if input.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    options = {"k": k, "dim": d, "largest": bool(largest), "sorted": bool(sorted)}
    return (input,), options


def kth_index(a, k: int, dim: int = -1, keepdim: bool = False):
    """Position of the ``k``-th smallest element along ``dim`` (1-based ``k``)."""
    idx = order(a, dim)
    if a.ndim == 0:
        return idx
    out = jax.lax.index_in_dim(idx, k - 1, axis=dim, keepdims=keepdim)
    return out


def _kthvalue(a, k: int, dim: int = -1, keepdim: bool = False):
    if a.ndim == 0:
        return a
    idx = jax.lax.stop_gradient(kth_index(a, k, dim, keepdim=True))
    out = jnp.take_along_axis(a, idx, axis=dim)
    return out if keepdim else jnp.squeeze(out, dim)


@numpy_names
def _kthvalue_args(input, k, dim=-1, keepdim=False):  # noqa: A002
    k = checks.integer(k, "k")
    d = checks.wrap_dim(dim, input.ndim)
    size = input.shape[d] if input.ndim else 1
    if not 1 <= k <= max(size, 1):
        raise RuntimeError(
            f"kthvalue(): selected number k out of range for dimension {d}"
        )
    return (input,), {"k": k, "dim": d, "keepdim": bool(keepdim)}


def mode_index(a, dim: int = -1, keepdim: bool = False):
    """Position of the mode along ``dim``: the most frequent value (the smallest
    of equally frequent ones), at its last occurrence, as PyTorch's CPU gives."""
    if a.ndim == 0:
        return jnp.zeros((), jnp.int32)
    moved = jnp.moveaxis(a, dim, -1)
    counts = jnp.sum(moved[..., :, None] == moved[..., None, :], -1)
    frequent = counts == jnp.max(counts, -1, keepdims=True)
    by_value = jnp.argsort(moved, axis=-1, stable=True)
    smallest = jnp.argmax(jnp.take_along_axis(frequent, by_value, -1), -1)
    where = jnp.take_along_axis(by_value, smallest[..., None], -1)
    value = jnp.take_along_axis(moved, where, -1)
    n = moved.shape[-1]
    idx = n - 1 - jnp.argmax(jnp.flip(moved == value, -1), -1)
    return jnp.expand_dims(idx, dim) if keepdim else idx


def _mode(a, dim: int = -1, keepdim: bool = False):
    if a.ndim == 0:
        return a
    idx = jax.lax.stop_gradient(mode_index(a, dim, keepdim=True))
    out = jnp.take_along_axis(a, idx, axis=dim)
    return out if keepdim else jnp.squeeze(out, dim)


@numpy_names
def _mode_args(input, dim=-1, keepdim=False):  # noqa: A002
    d = checks.wrap_dim(dim, input.ndim)
    if input.ndim and input.shape[d] == 0:
        raise IndexError(f"mode(): Expected reduction dim {d} to have non-zero size.")
    return (input,), {"dim": d, "keepdim": bool(keepdim)}


@jax.custom_vjp
def _no_derivative(x):
    return x


def _no_derivative_fwd(x):
    return x, None


def _unique_bwd(_res, _g):
    raise NotImplementedError("the derivative for '_unique2' is not implemented.")


_no_derivative.defvjp(_no_derivative_fwd, _unique_bwd)


@jax.custom_vjp
def _no_derivative_dim(x):
    return x


def _unique_dim_bwd(_res, _g):
    raise NotImplementedError("the derivative for 'unique_dim' is not implemented.")


_no_derivative_dim.defvjp(_no_derivative_fwd, _unique_dim_bwd)


def _unique_values(a, first):
    """The unique values of ``a`` (flattened): the elements at ``first``."""
    return _no_derivative(jnp.take(a.reshape(-1), first))


def _unique_slices(a, first, dim: int):
    """The unique slices of ``a`` along ``dim``: those at ``first``."""
    return _no_derivative_dim(jnp.take(a, first, axis=dim))


# ``sort(dim, descending)`` and ``sort(*, stable, dim, descending)``: PyTorch's
# two overloads, told apart by their node (``Tensor.sort`` picks one).
register("sort", _sort, "SortBackward0", signature=sort_args, indices=order)
register("sort.stable", _sort, "SortBackward1", signature=sort_args, indices=order)
register(
    "topk",
    _topk,
    "TopkBackward0",
    method="topk",
    function="topk",
    signature=_topk_args,
    indices=topk_index,
)
register(
    "kthvalue",
    _kthvalue,
    "KthvalueBackward0",
    method="kthvalue",
    function="kthvalue",
    signature=_kthvalue_args,
    indices=kth_index,
    check=checks.kernel("kthvalue_cpu", "nonbool"),
)
register(
    "mode",
    _mode,
    "ModeBackward0",
    method="mode",
    function="mode",
    signature=_mode_args,
    indices=mode_index,
)
register("_unique2", _unique_values, "Unique2Backward0", inputs=1)
register("unique_dim", _unique_slices, "UniqueDimBackward0", inputs=1)
