"""Views: tensors that share their base's storage with other strides, as
PyTorch's view ops make them (``view``, ``reshape``, ``transpose``, ``permute``,
``expand``, ``squeeze``/``unsqueeze``, ``select``, ``narrow``, ``split``,
``diagonal``, ``unfold``, ...).

Each keeps PyTorch's strides, so ``reshape`` can decide as PyTorch does between a
view (``ViewBackward0``), an alias (``ReshapeAliasBackward0``) and a copy
(``CloneBackward0`` + ``_unsafe_view``); writes through any view are seen by all
(``Tensor._as_view`` and ``storage``). This module sits above ``tensor`` and
gives ``Tensor`` these methods.
"""

from __future__ import annotations

import warnings

import numpy as np

from .checks import SCALAR_NAMES as _SCALAR_NAMES
from .checks import wrap_dim as _wrap_dim
from .ops import view_strides
from .tensor import Tensor, dispatch
from .tensor import shape_arg as _shape_arg

T_DEPRECATED = (
    "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
    "deprecated and it will throw an error in a future release. Consider `x.mT` to "
    "transpose batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` "
    "to reverse the dimensions of a tensor."
)
VIEW_NOT_COMPATIBLE = (
    "view size is not compatible with input tensor's size and stride (at least one "
    "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
)


def _moved_dims(ndim: int, source, destination) -> tuple[tuple, tuple]:
    src = (source,) if isinstance(source, int) else tuple(source)
    dst = (destination,) if isinstance(destination, int) else tuple(destination)
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({list(src)} dims) "
            f"should contain the same number of dims as destination ({list(dst)} dims)"
        )
    src = tuple(_wrap_dim(d, ndim) for d in src)
    dst = tuple(_wrap_dim(d, ndim) for d in dst)
    for name, dims in (("source", src), ("destination", dst)):
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({list(dims)})")
    return src, dst


def _infer_shape(shape: tuple[int, ...], numel: int) -> tuple[int, ...]:
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = int(np.prod([d for d in shape if d != -1], dtype=np.int64))
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(
                f"shape '{list(shape)}' is invalid for input of size {numel}"
            )
        shape = tuple(numel // known if d == -1 else d for d in shape)
    elif known != numel:
        raise RuntimeError(
            f"shape '{list(shape)}' is invalid for input of size {numel}"
        )
    return shape


def t(self):
    if self.ndim > 2:
        raise RuntimeError(
            f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D"
        )
    return self._as_view("t", self._layout()[::-1])


def _T(self):
    if self.ndim != 2:
        warnings.warn(T_DEPRECATED, UserWarning, stacklevel=2)
    return self.permute(tuple(reversed(range(self.ndim))))


def _mT(self):
    if self.ndim < 2:
        raise RuntimeError(
            "tensor.mT is only supported on matrices or batches of matrices. Got "
            f"{self.ndim}-D tensor."
        )
    return self.transpose(-2, -1)


def transpose(self, dim0: int, dim1: int):
    d0, d1 = _wrap_dim(dim0, self.ndim), _wrap_dim(dim1, self.ndim)
    strides = list(self._layout())
    strides[d0], strides[d1] = strides[d1], strides[d0]
    return self._as_view("transpose", tuple(strides), dim0=d0, dim1=d1)


swapaxes = transpose


def permute(self, *dims):
    dims = _shape_arg(dims)
    if len(dims) != self.ndim:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does "
            "not match the length of the desired ordering of dimensions i.e. "
            f"input.dim() = {self.ndim} is not equal to len(dims) = {len(dims)}"
        )
    dims = tuple(_wrap_dim(d, self.ndim) for d in dims)
    if len(set(dims)) != len(dims):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    strides = self._layout()
    return self._as_view("permute", tuple(strides[d] for d in dims), dims=dims)


def view(self, *shape):
    shape = _infer_shape(_shape_arg(shape), self.numel())
    strides = view_strides(self.shape, self._layout(), shape)
    if strides is None:
        raise RuntimeError(VIEW_NOT_COMPATIBLE)
    return self._as_view("view", strides, shape=shape)


def reshape(self, *shape):
    """A view when the layout allows one, else a contiguous copy.

    >>> import jax.numpy as jnp
    >>> w = Tensor(jnp.ones((2, 3)), requires_grad=True)
    >>> w.reshape(6).grad_fn, w.t().reshape(6).grad_fn.next_functions[0][0]
    (<ViewBackward0 object at 0x...>, <CloneBackward0 object at 0x...>)
    """
    shape = _infer_shape(_shape_arg(shape), self.numel())
    if self.is_contiguous():
        return self.view(shape)
    strides = view_strides(self.shape, self._layout(), shape)
    if strides is not None:
        return self._as_view("_reshape_alias", strides, shape=shape)
    copy = self.contiguous()
    return dispatch("_unsafe_view", copy, shape=shape)


