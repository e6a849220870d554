"""Indexing: ``t[key]``, ``t[key] = value`` and ``index_put_``, recorded as
PyTorch records them.

The basic items of a key (integers, slices, ``None``, ``...``) become a chain of
``select``/``slice``/``unsqueeze`` views of the tensor's storage; tensors, lists and
boolean masks then become one ``index`` (or ``index_put``) op over that view. Keys
are checked as PyTorch checks them, before JAX sees them (JAX would clamp an index
that is out of range). This module sits above ``tensor`` and gives ``Tensor`` its
indexing methods.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from . import checks as _checks
from . import dtypes as _dt
from .ops import OPS
from .tensor import Tensor, dispatch, raw

__all__ = ["getitem", "setitem"]


_ZERO_DIM_INDEX = (
    "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
    "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number"
)


def getitem(t: Tensor, key) -> Tensor:
    """Indexing as PyTorch records it: integers, slices and ``None`` first, as a
    chain of select/slice/unsqueeze views; then, when the key holds tensors, lists
    or boolean masks, one ``index`` op over what is left.

    >>> x = Tensor(jnp.arange(6.0).reshape(2, 3), requires_grad=True)
    >>> y = getitem(x, (0, slice(1, None)))
    >>> y, y.grad_fn
    (tensor([1., 2.], grad_fn=<SliceBackward0>), <SliceBackward0 object at 0x...>)
    >>> getitem(x, Tensor(jnp.array([1, 0]))).grad_fn
    <IndexBackward0 object at 0x...>
    """
    out, template, arrays = _split_key(t, key)
    if not arrays:
        return out
    return dispatch("index.Tensor", out, *arrays, template=template)


def setitem(t: Tensor, key, value, accumulate: bool = False) -> None:
    """``t[key] = value``: a copy into the view the basic part of ``key`` selects,
    then, when ``key`` holds tensors, lists or masks, one ``index_put``.

    >>> x = Tensor(jnp.zeros(4))
    >>> setitem(x, Tensor(jnp.array([0, 2])), 1.0); x
    tensor([1., 0., 1., 0.])
    """
    out, template, arrays = _split_key(t, key)
    if not arrays:
        if accumulate:
            out.add_(value)
        else:
            out.copy_(value)
        return
    index = OPS["index.Tensor"].forward
    spec = jax.ShapeDtypeStruct(tuple(out.shape), jnp.bool_)
    shape = jax.eval_shape(lambda a: index(a, *arrays, template=template), spec).shape
    vshape = tuple(jnp.shape(raw(value)))
    try:
        fits = np.broadcast_shapes(vshape, shape) == shape
    except ValueError:
        fits = False
    if not fits:
        raise RuntimeError(
            f"shape mismatch: value tensor of shape {list(vshape)} cannot be "
            f"broadcast to indexing result of shape {list(shape)}"
        )
    out._inplace("index_put", value, *arrays, template=template, accumulate=accumulate)


def _split_key(t: Tensor, key) -> tuple:
    """The view of ``t`` the basic items of ``key`` select, and the ``index`` key
    (template and index arrays, checked as PyTorch checks them) over it."""
    if isinstance(key, slice) and t.ndim:  # a bare slice is always recorded
        return _slice(t, 0, key, full=True), (), ()
    key = key if isinstance(key, tuple) else (key,)
    out, dim, src = t, 0, 0  # ``src``: dimensions of ``t`` consumed so far
    template: list = []  # the advanced-index key over ``out``'s dimensions
    arrays: list = []
    n_real = sum(_dims_consumed(k) for k in key if k is not None and k is not Ellipsis)
    for k in key:
        if k is Ellipsis:
            skip = out.ndim - dim - (n_real - _consumed(key, k))
            dim += skip
            src += skip
            template.extend(["S"] * skip)
        elif k is None:
            out = out.unsqueeze(dim)
            dim += 1
            template.append("S")
        elif _is_array_key(k):
            a = _index_array(k)
            if a.ndim == 0 and a.dtype == jnp.bool_:
                # a 0-d mask adds a dimension of size 1 and keeps it or not
                out, a = out.unsqueeze(dim), jnp.reshape(a, (1,))
            _checks.index_array(a, tuple(out.shape), dim, len(arrays))
            a = _narrow_index(a)
            if a.dtype == jnp.bool_:
                # Concrete indices: the op needs static shapes under jit.
                arrays.extend(jnp.nonzero(a))
                template.extend(["T"] * a.ndim)
                dim += a.ndim
                src += a.ndim
            else:
                arrays.append(a)
                template.append("T")
                dim += 1
                src += 1
        elif t.ndim == 0 and not isinstance(k, slice):
            raise IndexError(_ZERO_DIM_INDEX)
        elif dim >= out.ndim:
            raise IndexError(f"too many indices for tensor of dimension {t.ndim}")
        elif isinstance(k, slice):
            out = _slice(out, dim, k)
            dim += 1
            src += 1
            template.append("S")
        else:
            _checks.scalar_key(k)
            i = int(k)
            size = out.shape[dim]
            if not -size <= i < size:
                raise IndexError(
                    f"index {i} is out of bounds for dimension {src} with size {size}"
                )
            src += 1
            strides = out._layout()
            out = out._as_view(
                "select", strides[:dim] + strides[dim + 1 :], dim=dim, index=i % size
            )
    if not arrays:
        if out is t:  # nothing selected: an alias, as PyTorch records it
            out = t._as_view("alias", t._layout())
        return out, (), ()
    _checks.broadcast_indices([a.shape for a in arrays])
    last = max(i for i, item in enumerate(template) if item == "T")
    template = [
        ("S", None, None, None) if i == "S" else i for i in template[: last + 1]
    ]
    return out, tuple(template), tuple(arrays)


def _index_array(k):
    """An index key as an array: a list of numbers or a tensor of integers/bools;
    int64 indices as int32 (any index of a real tensor fits), so indexing stays in
    JAX's 32-bit mode."""
    if isinstance(k, list):
        k = np.asarray(k) if k else np.zeros((0,), np.int64)
    a = raw(k)
    traced = isinstance(a, jax.core.Tracer)
    if isinstance(a, jax.Array) and a.dtype.itemsize == 8 and not traced:
        with _dt.scope():
            return np.asarray(a)  # checked 64 bits wide, then narrowed: _narrow_index
    return a if isinstance(a, np.ndarray) else jnp.asarray(a)


