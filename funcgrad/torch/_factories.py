"""Tensor factories: ``tensor``, ``ones``, ``zeros``, ``randn``, ... as in PyTorch."""

from __future__ import annotations

import functools
import math
import os
import warnings
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..autograd import dtypes as _dt
from ..autograd.grad_mode import is_grad_enabled
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


def out_dtype(fname: str, out: Any, dtype: _dt.dtype | None) -> _dt.dtype | None:
    """The dtype a factory makes when given ``out=``: ``out``'s (a ``dtype=`` that
    differs from it is PyTorch's error); ``dtype`` without ``out``.

    >>> out_dtype("zeros", Tensor(jnp.zeros(1, jnp.int32)), None)
    torch.int32
    >>> out_dtype("zeros", Tensor(jnp.zeros(1, jnp.int32)), _dt.float32)
    Traceback (most recent call last):
    ...
    RuntimeError: dtype Float does not match dtype of out parameter (Int)
    """
    if out is None:
        return dtype
    if not isinstance(out, Tensor):
        raise TypeError(
            f"{fname}(): argument 'out' must be Tensor, not {type(out).__name__}"
        )
    if out.requires_grad and is_grad_enabled():
        raise RuntimeError(
            f"aten::{fname}(): functions with out=... arguments don't support "
            "automatic differentiation, but one of the arguments requires grad."
        )
    if dtype is not None and dtype is not out.dtype:
        raise RuntimeError(
            f"dtype {_checks.scalar_name(dtype)} does not match dtype of out "
            f"parameter ({_checks.scalar_name(out.dtype)})"
        )
    return out.dtype


def write_out(out: Tensor | None, result: Tensor, fname: str) -> Tensor:
    """``result``, or, with ``out=``, ``out`` holding it (resized to its shape as
    PyTorch's factories resize; a view cannot change shape here).

    >>> o = Tensor(jnp.zeros(1)); write_out(o, ones(2), "ones") is o, o
    (True, tensor([1., 1.]))
    """
    if out is None:
        return result
    with _dt.scope(out.dtype.x64):
        value = result._value.astype(out._value.dtype)
    if tuple(out.shape) != tuple(result.shape):
        if out._storage is not None or out._base is not None:
            raise RuntimeError(
                f"funcgrad.torch.{fname}(out=...): cannot resize a tensor that "
                "shares its storage with views"
            )
        out._strides = None
    out._write(value)
    return out


def _infer_dtype(data) -> _dt.dtype:
    """PyTorch's inference: bools -> bool, ints -> int64, floats -> the default
    dtype (float32 unless ``set_default_dtype``), complex -> its complex dtype;
    a tensor, NumPy array or NumPy scalar among them counts with its own dtype,
    and the elements' dtypes are promoted together.

    >>> _infer_dtype([1, 2.5]), _infer_dtype([np.float64(1.5)])
    (torch.float32, torch.float64)
    """
    found: set = set()
    _element_dtypes(data, found)
    out = None
    for d in found:
        out = d if out is None else _dt.promote_types(out, d)
    return out if out is not None else _dt.get_default_dtype()


_PYTHON = (bool, int, float, complex)


def _python_dtype(kind: type) -> _dt.dtype:
    if kind is bool:
        return _dt.bool
    if kind is int:
        return _dt.int64
    return _dt.default_complex() if kind is complex else _dt.get_default_dtype()


def _element_dtypes(data, found: set) -> None:
    """Add the dtype of every element of ``data`` to ``found`` (a list of plain
    numbers is read by the types present, not element by element)."""
    if isinstance(data, Tensor):
        found.add(data.dtype)
    elif isinstance(data, np.ndarray | np.generic):
        found.add(_dt.from_jax(data.dtype))
    elif isinstance(data, list | tuple | range):
        kinds = set(map(type, data))
        if kinds <= set(_PYTHON):
            found.update(_python_dtype(k) for k in kinds)
            return
        for x in data:
            _element_dtypes(x, found)
    elif isinstance(data, _PYTHON):
        found.add(_python_dtype(type(data)))


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
        d = dtype if dtype is not None else _infer_dtype(data)
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


