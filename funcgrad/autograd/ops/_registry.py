"""The op registry itself: :class:`OpDef`, :data:`OPS`, :func:`register` and the
helpers the family modules (``arithmetic``, ``elementwise``, ...) build entries with.

One entry per PyTorch op.

An entry names the op as torch does (``"add"``, ``"sum.dim"``), gives its pure
``jnp`` forward and the name of the backward node PyTorch records for it
(``"AddBackward0"``: the digit is PyTorch's overload index, so it is written out,
never derived). Backward rules are not written here: the engine derives each one
with ``jax.vjp`` of the forward, compiled once per op, options and input shapes.
Entries are registered where they are defined, with :func:`op`; the torch-shaped
namespace (``funcgrad.torch.nn.functional``) registers its own the same way.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp

from ... import functional as F


class OpDef(NamedTuple):
    """One registry entry: every fact about one op.

    ``name`` is torch's (``"add"``, ``"sum.dim"``), ``forward`` the pure ``jnp``
    function, ``node_name`` the ``grad_fn`` PyTorch records. ``inputs`` is how
    many leading positional arguments are graph inputs (an edge in
    ``next_functions`` each); the positional arguments after them are constants
    PyTorch does not record as inputs (``where``'s condition, index tensors).
    ``None`` means all of them. ``check`` is the op's argument rule, run on the
    dispatched arguments before the forward (the dtypes its torch kernel takes).
    The other keyword facts:

    * ``method`` / ``function``: the ``Tensor`` method and ``torch.*`` function
      generated for the op (and ``method_`` for the in-place form);
    * ``aliases``: torch's other names for them (``arcsin`` for ``asin``), each
      generated as the method, its in-place form and the function do;
    * ``inplace``: ``False`` where torch has no in-place method (``where``);
    * ``signature``: torch's argument list for those: called with the method's
      arguments ``(input, *args, **kwargs)``, it checks and normalises them and
      returns ``(args, options)`` for the dispatch (``dim`` wrapped, defaults
      filled). Without it the generated method takes ``input`` alone. Where
      torch picks an overload from the arguments (``clamp`` of tensor bounds),
      a third item names the registry entry to dispatch instead;
    * ``indices``: for ops that also return positions (``sort``, ``topk``...):
      ``indices(value, **options)`` gives them as an integer array, and the
      generated method returns ``torch.return_types.<name>(values, indices)``;
    * ``view``: the result shares its input's storage (``t``, ``select``...);
    * ``layout``: ``"same"`` when the result takes the memory layout of its first
      full-size input, as PyTorch's elementwise kernels do;
    * ``dtype``: ``"float"`` when integer inputs give the default float dtype;
    * ``saves``: which inputs PyTorch saves for backward (``-1``: the result), so
      an in-place change to one of them before ``backward()`` is an error;
    * ``inplace``: ``False`` when torch has no ``Tensor.<method>_`` for the op
      (reductions change the shape), so none is generated.

    >>> OPS["add"].node_name
    'AddBackward0'
    >>> OPS["add"].forward(jnp.ones(2), 2.0)
    Array([3., 3.], dtype=float32)
    """

    name: str
    forward: Callable[..., jax.Array]
    node_name: str
    inputs: int | None = None
    check: Callable[..., None] | None = None
    method: str | None = None
    function: str | None = None
    view: bool = False
    layout: str | None = None
    dtype: str | None = None
    saves: tuple[int, ...] = ()
    signature: Callable[..., tuple[tuple, dict]] | None = None
    indices: Callable[..., jax.Array] | None = None
    aliases: tuple[str, ...] = ()
    inplace: bool = True

    # An entry is registered once and is its own identity: hashing by identity
    # keeps it cheap as a cache key (a tuple hash would hash every field).
    __hash__ = object.__hash__
    __eq__ = object.__eq__
    __ne__ = object.__ne__


OPS: dict[str, OpDef] = {}


def register(
    name: str,
    forward: Callable[..., jax.Array],
    node_name: str,
    *,
    inputs: int | None = None,
    check: Callable[..., None] | None = None,
    **facts: Any,
) -> OpDef:
    """Add an entry to :data:`OPS`; a second entry under one name is an error.
    ``facts`` are :class:`OpDef`'s keyword fields (``method="exp"``...).

    >>> register("add", jnp.add, "AddBackward0")
    Traceback (most recent call last):
    ...
    ValueError: op 'add' is already registered
    """
    if name in OPS:
        raise ValueError(f"op {name!r} is already registered")
    entry = OpDef(name, forward, node_name, inputs, check, **facts)
    OPS[name] = entry
    return entry


def op(
    name: str,
    node_name: str,
    *,
    inputs: int | None = None,
    check: Callable[..., None] | None = None,
    **facts: Any,
) -> Callable[[Callable[..., Any]], OpDef]:
    """Decorator form of :func:`register`: the decorated function is the forward.

    >>> @op("doctest_square", "PowBackward0")
    ... def _square(x):
    ...     return x * x
    >>> OPS.pop("doctest_square").forward(3.0)
    9.0
    """

    def deco(forward: Callable[..., Any]) -> OpDef:
        return register(name, forward, node_name, inputs=inputs, check=check, **facts)

    return deco


def broadcast_shapes(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    """PyTorch's broadcasting of shapes, with its error message (dimensions are
    compared from the last; more than two shapes fold from the left).

    >>> broadcast_shapes((2, 3), (3,))
    (2, 3)
    >>> broadcast_shapes((2, 3), (3, 2))
    Traceback (most recent call last):
    ...
    RuntimeError: The size of tensor a (3) must match the size of tensor b (2) at ...
    """
    out: tuple[int, ...] = ()
    for k, shape in enumerate(shapes):
        out = shape if k == 0 else _broadcast_pair(out, shape)
    return tuple(out)


def _broadcast_pair(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    ndim = max(len(a), len(b))
    out = [1] * ndim
    for i in reversed(range(ndim)):
        sa = a[i - ndim + len(a)] if i - ndim + len(a) >= 0 else 1
        sb = b[i - ndim + len(b)] if i - ndim + len(b) >= 0 else 1
        if sa != sb and sa != 1 and sb != 1:
            raise RuntimeError(
                f"The size of tensor a ({sa}) must match the size of tensor b ({sb}) "
                f"at non-singleton dimension {i}"
            )
        out[i] = sb if sa == 1 else sa
    return tuple(out)


def aligned(fn: Callable[..., jax.Array]) -> Callable[..., jax.Array]:
    """Wrap an elementwise ``fn`` so inputs of lower rank get leading unit axes
    first: PyTorch broadcasts by rank promotion, which JAX makes explicit."""

    def forward(*args, **kwargs):
        broadcast_shapes(*(jnp.shape(a) for a in args))
        ndim = max(jnp.ndim(a) for a in args)
        return fn(
            *(
                F._align(jnp.asarray(a), ndim)
                if jnp.ndim(a) < ndim and not isinstance(a, int | float)
                else a
                for a in args
            ),
            **kwargs,
        )

    forward.__name__ = getattr(fn, "__name__", "forward")
    return forward


def contiguous_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    """Row-major strides (in elements) of ``shape``, as ``Tensor.stride()`` gives.

    >>> contiguous_strides((2, 3, 4))
    (12, 4, 1)
    """
    return _contiguous_strides(tuple(shape))


@functools.lru_cache(maxsize=4096)
def _contiguous_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    strides, step = [], 1
    for d in reversed(shape):
        strides.append(step)
        step *= max(d, 1)
    return tuple(reversed(strides))


def is_contiguous(shape: tuple[int, ...], strides: tuple[int, ...]) -> bool:
    """PyTorch's ``is_contiguous``: row-major, ignoring dimensions of size 1.

    >>> is_contiguous((3, 2), (1, 3)), is_contiguous((1, 3), (1, 1))
    (False, True)
    """
    if 0 in shape:
        return True
    expected = 1
    for d, s in zip(reversed(shape), reversed(strides), strict=True):
        if d != 1:
            if s != expected:
                return False
            expected *= d
    return True


def view_strides(
    shape: tuple[int, ...], strides: tuple[int, ...], new_shape: tuple[int, ...]
) -> tuple[int, ...] | None:
    """Strides of ``new_shape`` viewing the same memory, or ``None`` when no view
    can (then ``reshape`` copies). Dimensions are grouped into chunks that are
    contiguous among themselves; each chunk must split into whole new dimensions.

    >>> view_strides((3, 2), (1, 3), (3, 2, 1))
    (1, 3, 3)
    >>> view_strides((3, 2), (1, 3), (6,)) is None
    True
    """
    if not shape or 0 in shape:
        return contiguous_strides(new_shape)
    new = [0] * len(new_shape)
    view_d = len(new_shape) - 1
    base = strides[-1]
    chunk_numel = view_numel = 1
    for d in reversed(range(len(shape))):
        chunk_numel *= shape[d]
        chunk_ends = d == 0 or (
            shape[d - 1] != 1 and strides[d - 1] != chunk_numel * base
        )
        if not chunk_ends:
            continue
        while view_d >= 0 and (view_numel < chunk_numel or new_shape[view_d] == 1):
            new[view_d] = view_numel * base
            view_numel *= new_shape[view_d]
            view_d -= 1
        if view_numel != chunk_numel:
            return None
        if d > 0:
            base = strides[d - 1]
            chunk_numel = view_numel = 1
    return tuple(new) if view_d == -1 else None


# --- helpers of the family modules -------------------------------------------
SAME = "same"  # ``layout``: the result takes its first full-size input's layout
CROSS = (
    (1, (0,)),
    (0, (1,)),
)  # ``saves``: each input saved when the other requires grad


def _floating(fn: Callable[..., jax.Array]) -> Callable[..., jax.Array]:
    """Integer and bool inputs are computed in the default float dtype, as
    PyTorch's ``exp``/``sigmoid``/... return ``float32`` for them."""

    def forward(a, *args, **kwargs):
        if not jnp.issubdtype(jnp.result_type(a), jnp.inexact):
            a = jnp.asarray(a, jnp.float32)
        return fn(a, *args, **kwargs)

    forward.__name__ = getattr(fn, "__name__", "forward")
    return forward


