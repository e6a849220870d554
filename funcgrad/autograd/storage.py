"""Storage and views, as PyTorch defines them.

JAX arrays are immutable, so a :class:`Storage` is a small mutable box: the current
array of the base (``value``) and weak references to the tensors on it
(``members``). A :class:`VersionCounter` counts in-place writes; views and
``detach()`` share their base's, ``.data`` starts its own (as in PyTorch).

A view is a tensor on a storage with a *chain*: the view ops (``(OpDef, options)``
pairs) that take the base's array to the view's. A tensor alone on its array has no
storage at all (the common case costs nothing); the first view or alias makes one.

Reading a view costs nothing: each member holds its current array. Writing in place
through a view writes into the base's array (``.at[indices].set``, with the flat
indices the chain selects) and every member's array is read again from it, so all
views see the write.
"""

from __future__ import annotations

import functools
import math
import weakref

import jax
import jax.numpy as jnp
import numpy as np

from .ops import register

OVERLAP = (
    "unsupported operation: more than one element of the written-to tensor refers "
    "to a single memory location. Please clone() the tensor before performing the "
    "operation."
)

Chain = tuple  # ((OpDef, options items), ...)


def read(value, chain: Chain):
    """The array a view with ``chain`` shows of its base's ``value``.

    >>> from .ops import OPS
    >>> select = (OPS["select"], (("dim", 0), ("index", 1)))
    >>> read(jnp.arange(6.0).reshape(2, 3), (select,))
    Array([3., 4., 5.], dtype=float32)
    """
    for op, options in chain:
        value = op.forward(value, **dict(options))
    return value


@functools.lru_cache(maxsize=256)
def index_map(shape: tuple[int, ...], chain: Chain) -> np.ndarray:
    """The flat positions in a base of ``shape`` of each element of the view.

    >>> from .ops import OPS
    >>> index_map((2, 3), ((OPS["t"], ()),)).tolist()
    [[0, 3], [1, 4], [2, 5]]
    """
    with jax.ensure_compile_time_eval():
        flat = jnp.arange(math.prod(shape), dtype=jnp.int32).reshape(shape)
        return np.asarray(read(flat, chain))


def write(base, chain: Chain, new):
    """``base`` with the elements the view ``chain`` selects replaced by ``new``.

    >>> from .ops import OPS
    >>> write(jnp.zeros((2, 2)), ((OPS["select"], (("dim", 0), ("index", 0))),),
    ...       jnp.ones(2)).tolist()
    [[1.0, 1.0], [0.0, 0.0]]
    """
    if not chain:
        return new
    idx = index_map(tuple(base.shape), chain)
    if idx.size != np.unique(idx).size:
        raise RuntimeError(OVERLAP)
    flat = (
        jnp.reshape(base, (-1,))
        .at[idx.reshape(-1)]
        .set(jnp.reshape(jnp.broadcast_to(new, idx.shape), (-1,)).astype(base.dtype))
    )
    return flat.reshape(base.shape)


def _copy_slices(base, *rest, chain: Chain, inner, inner_options: tuple):
    """The base after an op ``inner`` wrote its result through the view ``chain``
    (PyTorch's ``CopySlices``: the view's history rebased onto the base's)."""
    new = inner.forward(read(base, chain), *rest, **dict(inner_options))
    return write(base, chain, new)


# The nodes PyTorch records for writes through views: the base's, and each view's
# (read again from the base).
register("copy_slices", _copy_slices, "torch::autograd::CopySlices")
register("as_strided", read, "AsStridedBackward0", view=True)


class VersionCounter:
    """A version counter shared by tensors (``_version``).

    >>> VersionCounter(3).n
    3
    """

    __slots__ = ("n",)

    def __init__(self, n: int) -> None:
        self.n = n


class Storage:
    """The box shared by a base and its views and aliases.

    >>> s = Storage(jnp.zeros(2))
    >>> s.value
    Array([0., 0.], dtype=float32)
    """

    __slots__ = ("value", "members", "viewed", "_pruned_at", "__weakref__")

    def __init__(self, value) -> None:
        self.value = value  # the base's current array
        self.members: list[weakref.ref] = []
        self.viewed = False  # a member with a non-empty chain joined
        self._pruned_at = 8

    def join(self, tensor, chain: Chain) -> None:
        """Make ``tensor`` a member showing ``chain`` of the base."""
        tensor._storage = self
        tensor._chain = chain
        if chain:
            self.viewed = True
        self.members.append(weakref.ref(tensor))
        if len(self.members) > self._pruned_at:  # amortised: drop dead members
            self.members = [r for r in self.members if r() is not None]
            self._pruned_at = 2 * len(self.members) + 8

    def live(self) -> list:
        """The member tensors still alive and still on this storage."""
        out = []
        for ref in self.members:
            t = ref()
            if t is not None and t._storage is self:
                out.append(t)
        return out

    def write(self, chain: Chain, new) -> list:
        """Write ``new`` through ``chain`` and refresh every member's array (the
        version is the writer's to bump). Returns the live members."""
        self.value = write(self.value, chain, new)
        members = self.live()
        for t in members:
            t._val = self.value if not t._chain else read(self.value, t._chain)
        return members


class UntypedStorage:
    """What ``Tensor.untyped_storage()`` returns: equal for tensors that share
    memory, with a stable ``data_ptr()``.

    >>> s = Storage(jnp.zeros(2))
    >>> UntypedStorage(s) == UntypedStorage(s), UntypedStorage(s).nbytes()
    (True, 8)
    """

    __slots__ = ("_storage",)

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UntypedStorage) and other._storage is self._storage

    def __hash__(self) -> int:
        return id(self._storage)

    def data_ptr(self) -> int:
        return id(self._storage) * 64  # aligned, unique while the storage lives

    def nbytes(self) -> int:
        v = self._storage.value
        return math.prod(v.shape) * v.dtype.itemsize

    def size(self) -> int:
        return self.nbytes()

    def __len__(self) -> int:
        return self.nbytes()
