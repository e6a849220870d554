"""The one place where ``torch.func`` and ``torch.compile`` touch a facade
tensor's internals: its value, its ``.grad`` tensor and its version counter.

>>> import funcgrad.torch as torch
>>> t = torch.ones(2)
>>> set_value(t, value(t) * 3); bump_version(t); t, version(t)
(tensor([3., 3.]), 1)
"""

from __future__ import annotations

import contextlib
from typing import Any

import jax

from ..autograd import dtypes as _dt
from ..autograd.fast import disabled as _fast_disabled
from ..autograd.node import Node
from ..autograd.tensor import Tensor, _edge


def value(t: Tensor) -> Any:
    """The tensor's array (a pending value is computed now)."""
    return t._value


def raw_values(tensors: list) -> list:
    """Each tensor's array as held (a pending value stays pending): read for
    identity, to see that nothing replaced it.

    >>> import funcgrad.torch as torch
    >>> t = torch.ones(2)
    >>> raw_values([t])[0] is value(t)
    True
    """
    return [t._val for t in tensors]


def grads(tensors: list) -> list:
    """Each tensor's ``.grad`` tensor (or ``None``), without warnings.

    >>> import funcgrad.torch as torch
    >>> grads([torch.ones(2)])
    [None]
    """
    return [t._grad for t in tensors]


def flags(tensors: list) -> list:
    """Each tensor's ``requires_grad``.

    >>> import funcgrad.torch as torch
    >>> flags([torch.ones(2, requires_grad=True), torch.ones(1)])
    [True, False]
    """
    return [t._requires_grad for t in tensors]


def grad_fns(tensors: list) -> list:
    """Each tensor's ``grad_fn``.

    >>> import funcgrad.torch as torch
    >>> grad_fns([torch.ones(2)])
    [None]
    """
    return [t.grad_fn for t in tensors]


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


def has_hooks(t: Tensor) -> bool:
    """Whether hooks are registered on the tensor itself."""
    return bool(t._hooks)


def dtype_of(t: Tensor) -> _dt.dtype:
    """The tensor's torch dtype."""
    return t._dtype


def is_tracer(v: Any) -> bool:
    """Whether ``v`` is a JAX tracer (the tensor is being traced)."""
    return isinstance(v, jax.core.Tracer)


def aval(t: Tensor) -> tuple:
    """``(shape, jax dtype)`` of the tensor's array, without computing it."""
    v = t._val
    return (v.shape, v.dtype)


def snapshot(t: Tensor) -> tuple:
    """Everything a traced call may change on ``t``, for :func:`restore`."""
    g = t._grad
    return (
        t._value,
        t._version,
        t._requires_grad,
        t.grad_fn,
        g,
        None if g is None else (g._value, g._version),
    )


def restore(t: Tensor, snap: tuple) -> None:
    """Put back what :func:`snapshot` saw."""
    value, t._version, t._requires_grad, t.grad_fn, g, gs = snap
    t._value = value  # through the storage: views and aliases see it too
    t._grad = g
    if g is not None:
        g._value, g._version = gs


def recorded(
    value: Any, dtype: _dt.dtype, op: Any, inputs: list, saved: tuple
) -> Tensor:
    """A tensor around an already computed ``value`` whose ``grad_fn`` is a node
    of ``op``: one edge per tensor of ``inputs``, ``saved`` the values ``op``'s
    forward takes (the inputs' values first, then constants); recorded as
    ``dispatch`` would, without running the forward again."""
    t = Tensor._wrap(value, dtype)
    t._requires_grad = True
    t.grad_fn = Node(op, (), saved, tuple(_edge(a) for a in inputs), tuple(inputs))
    return t


def fast_path_off() -> contextlib.AbstractContextManager:
    """A scope with the engine's caching fast path off, while JAX traces facade
    code (its caches must never hold a tracer).

    >>> with fast_path_off():
    ...     pass
    """
    return _fast_disabled()
