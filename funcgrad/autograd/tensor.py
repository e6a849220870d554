"""The facade's ``Tensor``: a ``jax.Array`` (or a tracer) plus autograd state.

Every op goes through :func:`dispatch`: it runs the registry entry's pure forward on
the input values and, when grad mode is on and an input requires grad, records a
:class:`~funcgrad.autograd.node.Node` as the result's ``grad_fn``. Under ``no_grad``
(and for ``detach``) the value passes through ``jax.lax.stop_gradient``, so the
same code also blocks gradients when JAX traces it.
"""

from __future__ import annotations

import functools
import warnings
import weakref
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from . import dtypes as _dt
from .engine import run_backward
from .grad_mode import enable_grad, is_grad_enabled
from .node import AccumulateGrad, Node, vjp_of
from .ops import OPS, OpDef, broadcast_shapes

LEAF_INPLACE = (
    "a leaf Variable that requires grad is being used in an in-place operation."
)
NO_GRAD_FN = "element 0 of tensors does not require grad and does not have a grad_fn"
NOT_SCALAR = "grad can be implicitly created only for scalar outputs"
FLOAT_ONLY = "only Tensors of floating point dtype can require gradients"
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


def _raw(x):
    return x._value if isinstance(x, Tensor) else x


raw = _raw


def _result_dtype(value, args) -> _dt.dtype:
    wide = tuple(a._dtype for a in args if isinstance(a, Tensor))
    if any(type(a) is int for a in args):
        wide += (_dt.int64,)
    return _dt.from_jax(value.dtype, wide=wide)


def _edge(t: Tensor):
    if not isinstance(t, Tensor) or not t.requires_grad:
        return (None, 0)
    return (t.grad_fn if t.grad_fn is not None else t._accumulator(), 0)


def dispatch(op: OpDef | str, *args, **options) -> Tensor:
    """Run registry entry ``op`` on ``args`` and record it when grad mode is on.

    Tensors and Python scalars are inputs (a scalar never requires grad); keyword
    ``options`` are static (``dim=1``, ``reduction="sum"``) and must be hashable.

    >>> a = Tensor(jnp.ones(3), requires_grad=True)
    >>> dispatch("mul", a, 2.0).grad_fn
    <MulBackward0 object at 0x...>
    """
    if isinstance(op, str):
        op = OPS[op]
    values = tuple(_raw(a) for a in args)
    out = op.forward(*values, **options)
    record = is_grad_enabled() and any(
        isinstance(a, Tensor) and a.requires_grad for a in args
    )
    if not record and any(_is_tracer(v) for v in values):
        # A no_grad scope under jax.grad: stop the gradient, not just the recording.
        out = jax.lax.stop_gradient(out)
    result = Tensor._wrap(out, _result_dtype(out, args))
    if record and result._dtype.is_floating_point:
        result.requires_grad = True
        result.grad_fn = Node(
            op,
            tuple(sorted(options.items())),
            values,
            tuple(_edge(a) for a in args),
            args,
        )
    return result


def as_grad_tensor(ct, create_graph: bool) -> Tensor:
    """Present a gradient flowing through the engine as a Tensor (for hooks)."""
    return ct if isinstance(ct, Tensor) else Tensor._wrap(ct)


