"""Reductions: ``sum mean prod max min amax amin var std var_mean logsumexp
cumsum cumprod median`` over everything or along ``dim``, and the vector norm.

Each forward differentiates as PyTorch's backward formula does: ``max(dim)`` and
``median(dim)`` send the gradient to the index they return, ``max()``, ``amax``
and ``median()`` split it evenly among tied elements, ``std`` and the norms give
zero where their value is zero.
"""

from __future__ import annotations

import functools
import math
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from .. import checks
from .. import dtypes as _dt
from ._registry import register

# --- argument lists (OpDef.signature) ------------------------------------------------


def numpy_names(fn):
    """Take NumPy's ``axis``/``keepdims`` for ``dim``/``keepdim``, as PyTorch's
    argument parser does for its reductions."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if "axis" in kwargs:
            kwargs["dim"] = kwargs.pop("axis")
        if "keepdims" in kwargs:
            kwargs["keepdim"] = kwargs.pop("keepdims")
        return fn(*args, **kwargs)

    return wrapper


def dims(dim, ndim: int) -> tuple[int, ...]:
    """A reduction's ``dim`` as wrapped axes (``None``: all; a 0-d input: none)."""
    out = checks.wrap_dims(dim, ndim)
    return out if ndim else ()


def int64_if_integral(t, dtype=None):
    """The ``dtype`` option of ``sum prod cumsum cumprod``: the one asked for, or
    ``int64`` for integer and bool input (as PyTorch accumulates them)."""
    if dtype is not None:
        return as_option(dtype)
    d = t.dtype
    return None if d.is_floating_point or d.is_complex else np.dtype("int64")


def as_option(dtype) -> np.dtype:
    """A torch dtype as an op's ``dtype`` option: its full-width JAX dtype (a
    64-bit one makes the op run in JAX's 64-bit mode)."""
    return jnp.dtype(_dt.to_dtype(dtype).name)


def _required(name: str, arg: str = "dim"):
    raise TypeError(f'{name}() missing 1 required positional arguments: "{arg}"')


_MISSING = object()


def nonempty(t, name: str, axes: tuple[int, ...], whole: bool) -> None:
    """Reductions without an identity (``amax``, ``max``...) refuse empty input."""
    if whole and t.numel() == 0:
        raise RuntimeError(
            f"{name}(): Expected reduction dim to be specified for input.numel() == "
            "0. Specify the reduction dim with the 'dim' argument."
        )
    for d in axes:
        if t.shape[d] == 0:
            raise IndexError(
                f"{name}(): Expected reduction dim {d} to have non-zero size."
            )


def _cumulative(name: str):
    @numpy_names
    def signature(input, dim=_MISSING, *, dtype=None):  # noqa: A002
        if dim is _MISSING:
            _required(name)
        d = checks.wrap_dim(dim, input.ndim)
        return (input,), {"dim": d, "dtype": int64_if_integral(input, dtype)}

    return signature


def _extreme_args(name: str):
    @numpy_names
    def signature(input, dim=(), keepdim=False):  # noqa: A002
        whole = dim == () or dim == []
        axes = dims(None if whole else dim, input.ndim)
        nonempty(input, name, () if whole else axes, whole)
        return (input,), {"dim": axes, "keepdim": bool(keepdim)}

    return signature


@numpy_names
def _logsumexp_args(input, dim=_MISSING, keepdim=False):  # noqa: A002
    if dim is _MISSING:
        _required("logsumexp")
    return (input,), {"dim": dims(dim, input.ndim), "keepdim": bool(keepdim)}


