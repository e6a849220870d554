"""Tensor factories: ``tensor``, ``ones``, ``zeros``, ``randn``, ... as in PyTorch."""

from __future__ import annotations

import math
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..autograd import dtypes as _dt
from ..autograd.tensor import FLOAT_ONLY_FACTORY, Tensor
from . import _checks, _random


def _make(value, dtype, requires_grad: bool) -> Tensor:
    """A leaf of dtype ``dtype`` around ``value``: a callable building the
    JAX array (run in JAX's 64-bit mode for a 64-bit dtype) or an array."""
    d = _dt.to_dtype(dtype)
    with _dt.scope(d.x64):
        value = value(d.storage()) if callable(value) else value
        if value.dtype != d.storage():
            value = value.astype(d.storage())
    if requires_grad and not (d.is_floating_point or d.is_complex):
        raise RuntimeError(FLOAT_ONLY_FACTORY)
    t = Tensor._wrap(value, d)
    t.requires_grad = requires_grad
    return t


def _infer_dtype(data) -> _dt.dtype:
    """PyTorch's inference: bools -> bool, ints -> int64, any float -> the default
    dtype (float32 unless ``set_default_dtype``), complex -> its complex dtype."""
    arr = np.asarray(data)
    if arr.dtype.kind == "b":
        return _dt.bool
    if arr.dtype.kind in "iu":
        return _dt.int64
    if arr.dtype.kind == "c":
        return _dt.default_complex()
    return _dt.get_default_dtype()


def tensor(
    data: Any, *, dtype=None, device=None, requires_grad: bool = False
) -> Tensor:
    """A new leaf tensor holding a copy of ``data``.

    >>> tensor([[1, 2], [3, 4]])
    tensor([[1, 2],
            [3, 4]])
    >>> tensor([1.0, 2.0], requires_grad=True)
    tensor([1., 2.], requires_grad=True)
    """
    dtype = _checks.dtype("tensor", dtype)
    if isinstance(data, Tensor):
        d = dtype if dtype is not None else data.dtype
        return _make(lambda store: jnp.array(data._value, store), d, requires_grad)
    if isinstance(data, jax.Array | np.ndarray | np.generic):
        arr = data
        d = dtype if dtype is not None else _dt.from_jax(arr.dtype)
    else:
        values, overflow = _checks.data(data)
        d = dtype if dtype is not None else _infer_dtype(values)
        if (
            overflow
            and not (d.is_floating_point or d.is_complex)
            or (overflow and dtype is None)
        ):
            raise ValueError(_checks.OVERFLOW)
        arr = np.asarray(values, dtype=np.float64 if overflow else None)
    d = _dt.to_dtype(d)
    # torch.tensor always copies; jnp.asarray may alias an aligned host buffer.
    return _make(lambda store: jnp.array(arr, dtype=store, copy=True), d, requires_grad)


def as_tensor(data: Any, dtype=None, device=None) -> Tensor:
    """Like :func:`tensor`, but a Tensor of the right dtype is returned as is.

    >>> t = tensor([1.0]); as_tensor(t) is t
    True
    """
    if isinstance(data, Tensor) and (
        dtype is None or _dt.to_dtype(dtype) is data.dtype
    ):
        return data
    return tensor(data, dtype=dtype)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor from a NumPy array, keeping its dtype.

    >>> from_numpy(np.arange(3, dtype=np.int32))
    tensor([0, 1, 2], dtype=torch.int32)
    """
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    return tensor(array)


def _filled(fill, shape, dtype, requires_grad) -> Tensor:
    d = _dt.to_dtype(dtype) if dtype is not None else _dt.get_default_dtype()
    _checks.allocation(shape, d)
    return _make(lambda store: jnp.full(shape, fill, store), d, requires_grad)


def ones(*size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones.

    >>> ones(2, 3).shape
    torch.Size([2, 3])
    """
    shape = _checks.size("ones", size)
    return _filled(1, shape, _checks.dtype("ones", dtype), requires_grad)


