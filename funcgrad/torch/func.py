"""``torch.func``: function transforms over facade code, on JAX's transforms.

Facade tensors are JAX pytrees (their array is the one leaf), so a function written
with facade ops runs unchanged on JAX tracers: ``grad`` is ``jax.grad`` of it,
``vmap`` is ``jax.vmap``, and so on. Results come back as plain facade tensors.
``functional_call`` runs a module with other tensors in place of its parameters
and buffers, which is how per-sample gradients of a module are written:

>>> import funcgrad.torch as torch
>>> from funcgrad.torch.func import functional_call, grad, vmap
>>> model = torch.nn.Linear(3, 1)
>>> params = {k: v.detach() for k, v in model.named_parameters()}
>>> def loss(p, x, y):
...     return ((functional_call(model, p, (x,)) - y) ** 2).mean()
>>> x, y = torch.ones(8, 3), torch.zeros(8, 1)
>>> g = vmap(grad(loss), in_dims=(None, 0, 0))(params, x, y)
>>> g["weight"].shape, g["bias"].shape
(torch.Size([8, 1, 3]), torch.Size([8, 1]))
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import jax
import jax.numpy as jnp

from ..autograd.tensor import Tensor
from . import _access, _random
from .nn.modules import Module

__all__ = [
    "functional_call",
    "grad",
    "grad_and_value",
    "hessian",
    "jacfwd",
    "jacrev",
    "jvp",
    "stack_module_state",
    "vjp",
    "vmap",
]

_RANDOM_ERROR = (
    "vmap: called random operation while in randomness error mode. Please either "
    "use the 'same' or 'different' randomness flags on vmap or perform the "
    "randomness operation out of vmap"
)
_RANDOM_DIFFERENT = (
    "vmap(randomness='different'): the facade draws PyTorch's random numbers on the "
    "host and cannot draw a different sample per vmapped element; draw them outside "
    "vmap and pass them in with in_dims, or use randomness='same'"
)


def _is_tensor(x: Any) -> bool:
    return isinstance(x, Tensor)


def _raw_out(tree: Any) -> Any:
    """A function's output with facade tensors replaced by their arrays."""
    return jax.tree_util.tree_map(
        lambda t: _access.value(t) if isinstance(t, Tensor) else t,
        tree,
        is_leaf=_is_tensor,
    )


def _finish(tree: Any) -> Any:
    """A transform's result as plain facade tensors (no grad, no graph)."""

    def leaf(x):
        if isinstance(x, Tensor):
            return _access.plain(x)
        if isinstance(x, jax.Array):
            return _access.wrap(x)
        return x

    return jax.tree_util.tree_map(leaf, tree, is_leaf=_is_tensor)


def _argnums(argnums: int | tuple[int, ...], n: int, name: str) -> None:
    nums = argnums if isinstance(argnums, tuple) else (argnums,)
    if not nums:
        raise RuntimeError(f"{name}: argnums must be non-empty")
    for a in nums:
        if not isinstance(a, int):
            raise RuntimeError(
                f"{name}: argnums must be int or Tuple[int, ...], got: {type(a)}"
            )
        if not -n <= a < n:
            raise RuntimeError(f"Got argnums={a}, but only {n} positional inputs")


def _scalar_loss(out: Any, has_aux: bool, name: str) -> tuple[Any, Any]:
    """Split ``out`` into the differentiated scalar and the aux, with torch's
    errors for what cannot be differentiated."""
    aux = None
    if has_aux:
        if not (isinstance(out, tuple) and len(out) == 2):
            raise RuntimeError(
                f"{name}(f, ...)(*args): output of function f should be a tuple: "
                "(output, aux) if has_aux is True"
            )
        out, aux = out
    if not isinstance(out, Tensor):
        raise RuntimeError(
            f"{name}(f)(*args): Expected f(*args) to return a Tensor, got {type(out)}"
        )
    if out.ndim != 0:
        raise RuntimeError(
            f"{name}(f)(*args): Expected f(*args) to return a scalar Tensor, got "
            f"tensor with {out.ndim} dims. Maybe you wanted to use the vjp or jacrev "
            "APIs instead?"
        )
    return _access.value(out), aux


