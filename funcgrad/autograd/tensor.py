"""The facade's ``Tensor``: a ``jax.Array`` (or a tracer) plus autograd state.

Every op goes through :func:`dispatch`: it runs the registry entry's pure forward on
the input values and, when grad mode is on and an input requires grad, records a
:class:`~funcgrad.autograd.node.Node` as the result's ``grad_fn``. Under ``no_grad``
(and for ``detach``) the value passes through ``jax.lax.stop_gradient``, so the
same code also blocks gradients when JAX traces it.

View ops, indexing and matrix products live in the modules above this one
(``views``, ``indexing``, ``matmul``), which give ``Tensor`` those methods when
``funcgrad.autograd`` is imported.
"""

from __future__ import annotations

import functools
import math
import numbers
import re
import warnings
import weakref
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from . import anomaly as _anomaly
from . import checks as _checks
from . import dtypes as _dt
from . import fast
from ._format import format_tensor
from .checks import CPP_NAMES as _CPP_NAMES
from .checks import SCALAR_NAMES as _SCALAR_NAMES
from .engine import topological_order
from .grad_mode import _state as _grad_state
from .grad_mode import enable_grad, is_grad_enabled
from .node import AccumulateGrad, Node, short_name, vjp_of
from .ops import (
    OPS,
    OpDef,
    broadcast_shapes,
    contiguous_strides,
    is_contiguous,
)
from .ops import reductions as _reductions
from .ops import sorting as _sorting
from .ops.shapes import index_like
from .storage import Storage, UntypedStorage, VersionCounter, index_map

LEAF_INPLACE = (
    "a leaf Variable that requires grad is being used in an in-place operation."
)
VIEW_LEAF_INPLACE = (
    "a view of a leaf Variable that requires grad is being used in an in-place "
    "operation."
)
DETACH_VIEW = (
    "Can't detach views in-place. Use detach() instead. If you are using "
    "DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set "
    "as True, gradients are views of DDP buckets, and hence detach_() cannot be "
    "called on these gradients. To fix this error, please refer to the "
    "Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution."
)
NO_GRAD_FN = "element 0 of tensors does not require grad and does not have a grad_fn"
NOT_SCALAR = "grad can be implicitly created only for scalar outputs"
FLOAT_ONLY = "only Tensors of floating point dtype can require gradients"
FLOAT_ONLY_FACTORY = (
    "Only Tensors of floating point and complex dtype can require gradients"
)
FLOAT_ONLY_ATTRIBUTE = (
    "only Tensors of floating point and complex dtype can require gradients"
)
UNUSED_INPUT = (
    "The differentiated Tensor at index {} appears to not have been used in the "
    "graph. Set allow_unused=True if this is the desired behavior."
)
NON_LEAF_REQUIRES_GRAD = (
    "you can only change requires_grad flags of leaf variables. If you want to use a "
    "computed variable in a subgraph that doesn't require differentiation use "
    "var_no_grad = var.detach()."
)
NON_LEAF_GRAD = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its "
    ".grad attribute won't be populated during autograd.backward(). If you indeed want "
    "the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the "
    "non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you "
    "access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for "
    "more information."
)

# How PyTorch's messages spell dtypes: C++ type names (ScalarType names: checks).


class Size(tuple):
    """``torch.Size``: a tuple of ints with PyTorch's ``repr``.

    >>> Size([2, 3]), Size([2, 3]) == (2, 3), Size([2, 3]).numel()
    (torch.Size([2, 3]), True, 6)
    """

    def __repr__(self) -> str:
        return f"torch.Size([{', '.join(str(d) for d in self)}])"

    __str__ = __repr__

    def numel(self) -> int:
        return int(np.prod(self, dtype=np.int64))


def _is_tracer(x) -> bool:
    return isinstance(x, jax.core.Tracer)


def _is_tensor(x) -> bool:
    return isinstance(x, Tensor)


def _raw(x):
    return x._value if isinstance(x, Tensor) else x


raw = _raw


def _result_dtype(value, tensors: list) -> _dt.dtype:
    """The torch dtype of ``value``: its JAX dtype, widened back to ``int64`` or
    ``float64`` when such a tensor took part (0-d tensors only count when no
    tensor with dimensions did, as in PyTorch's promotion)."""
    d = _NARROW.get(value.dtype)
    if d is None:
        return _dt.from_jax(value.dtype)
    if not any(t._dtype is d for t in tensors):
        return _dt.from_jax(value.dtype)  # nothing to widen back to
    dimmed = [t for t in tensors if t._val.shape] or tensors
    return _dt.from_jax(value.dtype, wide=tuple(t._dtype for t in dimmed))


# The JAX dtypes a wide torch dtype narrows to without x64, and that wide dtype.
_NARROW = {np.dtype("int32"): _dt.int64, np.dtype("float32"): _dt.float64}
# The narrow JAX dtypes' own torch dtypes (their results need the check above).
_BY_NARROW = {np.dtype("int32"): _dt.int32, np.dtype("float32"): _dt.float32}
_Lazy = fast.Lazy
_ArrayImpl = fast.ArrayImpl


def _result_strides(tensors: list, shape) -> tuple[int, ...] | None:
    for a in tensors:
        if a._val.shape == shape:
            strides = a._strides
            if strides is not None and _is_dense(shape, strides):
                return strides
            return None
    return None


def _is_dense(shape, strides) -> bool:
    """Non-overlapping and dense: a permutation of some contiguous layout."""
    dims = sorted((s, d) for d, s in zip(shape, strides, strict=True) if d != 1)
    expected = 1
    for s, d in dims:
        if s != expected:
            return False
        expected *= d
    return True


def _edge(t) -> tuple:
    if not isinstance(t, Tensor) or not t._requires_grad:
        return _NO_EDGE
    fn = t.grad_fn
    return (fn if fn is not None else t._accumulator(), 0)


_NO_EDGE = (None, 0)


def dispatch(op: OpDef | str, *args, **options) -> Tensor:
    """Run registry entry ``op`` on ``args`` and record it when grad mode is on.

    Tensors and Python scalars are inputs (a scalar never requires grad); keyword
    ``options`` are static (``dim=1``, ``reduction="sum"``) and must be hashable.
    Inputs are promoted as PyTorch promotes them (``dtypes.RULES``); an op that
    touches a 64-bit dtype runs in JAX's 64-bit mode (``dtypes.scope``).

    >>> a = Tensor(jnp.ones(3), requires_grad=True)
    >>> dispatch("mul", a, 2.0).grad_fn
    <MulBackward0 object at 0x...>
    """
    if type(op) is str:
        op = OPS[op]
    n = op.inputs
    last = len(args) if n is None else n  # the graph inputs: args[:last]
    values, tensors, first = [], [], None
    mixed = wide = big = flag = needs = False
    i = 0
    for a in args:
        if isinstance(a, Tensor):
            d = a._dtype
            if first is None:
                first = d
            elif d is not first:
                mixed = True
            if d.x64:
                wide = True
            values.append(a._val)
            if i < last:
                tensors.append(a)
                if a._requires_grad:
                    needs = True
        else:
            ta = type(a)
            if ta is _ArrayImpl and a.dtype.itemsize == 8:
                wide = True  # a raw 64-bit array (an index, a target)
            elif ta is int and not -(2**31) <= a < 2**31:
                big = True  # a Python int past int32
            elif ta is bool:
                flag = True
            values.append(a)
        i += 1
    check = op.check
    if check is not None and not (
        # a rule on dtypes alone passes for one floating dtype (checks.dtype_rule)
        first is not None
        and first.is_floating_point
        and not (mixed or flag)
        and getattr(check, "dtype_rule", False)
    ):
        check(*args, **options)
    if big and not wide:
        values, wide = _big_ints(values, first)
    values = tuple(values)
    target = None
    rule = _dt.RULES.get(op.name)
    if rule is not None and (mixed or first is None or not first.is_floating_point):
        op, target = _promoted(op, rule, args, options)
        wide = wide or target.x64
    if options and "dtype" in options and np.dtype(options["dtype"]).itemsize == 8:
        wide = True
    if wide and any(_is_tracer(v) for v in values):
        # Traced code keeps the caller's mode: without x64, 64-bit constants
        # enter the trace 32 bits wide, as JAX would have stored them.
        wide = False
        if not jax.config.jax_enable_x64:
            values = tuple(_dt.narrow(v) for v in values)
    if wide:  # 64-bit: now, in JAX's 64-bit mode (pending inputs computed first)
        values = fast.concrete(values)
        with _dt.scope():
            out = fast.forward(op, values, options, defer=False)
    else:
        out = fast.forward(op, values, options)
    inputs = args if n is None else args[:n]
    enabled = getattr(_grad_state, "enabled", True)
    record = needs and enabled
    if not enabled and type(out) is not _Lazy and any(_is_tracer(v) for v in values):
        # A no_grad scope under jax.grad: stop the gradient, not just the recording.
        out = jax.lax.stop_gradient(out)
    jdtype = out.dtype
    dtype = _BY_NARROW.get(jdtype)
    if target is not None:  # PyTorch's promotion decided it
        dtype = target
    elif dtype is None:
        dtype = _result_dtype(out, tensors)
    else:  # a narrow result: widened back only when a wide tensor took part
        wide_dtype = _NARROW[jdtype]
        for t in tensors:
            if t._dtype is wide_dtype:
                dtype = _result_dtype(out, tensors)
                break
    result = object.__new__(Tensor)
    result._init(out, dtype)
    if op.layout == "same":
        result._strides = _result_strides(tensors, out.shape)
    if record and dtype.is_floating_point:
        result._requires_grad = True
        node = result.grad_fn = Node(
            op,
            tuple(sorted(options.items())) if options else (),
            values,
            tuple([_edge(a) for a in inputs]),
            args,
        )
        if op.saves:
            node.versions = _saved_versions(op.saves, inputs, result)
        if wide:
            _WIDE_NODES.add(node)
        if _anomaly.enabled:
            _anomaly.record(node)
    return result


def _saved_versions(saves: tuple, inputs, result) -> tuple:
    """``(tensor, version)`` of each tensor PyTorch saves for the op: an index, or
    ``(index, needed_by)`` (saved when one of those inputs requires grad); ``-1``
    is the result (held weakly: the result holds its node). The node that made
    each one rides along, for the error message."""
    out = []
    for s in saves:
        if type(s) is tuple:
            s, needed_by = s
            for i in needed_by:
                if isinstance(inputs[i], Tensor) and inputs[i]._requires_grad:
                    break
            else:
                continue
        if s == -1:
            out.append((weakref.ref(result), 0, result.grad_fn))
        elif isinstance(inputs[s], Tensor):
            t = inputs[s]
            out.append((t, t._version, t.grad_fn))
    return tuple(out)


