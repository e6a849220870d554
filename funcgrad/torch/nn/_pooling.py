"""``torch.nn.functional``'s pooling: ``max_pool1d``/``2d`` (``ceil_mode``,
``return_indices``), ``avg_pool1d``/``2d`` and ``max_unpool2d``, over the entries
in ``_ops``. The 1-D forms run the 2-D op on an unsqueezed input, as PyTorch
records them (``SqueezeBackward1 -> MaxPool2DWithIndicesBackward0 ->
UnsqueezeBackward0``); indices count positions within each input plane.
"""

from __future__ import annotations

from typing import Any

import jax
import numpy as np

from ...autograd import dtypes as _dt
from ...autograd.tensor import Tensor, dispatch
from . import _ops

__all__ = [
    "avg_pool1d",
    "avg_pool2d",
    "max_pool1d",
    "max_pool1d_with_indices",
    "max_pool2d",
    "max_pool2d_with_indices",
    "max_unpool2d",
]


def _t(x) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def _tuple(v, n: int, name: str, where: str) -> tuple[int, ...]:
    v = (int(v),) if isinstance(v, int) else tuple(int(i) for i in v)
    if len(v) not in (1, n) and n == 1:
        raise RuntimeError(
            f"{where}() {name} must be an int, list of ints or tuple of ints of "
            f"size 1 but got size {len(v)}"
        )
    if len(v) not in (1, n):
        raise RuntimeError(
            f"{where}: {name} must either be a single int, or a tuple of two ints"
        )
    return v * n if len(v) == 1 else v


def _window_args(x, kernel_size, stride, padding, dilation, where: str):
    """Normalised ``(kernel, stride, padding, dilation)`` of a 2-D pooling, with
    PyTorch's checks in PyTorch's order (the output size is checked last)."""
    k = _tuple(kernel_size, 2, "kernel_size", where)
    s = k if stride is None or stride == [] else _tuple(stride, 2, "stride", where)
    p = _tuple(padding, 2, "padding", where)
    d = _tuple(dilation, 2, "dilation", where)
    if 0 in s:
        raise RuntimeError("stride should not be zero")
    for ki, pi, di in zip(k, p, d, strict=True):
        if 2 * pi > (ki - 1) * di + 1:
            raise RuntimeError(
                "pad should be at most half of effective kernel size, but got "
                f"pad={pi}, kernel_size={ki} and dilation={di}"
            )
    return k, s, p, d