def _spread_args(name: str):
    """``var``/``std``'s argument list: ``(dim, unbiased, keepdim)`` or
    ``(dim, *, correction, keepdim)``, or ``(unbiased)`` alone."""

    @numpy_names
    def signature(input, dim=None, unbiased=None, keepdim=False, *, correction=None):  # noqa: A002
        if isinstance(dim, bool):
            dim, unbiased = None, dim
        if unbiased is not None and correction is not None:
            raise TypeError(
                f"{name}() received an invalid combination of arguments - got "
                "both unbiased and correction"
            )
        if not (input.dtype.is_floating_point or input.dtype.is_complex):
            raise RuntimeError(
                "std and var only support floating point and complex dtypes"
            )
        if correction is None:
            correction = 0 if unbiased is False else 1
        axes = dims(dim, input.ndim)
        n = math.prod(input.shape[d] for d in axes)
        if n - correction <= 0:
            warnings.warn(
                f"{name.split('_')[0]}(): degrees of freedom is <= 0. Correction "
                "should be strictly less than the reduction factor (input numel "
                "divided by output numel).",
                UserWarning,
                stacklevel=4,
            )
        return (input,), {
            "dim": axes,
            "correction": correction,
            "keepdim": bool(keepdim),
        }

    return signature


# --- forwards ------------------------------------------------------------------------


def _gather(a, idx, dim: int, keepdim: bool):
    """``a``'s elements at ``idx`` along ``dim`` (the gradient goes to them only)."""
    out = jnp.take_along_axis(a, jnp.expand_dims(idx, dim), axis=dim)
    return out if keepdim else jnp.squeeze(out, dim)


def first_max(a, dim: int, keepdim: bool = False):
    return jnp.argmax(a, dim, keepdims=keepdim)


def first_min(a, dim: int, keepdim: bool = False):
    return jnp.argmin(a, dim, keepdims=keepdim)


def _max_dim(a, dim: int, keepdim: bool = False):
    return _gather(a, jax.lax.stop_gradient(first_max(a, dim)), dim, keepdim)


def _min_dim(a, dim: int, keepdim: bool = False):
    return _gather(a, jax.lax.stop_gradient(first_min(a, dim)), dim, keepdim)


def evenly(a, value, dim=None, keepdim: bool = False):
    """``value`` (a reduction of ``a``), differentiating as PyTorch's
    ``evenly_distribute_backward``: the gradient is split among the elements equal
    to it (NaN matching NaN)."""
    if not jnp.issubdtype(a.dtype, jnp.inexact):
        return value
    v = jax.lax.stop_gradient(value)
    full = v if keepdim or dim is None else jnp.expand_dims(v, dim)
    mask = (a == full) | (jnp.isnan(a) & jnp.isnan(full))
    share = jnp.sum(
        jnp.where(mask, a - jax.lax.stop_gradient(a), 0), dim, keepdims=keepdim
    )
    return v + share / jnp.sum(mask, dim, keepdims=keepdim)


def _var(a, dim=None, correction=1, keepdim: bool = False):
    n = math.prod(a.shape[d] for d in (range(a.ndim) if dim is None else dim))
    centred = a - jnp.mean(a, dim, keepdims=True)
    square = jnp.real(centred * jnp.conj(centred))
    return jnp.sum(square, dim, keepdims=keepdim) / max(n - correction, 0)


def safe_sqrt(v):
    """``sqrt`` whose gradient is zero where the value is zero (PyTorch masks it)."""
    zero = v == 0
    return jnp.where(zero, 0.0, jnp.sqrt(jnp.where(zero, 1.0, v)))


def _std(a, dim=None, correction=1, keepdim: bool = False):
    return safe_sqrt(_var(a, dim, correction, keepdim))


def _var_mean(a, dim=None, correction=1, keepdim: bool = False, part: int = 0):
    if part:
        return jnp.mean(a, dim, keepdims=keepdim)
    return _var(a, dim, correction, keepdim)


def _std_mean(a, dim=None, correction=1, keepdim: bool = False, part: int = 0):
    if part:
        return jnp.mean(a, dim, keepdims=keepdim)
    return _std(a, dim, correction, keepdim)


def _logsumexp(a, dim=(), keepdim: bool = False):
    if not jnp.issubdtype(a.dtype, jnp.inexact):
        a = a.astype(jnp.float32)
    return jax.scipy.special.logsumexp(a, axis=dim, keepdims=keepdim)


