"""Registry entries of ``torch.nn``'s layers: pure ``jnp`` forwards named by the
node PyTorch records; the engine derives every backward with ``jax.vjp``.

Keys start with ``nn.`` (the torch op name follows); the node names were read
off PyTorch 2.13's graphs.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

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
register("nn.add.Scalar", lambda a, *, other: a + other, "AddBackward1")
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


def pool_size(size: int, k: int, s: int, p: int, d: int, ceil: bool) -> int:
    """Output length of a pooling window sweep, as PyTorch counts it: with
    ``ceil`` a last partial window counts if it starts inside the input or
    the left padding.

    >>> pool_size(5, 2, 2, 0, 1, False), pool_size(5, 2, 2, 0, 1, True)
    (2, 3)
    """
    out = (size + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil else 0)) // s + 1
    if ceil and (out - 1) * s >= size + p:
        out -= 1
    return out


def _pads(sizes, kernel, stride, padding, dilation, ceil: bool):
    """``(low, high)`` padding per pooled axis: ``padding`` both sides, plus what
    a ``ceil_mode`` last window needs past the right edge."""
    pads = []
    for n, k, s, p, d in zip(sizes, kernel, stride, padding, dilation, strict=True):
        out = pool_size(n, k, s, p, d, ceil)
        pads.append((p, max(p, (out - 1) * s + d * (k - 1) + 1 - n - p)))
    return pads


def _lowest(dtype):
    """The identity of ``max`` for ``dtype``, as a NumPy constant (so JAX sees
    the monoid and can differentiate the window reduction)."""
    if jnp.issubdtype(dtype, jnp.floating):
        return np.array(-np.inf, dtype)
    if dtype == jnp.bool_:
        return np.array(False)
    return np.array(jnp.iinfo(dtype).min, dtype)


def _window(x, init, fn, kernel, stride, pads, dilation):
    lead = (1,) * (x.ndim - 2)
    return jax.lax.reduce_window(
        x, init, fn, lead + tuple(kernel), lead + tuple(stride),
        [(0, 0)] * (x.ndim - 2) + list(pads), window_dilation=lead + tuple(dilation),
    )  # fmt: skip


def _max_pool2d(x, *, kernel, stride, padding, dilation, ceil_mode: bool = False):
    if any(d != 1 for d in dilation):  # JAX's window max has no dilated VJP
        v, _, valid = _patches(x, kernel, stride, padding, dilation, ceil_mode)
        arg = jax.lax.stop_gradient(_first_max(v, valid))
        return jnp.take_along_axis(v, arg[..., None], -1)[..., 0]
    pads = _pads(x.shape[-2:], kernel, stride, padding, dilation, ceil_mode)
    return _window(x, _lowest(x.dtype), jax.lax.max, kernel, stride, pads, dilation)


def _patches(x, kernel, stride, padding, dilation, ceil_mode: bool):
    """Every window's cells: values ``(..., oh, ow, kh * kw)`` (the lowest value
    where a cell is padding), their flat input positions and which are real."""
    h, w = x.shape[-2:]
    oh, ow = (
        pool_size(n, k, s, p, d, ceil_mode)
        for n, k, s, p, d in zip((h, w), kernel, stride, padding, dilation, strict=True)
    )  # fmt: skip
    rows = np.arange(oh)[:, None] * stride[0] - padding[0]
    rows = rows + np.arange(kernel[0])[None, :] * dilation[0]  # (oh, kh)
    cols = np.arange(ow)[:, None] * stride[1] - padding[1]
    cols = cols + np.arange(kernel[1])[None, :] * dilation[1]  # (ow, kw)
    r, c = rows[:, None, :, None], cols[None, :, None, :]
    valid = ((r >= 0) & (r < h) & (c >= 0) & (c < w)).reshape(oh, ow, -1)
    flat = np.where(valid, (r * w + c).reshape(oh, ow, -1), 0)
    v = jnp.reshape(x, x.shape[:-2] + (h * w,))[..., flat]
    valid = np.broadcast_to(valid, v.shape)
    return jnp.where(valid, v, _lowest(x.dtype)), np.broadcast_to(flat, v.shape), valid


def _first_max(v, valid):
    """Which cell of each window PyTorch's kernel picks: the first maximum in
    row-major order among the real cells, or the last NaN."""
    hit = (v == jnp.max(v, -1, keepdims=True)) & valid
    arg = jnp.argmax(hit, -1)
    if jnp.issubdtype(v.dtype, jnp.floating):
        nan = jnp.isnan(v) & valid
        last = nan.shape[-1] - 1 - jnp.argmax(nan[..., ::-1], -1)
        arg = jnp.where(jnp.any(nan, -1), last, arg)
    return arg


def max_pool2d_indices(x, *, kernel, stride, padding, dilation, ceil_mode=False):
    """Where each window's maximum sits, as a flat index into its input plane
    (``h * W + w``), the cell PyTorch's kernel picks (:func:`_first_max`)."""
    v, flat, valid = _patches(x, kernel, stride, padding, dilation, ceil_mode)
    arg = _first_max(v, valid)
    return jnp.take_along_axis(jnp.asarray(flat), arg[..., None], -1)[..., 0]


def _avg_pool2d(
    x, *, kernel, stride, padding, count_include_pad, divisor, ceil_mode=False
):
    ones = (1, 1)
    pads = _pads(x.shape[-2:], kernel, stride, padding, ones, ceil_mode)
    total = _window(x, 0.0, jax.lax.add, kernel, stride, pads, ones)
    if divisor is not None:
        return total / divisor
    size = x.shape[-2:]
    if count_include_pad:  # the padded input counts, a ceil overhang does not
        size = tuple(n + 2 * p for n, p in zip(size, padding, strict=True))
        pads = [(0, hi - lo) for lo, hi in pads]
    if all(lo == 0 and hi == 0 for lo, hi in pads):
        return total / (kernel[0] * kernel[1])
    n = _window(jnp.ones(size, x.dtype), 0.0, jax.lax.add, kernel, stride, pads, ones)
    return total / jnp.broadcast_to(n, total.shape)


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


def _max_unpool2d(x, indices, *, size):
    """Each value written at its index in a zero plane of ``size``. A position
    named twice holds one of its values (they are equal when the indices come
    from ``max_pool2d``), while every value gets the gradient read at its
    position, as PyTorch's backward gathers it."""
    lead = x.shape[:-2]
    idx = jnp.reshape(indices, (-1, x.shape[-2] * x.shape[-1]))
    flat = jnp.reshape(x, idx.shape)
    rows = jnp.broadcast_to(jnp.arange(idx.shape[0])[:, None], idx.shape)
    plane = jnp.zeros((idx.shape[0], size[0] * size[1]), x.dtype)
    chosen = plane.at[rows, idx].set(jax.lax.stop_gradient(flat))
    summed = plane.at[rows, idx].add(flat)
    return jnp.reshape(chosen + (summed - jax.lax.stop_gradient(summed)), lead + size)


register("nn.max_pool2d", _max_pool2d, "MaxPool2DWithIndicesBackward0")
register("nn.avg_pool2d", _avg_pool2d, "AvgPool2DBackward0")
register("nn.max_unpool2d", _max_unpool2d, "MaxUnpool2DBackward0", inputs=1)
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