def grad_and_value(
    func: Callable, argnums: int | tuple[int, ...] = 0, has_aux: bool = False
) -> Callable:
    """``torch.func.grad_and_value``: ``(grad, value)`` of a scalar function
    (``(grad, (value, aux))`` with ``has_aux``).

    >>> import funcgrad.torch as torch
    >>> g, v = grad_and_value(lambda x: (x ** 2).sum())(torch.tensor([1.0, 2.0]))
    >>> g, v
    (tensor([2., 4.]), tensor(5.))
    """

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _argnums(argnums, len(args), "grad_and_value")

        def f(*a):
            value, aux = _scalar_loss(func(*a, **kwargs), has_aux, "grad_and_value")
            return value, _raw_out(aux)

        with _access.fast_path_off():
            (value, aux), g = jax.value_and_grad(f, argnums, has_aux=True)(*args)
        if has_aux:
            return _finish(g), (_finish(value), _finish(aux))
        return _finish(g), _finish(value)

    return wrapper


def grad(
    func: Callable, argnums: int | tuple[int, ...] = 0, has_aux: bool = False
) -> Callable:
    """``torch.func.grad``: the gradient of a scalar function w.r.t. ``argnums``
    (``(grad, aux)`` with ``has_aux``).

    >>> import funcgrad.torch as torch
    >>> grad(lambda x: (x * x).sum())(torch.tensor([3.0]))
    tensor([6.])
    """
    both = grad_and_value(func, argnums, has_aux)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        g, value = both(*args, **kwargs)
        return (g, value[1]) if has_aux else g

    return wrapper


def _split_aux(out: Any, has_aux: bool, name: str) -> tuple[Any, Any]:
    if not has_aux:
        return out, None
    if not (isinstance(out, tuple) and len(out) == 2):
        raise RuntimeError(
            f"{name}(f, ...): output of function f should be a tuple: (output, aux) "
            "if has_aux is True"
        )
    return out


def vjp(func: Callable, *primals: Any, has_aux: bool = False) -> tuple:
    """``torch.func.vjp``: ``(output, vjp_fn)`` (and ``aux``); ``vjp_fn(ct)``
    returns one gradient per primal, as a tuple.

    >>> import funcgrad.torch as torch
    >>> out, fn = vjp(torch.exp, torch.tensor([0.0, 1.0]))
    >>> fn(torch.ones(2))
    (tensor([1.0000, 2.7183]),)
    """

    def f(*a):
        out, aux = _split_aux(func(*a), has_aux, "vjp")
        return _raw_out(out), _raw_out(aux)

    with _access.fast_path_off():
        out, pullback, aux = jax.vjp(f, *primals, has_aux=True)

    def vjp_fn(*cotangents: Any) -> tuple:
        ct = cotangents[0] if len(cotangents) == 1 else cotangents
        ct = jax.tree_util.tree_map(
            lambda c, o: jnp.asarray(c, o.dtype), _raw_out(ct), out
        )
        with _access.fast_path_off():
            return _finish(tuple(pullback(ct)))

    if has_aux:
        return _finish(out), vjp_fn, _finish(aux)
    return _finish(out), vjp_fn


