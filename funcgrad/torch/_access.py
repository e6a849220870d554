"""The one place where ``torch.func`` and ``torch.compile`` touch a facade
tensor's internals: its value, its ``.grad`` tensor and its version counter.

>>> import funcgrad.torch as torch
>>> t = torch.ones(2)
>>> set_value(t, value(t) * 3); bump_version(t); t, version(t)
(tensor([3., 3.]), 1)
"""

from __future__ import annotations

from typing import Any

import jax

from ..autograd import dtypes as _dt
from ..autograd.tensor import Tensor


def value(t: Tensor) -> Any:
    """The tensor's array (a pending value is computed now)."""
    return t._value


def set_value(t: Tensor, v: Any) -> None:
    """Replace the tensor's array in place, without counting a write."""
    t._value = v


def grad_of(t: Tensor) -> Tensor | None:
    """The ``.grad`` tensor, without the non-leaf warning."""
    return t._grad


def set_grad(t: Tensor, g: Tensor | None) -> None:
    """Set ``.grad`` without the shape/dtype checks of the public setter."""
    t._grad = g


def version(t: Tensor) -> int:
    """The tensor's in-place write counter."""
    return t._version


def bump_version(t: Tensor, n: int = 1) -> None:
    """Count ``n`` in-place writes."""
    t._version += n


def wrap(v: Any, dtype: _dt.dtype | None = None) -> Tensor:
    """A plain leaf tensor around ``v`` (no copy)."""
    return Tensor._wrap(v, dtype)


def plain(t: Tensor) -> Tensor:
    """A leaf tensor without grad sharing ``t``'s array and dtype."""
    return Tensor._wrap(t._value, t._dtype)


def dtype_of(t: Tensor) -> _dt.dtype:
    """The tensor's torch dtype."""
    return t._dtype


def is_tracer(v: Any) -> bool:
    """Whether ``v`` is a JAX tracer (the tensor is being traced)."""
    return isinstance(v, jax.core.Tracer)
