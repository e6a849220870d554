"""``torch.nn.functional`` for layers: activations, dropout, normalisation,
embedding, convolution, pooling and more losses, over the entries in ``_ops``
(or composed of facade ops where PyTorch composes them, so the graph is the same).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import jax
import jax.numpy as jnp
import numpy as np

from ...autograd import dtypes as _dt
from ...autograd.grad_mode import no_grad
from ...autograd.tensor import Tensor, dispatch
from .. import _random
from . import _ops  # noqa: F401 - registers the entries used here

__all__ = [
    "adaptive_avg_pool2d",
    "batch_norm",
    "conv1d",
    "conv2d",
    "cross_entropy_nd",
    "cross_entropy_smoothed",
    "dropout",
    "elu",
    "embedding",
    "gelu",
    "huber_loss",
    "kl_div",
    "l1_loss",
    "layer_norm",
    "leaky_relu",
    "nll_loss_nd",
    "silu",
    "smooth_l1_loss",
    "softplus",
]

_REDUCTIONS = ("none", "mean", "sum")


def _t(x) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def _check_reduction(reduction: str) -> None:
    if reduction not in _REDUCTIONS and reduction != "batchmean":
        raise ValueError(f"{reduction} is not a valid value for reduction")


# --- activations --------------------------------------------------------------


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """Gaussian error linear unit (``GeluBackward0``); ``approximate="tanh"``
    for the tanh form.

    >>> import funcgrad.torch as torch
    >>> gelu(torch.tensor([0.0, 1.0]))
    tensor([0.0000, 0.8413])
    """
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return dispatch("nn.gelu", _t(input), approximate=approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * sigmoid(x)`` (``SiluBackward0``).

    >>> import funcgrad.torch as torch
    >>> silu(torch.tensor([0.0, 1.0]))
    tensor([0.0000, 0.7311])
    """
    return dispatch("nn.silu", _t(input))


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """``log(1 + exp(beta * x)) / beta``, linear where ``beta * x > threshold``
    (``SoftplusBackward0``).

    >>> import funcgrad.torch as torch
    >>> softplus(torch.tensor([0.0, 30.0]))
    tensor([ 0.6931, 30.0000])
    """
    return dispatch("softplus", _t(input), beta=beta, threshold=threshold)


def leaky_relu(
    input: Tensor, negative_slope: float = 0.01, inplace: bool = False
) -> Tensor:
    """``x`` if positive, else ``negative_slope * x`` (``LeakyReluBackward0``).

    >>> import funcgrad.torch as torch
    >>> leaky_relu(torch.tensor([-1.0, 2.0]), 0.1)
    tensor([-0.1000,  2.0000])
    """
    return dispatch("nn.leaky_relu", _t(input), negative_slope=float(negative_slope))


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``x`` if positive, else ``alpha * (exp(x) - 1)`` (``EluBackward0``).

    >>> import funcgrad.torch as torch
    >>> elu(torch.tensor([-1.0, 2.0]))
    tensor([-0.6321,  2.0000])
    """
    return dispatch("nn.elu", _t(input), alpha=float(alpha))


# --- dropout ------------------------------------------------------------------


@_dt.scoped
def dropout(
    input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by
    ``1 / (1 - p)`` (``MulBackward0`` by the mask, as PyTorch records it); the
    input itself when not ``training``. Masks come from a JAX stream seeded by
    ``manual_seed``, not PyTorch's Bernoulli sampler: seeded masks differ from
    PyTorch's.

    >>> import funcgrad.torch as torch
    >>> x = torch.ones(4)
    >>> dropout(x, 0.5, training=False) is x
    True
    >>> set(dropout(x, 0.5).tolist()) <= {0.0, 2.0}
    True
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    x = _t(input)
    if not training:
        return x
    if p == 1.0:
        return x * Tensor._wrap(jnp.zeros(x.shape, x._value.dtype), x.dtype)
    keep = jax.random.bernoulli(_random.next_key(), 1.0 - p, tuple(x.shape))
    mask = jnp.where(keep, 1.0 / (1.0 - p), 0.0).astype(x._value.dtype)
    return x * Tensor._wrap(mask, x.dtype)


# --- normalisation ------------------------------------------------------------


def layer_norm(
    input: Tensor,
    normalized_shape: Sequence[int],
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise over the trailing ``normalized_shape`` dimensions (biased
    variance), then scale and shift (``NativeLayerNormBackward0``).

    >>> import funcgrad.torch as torch
    >>> layer_norm(torch.tensor([[1.0, 3.0]]), (2,))
    tensor([[-1.0000,  1.0000]])
    """
    x = _t(input)
    shape = (
        (normalized_shape,)
        if isinstance(normalized_shape, int)
        else tuple(normalized_shape)
    )
    if tuple(x.shape[x.ndim - len(shape) :]) != shape:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape "
            f"[*, {', '.join(map(str, shape))}], but got input of size{list(x.shape)}"
        )
    return dispatch("nn.layer_norm", x, weight, bias, ndim=len(shape), eps=float(eps))


