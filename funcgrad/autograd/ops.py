"""The op registry: one entry per PyTorch op.

An entry names the op as torch does (``"add"``, ``"sum.dim"``), gives its pure
``jnp`` forward and the name of the backward node PyTorch records for it
(``"AddBackward0"``: the digit is PyTorch's overload index, so it is written out,
never derived). Backward rules are not written here: the engine derives each one
with ``jax.vjp`` of the forward, compiled once per op, options and input shapes.
Entries are registered where they are defined, with :func:`op`; the torch-shaped
namespace (``funcgrad.torch.nn.functional``) registers its own the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp

from .. import functional as F
from . import checks


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
      generated for the op (a one-input op called with its options as keywords);
    * ``view``: the result shares its input's storage (``t``, ``select``...);
    * ``layout``: ``"same"`` when the result takes the memory layout of its first
      full-size input, as PyTorch's elementwise kernels do;
    * ``dtype``: ``"float"`` when integer inputs give the default float dtype;
    * ``saves``: which inputs PyTorch saves for backward (``-1``: the result), so
      an in-place change to one of them before ``backward()`` is an error.

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


def _aligned(fn: Callable[..., jax.Array]) -> Callable[..., jax.Array]:
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


# --- arithmetic -------------------------------------------------------------------
# Inputs are arrays or Python scalars (a wrapped number is an input without grad, as
# in PyTorch); options such as ``dim`` are keyword arguments.
SAME = "same"  # ``layout``: the result takes its first full-size input's layout
_CROSS = (
    (1, (0,)),
    (0, (1,)),
)  # ``saves``: each input saved when the other requires grad

register(
    "add",
    _aligned(lambda a, b, alpha=1: a + (b if alpha == 1 else b * alpha)),
    "AddBackward0",
    layout=SAME,
)
register(
    "sub",
    _aligned(lambda a, b, alpha=1: a - (b if alpha == 1 else b * alpha)),
    "SubBackward0",
    layout=SAME,
    check=checks.subtraction,
)
register(
    "rsub",
    lambda a, other, alpha=1: other - a * alpha,
    "RsubBackward1",
    inputs=1,
    layout=SAME,
    check=checks.subtraction,
)
register("mul", _aligned(jnp.multiply), "MulBackward0", layout=SAME, saves=_CROSS)
register("div", _aligned(jnp.divide), "DivBackward0", layout=SAME, saves=((0, (1,)), 1))
register("reciprocal", jnp.reciprocal, "ReciprocalBackward0", layout=SAME, saves=(-1,))
register(
    "neg",
    jnp.negative,
    "NegBackward0",
    layout=SAME,
    method="neg",
    function="neg",
    check=checks.negation,
)
register(
    "pow.Tensor_Scalar",
    lambda a, exponent: a**exponent,
    "PowBackward0",
    layout=SAME,
    saves=(0,),
)
register(
    "pow.Tensor_Tensor", _aligned(jnp.power), "PowBackward1", layout=SAME,
    saves=(0, 1, -1),
)  # fmt: skip
register("pow.Scalar", lambda a, base: base**a, "PowBackward2", layout=SAME,
         saves=(0, -1))  # fmt: skip


# --- elementwise functions ----------------------------------------------------------
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


floating("exp", jnp.exp, "ExpBackward0", saves=(-1,))
floating("log", jnp.log, "LogBackward0", saves=(0,))
floating("sqrt", jnp.sqrt, "SqrtBackward0", saves=(-1,))
unary("abs", jnp.abs, "AbsBackward0", saves=(0,))
floating("sigmoid", jax.nn.sigmoid, "SigmoidBackward0", saves=(-1,))
floating("tanh", jnp.tanh, "TanhBackward0", saves=(-1,))
unary("relu", jax.nn.relu, "ReluBackward0", saves=(-1,), check=checks.no_bool("relu"))
register(
    "clamp",
    lambda a, min=None, max=None: jnp.clip(a, min, max),
    "ClampBackward1",
    layout=SAME,
    saves=(0,),
)
register("maximum", _aligned(jnp.maximum), "MaximumBackward0", layout=SAME,
         saves=(0, 1))  # fmt: skip
register("minimum", _aligned(jnp.minimum), "MinimumBackward0", layout=SAME,
         saves=(0, 1))  # fmt: skip
register(
    "where",
    _aligned(lambda a, b, condition: jnp.where(condition, a, b)),
    "WhereBackward0",
    inputs=2,
    layout=SAME,
)

# --- reductions ---------------------------------------------------------------------
register("sum", jnp.sum, "SumBackward0")
register(
    "sum.dim",
    lambda a, dim, keepdim=False: jnp.sum(a, dim, keepdims=keepdim),
    "SumBackward1",
)
register("mean", jnp.mean, "MeanBackward0", check=checks.mean)
register(
    "mean.dim",
    lambda a, dim, keepdim=False: jnp.mean(a, dim, keepdims=keepdim),
    "MeanBackward1",
    check=checks.mean,
)
register("max", jnp.max, "MaxBackward1", saves=(0, -1))
register(
    "max.dim",
    lambda a, dim, keepdim=False: jnp.max(a, dim, keepdims=keepdim),
    "MaxBackward0",
)
register("min", jnp.min, "MinBackward1", saves=(0, -1))
register(
    "min.dim",
    lambda a, dim, keepdim=False: jnp.min(a, dim, keepdims=keepdim),
    "MinBackward0",
)

# --- linear algebra -------------------------------------------------------------------
_ADDMM = checks.kernel("addmm_impl_cpu_", "nonbool")
_MV = checks.kernel("addmv_impl_cpu", "nonbool")
register("mm", jnp.matmul, "MmBackward0", saves=_CROSS, check=_ADDMM)
register("mv", jnp.matmul, "MvBackward0", saves=_CROSS, check=_MV)
register(
    "dot", jnp.dot, "DotBackward0", saves=_CROSS, check=checks.kernel("dot", "nonbool")
)
register(
    "bmm",
    jnp.matmul,
    "BmmBackward0",
    saves=_CROSS,
    check=checks.kernel("bmm", "nonbool"),
)
register(
    "addmm",
    lambda bias, a, b: a @ b + F._align(bias, 2),
    "AddmmBackward0",
    saves=((1, (2,)), (2, (1,))),
    check=lambda bias, a, b: _ADDMM(a),
)


# --- shapes ---------------------------------------------------------------------------
# A view op's result shares its input's storage (``view=True``); its options
# are static, so the view can be read again from its base after a write.
def view(name: str, forward: Callable[..., jax.Array], node_name: str) -> OpDef:
    """A view op: ``register(..., view=True)``.

    >>> OPS["t"].view, OPS["clone"].view
    (True, False)
    """
    return register(name, forward, node_name, view=True)


view("alias", lambda a: a, "AliasBackward0")
view("t", jnp.transpose, "TBackward0")
view(
    "transpose", lambda a, dim0, dim1: jnp.swapaxes(a, dim0, dim1), "TransposeBackward0"
)
view("permute", lambda a, dims: jnp.transpose(a, dims), "PermuteBackward0")
view("view", lambda a, shape: jnp.reshape(a, shape), "ViewBackward0")
register("_unsafe_view", lambda a, shape: jnp.reshape(a, shape), "UnsafeViewBackward0")
view("_reshape_alias", lambda a, shape: jnp.reshape(a, shape), "ReshapeAliasBackward0")
view("expand", lambda a, shape: jnp.broadcast_to(a, shape), "ExpandBackward0")
view("squeeze", jnp.squeeze, "SqueezeBackward0")
view("squeeze.dim", lambda a, dim: jnp.squeeze(a, dim), "SqueezeBackward1")
view("squeeze.dims", lambda a, dim: jnp.squeeze(a, dim), "SqueezeBackward2")
view("squeeze_.dim", lambda a, dim: jnp.squeeze(a, dim), "SqueezeBackward4")
view("unsqueeze", lambda a, dim: jnp.expand_dims(a, dim), "UnsqueezeBackward0")
view("select", lambda a, dim, index: jnp.take(a, index, axis=dim), "SelectBackward0")
view(
    "slice",
    lambda a, dim, start, stop, step: a[
        (slice(None),) * dim + (slice(start, stop, step),)
    ],
    "SliceBackward0",
)
view(
    "diagonal",
    lambda a, offset, dim1, dim2: jnp.diagonal(a, offset, dim1, dim2),
    "DiagonalBackward0",
)


def _unfold(a, dimension: int, size: int, step: int):
    n = (a.shape[dimension] - size) // step + 1
    starts = jnp.arange(n) * step
    windows = starts[:, None] + jnp.arange(size)[None, :]  # (n, size)
    out = jnp.take(a, windows.reshape(-1), axis=dimension)
    out = out.reshape(a.shape[:dimension] + (n, size) + a.shape[dimension + 1 :])
    return jnp.moveaxis(out, dimension + 1, -1)


view("unfold", _unfold, "UnfoldBackward0")


def _part(a, dim: int, start: int, stop: int):
    return a[(slice(None),) * dim + (slice(start, stop),)]


view("unbind", lambda a, dim, index: jnp.take(a, index, axis=dim), "UnbindBackward0")
view("split", _part, "SplitBackward0")
view("split_with_sizes", _part, "SplitWithSizesBackward0")


def _index(a, *arrays, template):
    """``a[key]`` where ``template`` rebuilds the key: arrays fill its ``"T"`` slots.

    Concrete indices are bounds-checked before they get here (``checks``); a traced
    index out of range reads JAX's fill value (NaN for floats, the lowest integer),
    never a clamped neighbour that would look like a result."""
    return a.at[_index_key(arrays, template)].get(mode="fill")


def _index_key(arrays, template) -> tuple:
    it = iter(arrays)
    return tuple(next(it) if item == "T" else _key_item(item) for item in template)


def _key_item(item):
    if item == "N":
        return None
    if item == "E":
        return Ellipsis
    if isinstance(item, tuple):  # ("S", start, stop, step): slices hash from 3.12 only
        return slice(*item[1:])
    return item


register("index.Tensor", _index, "IndexBackward0", inputs=1)
register("cat", lambda *xs, dim=0: jnp.concatenate(xs, axis=dim), "CatBackward0")
register("stack", lambda *xs, dim=0: jnp.stack(xs, axis=dim), "StackBackward0")
register("clone", lambda a: a, "CloneBackward0", layout=SAME)
register("_to_copy", lambda a, dtype: a.astype(dtype), "ToCopyBackward0", layout=SAME)

# --- in-place writes (``fill_``, ``zero_``, ``copy_``, index assignment) ------------
register("fill", lambda a, value: jnp.full_like(a, value), "FillBackward2")
register("zero", jnp.zeros_like, "ZeroBackward0")
register(
    "copy_",
    lambda a, src: jnp.broadcast_to(jnp.asarray(src).astype(a.dtype), a.shape),
    "torch::autograd::CopyBackwards",
)


def _index_put(a, values, *arrays, template, accumulate=False):
    key = _index_key(arrays, template)
    values = jnp.asarray(values).astype(a.dtype)
    return a.at[key].add(values) if accumulate else a.at[key].set(values)


register("index_put", _index_put, "IndexPutBackward0", inputs=2)
register(
    "masked_fill",
    lambda a, mask, value: jnp.where(mask, jnp.asarray(value, a.dtype), a),
    "MaskedFillBackward0",
    inputs=1,
)


def _index_add(a, source, index, dim, alpha=1):
    key = (slice(None),) * dim + (index,)
    return a.at[key].add((source if alpha == 1 else source * alpha).astype(a.dtype))


register("index_add", _index_add, "IndexAddBackward0", inputs=2)


def _scatter(a, src, index, dim):
    grids = list(jnp.meshgrid(*(jnp.arange(n) for n in index.shape), indexing="ij"))
    grids[dim] = index
    part = src[tuple(slice(0, n) for n in index.shape)] if jnp.ndim(src) else src
    return a.at[tuple(grids)].set(jnp.asarray(part).astype(a.dtype))


register("scatter", _scatter, "ScatterBackward0", inputs=2)
