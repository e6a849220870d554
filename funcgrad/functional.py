"""The pure functional core: a linear model and binary cross-entropy losses.

Every function here is pure and works under ``jax.grad``, ``jax.jit`` and
``jax.vmap``, in float32 or (with ``jax_enable_x64``) float64. The torch-style facade
(``funcgrad.torch``) calls these same functions, so there is one copy of the maths.
"""

from __future__ import annotations

import functools
from typing import Any, Literal, NamedTuple

import jax
import jax.numpy as jnp

from ._bigbatch import value_and_grad_by_blocks

Reduction = Literal["mean", "sum", "none"]

_REDUCTIONS = ("mean", "sum", "none")


class LinearParams(NamedTuple):
    """Parameters of a linear layer in the ``x @ w + b`` convention.

    ``w`` has shape ``(in_features, out_features)`` and ``b`` has shape
    ``(out_features,)``. A ``NamedTuple`` is a pytree, so ``jax.grad`` returns
    gradients of the same type.

    >>> import jax.numpy as jnp
    >>> p = LinearParams(w=jnp.zeros((5, 3)), b=jnp.zeros(3))
    >>> p.w.shape, p.b.shape
    ((5, 3), (3,))
    """

    w: jax.Array
    b: jax.Array


def init_linear(
    key: jax.Array,
    in_features: int,
    out_features: int,
    dtype: Any = jnp.float32,
) -> LinearParams:
    """Initialise a linear layer as ``torch.nn.Linear`` does.

    Weights and bias are drawn from ``U(-1/sqrt(in_features), 1/sqrt(in_features))``
    (PyTorch's default for ``nn.Linear``), from the JAX PRNG ``key``.

    >>> import jax
    >>> p = init_linear(jax.random.key(0), in_features=5, out_features=3)
    >>> p.w.shape, p.b.shape, p.w.dtype
    ((5, 3), (3,), dtype('float32'))
    >>> bool(jnp.all(jnp.abs(p.w) <= 1 / jnp.sqrt(5.0)))
    True
    """
    if int(in_features) <= 0 or int(out_features) <= 0:
        raise ValueError(
            f"in_features and out_features must be positive, got {in_features} and "
            f"{out_features}"
        )
    kw, kb = jax.random.split(key)
    bound = 1.0 / jnp.sqrt(jnp.asarray(in_features, dtype))
    w = jax.random.uniform(kw, (in_features, out_features), dtype, -bound, bound)
    b = jax.random.uniform(kb, (out_features,), dtype, -bound, bound)
    return LinearParams(w=w, b=b)


def _align(a: jax.Array, ndim: int) -> jax.Array:
    """Prepend unit axes so ``a`` has ``ndim`` dims (explicit rank promotion)."""
    return a.reshape((1,) * (ndim - a.ndim) + a.shape)


def linear(params: LinearParams, x: jax.Array) -> jax.Array:
    """Apply ``x @ w + b`` over any leading batch dimensions.

    >>> import jax.numpy as jnp
    >>> p = LinearParams(w=jnp.ones((5, 3)), b=jnp.arange(3.0))
    >>> linear(p, jnp.ones(5))
    Array([5., 6., 7.], dtype=float32)
    >>> linear(p, jnp.ones((4, 2, 5))).shape
    (4, 2, 3)
    """
    w, b = params
    if x.shape[-1:] != w.shape[:1]:
        raise ValueError(
            f"linear: x has {x.shape[-1] if x.ndim else 0} features (shape "
            f"{tuple(x.shape)}) but w expects {w.shape[0]} (shape {tuple(w.shape)})"
        )
    z = x @ w
    return z + _align(b, z.ndim)