def jvp(
    func: Callable,
    primals: Sequence[Any],
    tangents: Sequence[Any],
    *,
    strict: bool = False,
    has_aux: bool = False,
) -> tuple:
    """``torch.func.jvp``: ``(output, jvp_out)`` (and ``aux``) of ``func`` at
    ``primals`` along ``tangents`` (tuples of the same structure).

    >>> import funcgrad.torch as torch
    >>> jvp(torch.exp, (torch.tensor([0.0]),), (torch.tensor([2.0]),))
    (tensor([1.]), tensor([2.]))
    """
    if not isinstance(primals, tuple | list) or not isinstance(tangents, tuple | list):
        raise RuntimeError(
            "jvp(f, primals, tangents): Expected primals to be a tuple. E.g. it "
            "should be valid to call f(*primals)."
        )
    if len(primals) != len(tangents):
        raise RuntimeError(
            "jvp(f, primals, tangents): Expected primals and tangents to have the "
            f"same python structure. For example, if primals is a tuple of 3 "
            f"tensors, tangents also must be. Got primals with structure "
            f"{len(primals)} and tangents with structure {len(tangents)}"
        )

    def f(*a):
        out, aux = _split_aux(func(*a), has_aux, "jvp")
        return _raw_out(out), _raw_out(aux)

    raw_p = tuple(_raw_out(p) for p in primals)
    raw_t = tuple(
        jax.tree_util.tree_map(lambda t, p: jnp.asarray(t, p.dtype), _raw_out(t), p)
        for t, p in zip(tangents, raw_p, strict=True)
    )
    with _access.fast_path_off():
        out, tangent_out, aux = jax.jvp(f, raw_p, raw_t, has_aux=True)
    if has_aux:
        return _finish(out), _finish(tangent_out), _finish(aux)
    return _finish(out), _finish(tangent_out)


# --- vmap -------------------------------------------------------------------------
_vmap_state = threading.local()


def _random_hook() -> None:
    mode = getattr(_vmap_state, "randomness", None)
    if mode == "error":
        raise RuntimeError(_RANDOM_ERROR)
    if mode == "different":
        raise RuntimeError(_RANDOM_DIFFERENT)


@contextlib.contextmanager
def _randomness(mode: str) -> Iterator[None]:
    previous = getattr(_vmap_state, "randomness", None)
    _vmap_state.randomness = mode
    _random.add_sample_hook(_random_hook)
    try:
        yield
    finally:
        _vmap_state.randomness = previous
        _random.remove_sample_hook(_random_hook)


def vmap(
    func: Callable,
    in_dims: int | tuple = 0,
    out_dims: int | tuple = 0,
    randomness: str = "error",
    *,
    chunk_size: int | None = None,
) -> Callable:
    """``torch.func.vmap``: ``func`` mapped over a dimension of its inputs
    (``in_dims``: an int, or one entry per positional argument, ``None`` for an
    argument that is not mapped) and stacked along ``out_dims``. Keyword arguments
    are not mapped. ``randomness``: ``"error"`` (random ops raise) or ``"same"``
    (one sample shared by every element).

    >>> import funcgrad.torch as torch
    >>> vmap(torch.dot)(torch.ones(4, 3), torch.ones(4, 3))
    tensor([3., 3., 3., 3.])
    >>> vmap(torch.mul, in_dims=(0, None))(torch.ones(2, 3), torch.tensor(2.0))
    tensor([[2., 2., 2.],
            [2., 2., 2.]])
    """
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(
            "Only allowed values for randomness are 'error', 'different', or 'same'. "
            f"Got {randomness}"
        )
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size < 1):
        raise ValueError(
            f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})"
        )

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if isinstance(in_dims, tuple) and len(in_dims) != len(args):
            raise ValueError(
                f"vmap(<function>, in_dims={in_dims}, ...)(<inputs>): in_dims is not "
                "compatible with the structure of `inputs`. in_dims has structure "
                f"{len(in_dims)} but inputs has structure {len(args)}."
            )
        if not isinstance(in_dims, int | tuple):
            raise ValueError(
                f"vmap(<function>, in_dims={in_dims}, ...): expected `in_dims` to be "
                f"int or a (potentially nested) tuple matching the structure of "
                f"inputs, got: {type(in_dims)}."
            )

        def f(*a):
            return _raw_out(func(*a, **kwargs))

        with _randomness(randomness), _access.fast_path_off():
            out = jax.vmap(f, in_axes=in_dims, out_axes=out_dims)(*args)
        return _finish(out)

    return wrapper