def view_as(self, other: Tensor):
    return self.view(other.shape)


def reshape_as(self, other: Tensor):
    return self.reshape(other.shape)


def flatten(self, start_dim: int = 0, end_dim: int = -1):
    if self.ndim == 0:
        return self.reshape(1)
    s, e = _wrap_dim(start_dim, self.ndim), _wrap_dim(end_dim, self.ndim)
    if s > e:
        raise RuntimeError(
            "flatten() has invalid args: start_dim cannot come after end_dim"
        )
    if s == e:
        return self
    shape = self.shape
    return self.reshape(shape[:s] + (int(np.prod(shape[s : e + 1])),) + shape[e + 1 :])


def expand(self, *shape):
    shape = _shape_arg(shape)
    if len(shape) < self.ndim:
        raise RuntimeError(
            f"expand(torch.{_SCALAR_NAMES[self._dtype.name]}Tensor"
            f"{{{list(self.shape)}}}, "
            f"size={list(shape)}): the number of sizes provided ({len(shape)}) "
            "must be greater or equal to the number of dimensions in the tensor "
            f"({self.ndim})"
        )
    lead = len(shape) - self.ndim
    old, old_strides = self.shape, self._layout()
    sizes, strides = [], []
    for i, d in enumerate(shape):
        if i < lead:
            sizes.append(d)
            strides.append(0)
            continue
        have = old[i - lead]
        if d == -1:
            d = have
        elif have != d and have != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({d}) must match the existing "
                f"size ({have}) at non-singleton dimension {i}.  Target sizes: "
                f"{list(shape)}.  Tensor sizes: {list(old)}"
            )
        sizes.append(d)
        strides.append(old_strides[i - lead] if have == d else 0)
    return self._as_view("expand", tuple(strides), shape=tuple(sizes))


def expand_as(self, other: Tensor):
    return self.expand(other.shape)


def squeeze(self, dim=None):
    strides = self._layout()
    if dim is None:
        keep = [i for i, d in enumerate(self.shape) if d != 1]
        return self._as_view("squeeze", tuple(strides[i] for i in keep))
    if isinstance(dim, tuple | list):
        wrapped = {_wrap_dim(d, self.ndim) for d in dim}
        dims = tuple(sorted(d for d in wrapped if self.shape[d] == 1))
        op = "squeeze.dims"
    else:
        d = _wrap_dim(dim, self.ndim)
        dims = (d,) if self.ndim and self.shape[d] == 1 else ()
        op = "squeeze.dim"
    keep = [i for i in range(self.ndim) if i not in dims]
    return self._as_view(op, tuple(strides[i] for i in keep), dim=dims)


def unsqueeze(self, dim: int):
    shape = self._val.shape
    d = _wrap_dim(dim, len(shape) + 1)
    strides = list(self._layout())
    inserted = 1 if d >= len(shape) else shape[d] * strides[d]
    strides.insert(d, inserted)
    return self._as_view("unsqueeze", tuple(strides), dim=d)


def select(self, dim: int, index: int) -> Tensor:
    d = _wrap_dim(dim, self.ndim)
    size = self.shape[d] if self.ndim else 0
    if not -size <= int(index) < size:
        raise IndexError(
            f"select(): index {int(index)} out of range for tensor of size "
            f"{list(self.shape)} at dimension {d}"
        )
    return self[(slice(None),) * d + (int(index),)]


def narrow(self, dim: int, start: int, length: int) -> Tensor:
    d = _wrap_dim(dim, self.ndim)
    size = self.shape[d]
    start = int(start) + (size if start < 0 else 0)
    if not (0 <= start <= size and 0 <= length <= size - start):
        raise RuntimeError(
            f"start ({start}) + length ({length}) exceeds dimension size ({size})."
        )
    strides = self._layout()
    return self._as_view(
        "slice", strides, dim=d, start=start, stop=start + length, step=1
    )


def unbind(self, dim: int = 0) -> tuple[Tensor, ...]:
    d = _wrap_dim(dim, self.ndim)
    strides = self._layout()
    rest = strides[:d] + strides[d + 1 :]
    return tuple(
        self._as_view("unbind", rest, dim=d, index=i) for i in range(self.shape[d])
    )