def differentiable_apply(node: Node, ct: Tensor) -> tuple:
    """``node.apply`` recorded as facade ops, so the gradients are differentiable
    (``create_graph=True``): one op per input that needs grad."""
    mask = node.diff_mask()
    if node.saved is None:
        node.apply(ct._value)  # raises the freed-graph error
    out, j = [], 0
    with enable_grad():
        for d in mask:
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
        "_value",
        "_dtype",
        "_requires_grad",
        "grad_fn",
        "_grad",
        "_hooks",
        "_acc",
        "_version",
        "__weakref__",
    )

    def __init__(self, value: Any, *, dtype: Any = None, requires_grad: bool = False):
        d = _dt.to_dtype(dtype) if dtype is not None else None
        value = _raw(value)
        if not _is_tracer(value):
            value = jnp.asarray(value, dtype=d.storage() if d is not None else None)
        elif d is not None:
            value = value.astype(d.storage())
        self._init(value, d if d is not None else _dt.from_jax(value.dtype))
        self.requires_grad = requires_grad

    def _init(self, value, dtype: _dt.dtype) -> None:
        self._value = value
        self._dtype = dtype
        self._requires_grad = False
        self.grad_fn = None
        self._grad = None
        self._hooks = None
        self._acc = None
        self._version = 0

    @classmethod
    def _wrap(cls, value, dtype: _dt.dtype | None = None) -> Tensor:
        """A leaf without grad around ``value`` (no copy, no checks)."""
        t = object.__new__(cls)
        t._init(value, dtype if dtype is not None else _dt.from_jax(value.dtype))
        return t

    # --- JAX interop ------------------------------------------------------------------
    def __jax_array__(self):
        return self._value

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self._value, dtype=dtype)

    # --- metadata ---------------------------------------------------------------------
    @property
    def shape(self) -> Size:
        return Size(self._value.shape)

    def size(self, dim: int | None = None):
        return self.shape if dim is None else self._value.shape[dim]

    @property
    def dtype(self) -> _dt.dtype:
        return self._dtype

    @property
    def ndim(self) -> int:
        return self._value.ndim

    def dim(self) -> int:
        return self._value.ndim

    ndimension = dim

    def numel(self) -> int:
        return int(np.prod(self._value.shape, dtype=np.int64))

    nelement = numel

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
        return self.detach()

    @data.setter
    def data(self, other: Tensor) -> None:
        self._value = _raw(other)
        self._version += 1

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._value.shape[0]

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(len(self)))

    def __hash__(self) -> int:
        return id(self)

    # --- conversion ---------------------------------------------------------------------
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

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

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
        from ._format import format_tensor

        if _is_tracer(self._value):
            return f"tensor(<traced {self._dtype.name}{list(self.shape)}>)"
        grad_fn = self.grad_fn.name() if self.grad_fn is not None else None
        return format_tensor(
            np.asarray(self._value),
            dtype=self._dtype.name,
            requires_grad=self.requires_grad and self.grad_fn is None,
            grad_fn=grad_fn,
            is_parameter=getattr(self, "_is_parameter", False),
        )

    # --- autograd state -------------------------------------------------------------------
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
            raise RuntimeError(FLOAT_ONLY)
        self._requires_grad = flag

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
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
                    f"assigned grad expected to be a Tensor or None but got grad of type "
                    f"{type(value).__name__}"
                )
            if value.shape != self.shape:
                raise RuntimeError("assigned grad has data of a different size")
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
        return _HookHandle(hooks, hook)

    def _run_hooks(self, ct, create_graph: bool):
        if self._hooks:
            for hook in list(self._hooks.values()):
                out = hook(as_grad_tensor(ct, create_graph))
                if out is not None:
                    ct = out if create_graph else out._value
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
        if ct.dtype != self._value.dtype:
            ct = ct.astype(self._value.dtype)
        if self._grad is None:
            self._grad = Tensor._wrap(ct, self._dtype)
        else:
            self._grad._value = self._grad._value + ct
            self._grad._version += 1

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
        value = self._value
        if _is_tracer(value):
            value = jax.lax.stop_gradient(value)
        return Tensor._wrap(value, self._dtype)

    def detach_(self) -> Tensor:
        if _is_tracer(self._value):
            self._value = jax.lax.stop_gradient(self._value)
        self.grad_fn = None
        self._requires_grad = False
        return self

    # --- in-place ---------------------------------------------------------------------
    def _inplace(self, op: str, *args, **options) -> Tensor:
        if is_grad_enabled() and self.grad_fn is None and self.requires_grad:
            raise RuntimeError(LEAF_INPLACE)
        out = dispatch(op, self, *args, **options)
        if out.shape != self.shape:
            raise RuntimeError(
                f"output with shape {list(self.shape)} doesn't match the broadcast shape "
                f"{list(out.shape)}"
            )
        value = out._value
        if value.dtype != self._value.dtype:
            value = value.astype(self._value.dtype)
        self._value = value
        self._version += 1
        if out.grad_fn is not None:
            self.grad_fn, self._requires_grad = out.grad_fn, True
        return self

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

    def zero_(self) -> Tensor:
        return self.fill_(0)

    def fill_(self, value) -> Tensor:
        if is_grad_enabled() and self.grad_fn is None and self.requires_grad:
            raise RuntimeError(LEAF_INPLACE)
        self._value = jnp.full(self._value.shape, _raw(value), self._value.dtype)
        self._version += 1
        return self

    def copy_(self, src) -> Tensor:
        if is_grad_enabled() and self.grad_fn is None and self.requires_grad:
            raise RuntimeError(LEAF_INPLACE)
        value = jnp.broadcast_to(
            jnp.asarray(_raw(src), self._value.dtype), self._value.shape
        )
        if not is_grad_enabled() and _is_tracer(value):
            value = jax.lax.stop_gradient(value)
        self._value = value
        self._version += 1
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

    def __pow__(self, exponent):
        if isinstance(exponent, Tensor):
            return dispatch("pow.Tensor_Tensor", self, exponent)
        return dispatch("pow.Tensor_Scalar", self, exponent=exponent)

    def __rpow__(self, base):
        return dispatch("pow.Scalar", self, base=base)

    def __matmul__(self, other):
        return matmul(self, other)

    def __rmatmul__(self, other):
        return matmul(other, self)

    def add(self, other, *, alpha=1):
        return dispatch("add", self, other, **({"alpha": alpha} if alpha != 1 else {}))

    def sub(self, other, *, alpha=1):
        return dispatch("sub", self, other, **({"alpha": alpha} if alpha != 1 else {}))

    def mul(self, other):
        return dispatch("mul", self, other)

    def div(self, other):
        return dispatch("div", self, other)

    def pow(self, exponent):
        return self.__pow__(exponent)

    def matmul(self, other):
        return matmul(self, other)

    def mm(self, other):
        return dispatch("mm", self, other)

    def mv(self, other):
        return dispatch("mv", self, other)

    def dot(self, other):
        return dispatch("dot", self, other)

    # --- comparisons (never recorded) ---------------------------------------------------
    def _compare(self, fn, other) -> Tensor:
        a, b = self._value, _raw(other)
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

    def equal(self, other: Tensor) -> bool:
        return self.shape == other.shape and bool(jnp.all(self._value == other._value))

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
        return bool(
            jnp.allclose(
                self._value, _raw(other), rtol=rtol, atol=atol, equal_nan=equal_nan
            )
        )

    # --- elementwise ----------------------------------------------------------------------
    def exp(self):
        return dispatch("exp", self)

    def log(self):
        return dispatch("log", self)

    def sqrt(self):
        return dispatch("sqrt", self)

    def abs(self):
        return dispatch("abs", self)

    __abs__ = abs

    def sigmoid(self):
        return dispatch("sigmoid", self)

    def tanh(self):
        return dispatch("tanh", self)

    def relu(self):
        return dispatch("relu", self)

    def clamp(self, min=None, max=None):
        if min is None and max is None:
            raise RuntimeError(
                "torch.clamp: At least one of 'min' or 'max' must not be None"
            )
        return dispatch("clamp", self, min=min, max=max)

    clip = clamp

    # --- reductions -----------------------------------------------------------------------
    def _reduce(self, name: str, dim, keepdim: bool):
        if dim is None:
            return dispatch(name, self)
        return dispatch(f"{name}.dim", self, dim=_dims(dim), keepdim=keepdim)

    def sum(self, dim=None, keepdim: bool = False):
        return self._reduce("sum", dim, keepdim)

    def mean(self, dim=None, keepdim: bool = False):
        return self._reduce("mean", dim, keepdim)

    def max(self, dim=None, keepdim: bool = False):
        return self._reduce("max", dim, keepdim)

    def min(self, dim=None, keepdim: bool = False):
        return self._reduce("min", dim, keepdim)

    # --- shapes ---------------------------------------------------------------------------
    def t(self):
        if self.ndim > 2:
            raise RuntimeError(
                f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D"
            )
        return dispatch("t", self)

    @property
    def T(self):
        return dispatch("permute", self, dims=tuple(reversed(range(self.ndim))))

    def transpose(self, dim0: int, dim1: int):
        return dispatch("transpose", self, dim0=dim0, dim1=dim1)

    def permute(self, *dims):
        return dispatch("permute", self, dims=_shape_arg(dims))

    def view(self, *shape):
        return dispatch(
            "view", self, shape=_infer_shape(_shape_arg(shape), self.numel())
        )

    def reshape(self, *shape):
        return self.view(*shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1):
        shape = self.shape
        if self.ndim == 0:
            return self.view(1)
        s, e = start_dim % self.ndim, end_dim % self.ndim
        new = shape[:s] + (int(np.prod(shape[s : e + 1])),) + shape[e + 1 :]
        return self if new == shape else self.view(new)

    def expand(self, *shape):
        shape = _shape_arg(shape)
        shape = tuple(
            self.shape[i - len(shape) + self.ndim] if d == -1 else d
            for i, d in enumerate(shape)
        )
        return dispatch("expand", self, shape=shape)

    def squeeze(self, dim=None):
        if dim is None:
            return dispatch("squeeze", self)
        if isinstance(dim, tuple | list):
            dims = tuple(d % max(self.ndim, 1) for d in dim if self.shape[d] == 1)
            return dispatch("squeeze.dims", self, dim=dims)
        dims = (dim % max(self.ndim, 1),) if self.ndim and self.shape[dim] == 1 else ()
        return dispatch("squeeze.dim", self, dim=dims)

    def unsqueeze(self, dim: int):
        return dispatch("unsqueeze", self, dim=dim % (self.ndim + 1))

    def __getitem__(self, key):
        return _getitem(self, key)

    # --- copies and casts -----------------------------------------------------------------
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
        out = dispatch("_to_copy", self, dtype=d.storage())
        out._dtype = d
        if not d.is_floating_point:
            out.grad_fn, out._requires_grad = None, False
        return out

    def type(self, dtype=None):
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