# --- Jacobians --------------------------------------------------------------------
def _jacobian(transform: Callable, name: str) -> Callable:
    def make(
        func: Callable, argnums: int | tuple[int, ...] = 0, has_aux: bool = False
    ) -> Callable:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            _argnums(argnums, len(args), name)

            def f(*a):
                out, aux = _split_aux(func(*a, **kwargs), has_aux, name)
                return _raw_out(out), _raw_out(aux)

            raw = tuple(_raw_out(a) for a in args)
            with _access.fast_path_off():
                jac, aux = transform(f, argnums=argnums, has_aux=True)(*raw)
            return (_finish(jac), _finish(aux)) if has_aux else _finish(jac)

        return wrapper

    return make


_jacrev = _jacobian(jax.jacrev, "jacrev")
_jacfwd = _jacobian(jax.jacfwd, "jacfwd")


def jacrev(
    func: Callable,
    argnums: int | tuple[int, ...] = 0,
    *,
    has_aux: bool = False,
    chunk_size: int | None = None,
) -> Callable:
    """``torch.func.jacrev``: the Jacobian by reverse mode; shape
    ``output.shape + input.shape`` (nested output-major for several).

    >>> import funcgrad.torch as torch
    >>> jacrev(lambda x: x ** 2)(torch.tensor([1.0, 3.0]))
    tensor([[2., 0.],
            [0., 6.]])
    """
    return _jacrev(func, argnums, has_aux)


def jacfwd(
    func: Callable,
    argnums: int | tuple[int, ...] = 0,
    has_aux: bool = False,
    *,
    randomness: str = "error",
) -> Callable:
    """``torch.func.jacfwd``: the Jacobian by forward mode.

    >>> import funcgrad.torch as torch
    >>> jacfwd(lambda x: x.sum() * x)(torch.tensor([1.0, 2.0]))
    tensor([[4., 1.],
            [2., 5.]])
    """
    inner = _jacfwd(func, argnums, has_aux)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with _randomness(randomness):
            return inner(*args, **kwargs)

    return wrapper


def hessian(func: Callable, argnums: int | tuple[int, ...] = 0) -> Callable:
    """``torch.func.hessian``: ``jacfwd(jacrev(func))``.

    >>> import funcgrad.torch as torch
    >>> hessian(lambda x: (x ** 3).sum())(torch.tensor([1.0, 2.0]))
    tensor([[ 6.,  0.],
            [ 0., 12.]])
    """
    return jacfwd(jacrev(func, argnums), argnums)


# --- modules ----------------------------------------------------------------------
def _owner(module: Module, name: str) -> tuple[Module, str]:
    *path, leaf = name.split(".")
    for part in path:
        sub = module._modules.get(part) if isinstance(module, Module) else None
        if sub is None:
            raise AttributeError(
                f"{type(module).__name__} has no attribute `{part}` (in "
                f"functional_call key '{name}')"
            )
        module = sub
    return module, leaf


@contextlib.contextmanager
def _swapped(module: Module, tensors: Mapping[str, Any], tie: bool) -> Iterator:
    """Temporarily put ``tensors`` in place of the named parameters/buffers."""
    by_id = {}
    named = dict(module.named_parameters(remove_duplicate=False))
    named.update(dict(module.named_buffers(remove_duplicate=False)))
    for name, t in tensors.items():
        if name in named:
            by_id[id(named[name])] = t
    targets = dict(tensors)
    if tie:
        for name, original in _all_members(module):
            if name not in targets and id(original) in by_id:
                targets[name] = by_id[id(original)]
    undo = []
    try:
        for name, t in targets.items():
            owner, leaf = _owner(module, name)
            for registry in (owner._parameters, owner._buffers):
                if leaf in registry:
                    undo.append((registry, leaf, registry[leaf]))
                    registry[leaf] = t
                    break
            else:
                undo.append((owner.__dict__, leaf, owner.__dict__.get(leaf, _MISSING)))
                owner.__dict__[leaf] = t
        yield
    finally:
        for registry, leaf, old in reversed(undo):
            if old is _MISSING:
                registry.pop(leaf, None)
            else:
                registry[leaf] = old