_AS_STRIDED = OPS["as_strided"]
_COPY_SLICES = OPS["copy_slices"]


def _retaining(*tensors) -> list:
    """``(tensor, node)`` for each tensor that retains its grad at ``node``."""
    out = []
    for t in tensors:
        fn = None if t is None else t.grad_fn
        if fn is not None and fn.retained is not None and fn.retained() is t:
            out.append((t, fn))
    return out


def _rebase(base: Tensor, chain: tuple, old, node: Node) -> None:
    """After ``node``'s op wrote through the view ``chain`` of ``base``: the base's
    history is now that op applied to a slice of its old value (``CopySlices``)."""
    options = (("chain", chain), ("inner", node.op), ("inner_options", node.options))
    base.grad_fn = Node(
        _COPY_SLICES,
        options,
        (old,) + tuple(node.saved[1:]),
        (_edge(base),) + tuple(node.next_functions[1:]),
        (base,) + tuple(node.inputs[1:]),
    )
    base._requires_grad = True


# Recorded nodes of 64-bit ops: a backward through one runs in JAX's 64-bit mode.
_WIDE_NODES: weakref.WeakSet = weakref.WeakSet()


def _promoted(op: OpDef, rule: tuple, args: tuple, options: dict):
    """``op`` computing in PyTorch's promoted dtype of ``args``, and that dtype."""
    kind, n = rule
    operands = [
        a
        for a in (args if n is None else args[:n])
        if isinstance(a, Tensor) or type(a) in _NUMBERS
    ]
    operands += [
        options[k]
        for k in _dt.SCALAR_OPTIONS
        if k in options and type(options[k]) in _NUMBERS
    ]
    target = _dt.op_result_type(kind, operands)
    casts = tuple(
        isinstance(a, Tensor) and a._dtype is not target
        for a in (args if n is None else args[:n])
    )
    return (_cast_op(op, casts, target) if any(casts) else op), target


_NUMBERS = frozenset((bool, int, float, complex))


@functools.lru_cache(maxsize=1024)
def _cast_op(op: OpDef, casts: tuple[bool, ...], target: _dt.dtype) -> OpDef:
    """``op`` whose flagged positional inputs are cast to ``target`` first (inside
    the forward, so the VJP casts the gradients back)."""
    forward = op.forward

    def cast_forward(*values, **options):
        store = target.storage()
        values = [
            v.astype(store) if c else v
            for v, c in zip(values, casts + (False,) * len(values), strict=False)
        ]
        return forward(*values, **options)

    return op._replace(forward=cast_forward)


def _indices(arg, value, **kwargs) -> Tensor:
    """``argmax``/``argmin`` indices as int64, as in PyTorch."""
    with _dt.scope(not _is_tracer(value)):
        return Tensor._wrap(arg(value, **kwargs).astype(_dt.int64.storage()), _dt.int64)


def _scalar_index() -> Tensor:
    """The index a 0-d tensor's ``max(0)``/``argmax(0)`` give: ``tensor(0)``."""
    return _indices(lambda v: jnp.zeros((), jnp.int32), 0)


def _big_ints(values: list, first) -> tuple[list, bool]:
    """Python ints past int32 beside 32-bit tensors: a floating tensor takes them
    as floats (as torch's float32 kernels do); otherwise the op runs 64 bits wide."""
    for v in values:
        if type(v) is int and not -(2**63) <= v < 2**63:
            raise OverflowError("int too big to convert")
    if first is not None and (first.is_floating_point or first.is_complex):
        return [float(v) if type(v) is int else v for v in values], False
    return values, True


def as_grad_tensor(ct, create_graph: bool = False) -> Tensor:
    """Present a gradient flowing through the engine as a Tensor (for hooks)."""
    return ct if isinstance(ct, Tensor) else Tensor._wrap(ct)


def _tensor_hook(hook):
    """A tensor hook as the engine calls it: on the gradient as it flows (an
    array, or a Tensor under ``create_graph``), returning the same kind."""

    def run(ct):
        grad = as_grad_tensor(ct)
        out = hook(grad)
        _checks.hook_result(hook, grad, out, _is_tensor)
        if out is None:
            return ct
        return out if isinstance(ct, Tensor) else out._value

    return run


def differentiable_apply(node: Node, ct: Tensor) -> tuple:
    """``node.apply`` recorded as facade ops, so the gradients are differentiable
    (``create_graph=True``): one op per input that needs grad. A node that is
    not a registry op (a custom Function's) pulls back with its own
    ``differentiable``."""
    if type(node) is not Node:
        return node.differentiable(ct)
    if node.saved is None:
        node.apply(ct._value)  # raises the freed-graph error
    mask = node.diff_mask()
    out, j = [], 0
    with enable_grad():
        for d in mask[: len(node.next_functions)]:
            if not d:
                out.append(None)
                continue
            out.append(
                dispatch(_vjp_op(node.op, node.options, mask, j), *node.inputs, ct)
            )
            j += 1
    return tuple(out)


@functools.lru_cache(maxsize=1024)
def _vjp_op(op: OpDef, options: tuple, mask: tuple[bool, ...], j: int) -> OpDef:
    vjp = vjp_of(op, options, mask)
    return OpDef(
        f"{op.name}_backward",
        lambda *a: vjp(a[:-1], a[-1])[j],
        f"{op.node_name}Backward",
    )


