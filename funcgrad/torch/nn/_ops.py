"""Registry entries of ``torch.nn``'s layers: pure ``jnp`` forwards named by the
node PyTorch records; the engine derives every backward with ``jax.vjp``.

Keys start with ``nn.`` (the torch op name follows); the node names were read
off PyTorch 2.13's graphs.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from ...autograd.ops import register

__all__: list[str] = []


# --- activations ---------------------------------------------------------------------
def _gelu(x, *, approximate: str = "none"):
    return jax.nn.gelu(x, approximate=approximate == "tanh")


def _leaky_relu(x, *, negative_slope: float = 0.01):
    return jnp.where(x > 0, x, x * negative_slope)


def _elu(x, *, alpha: float = 1.0):
    return jnp.where(x > 0, x, alpha * jnp.expm1(jnp.minimum(x, 0)))


register("nn.gelu", _gelu, "GeluBackward0")
register("nn.silu", jax.nn.silu, "SiluBackward0")
register("nn.leaky_relu", _leaky_relu, "LeakyReluBackward0")
register("nn.elu", _elu, "EluBackward0")
register("nn.mul.Scalar", lambda a, *, other: a * other, "MulBackward1")
register("nn.div.Scalar", lambda a, *, other: a / other, "DivBackward1")
register(
    "nn.masked_fill.Scalar",
    lambda a, mask, *, value: jnp.where(mask, jnp.asarray(value, a.dtype), a),
    "MaskedFillBackward0",
    inputs=1,
)


# --- normalisation -------------------------------------------------------------------
def _layer_norm(x, weight, bias, *, ndim: int, eps: float):
    axes = tuple(range(x.ndim - ndim, x.ndim))
    mean = jnp.mean(x, axes, keepdims=True)
    var = jnp.mean(jnp.square(x - mean), axes, keepdims=True)
    y = (x - mean) * jax.lax.rsqrt(var + eps)
    lead = (1,) * (x.ndim - ndim)
    if weight is not None:
        y = y * jnp.reshape(weight, lead + weight.shape)
    if bias is not None:
        y = y + jnp.reshape(bias, lead + bias.shape)
    return y


def _channel(v, ndim: int):
    return jnp.reshape(v, (1, -1) + (1,) * (ndim - 2))


def _batch_norm(x, weight, bias, mean, var, *, eps: float):
    """Normalise with the given per-channel ``mean``/``var`` (batch statistics
    computed by :func:`batch_stats` in training, running ones in eval)."""
    y = (x - _channel(mean, x.ndim)) * jax.lax.rsqrt(_channel(var, x.ndim) + eps)
    if weight is not None:
        y = y * _channel(weight, x.ndim)
    if bias is not None:
        y = y + _channel(bias, x.ndim)
    return y


def _batch_norm_train(x, weight, bias, *, eps: float):
    axes = (0, *range(2, x.ndim))
    mean = jnp.mean(x, axes)
    var = jnp.mean(jnp.square(x - _channel(mean, x.ndim)), axes)
    return _batch_norm(x, weight, bias, mean, var, eps=eps)


register("nn.layer_norm", _layer_norm, "NativeLayerNormBackward0", inputs=3)
register("nn.batch_norm.train", _batch_norm_train, "NativeBatchNormBackward0")
register("nn.batch_norm.eval", _batch_norm, "NativeBatchNormBackward0", inputs=3)


def _embedding(weight, indices, *, padding_idx: int | None = None):
    if padding_idx is not None:
        rows = jnp.arange(weight.shape[0])[:, None]
        weight = jnp.where(rows == padding_idx, jax.lax.stop_gradient(weight), weight)
    return jnp.take(weight, indices, axis=0)


register("nn.embedding", _embedding, "EmbeddingBackward0", inputs=1)


# --- convolution and pooling ---------------------------------------------------------
def _conv(x, weight, bias, *, stride, padding, dilation, groups: int):
    spatial = x.ndim - 2
    letters = "DHW"[-spatial:]
    dims = (f"NC{letters}", f"OI{letters}", f"NC{letters}")
    pad = padding if isinstance(padding, str) else [(p, p) for p in padding]
    y = jax.lax.conv_general_dilated(
        x, weight, window_strides=stride, padding=pad.upper() if isinstance(pad, str)
        else pad, rhs_dilation=dilation, dimension_numbers=dims,
        feature_group_count=groups,
        precision=jax.lax.Precision.HIGHEST,
    )  # fmt: skip
    if bias is not None:
        y = y + _channel(bias, y.ndim)
    return y


register("nn.convolution", _conv, "ConvolutionBackward0", inputs=3)


def _window(x, init, fn, kernel, stride, padding, dilation=(1, 1)):
    lead = (1,) * (x.ndim - 2)
    pads = [(0, 0)] * (x.ndim - 2) + [(p, p) for p in padding]
    return jax.lax.reduce_window(
        x, init, fn, lead + tuple(kernel), lead + tuple(stride), pads,
        window_dilation=lead + tuple(dilation),
    )  # fmt: skip


def _max_pool2d(x, *, kernel, stride, padding, dilation):
    return _window(x, -jnp.inf, jax.lax.max, kernel, stride, padding, dilation)


def _avg_pool2d(x, *, kernel, stride, padding, count_include_pad, divisor):
    total = _window(x, 0.0, jax.lax.add, kernel, stride, padding)
    if divisor is not None:
        return total / divisor
    if count_include_pad or not any(padding):
        return total / (kernel[0] * kernel[1])
    ones = jnp.ones((1,) * (x.ndim - 2) + x.shape[-2:], x.dtype)
    return total / _window(ones, 0.0, jax.lax.add, kernel, stride, padding)


def _bins(size: int, out: int):
    """The averaging matrix ``(out, size)`` of adaptive pooling: row ``i``
    averages ``[floor(i*size/out), ceil((i+1)*size/out))``."""
    rows = []
    for i in range(out):
        start, end = (i * size) // out, -((-(i + 1) * size) // out)
        rows.append(
            [1.0 / (end - start) if start <= j < end else 0.0 for j in range(size)]
        )
    return jnp.asarray(rows)


def _adaptive_avg_pool2d(x, *, output_size):
    ph = _bins(x.shape[-2], output_size[0]).astype(x.dtype)
    pw = _bins(x.shape[-1], output_size[1]).astype(x.dtype)
    hp = jax.lax.Precision.HIGHEST
    y = jnp.einsum("oh,...hw->...ow", ph, x, precision=hp)
    return jnp.einsum("pw,...ow->...op", pw, y, precision=hp)


register("nn.max_pool2d", _max_pool2d, "MaxPool2DWithIndicesBackward0")
register("nn.avg_pool2d", _avg_pool2d, "AvgPool2DBackward0")
register("nn.adaptive_avg_pool2d", _adaptive_avg_pool2d, "AdaptiveAvgPool2DBackward0")


# --- losses --------------------------------------------------------------------------
def _reduce(v, reduction: str):
    if reduction == "mean":
        return jnp.mean(v)
    if reduction == "sum":
        return jnp.sum(v)
    return v


def _smooth_l1(x, t, *, reduction: str, beta: float):
    d = jnp.abs(x - t)
    if beta == 0:
        return _reduce(d, reduction)
    return _reduce(jnp.where(d < beta, 0.5 * d * d / beta, d - 0.5 * beta), reduction)


def _huber(x, t, *, reduction: str, delta: float):
    d = jnp.abs(x - t)
    return _reduce(
        jnp.where(d < delta, 0.5 * d * d, delta * (d - 0.5 * delta)), reduction
    )


def _nll2d(logp, target, weight, *, reduction: str, ignore_index: int):
    """``nll_loss`` of ``(N, C, H, W)`` log-probabilities and ``(N, H, W)``
    class indices."""
    keep = target != ignore_index
    safe = jnp.where(keep, target, 0)
    picked = jnp.take_along_axis(logp, safe[:, None], axis=1)[:, 0]
    w = jnp.ones_like(picked) if weight is None else weight.astype(logp.dtype)[safe]
    w = jnp.where(keep, w, jnp.zeros_like(w))
    losses = -picked * w
    if reduction == "none":
        return losses
    if reduction == "sum":
        return jnp.sum(losses)
    return jnp.sum(losses) / jnp.sum(w)


register("nn.smooth_l1_loss", _smooth_l1, "SmoothL1LossBackward0", inputs=2)
register("nn.huber_loss", _huber, "HuberLossBackward0", inputs=2)
register("nn.nll_loss2d", _nll2d, "NllLoss2DBackward0", inputs=1)