def unary(
    name: str, forward: Callable[..., jax.Array], node_name: str, **facts: Any
) -> OpDef:
    """An elementwise one-input op exposed as ``Tensor.<name>()`` and
    ``torch.<name>(input)``, keeping its input's layout.

    >>> OPS["exp"].method, OPS["exp"].function, OPS["exp"].layout
    ('exp', 'exp', 'same')
    """
    return register(
        name, forward, node_name, method=name, function=name, layout=SAME, **facts
    )


def floating(name: str, fn: Callable[..., jax.Array], node_name: str, **facts):
    """:func:`unary` computed in floating point (integer inputs: float32)."""
    return unary(name, _floating(fn), node_name, dtype="float", **facts)


# A view op's result shares its input's storage (``view=True``); its options
# are static, so the view can be read again from its base after a write.
def view(name: str, forward: Callable[..., jax.Array], node_name: str) -> OpDef:
    """A view op: ``register(..., view=True)``.

    >>> OPS["t"].view, OPS["clone"].view
    (True, False)
    """
    return register(name, forward, node_name, view=True)


def derivative(value: Callable, *partials: Callable | None) -> Callable:
    """``value`` whose derivative is PyTorch's: ``partials[i](*args)`` is the
    derivative of the result in ``args[i]`` (``None``: that argument takes no
    gradient). JAX derives the backward from it, as from any forward.

    >>> f = derivative(jnp.abs, lambda x: jnp.sign(x))
    >>> jax.grad(f)(0.0), jax.grad(jnp.abs)(0.0)
    (Array(0., dtype=float32, weak_type=True), Array(1., dtype=float32, weak_type=True))
    """
    f = jax.custom_jvp(value)

    def jvp(primals, tangents):
        out = value(*primals)
        t = jnp.zeros_like(out)
        for partial, dx in zip(partials, tangents, strict=False):
            if partial is None or dx is None or dx.dtype == jax.dtypes.float0:
                continue
            t = t + (partial(*primals) * dx).astype(out.dtype)
        return out, t

    f.defjvp(jvp)
    functools.update_wrapper(f, value)
    return f