def _narrow_index(a):
    """A checked integer index as int32 (every index of a real tensor fits)."""
    if isinstance(a, np.ndarray):
        a = a.astype(np.int32) if a.dtype.kind in "iu" else a
        return jnp.asarray(a)
    return a


def _is_array_key(k) -> bool:
    return isinstance(k, Tensor | list | np.ndarray | jax.Array)


def _dims_consumed(k) -> int:
    if _is_array_key(k):
        a = raw(k) if not isinstance(k, list) else np.asarray(k)
        return a.ndim if a.dtype == np.bool_ else 1
    return 1


def _slice(out: Tensor, dim: int, k: slice, full: bool = False) -> Tensor:
    """A ``slice`` view; a full slice records nothing unless ``full``."""
    if k.step is not None and k.step <= 0:
        raise ValueError("step must be greater than zero")
    start, stop, step = k.indices(out.shape[dim])
    stop = max(stop, start)
    if (start, stop, step) == (0, out.shape[dim], 1) and not full:
        return out
    strides = list(out._layout())
    strides[dim] *= step
    return out._as_view(
        "slice", tuple(strides), dim=dim, start=start, stop=stop, step=step
    )


def _consumed(key, upto) -> int:
    n = 0
    for k in key:
        if k is upto:
            return n
        if k is not None and k is not Ellipsis:
            n += _dims_consumed(k)
    return n


def _getitem_method(self: Tensor, key) -> Tensor:
    return getitem(self, key)


def _setitem_method(self: Tensor, key, value) -> None:
    setitem(self, key, value)


def _index_put_(self: Tensor, indices, values, accumulate: bool = False) -> Tensor:
    """``self[indices] = values`` (or ``+=`` with ``accumulate``), in place.

    >>> x = Tensor(jnp.zeros(3))
    >>> x.index_put_((Tensor(jnp.array([1, 1])),), Tensor(jnp.ones(2)), True)
    tensor([0., 2., 0.])
    """
    setitem(self, tuple(indices), values, accumulate=accumulate)
    return self


for _method, _name in (
    (_getitem_method, "__getitem__"),
    (_setitem_method, "__setitem__"),
    (_index_put_, "index_put_"),
):
    _method.__name__, _method.__qualname__ = _name, f"Tensor.{_name}"
    setattr(Tensor, _name, _method)