def _shape_arg(shape) -> tuple[int, ...]:
    if len(shape) == 1 and isinstance(shape[0], tuple | list | Size):
        shape = shape[0]
    return tuple(int(d) for d in shape)


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


def _dims(dim) -> int | tuple[int, ...]:
    return tuple(dim) if isinstance(dim, list | tuple) else int(dim)


def _getitem(t: Tensor, key) -> Tensor:
    """Basic indexing as a chain of select/slice/unsqueeze ops, as PyTorch records
    it; anything with a tensor, list or boolean mask is one ``index`` op."""
    key = key if isinstance(key, tuple) else (key,)
    if any(isinstance(k, Tensor | list | np.ndarray | jax.Array) for k in key):
        template, arrays = [], []
        for k in key:
            if isinstance(k, Tensor | list | np.ndarray | jax.Array):
                a = jnp.asarray(_raw(k))
                if a.dtype == jnp.bool_:
                    arrays.extend(
                        jnp.nonzero(a)
                    )  # concrete indices: jit needs static shapes
                    template.extend(["T"] * a.ndim)
                else:
                    arrays.append(a)
                    template.append("T")
            elif isinstance(k, slice):
                template.append(("S", k.start, k.stop, k.step))
            else:
                template.append("N" if k is None else "E" if k is Ellipsis else int(k))
        return dispatch("index.Tensor", t, *arrays, template=tuple(template))
    out, dim = t, 0
    n_real = sum(1 for k in key if k is not None and k is not Ellipsis)
    for k in key:
        if k is Ellipsis:
            dim += out.ndim - dim - (n_real - _consumed(key, k))
        elif k is None:
            out = dispatch("unsqueeze", out, dim=dim)
            dim += 1
        elif isinstance(k, slice):
            start, stop, step = k.indices(out.shape[dim])
            if (start, stop, step) != (0, out.shape[dim], 1):
                out = dispatch("slice", out, dim=dim, start=start, stop=stop, step=step)
            dim += 1
        else:
            i = int(k)
            size = out.shape[dim]
            if not -size <= i < size:
                raise IndexError(
                    f"index {i} is out of bounds for dimension {dim} with size {size}"
                )
            out = dispatch("select", out, dim=dim, index=i % size)
    return out


