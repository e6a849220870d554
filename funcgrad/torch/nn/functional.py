"""``torch.nn.functional``: losses, activations and ``linear`` over the registry.

Every function records the graph PyTorch records (node names and
``next_functions`` checked against PyTorch 2.13). The binary cross-entropies call
the functional core's pure functions (``funcgrad.functional``); the other losses'
pure forwards are registered here, where they are defined, and the engine derives
every backward from them with ``jax.vjp``.
"""

from __future__ import annotations

import warnings

import jax
import jax.numpy as jnp
import numpy as np

from ... import functional as F
from ...autograd import checks
from ...autograd.dtypes import bool as _dt_bool
from ...autograd.matmul import matmul as _matmul
from ...autograd.ops import broadcast_shapes, register
from ...autograd.tensor import Tensor, dispatch
from .. import _missing
from . import _functional as _nd
from ._functional import adaptive_avg_pool2d as adaptive_avg_pool2d
from ._functional import batch_norm as batch_norm
from ._functional import conv1d as conv1d
from ._functional import conv2d as conv2d
from ._functional import dropout as dropout
from ._functional import elu as elu
from ._functional import embedding as embedding
from ._functional import gelu as gelu
from ._functional import huber_loss as huber_loss
from ._functional import kl_div as kl_div
from ._functional import l1_loss as l1_loss
from ._functional import layer_norm as layer_norm
from ._functional import leaky_relu as leaky_relu
from ._functional import silu as silu
from ._functional import smooth_l1_loss as smooth_l1_loss
from ._functional import softplus as softplus
from ._pooling import avg_pool1d as avg_pool1d
from ._pooling import avg_pool2d as avg_pool2d
from ._pooling import max_pool1d as max_pool1d
from ._pooling import max_pool1d_with_indices as max_pool1d_with_indices
from ._pooling import max_pool2d as max_pool2d
from ._pooling import max_pool2d_with_indices as max_pool2d_with_indices
from ._pooling import max_unpool2d as max_unpool2d

__all__ = [
    "adaptive_avg_pool2d",
    "avg_pool1d",
    "avg_pool2d",
    "batch_norm",
    "conv1d",
    "conv2d",
    "dropout",
    "elu",
    "embedding",
    "gelu",
    "huber_loss",
    "kl_div",
    "l1_loss",
    "layer_norm",
    "leaky_relu",
    "max_pool1d",
    "max_pool1d_with_indices",
    "max_pool2d",
    "max_pool2d_with_indices",
    "max_unpool2d",
    "silu",
    "softplus",
    "smooth_l1_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "linear",
    "log_softmax",
    "mse_loss",
    "nll_loss",
    "relu",
    "sigmoid",
    "softmax",
    "tanh",
]


# --- pure forwards (jnp in, jnp out) ----------------------------------------------


def _mse(input, target, *, reduction: str = "mean"):
    F._check_reduction(reduction)
    return F._reduce(jnp.square(input - target), reduction)


def _bce(probs, target, weight, *, reduction: str = "mean"):
    return F.binary_cross_entropy(probs, target, weight=weight, reduction=reduction)


def _bce_logits(z, target, weight, pos_weight, *, reduction: str = "mean"):
    return F.binary_cross_entropy_with_logits(
        z, target, weight=weight, pos_weight=pos_weight, reduction=reduction
    )


def _softmax(x, *, dim: int):
    if jnp.ndim(x) == 0:  # a 0-d tensor is its own (single-element) dimension
        return jax.nn.softmax(jnp.reshape(x, (1,)))[0]
    return jax.nn.softmax(x, axis=dim)


def _log_softmax(x, *, dim: int):
    if jnp.ndim(x) == 0:
        return jax.nn.log_softmax(jnp.reshape(x, (1,)))[0]
    return jax.nn.log_softmax(x, axis=dim)


def _nll(logp, target, weight, *, reduction: str = "mean", ignore_index: int = -100):
    """Negative log-likelihood of class indices: ``logp`` is ``(C,)`` or
    ``(N, C)``, ``target`` ``()`` or ``(N,)``, ``weight`` ``(C,)`` or ``None``."""
    F._check_reduction(reduction)
    single = logp.ndim == 1
    if single:
        logp, target = logp[None, :], jnp.reshape(target, (1,))
    keep = target != ignore_index
    safe = jnp.where(keep, target, 0)
    picked = jnp.take_along_axis(logp, safe[:, None], axis=1)[:, 0]
    # Only reachable under jit (eager calls check the bounds first): no silent value.
    inside = (safe >= 0) & (safe < logp.shape[1])
    picked = jnp.where(inside, picked, jnp.nan)
    w = jnp.ones_like(picked) if weight is None else weight.astype(logp.dtype)[safe]
    w = jnp.where(keep, w, jnp.zeros_like(w))
    losses = -picked * w
    if reduction == "none":
        return losses[0] if single else losses
    if reduction == "sum":
        return jnp.sum(losses)
    return jnp.sum(losses) / jnp.sum(w)