def _median(a):
    flat = a.reshape(-1)
    if flat.size == 0:
        return jnp.array(jnp.nan, a.dtype)
    mid = jnp.sort(flat)[(flat.size - 1) // 2]
    mid = jnp.where(jnp.any(jnp.isnan(flat)), jnp.nan, mid)
    return evenly(a, mid)


def median_index(a, dim: int, keepdim: bool = False):
    """The position of the lower median along ``dim`` (NaN, when present)."""
    order = jnp.argsort(a, axis=dim, stable=True)
    k = (a.shape[dim] - 1) // 2
    nan = jnp.isnan(a)
    first_nan = jnp.argmax(nan, dim)
    idx = jnp.where(jnp.any(nan, dim), first_nan, jnp.take(order, k, axis=dim))
    return jnp.expand_dims(idx, dim) if keepdim else idx


def _median_dim(a, dim: int, keepdim: bool = False):
    idx = jax.lax.stop_gradient(median_index(a, dim))
    return _gather(a, idx, dim, keepdim)


def _sum(a, dim=None, keepdim: bool = False, dtype=None):
    return jnp.sum(a, dim, dtype=dtype, keepdims=keepdim)


def _mean(a, dim=None, keepdim: bool = False, dtype=None):
    return jnp.mean(a, dim, dtype=dtype, keepdims=keepdim)


def _prod(a, dim=None, keepdim: bool = False, dtype=None):
    return jnp.prod(a, dim, dtype=dtype, keepdims=keepdim)


register("sum", _sum, "SumBackward0")
register("sum.dim", _sum, "SumBackward1")
register("mean", _mean, "MeanBackward0", check=checks.mean)
register("mean.dim", _mean, "MeanBackward1", check=checks.mean)
register("prod", _prod, "ProdBackward0")
register("prod.dim_int", _prod, "ProdBackward1")
register("max", lambda a: evenly(a, jnp.max(a)), "MaxBackward1", saves=(0, -1))
register("max.dim", _max_dim, "MaxBackward0", indices=first_max)
register("min", lambda a: evenly(a, jnp.min(a)), "MinBackward1", saves=(0, -1))
register("min.dim", _min_dim, "MinBackward0", indices=first_min)
_MEDIAN = checks.kernel("median_cpu", "nonbool")
register("median", _median, "MedianBackward0", check=_MEDIAN)
register(
    "median.dim",
    _median_dim,
    "MedianBackward1",
    indices=median_index,
    check=_MEDIAN,
)
register(
    "amax",
    lambda a, dim, keepdim=False: jnp.max(a, dim, keepdims=keepdim),
    "AmaxBackward0",
    method="amax",
    function="amax",
    inplace=False,
    signature=_extreme_args("amax"),
)
register(
    "amin",
    lambda a, dim, keepdim=False: jnp.min(a, dim, keepdims=keepdim),
    "AminBackward0",
    method="amin",
    function="amin",
    inplace=False,
    signature=_extreme_args("amin"),
)
register(
    "var",
    _var,
    "VarBackward0",
    method="var",
    function="var",
    signature=_spread_args("var"),
    inplace=False,
)
register(
    "std",
    _std,
    "StdBackward0",
    method="std",
    function="std",
    signature=_spread_args("std"),
    inplace=False,
)
register("var_mean", _var_mean, "VarMeanBackward0")
register("std_mean", _std_mean, "StdMeanBackward0")
spread_args = _spread_args
register(
    "logsumexp",
    _logsumexp,
    "LogsumexpBackward0",
    method="logsumexp",
    function="logsumexp",
    inplace=False,
    signature=_logsumexp_args,
    dtype="float",
)
register(
    "cumsum",
    lambda a, dim, dtype=None: jnp.cumsum(a, dim, dtype=dtype),
    "CumsumBackward0",
    method="cumsum",
    function="cumsum",
    signature=_cumulative("cumsum"),
)
register(
    "cumprod",
    lambda a, dim, dtype=None: jnp.cumprod(a, dim, dtype=dtype),
    "CumprodBackward0",
    method="cumprod",
    function="cumprod",
    signature=_cumulative("cumprod"),
)
