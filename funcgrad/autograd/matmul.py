"""Matrix products: ``matmul`` (``@``), ``tensordot`` and ``inner``, with the graph
PyTorch builds for each.

``matmul`` picks ``dot``, ``mv``, ``mm`` or ``bmm`` by the ranks of its operands,
folds a batch against a matrix into one ``mm`` where PyTorch does, and otherwise
expands both sides to a common batch; ``tensordot`` permutes, reshapes to
matrices and multiplies. The registry holds ``mm``, ``mv``, ``dot`` and ``bmm``;
this module sits above ``tensor`` and gives ``Tensor`` its ``@``, ``matmul`` and
``inner``.
"""

from __future__ import annotations

import jax
import numpy as np

from . import checks as _checks
from .checks import wrap_dim
from .ops import broadcast_shapes
from .tensor import Tensor, dispatch, operand_guard

__all__ = ["inner", "matmul", "tensordot"]


def matmul(a: Tensor, b: Tensor) -> Tensor:
    """``torch.matmul`` with the graph PyTorch builds for each rank combination.

    1-D @ 2-D is ``mm`` on the unsqueezed vector, squeezed back in place; a batch
    against a matrix (or vector) is folded into one ``mm`` (or ``mv``); batches on
    both sides are expanded to a common batch and multiplied with ``bmm``.

    >>> import jax.numpy as jnp
    >>> x = Tensor(jnp.ones(5))
    >>> w = Tensor(jnp.ones((5, 3)), requires_grad=True)
    >>> z = matmul(x, w)
    >>> z.grad_fn, z.grad_fn.next_functions[0][0]
    (<SqueezeBackward4 object at 0x...>, <MmBackward0 object at 0x...>)
    """
    if type(a) is not Tensor and isinstance(a, jax.Array | np.ndarray):
        a = Tensor(a)
    if type(b) is not Tensor and isinstance(b, jax.Array | np.ndarray):
        b = Tensor(b)
    for pos, (name, x) in enumerate((("input", a), ("other", b)), start=1):
        if not isinstance(x, Tensor):
            raise TypeError(
                f"matmul(): argument '{name}' (position {pos}) must be Tensor, not "
                f"{type(x).__name__}"
            )
    da, db = a.ndim, b.ndim
    if da == 0 or db == 0:
        raise RuntimeError(
            "both arguments to matmul need to be at least 1D, but they are "
            f"{da}D and {db}D"
        )
    if da == 1 and db == 1:
        return a.dot(b)
    if da == 2 and db == 1:
        return a.mv(b)
    _checks.mm_dtypes(a, b)
    if da == 1 and db == 2:
        return dispatch("squeeze_.dim", a.unsqueeze(0).mm(b), dim=(0,))
    if da == 2 and db == 2:
        return a.mm(b)
    if da == 3 and db == 3:
        # A batch of one that needs grad is squeezed to a matrix, so the other
        # side's batch can be folded instead of expanding this one.
        if b.shape[0] == 1 and a.shape[0] != 1 and b.requires_grad:
            return matmul(a, b.squeeze(0))
        if a.shape[0] == 1 and b.shape[0] != 1 and a.requires_grad:
            return matmul(a.squeeze(0), b)
    if _should_fold(a, b):
        return _folded_matmul(a, b)
    return _batched_matmul(a, b)


def _should_fold(a: Tensor, b: Tensor) -> bool:
    """Whether PyTorch multiplies a batch by a matrix/vector as one ``mm``/``mv``:
    always when the small side needs grad, else when the batch folds as a view."""
    if a.ndim >= b.ndim:
        big_shape, big_strides, small = a.shape, a._layout(), b
    else:
        big_shape = b.shape[:-2] + (b.shape[-1], b.shape[-2])
        st = b._layout()
        big_strides, small = st[:-2] + (st[-1], st[-2]), a
    if not (len(big_shape) >= 3 and small.ndim <= 2):
        return False
    if small.requires_grad:
        return True
    if a.ndim == 2:
        return False
    if 0 in big_shape:
        return True
    return all(
        big_strides[i] == big_strides[i + 1] * big_shape[i + 1]
        for i in range(len(big_shape) - 2)
    )


def _folded_matmul(a: Tensor, b: Tensor) -> Tensor:
    transpose = b.ndim > a.ndim
    big = b.mT if transpose else a
    small = (a.t() if a.ndim == 2 else a) if transpose else b
    lead = big.shape[:-1]
    folded = big.reshape(int(np.prod(lead, dtype=np.int64)), big.shape[-1])
    if small.ndim == 2:
        out = dispatch("_unsafe_view", folded.mm(small), shape=lead + small.shape[1:])
        return out.mT.contiguous() if transpose else out
    return dispatch("_unsafe_view", folded.mv(small), shape=tuple(lead))