register(
    "mse_loss", _mse, "MseLossBackward0", check=checks.kernel("mse_cpu", promoted=True)
)
register(
    "binary_cross_entropy",
    _bce,
    "BinaryCrossEntropyBackward0",
    inputs=2,
    check=checks.kernel("binary_cross_entropy"),
)
register("_softmax", _softmax, "SoftmaxBackward0")
register("_log_softmax", _log_softmax, "LogSoftmaxBackward0")
register(
    "nll_loss",
    _nll,
    "NllLossBackward0",
    inputs=1,
    check=checks.kernel("nll_loss_out_frame"),
)
# PyTorch records no edge for weight and pos_weight (they cannot require grad).
register(
    "binary_cross_entropy_with_logits",
    _bce_logits,
    "BinaryCrossEntropyWithLogitsBackward0",
    inputs=2,
    check=checks.kernel("log_sigmoid_cpu"),
)


# --- helpers ------------------------------------------------------------------------


def _tensor(
    x, fn: str | None = None, attr: str | None = None, pos: int = 1, name: str = ""
) -> Tensor:
    """``x`` when it is a Tensor; otherwise the error torch gives for that function:
    an AttributeError from its Python-level code (``attr``), a TypeError from its
    argument parser (``fn``)."""
    if isinstance(x, Tensor):
        return x
    kind = type(x).__name__
    if attr is not None:
        raise AttributeError(f"'{kind}' object has no attribute '{attr}'")
    name = name or ("input" if pos == 1 else "target")
    raise TypeError(
        f"{fn}(): argument '{name}' (position {pos}) must be Tensor, not {kind}"
    )


def _check_probs(name: str, t: Tensor) -> None:
    """``binary_cross_entropy``'s range check, on concrete values (a traced value
    cannot be checked without a host round trip)."""
    value = t._value
    if isinstance(value, jax.core.Tracer):
        return
    value = np.asarray(value)  # a constant under jit: checked on the host
    ok = bool(np.all((value >= 0) & (value <= 1)))
    if not ok:
        raise RuntimeError(f"all elements of {name} should be between 0 and 1")


