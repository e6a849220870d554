"""Shapes and views: the view ops, ``unfold``, ``split``, indexing,
``cat stack clone _to_copy``."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .. import checks
from ..checks import wrap_dim
from ._registry import SAME, broadcast_shapes, register, view

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
    return a.at[index_key(arrays, template)].get(mode="fill")


def index_key(arrays, template) -> tuple:
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


# --- copies that rearrange: ``repeat roll flip rot90 tril triu diag_embed`` ---------
def int_list(args: tuple, what: str = "dims") -> tuple[int, ...]:
    """Varargs ints or one sequence of them (``repeat(2, 3)``, ``repeat((2, 3))``)."""
    if len(args) == 1 and isinstance(args[0], tuple | list):
        args = tuple(args[0])
    return tuple(checks.integer(a, what) for a in args)


def _repeat(a, repeats):
    lead = (1,) * (len(repeats) - a.ndim)
    return jnp.tile(jnp.reshape(a, lead + a.shape), repeats)


def _repeat_args(input, *sizes):  # noqa: A002 - torch's name
    repeats = int_list(sizes, "repeats")
    if len(repeats) < input.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of "
            "dimensions of tensor"
        )
    shape = (1,) * (len(repeats) - input.ndim) + tuple(input.shape)
    out = [n * r for n, r in zip(shape, repeats, strict=True)]
    for n in out:
        if n < 0:
            raise RuntimeError(
                f"Trying to create tensor with negative dimension {n}: {out}"
            )
    return (input,), {"repeats": repeats}


register(
    "repeat",
    _repeat,
    "RepeatBackward0",
    method="repeat",
    signature=_repeat_args,
    inplace=False,
)


def _roll_args(input, shifts, dims=None):  # noqa: A002
    shifts = int_list((shifts,), "shifts")
    dims = () if dims is None else int_list((dims,))
    if not shifts:
        raise RuntimeError("`shifts` required")
    if len(shifts) != len(dims) and not (not dims and len(shifts) == 1):
        raise RuntimeError(
            f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}"
        )
    dims = tuple(wrap_dim(d, input.ndim) for d in dims)
    return (input,), {"shifts": shifts, "dims": dims}


register(
    "roll",
    lambda a, shifts, dims: jnp.roll(a, shifts, dims or None),
    "RollBackward0",
    method="roll",
    function="roll",
    signature=_roll_args,
    inplace=False,
)


def dim_set(dims, ndim: int) -> tuple[int, ...]:
    """Wrapped ``dims``, each at most once (torch's message otherwise)."""
    out = tuple(wrap_dim(d, ndim) for d in dims)
    for d in out:
        if out.count(d) > 1:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return out


def _flip_args(input, *dims):  # noqa: A002
    return (input,), {"dims": dim_set(int_list(dims), input.ndim)}


register(
    "flip",
    lambda a, dims: jnp.flip(a, dims) if dims else a,
    "FlipBackward0",
    method="flip",
    function="flip",
    signature=_flip_args,
    inplace=False,
)


def _rot90(a, k: int, dims: tuple[int, int]):
    return jnp.rot90(a, k, dims)


register("rot90", _rot90, "Rot90Backward0")


def _triangle_args(name: str):
    def signature(input, diagonal=0):  # noqa: A002
        if input.ndim < 2:
            raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
        return (input,), {"diagonal": checks.integer(diagonal, "diagonal")}

    return signature


for _name, _fn in (("tril", jnp.tril), ("triu", jnp.triu)):
    register(
        _name,
        lambda a, diagonal, fn=_fn: fn(a, diagonal),
        f"{_name.capitalize()}Backward0",
        method=_name,
        function=_name,
        signature=_triangle_args(_name),
    )


def _diag_embed(a, offset: int, dim1: int, dim2: int):
    n = a.shape[-1]
    size = n + abs(offset)
    out = jnp.zeros(a.shape[:-1] + (size, size), a.dtype)
    at = jnp.arange(n)
    rows, cols = at + max(-offset, 0), at + max(offset, 0)
    out = out.at[..., rows, cols].set(a)
    return jnp.moveaxis(out, (-2, -1), (dim1, dim2))


def _diag_embed_args(input, offset=0, dim1=-2, dim2=-1):  # noqa: A002
    d1, d2 = wrap_dim(dim1, input.ndim + 1), wrap_dim(dim2, input.ndim + 1)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return (input,), {
        "offset": checks.integer(offset, "offset"),
        "dim1": d1,
        "dim2": d2,
    }


register(
    "diag_embed",
    _diag_embed,
    "DiagEmbedBackward0",
    method="diag_embed",
    function="diag_embed",
    signature=_diag_embed_args,
    inplace=False,
)
register(
    "diagonal_copy",
    lambda a, offset: jnp.diagonal(a, offset, 0, 1),
    "DiagonalBackward0_copy",
)


# --- reads by an index tensor: ``take masked_select gather index_select`` ------------
# JAX clamps an out-of-range read; PyTorch raises. Concrete indices are checked in
# the signature; a traced index reads JAX's fill value, never a clamped neighbour.
def concrete(t) -> np.ndarray | None:
    """A tensor's values, or ``None`` when traced (nothing to check)."""
    value = t._value
    return None if isinstance(value, jax.core.Tracer) else np.asarray(value)


def _take_args(input, index):  # noqa: A002
    if index.dtype.name != "int64":
        raise RuntimeError(
            "take(): Expected a long tensor for index, but got "
            f"{checks.SCALAR_NAMES[index.dtype.name]}"
        )
    values, n = concrete(index), input.numel()
    if values is not None:
        bad = values[(values < -n) | (values >= n)]
        if bad.size:
            raise IndexError(
                f"out of range: tried to access index {int(bad.flat[0])} on a tensor "
                f"of {n} elements."
            )
    return (input, index._value), {}


register(
    "take",
    lambda a, index: jnp.reshape(a, -1).at[index].get(mode="fill"),
    "TakeBackward0",
    inputs=1,
    method="take",
    function="take",
    signature=_take_args,
    inplace=False,
)


def _masked_select_args(input, mask):  # noqa: A002
    if mask.dtype.name != "bool":
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    shape = broadcast_shapes(tuple(mask.shape), tuple(input.shape))
    values = concrete(mask)
    if values is None:
        raise RuntimeError(
            "masked_select: the mask is traced; its result's shape depends on the "
            "mask's values, so it needs a concrete mask"
        )
    where = np.flatnonzero(np.broadcast_to(values, shape))
    return (input, jnp.asarray(where, jnp.int32)), {"shape": shape}


register(
    "masked_select",
    lambda a, where, shape: jnp.reshape(jnp.broadcast_to(a, shape), -1)[where],
    "MaskedSelectBackward0",
    inputs=1,
    method="masked_select",
    function="masked_select",
    signature=_masked_select_args,
    inplace=False,
)


def _index_select_args(input, dim, index):  # noqa: A002
    d = wrap_dim(dim, input.ndim)
    if index.dtype.name not in ("int32", "int64"):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    if index.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    values = concrete(index)
    size = input.shape[d] if input.ndim else 1
    if values is not None and ((values < 0) | (values >= size)).any():
        raise IndexError("index out of range in self")
    return (input, jnp.reshape(index._value, -1)), {"dim": d}


register(
    "index_select",
    lambda a, index, dim: jnp.take(a, index, axis=dim, mode="fill"),
    "IndexSelectBackward0",
    inputs=1,
    method="index_select",
    function="index_select",
    signature=_index_select_args,
    inplace=False,
)


def index_like(name: str, input, d: int, index, src=None) -> None:  # noqa: A002
    """``gather``/``scatter``'s index rules: an integer tensor of ``input``'s rank,
    no larger than it off ``d`` (nor than ``src``), its values in range."""
    if index.dtype.name not in ("int32", "int64"):
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")
    if index.ndim != input.ndim and index.numel():
        raise RuntimeError(
            "Index tensor must have the same number of dimensions as "
            f"{'input' if src is None else 'self'} tensor"
        )
    too_big = any(
        k != d and index.shape[k] > input.shape[k] for k in range(index.ndim)
    ) or (
        src is not None
        and any(i > s for i, s in zip(index.shape, src.shape, strict=False))
    )
    if too_big:
        if src is None:
            raise RuntimeError(
                f"Size does not match at dimension {_first_big(index, input, d)} "
                f"expected index {list(index.shape)} to be no larger than self "
                f"{list(input.shape)} apart from dimension {d}"
            )
        raise RuntimeError(
            f"Expected index {list(index.shape)} to be no larger than self "
            f"{list(input.shape)} apart from dimension {d} and to be no larger size "
            f"than src {list(src.shape)}"
        )
    values = concrete(index)
    size = input.shape[d] if input.ndim else 1
    if values is not None and values.size:
        bad = values[(values < 0) | (values >= size)]
        if bad.size:
            raise RuntimeError(
                f"index {int(bad.flat[0])} is out of bounds for dimension {d} with "
                f"size {size}"
            )


def _first_big(index, input, d: int) -> int:  # noqa: A002
    return next(
        k for k in range(index.ndim) if k != d and index.shape[k] > input.shape[k]
    )


def _gather(a, index, dim: int):
    # torch's index may be smaller than ``a`` off ``dim``: read that corner only
    corner = tuple(
        slice(None) if d == dim else slice(0, n) for d, n in enumerate(index.shape)
    )
    return jnp.take_along_axis(a[corner], index, axis=dim, mode="fill")


def _gather_args(input, dim, index, *, sparse_grad=False):  # noqa: A002
    d = wrap_dim(dim, input.ndim)
    index_like("gather", input, d, index)
    return (input, index._value), {"dim": d}


register(
    "gather",
    _gather,
    "GatherBackward0",
    inputs=1,
    method="gather",
    function="gather",
    signature=_gather_args,
    inplace=False,
)