class Tensor:
    """A PyTorch-style tensor over a ``jax.Array``.

    >>> w = Tensor(jnp.ones(3), requires_grad=True)
    >>> loss = (w * w).sum()
    >>> loss.backward()
    >>> w.grad
    tensor([2., 2., 2.])
    """

    __slots__ = (
        "_val",  # a jax.Array, a tracer, or a pending fast.Lazy (read ``_value``)
        "_dtype",
        "_requires_grad",
        "grad_fn",
        "_grad",
        "_hooks",
        "_acc",
        "_ver",  # the version while the tensor shares no version counter
        "_vc",  # None, or the VersionCounter shared with views and detach()
        "_strides",
        "_storage",  # None, or the Storage shared with views and aliases
        "_chain",  # the view ops from the storage's base to this tensor
        "_base",  # torch's ``_base``: the tensor this one is a view of
        "__weakref__",
    )

    def __init__(
        self,
        value: Any = (),
        *sizes: int,
        dtype: Any = None,
        requires_grad: bool = False,
    ):
        if sizes:  # the legacy ``torch.Tensor(2, 3)``: sizes, default float
            value = np.zeros([_checks.integer(v, "size") for v in (value, *sizes)])
            dtype = _dt.get_default_dtype() if dtype is None else dtype
        elif dtype is None and type(value) in (list, tuple):
            dtype = _dt.get_default_dtype()  # legacy ``torch.Tensor(data)``
        d = _dt.to_dtype(dtype) if dtype is not None else None
        value = _raw(value)
        if not _is_tracer(value):
            with _dt.scope(d is not None and d.x64):
                value = jnp.asarray(value, dtype=d.storage() if d is not None else None)
        elif d is not None:
            value = value.astype(d.storage())
        self._init(value, d if d is not None else _dt.from_jax(value.dtype))
        self.requires_grad = requires_grad

    def _init(self, value, dtype: _dt.dtype) -> None:
        self._val = value
        self._dtype = dtype
        self._requires_grad = False
        self.grad_fn = None
        self._grad = None
        self._hooks = None
        self._acc = None
        self._ver = 0
        self._vc = None
        self._strides = None  # None: contiguous
        self._storage = None
        self._chain = ()
        self._base = None

    @classmethod
    def _wrap(cls, value, dtype: _dt.dtype | None = None) -> Tensor:
        """A leaf without grad around ``value`` (no copy, no checks)."""
        t = object.__new__(cls)
        t._init(value, dtype if dtype is not None else _dt.from_jax(value.dtype))
        return t

    @property
    def _value(self):
        """The value, computed now if it is pending (see ``fast``)."""
        v = self._val
        if type(v) is _Lazy:
            v = self._val = fast.materialise(v)
        return v

    @_value.setter
    def _value(self, value) -> None:
        """Replace the values in place, seen by every view and alias (the version
        is the caller's to bump)."""
        s = self._storage
        if s is None:
            self._val = value
        else:
            if s.viewed:
                value = fast.materialise(value)
                s.value = fast.materialise(s.value)
            if self._dtype.x64 and not _is_tracer(value):
                with _dt.scope():
                    s.write(self._chain, value)
            else:
                s.write(self._chain, value)

    @property
    def _version(self) -> int:
        """PyTorch's version counter, shared by views and ``detach()``."""
        vc = self._vc
        return self._ver if vc is None else vc.n

    @_version.setter
    def _version(self, n: int) -> None:
        vc = self._vc
        if vc is None:
            self._ver = n
        else:
            vc.n = n

    def _write(self, value) -> None:
        """An in-place write: new values (seen by views and aliases), version + 1."""
        if self._storage is None:
            self._val = value
        else:
            self._value = value
        vc = self._vc
        if vc is None:
            self._ver += 1
        else:
            vc.n += 1

    def _share(
        self, out: Tensor, chain_step: tuple | None, version: bool = True
    ) -> Tensor:
        """Make ``out`` a view of this tensor (``chain_step`` the view op), or an
        alias (``None``: same chain, not a view), sharing the version counter
        unless not ``version``; returns ``out``."""
        s = self._storage
        if s is None:
            s = Storage(self._val)
            s.join(self, ())
        if version:
            if self._vc is None:
                self._vc = VersionCounter(self._ver)
            out._vc = self._vc
        if chain_step is None:
            s.join(out, self._chain)
        else:
            s.join(out, self._chain + (chain_step,))
            out._base = self if self._base is None else self._base
        return out

    def _type_name(self) -> str:
        """How PyTorch's messages name the tensor: ``torch.FloatTensor [3]``."""
        name = _SCALAR_NAMES.get(self._dtype.name, self._dtype.name)
        return f"torch.{name}Tensor [{', '.join(str(d) for d in self.shape)}]"

    # --- JAX interop ------------------------------------------------------------------
    def __jax_array__(self):
        return self._value

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self._value, dtype=dtype)

    # --- metadata ---------------------------------------------------------------------
    @property
    def shape(self) -> Size:
        return Size(self._val.shape)

    def size(self, dim: int | None = None):
        return self.shape if dim is None else self._val.shape[dim]

    @property
    def dtype(self) -> _dt.dtype:
        return self._dtype

    @property
    def ndim(self) -> int:
        return len(self._val.shape)

    def dim(self) -> int:
        return len(self._val.shape)

    ndimension = dim

    def numel(self) -> int:
        return math.prod(self._val.shape)

    nelement = numel

    def stride(self, dim: int | None = None):
        """Strides in elements, as PyTorch lays the tensor out (views share them).

        >>> Tensor(jnp.ones((2, 3))).t().stride()
        (1, 3)
        """
        strides = self._layout()
        return strides if dim is None else strides[_wrap_dim(dim, self.ndim)]

    def _layout(self) -> tuple[int, ...]:
        if self._strides is None:
            return contiguous_strides(self._val.shape)
        return self._strides

    def is_contiguous(self, memory_format=None) -> bool:
        return self._strides is None or is_contiguous(self.shape, self._strides)

    def contiguous(self, memory_format=None) -> Tensor:
        """Self when contiguous, else a contiguous copy (``CloneBackward0``)."""
        if self.is_contiguous():
            return self
        out = dispatch("clone", self)
        out._strides = None
        return out

    def is_floating_point(self) -> bool:
        return self._dtype.is_floating_point

    @property
    def device(self) -> str:
        return (
            "cpu"
            if _is_tracer(self._value)
            else str(next(iter(self._value.devices())).platform)
        )

    @property
    def data(self) -> Tensor:
        """A tensor without grad on the same storage (writes to it are seen here).

        >>> w = Tensor(jnp.ones(2), requires_grad=True)
        >>> _ = w.data.add_(1.0); w
        tensor([2., 2.], requires_grad=True)
        """
        out = Tensor._wrap(self._val, self._dtype)
        out._strides = self._strides
        return self._share(out, None, version=False)

    @data.setter
    def data(self, other: Tensor) -> None:
        """Rebind: this tensor now shows ``other``'s storage."""
        if not isinstance(other, Tensor):  # an array: a fresh storage
            other = Tensor._wrap(other)
        other._share(self, None, version=False)
        self._val = other._val
        self._dtype = other._dtype
        self._strides = other._strides

    def _is_view(self) -> bool:
        return self._base is not None

    def data_ptr(self) -> int:
        """Where the first element lives: the storage's address plus the offset.

        >>> x = Tensor(jnp.zeros(3)); x[1:].data_ptr() - x.data_ptr()
        4
        """
        return self.untyped_storage().data_ptr() + self.storage_offset() * (
            self._val.dtype.itemsize
        )

    def storage_offset(self) -> int:
        if not self._chain or self.numel() == 0:
            return 0
        base = self._storage.value
        return int(index_map(tuple(base.shape), self._chain).reshape(-1)[0])

    def untyped_storage(self) -> UntypedStorage:
        """The storage: equal for a tensor and its views and aliases."""
        if self._storage is None:
            Storage(self._val).join(self, ())
        return UntypedStorage(self._storage)

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._val.shape[0]

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(len(self)))

    def __hash__(self) -> int:
        return id(self)

    # --- conversion -------------------------------------------------------------------
    def item(self):
        if self.numel() != 1:
            raise RuntimeError(
                f"a Tensor with {self.numel()} elements cannot be converted to Scalar"
            )
        return np.asarray(self._value).reshape(()).item()

    def tolist(self):
        return np.asarray(self._value).tolist()

    def numpy(self) -> np.ndarray:
        if self.requires_grad:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use "
                "tensor.detach().numpy() instead."
            )
        return np.asarray(self._value)

    def _scalar(self):
        if self.numel() != 1:
            raise ValueError(
                "only one element tensors can be converted to Python scalars"
            )
        return self.item()

    def __float__(self) -> float:
        return float(self._scalar())

    def __int__(self) -> int:
        return int(self._scalar())

    def __complex__(self) -> complex:
        return complex(self._scalar())

    def __bool__(self) -> bool:
        if self.numel() != 1:
            raise RuntimeError(
                "Boolean value of Tensor with more than one value is ambiguous"
            )
        return bool(self.item())

    def __index__(self) -> int:
        if self._dtype.is_floating_point or self.numel() != 1:
            raise TypeError(
                "only integer tensors of a single element can be converted to an index"
            )
        return int(self.item())

    def __format__(self, spec: str) -> str:
        if self.ndim == 0 and spec:
            return format(self.item(), spec)
        return format(repr(self), spec)

    def __repr__(self) -> str:
        if _is_tracer(self._value):
            return f"tensor(<traced {self._dtype.name}{list(self.shape)}>)"
        grad_fn = short_name(self.grad_fn) if self.grad_fn is not None else None
        return format_tensor(
            np.asarray(self._value),
            dtype=self._dtype.name,
            requires_grad=self.requires_grad and self.grad_fn is None,
            grad_fn=grad_fn,
            is_parameter=getattr(self, "_is_parameter", False),
        )

    # --- autograd state ---------------------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        flag = bool(flag)
        if self.grad_fn is not None:
            if not flag:
                raise RuntimeError(NON_LEAF_REQUIRES_GRAD)
            return
        if flag and not (self._dtype.is_floating_point or self._dtype.is_complex):
            raise RuntimeError(FLOAT_ONLY_ATTRIBUTE)
        self._requires_grad = flag

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        if requires_grad and not (
            self._dtype.is_floating_point or self._dtype.is_complex
        ):
            raise RuntimeError(FLOAT_ONLY)
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def grad(self) -> Tensor | None:
        if self.grad_fn is not None and not self.retains_grad:
            warnings.warn(NON_LEAF_GRAD, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    "assigned grad expected to be a Tensor or None but got grad of "
                    f"type {type(value).__name__}"
                )
            if value.shape != self.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value.shape)}' "
                    f"to a tensor of size '{list(self.shape)}'. Please ensure that "
                    "the gradient and the tensor are the same size"
                )
            if value.dtype is not self.dtype:
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype "
                    f"'{_CPP_NAMES.get(value.dtype.name, value.dtype.name)}' to a "
                    f"tensor with grad_dtype '{_SCALAR_NAMES.get(self.dtype.name)}'. "
                    "The gradient must match the tensor's grad_dtype (defaults to "
                    "the tensor's dtype). You can set the tensor's grad_dtype "
                    "attribute with a specific dtype, or None to allow any dtype. "
                    "Set grad_dtype with caution. Diverging the dtypes of a tensor "
                    "and its gradient may break downstream systems that assume "
                    "they match."
                )
        self._grad = value

    @property
    def retains_grad(self) -> bool:
        return self.grad_fn is not None and self.grad_fn.retained is not None

    def retain_grad(self) -> None:
        if self.grad_fn is None:
            if not self.requires_grad:
                raise RuntimeError(
                    "can't retain_grad on Tensor that has requires_grad=False"
                )
            return
        self.grad_fn.retained = weakref.ref(self)

    def _accumulator(self) -> AccumulateGrad:
        acc = self._acc() if self._acc is not None else None
        if acc is None:
            acc = AccumulateGrad(self)
            self._acc = weakref.ref(acc)
        return acc

    def register_hook(self, hook) -> _HookHandle:
        """Call ``hook(grad)`` when this tensor's gradient is computed; a returned
        Tensor replaces the gradient. Returns a handle with ``remove()``."""
        if not self.requires_grad:
            raise RuntimeError(
                "cannot register a hook on a tensor that doesn't require gradient"
            )
        if self.grad_fn is not None:
            if self.grad_fn.pre_hooks is None:
                self.grad_fn.pre_hooks = {}
            hooks = self.grad_fn.pre_hooks
        else:
            if self._hooks is None:
                self._hooks = {}
            hooks = self._hooks
        return _HookHandle(hooks, _tensor_hook(hook))

    def _run_hooks(self, ct, create_graph: bool):
        if self._hooks:
            for hook in list(self._hooks.values()):
                ct = hook(ct)
        return ct

    def _accumulate(self, ct, create_graph: bool) -> None:
        """Add ``ct`` to ``.grad`` as PyTorch does: in place, or recorded under
        ``create_graph``."""
        if create_graph:
            with enable_grad():
                g = ct if isinstance(ct, Tensor) else Tensor._wrap(ct)
                self._grad = g if self._grad is None else self._grad + g
            return
        ct = _raw(ct)
        with _dt.scope(self._dtype.x64 and not _is_tracer(ct)):
            if ct.dtype != self._val.dtype:
                ct = ct.astype(self._val.dtype)
            if self._grad is None:
                self._grad = Tensor._wrap(ct, self._dtype)
            else:
                self._grad._write(self._grad._value + ct)

    def backward(
        self,
        gradient: Tensor | None = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
        inputs: Sequence[Tensor] | Tensor | None = None,
    ) -> None:
        """Accumulate the gradient of this tensor into the leaves' ``.grad``."""
        backward(
            (self,),
            None if gradient is None else (gradient,),
            retain_graph,
            create_graph,
            inputs=inputs,
        )

    def detach(self) -> Tensor:
        """A tensor without grad on the same storage (not a view).

        >>> x = Tensor(jnp.zeros(2), requires_grad=True)
        >>> _ = x.detach().add_(1.0); x
        tensor([1., 1.], requires_grad=True)
        """
        value = self._val
        if _is_tracer(value):
            value = jax.lax.stop_gradient(value)
        out = Tensor._wrap(value, self._dtype)
        out._strides = self._strides
        return self._share(out, None)

    def detach_(self) -> Tensor:
        if self._base is not None:
            raise RuntimeError(DETACH_VIEW)
        if _is_tracer(self._value):
            self._value = jax.lax.stop_gradient(self._value)
        self.grad_fn = None
        self._requires_grad = False
        return self

    # --- in-place ---------------------------------------------------------------------
    def _inplace(self, op: str, *args, **options) -> Tensor:
        """Run ``op`` and write its result into this tensor's storage. Recorded on
        a view, the base's history is rebased (``CopySlices``) and its views
        replay from the base (``AsStridedBackward0``), as in PyTorch."""
        base = self._base
        if is_grad_enabled():
            if self.grad_fn is None and self._requires_grad:
                raise RuntimeError(LEAF_INPLACE)
            if base is not None and base.grad_fn is None and base._requires_grad:
                raise RuntimeError(VIEW_LEAF_INPLACE)
        out = dispatch(op, self, *args, **options)
        if out._val.shape != self._val.shape:
            raise RuntimeError(
                f"output with shape {list(self.shape)} doesn't match the broadcast "
                f"shape {list(out.shape)}"
            )
        if out._dtype is not self._dtype and _category(out._dtype) > _category(
            self._dtype
        ):
            raise RuntimeError(
                f"result type {_SCALAR_NAMES[out._dtype.name]} can't be cast to the "
                f"desired output type {_SCALAR_NAMES[self._dtype.name]}"
            )
        value = out._val
        if value.dtype != self._val.dtype:
            value = out._value.astype(self._val.dtype)
        node = out.grad_fn
        if node is None:
            self._write(value)
            return self
        version = self._version
        retaining = _retaining(self, base)
        if base is None:
            self._write(value)
            self.grad_fn, self._requires_grad = node, True
            self._replay_views(self)
        else:
            old = base._value
            self._write(value)
            _rebase(base, self._chain[len(base._chain) :], old, node)
            self._replay_views(base)
        for t, old_fn in retaining:  # retain_grad follows the tensor's new node
            old_fn.retained = None
            t.grad_fn.retained = weakref.ref(t)
        if node.versions:  # this write is the op's own: its saved self is current
            node.versions = tuple(
                (t, v + 1 if t is self and v == version else v, fn)
                for t, v, fn in node.versions
            )
        return self

    def _replay_views(self, base: Tensor) -> None:
        """Give every view of ``base`` (whose history changed) a node that reads
        it from the base's new value, as PyTorch's ``AsStridedBackward0``."""
        if base._storage is None:
            return
        edge = (base.grad_fn, 0)
        for v in base._storage.live():
            if v._base is base:
                chain = v._chain[len(base._chain) :]
                v.grad_fn = Node(
                    _AS_STRIDED, (("chain", chain),), (base._value,), (edge,), (base,)
                )
                v._requires_grad = True

    def add_(self, other, *, alpha=1) -> Tensor:
        return self._inplace("add", other, **({"alpha": alpha} if alpha != 1 else {}))

    def sub_(self, other, *, alpha=1) -> Tensor:
        return self._inplace("sub", other, **({"alpha": alpha} if alpha != 1 else {}))

    def mul_(self, other) -> Tensor:
        return self._inplace("mul", other)

    def div_(self, other) -> Tensor:
        return self._inplace("div", other)

    __iadd__ = add_
    __isub__ = sub_
    __imul__ = mul_
    __itruediv__ = div_

    def _records(self, other=None) -> bool:
        """Whether an in-place op on this tensor (from ``other``) is recorded."""
        if not getattr(_grad_state, "enabled", True):
            return False
        base = self._base
        if self._requires_grad or (base is not None and base._requires_grad):
            return True
        return isinstance(other, Tensor) and other._requires_grad

    def zero_(self) -> Tensor:
        if self._records():
            return self._inplace("zero")
        return self._fill(0)

    def fill_(self, value) -> Tensor:
        if isinstance(value, Tensor):
            value = value.item()
        if self._records():
            return self._inplace("fill", value=value)
        return self._fill(value)

    def _fill(self, value) -> Tensor:
        """``fill_`` not recorded: every element set to ``value``."""
        shape, dtype = self._val.shape, self._val.dtype
        if self._dtype.x64 and not _is_tracer(self._val):
            with _dt.scope():
                self._write(fast.full(shape, _raw(value), dtype))
        else:
            self._write(fast.full(shape, _raw(value), dtype))
        return self

    @_dt.scoped_self
    def copy_(self, src) -> Tensor:
        _check_expand(tuple(self.shape), tuple(jnp.shape(_raw(src))))
        if self._records(src):
            if not isinstance(src, Tensor):
                src = Tensor(src)
            return self._inplace("copy_", src)
        value = jnp.broadcast_to(
            jnp.asarray(_raw(src), self._value.dtype), self._value.shape
        )
        if not is_grad_enabled() and _is_tracer(value):
            value = jax.lax.stop_gradient(value)
        self._write(value)
        return self

    # --- arithmetic -------------------------------------------------------------------
    def __add__(self, other):
        return dispatch("add", self, other)

    def __radd__(self, other):
        return dispatch("add", self, other)

    def __sub__(self, other):
        return dispatch("sub", self, other)

    def __rsub__(self, other):
        return dispatch("rsub", self, other)

    def __mul__(self, other):
        return dispatch("mul", self, other)

    __rmul__ = __mul__

    def __truediv__(self, other):
        return dispatch("div", self, other)

    def __rtruediv__(self, other):
        return dispatch("mul", dispatch("reciprocal", self), other)

    def __neg__(self):
        return dispatch("neg", self)

    def masked_fill_(self, mask, value) -> Tensor:
        kind = mask._dtype.name if isinstance(mask, Tensor) else None
        mask = _raw(mask)
        if jnp.result_type(mask) != jnp.bool_:
            kind = kind or _dt.from_jax(jnp.result_type(mask)).name
            raise RuntimeError(
                "masked_fill_ only supports boolean masks, but got mask with dtype "
                f"{_CPP_NAMES.get(kind, kind)}"
            )
        broadcast_shapes(self.shape, jnp.shape(mask))
        if isinstance(value, Tensor):
            value = value.item()
        return self._inplace("masked_fill", mask, value=value)

    def masked_fill(self, mask, value) -> Tensor:
        return self.clone().masked_fill_(mask, value)

    def index_add_(self, dim: int, index, source, *, alpha=1) -> Tensor:
        d = _wrap_dim(dim, self.ndim)
        idx = np.asarray(_raw(index))
        if idx.size and (idx.min() < 0 or idx.max() >= self.shape[d]):
            raise IndexError("index out of range in self")
        opts = {"alpha": alpha} if alpha != 1 else {}
        return self._inplace("index_add", source, jnp.asarray(idx), dim=d, **opts)

    def scatter_(self, dim: int, index, src=None, *, value=None) -> Tensor:
        return self._scatter(dim, index, src, value, self._inplace)

    def scatter(self, dim: int, index, src=None, *, value=None) -> Tensor:
        """``src`` (a tensor: ``ScatterBackward0``, or a number:
        ``ScatterBackward1``) written at ``index`` along ``dim``, out of place.

        >>> Tensor(jnp.zeros((2, 2))).scatter(1, Tensor(jnp.array([[1], [0]])), 5.0)
        tensor([[0., 5.],
                [5., 0.]])
        """
        return self._scatter(
            dim, index, src, value, lambda op, *a, **k: dispatch(op, self, *a, **k)
        )

    def _scatter(self, dim, index, src, value, run) -> Tensor:
        d = _wrap_dim(dim, self.ndim)
        if src is None:
            src = value
        if isinstance(src, Tensor):
            index_like("scatter", self, d, index, src)
            return run("scatter", src, index._value, dim=d)
        index_like("scatter", self, d, index)
        value = src.item() if isinstance(src, Tensor) else src
        return run("scatter.value", index._value, dim=d, value=value)

    def __pow__(self, exponent):
        if isinstance(exponent, Tensor):
            return dispatch("pow.Tensor_Tensor", self, exponent)
        return dispatch("pow.Tensor_Scalar", self, exponent=exponent)

    def __rpow__(self, base):
        return dispatch("pow.Scalar", self, base=base)

    def __mod__(self, other):
        return self.remainder(other)

    def add(self, other, *, alpha=1):
        return dispatch("add", self, other, **({"alpha": alpha} if alpha != 1 else {}))

    def sub(self, other, *, alpha=1):
        return dispatch("sub", self, other, **({"alpha": alpha} if alpha != 1 else {}))

    def mul(self, other):
        return dispatch("mul", self, other)

    def div(self, other):
        return dispatch("div", self, other)

    def mm(self, other):
        _checks.mm(self, other)
        return dispatch("mm", self, other)

    def mv(self, other):
        _checks.mv(self, other)
        return dispatch("mv", self, other)

    def dot(self, other):
        _checks.dot(self, other)
        return dispatch("dot", self, other)

    def bmm(self, other):
        if self.ndim != 3 or other.ndim != 3:
            raise RuntimeError(f"batch{1 if self.ndim != 3 else 2} must be a 3D tensor")
        if self._dtype is not other._dtype:
            raise RuntimeError(
                f"expected scalar type {_SCALAR_NAMES[self._dtype.name]} but found "
                f"{_SCALAR_NAMES[other._dtype.name]}"
            )
        if self.shape[0] != other.shape[0] or self.shape[2] != other.shape[1]:
            raise RuntimeError(
                "Expected size for first two dimensions of batch2 tensor to be: "
                f"[{self.shape[0]}, {self.shape[2]}] but got: "
                f"[{other.shape[0]}, {other.shape[1]}]."
            )
        return dispatch("bmm", self, other)

    # --- comparisons (never recorded) -------------------------------------------------
    @_dt.scoped
    def _compare(self, fn, other) -> Tensor:
        a, b = self._value, _raw(other)
        if (
            isinstance(other, Tensor)
            and other._dtype is not self._dtype
            or (type(other) in _NUMBERS and not self._dtype.is_floating_point)
        ):  # compared in PyTorch's promoted dtype
            store = _dt.result_type(self, other).storage()
            a, b = a.astype(store), b.astype(store) if isinstance(other, Tensor) else b
        broadcast_shapes(jnp.shape(a), jnp.shape(b))
        ndim = max(jnp.ndim(a), jnp.ndim(b))
        if jnp.ndim(b) < ndim and not isinstance(b, int | float):
            b = jnp.reshape(b, (1,) * (ndim - jnp.ndim(b)) + jnp.shape(b))
        if jnp.ndim(a) < ndim:
            a = jnp.reshape(a, (1,) * (ndim - jnp.ndim(a)) + jnp.shape(a))
        return Tensor._wrap(fn(a, b), _dt.bool)

    def __eq__(self, other):  # type: ignore[override]
        return self._compare(jnp.equal, other)

    def __ne__(self, other):  # type: ignore[override]
        return self._compare(jnp.not_equal, other)

    def __lt__(self, other):
        return self._compare(jnp.less, other)

    def __le__(self, other):
        return self._compare(jnp.less_equal, other)

    def __gt__(self, other):
        return self._compare(jnp.greater, other)

    def __ge__(self, other):
        return self._compare(jnp.greater_equal, other)

    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__

    @_dt.scoped
    def equal(self, other: Tensor) -> bool:
        return self.shape == other.shape and bool(jnp.all(self._value == other._value))

    @_dt.scoped
    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
        return bool(
            jnp.allclose(
                self._value, _raw(other), rtol=rtol, atol=atol, equal_nan=equal_nan
            )
        )

    # --- elementwise (one-input ops are generated from the registry) ------------------
    def __abs__(self):
        return dispatch("abs", self)

    # --- reductions -------------------------------------------------------------------
    def _reduce(self, name: str, dim, keepdim: bool, dtype=None):
        options = {} if dtype is None else {"dtype": dtype}
        if dim is None:
            return _in_dtype(dispatch(name, self, **options), options)
        axes = _reductions.dims(dim, self.ndim)
        out = dispatch(f"{name}.dim", self, dim=axes, keepdim=keepdim, **options)
        return _in_dtype(out, options)

    @_reductions.numpy_names
    def sum(self, dim=None, keepdim: bool = False, *, dtype=None):
        """Sum of all elements, or over ``dim`` (an int or a tuple); integer and
        bool tensors sum to ``int64``.

        >>> Tensor(jnp.array([[1, 2], [3, 4]])).sum((0, 1), dtype=_dt.float64)
        tensor(10., dtype=torch.float64)
        """
        dtype = _reductions.int64_if_integral(self, dtype)
        return self._reduce("sum", dim, keepdim, dtype)

    @_reductions.numpy_names
    def mean(self, dim=None, keepdim: bool = False, *, dtype=None):
        dtype = None if dtype is None else _reductions.as_option(dtype)
        return self._reduce("mean", dim, keepdim, dtype)

    @_reductions.numpy_names
    def prod(self, dim=None, keepdim: bool = False, *, dtype=None):
        """Product of all elements, or along one ``dim``.

        >>> Tensor(jnp.array([[1.0, 2.0], [3.0, 4.0]])).prod(1)
        tensor([ 2., 12.])
        """
        dtype = _reductions.int64_if_integral(self, dtype)
        options = {} if dtype is None else {"dtype": dtype}
        if dim is None:
            return _in_dtype(dispatch("prod", self, **options), options)
        axes = (_checks.wrap_dim(dim, self.ndim),) if self.ndim else ()
        out = dispatch("prod.dim_int", self, dim=axes, keepdim=keepdim, **options)
        return _in_dtype(out, options)

    def _along(self, name: str, op: str, dim, keepdim: bool):
        """``(values, indices)`` of ``op`` along one ``dim`` (``max.dim``...)."""
        d = _checks.wrap_dim(dim, self.ndim)
        if self.ndim:
            _reductions.nonempty(self, name, (d,), whole=False)
        else:
            return return_types(name)(dispatch("alias", self), _scalar_index())
        values = dispatch(op, self, dim=d, keepdim=bool(keepdim))
        found = _indices(OPS[op].indices, self._value, dim=d, keepdim=bool(keepdim))
        return return_types(name)(values, found)

    def _extreme(self, name: str, dim, keepdim: bool):
        if dim is None:
            _reductions.nonempty(self, name, (), whole=True)
            return dispatch(name, self)
        return self._along(name, f"{name}.dim", dim, keepdim)

    @_reductions.numpy_names
    def max(self, dim=None, keepdim: bool = False):
        """The largest element; with ``dim``, ``(values, indices)`` along it.

        >>> Tensor(jnp.array([[1.0, 5.0], [3.0, 2.0]])).max(1)
        torch.return_types.max(
        values=tensor([5., 3.]),
        indices=tensor([1, 0]))
        """
        if isinstance(dim, Tensor):
            return dispatch("maximum", self, dim)
        return self._extreme("max", dim, keepdim)

    @_reductions.numpy_names
    def min(self, dim=None, keepdim: bool = False):
        if isinstance(dim, Tensor):
            return dispatch("minimum", self, dim)
        return self._extreme("min", dim, keepdim)

    @_reductions.numpy_names
    def median(self, dim=None, keepdim: bool = False):
        """The lower median of all elements; with ``dim``, ``(values, indices)``.

        >>> Tensor(jnp.array([4.0, 1.0, 3.0, 2.0])).median()
        tensor(2.)
        """
        if dim is None:
            return dispatch("median", self)
        return self._along("median", "median.dim", dim, keepdim)

    def _arg(self, name: str, dim, keepdim: bool) -> Tensor:
        find = _reductions.first_max if name == "argmax" else _reductions.first_min
        if self._dtype is _dt.bool:
            raise RuntimeError(f"{name}(): does not support bool input")
        if dim is None:
            if not self.numel():
                raise IndexError(f"{name}(): {_EMPTY_REDUCTION.split('. ')[0]}.")
            found = _indices(find, self._value.reshape(-1), dim=0)
            return found.reshape((1,) * self.ndim) if keepdim else found
        d = _checks.wrap_dim(dim, self.ndim)
        if not self.ndim:
            return _scalar_index()
        _reductions.nonempty(self, name, (d,), whole=False)
        return _indices(find, self._value, dim=d, keepdim=bool(keepdim))

    @_reductions.numpy_names
    def argmax(self, dim=None, keepdim: bool = False) -> Tensor:
        """Position of the (first) largest element, flattened or along ``dim``.

        >>> Tensor(jnp.array([[1.0, 5.0], [5.0, 2.0]])).argmax(), Tensor(
        ...     jnp.array([[1.0, 5.0], [5.0, 2.0]])).argmax(0)
        (tensor(1), tensor([1, 0]))
        """
        return self._arg("argmax", dim, keepdim)

    @_reductions.numpy_names
    def argmin(self, dim=None, keepdim: bool = False) -> Tensor:
        return self._arg("argmin", dim, keepdim)

    @_reductions.numpy_names
    def argsort(self, dim: int = -1, descending: bool = False, *, stable=False):
        """Positions that sort the tensor along ``dim`` (a stable sort).

        >>> Tensor(jnp.array([3.0, 1.0, 2.0])).argsort(descending=True)
        tensor([0, 2, 1])
        """
        d = _checks.wrap_dim(dim, self.ndim)
        return _indices(_sorting.order, self._value, dim=d, descending=bool(descending))

    def sort(self, *args, **kwargs):
        """``(values, indices)`` sorted along ``dim`` (a stable sort; the
        ``stable=`` keyword selects PyTorch's other overload, ``SortBackward1``).

        >>> Tensor(jnp.array([3.0, 1.0, 2.0])).sort(descending=True)
        torch.return_types.sort(
        values=tensor([3., 2., 1.]),
        indices=tensor([0, 2, 1]))
        """
        stable = "stable" in kwargs
        if stable and args:
            got = [type(a).__name__ for a in args]
            got += [f"{k}={type(v).__name__}" for k, v in kwargs.items()]
            raise TypeError(
                "sort() received an invalid combination of arguments - got "
                f"({', '.join(got)}), but expected one of:\n"
                " * (int dim = -1, bool descending = False)\n"
                " * (*, bool stable, int dim = -1, bool descending = False)"
            )
        op = OPS["sort.stable" if stable else "sort"]
        return _call(op, self, args, kwargs, name="sort")

    def msort(self) -> Tensor:
        """The tensor sorted along its first dimension (``sort(dim=0)``'s values).

        >>> Tensor(jnp.array([[2.0, 1.0], [0.0, 3.0]])).msort()
        tensor([[0., 1.],
                [2., 3.]])
        """
        return self.sort(dim=0).values

    @_reductions.numpy_names
    def all(self, dim=None, keepdim: bool = False) -> Tensor:
        """Whether every element (along ``dim``) is nonzero; ``uint8`` input gives
        ``uint8``, as in PyTorch.

        >>> Tensor(jnp.array([[1.0, 0.0], [2.0, 3.0]])).all(1)
        tensor([False,  True])
        """
        return self._logical(jnp.all, dim, keepdim)

    @_reductions.numpy_names
    def any(self, dim=None, keepdim: bool = False) -> Tensor:
        """Whether some element (along ``dim``) is nonzero.

        >>> Tensor(jnp.array([[1.0, 0.0], [0.0, 0.0]])).any(1)
        tensor([ True, False])
        """
        return self._logical(jnp.any, dim, keepdim)

    def _logical(self, fn, dim, keepdim: bool) -> Tensor:
        axes = None if dim is None else _reductions.dims(dim, self.ndim)
        with _dt.scope(self._dtype.x64 and not _is_tracer(self._val)):
            found = fn(self._value != 0, axes, keepdims=bool(keepdim))
        if self._dtype is _dt.uint8:
            return Tensor._wrap(found.astype(jnp.uint8), _dt.uint8)
        return Tensor._wrap(found, _dt.bool)

    @_reductions.numpy_names
    def count_nonzero(self, dim=None) -> Tensor:
        """How many elements (along ``dim``) are nonzero, as ``int64``.

        >>> Tensor(jnp.array([[1.0, 0.0], [2.0, 3.0]])).count_nonzero(0)
        tensor([2, 1])
        """
        axes = None if dim is None else _reductions.dims(dim, self.ndim)
        return _indices(lambda v: jnp.sum(v != 0, axes), self._value)

    def unique(
        self, sorted: bool = True, return_inverse: bool = False,  # noqa: A002
        return_counts: bool = False, dim=None,
    ):  # fmt: skip
        """The distinct elements (or slices along ``dim``), sorted; with the
        position of each element among them and how often each occurs.

        >>> Tensor(jnp.array([3.0, 1.0, 3.0])).unique(return_counts=True)
        (tensor([1., 3.]), tensor([1, 2]))
        """
        return unique(self, sorted, return_inverse, return_counts, dim)

    def norm(self, p="fro", dim=None, keepdim: bool = False, dtype=None):
        """``torch.norm``: the vector 2-norm by default, ``p`` a number for other
        vector norms, ``'fro'``/``'nuc'`` for matrix norms.

        >>> Tensor(jnp.array([3.0, 4.0])).norm(), Tensor(jnp.array([3.0, -4.0])).norm(1)
        (tensor(5.), tensor(7.))
        """
        return norm(self, p, dim, keepdim, dtype=dtype)

    # --- shapes -----------------------------------------------------------------------
    # View ops keep PyTorch's strides, so ``reshape`` and ``matmul`` can decide, as
    # PyTorch does, between a view (``ViewBackward0``), an alias
    # (``ReshapeAliasBackward0``) and a copy (``CloneBackward0`` + ``_unsafe_view``).
    def _as_view(self, op: str, strides: tuple[int, ...], **options) -> Tensor:
        out = dispatch(op, self, **options)
        strides = tuple(strides)
        plain = strides == contiguous_strides(out._val.shape)
        out._strides = None if plain else strides
        step = (OPS[op], tuple(sorted(options.items())) if options else ())
        return self._share(out, step)

    def tile(self, *dims) -> Tensor:
        reps = _shape_arg(dims)
        return self.repeat((1,) * (self.ndim - len(reps)) + reps)

    def fliplr(self) -> Tensor:
        if self.ndim < 2:
            raise RuntimeError("Input must be >= 2-d.")
        return self.flip(1)

    def flipud(self) -> Tensor:
        if self.ndim < 1:
            raise RuntimeError("Input must be >= 1-d.")
        return self.flip(0)

    def rot90(self, k: int = 1, dims=(0, 1)) -> Tensor:
        """Rotated by 90 degrees ``k`` times in the plane of ``dims``; an odd ``k``
        gives PyTorch's transposed layout.

        >>> Tensor(jnp.arange(4.0).reshape(2, 2)).rot90()
        tensor([[1., 3.],
                [0., 2.]])
        """
        dims = tuple(dims)
        if len(dims) != 2:
            raise RuntimeError(
                f"expected total rotation dims == 2, but got dims = {len(dims)}"
            )
        if self.ndim < 2:
            raise RuntimeError(
                f"expected total dims >= 2, but got total dims = {self.ndim}"
            )
        d0, d1 = _wrap_dim(dims[0], self.ndim), _wrap_dim(dims[1], self.ndim)
        if d0 == d1:
            raise RuntimeError(
                "expected rotation dims to be different, but got dim0 = "
                f"{dims[0]} and dim1 = {dims[1]}"
            )
        k = _checks.integer(k, "k") % 4
        out = dispatch("rot90", self, k=k, dims=(d0, d1))
        if k % 2:  # a flip then a transpose, as torch computes it
            strides = list(contiguous_strides(self.shape))
            strides[d0], strides[d1] = strides[d1], strides[d0]
            out._strides = tuple(strides)
        return out

    def diag(self, diagonal: int = 0) -> Tensor:
        """A 1-D tensor's diagonal matrix, or a matrix's ``diagonal``-th diagonal.

        >>> Tensor(jnp.array([1.0, 2.0])).diag()
        tensor([[1., 0.],
                [0., 2.]])
        """
        if self.ndim == 1:
            return self.diag_embed(diagonal, 0, 1)
        if self.ndim != 2:
            raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {self.ndim}D")
        return dispatch("diagonal_copy", self, offset=_checks.integer(diagonal))

    def diagflat(self, offset: int = 0) -> Tensor:
        return self.contiguous().view(-1).diag_embed(offset, 0, 1)

    def outer(self, vec2: Tensor) -> Tensor:
        for name, t in (("self", self), ("vec2", vec2)):
            if t.ndim != 1:
                raise RuntimeError(
                    f"outer: Expected 1-D argument {name}, but got {t.ndim}-D"
                )
        return self.reshape(self.shape[0], 1) * vec2

    ger = outer

    def kron(self, other: Tensor) -> Tensor:
        """The Kronecker product (``UnsafeViewBackward0`` over a broadcast product).

        >>> Tensor(jnp.eye(2)).kron(Tensor(jnp.ones((1, 2))))
        tensor([[1., 1., 0., 0.],
                [0., 0., 1., 1.]])
        """
        n = max(self.ndim, other.ndim)
        a_shape = (1,) * (n - self.ndim) + tuple(self.shape)
        b_shape = (1,) * (n - other.ndim) + tuple(other.shape)
        a = dispatch("_unsafe_view", self, shape=_interleaved(a_shape, 1))
        b = dispatch("_unsafe_view", other, shape=_interleaved(b_shape, 0))
        out = tuple(x * y for x, y in zip(a_shape, b_shape, strict=True))
        return dispatch("_unsafe_view", a * b, shape=out)

    def take_along_dim(self, indices: Tensor, dim=None) -> Tensor:
        if indices.dtype.name != "int64":
            raise RuntimeError(
                "torch.take_along_dim(): dtype of indices should be Long but got "
                f"{_SCALAR_NAMES[indices.dtype.name]}"
            )
        if dim is None:
            return self.view(-1).gather(0, indices.view(-1))
        d = _wrap_dim(dim, self.ndim)
        if self.ndim != indices.ndim:
            raise RuntimeError(
                "torch.take_along_dim(): input and indices should have the same "
                f"number of dimensions, but got {self.ndim} dimensions for input, "
                f"and {indices.ndim} dimensions for indices"
            )
        a_shape, i_shape = list(self.shape), list(indices.shape)
        a_shape[d] = i_shape[d] = 1
        shape = broadcast_shapes(tuple(a_shape), tuple(i_shape))
        a = self.broadcast_to(shape[:d] + (self.shape[d],) + shape[d + 1 :])
        i = indices.broadcast_to(shape[:d] + (indices.shape[d],) + shape[d + 1 :])
        return a.gather(d, i)

    # --- copies and casts -------------------------------------------------------------
    def clone(self):
        return dispatch("clone", self)

    def to(self, dtype=None, *args, **kwargs):
        if isinstance(dtype, str) and dtype in ("cpu", "cuda", "gpu"):
            return self
        d = kwargs.get("dtype", dtype)
        if d is None:
            return self
        d = _dt.to_dtype(d)
        if d is self._dtype:
            return self
        with _dt.scope(d.x64 and not _is_tracer(self._val)):
            out = dispatch("_to_copy", self, dtype=d.storage())
        out._dtype = d
        if not d.is_floating_point:
            out.grad_fn, out._requires_grad = None, False
        return out

    def type(self, dtype=None):
        """``'torch.FloatTensor'`` without arguments; else a copy in ``dtype``."""
        if dtype is None:
            return f"torch.{_SCALAR_NAMES[self._dtype.name]}Tensor"
        return self.to(dtype)

    def float(self):
        return self.to(_dt.float32)

    def double(self):
        return self.to(_dt.float64)

    def half(self):
        return self.to(_dt.float16)

    def long(self):
        return self.to(_dt.int64)

    def int(self):
        return self.to(_dt.int32)

    def bool(self):
        return self.to(_dt.bool)

    def cpu(self):
        return self


