"""``torch.autograd.Function``: custom forward and backward written with tensors.

``MyFn.apply(*args)`` runs ``MyFn.forward(ctx, *args)`` without recording, then
gives each differentiable output a node named ``MyFnBackward`` (one edge per tensor
argument, as PyTorch builds it). The engine calls the node with the output's
gradient; the node runs ``MyFn.backward(ctx, *grads)`` without recording and
checks the count and shapes of what it returns, with PyTorch's errors.

The user's ``backward`` is the rule here (no JAX derivation): this is the one
place where a backward is hand-written, because the user wrote it. A function
with several differentiable outputs gets one node per output; each calls
``backward`` with that output's gradient and zeros (or ``None``, see
``set_materialize_grads``) for the others, so ``backward`` may run once per
output that receives a gradient (the sum is the same, ``backward`` being linear
in its gradients). Under ``create_graph=True`` the node runs ``backward`` with
grad mode on and the gradients as tensors, so a ``backward`` written with
tensor ops is itself differentiated (double backward); one marked
``once_differentiable`` gives results whose node raises PyTorch's error when
reached by a second backward.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any

import jax.numpy as jnp

from ...autograd import dtypes as _dt
from ...autograd.grad_mode import enable_grad, is_grad_enabled, no_grad
from ...autograd.node import FREED_GRAPH
from ...autograd.tensor import Tensor

__all__ = ["Function", "FunctionCtx", "once_differentiable"]

ONCE = (
    "trying to differentiate twice a function that was marked with @once_differentiable"
)

_TYPE_NAMES = {"float32": "Float", "float64": "Double", "int64": "Long"}


def _type_name(t: Tensor) -> str:
    name = _TYPE_NAMES.get(t.dtype.name, t.dtype.name.title())
    return f"torch.{name}Tensor [{', '.join(str(d) for d in t.shape)}]"


class FunctionCtx:
    """The ``ctx`` of a custom Function: ``save_for_backward`` then
    ``saved_tensors``, ``needs_input_grad``, ``mark_non_differentiable``,
    ``set_materialize_grads``; any other attribute is the user's.

    >>> ctx = FunctionCtx()
    >>> ctx.save_for_backward(Tensor(jnp.ones(1)), None)
    >>> ctx.saved_tensors
    (tensor([1.]), None)
    """

    def __init__(self) -> None:
        self.to_save: tuple = ()
        self._versions: tuple = ()
        self._freed = False
        self._live: set[int] = set()  # outputs whose node still holds the graph
        self.needs_input_grad: tuple[bool, ...] = ()
        self.non_differentiable: set[int] = set()
        self.materialize_grads = True
        self.dirty_tensors: tuple = ()

    def save_for_backward(self, *tensors: Tensor | None) -> None:
        """Keep ``tensors`` (or ``None``) for ``backward``."""
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(
                    "save_for_backward can only save variables, but argument "
                    f"{tensors.index(t)} is of type {type(t).__name__}"
                )
        self.to_save = tensors
        self._versions = tuple(None if t is None else t._version for t in tensors)

    @property
    def saved_tensors(self) -> tuple:
        """What ``save_for_backward`` kept; PyTorch's errors once the graph is
        freed or a saved tensor was modified in place since."""
        if self._freed:
            raise RuntimeError(FREED_GRAPH)
        for t, v in zip(self.to_save, self._versions, strict=True):
            if t is not None and t._version != v:
                source = ""
                if t.grad_fn is not None:
                    name = t.grad_fn.name().rstrip("0123456789")
                    source = f", which is output 0 of {name.removesuffix('Backward')}"
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been "
                    f"modified by an inplace operation: [{_type_name(t)}]{source}, "
                    f"is at version {t._version}; expected version {v} instead. "
                    "Hint: enable anomaly detection to find the operation that "
                    "failed to compute its gradient, with "
                    "torch.autograd.set_detect_anomaly(True)."
                )
        return tuple(self.to_save)

    saved_variables = saved_tensors

    def mark_non_differentiable(self, *outputs: Tensor) -> None:
        """These outputs get no ``grad_fn`` and never require grad."""
        self.non_differentiable.update(id(t) for t in outputs)

    def set_materialize_grads(self, value: bool) -> None:
        """``False``: ``backward`` gets ``None`` for outputs without a gradient
        (default ``True``: zeros)."""
        self.materialize_grads = bool(value)

    def mark_dirty(self, *args: Tensor) -> None:
        """Record tensors the forward modified in place."""
        self.dirty_tensors = args


class _FunctionNode:
    """The ``grad_fn`` of one output of a custom Function (``<Name>Backward``)."""

    __slots__ = (
        "fn",
        "ctx",
        "args",
        "outputs",
        "index",
        "next_functions",
        "pre_hooks",
        "retained",
        "metadata",
        "__weakref__",
    )

    def __init__(self, fn, ctx, args, outputs, index, next_functions) -> None:
        self.fn, self.ctx, self.args = fn, ctx, args
        self.outputs, self.index = outputs, index  # (shape, dtype) of each output
        self.next_functions = next_functions
        self.pre_hooks = None
        self.retained = None
        self.metadata: dict[str, Any] = {}

    def name(self) -> str:
        return type(self).__name__

    @property
    def saved(self) -> tuple:
        return self.args

    def diff_mask(self) -> tuple[bool, ...]:
        return tuple(fn is not None for fn, _ in self.next_functions)

    def release(self) -> None:
        ctx = self.ctx
        ctx._live.discard(self.index)
        ctx._freed = not ctx._live

    def __call__(self, *grads):
        return self.apply(*grads)

    def apply(self, ct) -> tuple:
        """Run the user's ``backward`` for a cotangent of this node's output."""
        return self._run(ct, False)

    def differentiable(self, ct) -> tuple:
        """``apply`` under ``create_graph=True``: ``backward`` runs with grad mode
        on, on tensors, so what it computes is recorded."""
        return self._run(ct, True)

    def _run(self, ct, record: bool) -> tuple:
        if record and self.ctx._freed:
            raise RuntimeError(FREED_GRAPH)
        wide = any(d is not None and d.x64 for _, d in self.outputs)
        with _dt.scope(wide or _dt.wide(self.args)):
            grads = self._grads(ct)
            with enable_grad() if record else no_grad():
                result = self.fn.backward(self.ctx, *grads)
            return self._check(result, record)

    def _grads(self, ct) -> list:
        """The gradient of each output as ``backward`` takes it: ``ct`` for this
        node's output, zeros (or ``None``) for the others."""
        grads = []
        for i, (shape, dtype) in enumerate(self.outputs):
            if dtype is None:
                grads.append(None)
            elif i == self.index:
                grads.append(
                    ct
                    if isinstance(ct, Tensor)
                    else Tensor._wrap(jnp.asarray(ct), dtype)
                )
            elif self.ctx.materialize_grads:
                grads.append(Tensor._wrap(jnp.zeros(shape, dtype.storage()), dtype))
            else:
                grads.append(None)
        return grads

    def _check(self, result, record: bool) -> tuple:
        result = result if isinstance(result, tuple) else (result,)
        n = len(self.args)
        if len(result) < n or any(g is not None for g in result[n:]):
            raise RuntimeError(
                f"function {self.name()} returned an incorrect number of gradients "
                f"(expected {n}, got {len(result)})"
            )
        out = []
        for i, (a, g) in enumerate(zip(self.args, result[:n], strict=True)):
            if not isinstance(a, Tensor):
                continue
            if g is None or not a.requires_grad:
                out.append(None)
                continue
            out.append((_fit_tensor if record else _fit)(self.name(), i, g, a))
        return tuple(out)