def _output_check(x, k, s, p, d, ceil: bool) -> None:
    if any(pi > ki // 2 for pi, ki in zip(p, k, strict=True)):
        raise RuntimeError(
            "pad should be smaller than or equal to half of kernel size, but got "
            f"padW = {p[1]}, padH = {p[0]}, kW = {k[1]}, kH = {k[0]}"
        )
    size = x.shape[-2:]
    out = [_ops.pool_size(*a, ceil) for a in zip(size, k, s, p, d, strict=True)]
    if min(out) < 1:
        c = x.shape[-3]
        raise RuntimeError(
            f"Given input size: ({c}x{size[0]}x{size[1]}). Calculated output size: "
            f"({c}x{out[0]}x{out[1]}). Output size is too small"
        )


def max_pool2d_with_indices(
    input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
    dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = True,
) -> tuple[Tensor, Tensor]:  # fmt: skip
    """``max_pool2d`` with the positions of the maxima: ``(values, indices)``,
    each index ``h * W + w`` within its input plane (int64).

    >>> import funcgrad.torch as torch
    >>> max_pool2d_with_indices(torch.tensor([[[[1.0, 5.0], [7.0, 2.0]]]]), 2)
    (tensor([[[[7.]]]]), tensor([[[[2]]]]))
    """
    x = _t(input)
    if x.ndim not in (3, 4) or x.numel() == 0:
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    k, s, p, d = _window_args(x, kernel_size, stride, padding, dilation, "max_pool2d")
    _output_check(x, k, s, p, d, bool(ceil_mode))
    options = dict(kernel=k, stride=s, padding=p, dilation=d, ceil_mode=bool(ceil_mode))
    values = dispatch("nn.max_pool2d", x, **options)
    value = x._value
    with _dt.scope(not isinstance(value, jax.core.Tracer)):
        found = _ops.max_pool2d_indices(value, **options)
        found = found.astype(_dt.int64.storage())
    return values, Tensor._wrap(found, _dt.int64)


def max_pool2d(
    input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
    dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False,
) -> Tensor | tuple[Tensor, Tensor]:  # fmt: skip
    """Maximum over ``kernel_size`` windows (``MaxPool2DWithIndicesBackward0``);
    ``ceil_mode`` keeps a last partial window, ``return_indices`` also gives
    where each maximum sits (see :func:`max_pool2d_with_indices`).

    >>> import funcgrad.torch as torch
    >>> max_pool2d(torch.arange(16.0).view(1, 1, 4, 4), 2)
    tensor([[[[ 5.,  7.],
              [13., 15.]]]])
    >>> max_pool2d(torch.arange(9.0).view(1, 1, 3, 3), 2, ceil_mode=True)
    tensor([[[[4., 5.],
              [7., 8.]]]])
    """
    if return_indices:
        return max_pool2d_with_indices(input, kernel_size, stride, padding, dilation,
                                       ceil_mode)  # fmt: skip
    x = _t(input)
    if x.ndim not in (3, 4) or x.numel() == 0:
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    k, s, p, d = _window_args(x, kernel_size, stride, padding, dilation, "max_pool2d")
    _output_check(x, k, s, p, d, bool(ceil_mode))
    return dispatch("nn.max_pool2d", x, kernel=k, stride=s, padding=p, dilation=d,
                    ceil_mode=bool(ceil_mode))  # fmt: skip


def _one(v, name: str, where: str) -> tuple[int, int]:
    """A 1-D window argument as the 2-D op's: a unit (or, for padding, zero)
    first axis."""
    (n,) = _tuple(v, 1, name, where)
    return (0 if name == "padding" else 1, n)


def _check_1d(x: Tensor, where: str) -> None:
    if x.ndim not in (2, 3):
        raise RuntimeError(
            f"{where}: Expected 2D or 3D (batch mode) tensor with optional 0 dim "
            f"batch size for input, but got:{list(x.shape)}"
        )


def max_pool1d_with_indices(
    input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
    dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = True,
) -> tuple[Tensor, Tensor]:  # fmt: skip
    """``max_pool1d`` with the positions of the maxima along the last axis.

    >>> import funcgrad.torch as torch
    >>> max_pool1d_with_indices(torch.tensor([[3.0, 1.0, 4.0, 1.0]]), 2)
    (tensor([[3., 4.]]), tensor([[0, 2]]))
    """
    x = _t(input)
    _check_1d(x, "max_pool1d")
    s = kernel_size if stride is None or stride == [] else stride
    values, found = max_pool2d_with_indices(
        x.unsqueeze(-2), _one(kernel_size, "kernel_size", "max_pool1d"),
        _one(s, "stride", "max_pool1d"), _one(padding, "padding", "max_pool1d"),
        _one(dilation, "dilation", "max_pool1d"), ceil_mode,
    )  # fmt: skip
    return values.squeeze(-2), found.squeeze(-2)


def max_pool1d(
    input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
    dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False,
) -> Tensor | tuple[Tensor, Tensor]:  # fmt: skip
    """Maximum over ``kernel_size`` windows along the last axis of a 2-D or 3-D
    input (the 2-D op between an unsqueeze and a squeeze, as PyTorch records it).

    >>> import funcgrad.torch as torch
    >>> max_pool1d(torch.tensor([[3.0, 1.0, 4.0, 1.0, 5.0]]), 2, ceil_mode=True)
    tensor([[3., 4., 5.]])
    """
    if return_indices:
        return max_pool1d_with_indices(input, kernel_size, stride, padding, dilation,
                                       ceil_mode)  # fmt: skip
    x = _t(input)
    _check_1d(x, "max_pool1d")
    (k,) = _tuple(kernel_size, 1, "kernel_size", "max_pool1d")
    s = kernel_size if stride is None or stride == [] else stride
    (s,) = _tuple(s, 1, "stride", "max_pool1d")
    (p,) = _tuple(padding, 1, "padding", "max_pool1d")
    (d,) = _tuple(dilation, 1, "dilation", "max_pool1d")
    if s == 0:
        raise RuntimeError("max_pool1d() stride must be greater than zero, but got 0")
    if p > k // 2:  # PyTorch's own 1-D checks, before the 2-D op's
        raise RuntimeError(
            "max_pool1d() padding should be at most half of kernel size, but got "
            f"padding={p} and kernel_size={k}"
        )
    out = _ops.pool_size(x.shape[-1], k, s, p, d, bool(ceil_mode))
    if out <= 0:
        raise RuntimeError(f"max_pool1d() Invalid computed output size: {out}")
    return max_pool2d(x.unsqueeze(-2), (1, k), (1, s), (0, p), (1, d),
                      ceil_mode).squeeze(-2)  # fmt: skip


def avg_pool2d(
    input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
    ceil_mode: bool = False, count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:  # fmt: skip
    """Mean over ``kernel_size`` windows (``AvgPool2DBackward0``): a window
    divides by the cells it covers within the padded input
    (``count_include_pad``) or within the input alone, or by
    ``divisor_override``.

    >>> import funcgrad.torch as torch
    >>> avg_pool2d(torch.arange(16.0).view(1, 1, 4, 4), 2)
    tensor([[[[ 2.5000,  4.5000],
              [10.5000, 12.5000]]]])
    >>> avg_pool2d(torch.arange(9.0).view(1, 1, 3, 3), 2, ceil_mode=True)
    tensor([[[[2.0000, 3.5000],
              [6.5000, 8.0000]]]])
    """
    x = _t(input)
    if x.ndim < 3:
        raise IndexError(
            "Dimension out of range (expected to be in range of "
            f"[{-max(x.ndim, 1)}, {max(x.ndim, 1) - 1}], but got -3)"
        )
    if x.ndim > 4 or x.numel() == 0:
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    k, s, p, d = _window_args(x, kernel_size, stride, padding, 1, "avg_pool2d")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    _output_check(x, k, s, p, d, bool(ceil_mode))
    return dispatch(
        "nn.avg_pool2d", x, kernel=k, stride=s, padding=p,
        count_include_pad=bool(count_include_pad), divisor=divisor_override,
        ceil_mode=bool(ceil_mode),
    )  # fmt: skip


def avg_pool1d(
    input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
    ceil_mode: bool = False, count_include_pad: bool = True,
) -> Tensor:  # fmt: skip
    """Mean over ``kernel_size`` windows along the last axis of a 2-D or 3-D
    input (the 2-D op between an unsqueeze and a squeeze, as PyTorch records it).

    >>> import funcgrad.torch as torch
    >>> avg_pool1d(torch.tensor([[1.0, 2.0, 3.0, 4.0]]), 2)
    tensor([[1.5000, 3.5000]])
    """
    x = _t(input)
    if x.ndim not in (2, 3):
        raise RuntimeError(
            f"Expected 2 to 3 dimensions, but got {x.ndim}-dimensional tensor for "
            "argument #1 'self' (while checking arguments for avg_pool1d)"
        )
    s = kernel_size if stride is None or stride == [] else stride
    return avg_pool2d(
        x.unsqueeze(-2), _one(kernel_size, "kernel_size", "avg_pool1d"),
        _one(s, "stride", "avg_pool1d"), _one(padding, "padding", "avg_pool1d"),
        ceil_mode, count_include_pad,
    ).squeeze(-2)  # fmt: skip


def _unpool_size(x: Tensor, k, s, p, output_size) -> tuple[int, int]:
    default = [(x.shape[-2 + i] - 1) * s[i] - 2 * p[i] + k[i] for i in range(2)]
    if output_size is None:
        return tuple(default)
    size = tuple(int(v) for v in output_size)
    if len(size) == x.ndim:
        size = size[-2:]
    if len(size) != 2:
        raise ValueError(
            f"output_size should be a sequence containing 2 or {x.ndim} elements, "
            f"but it has a length of '{len(size)}'"
        )
    for i in range(2):
        low, high = default[i] - s[i], default[i] + s[i]
        if not low < size[i] < high:
            raise ValueError(
                f'invalid output_size "{tuple(output_size)}" (dim {i} must be '
                f"between {low} and {high})"
            )
    return size


def max_unpool2d(
    input: Tensor, indices: Tensor, kernel_size: Any, stride: Any = None,
    padding: Any = 0, output_size: Any = None,
) -> Tensor:  # fmt: skip
    """The inverse of ``max_pool2d``'s selection: each value written at its
    index (from ``return_indices``) in an otherwise zero plane
    (``MaxUnpool2DBackward0``).

    >>> import funcgrad.torch as torch
    >>> x = torch.tensor([[[[1.0, 5.0], [7.0, 2.0]]]])
    >>> max_unpool2d(*max_pool2d(x, 2, return_indices=True), 2)
    tensor([[[[0., 0.],
              [7., 0.]]]])
    """
    x = _t(input)
    k = _tuple(kernel_size, 2, "kernel_size", "max_unpool2d")
    s = k if stride is None or stride == [] else _tuple(stride, 2, "stride", "x")
    p = _tuple(padding, 2, "padding", "max_unpool2d")
    size = _unpool_size(x, k, s, p, output_size)
    if indices.dtype is not _dt.int64:
        name = {"float32": "Float", "float64": "Double", "int32": "Int"}.get(
            indices.dtype.name, indices.dtype.name.title()
        )
        raise RuntimeError(f"elements in indices should be type int64 but got: {name}")
    if x.ndim not in (3, 4):
        raise RuntimeError(
            "Input to max_unpooling2d should be a 3d or 4d Tensor, but got a "
            f"tensor with {x.ndim} dimensions."
        )
    idx = indices._value
    if not isinstance(idx, jax.core.Tracer) and idx.size:
        with _dt.scope(True):
            bad = np.asarray((idx < 0) | (idx >= size[0] * size[1])).reshape(-1)
        if bad.any():
            first = int(np.asarray(idx).reshape(-1)[bad.argmax()])
            raise RuntimeError(
                f"Found an invalid max index: {first} (output volumes are of size "
                f"{size[0]}x{size[1]})"
            )
    return dispatch("nn.max_unpool2d", x, indices, size=size)