class _HookHandle:
    """What ``register_hook`` returns: ``remove()`` unregisters the hook."""

    __slots__ = ("_hooks", "_id")
    _next = 0

    def __init__(self, hooks: dict, hook) -> None:
        _HookHandle._next += 1
        self._hooks, self._id = hooks, _HookHandle._next
        hooks[self._id] = hook

    def remove(self) -> None:
        self._hooks.pop(self._id, None)


def _interleaved(shape: tuple, at: int) -> tuple[int, ...]:
    """``shape`` with a unit axis beside each dimension (``kron``'s layout)."""
    out: list[int] = []
    for n in shape:
        out += [n, 1] if at else [1, n]
    return tuple(out)


def _shape_arg(shape) -> tuple[int, ...]:
    if len(shape) == 1 and isinstance(shape[0], tuple | list | Size):
        shape = shape[0]
    return tuple(_checks.integer(d, "size") for d in shape)


_wrap_dim = _checks.wrap_dim


def _wrap_dims(dim, ndim: int) -> int | tuple[int, ...]:
    if isinstance(dim, list | tuple):
        return tuple(_wrap_dim(d, ndim) for d in dim)
    return _wrap_dim(dim, ndim)


class _ReturnTypes(tuple):
    """``torch.return_types.max`` / ``min``: a ``(values, indices)`` named tuple."""

    _name = "max"

    def __new__(cls, values, indices):
        return super().__new__(cls, (values, indices))

    @property
    def values(self) -> Tensor:
        return self[0]

    @property
    def indices(self) -> Tensor:
        return self[1]

    def __repr__(self) -> str:
        return (
            f"torch.return_types.{self._name}(\nvalues={self[0]!r},\n"
            f"indices={self[1]!r})"
        )