class _DelayedError:
    """The ``Error`` node PyTorch puts on what a ``once_differentiable``
    backward returns under ``create_graph=True``: reaching it raises."""

    __slots__ = ("next_functions", "pre_hooks", "retained", "metadata", "__weakref__")

    def __init__(self, leaf: Tensor) -> None:
        self.next_functions = ((leaf._accumulator(), 0),)
        self.pre_hooks = None
        self.retained = None
        self.metadata: dict[str, Any] = {}

    def name(self) -> str:
        return "torch::autograd::Error"

    def __repr__(self) -> str:
        return f"<Error object at {id(self):#x}>"

    def apply(self, ct) -> tuple:
        raise RuntimeError(ONCE)

    differentiable = apply

    def release(self) -> None:
        pass


def _delayed_error(t: Any) -> Any:
    """``t`` behind an ``Error`` node whose input is a detached copy that
    requires grad, as PyTorch builds it."""
    if not isinstance(t, Tensor):
        return t
    leaf = t.detach()
    leaf.requires_grad = True
    out = Tensor._wrap(t._value, t.dtype)
    out._requires_grad = True
    out.grad_fn = _DelayedError(leaf)
    return out


def _fit(name: str, i: int, g: Any, a: Tensor):
    """``g`` as the gradient of input ``a``: summed down to ``a``'s shape when it
    is a broadcast of it, else PyTorch's error."""
    value = g._value if isinstance(g, Tensor) else jnp.asarray(g)
    shape = tuple(a.shape)
    if value.shape != shape:
        extra = len(value.shape) - len(shape)
        ok = extra >= 0 and all(
            s == 1 or s == d for s, d in zip(shape, value.shape[extra:], strict=True)
        )
        if not ok:
            raise RuntimeError(
                f"Function {name} returned an invalid gradient at index {i} - got "
                f"[{', '.join(map(str, value.shape))}] but expected shape compatible "
                f"with [{', '.join(map(str, shape))}]"
            )
        value = value.sum(tuple(range(extra)))
        keep = tuple(k for k, s in enumerate(shape) if s == 1 and value.shape[k] != 1)
        value = value.sum(keep, keepdims=True) if keep else value
    return value.astype(a._value.dtype)