_MISSING = object()


def _all_members(module: Module) -> Iterator[tuple[str, Any]]:
    for prefix, m in module.named_modules(remove_duplicate=False):
        dot = prefix + "." if prefix else ""
        for registry in (m._parameters, m._buffers):
            for name, t in registry.items():
                if t is not None:
                    yield dot + name, t


def functional_call(
    module: Module,
    parameter_and_buffer_dicts: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    args: Any = None,
    kwargs: Mapping[str, Any] | None = None,
    *,
    tie_weights: bool = True,
    strict: bool = False,
) -> Any:
    """``torch.func.functional_call``: call ``module`` with the given tensors in
    place of its parameters and buffers (by dotted name); the module is unchanged
    afterwards.

    >>> import funcgrad.torch as torch
    >>> m = torch.nn.Linear(2, 1)
    >>> p = {"weight": torch.ones(1, 2), "bias": torch.zeros(1)}
    >>> functional_call(m, p, (torch.tensor([1.0, 2.0]),))
    tensor([3.])
    """
    dicts = parameter_and_buffer_dicts
    if isinstance(dicts, Mapping):
        merged = dict(dicts)
    else:
        merged = {}
        for d in dicts:
            for k, v in d.items():
                if k in merged:
                    raise ValueError(
                        f"{k} appeared in multiple dictionaries; behavior of "
                        "functional call is ambiguous"
                    )
                merged[k] = v
    if strict:
        names = {n for n, _ in _all_members(module)}
        missing = sorted(names - set(merged))
        unexpected = sorted(set(merged) - names)
        if missing or unexpected:
            parts = []
            if unexpected:
                parts.append(
                    "Unexpected key(s): " + ", ".join(repr(k) for k in unexpected)
                )
            if missing:
                parts.append("Missing key(s): " + ", ".join(repr(k) for k in missing))
            raise RuntimeError(
                f"Error(s) in reparametrizing for {type(module).__name__}:\n\t"
                + "\n\t".join(parts)
            )
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    with _swapped(module, merged, tie_weights):
        return module(*args, **(kwargs or {}))


def stack_module_state(models: Sequence[Module]) -> tuple[dict, dict]:
    """``torch.func.stack_module_state``: the parameters (and buffers) of several
    modules of one structure, stacked along a new first dimension.

    >>> import funcgrad.torch as torch
    >>> params, buffers = stack_module_state([torch.nn.Linear(3, 2) for _ in range(4)])
    >>> params["weight"].shape, params["weight"].requires_grad, buffers
    (torch.Size([4, 2, 3]), True, {})
    """
    models = list(models)
    if not models:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or not any(m.training for m in models)):
        raise RuntimeError(
            "stack_module_state: Expected all models to have the same training/eval "
            "mode."
        )
    first = type(models[0])
    if not all(type(m) is first for m in models):
        raise RuntimeError(
            "stack_module_state: Expected all models to be of the same class."
        )

    def stack(items: list[list[tuple[str, Tensor]]], requires_grad: bool) -> dict:
        out = {}
        for name, _ in items[0]:
            values = [dict(it)[name] for it in items]
            t = _access.wrap(
                jnp.stack([_access.value(v) for v in values]),
                _access.dtype_of(values[0]),
            )
            if requires_grad and values[0].requires_grad:
                t.requires_grad_(True)
            out[name] = t
        return out

    params = stack([list(m.named_parameters()) for m in models], True)
    buffers = stack([list(m.named_buffers()) for m in models], False)
    return params, buffers