class return_max(_ReturnTypes):  # noqa: N801 - torch's name
    _name = "max"


class return_min(_ReturnTypes):  # noqa: N801 - torch's name
    _name = "min"


_RETURN_TYPES: dict[str, type[_ReturnTypes]] = {"max": return_max, "min": return_min}


def return_types(name: str) -> type[_ReturnTypes]:
    """The ``torch.return_types.<name>`` class (``sort``, ``topk``...), made once.

    >>> return_types("sort").__name__
    'sort'
    """
    if name not in _RETURN_TYPES:
        _RETURN_TYPES[name] = type(name, (_ReturnTypes,), {"_name": name})
    return _RETURN_TYPES[name]


_EMPTY_REDUCTION = (
    "Expected reduction dim to be specified for input.numel() == 0. Specify the "
    "reduction dim with the 'dim' argument."
)


def _category(d: _dt.dtype) -> int:
    """bool < integer < floating < complex: an in-place result may not go up."""
    if d.is_complex:
        return 3
    if d.is_floating_point:
        return 2
    return 0 if d.name == "bool" else 1


_check_expand = _checks.expand


# --- norms and unique ----------------------------------------------------------------


def _floating_input(t: Tensor, name: str) -> None:
    if not (t._dtype.is_floating_point or t._dtype.is_complex):
        raise RuntimeError(
            f"{name}: Expected a floating point or complex tensor as input. Got "
            f"{_SCALAR_NAMES[t._dtype.name]}"
        )


