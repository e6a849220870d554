"""Pooling modules: ``MaxPool1d``/``2d``, ``AvgPool1d``/``2d`` and
``MaxUnpool2d``, keeping their arguments as PyTorch keeps them (so reprs print
the same: ``AvgPool1d`` and ``MaxUnpool2d`` store tuples, the others what they
were given)."""

from __future__ import annotations

from typing import Any

from ...autograd.tensor import Tensor
from . import functional as F
from .modules import Module

__all__ = ["AvgPool1d", "AvgPool2d", "MaxPool1d", "MaxPool2d", "MaxUnpool2d"]


def _n(v: Any, n: int) -> tuple[int, ...]:
    return tuple(v) if isinstance(v, tuple | list) else (v,) * n


class _MaxPoolNd(Module):
    def __init__(
        self, kernel_size: Any, stride: Any = None, padding: Any = 0,
        dilation: Any = 1, return_indices: bool = False, ceil_mode: bool = False,
    ) -> None:  # fmt: skip
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, "
            f"padding={self.padding}, dilation={self.dilation}, "
            f"ceil_mode={self.ceil_mode}"
        )


class MaxPool1d(_MaxPoolNd):
    """Maximum over ``kernel_size`` windows along the last axis.

    >>> import funcgrad.torch as torch
    >>> MaxPool1d(3, 2, ceil_mode=True)
    MaxPool1d(kernel_size=3, stride=2, padding=0, dilation=1, ceil_mode=True)
    """

    def forward(self, input: Tensor) -> Any:
        return F.max_pool1d(input, self.kernel_size, self.stride, self.padding,
                            self.dilation, self.ceil_mode,
                            self.return_indices)  # fmt: skip


class MaxPool2d(_MaxPoolNd):
    """Maximum over ``kernel_size`` windows; ``return_indices=True`` also gives
    each maximum's position in its input plane (for ``MaxUnpool2d``).

    >>> import funcgrad.torch as torch
    >>> MaxPool2d(2)
    MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
    """

    def forward(self, input: Tensor) -> Any:
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding,
                            self.dilation, self.ceil_mode,
                            self.return_indices)  # fmt: skip


class AvgPool1d(Module):
    """Mean over ``kernel_size`` windows along the last axis.

    >>> import funcgrad.torch as torch
    >>> AvgPool1d(3, 2, 1)
    AvgPool1d(kernel_size=(3,), stride=(2,), padding=(1,))
    """

    def __init__(
        self, kernel_size: Any, stride: Any = None, padding: Any = 0,
        ceil_mode: bool = False, count_include_pad: bool = True,
    ) -> None:  # fmt: skip
        super().__init__()
        self.kernel_size = _n(kernel_size, 1)
        self.stride = _n(stride if stride is not None else kernel_size, 1)
        self.padding = _n(padding, 1)
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad

    def forward(self, input: Tensor) -> Tensor:
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding,
                            self.ceil_mode, self.count_include_pad)  # fmt: skip

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, "
            f"padding={self.padding}"
        )


class AvgPool2d(Module):
    """Mean over ``kernel_size`` windows.

    >>> import funcgrad.torch as torch
    >>> AvgPool2d(2)
    AvgPool2d(kernel_size=2, stride=2, padding=0)
    """

    def __init__(
        self, kernel_size: Any, stride: Any = None, padding: Any = 0,
        ceil_mode: bool = False, count_include_pad: bool = True,
        divisor_override: int | None = None,
    ) -> None:  # fmt: skip
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input: Tensor) -> Tensor:
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding,
                            self.ceil_mode, self.count_include_pad,
                            self.divisor_override)  # fmt: skip

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, "
            f"padding={self.padding}"
        )


class MaxUnpool2d(Module):
    """Put pooled maxima back at their indices, zeros elsewhere.

    >>> import funcgrad.torch as torch
    >>> MaxUnpool2d(2)
    MaxUnpool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))
    """

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0) -> None:
        super().__init__()
        self.kernel_size = _n(kernel_size, 2)
        self.stride = _n(stride if stride is not None else kernel_size, 2)
        self.padding = _n(padding, 2)

    def forward(
        self, input: Tensor, indices: Tensor, output_size: Any = None
    ) -> Tensor:
        return F.max_unpool2d(input, indices, self.kernel_size, self.stride,
                              self.padding, output_size)  # fmt: skip

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, "
            f"padding={self.padding}"
        )