def _consumed(key, upto) -> int:
    n = 0
    for k in key:
        if k is upto:
            return n
        if k is not None and k is not Ellipsis:
            n += 1
    return n


def matmul(a: Tensor, b: Tensor) -> Tensor:
    """``torch.matmul`` with the graph PyTorch builds for each rank combination.

    >>> x = Tensor(jnp.ones(5))
    >>> w = Tensor(jnp.ones((5, 3)), requires_grad=True)
    >>> z = matmul(x, w)
    >>> z.grad_fn, z.grad_fn.next_functions[0][0]
    (<SqueezeBackward4 object at 0x...>, <MmBackward0 object at 0x...>)
    """
    a = a if isinstance(a, Tensor) else Tensor(a)
    b = b if isinstance(b, Tensor) else Tensor(b)
    da, db = a.ndim, b.ndim
    if da == 0 or db == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {da}D and {db}D"
        )
    if da == 1 and db == 1:
        if a.shape != b.shape:
            raise RuntimeError(
                f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] to have the "
                f"same number of elements, but got {a.shape[0]} and {b.shape[0]} elements respectively"
            )
        return dispatch("dot", a, b)
    if da == 2 and db == 1:
        _check_mm(a.shape, (b.shape[0], 1), vector=True)
        return dispatch("mv", a, b)
    if da == 1 and db == 2:
        _check_mm((1, a.shape[0]), b.shape)
        return dispatch("squeeze_.dim", dispatch("mm", a.unsqueeze(0), b), dim=0)
    if da == 2 and db == 2:
        _check_mm(a.shape, b.shape)
        return dispatch("mm", a, b)
    if db <= 2 and da >= 3:
        lead = a.shape[:-1]
        folded = a.view(-1, a.shape[-1])
        _check_mm(folded.shape, b.shape if db == 2 else (b.shape[0], 1))
        if db == 1:
            return dispatch(
                "_unsafe_view", dispatch("mv", folded, b), shape=tuple(lead)
            )
        return dispatch(
            "_unsafe_view",
            dispatch("mm", folded, b),
            shape=tuple(lead) + (b.shape[-1],),
        )
    if a.shape[-1] != b.shape[-2 if db > 1 else 0]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{a.shape[-1]}, ...] but got: {list(b.shape)}."
        )
    return dispatch("matmul", a, b)