def _norm_dtype(t: Tensor, dtype, name: str) -> dict:
    """The ``dtype`` option of a norm: empty unless it changes the input's."""
    if dtype is None:
        return {}
    d = _dt.to_dtype(dtype)
    if not (d.is_floating_point or d.is_complex):
        raise RuntimeError(
            f"{name}: dtype should be floating point or complex, but got "
            f"{_SCALAR_NAMES[d.name]}"
        )
    return {} if d is t._dtype else {"dtype": _reductions.as_option(d)}


def _check_inf_norm(x: Tensor, ord, dim, axes: tuple[int, ...]) -> None:
    if not (isinstance(ord, numbers.Real) and ord < 0 or math.isinf(ord)):
        return
    if dim is None and x.numel() == 0:
        raise RuntimeError(
            "linalg.vector_norm cannot compute the inf norm on an empty tensor "
            "because the operation does not have an identity"
        )
    for d in axes:
        if x.shape[d] == 0:
            raise RuntimeError(
                f"linalg.vector_norm cannot compute the inf norm on the dimension {d}"
                "because this dimension is empty and the operation does not have an "
                "identity"
            )


def vector_norm(x: Tensor, ord=2, dim=None, keepdim: bool = False, *, dtype=None):
    """``torch.linalg.vector_norm``: ``sum(|x|**ord)**(1/ord)`` over ``dim`` (all
    elements by default; ``ord`` may be ``inf``, ``-inf`` or ``0``).

    >>> vector_norm(Tensor(jnp.array([[3.0, 4.0], [0.0, 1.0]])), dim=1)
    tensor([5., 1.])
    """
    if isinstance(ord, str):
        raise TypeError(
            "linalg_vector_norm(): argument 'ord' (position 2) must be Number, not str"
        )
    _floating_input(x, "linalg.vector_norm")
    options = _norm_dtype(x, dtype, "linalg.vector_norm")
    axes = _reductions.dims(dim, x.ndim)
    _check_inf_norm(x, ord, dim, axes)
    out = dispatch(
        "linalg_vector_norm", x, ord=float(ord), dim=axes, keepdim=bool(keepdim),
        **options,
    )  # fmt: skip
    return _in_dtype(out, options)


