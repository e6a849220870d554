"""Linear algebra: ``mm mv dot bmm addmm baddbmm addbmm addmv linalg_cross``."""

from __future__ import annotations

import warnings

import jax.numpy as jnp

from ... import functional as F
from .. import checks
from ._registry import CROSS, broadcast_shapes, register
from .shapes import wrap_dim

_ADDMM = checks.kernel("addmm_impl_cpu_", "nonbool")
_MV = checks.kernel("addmv_impl_cpu", "nonbool")
_BMM = checks.kernel("bmm", "nonbool")
_PRODUCT_SAVES = ((1, (2,)), (2, (1,)))  # the two factors, each for the other
register("mm", jnp.matmul, "MmBackward0", saves=CROSS, check=_ADDMM)
register("mv", jnp.matmul, "MvBackward0", saves=CROSS, check=_MV)
register(
    "dot", jnp.dot, "DotBackward0", saves=CROSS, check=checks.kernel("dot", "nonbool")
)
register("bmm", jnp.matmul, "BmmBackward0", saves=CROSS, check=_BMM)


def _scaled(bias, product, beta, alpha, ndim: int):
    """``beta * bias + alpha * product``; ``beta=0`` ignores ``bias`` (its NaNs too),
    as PyTorch's ``addmm`` family does."""
    out = product if alpha == 1 else alpha * product
    if beta == 0:
        return jnp.broadcast_to(out, jnp.broadcast_shapes(out.shape, bias.shape))
    bias = F._align(jnp.asarray(bias), ndim)
    return out + (bias if beta == 1 else beta * bias)


register(
    "addmm",
    lambda bias, a, b, beta=1, alpha=1: _scaled(bias, a @ b, beta, alpha, 2),
    "AddmmBackward0",
    saves=_PRODUCT_SAVES,
    check=checks.dtype_rule(lambda bias, a, b, **_: _ADDMM(a)),
)


def _scales(beta, alpha) -> dict:
    """The non-default ``beta``/``alpha`` as options (defaults keep the cache key)."""
    return {k: v for k, v in (("beta", beta), ("alpha", alpha)) if v != 1}


def _baddbmm_args(input, batch1, batch2, *, beta=1, alpha=1):  # noqa: A002
    target = (batch1.shape[wrap_dim(0, batch1.ndim)],
              batch1.shape[wrap_dim(1, batch1.ndim)],
              batch2.shape[wrap_dim(2, batch2.ndim)])  # fmt: skip
    checks.expand(target, tuple(input.shape))
    if batch1.ndim != 3 or batch2.ndim != 3:
        raise RuntimeError(f"batch{1 if batch1.ndim != 3 else 2} must be a 3D tensor")
    b, _, k = batch1.shape
    if tuple(batch2.shape[:2]) != (b, k):
        raise RuntimeError(
            "Expected size for first two dimensions of batch2 tensor to be: "
            f"[{b}, {k}] but got: [{batch2.shape[0]}, {batch2.shape[1]}]."
        )
    return (input, batch1, batch2), _scales(beta, alpha)


register(
    "baddbmm",
    lambda bias, a, b, beta=1, alpha=1: _scaled(bias, a @ b, beta, alpha, 3),
    "BaddbmmBackward0",
    saves=_PRODUCT_SAVES,
    check=checks.dtype_rule(lambda bias, a, b, **_: _BMM(a)),
    method="baddbmm",
    function="baddbmm",
    signature=_baddbmm_args,
)


def _addbmm_args(input, batch1, batch2, *, beta=1, alpha=1):  # noqa: A002
    if batch1.ndim != 3 or batch2.ndim != 3:
        raise RuntimeError(f"batch{1 if batch1.ndim != 3 else 2} must be a 3D tensor")
    if batch1.shape[0] != batch2.shape[0]:
        raise RuntimeError(
            "batch1 and batch2 must have same number of batches, got "
            f"{batch1.shape[0]} and {batch2.shape[0]}"
        )
    (_, n, k), (_, k2, m) = batch1.shape, batch2.shape
    if k != k2:
        raise RuntimeError(f"Incompatible matrix sizes for bmm ({n}x{k} and {k2}x{m})")
    checks.expand((n, m), tuple(input.shape))
    return (input, batch1, batch2), _scales(beta, alpha)