def _reduction(size_average, reduce, reduction: str) -> str:
    """PyTorch's legacy ``size_average``/``reduce`` flags, mapped to ``reduction``."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if not reduce:
        return "none"
    return "mean" if size_average else "sum"


def _no_grad_allowed(name: str, arg: str, t) -> None:
    if isinstance(t, Tensor) and t.requires_grad:
        raise RuntimeError(
            f"The function '{name}' is not differentiable with respect to argument "
            f"'{arg}'. This input cannot have requires_grad True."
        )


def _softmax_dim(name: str, ndim: int, dim: int | None) -> int:
    if dim is None:
        warnings.warn(
            f"Implicit dimension choice for {name} has been deprecated. Change the "
            "call to include dim=X as an argument.",
            UserWarning,
            stacklevel=3,
        )
        dim = 0 if ndim in (0, 1, 3) else 1
    dim = checks.integer(dim)
    if not -max(ndim, 1) <= dim < max(ndim, 1):
        raise IndexError(
            f"Dimension out of range (expected to be in range of "
            f"[{-max(ndim, 1)}, {max(ndim, 1) - 1}], but got {dim})"
        )
    return dim % max(ndim, 1)


def _softmax_kernel(name: str, x: Tensor, dim: int) -> None:
    """Softmax kernels exist for floating dtypes only; torch names the last-dim one."""
    last = "_lastdim" if dim == max(x.ndim, 1) - 1 else ""
    checks.kernel(f"{name}{last}_kernel_impl")(x)


# --- activations --------------------------------------------------------------------


def sigmoid(input: Tensor) -> Tensor:
    """Elementwise logistic sigmoid (``SigmoidBackward0``).

    >>> import funcgrad.torch as torch
    >>> sigmoid(torch.zeros(2, requires_grad=True))
    tensor([0.5000, 0.5000], grad_fn=<SigmoidBackward0>)
    """
    return dispatch("sigmoid", _tensor(input, attr="sigmoid"))


def tanh(input: Tensor) -> Tensor:
    """Elementwise hyperbolic tangent (``TanhBackward0``).

    >>> import funcgrad.torch as torch
    >>> tanh(torch.zeros(1))
    tensor([0.])
    """
    return dispatch("tanh", _tensor(input, attr="tanh"))


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """Elementwise ``max(x, 0)`` (``ReluBackward0``).

    >>> import funcgrad.torch as torch
    >>> relu(torch.tensor([-1.0, 2.0], requires_grad=True))
    tensor([0., 2.], grad_fn=<ReluBackward0>)
    """
    out = dispatch("relu", _tensor(input, "relu"))
    if inplace:
        return input.copy_(out) if not input.requires_grad else out
    return out


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None):
    """Softmax along ``dim`` (``SoftmaxBackward0``).

    >>> import funcgrad.torch as torch
    >>> softmax(torch.tensor([0.0, 0.0], requires_grad=True), dim=0)
    tensor([0.5000, 0.5000], grad_fn=<SoftmaxBackward0>)
    """
    x = _tensor(input, attr="softmax")
    if dtype is not None:
        x = x.to(dtype)
    dim = _softmax_dim("softmax", x.ndim, dim)
    _softmax_kernel("softmax", x, dim)
    return dispatch("_softmax", x, dim=dim)


def log_softmax(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None
) -> Tensor:
    """Log of the softmax along ``dim``, computed stably (``LogSoftmaxBackward0``).

    >>> import funcgrad.torch as torch
    >>> log_softmax(torch.tensor([[0.0, 0.0]], requires_grad=True), dim=1)
    tensor([[-0.6931, -0.6931]], grad_fn=<LogSoftmaxBackward0>)
    """
    x = _tensor(input, attr="log_softmax")
    if dtype is not None:
        x = x.to(dtype)
    dim = _softmax_dim("log_softmax", x.ndim, dim)
    _softmax_kernel("log_softmax", x, dim)
    return dispatch("_log_softmax", x, dim=dim)


# --- linear ---------------------------------------------------------------------------


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias`` with PyTorch's layout (``weight`` is
    ``(out_features, in_features)``) and the graph PyTorch records:
    ``AddmmBackward0`` for 2-D input, wrapped in ``ViewBackward0`` nodes for
    1-D and N-D input; without bias, ``matmul``'s graph.

    >>> import funcgrad.torch as torch
    >>> w = torch.ones(3, 5, requires_grad=True)
    >>> linear(torch.ones(2, 5), w, torch.zeros(3))
    tensor([[5., 5., 5.],
            [5., 5., 5.]], grad_fn=<AddmmBackward0>)
    >>> linear(torch.ones(5), w, torch.zeros(3)).grad_fn
    <ViewBackward0 object at 0x...>
    """
    x = _tensor(input, "linear")
    weight = _tensor(weight, "linear", pos=2, name="weight")
    _check_linear_dtypes(x, weight, bias)
    if weight.ndim != 2:
        raise RuntimeError(
            f"t() expects a tensor with <= 2 dimensions, but self is {weight.ndim}D"
        )
    if x.ndim == 0:
        raise RuntimeError(
            "both arguments to linear need to be at least 1D, but they are 0D and 2D"
        )
    wt = weight.t()
    if bias is None:
        return _matmul(x, wt)
    if x.shape[-1] != weight.shape[1]:
        rows = int(np.prod(x.shape[:-1], dtype=np.int64))
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{x.shape[-1]} and "
            f"{weight.shape[1]}x{weight.shape[0]})"
        )
    if x.ndim == 2:
        return dispatch("addmm", bias, x, wt)
    lead = tuple(x.shape[:-1])
    out = dispatch("addmm", bias, x.view(-1, x.shape[-1]), wt)
    return out.view(*lead, weight.shape[0])


def _dtype_words(t: Tensor) -> tuple[str, str]:
    """``t``'s dtype as torch's messages spell it: ScalarType and C++ names."""
    name = t.dtype.name
    return checks.SCALAR_NAMES.get(name, name), checks.CPP_NAMES.get(name, name)


