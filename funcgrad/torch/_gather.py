"""``index_select`` and ``gather``: ops that read along a dimension by an index
tensor, each a registry entry (gradients from JAX), with PyTorch's checks.

JAX clamps an out-of-range gather; PyTorch raises. Concrete indices are checked
here first; a traced index reads JAX's fill value, never a clamped neighbour.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from ..autograd.ops import register
from ..autograd.tensor import Tensor, _wrap_dim, dispatch

__all__ = ["gather", "index_select"]


def _index_select(a, index, *, dim: int):
    return jnp.take(a, index, axis=dim, mode="fill")


def _gather(a, index, *, dim: int):
    # torch's index may be smaller than ``a`` off ``dim``: read that corner only
    corner = tuple(
        slice(None) if d == dim else slice(0, n) for d, n in enumerate(index.shape)
    )
    return jnp.take_along_axis(a[corner], index, axis=dim, mode="fill")


register("index_select", _index_select, "IndexSelectBackward0", inputs=1)
register("gather", _gather, "GatherBackward0", inputs=1)


def _concrete(index: Tensor) -> np.ndarray | None:
    """The index's values, or ``None`` for a traced index (nothing to check)."""
    value = index._value
    return None if isinstance(value, jax.core.Tracer) else np.asarray(value)


def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """The slices of ``input`` along ``dim`` at the positions in ``index``.

    >>> import funcgrad.torch as torch
    >>> x = torch.arange(6.0).reshape(2, 3).requires_grad_()
    >>> x.index_select(1, torch.tensor([2, 0]))
    tensor([[2., 0.],
            [5., 3.]], grad_fn=<IndexSelectBackward0>)
    """
    d = _wrap_dim(dim, input.ndim)
    if index.dtype.name not in ("int32", "int64"):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    if index.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    values = _concrete(index)
    size = input.shape[d] if input.ndim else 1
    if values is not None and ((values < 0) | (values >= size)).any():
        raise IndexError("index out of range in self")
    return dispatch("index_select", input, index.reshape(-1), dim=d)


def gather(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """``out[i][j] = input[index[i][j]][j]`` for ``dim=0`` (and so on).

    >>> import funcgrad.torch as torch
    >>> x = torch.arange(6.0).reshape(2, 3)
    >>> torch.gather(x, 1, torch.tensor([[0, 2], [1, 1]]))
    tensor([[0., 2.],
            [4., 4.]])
    """
    d = _wrap_dim(dim, input.ndim)
    if index.dtype.name not in ("int32", "int64"):
        raise RuntimeError("gather(): Expected dtype int32/int64 for index")
    if index.ndim != input.ndim:
        raise RuntimeError(
            "Index tensor must have the same number of dimensions as input tensor"
        )
    for k in range(input.ndim):
        if k != d and index.shape[k] > input.shape[k]:
            raise RuntimeError(
                f"Size does not match at dimension {k} expected index "
                f"{list(index.shape)} to be no larger than self {list(input.shape)} "
                f"apart from dimension {d}"
            )
    values = _concrete(index)
    if values is not None and values.size:
        bad = values[(values < 0) | (values >= input.shape[d])]
        if bad.size:
            raise RuntimeError(
                f"index {int(bad.flat[0])} is out of bounds for dimension {d} with "
                f"size {input.shape[d]}"
            )
    return dispatch("gather", input, index, dim=d)


def _index_select_method(self: Tensor, dim: int, index: Tensor) -> Tensor:
    return index_select(self, dim, index)


def _gather_method(self: Tensor, dim: int, index: Tensor) -> Tensor:
    return gather(self, dim, index)


Tensor.index_select = _index_select_method
Tensor.gather = _gather_method