def _batched_matmul(a: Tensor, b: Tensor) -> Tensor:
    n, m1 = (a.shape[-2] if a.ndim > 1 else 1), a.shape[-1]
    m2 = b.shape[-2] if b.ndim > 1 else b.shape[0]
    p = b.shape[-1] if b.ndim > 1 else 1
    batch = broadcast_shapes(a.shape[:-2], b.shape[:-2])
    size = int(np.prod(batch, dtype=np.int64))
    if m1 != m2:
        raise RuntimeError(
            "Expected size for first two dimensions of batch2 tensor to be: "
            f"[{size}, {m1}] but got: [{size}, {m2}]."
        )
    a3 = a.expand(batch + (n, m1)).reshape(size, n, m1)
    if b.ndim == 1:
        b3 = b.expand(batch + (m2,)).reshape(size, m2).unsqueeze(2)
        out = dispatch("bmm", a3, b3).squeeze(-1)
    else:
        b3 = b.expand(batch + (m2, p)).reshape(size, m2, p)
        out = dispatch("bmm", a3, b3)
    shape = batch + ((n,) if a.ndim > 1 else ()) + ((p,) if b.ndim > 1 else ())
    return dispatch("_unsafe_view", out, shape=shape)


def tensordot(a: Tensor, b: Tensor, dims=2) -> Tensor:
    """Contract ``dims`` of ``a`` with ``dims`` of ``b`` as PyTorch does: permute,
    reshape to matrices, ``mm``, reshape back (the nodes torch records).

    >>> import jax.numpy as jnp
    >>> tensordot(Tensor(jnp.ones((2, 3))), Tensor(jnp.ones((3, 4))), 1).shape
    torch.Size([2, 4])
    """
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > a.ndim or dims > b.ndim:
            raise RuntimeError(
                f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}"
            )
        dims1, dims2 = tuple(range(-dims, 0)), tuple(range(dims))
    else:
        dims1, dims2 = (tuple(d) if isinstance(d, list | tuple) else (d,) for d in dims)
    if len(dims1) != len(dims2):
        raise RuntimeError("both dimension lists should have same length")
    if a._dtype is not b._dtype:
        raise RuntimeError("both inputs should have same dtype")
    t1, t2, csize = a, b, 1
    for d1, d2 in zip(dims1, dims2, strict=True):
        s1, s2 = a.shape[wrap_dim(d1, a.ndim)], b.shape[wrap_dim(d2, b.ndim)]
        if s2 == 1:
            t1 = t1.sum(d1, keepdim=True)
        elif s1 == 1:
            t2 = t2.sum(d2, keepdim=True)
        elif s1 != s2:
            raise RuntimeError(
                f"contracted dimensions need to match, but first has size {s1} in "
                f"dim {d1} and second has size {s2} in dim {d2}"
            )
        else:
            csize *= s1
    c1 = [wrap_dim(d, a.ndim) for d in dims1]
    c2 = [wrap_dim(d, b.ndim) for d in dims2]
    keep1 = [i for i in range(a.ndim) if i not in c1]
    keep2 = [i for i in range(b.ndim) if i not in c2]
    sizes = [t1.shape[i] for i in keep1] + [t2.shape[i] for i in keep2]
    size1 = int(np.prod([t1.shape[i] for i in keep1]))
    size2 = int(np.prod([t2.shape[i] for i in keep2]))
    m1 = t1.permute(keep1 + c1)
    m2 = t2.permute(c2 + keep2)
    if size1 == 1 and size2 == 1:  # a full contraction: torch 2.13's dot path
        if m1.is_contiguous() and m2.is_contiguous():
            return m1.flatten().dot(m2.flatten()).reshape(sizes)
        return (m1.squeeze() * m2.squeeze()).sum().reshape(sizes)
    return m1.reshape(size1, csize).mm(m2.reshape(csize, size2)).reshape(sizes)


def inner(a: Tensor, b: Tensor) -> Tensor:
    """``torch.inner``: sums over the last dimension of both (a product with a
    0-d operand).

    >>> import jax.numpy as jnp
    >>> inner(Tensor(jnp.array([1.0, 2.0])), Tensor(jnp.array([3.0, 4.0])))
    tensor(11.)
    """
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if a.shape[-1] != b.shape[-1]:
        raise RuntimeError(
            "inner() the last dimension must match on both input tensors but got "
            f"shapes {list(a.shape)} and {list(b.shape)}"
        )
    return tensordot(a, b, ([-1], [-1]))


def _matmul_method(self: Tensor, other) -> Tensor:
    return matmul(self, other)


def _dunder_rmatmul(self: Tensor, other) -> Tensor:
    return matmul(other, self)


def _inner_method(self: Tensor, other: Tensor) -> Tensor:
    return inner(self, other)


for _method, _name in (
    (_matmul_method, "matmul"),
    (_inner_method, "inner"),
    (operand_guard(_matmul_method), "__matmul__"),
    (operand_guard(_dunder_rmatmul), "__rmatmul__"),
):
    _method.__name__, _method.__qualname__ = _name, f"Tensor.{_name}"
    setattr(Tensor, _name, _method)