def _check_reduction(reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _reduce(loss: jax.Array, reduction: str) -> jax.Array:
    if reduction == "mean":
        return jnp.mean(loss)
    if reduction == "sum":
        return jnp.sum(loss)
    return loss


def _broadcast_to(name: str, a: jax.Array, shape: tuple[int, ...]) -> jax.Array:
    """Broadcast ``a`` to ``shape`` with torch's rules, but explicitly."""
    a = jnp.asarray(a)
    if a.ndim > len(shape):
        raise ValueError(
            f"{name} of shape {tuple(a.shape)} cannot be broadcast to the input "
            f"shape {tuple(shape)}"
        )
    try:
        return jnp.broadcast_to(_align(a, len(shape)), shape)
    except ValueError:
        raise ValueError(
            f"{name} of shape {tuple(a.shape)} cannot be broadcast to the input "
            f"shape {tuple(shape)}"
        ) from None


def _check_same_size(logits: jax.Array, targets: jax.Array) -> None:
    if logits.shape != targets.shape:
        # PyTorch's wording, so a torch user's search finds it.
        raise ValueError(
            f"Target size ({_torch_size(targets.shape)}) must be the same as input "
            f"size ({_torch_size(logits.shape)})"
        )


def _check_same_size_probs(probs: jax.Array, targets: jax.Array) -> None:
    if probs.shape != targets.shape:
        # torch.nn.functional.binary_cross_entropy's own wording, verbatim.
        raise ValueError(
            f"Using a target size ({_torch_size(targets.shape)}) that is different "
            f"to the input size ({_torch_size(probs.shape)}) is deprecated. Please "
            "ensure they have the same size."
        )


def _torch_size(shape: tuple[int, ...]) -> str:
    return f"torch.Size([{', '.join(str(d) for d in shape)}])"


def binary_cross_entropy_with_logits(
    logits: jax.Array,
    targets: jax.Array,
    *,
    weight: jax.Array | None = None,
    pos_weight: jax.Array | None = None,
    reduction: Reduction = "mean",
) -> jax.Array:
    """Binary cross-entropy on logits, as ``torch.nn.functional`` computes it.

    ``loss = -w * (p * t * log(sigmoid(z)) + (1 - t) * log(1 - sigmoid(z)))`` with
    ``p = pos_weight`` (broadcast along the last, class dimension) and ``w = weight``
    (broadcast to the input), reduced by ``"mean"``, ``"sum"`` or ``"none"``. Finite
    for logits as large as ``+-1e30``.

    >>> import jax.numpy as jnp
    >>> z = jnp.array([0.0, 2.0, -3.0])
    >>> y = jnp.array([0.0, 1.0, 1.0])
    >>> binary_cross_entropy_with_logits(z, y, reduction="none")
    Array([0.6931472, 0.126928 , 3.0485873], dtype=float32)
    >>> binary_cross_entropy_with_logits(jnp.array([1e30, -1e30]), jnp.zeros(2))
    Array(5.e+29, dtype=float32)
    """
    _check_reduction(reduction)
    logits = jnp.asarray(logits)
    targets = jnp.asarray(targets, dtype=logits.dtype)
    _check_same_size(logits, targets)
    # -log(sigmoid(z)) = softplus(-z) and -log(1 - sigmoid(z)) = softplus(z), so
    #     loss = (1 - t) softplus(z) + p t softplus(-z).
    # It is the same function as torch's (1 - t) z - ((p - 1) t + 1) log(sigmoid(z))
    # (softplus(z) - softplus(-z) = z), but for targets in [0, 1] and p >= 0 no
    # term is negative, so nothing cancels: torch's form loses digits for soft
    # targets at large |z|, and its (p - 1) t + 1 rounds to 0 for a tiny p at t = 1.
    # softplus never overflows and no inf * 0 arises: finite for any finite z.
    # Elementwise on flat vectors (a free reshape): XLA's CPU backend runs exp and
    # log one element at a time on an (N, 1) array, about 20x slower than on (N,).
    shape = logits.shape
    z, t = logits.reshape(-1), targets.reshape(-1)
    positive = t
    if pos_weight is not None:
        pw = _broadcast_to("pos_weight", pos_weight, shape).astype(logits.dtype)
        positive = pw.reshape(-1) * t
    loss = (1 - t) * jax.nn.softplus(z) + positive * jax.nn.softplus(-z)
    if weight is not None:
        loss = loss * _broadcast_to("weight", weight, shape).astype(loss.dtype).reshape(
            -1
        )
    return _reduce(loss, reduction) if reduction != "none" else loss.reshape(shape)


def binary_cross_entropy(
    probs: jax.Array,
    targets: jax.Array,
    *,
    weight: jax.Array | None = None,
    reduction: Reduction = "mean",
) -> jax.Array:
    """Binary cross-entropy on probabilities, as ``torch.nn.functional`` computes it.

    Like PyTorch, each log is clamped at -100, so a probability of exactly 0 or 1
    gives a finite loss (and a finite gradient), and ``log(1 - p)`` is computed as
    ``log1p(-p)``, exact for small ``p``.

    >>> import jax.numpy as jnp
    >>> binary_cross_entropy(jnp.array([0.5, 1.0]), jnp.array([0.0, 0.0]),
    ...                      reduction="none")
    Array([  0.6931472, 100.       ], dtype=float32)
    """
    _check_reduction(reduction)
    probs = jnp.asarray(probs)
    targets = jnp.asarray(targets, dtype=probs.dtype)
    _check_same_size_probs(probs, targets)
    loss = -(targets * _clamped_log(probs) + (1 - targets) * _clamped_log1m(probs))
    if weight is not None:
        loss = loss * _broadcast_to("weight", weight, probs.shape).astype(loss.dtype)
    return _reduce(loss, reduction)


_LOG_FLOOR = -100.0


def _clamped_log(p: jax.Array) -> jax.Array:
    # max(log p, -100) as torch clamps it; the inner where keeps log's gradient
    # (1/p) from becoming inf * 0 = nan where the clamp is active.
    logged = p > jnp.exp(jnp.asarray(_LOG_FLOOR, p.dtype))
    safe = jnp.where(logged, p, 1.0)
    return jnp.where(logged, jnp.maximum(jnp.log(safe), _LOG_FLOOR), _LOG_FLOOR)


def _clamped_log1m(p: jax.Array) -> jax.Array:
    # max(log(1 - p), -100), as log1p(-p) (like torch): log(1 - p) rounds 1 - p and
    # loses every digit of a small p. The same where guard as _clamped_log.
    logged = 1 - p > jnp.exp(jnp.asarray(_LOG_FLOOR, p.dtype))
    safe = jnp.where(logged, p, 0.0)
    return jnp.where(logged, jnp.maximum(jnp.log1p(-safe), _LOG_FLOOR), _LOG_FLOOR)


def loss(
    params: LinearParams, x: jax.Array, y: jax.Array, **bce_kwargs: Any
) -> jax.Array:
    """The model's loss: ``binary_cross_entropy_with_logits(linear(params, x), y)``.

    Keyword arguments go to :func:`binary_cross_entropy_with_logits`. Differentiate
    it with plain JAX:

    >>> import jax, jax.numpy as jnp
    >>> p = LinearParams(w=jnp.zeros((5, 3)), b=jnp.zeros(3))
    >>> g = jax.grad(loss)(p, jnp.ones(5), jnp.zeros(3))
    >>> g.b
    Array([0.16666667, 0.16666667, 0.16666667], dtype=float32)
    """
    return binary_cross_entropy_with_logits(linear(params, x), y, **bce_kwargs)


def loss_and_grad(
    params: LinearParams,
    X: jax.Array,
    Y: jax.Array,
    *,
    weight: jax.Array | None = None,
    pos_weight: jax.Array | None = None,
    reduction: Literal["mean", "sum"] = "mean",
) -> tuple[jax.Array, LinearParams]:
    """``jax.value_and_grad(loss)(params, X, Y, ...)``, fast on a big batch.

    The same value and gradient (weights, ``pos_weight`` and reductions as
    :func:`loss` takes them) by the fastest plan for the device. On the CPU that is
    one pass over ``X``: rows in blocks that stay in cache while each block's
    forward and backward run, so ``X`` is read from memory once rather than twice
    (XLA's plan), on every core (see docs/performance.md). On GPU and TPU it is the
    jitted ``value_and_grad``. Only the order of the float sums differs.

    >>> import jax, jax.numpy as jnp
    >>> p = LinearParams(w=jnp.zeros((3, 1)), b=jnp.zeros(1))
    >>> X, Y = jnp.ones((1000, 3)), jnp.ones((1000, 1))
    >>> value, g = loss_and_grad(p, X, Y)
    >>> ref_value, ref = jax.value_and_grad(loss)(p, X, Y)
    >>> bool(jnp.allclose(value, ref_value)), bool(jnp.allclose(g.w, ref.w))
    (True, True)
    >>> round(float(value), 5), round(float(g.b[0]), 5)
    (0.69315, -0.5)
    >>> round(float(loss_and_grad(p, X, Y, reduction="sum")[0]), 2)
    693.15
    """
    _check_reduction(reduction)
    if reduction == "none":
        raise ValueError(
            "loss_and_grad needs a scalar loss: reduction must be 'mean' or 'sum', "
            "got 'none'"
        )
    # jnp.asarray of an array that is already a jax.Array still costs about 9 us a
    # call, a fixed cost that shows in the per-row figure of small batches.
    X = X if isinstance(X, jax.Array) else jnp.asarray(X)
    Y = Y if isinstance(Y, jax.Array) else jnp.asarray(Y)
    layout = _one_pass_layout(params, X, Y, weight, pos_weight)
    if layout is None or jax.default_backend() != "cpu":
        # Its own checks and errors; on GPU/TPU the fastest plan.
        return _value_and_grad_jit(
            params, X, Y, weight=weight, pos_weight=pos_weight, reduction=reduction
        )
    weight_rows, pos_weight_rows = layout
    rows, consts = [X, Y], [float(Y.size) if reduction == "mean" else 1.0]
    for extra, by_row in ((weight, weight_rows), (pos_weight, pos_weight_rows)):
        if extra is not None:
            extra = _align(jnp.asarray(extra), 2)
            (rows if by_row else consts).append(extra)
    fn = _block_loss(
        weight is not None, weight_rows, pos_weight is not None, pos_weight_rows
    )
    return value_and_grad_by_blocks(fn, params, tuple(rows), tuple(consts))


_value_and_grad_jit = jax.jit(jax.value_and_grad(loss), static_argnames=("reduction",))


def _one_pass_layout(
    params: Any, X: jax.Array, Y: jax.Array, weight: Any, pos_weight: Any
) -> tuple[bool, bool] | None:
    """Whether ``weight`` and ``pos_weight`` go by row (else: one row for all), or
    ``None`` when the inputs are not ``(N, D)``, ``(N, k)`` (plain autodiff then
    computes or reports them)."""
    try:
        w, b = params
        d, k = w.shape
    except (TypeError, ValueError):
        return None
    n = X.shape[0] if X.ndim == 2 else -1
    if X.shape != (n, d) or Y.shape != (n, k) or b.shape != (k,):
        return None
    layout = []
    for extra in (weight, pos_weight):
        shape = (1, 1) if extra is None else _align(jnp.asarray(extra), 2).shape
        if len(shape) != 2 or shape[1] not in (1, k) or shape[0] not in (1, n):
            return None
        layout.append(shape[0] == n and n != 1)
    return layout[0], layout[1]


@functools.cache
def _block_loss(has_weight: bool, weight_rows: bool, has_pw: bool, pw_rows: bool):
    """The loss of one block of rows over the batch's divisor (its size for a
    mean): one function per layout, so that the compiled loop is cached."""

    def block_loss(params, rows, consts):
        rows, consts = list(rows), list(consts)
        x, y, divisor = rows.pop(0), rows.pop(0), consts.pop(0)
        extras = [None, None]
        for i, (present, by_row) in enumerate(
            ((has_weight, weight_rows), (has_pw, pw_rows))
        ):
            if present:
                extras[i] = (rows if by_row else consts).pop(0)
        total = loss(
            params, x, y, weight=extras[0], pos_weight=extras[1], reduction="sum"
        )
        return total / divisor

    return block_loss