def batch_norm(
    input: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Batch normalisation (``NativeBatchNormBackward0``): in training, batch
    statistics (biased variance) normalise, and the running ones are updated in
    place (``(1 - momentum) * running + momentum * batch``, unbiased variance);
    otherwise the running statistics normalise.

    >>> import funcgrad.torch as torch
    >>> batch_norm(torch.tensor([[1.0], [3.0]]), None, None, training=True)
    tensor([[-1.0000],
            [ 1.0000]])
    """
    x = _t(input)
    if x.ndim < 2:
        raise ValueError(f"expected 2D or 3D input (got {x.ndim}D input)")
    if not training:
        return dispatch(
            "nn.batch_norm.eval", x, weight, bias, running_mean._value,
            running_var._value, eps=float(eps),
        )  # fmt: skip
    count = x.numel() // x.shape[1]
    if count <= 1:
        raise ValueError(
            "Expected more than 1 value per channel when training, got input size "
            f"{x.shape}"
        )
    out = dispatch("nn.batch_norm.train", x, weight, bias, eps=float(eps))
    if running_mean is not None and running_var is not None:
        _update_running(x, running_mean, running_var, momentum, count)
    return out


@_dt.scoped
def _update_running(x: Tensor, mean_t: Tensor, var_t: Tensor, momentum, n) -> None:
    axes = (0, *range(2, x.ndim))
    v = jax.lax.stop_gradient(x._value)
    mean = jnp.mean(v, axes)
    var = jnp.var(v, axes) * (n / (n - 1))
    m = momentum
    for target, batch in ((mean_t, mean), (var_t, var)):
        new = (1 - m) * target._value + m * batch.astype(target._value.dtype)
        target._value = new.astype(target._value.dtype)
        target._version += 1


def embedding(
    input: Tensor,
    weight: Tensor,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """Rows of ``weight`` picked by the integer ``input`` (``EmbeddingBackward0``;
    the ``padding_idx`` row gets no gradient).

    >>> import funcgrad.torch as torch
    >>> embedding(torch.tensor([1, 0]), torch.tensor([[0.0, 1.0], [2.0, 3.0]]))
    tensor([[2., 3.],
            [0., 1.]])
    """
    idx = _t(input)
    if idx.dtype.is_floating_point:
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following "
            "scalar types: Long, Int; but got torch.FloatTensor instead (while "
            "checking arguments for embedding)"
        )
    if max_norm is not None or scale_grad_by_freq or sparse:
        raise NotImplementedError(
            "embedding: max_norm, scale_grad_by_freq and sparse are not supported"
        )
    rows = weight.shape[0]
    if not isinstance(idx._value, jax.core.Tracer):  # traced: not checkable
        values = np.asarray(idx._value)
        if values.size and (values.min() < -rows or values.max() >= rows):
            raise IndexError("index out of range in self")
    if padding_idx is not None and padding_idx < 0:
        padding_idx += rows
    return dispatch("nn.embedding", weight, idx._value, padding_idx=padding_idx)


# --- convolution and pooling --------------------------------------------------


def _tuple(v, n: int, name: str) -> tuple[int, ...]:
    if isinstance(v, int):
        return (v,) * n
    v = tuple(int(i) for i in v)
    if len(v) == 1:
        return v * n
    if len(v) != n:
        raise RuntimeError(f"expected {name} to be a single integer value or a list "
                           f"of {n} values to match the convolution dimensions, but "
                           f"got {name}={list(v)}")  # fmt: skip
    return v


def _conv(x, weight, bias, stride, padding, dilation, groups, n: int) -> Tensor:
    x = _t(x)
    if x.ndim == n + 1:  # unbatched: PyTorch adds and removes the batch axis
        return _conv(x.unsqueeze(0), weight, bias, stride, padding, dilation,
                     groups, n).squeeze(0)  # fmt: skip
    if x.ndim != n + 2:
        raise RuntimeError(
            f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to conv{n}d, "
            f"but got input of size: {list(x.shape)}"
        )
    if x.shape[1] != weight.shape[1] * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {list(weight.shape)}, expected "
            f"input{list(x.shape)} to have {weight.shape[1] * groups} channels, but "
            f"got {x.shape[1]} channels instead"
        )
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise ValueError(
                f"Invalid padding string '{padding}', should be one of "
                "{'valid', 'same'}"
            )
        pad = padding
    else:
        pad = _tuple(padding, n, "padding")
    return dispatch(
        "nn.convolution", x, weight, bias, stride=_tuple(stride, n, "stride"),
        padding=pad, dilation=_tuple(dilation, n, "dilation"), groups=int(groups),
    )  # fmt: skip


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution (cross-correlation) of ``(N, C, L)`` input
    (``ConvolutionBackward0``).

    >>> import funcgrad.torch as torch
    >>> conv1d(torch.ones(1, 1, 4), torch.ones(1, 1, 2))
    tensor([[[2., 2., 2.]]])
    """
    return _conv(input, weight, bias, stride, padding, dilation, groups, 1)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution (cross-correlation) of ``(N, C, H, W)`` input
    (``ConvolutionBackward0``).

    >>> import funcgrad.torch as torch
    >>> conv2d(torch.ones(1, 1, 3, 3), torch.ones(1, 1, 2, 2)).shape
    torch.Size([1, 1, 2, 2])
    """
    return _conv(input, weight, bias, stride, padding, dilation, groups, 2)


def adaptive_avg_pool2d(input: Tensor, output_size) -> Tensor:
    """Mean over the bins that split ``H x W`` into ``output_size``
    (``AdaptiveAvgPool2DBackward0``; a ``1 x 1`` output is ``mean`` over the
    last two dimensions, ``MeanBackward1``, as PyTorch computes it).

    >>> import funcgrad.torch as torch
    >>> adaptive_avg_pool2d(torch.arange(16.0).view(1, 1, 4, 4), 1)
    tensor([[[[7.5000]]]])
    """
    x = _t(input)
    size = _tuple(output_size, 2, "output_size")
    size = tuple(x.shape[-2 + i] if v is None else v for i, v in enumerate(size))
    if size == (1, 1):
        return x.mean((-1, -2), keepdim=True)
    return dispatch("nn.adaptive_avg_pool2d", x, output_size=size)


# --- losses -------------------------------------------------------------------


def _same_shape(x: Tensor, t: Tensor) -> tuple[Tensor, Tensor]:
    if x.shape != t.shape:
        warnings.warn(
            f"Using a target size ({t.shape}) that is different to the input size "
            f"({x.shape}). This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size.",
            UserWarning,
            stacklevel=3,
        )
        shape = jnp.broadcast_shapes(tuple(x.shape), tuple(t.shape))
        x, t = x.expand(*shape), t.expand(*shape)
    return x, t


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Mean absolute error, composed as PyTorch composes it:
    ``(input - target).abs()`` then ``mean``/``sum``.

    >>> import funcgrad.torch as torch
    >>> l1_loss(torch.tensor([1.0, -3.0], requires_grad=True), torch.zeros(2))
    tensor(2., grad_fn=<MeanBackward0>)
    """
    _check_reduction(reduction)
    x, t = _same_shape(_t(input), _t(target))
    d = (x - t).abs()
    return d if reduction == "none" else d.sum() if reduction == "sum" else d.mean()


def smooth_l1_loss(
    input, target, size_average=None, reduce=None, reduction="mean", beta=1.0
):
    """Quadratic below ``beta``, linear above (``SmoothL1LossBackward0``).

    >>> import funcgrad.torch as torch
    >>> smooth_l1_loss(torch.tensor([0.5, 3.0]), torch.zeros(2))
    tensor(1.3125)
    """
    _check_reduction(reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    x, t = _same_shape(_t(input), _t(target))
    return dispatch("nn.smooth_l1_loss", x, t, reduction=reduction, beta=float(beta))


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """Quadratic below ``delta``, ``delta``-scaled linear above
    (``HuberLossBackward0``).

    >>> import funcgrad.torch as torch
    >>> huber_loss(torch.tensor([0.5, 3.0]), torch.zeros(2), delta=2.0)
    tensor(2.0625)
    """
    _check_reduction(reduction)
    if weight is not None:
        raise NotImplementedError("huber_loss(weight=...) is not supported")
    x, t = _same_shape(_t(input), _t(target))
    return dispatch("nn.huber_loss", x, t, reduction=reduction, delta=float(delta))


@_dt.scoped
def kl_div(
    input, target, size_average=None, reduce=None, reduction="mean",
    log_target: bool = False,
) -> Tensor:  # fmt: skip
    """KL divergence of log-probabilities ``input`` from ``target``, composed as
    PyTorch composes it: ``xlogy(t, t) - t * input`` (or
    ``exp(t) * (t - input)`` with ``log_target``), then the reduction
    (``batchmean``: the sum over the batch size).

    >>> import funcgrad.torch as torch
    >>> logp = torch.tensor([[-1.0, -0.5]], requires_grad=True)
    >>> kl_div(logp, torch.tensor([[0.5, 0.5]]), reduction="batchmean")
    tensor(0.0569, grad_fn=<DivBackward0>)
    """
    _check_reduction(reduction)
    if reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the "
            "support size.'batchmean' divides only by the batch size, and aligns with "
            "the KL div math definition.'mean' will be changed to behave the same as "
            "'batchmean' in the next major release.",
            UserWarning,
            stacklevel=2,
        )
    x, t = _t(input), _t(target)
    if log_target:
        with no_grad():
            et = Tensor._wrap(jnp.exp(t._value), t.dtype)
        pointwise = et * (t - x)
    else:
        with no_grad():
            tv = t._value
            xlogy = jnp.where(tv == 0, 0.0, tv * jnp.log(jnp.where(tv == 0, 1.0, tv)))
        pointwise = Tensor._wrap(xlogy.astype(tv.dtype), t.dtype) - t * x
    if reduction == "batchmean":
        batch = x.shape[0] if x.ndim else 1
        return pointwise.sum() / Tensor._wrap(jnp.asarray(batch), None)
    if reduction == "sum":
        return pointwise.sum()
    return pointwise.mean() if reduction == "mean" else pointwise


@_dt.scoped
def nll_loss_nd(x: Tensor, t: Tensor, weight, ignore_index: int, reduction: str):
    """``nll_loss`` of ``(N, C, d1, ...)`` log-probabilities: viewed as
    ``(N, C, 1, L)`` unless 4-D (``NllLoss2DBackward0``), as PyTorch does."""
    if t.ndim != x.ndim - 1 or t.shape[0] != x.shape[0] or t.shape[1:] != x.shape[2:]:
        raise RuntimeError(
            f"Expected target size {[x.shape[0], *x.shape[2:]]}, got {list(t.shape)}"
        )
    if not isinstance(t._value, jax.core.Tracer):  # traced: not checkable
        values = np.asarray(t._value)
        bad = values[(values != ignore_index) & ((values < 0) | (values >= x.shape[1]))]
        if bad.size:
            raise IndexError(f"Target {int(bad[0])} is out of bounds.")
    if x.ndim != 4:
        n, c = x.shape[0], x.shape[1]
        x4 = x.view(n, c, 1, -1)
        t4 = _dt.narrow(t._value).reshape(n, 1, -1)
    else:
        x4, t4 = x, _dt.narrow(t._value)
    out = dispatch(
        "nn.nll_loss2d", x4, t4, None if weight is None else _t(weight)._value,
        reduction=reduction, ignore_index=int(ignore_index),
    )  # fmt: skip
    return out.view(*t.shape) if reduction == "none" and x.ndim != 4 else out


def cross_entropy_nd(x, t, weight, ignore_index, reduction) -> Tensor:
    """Class-index cross-entropy of ``(N, C, d1, ...)`` logits."""
    logp = dispatch("_log_softmax", x, dim=1)
    return nll_loss_nd(logp, t, weight, ignore_index, reduction)


@_dt.scoped
def cross_entropy_smoothed(
    x: Tensor, t: Tensor, weight, ignore_index: int, reduction: str, eps: float
) -> Tensor:
    """Cross-entropy with label smoothing ``eps``, composed as PyTorch does:
    ``(1 - eps) * nll + eps / C * smooth``, ``smooth`` the (weighted) negative
    sum of log-probabilities over classes."""
    dim = 0 if x.ndim == 1 else 1
    classes = x.shape[dim]
    logp = dispatch("_log_softmax", x, dim=dim)
    if t.dtype.is_floating_point:  # probabilities: smoothing moves mass evenly
        scaled = dispatch("nn.mul.Scalar", t, other=1 - eps)
        smoothed = dispatch("nn.add.Scalar", scaled, other=eps / classes)
        prod = logp * smoothed
        if weight is not None:
            shape = (1,) * dim + (classes,) + (1,) * (x.ndim - dim - 1)
            prod = prod * _t(weight).view(*shape)
        if reduction == "none":
            return -prod.sum(dim)
        total = -prod.sum()
        if reduction == "sum":
            return total
        return dispatch("nn.div.Scalar", total, other=x.shape[0] if x.ndim > 1 else 1)
    if x.ndim > 2:
        nll = nll_loss_nd(logp, t, weight, ignore_index, reduction)
    else:
        nll = dispatch(
            "nll_loss", logp, t._value, None if weight is None else _t(weight)._value,
            reduction=reduction, ignore_index=int(ignore_index),
        )  # fmt: skip
    if weight is not None:
        shape = (1,) * dim + (classes,) + (1,) * (x.ndim - dim - 1)
        smooth = -(logp * _t(weight).view(*shape)).sum(dim)
    else:
        smooth = -(logp.sum(dim))
    tv = _dt.narrow(t._value)  # class indices: int32 in any mode
    ignored = tv == ignore_index
    smooth = dispatch("nn.masked_fill.Scalar", smooth, ignored, value=0.0)
    if reduction == "sum":
        smooth = smooth.sum()
    elif reduction == "mean":
        if weight is None:
            denom = jnp.sum(~ignored)
        else:
            w = _t(weight)._value[jnp.where(ignored, 0, tv)]
            denom = jnp.sum(w * ~ignored)
        smooth = smooth.sum() / Tensor._wrap(denom.astype(logp._value.dtype))
    a = dispatch("nn.mul.Scalar", nll, other=1.0 - eps)
    b = dispatch("nn.mul.Scalar", smooth, other=eps / classes)
    return a + b