def split(self, split_size_or_sections, dim: int = 0) -> tuple[Tensor, ...]:
    d = _wrap_dim(dim, self.ndim)
    size = self.shape[d]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step == 0 and size:
            raise RuntimeError(
                "split_size can only be 0 if dimension size is 0, but got "
                f"dimension size of {size}"
            )
        step = step or 1
        bounds = [(i, min(i + step, size)) for i in range(0, max(size, 1), step)]
        op = "split"
    else:
        sizes = [int(n) for n in split_size_or_sections]
        if sum(sizes) != size:
            raise RuntimeError(
                "split_with_sizes expects split_sizes to sum exactly to "
                f"{size} (input tensor's size at dimension {d}), but got "
                f"split_sizes={sizes}"
            )
        starts = np.cumsum([0] + sizes[:-1]).tolist()
        bounds = [(a, a + n) for a, n in zip(starts, sizes, strict=True)]
        op = "split_with_sizes"
    strides = self._layout()
    return tuple(self._as_view(op, strides, dim=d, start=a, stop=b) for a, b in bounds)


def chunk(self, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    if chunks <= 0:
        raise RuntimeError(
            f"chunk expects `chunks` to be greater than 0, got: {chunks}"
        )
    size = self.shape[_wrap_dim(dim, self.ndim)]
    return self.split(max(-(-size // chunks), 1), dim)


def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    d1, d2 = _wrap_dim(dim1, self.ndim), _wrap_dim(dim2, self.ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    st = self._layout()
    rest = tuple(s for i, s in enumerate(st) if i not in (d1, d2))
    return self._as_view(
        "diagonal", rest + (st[d1] + st[d2],), offset=offset, dim1=d1, dim2=d2
    )


def unfold(self, dimension: int, size: int, step: int) -> Tensor:
    d = _wrap_dim(dimension, self.ndim)
    if size > self.shape[d] if self.ndim else size > 1:
        raise RuntimeError(
            f"maximum size for tensor at dimension {d} is "
            f"{self.shape[d] if self.ndim else 1} but size is {size}"
        )
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    st = list(self._layout())
    inner = st[d] if st else 1
    if st:
        st[d] *= step
    return self._as_view(
        "unfold", tuple(st) + (inner,), dimension=d, size=size, step=step
    )


def unflatten(self, dim: int, sizes) -> Tensor:
    d = _wrap_dim(dim, self.ndim)
    sizes = _shape_arg((sizes,))
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    if sizes.count(-1) > 1:
        raise RuntimeError(
            "unflatten got an unexpected error:\nonly one dimension can be inferred"
        )
    known = int(np.prod([n for n in sizes if n != -1]))
    size = self.shape[d] if self.ndim else 1
    if -1 in sizes and known and size % known == 0:
        sizes = tuple(size // known if n == -1 else n for n in sizes)
    elif known != size or -1 in sizes:
        raise RuntimeError(
            f"unflatten: Provided sizes {list(sizes)} don't multiply up to the "
            f"size of dim {dim} ({size}) in the input tensor"
        )
    return self.view(self.shape[:d] + sizes + self.shape[d + 1 :])


def movedim(self, source, destination) -> Tensor:
    """``source`` dimensions moved to ``destination`` (a ``permute`` view).

    >>> import jax.numpy as jnp
    >>> Tensor(jnp.zeros((2, 3, 4))).movedim(0, -1).shape
    torch.Size([3, 4, 2])
    """
    src, dst = _moved_dims(self.ndim, source, destination)
    order = [None] * self.ndim
    for s, d in zip(src, dst, strict=True):
        order[d] = s
    rest = iter(i for i in range(self.ndim) if i not in src)
    return self.permute(tuple(next(rest) if o is None else o for o in order))


moveaxis = movedim
swapdims = transpose


def broadcast_to(self, size) -> Tensor:
    return self.expand(size)


#: The methods this module gives ``Tensor`` (aliases last).
METHODS = (
    "t",
    "transpose",
    "permute",
    "view",
    "reshape",
    "view_as",
    "reshape_as",
    "flatten",
    "expand",
    "expand_as",
    "squeeze",
    "unsqueeze",
    "select",
    "narrow",
    "unbind",
    "split",
    "chunk",
    "diagonal",
    "unfold",
    "unflatten",
    "movedim",
    "broadcast_to",
    "swapaxes",
    "swapdims",
    "moveaxis",
)

for _name in METHODS:
    _method = globals()[_name]
    if _method.__name__ == _name:  # not an alias
        _method.__qualname__ = f"Tensor.{_name}"
    setattr(Tensor, _name, _method)
_T.__qualname__, _mT.__qualname__ = "Tensor.T", "Tensor.mT"
Tensor.T = property(_T)
Tensor.mT = property(_mT)