def _fit_tensor(name: str, i: int, g: Any, a: Tensor) -> Tensor:
    """:func:`_fit` with tensor ops, so a recorded gradient stays recorded."""
    if not isinstance(g, Tensor):
        return Tensor._wrap(_fit(name, i, g, a), a.dtype)
    if tuple(g.shape) != tuple(a.shape):
        _fit(name, i, g.detach(), a)  # PyTorch's error for a shape it cannot take
        extra = g.ndim - a.ndim
        if extra:
            g = g.sum(tuple(range(extra)))
        keep = tuple(k for k, s in enumerate(a.shape) if s == 1 and g.shape[k] != 1)
        if keep:
            g = g.sum(keep, keepdim=True)
    return g if g.dtype is a.dtype else g.to(a.dtype)


def once_differentiable(
    fn: Callable[..., Any],
) -> Callable[..., Any]:
    """Mark a ``backward`` as not itself differentiable: it runs without
    recording, and under ``create_graph=True`` (gradients that require grad)
    its results sit behind an ``Error`` node that raises PyTorch's error when
    a second backward reaches it.

    >>> once_differentiable(lambda ctx, g: g)(None, 1.0)
    1.0
    """

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with no_grad():
            outputs = fn(ctx, *args)
        if not is_grad_enabled():
            return outputs
        if not any(isinstance(a, Tensor) and a.requires_grad for a in args):
            return outputs
        if isinstance(outputs, tuple):
            return tuple(_delayed_error(o) for o in outputs)
        return _delayed_error(outputs)

    return wrapper


class _FunctionMeta(type):
    """Gives each Function subclass its node class, named ``<Name>Backward``."""

    def __init__(cls, name, bases, attrs) -> None:
        super().__init__(name, bases, attrs)
        node = type(f"{name}Backward", (_FunctionNode,), {"__slots__": ()})
        node.__module__ = "torch.autograd.function"
        cls._backward_cls = node