def zeros(*size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros.

    >>> zeros(3)
    tensor([0., 0., 0.])
    """
    shape = _checks.size("zeros", size, zeros_wording=True)
    return _filled(0, shape, _checks.dtype("zeros", dtype), requires_grad)


def full(
    size, fill_value, *, dtype=None, device=None, requires_grad: bool = False
) -> Tensor:
    """A tensor filled with ``fill_value`` (its dtype inferred as PyTorch does).

    >>> full((2,), 7)
    tensor([7, 7])
    """
    if not isinstance(size, tuple | list):  # a bare int is not a size here
        raise TypeError(
            "full(): argument 'size' (position 1) must be tuple of ints, not "
            f"{type(size).__name__}"
        )
    shape = _checks.size("full", (size,))
    fill_value = _checks.number("full", "fill_value", 2, fill_value)
    dtype = _checks.dtype("full", dtype)
    if dtype is None:
        dtype = _infer_dtype(fill_value)
    return _filled(fill_value, shape, dtype, requires_grad)


def empty(*size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """An uninitialised tensor (here: zeros).

    >>> empty(2).shape
    torch.Size([2])
    """
    shape = _checks.size("empty", size)
    return _filled(0, shape, _checks.dtype("empty", dtype), requires_grad)


def eye(
    n: int,
    m: int | None = None,
    *,
    dtype=None,
    device=None,
    requires_grad: bool = False,
) -> Tensor:
    """The identity matrix.

    >>> eye(2)
    tensor([[1., 0.],
            [0., 1.]])
    """
    n = _checks.integer("eye", "n", 1, n)
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    if m is not None:
        m = _checks.integer("eye", "m", 2, m)
        if m < 0:
            raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    d = _checks.dtype("eye", dtype) or _dt.get_default_dtype()
    _checks.allocation((n, n if m is None else m), d)
    return _make(lambda store: jnp.eye(n, m, dtype=store), d, requires_grad)


def arange(
    start, end=None, step=1, *, dtype=None, device=None, requires_grad: bool = False
) -> Tensor:
    """Values from ``start`` to ``end`` (exclusive) by ``step``.

    >>> arange(4), arange(0, 1, 0.25)
    (tensor([0, 1, 2, 3]), tensor([0.0000, 0.2500, 0.5000, 0.7500]))
    """
    if end is None:
        start, end = 0, _checks.number("arange", "end", 1, start)
    start = _checks.number("arange", "start", 1, start)
    end = _checks.number("arange", "end", 2, end)
    step = _checks.number("arange", "step", 3, step)
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    dtype = _checks.dtype("arange", dtype)
    if dtype is None:
        dtype = _infer_dtype([start, end, step])
    d = _dt.to_dtype(dtype)
    _checks.allocation((math.ceil((end - start) / step),), _dt.int64)
    values = np.arange(
        start, end, step, dtype=np.float64 if d.is_floating_point else np.int64
    )
    return _make(lambda store: jnp.asarray(values, store), d, requires_grad)


def _ndim(value) -> int:
    return value.ndim if isinstance(value, Tensor) else 0


def linspace(
    start, end, steps: int, *, dtype=None, device=None, requires_grad: bool = False
) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive.

    >>> linspace(0, 1, 3)
    tensor([0.0000, 0.5000, 1.0000])
    """
    dims = [(n, v.ndim) for n, v in (("start", start), ("end", end)) if _ndim(v)]
    if dims:
        got = " and ".join(f"{n} with {k} dimension(s)" for n, k in dims)
        raise RuntimeError(
            "linspace only supports 0-dimensional start and end tensors, but got "
            f"{got}."
        )
    start = _checks.number("linspace", "start", 1, start)
    end = _checks.number("linspace", "end", 2, end)
    steps = _checks.integer("linspace", "steps", 3, steps)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    d = _checks.dtype("linspace", dtype) or _dt.get_default_dtype()
    _checks.allocation((steps,), d)
    return _make(
        lambda store: jnp.linspace(start, end, steps, dtype=store), d, requires_grad
    )


def _random_dtype(fname: str, kernel: str, dtype) -> _dt.dtype:
    d = _checks.dtype(fname, dtype) or _dt.get_default_dtype()
    if not d.is_floating_point:
        raise NotImplementedError(
            f"\"{kernel}\" not implemented for '{_checks.scalar_name(d)}'"
        )
    return d


def rand(
    *size, dtype=None, device=None, requires_grad: bool = False, generator=None
) -> Tensor:
    """Uniform samples in [0, 1) from the global generator (``manual_seed``).

    >>> rand(2, 2).shape
    torch.Size([2, 2])
    """
    shape = _checks.size("rand", size)
    d = _random_dtype("rand", "check_uniform_bounds", dtype)
    _checks.generator("rand", size, generator)
    _checks.allocation(shape, d)
    # PyTorch's CPU generator, number for number (see _random).
    value = _random.uniform(shape, d, generator=generator)
    return _make(lambda store: jnp.asarray(value, store), d, requires_grad)


def randn(
    *size, dtype=None, device=None, requires_grad: bool = False, generator=None
) -> Tensor:
    """Standard normal samples from the global generator (``manual_seed``).

    >>> randn(5, 3, requires_grad=True).shape
    torch.Size([5, 3])
    """
    shape = _checks.size("randn", size)
    d = _random_dtype("randn", "normal_kernel_cpu", dtype)
    _checks.generator("randn", size, generator)
    _checks.allocation(shape, d)
    # PyTorch's CPU generator, number for number (see _random).
    value = _random.normal(shape, d, generator=generator)
    return _make(lambda store: jnp.asarray(value, store), d, requires_grad)


def _like(fn):
    def like(input: Tensor, *, dtype=None, device=None, requires_grad: bool = False):
        return fn(
            *input.shape,
            dtype=dtype if dtype is not None else input.dtype,
            requires_grad=requires_grad,
        )

    like.__name__ = f"{fn.__name__}_like"
    like.__doc__ = f"""``{fn.__name__}`` with the shape and dtype of ``input``.

    >>> {fn.__name__}_like(ones(2, 3)).shape
    torch.Size([2, 3])
    """
    return like


ones_like = _like(ones)
zeros_like = _like(zeros)
empty_like = _like(empty)
rand_like = _like(rand)
randn_like = _like(randn)


def full_like(
    input: Tensor, fill_value, *, dtype=None, device=None, requires_grad: bool = False
) -> Tensor:
    """``full`` with the shape and dtype of ``input``.

    >>> full_like(ones(2), 3.5)
    tensor([3.5000, 3.5000])
    """
    return _filled(
        fill_value,
        input.shape,
        dtype if dtype is not None else input.dtype,
        requires_grad,
    )
