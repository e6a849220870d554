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


def reader(tensors: list) -> tuple[Any, list[int]]:
    """A function of no arguments giving, as one tuple, each tensor's array as
    held (a pending value stays pending), then each present ``.grad``'s array,
    then each ``.grad`` tensor, ``requires_grad`` and ``grad_fn``: what a
    compiled call's replay compares by identity. The tensors with a ``.grad``
    are those that have one now (their positions come second); the function
    raises if one lost it.

    >>> import funcgrad.torch as torch
    >>> t = torch.ones(2, requires_grad=True)
    >>> read, with_grad = reader([t])
    >>> read()[0] is value(t), read()[1:]
    (True, (None, True, None))
    """
    with_grad = [i for i, t in enumerate(tensors) if t._grad is not None]
    items = [f"t{i}._val" for i in range(len(tensors))]
    items += [f"t{i}._grad._val" for i in with_grad]
    for attr in ("_grad", "_requires_grad", "grad_fn"):
        items += [f"t{i}.{attr}" for i in range(len(tensors))]
    names = ", ".join(f"t{i}" for i in range(len(tensors)))
    source = (
        f"def make({names}):\n"
        f"    def read():\n"
        f"        return ({''.join(item + ', ' for item in items)})\n"
        "    return read\n"
    )
    scope: dict = {}
    exec(compile(source, "<compiled-call reader>", "exec"), scope)  # noqa: S102
    return scope["make"](*tensors), with_grad


def writer(changed: list, versions: list, grads: list) -> Any:
    """A function ``write(tensors, out)`` doing a compiled call's writes: new
    arrays ``out[0], out[1], ...`` for ``tensors[i]``, ``i`` in ``changed``;
    ``(i, n)`` in ``versions`` counts ``n`` writes; ``(i, how, dtype)`` in
    ``grads`` sets ``.grad``: ``"none"``, ``("same", n)`` (the next array into
    the ``.grad`` tensor, ``n`` writes) or ``("new", n)`` (a new ``.grad``
    tensor around the next array, at version ``n``).

    >>> import funcgrad.torch as torch
    >>> t = torch.zeros(2, requires_grad=True)
    >>> write = writer([0], [(0, 1)], [(0, ("new", 0), t.dtype)])
    >>> write([t], [value(t) + 1, value(t) + 2]); t, t.grad
    (tensor([1., 1.], requires_grad=True), tensor([2., 2.]))
    """
    lines, names, k = [], {"_wrap": Tensor._wrap}, 0
    for i in changed:
        lines.append(f"T[{i}]._value = out[{k}]")
        k += 1
    lines += [f"T[{i}]._version += {n}" for i, n in versions]
    for i, how, dtype in grads:
        if how == "none":
            lines.append(f"T[{i}]._grad = None")
            continue
        if how[0] == "same":
            lines += [f"g = T[{i}]._grad", f"g._value = out[{k}]"]
        else:
            names[f"d{k}"] = dtype
            lines += [f"g = _wrap(out[{k}], d{k})", f"T[{i}]._grad = g"]
        if how[1]:
            lines.append(f"g._version += {how[1]}")
        k += 1
    body = "\n".join("        " + line for line in lines) or "        pass"
    source = (
        f"def make({', '.join(names)}):\n"
        f"    def write(T, out):\n{body}\n"
        "    return write\n"
    )
    scope: dict = {}
    exec(compile(source, "<compiled-call writer>", "exec"), scope)  # noqa: S102
    return scope["make"](**names)


def edges(tensors: list) -> tuple:
    """The graph edges a node recorded on ``tensors`` points to (see
    :func:`recorded`).

    >>> import funcgrad.torch as torch
    >>> edges([torch.ones(1)])
    ((None, 0),)
    """
    return tuple([_edge(t) for t in tensors])


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
    value: Any,
    dtype: _dt.dtype,
    op: Any,
    inputs: list,
    saved: tuple,
    edges_: tuple | None = None,
) -> Tensor:
    """A tensor around an already computed ``value`` whose ``grad_fn`` is a node
    of ``op``: one edge per tensor of ``inputs``, ``saved`` the values ``op``'s
    forward takes (the inputs' values first, then constants); recorded as
    ``dispatch`` would, without running the forward again (``edges_``: the
    inputs' :func:`edges`, when already known)."""
    t = Tensor._wrap(value, dtype)
    t._requires_grad = True
    if edges_ is None:
        edges_ = edges(inputs)
    t.grad_fn = Node(op, (), saved, edges_, tuple(inputs))
    return t


def fast_path_off() -> contextlib.AbstractContextManager:
    """A scope with the engine's caching fast path off, while JAX traces facade
    code (its caches must never hold a tracer).

    >>> with fast_path_off():
    ...     pass
    """
    return _fast_disabled()