class Function(metaclass=_FunctionMeta):
    """Base class of custom autograd functions: static ``forward(ctx, *args)``
    and ``backward(ctx, *grads)`` (or ``forward(*args)`` plus
    ``setup_context(ctx, inputs, output)``), used through ``apply``.

    >>> import funcgrad.torch as torch
    >>> class Cube(Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x ** 3
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         (x,) = ctx.saved_tensors
    ...         return 3 * x ** 2 * grad
    >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> y = Cube.apply(x)
    >>> y
    tensor([1., 8.], grad_fn=<CubeBackward>)
    >>> y.sum().backward(); x.grad
    tensor([ 3., 12.])
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        warnings.warn(
            f"{type(self)} should not be instantiated. Methods on autograd functions "
            "are all static, so you should invoke them on the class itself. "
            "Instantiating an autograd function will raise an error in a future "
            "version of PyTorch.",
            DeprecationWarning,
            stacklevel=2,
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated. "
            "Please use new-style autograd function with static forward method. "
            "(Example: https://pytorch.org/docs/stable/autograd.html#torch.autograd."
            "Function)"
        )

    @staticmethod
    def forward(*args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function."
        )

    @staticmethod
    def setup_context(ctx: Any, inputs: tuple, output: Any) -> Any:
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom "
            "autograd.Function to use it with backward mode AD."
        )

    vjp = backward

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run ``forward`` and record one ``<Name>Backward`` node per
        differentiable output."""
        ctx = FunctionCtx()
        tensors = [a for a in args if isinstance(a, Tensor)]
        ctx.needs_input_grad = tuple(
            isinstance(a, Tensor) and a.requires_grad for a in args
        )
        with no_grad():
            if cls.setup_context is not Function.setup_context:
                output = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, output)
            else:
                output = cls.forward(ctx, *args, **kwargs)
        record = is_grad_enabled() and any(t.requires_grad for t in tensors)
        single = not isinstance(output, tuple)
        outputs = (output,) if single else output
        wrapped = [_fresh(o) for o in outputs]
        if record:
            _connect(cls, ctx, args, outputs, wrapped)
        return wrapped[0] if single else tuple(wrapped)


def _fresh(o: Any) -> Any:
    return Tensor._wrap(o._value, o.dtype) if isinstance(o, Tensor) else o


def _connect(cls, ctx, args, outputs, wrapped) -> None:
    """Give each differentiable output its ``<Name>Backward`` node."""
    edges = tuple(_edge(a) for a in args if isinstance(a, Tensor))
    meta = tuple(
        (tuple(o.shape), o.dtype) if isinstance(o, Tensor) else ((), None)
        for o in outputs
    )
    for i, (o, w) in enumerate(zip(outputs, wrapped, strict=True)):
        if not isinstance(o, Tensor) or id(o) in ctx.non_differentiable:
            continue
        if not o.dtype.is_floating_point:
            continue
        w._requires_grad = True
        ctx._live.add(i)
        w.grad_fn = cls._backward_cls(cls, ctx, args, meta, i, edges)
    _save_outputs(ctx, outputs, wrapped)


def _save_outputs(ctx, outputs, wrapped) -> None:
    """A saved output reads back as the output ``apply`` returned (with its
    node), as in PyTorch, so a recorded ``backward`` differentiates through it."""
    if not ctx.to_save:
        return
    swap = {id(o): w for o, w in zip(outputs, wrapped, strict=True)}
    saved = tuple(swap.get(id(t), t) for t in ctx.to_save)
    ctx.to_save = saved
    ctx._versions = tuple(None if t is None else t._version for t in saved)


def _edge(t: Tensor) -> tuple:
    if not t.requires_grad:
        return (None, 0)
    return (t.grad_fn if t.grad_fn is not None else t._accumulator(), 0)
