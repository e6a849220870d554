"""``torch.autograd.functional``: ``vjp``, ``jvp``, ``jacobian``, ``hessian``,
``hvp`` and ``vhp`` of a function of tensors.

Each one runs the function on fresh copies of its inputs that require grad and
pulls gradients back with ``torch.autograd.grad`` (so custom Functions' own
``backward`` rules are honoured); a Jacobian is one reverse pass per output
element, stacked. Results are detached unless ``create_graph=True``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax.numpy as jnp

from ...autograd import dtypes as _dt
from ...autograd.grad_mode import enable_grad
from ...autograd.tensor import Tensor
from ...autograd.tensor import grad as _grad
from .._functions import stack

__all__ = ["hessian", "hvp", "jacobian", "jvp", "vhp", "vjp"]

Inputs = Tensor | tuple[Tensor, ...]
_OUTPUTS = "outputs of the user-provided function"


def _as_tuple(x: Any, arg: str, fn: str) -> tuple[bool, tuple]:
    single = not isinstance(x, tuple | list)
    items = (x,) if single else tuple(x)
    for i, t in enumerate(items):
        if not isinstance(t, Tensor):
            what = f"The {arg} given to {fn}"
            raise TypeError(
                f"{what} must be either a Tensor or a tuple of Tensors but the value "
                f"at index {i} has type {type(t)}."
            )
    return single, items


def _fresh(inputs: tuple, create_graph: bool) -> tuple:
    if create_graph:
        return tuple(t.view_as(t) if t.requires_grad else _leaf(t) for t in inputs)
    return tuple(_leaf(t) for t in inputs)


def _leaf(t: Tensor) -> Tensor:
    return t.detach().requires_grad_(t.dtype.is_floating_point)


def _finish(t: Tensor | None, create_graph: bool) -> Tensor | None:
    return t if t is None or create_graph else t.detach()


def _grads(outputs, inputs, grad_outputs, create_graph: bool) -> tuple:
    """``autograd.grad`` with unused inputs as zeros."""
    outs = [o for o in outputs if o.requires_grad]
    gos = [g for o, g in zip(outputs, grad_outputs, strict=True) if o.requires_grad]
    if not outs:
        return tuple(_zeros(t) for t in inputs)
    got = _grad(
        outs, inputs, gos, retain_graph=True, create_graph=create_graph,
        allow_unused=True,
    )  # fmt: skip
    return tuple(
        _zeros(t) if g is None else g for g, t in zip(got, inputs, strict=True)
    )


def _zeros(t: Tensor) -> Tensor:
    return Tensor._wrap(jnp.zeros_like(t._value), t.dtype)


@_dt.scoped
def vjp(
    func: Callable[..., Any],
    inputs: Inputs,
    v: Inputs | None = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple[Any, Any]:
    """``(func(*inputs), v^T J)``.

    >>> import funcgrad.torch as torch
    >>> vjp(lambda x: x * x, torch.tensor([1.0, 2.0]), torch.ones(2))
    (tensor([1., 4.]), tensor([2., 4.]))
    """
    single_in, xs = _as_tuple(inputs, "inputs", "vjp")
    with enable_grad():
        xs = _fresh(xs, create_graph)
        out = func(*xs)
        single_out, outs = _as_tuple(
            out, "outputs of the user-provided function", "vjp"
        )
        if v is None:
            if any(o.numel() != 1 for o in outs):
                raise RuntimeError(
                    "The vector v can only be None if the user-provided function "
                    "returns a single Tensor with a single element."
                )
            vs = tuple(Tensor._wrap(jnp.ones_like(o._value), o.dtype) for o in outs)
        else:
            vs = _as_tuple(v, "v", "vjp")[1]
        gs = _grads(outs, xs, vs, create_graph)
    outs = tuple(_finish(o, create_graph) for o in outs)
    gs = tuple(_finish(g, create_graph) for g in gs)
    return (outs[0] if single_out else outs), (gs[0] if single_in else gs)


def _jacobian_rows(outs, xs, create_graph: bool) -> list[list[Tensor]]:
    """``J[i][j]``: d outs[i] / d xs[j], shaped ``outs[i].shape + xs[j].shape``."""
    table = []
    for o in outs:
        per_input: list[list[Tensor]] = [[] for _ in xs]
        flat = jnp.eye(max(o.numel(), 1), dtype=o._value.dtype)
        for k in range(o.numel()):
            onehot = Tensor._wrap(flat[k].reshape(o._value.shape), o.dtype)
            for j, g in enumerate(_grads([o], xs, [onehot], create_graph)):
                per_input[j].append(g)
        row = []
        for j, x in enumerate(xs):
            shape = (*o.shape, *x.shape)
            if per_input[j]:
                row.append(stack(per_input[j]).reshape(shape))
            else:
                row.append(Tensor._wrap(jnp.zeros(shape, x._value.dtype), x.dtype))
        table.append(row)
    return table


@_dt.scoped
def jacobian(
    func: Callable[..., Any],
    inputs: Inputs,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    strategy: str = "reverse-mode",
) -> Any:
    """The Jacobian of ``func`` at ``inputs``: for one input and one output a
    tensor of shape ``out.shape + in.shape``, else nested tuples.

    >>> import funcgrad.torch as torch
    >>> jacobian(lambda x: x * x, torch.tensor([1.0, 2.0]))
    tensor([[2., 0.],
            [0., 4.]])
    """
    if strategy not in ("reverse-mode", "forward-mode"):
        raise ValueError(
            'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: '
            'If your function has more outputs than inputs, "forward-mode" tends '
            'to be more performant. Otherwise, prefer to use "reverse-mode".'
        )
    single_in, xs = _as_tuple(inputs, "inputs", "jacobian")
    with enable_grad():
        xs = _fresh(xs, create_graph)
        out = func(*xs)
        single_out, outs = _as_tuple(
            out, "outputs of the user-provided function", "jacobian"
        )
        table = _jacobian_rows(outs, xs, create_graph)
    table = [tuple(_finish(t, create_graph) for t in row) for row in table]
    rows = [row[0] if single_in else row for row in table]
    return rows[0] if single_out else tuple(rows)


@_dt.scoped
def jvp(
    func: Callable[..., Any],
    inputs: Inputs,
    v: Inputs | None = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple[Any, Any]:
    """``(func(*inputs), J v)``.

    >>> import funcgrad.torch as torch
    >>> jvp(lambda x: x * x, torch.tensor([1.0, 2.0]), torch.ones(2))
    (tensor([1., 4.]), tensor([2., 4.]))
    """
    single_in, xs = _as_tuple(inputs, "inputs", "jvp")
    if v is None:
        if any(x.numel() != 1 for x in xs):
            raise RuntimeError(
                "The vector v can only be None if the input to the user-provided "
                "function is a single Tensor with a single element."
            )
        vs = tuple(Tensor._wrap(jnp.ones_like(x._value), x.dtype) for x in xs)
    else:
        vs = _as_tuple(v, "v", "jvp")[1]
    with enable_grad():
        xs = _fresh(xs, create_graph)
        out = func(*xs)
        single_out, outs = _as_tuple(
            out, "outputs of the user-provided function", "jvp"
        )
        table = _jacobian_rows(outs, xs, create_graph)
        results = []
        for o, row in zip(outs, table, strict=True):
            total = None
            for x, jac, vec in zip(xs, row, vs, strict=True):
                part = jac.reshape(max(o.numel(), 1), max(x.numel(), 1)) @ vec.reshape(
                    max(x.numel(), 1)
                )
                total = part if total is None else total + part
            results.append(total.reshape(*o.shape))
    outs = tuple(_finish(o, create_graph) for o in outs)
    results = tuple(_finish(r, create_graph) for r in results)
    return (outs[0] if single_out else outs), (results[0] if single_out else results)


def _gradient_of(func: Callable[..., Any], single_in: bool):
    def gradient(*xs):
        out = func(*xs)
        if not isinstance(out, Tensor) or out.numel() != 1:
            raise RuntimeError(
                "The function given to hessian should return a single Tensor "
                "containing a single element."
            )
        gs = _grads([out], xs, [None], create_graph=True)
        return gs[0] if single_in else gs

    return gradient


@_dt.scoped
def hessian(
    func: Callable[..., Any],
    inputs: Inputs,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    outer_jacobian_strategy: str = "reverse-mode",
) -> Any:
    """The Hessian of a scalar ``func``: the Jacobian of its gradient.

    >>> import funcgrad.torch as torch
    >>> hessian(lambda x: (x ** 3).sum(), torch.tensor([1.0, 2.0]))
    tensor([[ 6.,  0.],
            [ 0., 12.]])
    """
    single_in, xs = _as_tuple(inputs, "inputs", "hessian")
    gradient = _gradient_of(func, single_in)
    return jacobian(gradient, xs[0] if single_in else xs, create_graph=create_graph)


@_dt.scoped
def vhp(
    func: Callable[..., Any],
    inputs: Inputs,
    v: Inputs | None = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple[Any, Any]:
    """``(func(*inputs), v^T H)``.

    >>> import funcgrad.torch as torch
    >>> vhp(lambda x: (x ** 3).sum(), torch.tensor([1.0, 2.0]), torch.ones(2))
    (tensor(9.), tensor([ 6., 12.]))
    """
    single_in, xs = _as_tuple(inputs, "inputs", "vhp")
    with enable_grad():
        fresh = _fresh(xs, create_graph)
        out = func(*fresh)
    _, product = vjp(
        _gradient_of(func, single_in),
        fresh[0] if single_in else fresh,
        v,
        create_graph,
    )
    return _finish(out, create_graph), product


@_dt.scoped
def hvp(
    func: Callable[..., Any],
    inputs: Inputs,
    v: Inputs | None = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple[Any, Any]:
    """``(func(*inputs), H v)`` (the Hessian is symmetric: ``vhp``'s product).

    >>> import funcgrad.torch as torch
    >>> hvp(lambda x: (x ** 3).sum(), torch.tensor([1.0, 2.0]), torch.ones(2))
    (tensor(9.), tensor([ 6., 12.]))
    """
    return vhp(func, inputs, v, create_graph, strict)