def _check_mm(sa, sb, vector: bool = False) -> None:
    if sa[1] != sb[0]:
        if vector:
            raise RuntimeError(
                f"size mismatch, got input ({sa[0]}), mat ({sa[0]}x{sa[1]}), vec ({sb[0]})"
            )
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({sa[0]}x{sa[1]} and {sb[0]}x{sb[1]})"
        )


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
    roots = _roots(tensors, grad_tensors, create_graph)
    only = None
    if inputs is not None:
        inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
        if not inputs:
            raise RuntimeError("'inputs' argument to backward() cannot be empty.")
        only = {id(t) for t in inputs}
    if retain_graph is None:
        retain_graph = create_graph
    run_backward(roots, retain_graph=retain_graph, create_graph=create_graph, only=only)


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
    (tensor(27., grad_fn=<MulBackward0Backward>), tensor(18.))
    """
    outputs = (outputs,) if isinstance(outputs, Tensor) else tuple(outputs)
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    for t in inputs:
        if not t.requires_grad:
            raise RuntimeError(
                "One of the differentiated Tensors does not require grad"
            )
    roots = _roots(outputs, grad_outputs, create_graph)
    targets = [t.grad_fn if t.grad_fn is not None else t._accumulator() for t in inputs]
    if retain_graph is None:
        retain_graph = create_graph
    captured = run_backward(
        roots,
        retain_graph=retain_graph,
        create_graph=create_graph,
        capture={id(n): n for n in targets},
        accumulate=False,
    )
    result = []
    for t, node in zip(inputs, targets, strict=True):
        g = captured.get(id(node))
        if g is None:
            if not (allow_unused or materialize_grads):
                raise RuntimeError(
                    "One of the differentiated Tensors appears to not have been used in "
                    "the graph. Set allow_unused=True if this is the desired behavior."
                )
            result.append(
                Tensor._wrap(jnp.zeros_like(t._value), t._dtype)
                if materialize_grads
                else None
            )
        else:
            result.append(g if isinstance(g, Tensor) else Tensor._wrap(g, t._dtype))
    return tuple(result)


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
            g = Tensor._wrap(jnp.ones_like(t._value), t._dtype)
        elif not isinstance(g, Tensor):
            g = Tensor(g, dtype=t._dtype)
        if g.shape != t.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and "
                f"output[{i}] has a shape of {t.shape}."
            )
        node = t.grad_fn if t.grad_fn is not None else t._accumulator()
        roots.append((node, g if create_graph else g._value))
    return roots


def _flatten(t: Tensor):
    return (t._value,), (t._dtype, t._requires_grad)


def _unflatten(aux, children) -> Tensor:
    (value,) = children
    t = object.__new__(Tensor)
    t._init(value, aux[0])
    t._requires_grad = aux[1]
    return t


jax.tree_util.register_pytree_node(Tensor, _flatten, _unflatten)