def _matrix_dims(A: Tensor, ord, dim) -> tuple[int, int]:
    if isinstance(ord, str):
        supported = ord in ("fro", "nuc")
    else:
        supported = abs(ord) in (1, 2, math.inf)
    if not supported:
        shown = ord if isinstance(ord, str) else _format_number(ord)
        raise RuntimeError(f"linalg.matrix_norm: Order {shown} not supported.")
    _floating_input(A, "linalg.matrix_norm")
    if A.ndim < 2:
        raise RuntimeError(
            "linalg.matrix_norm: The input tensor A must have at least 2 dimensions."
        )
    dim = (dim,) if isinstance(dim, int) else tuple(dim)
    if len(dim) != 2:
        got = " ".join(str(d) for d in dim)
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {got}")
    d0, d1 = (_checks.wrap_dim(d, A.ndim) for d in dim)
    if d0 == d1:
        raise RuntimeError(
            f"linalg.matrix_norm: dims must be different. Got ({d0}, {d1})"
        )
    return d0, d1


def _format_number(x) -> str:
    return str(int(x)) if isinstance(x, float) and x.is_integer() else str(x)


def _spectral(A: Tensor, ord, d0: int, d1: int, keepdim: bool, dtype) -> Tensor:
    """The spectral (``ord=±2``) and nuclear norms: from the singular values of
    the matrices in dims ``d0, d1`` moved last, as PyTorch computes them."""
    src = A if dtype is None else A.to(dtype)
    perm = [d for d in range(A.ndim) if d not in (d0, d1)] + [d0, d1]
    s = dispatch("_linalg_svd", src.permute(*perm))
    if ord == "nuc":
        out = s.sum(-1, keepdim)
    else:
        out = s.amax(-1, keepdim) if ord > 0 else s.amin(-1, keepdim)
    if keepdim:
        out = out.unsqueeze(-1).permute(*np.argsort(perm).tolist())
    return out


def matrix_norm(A: Tensor, ord="fro", dim=(-2, -1), keepdim: bool = False, *,
                dtype=None) -> Tensor:  # fmt: skip
    """``torch.linalg.matrix_norm``: ``'fro'``, ``'nuc'``, ``±1``, ``±2``, ``±inf``
    over the matrices in ``dim``.

    >>> matrix_norm(Tensor(jnp.array([[1.0, -2.0], [3.0, 4.0]])), 1)
    tensor(6.)
    """
    d0, d1 = _matrix_dims(A, ord, dim)
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim, dtype=dtype)
    if ord == "nuc" or abs(ord) == 2:
        return _spectral(A, ord, d0, d1, keepdim, dtype)
    if math.isinf(ord):
        d0, d1 = d1, d0
    if not keepdim and d0 < d1:
        d1 -= 1
    rows = vector_norm(A, 1, (d0,), keepdim, dtype=dtype)
    return rows.amax(d1, keepdim) if ord > 0 else rows.amin(d1, keepdim)


def linalg_norm(A: Tensor, ord=None, dim=None, keepdim: bool = False, *,
                dtype=None) -> Tensor:  # fmt: skip
    """``torch.linalg.norm``: a vector norm, or a matrix norm when ``ord`` is
    given for a 2-D input or ``dim`` names two dimensions.

    >>> linalg_norm(Tensor(jnp.array([[1.0, 2.0], [2.0, 4.0]])), "fro")
    tensor(5.)
    """
    if dim is not None:
        dim = (dim,) if isinstance(dim, int) else tuple(dim)
        if len(dim) not in (1, 2):
            raise RuntimeError(
                "linalg.norm: If dim is specified, it must be of length 1 or 2. Got "
                f"{list(dim)}"
            )
    elif ord is not None and A.ndim not in (1, 2):
        raise RuntimeError(
            "linalg.norm: If dim is not specified but ord is, the input must be 1D "
            f"or 2D. Got {A.ndim}D."
        )
    pair = len(dim) == 2 if dim is not None else A.ndim == 2
    if isinstance(ord, str) or (ord is not None and pair):
        return matrix_norm(A, ord, dim or (0, 1), keepdim, dtype=dtype)
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)


def norm(input: Tensor, p="fro", dim=None, keepdim: bool = False, out=None,  # noqa: A002
         dtype=None) -> Tensor:  # fmt: skip
    """``torch.norm``: the 2-norm of all elements by default; ``p`` a number for
    the other vector norms, ``'nuc'`` for the nuclear norm.

    >>> norm(Tensor(jnp.array([3.0, 4.0]))), norm(Tensor(jnp.eye(2)), "nuc")
    (tensor(5.), tensor(2.))
    """
    if out is not None:
        raise NotImplementedError("torch.norm(out=...) is not supported")
    if isinstance(p, str):
        if p == "fro" and (dim is None or isinstance(dim, int) or len(dim) <= 2):
            return vector_norm(input, 2, dim, keepdim, dtype=dtype)
        dim = tuple(range(input.ndim)) if dim is None else dim
        return matrix_norm(input, p, dim, keepdim, dtype=dtype)
    return vector_norm(input, 2 if p is None else p, dim, keepdim, dtype=dtype)


def _as_int64(array) -> Tensor:
    return _indices(jnp.asarray, np.asarray(array))


def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False,  # noqa: A002
           return_counts: bool = False, dim=None):  # fmt: skip
    """``torch.unique``: the distinct elements (or slices along ``dim``) in
    ascending order, with the inverse positions and the counts when asked.
    Its result's shape depends on the values, so it needs concrete input.

    >>> unique(Tensor(jnp.array([2.0, 1.0, 2.0])), return_inverse=True)
    (tensor([1., 2.]), tensor([1, 0, 1]))
    """
    if _is_tracer(input._val):
        raise RuntimeError(
            "unique() needs concrete values: its result's shape depends on them"
        )
    array = np.asarray(input._value)
    if dim is None:
        _, first, inverse, counts = np.unique(
            array.reshape(-1), return_index=True, return_inverse=True,
            return_counts=True, equal_nan=False,
        )  # fmt: skip
        values = dispatch("_unique2", input, jnp.asarray(first))
        inverse = inverse.reshape(array.shape)
    else:
        d = _checks.wrap_dim(dim, input.ndim)
        _, first, inverse, counts = np.unique(
            array, return_index=True, return_inverse=True, return_counts=True, axis=d
        )
        values = dispatch("unique_dim", input, jnp.asarray(first), dim=d)
        inverse = inverse.reshape(-1)
    out = [values]
    if return_inverse:
        out.append(_as_int64(inverse))
    if return_counts:
        out.append(_as_int64(counts))
    return out[0] if len(out) == 1 else tuple(out)


def backward(
    tensors,
    grad_tensors=None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs=None,
) -> None:
    """``torch.autograd.backward``: accumulate gradients of ``tensors`` into leaves.

    >>> w = Tensor(jnp.arange(3.0), requires_grad=True)
    >>> backward([(w * w).sum()])
    >>> w.grad
    tensor([0., 2., 4.])
    """
    tensors = (tensors,) if isinstance(tensors, Tensor) else tuple(tensors)
    only = None
    if inputs is not None:
        inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
        if not inputs:
            raise RuntimeError("'inputs' argument to backward() cannot be empty.")
        only = {id(t) for t in inputs}
    if retain_graph is None:
        retain_graph = create_graph
    with _graph_scope(tensors):
        roots = _roots(tensors, grad_tensors, create_graph)
        fast.backward(
            roots,
            retain_graph=retain_graph,
            create_graph=create_graph,
            pull=differentiable_apply if create_graph else None,
            only=only,
        )


def grad(
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool | None = None,
    materialize_grads: bool = False,
) -> tuple[Tensor | None, ...]:
    """``torch.autograd.grad``: gradients of ``outputs`` w.r.t. ``inputs``, returned
    without touching ``.grad``.

    >>> x = Tensor(jnp.array(3.0), requires_grad=True)
    >>> (g,) = grad(x ** 3, x, create_graph=True)
    >>> g, grad(g, x)[0]
    (tensor(27., grad_fn=<PowBackward0Backward>), tensor(18.))
    """
    outputs = (outputs,) if isinstance(outputs, Tensor) else tuple(outputs)
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    for t in inputs:
        if not t.requires_grad:
            raise RuntimeError(
                "One of the differentiated Tensors does not require grad"
            )
    targets = [t.grad_fn if t.grad_fn is not None else t._accumulator() for t in inputs]
    if retain_graph is None:
        retain_graph = create_graph
    capture = {id(n) for n in targets}
    with _graph_scope(outputs):
        roots = _roots(outputs, grad_outputs, create_graph)
        captured = fast.backward(
            roots,
            retain_graph=True,  # the pull frees what it runs (and only that)
            create_graph=create_graph,
            pull=_needed_only(roots, capture, create_graph, retain_graph),
            capture=capture,
            accumulate=False,
        )
    result = []
    for i, (t, node) in enumerate(zip(inputs, targets, strict=True)):
        g = captured.get(id(node))
        if g is None:
            if not (allow_unused or materialize_grads):
                raise RuntimeError(UNUSED_INPUT.format(i))
            result.append(_zeros_like(t) if materialize_grads else None)
        else:
            result.append(g if isinstance(g, Tensor) else Tensor._wrap(g, t._dtype))
    return tuple(result)