register(
    "addbmm",
    lambda bias, a, b, beta=1, alpha=1: _scaled(
        bias, jnp.sum(a @ b, 0), beta, alpha, 2
    ),
    "AddbmmBackward0",
    saves=_PRODUCT_SAVES,
    check=checks.dtype_rule(lambda bias, a, b, **_: _BMM(a)),
    method="addbmm",
    function="addbmm",
    signature=_addbmm_args,
)


def _addmv_args(input, mat, vec, *, beta=1, alpha=1):  # noqa: A002
    if mat.ndim != 2 or vec.ndim != 1 or input.ndim > 1:
        raise RuntimeError(
            "vector + matrix @ vector expected, got "
            f"{input.ndim}, {mat.ndim}, {vec.ndim}"
        )
    n = input.shape[0] if input.ndim else 1
    if mat.shape[1] != vec.shape[0] or n not in (1, mat.shape[0]):
        raise RuntimeError(
            f"size mismatch, got input ({n}), mat ({mat.shape[0]}x{mat.shape[1]}), "
            f"vec ({vec.shape[0]})"
        )
    return (input, mat, vec), _scales(beta, alpha)


register(
    "addmv",
    lambda bias, a, v, beta=1, alpha=1: _scaled(bias, a @ v, beta, alpha, 1),
    "AddmvBackward0",
    saves=_PRODUCT_SAVES,
    check=checks.dtype_rule(lambda bias, a, v, **_: _MV(a)),
    method="addmv",
    function="addmv",
    signature=_addmv_args,
)


def _cross(a, b, dim: int):
    shape = jnp.broadcast_shapes(jnp.shape(a), jnp.shape(b))
    return jnp.cross(jnp.broadcast_to(a, shape), jnp.broadcast_to(b, shape), axis=dim)


CROSS_NO_DIM = (
    "Using torch.cross without specifying the dim arg is deprecated.\nPlease either "
    "pass the dim explicitly or simply use torch.linalg.cross.\nThe default value of "
    "dim will change to agree with that of linalg.cross in a future release."
)


def _padded(shape, ndim: int) -> tuple[int, ...]:
    return (1,) * (ndim - len(shape)) + tuple(shape)


def _cross_args(input, other, dim=None):  # noqa: A002
    if input.ndim != other.ndim:
        raise RuntimeError(
            "linalg.cross: inputs must have the same number of dimensions."
        )
    shape = broadcast_shapes(tuple(input.shape), tuple(other.shape))
    if dim is None:
        warnings.warn(CROSS_NO_DIM, UserWarning, stacklevel=3)
        dims = [d for d, n in enumerate(shape) if n == 3]
        if not dims:
            raise RuntimeError("no dimension of size 3 in input")
        d = dims[0]
    else:
        d = wrap_dim(dim, len(shape))
        a, b = (_padded(t.shape, len(shape))[d] for t in (input, other))
        if a != 3 or b != 3:
            raise RuntimeError(
                f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                f"{a} and {b}"
            )
    return (input, other), {"dim": d}


register(
    "linalg_cross",
    _cross,
    "LinalgCrossBackward0",
    saves=CROSS,
    method="cross",
    function="cross",
    signature=_cross_args,
    inplace=False,
)


def _trace_args(input):  # noqa: A002
    if input.ndim != 2:
        raise RuntimeError(
            f"trace: expected a matrix, but got tensor with dim {input.ndim}"
        )
    if input.dtype.name == "bool":
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    if input.dtype.is_floating_point or input.dtype.is_complex:
        return (input,), {}
    return (input,), {"dtype": jnp.int64}  # integers sum into int64, as in torch


register(
    "trace",
    lambda a, dtype=None: jnp.trace(a, dtype=dtype),
    "TraceBackward0",
    method="trace",
    function="trace",
    signature=_trace_args,
    inplace=False,
)