def _size_keyword(factory):
    """Let ``factory(*size)`` also take ``size=`` as a keyword, as PyTorch's do."""

    @functools.wraps(factory)
    def make(*size: Any, **kwargs: Any) -> Tensor:
        if "size" in kwargs:
            if size:
                raise TypeError(
                    f"{factory.__name__}() got multiple values for argument 'size'"
                )
            size = (kwargs.pop("size"),)
        return factory(*size, **kwargs)

    return make


def _filled(fill, shape, dtype, requires_grad) -> Tensor:
    d = _dt.to_dtype(dtype) if dtype is not None else _dt.get_default_dtype()
    _checks.allocation(shape, d)
    return _make(lambda store: jnp.full(shape, fill, store), d, requires_grad)


@_size_keyword
def ones(
    *size,
    out: Tensor | None = None,
    dtype=None,
    device=None,
    requires_grad: bool = False,
) -> Tensor:
    """A tensor of ones.

    >>> ones(2, 3).shape
    torch.Size([2, 3])
    """
    shape = _checks.size("ones", size)
    d = out_dtype("ones", out, _checks.dtype("ones", dtype))
    return write_out(out, _filled(1, shape, d, requires_grad), "ones")


@_size_keyword
def zeros(
    *size,
    out: Tensor | None = None,
    dtype=None,
    device=None,
    requires_grad: bool = False,
) -> Tensor:
    """A tensor of zeros.

    >>> zeros(3)
    tensor([0., 0., 0.])
    """
    shape = _checks.size("zeros", size, zeros_wording=True)
    d = out_dtype("zeros", out, _checks.dtype("zeros", dtype))
    return write_out(out, _filled(0, shape, d, requires_grad), "zeros")