def _needed_only(roots: list, capture: set[int], create_graph: bool, retain: bool):
    """The ``pull`` of ``autograd.grad``: as PyTorch, only the nodes from which
    a captured node is reached run (and, without ``retain``, are freed); the
    others pass no gradient on and keep their graph (so an ``Error`` node off
    the inputs' paths never raises, and a later backward from the inputs
    still runs)."""
    leads: set[int] = set()
    for node in reversed(topological_order(node for node, _ in roots)):
        for child, _ in node.next_functions:
            if child is not None and (id(child) in capture or id(child) in leads):
                leads.add(id(node))
                break

    def pull(node, ct):
        if id(node) not in leads:
            return (None,) * len(node.next_functions)
        out = differentiable_apply(node, ct) if create_graph else node.apply(ct)
        if not retain:
            node.release()
        return out

    return pull


def _zeros_like(t: Tensor) -> Tensor:
    with _dt.scope(t._dtype.x64 and not _is_tracer(t._val)):
        return Tensor._wrap(jnp.zeros_like(t._value), t._dtype)


def _graph_scope(tensors):
    """JAX's 64-bit mode for a backward from ``tensors`` when the graph holds a
    64-bit op (checked only while such nodes exist)."""
    wide = any(t._dtype.x64 and not _is_tracer(t._val) for t in tensors)
    if not wide and _WIDE_NODES:
        nodes = topological_order(t.grad_fn for t in tensors)
        wide = any(node in _WIDE_NODES for node in nodes)
    return _dt.scope(wide)


def _roots(tensors, grad_tensors, create_graph: bool) -> list:
    if grad_tensors is None:
        grad_tensors = (None,) * len(tensors)
    elif isinstance(grad_tensors, Tensor):
        grad_tensors = (grad_tensors,)
    roots = []
    for i, (t, g) in enumerate(zip(tensors, grad_tensors, strict=True)):
        if not t.requires_grad:
            raise RuntimeError(NO_GRAD_FN.replace("element 0", f"element {i}"))
        if g is None:
            if t.numel() != 1:
                raise RuntimeError(NOT_SCALAR)
            g = Tensor._wrap(fast.ones_like(t._val), t._dtype)
        elif not isinstance(g, Tensor):
            g = Tensor(g, dtype=t._dtype)
        elif g._dtype is not t._dtype:  # cast to the output's dtype, as torch does
            g = g.to(t._dtype)
        if g.shape != t.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and "
                f"output[{i}] has a shape of {t.shape}."
            )
        node = t.grad_fn if t.grad_fn is not None else t._accumulator()
        roots.append((node, g if create_graph else g._value))
    return roots


def _call(op: OpDef, input: Tensor, args: tuple, kwargs: dict, name=None):  # noqa: A002
    """Dispatch ``op`` on a generated method's arguments (``OpDef.signature``);
    ``name`` names the return type when the entry has no method of its own."""
    if op.signature is None:
        if args or kwargs:
            name = name or op.method or op.function
            raise TypeError(
                f"{name}() takes 1 positional argument but {len(args) + 1} were given"
            )
        return dispatch(op, input)
    inputs, options, *overload = op.signature(input, *args, **kwargs)
    values = dispatch(overload[0] if overload else op, *inputs, **options)
    values = _in_dtype(values, options)
    if op.indices is None:
        return values
    first = inputs[0]._value
    with _dt.scope(not _is_tracer(first)):
        found = op.indices(first, **options).astype(_dt.int64.storage())
    return return_types(name or op.method or op.function)(
        values, Tensor._wrap(found, _dt.int64)
    )


def _in_dtype(result: Tensor, options: dict) -> Tensor:
    """An op's ``dtype`` option is its result's dtype, even where a 64-bit input
    took part (the dispatch would widen a 32-bit result back)."""
    asked = options.get("dtype")
    if asked is not None:
        result._dtype = _dt.to_dtype(asked)
    return result


def _method(op: OpDef, name: str):
    def method(self: Tensor, *args, **kwargs) -> Tensor:
        return _call(op, self, args, kwargs, name)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"``{op.name}`` of this tensor, recorded as ``{op.node_name}``."
    return method


_OUT_GRAD = (
    "{}(): functions with out=... arguments don't support automatic "
    "differentiation, but one of the arguments requires grad."
)


def write_out(name: str, out: Tensor, compute, args: tuple) -> Tensor:
    """``torch.<name>(..., out=out)``: the result of ``compute()`` written into
    ``out`` (cast to its dtype, as PyTorch casts), which is returned. As in
    PyTorch, no argument may require grad while grad mode is on, and the result
    dtype must cast to ``out``'s; ``out`` must have the result's shape (PyTorch
    would resize it).

    >>> out = Tensor(jnp.zeros(2))
    >>> write_out("neg", out, lambda: Tensor(jnp.ones(2)).neg(), ()) is out
    True
    >>> out
    tensor([-1., -1.])
    """
    if not isinstance(out, Tensor):
        raise TypeError(
            f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}"
        )
    if is_grad_enabled() and any(
        isinstance(a, Tensor) and a._requires_grad for a in (*args, out)
    ):
        raise RuntimeError(_OUT_GRAD.format(name))
    result = compute()
    if _category(result._dtype) > _category(out._dtype):
        raise RuntimeError(
            f"result type {_SCALAR_NAMES[result._dtype.name]} can't be cast to the "
            f"desired output type {_SCALAR_NAMES[out._dtype.name]}"
        )
    if tuple(out.shape) != tuple(result.shape):
        raise RuntimeError(
            f"{name}(): out= has shape {list(out.shape)} but the result has shape "
            f"{list(result.shape)}; funcgrad.torch does not resize out= tensors"
        )
    return out.copy_(result)


_ARRAYS = (jax.Array, np.ndarray)
_POSITION = re.compile(r"\(position (\d+)\)")


def _next_position(m: re.Match) -> str:
    return f"(position {int(m.group(1)) + 1})"


def _function(op: OpDef, name: str):
    def function(input: Tensor, *args, out=None, **kwargs) -> Tensor:  # noqa: A002
        if input is None or isinstance(input, numbers.Number | str | list | tuple):
            raise TypeError(
                f"{name}(): argument 'input' (position 1) must be Tensor, not "
                f"{type(input).__name__}"
            )
        x = input if isinstance(input, Tensor) else Tensor(input)
        # raw arrays (``torch.func`` traces) are tensors to torch's argument list
        args = tuple(Tensor(a) if isinstance(a, _ARRAYS) else a for a in args)
        kwargs = {k: Tensor(v) if isinstance(v, _ARRAYS) else v
                  for k, v in kwargs.items()}  # fmt: skip
        compute = functools.partial(_call, op, x, args, kwargs, name)
        try:
            if out is None:
                return compute()
            return write_out(name, out, compute, (x, *args, *kwargs.values()))
        except TypeError as e:  # the function counts ``input`` among the positions
            raise TypeError(_POSITION.sub(_next_position, str(e))) from None

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"""``{name}`` (``{op.node_name}``).

    >>> from funcgrad.torch import tensor
    >>> {name}(tensor([1.0])).shape
    torch.Size([1])
    """
    return function


def torch_functions() -> dict:
    """The ``torch.*`` functions generated from the registry (``OpDef.function``
    and its ``aliases``).

    >>> torch_functions()["exp"](Tensor(jnp.zeros(1)))
    tensor([1.])
    """
    return {
        name: _function(op, name)
        for op in OPS.values()
        if op.function
        for name in (op.function, *op.aliases)
    }


def generate_methods(cls: type[Tensor]) -> type[Tensor]:
    """Give ``cls`` a method for every registry entry with ``OpDef.method`` (and
    each of its ``aliases``), and its in-place form (``exp_``) unless the op
    returns indices too or torch has none (``OpDef.inplace``).

    >>> Tensor(jnp.zeros(1)).exp()
    tensor([1.])
    """
    for op in OPS.values():
        if op.method:
            for name in (op.method, *op.aliases):
                setattr(cls, name, _method(op, name))
                if op.indices is None and op.inplace:
                    setattr(cls, name + "_", _inplace_method(op, name))
    return cls


def _inplace_method(op: OpDef, name: str):
    def method(self: Tensor, *args, **kwargs) -> Tensor:
        if op.signature is None:
            if args or kwargs:
                raise TypeError(f"{name}_() takes no arguments")
            return self._inplace(op.name)
        inputs, options, *overload = op.signature(self, *args, **kwargs)
        return self._inplace(overload[0] if overload else op.name, *inputs[1:],
                             **options)  # fmt: skip

    method.__name__ = method.__qualname__ = name + "_"
    method.__doc__ = f"``{name}`` written into this tensor (and its views)."
    return method


generate_methods(Tensor)


_OPERANDS = frozenset((Tensor, float, int, bool, complex))


def operand_guard(method):
    """A binary operator that returns ``NotImplemented`` for operands torch does
    not take (strings, lists, None, ...), so Python raises its own TypeError as it
    does for torch tensors (``unsupported operand type(s) for +``)."""

    @functools.wraps(method)
    def guarded(self, other):
        if type(other) not in _OPERANDS and not isinstance(
            other, Tensor | numbers.Number | np.generic | jax.Array
        ):
            return NotImplemented
        return method(self, other)

    return guarded


for _name in (
    "__add__ __radd__ __sub__ __rsub__ __mul__ __rmul__ __truediv__ __rtruediv__ "
    "__pow__ __rpow__ __mod__ __lt__ __le__ __gt__ __ge__"
).split():
    setattr(Tensor, _name, operand_guard(getattr(Tensor, _name)))


def register_pytree(cls: type[Tensor]) -> type[Tensor]:
    """Register a Tensor class as a JAX pytree: its value is the one leaf, its
    dtype and ``requires_grad`` ride along, so ``jax.grad``/``jax.jit`` accept it.

    >>> jax.tree_util.tree_leaves(Tensor(jnp.ones(2)))
    [Array([1., 1.], dtype=float32)]
    """

    def flatten(t: Tensor):
        return (t._value,), (t._dtype, t._requires_grad)

    def unflatten(aux, children) -> Tensor:
        (value,) = children
        t = object.__new__(cls)
        t._init(value, aux[0])
        t._requires_grad = aux[1]
        return t

    jax.tree_util.register_pytree_node(cls, flatten, unflatten)
    return cls


register_pytree(Tensor)

# Public names of helpers the torch-shaped namespace builds on.
wrap_dim = _wrap_dim
shape_arg = _shape_arg