def _check_linear_dtypes(x: Tensor, weight: Tensor, bias) -> None:
    """``linear``'s dtype checks, in the words of the kernel torch calls."""
    if x.dtype == weight.dtype and (bias is None or bias.dtype == x.dtype):
        return
    if bias is None or x.ndim < 2 and x.dtype == weight.dtype:
        a, b = (x, weight) if x.ndim >= 2 or bias is None else (weight, x)
        raise RuntimeError(
            "expected m1 and m2 to have the same dtype, but got: "
            f"{_dtype_words(a)[1]} != {_dtype_words(b)[1]}"
        )
    if x.dtype != weight.dtype:
        raise RuntimeError(
            "mat1 and mat2 must have the same dtype, but got "
            f"{_dtype_words(x)[0]} and {_dtype_words(weight)[0]}"
        )
    raise RuntimeError(
        "self and mat2 must have the same dtype, but got "
        f"{_dtype_words(bias)[0]} and {_dtype_words(weight)[0]}"
    )


# --- losses ---------------------------------------------------------------------------


def mse_loss(
    input: Tensor,
    target: Tensor,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
    weight=None,
) -> Tensor:
    """Mean squared error (``MseLossBackward0``).

    >>> import funcgrad.torch as torch
    >>> mse_loss(torch.tensor([1.0, 3.0], requires_grad=True), torch.zeros(2))
    tensor(5., grad_fn=<MseLossBackward0>)
    """
    if weight is not None:
        raise NotImplementedError("mse_loss(weight=...) is not supported")
    x, y = _tensor(input, attr="size"), _tensor(target, attr="size")
    if x.shape != y.shape:
        warnings.warn(
            f"Using a target size ({y.shape}) that is different to the input size "
            f"({x.shape}). This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size.",
            UserWarning,
            stacklevel=2,
        )
        shape = broadcast_shapes(tuple(x.shape), tuple(y.shape))
        x, y = x.expand(*shape), y.expand(*shape)
    return dispatch(
        "mse_loss", x, y, reduction=_reduction(size_average, reduce, reduction)
    )


def binary_cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """Binary cross-entropy on probabilities (``funcgrad.binary_cross_entropy``),
    each log clamped at -100 as PyTorch does (``BinaryCrossEntropyBackward0``).

    >>> import funcgrad.torch as torch
    >>> binary_cross_entropy(torch.full((2,), 0.5, requires_grad=True), torch.ones(2))
    tensor(0.6931, grad_fn=<BinaryCrossEntropyBackward0>)
    """
    x, y = _tensor(input, attr="size"), _tensor(target, attr="size")
    F._check_same_size_probs(x._val, y._val)
    if y.dtype != x.dtype:
        raise RuntimeError(
            f"Found dtype {_dtype_words(y)[0]} but expected {_dtype_words(x)[0]}"
        )
    _check_probs("input", x)
    _check_probs("target", y)
    _no_grad_allowed("binary_cross_entropy", "weight", weight)
    return dispatch(
        "binary_cross_entropy",
        x,
        y,
        weight,
        reduction=_reduction(size_average, reduce, reduction),
    )


def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
    pos_weight: Tensor | None = None,
) -> Tensor:
    """Binary cross-entropy on logits (``funcgrad.binary_cross_entropy_with_logits``).

    >>> import funcgrad.torch as torch
    >>> z = torch.zeros(3, requires_grad=True)
    >>> binary_cross_entropy_with_logits(z, torch.ones(3))
    tensor(0.6931, grad_fn=<BinaryCrossEntropyWithLogitsBackward0>)
    """
    x, y = _tensor(input, attr="size"), _tensor(target, attr="size")
    F._check_same_size(x._val, y._val)
    if y.dtype is _dt_bool:
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. "
            "Use the `^` or `logical_xor()` operator instead."
        )
    if x.dtype.is_floating_point and not y.dtype.is_floating_point:
        raise RuntimeError(
            f"result type {_dtype_words(x)[0]} can't be cast to the desired output "
            f"type {_dtype_words(y)[0]}"
        )
    _no_grad_allowed("binary_cross_entropy_with_logits", "weight", weight)
    _no_grad_allowed("binary_cross_entropy_with_logits", "pos_weight", pos_weight)
    return dispatch(
        "binary_cross_entropy_with_logits",
        x,
        y,
        weight,
        pos_weight,
        reduction=_reduction(size_average, reduce, reduction),
    )