def full(
    size,
    fill_value,
    *,
    out: Tensor | None = None,
    dtype=None,
    device=None,
    requires_grad: bool = False,
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
    dtype = out_dtype("full", out, _checks.dtype("full", dtype))
    if dtype is None:
        dtype = _infer_dtype(fill_value)
    return write_out(out, _filled(fill_value, shape, dtype, requires_grad), "full")


@_size_keyword
def empty(
    *size,
    out: Tensor | None = None,
    dtype=None,
    device=None,
    requires_grad: bool = False,
) -> Tensor:
    """An uninitialised tensor (here: zeros).

    >>> empty(2).shape
    torch.Size([2])
    """
    shape = _checks.size("empty", size)
    d = out_dtype("empty", out, _checks.dtype("empty", dtype))
    if out is not None and tuple(out.shape) == tuple(shape):
        return out  # PyTorch leaves the values as they are
    return write_out(out, _filled(0, shape, d, requires_grad), "empty")


def eye(
    n: int,
    m: int | None = None,
    *,
    out: Tensor | None = None,
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
    d = out_dtype("eye", out, _checks.dtype("eye", dtype)) or _dt.get_default_dtype()
    _checks.allocation((n, n if m is None else m), d)
    result = _make(lambda store: jnp.eye(n, m, dtype=store), d, requires_grad)
    return write_out(out, result, "eye")


# PyTorch's CPU range kernels (AVX2 build): ``start + step * i`` with one rounding
# (its compiler contracts it to an FMA) in the accumulate type (float64 for float32
# and float64), and in blocks of two vectors (8 float32 or 4 float64 lanes) from a
# base rounded to the dtype, ``base + lane * step``; the tail element by element.
# Over 32768 elements the range is split evenly across PyTorch's threads (one per
# core by default) and each part is blocked from its own start.
_LANES = {"float32": 8, "float64": 4}
_GRAIN = 32768


def _parts(n: int) -> list[tuple[int, int]]:
    """PyTorch's ``parallel_for`` split of ``range(n)`` (one part per thread)."""
    if n < _GRAIN:
        return [(0, n)]
    threads = min(len(os.sched_getaffinity(0)), -(-n // _GRAIN))
    size = -(-n // threads)
    return [(b, min(n, b + size)) for b in range(0, n, size)]


def _arange_float(start: float, step: float, n: int, d: _dt.dtype) -> np.ndarray:
    half = d.itemsize == 2  # float16/bfloat16: float32 arithmetic, 16 lanes
    acc, fma = (np.float32, _random._fma32) if half else (np.float64, _random._fma64)
    step, start = acc(step), acc(start)
    out = fma(step, np.arange(n, dtype=acc), start)
    lanes = 16 if half else _LANES[d.name]
    store = np.dtype(d._np)
    lane = np.arange(lanes, dtype=acc)
    for lo, hi in _parts(n):
        blocked = (hi - lo) - (hi - lo) % (2 * lanes)
        if blocked:
            base = out[lo : lo + blocked : lanes].astype(store).astype(acc)
            block = fma(lane[None, :], step, base[:, None])
            block[:, 0] = base  # the first lane is the base itself (keeps -0.0)
            out[lo : lo + blocked] = block.reshape(-1)
    return out


def arange(
    start,
    end=None,
    step=1,
    *,
    out: Tensor | None = None,
    dtype=None,
    device=None,
    requires_grad: bool = False,
) -> Tensor:
    """Values from ``start`` to ``end`` (exclusive) by ``step``, computed as
    PyTorch's CPU kernel computes them (to the last bit).

    >>> arange(4), arange(0, 1, 0.25)
    (tensor([0, 1, 2, 3]), tensor([0.0000, 0.2500, 0.5000, 0.7500]))
    """
    if end is None:
        start, end = 0, _checks.number("arange", "end", 1, start)
    start = _checks.number("arange", "start", 1, start)
    end = _checks.number("arange", "end", 2, end)
    step = _checks.number("arange", "step", 3, step)
    dtype = out_dtype("arange", out, _checks.dtype("arange", dtype))
    d = _dt.to_dtype(dtype if dtype is not None else _infer_dtype([start, end, step]))
    integral = not (d.is_floating_point or d.is_complex)
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if d is _dt.int64 and int(step) == 0:
        raise ValueError("step must be nonzero")
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if d is _dt.int64:
        s0, s1, st = int(start), int(end), int(step)
        n = (s1 - s0 + st - (st > 0) + (st < 0)) // st
    else:
        n = math.ceil((float(end) - float(start)) / float(step))
    _checks.allocation((n,), d)
    if out is not None and out.numel() not in (0, n):
        warnings.warn(
            f"The number of elements in the out tensor of shape {list(out.shape)} is "
            f"{out.numel()} which does not match the computed number of elements "
            f"{n}. Note that this may occur as a result of rounding error. The out "
            f"tensor will be resized to a tensor of shape ({n},).",
            stacklevel=3,
        )
    if integral:
        values = int(start) + int(step) * np.arange(n, dtype=np.int64)
    else:
        values = _arange_float(start, step, n, d)
    result = _make(lambda store: jnp.asarray(values, store), d, requires_grad)
    return write_out(out, result, "arange")


def _ndim(value) -> int:
    return value.ndim if isinstance(value, Tensor) else 0


def _space_args(fname: str, start, end, steps) -> tuple[Any, Any, int]:
    dims = [(n, v.ndim) for n, v in (("start", start), ("end", end)) if _ndim(v)]
    if dims:
        got = " and ".join(f"{n} with {k} dimension(s)" for n, k in dims)
        raise RuntimeError(
            f"{fname} only supports 0-dimensional start and end tensors, but got {got}."
        )
    start = _checks.number(fname, "start", 1, start)
    end = _checks.number(fname, "end", 2, end)
    steps = _checks.integer(fname, "steps", 3, steps)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    return start, end, steps


def _spaced(start, end, steps: int, kind) -> np.ndarray:
    """PyTorch's CPU ``linspace`` values in ``kind`` (float32 or float64): the
    first half ``start + step * i``, the rest ``end - step * (steps - 1 - i)``,
    each with one rounding."""
    s, e = kind(start), kind(end)
    if steps == 1:
        return np.array([s], kind)
    step = kind((e - s) / kind(steps - 1))
    i = np.arange(steps)
    half = i < steps // 2
    fma = _random._fma32 if kind == np.float32 else _random._fma64
    up = fma(np.full(steps, step, kind), i.astype(kind), np.full(steps, s, kind))
    down = fma(np.full(steps, -step, kind), (steps - 1 - i).astype(kind), e)
    return np.where(half, up, down).astype(kind)


def _spaced_half(start, end, steps: int, half) -> np.ndarray:
    """``linspace`` in float16/bfloat16: every operation rounded to the dtype."""
    s, e = half(start), half(end)
    if steps == 1:
        return np.array([s], half)
    f32 = np.float32
    step = half(f32(half(f32(e) - f32(s))) / f32(half(steps - 1)))
    i = np.arange(steps)

    def times(k: np.ndarray) -> np.ndarray:
        return (f32(step) * k.astype(half).astype(f32)).astype(half).astype(f32)

    up = (f32(s) + times(i)).astype(half)
    down = (f32(e) - times(steps - 1 - i)).astype(half)
    return np.where(i < steps // 2, up, down)


def linspace(
    start,
    end,
    steps: int,
    *,
    out: Tensor | None = None,
    dtype=None,
    device=None,
    requires_grad: bool = False,
) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive, computed
    as PyTorch's CPU kernel computes them.

    >>> linspace(0, 1, 3)
    tensor([0.0000, 0.5000, 1.0000])
    """
    start, end, steps = _space_args("linspace", start, end, steps)
    d = out_dtype("linspace", out, _checks.dtype("linspace", dtype))
    d = d or _dt.get_default_dtype()
    _checks.allocation((steps,), d)
    if d.itemsize == 2 and d.is_floating_point:
        values = _spaced_half(start, end, steps, np.dtype(d._np).type)
    elif d.is_floating_point:
        kind = np.float64 if d.name == "float64" else np.float32
        values = _spaced(start, end, steps, kind)
    else:
        values = _int_spaced(int(start), int(end), steps)
    result = _make(lambda store: jnp.asarray(values, store), d, requires_grad)
    return write_out(out, result, "linspace")


def _int_spaced(start: int, end: int, steps: int) -> np.ndarray:
    """Integer ``linspace``: the step in float64, each value truncated."""
    if steps == 1:
        return np.array([start], np.int64)
    step = (float(end) - float(start)) / (steps - 1)
    i = np.arange(steps)
    up = _random._fma64(step, i.astype(np.float64), float(start))
    down = _random._fma64(-step, (steps - 1 - i).astype(np.float64), float(end))
    return np.trunc(np.where(i < steps // 2, up, down)).astype(np.int64)


def _exponents(start, end, steps: int, d: _dt.dtype) -> list[float]:
    """``logspace``'s float64 exponents: the bounds in the dtype (truncated for
    integers), their difference in it too, then ``start + step * i`` (or from
    ``end`` for the second half), rounded once for float32, twice otherwise."""
    kind = np.dtype(d._np).type if d.is_floating_point else None
    if kind is None:
        s, e = int(start), int(end)
        diff = float(e - s)
    else:
        s, e = kind(start), kind(end)
        diff = float(kind(e - s))
    if steps == 1:
        return [float(s)]
    step = diff / (steps - 1)
    i = np.arange(steps, dtype=np.float64)
    if kind == np.float32:  # PyTorch's build contracts this instance to FMAs
        up = _random._fma64(step, i, float(s))
        down = _random._fma64(-step, steps - 1 - i, float(e))
    else:
        up, down = float(s) + step * i, float(e) - step * (steps - 1 - i)
    return np.where(i < steps // 2, up, down).tolist()


def logspace(
    start,
    end,
    steps: int,
    base: float = 10.0,
    *,
    out: Tensor | None = None,
    dtype=None,
    device=None,
    requires_grad: bool = False,
) -> Tensor:
    """``base ** linspace(start, end, steps)``, as PyTorch computes it: the
    exponents in the dtype's precision, then a float64 ``pow``.

    >>> logspace(0, 2, 3)
    tensor([  1.,  10., 100.])
    """
    start, end, steps = _space_args("logspace", start, end, steps)
    base = float(_checks.number("logspace", "base", 4, base))
    d = out_dtype("logspace", out, _checks.dtype("logspace", dtype))
    d = d or _dt.get_default_dtype()
    _checks.allocation((steps,), d)
    values = np.array([math.pow(base, x) for x in _exponents(start, end, steps, d)])
    if not d.is_floating_point:
        values = np.trunc(values).astype(np.int64)
    result = _make(lambda store: jnp.asarray(values, store), d, requires_grad)
    return write_out(out, result, "logspace")


def _random_dtype(fname: str, kernel: str, dtype) -> _dt.dtype:
    d = dtype or _dt.get_default_dtype()
    if not d.is_floating_point:
        raise NotImplementedError(
            f"\"{kernel}\" not implemented for '{_checks.scalar_name(d)}'"
        )
    return d


def _drawn(fname: str, kernel: str, draw, size, kwargs) -> Tensor:
    """``rand``/``randn``: checks, ``out=``, then the draw (PyTorch's numbers)."""
    out, generator = kwargs.get("out"), kwargs.get("generator")
    shape = _checks.size(fname, size)
    d = out_dtype(fname, out, _checks.dtype(fname, kwargs.get("dtype")))
    d = _random_dtype(fname, kernel, d)
    _checks.generator(fname, size, generator)
    _checks.allocation(shape, d)
    value = draw(shape, d, generator=generator)
    result = _make(
        lambda store: jnp.asarray(value, store), d, kwargs.get("requires_grad", False)
    )
    return write_out(out, result, fname)


@_size_keyword
def rand(
    *size,
    generator=None,
    out: Tensor | None = None,
    dtype=None,
    device=None,
    requires_grad: bool = False,
) -> Tensor:
    """Uniform samples in [0, 1) from the global generator (``manual_seed``),
    PyTorch's numbers for the same seed (see ``_random``).

    >>> rand(2, 2).shape
    torch.Size([2, 2])
    """
    kwargs = dict(generator=generator, out=out, dtype=dtype)
    kwargs["requires_grad"] = requires_grad
    return _drawn("rand", "check_uniform_bounds", _random.uniform, size, kwargs)


@_size_keyword
def randn(
    *size,
    generator=None,
    out: Tensor | None = None,
    dtype=None,
    device=None,
    requires_grad: bool = False,
) -> Tensor:
    """Standard normal samples from the global generator (``manual_seed``),
    PyTorch's numbers for the same seed (see ``_random``).

    >>> randn(5, 3, requires_grad=True).shape
    torch.Size([5, 3])
    """
    kwargs = dict(generator=generator, out=out, dtype=dtype)
    kwargs["requires_grad"] = requires_grad
    return _drawn("randn", "normal_kernel_cpu", _random.normal, size, kwargs)


def _like(fn, random: bool = False):
    def like(
        input: Tensor,
        *,
        dtype=None,
        device=None,
        requires_grad: bool = False,
        memory_format=None,
        **generator: Any,
    ):
        if set(generator) - ({"generator"} if random else set()):
            raise TypeError(
                f"{fn.__name__}_like() got an unexpected keyword argument "
                f"'{next(iter(generator))}'"
            )
        return fn(
            *input.shape,
            dtype=dtype if dtype is not None else input.dtype,
            requires_grad=requires_grad,
            **generator,
        )

    like.__name__ = like.__qualname__ = f"{fn.__name__}_like"
    like.__doc__ = f"""``{fn.__name__}`` with the shape and dtype of ``input``.

    >>> {fn.__name__}_like(ones(2, 3)).shape
    torch.Size([2, 3])
    """
    return like


ones_like = _like(ones)
zeros_like = _like(zeros)
empty_like = _like(empty)
rand_like = _like(rand, random=True)
randn_like = _like(randn, random=True)


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