def nll_loss(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average=None,
    ignore_index: int = -100,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood of class indices (``NllLossBackward0``); ``input``
    is ``(C,)`` or ``(N, C)`` log-probabilities.

    >>> import funcgrad.torch as torch
    >>> logp = torch.tensor([[-0.5, -1.0]], requires_grad=True)
    >>> nll_loss(logp, torch.tensor([1]))
    tensor(1., grad_fn=<NllLossBackward0>)
    """
    x, t = _tensor(input, "nll_loss_nd"), _tensor(target, "nll_loss_nd", pos=2)
    if x.ndim > 2:
        _no_grad_allowed("nll_loss", "weight", weight)
        reduction = _reduction(size_average, reduce, reduction)
        return _nd.nll_loss_nd(x, t, weight, ignore_index, reduction)
    if x.ndim not in (1, 2):
        raise NotImplementedError(
            f"nll_loss: input of {x.ndim} dimensions is not supported (1 or 2 are)"
        )
    if t.dtype.name not in ("int64", "uint8"):
        raise RuntimeError(
            f"expected target dtype to be Long or Byte, but got {_dtype_words(t)[0]}"
        )
    if (x.ndim == 2 and t.shape != x.shape[:1]) or (x.ndim == 1 and t.ndim != 0):
        raise ValueError(
            f"Expected input batch_size ({x.shape[0] if x.ndim == 2 else 1}) to match "
            f"target batch_size ({t.shape[0] if t.ndim else 1})."
        )
    classes = x.shape[-1]
    if not isinstance(t._value, jax.core.Tracer):  # traced: out of bounds -> NaN
        values = np.asarray(t._value).reshape(-1)
        bad = values[(values != ignore_index) & ((values < 0) | (values >= classes))]
        if bad.size:
            raise IndexError(f"Target {int(bad[0])} is out of bounds.")
    _no_grad_allowed("nll_loss", "weight", weight)
    return dispatch(
        "nll_loss",
        x,
        t,
        weight,
        reduction=_reduction(size_average, reduce, reduction),
        ignore_index=int(ignore_index),
    )


def cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average=None,
    ignore_index: int = -100,
    reduce=None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Cross-entropy of logits: ``nll_loss(log_softmax(input, 1), target)`` for
    class-index targets (``NllLossBackward0`` over ``LogSoftmaxBackward0``, as
    PyTorch records it); for probability targets (same shape as ``input``),
    ``-(target * log_softmax(input)).sum(1)`` reduced.

    >>> import funcgrad.torch as torch
    >>> z = torch.zeros(2, 4, requires_grad=True)
    >>> loss = cross_entropy(z, torch.tensor([0, 3]))
    >>> loss, loss.grad_fn.next_functions[0][0]
    (tensor(1.3863, grad_fn=<NllLossBackward0>), <LogSoftmaxBackward0 object at 0x...>)
    """
    x = _tensor(input, "cross_entropy_loss")
    t = _tensor(target, "cross_entropy_loss", pos=2)
    reduction = _reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError("label_smoothing must be between 0.0 and 1.0. Got: "
                           f"{label_smoothing}")  # fmt: skip
    if label_smoothing:
        return _nd.cross_entropy_smoothed(
            x, t, weight, ignore_index, reduction, label_smoothing
        )
    if x.ndim > 2 and not t.dtype.is_floating_point:
        return _nd.cross_entropy_nd(x, t, weight, ignore_index, reduction)
    dim = 0 if x.ndim == 1 else 1
    logp = log_softmax(x, dim)
    if not t.dtype.is_floating_point or t.shape != x.shape:
        return nll_loss(logp, t, weight, None, ignore_index, None, reduction)
    if t.shape != x.shape:
        raise RuntimeError(f"Expected target size {list(x.shape)}, got {list(t.shape)}")
    F._check_reduction(reduction)
    prod = logp * t
    if weight is not None:
        shape = (1,) * dim + (x.shape[dim],) + (1,) * (x.ndim - dim - 1)
        prod = prod * _tensor(weight, "cross_entropy_loss", pos=3, name="weight").view(
            *shape
        )
    if reduction == "none":
        return -prod.sum(dim)
    total = -prod.sum()
    if reduction == "sum":
        return total
    return total / (x.shape[0] if x.ndim > 1 else 1)


__getattr__ = _missing.missing(__name__)


def _softmax_method(self: Tensor, dim: int, dtype=None) -> Tensor:
    return softmax(self, dim, dtype=dtype)


def _log_softmax_method(self: Tensor, dim: int, dtype=None) -> Tensor:
    return log_softmax(self, dim, dtype=dtype)


Tensor.softmax = _softmax_method  # Tensor.softmax / log_softmax, as torch has them
Tensor.log_softmax = _log_softmax_method
