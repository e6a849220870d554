"""The compiled epoch loop: batch order, padding, and ``jax.lax.scan`` over steps.

A :class:`Plan` is the static shape of a run (one compiled program per distinct
plan). :func:`run_epochs_jit` trains several epochs in one compiled call: each epoch
gathers its batches in one go (or takes the batches the host fed it) and scans the
training step over them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax
from jax.sharding import Mesh

from .. import _distributed as dist
from .._bigbatch import value_and_grad_by_blocks
from ..functional import binary_cross_entropy_with_logits, linear
from ._step import TrainState, all_finite, apply_gradients, masked_loss, select

__all__ = [
    "SUMS",
    "Plan",
    "epoch_indices",
    "epoch_metrics",
    "epoch_metrics_jit",
    "host_epoch_indices",
    "make_scan_step",
    "permutation",
    "run_epochs",
    "run_epochs_jit",
    "run_segment",
    "run_segment_jit",
]


#: Entries of the sums a compiled loop accumulates over an epoch (see
#: :func:`make_scan_step`).
SUMS = 5


class Plan(NamedTuple):
    """Static shape of a run: one compiled program per distinct plan."""

    n: int  # examples
    batch: int  # real rows per batch (the last batch may have fewer)
    padded: int  # rows per batch after padding to a multiple of the devices
    num_batches: int
    shuffle: bool
    skip: bool  # on_nonfinite == "skip"
    has_val: bool
    fed: bool  # batches fed by the host (several processes) or gathered on device
    key_impl: str | None  # implementation of raw key data (None: JAX default)
    mesh: Mesh | None
    # Sum the devices' partial losses and gradients in a fixed order (gathered,
    # then added), so that results do not depend on how devices are spread over
    # processes; 0: leave the reduction to XLA (streamed data sets it).
    exact_shards: int = 0
    # Every epoch is one batch of all the rows, big: its gradient is taken by row
    # blocks straight from the data (each row read once; see funcgrad._bigbatch).
    one_pass: bool = False
    # The host fed rows it has not checked: a batch is also unfit when a label
    # lies outside [0, 1] (a NaN or an inf anywhere makes the loss non-finite).
    unchecked: bool = False


def permutation(key: jax.Array, n: int, rounds: int = 4) -> jax.Array:
    """A pseudo-random permutation of ``0..n-1`` drawn from ``key``, without sorting.

    ``jax.random.permutation`` sorts, which costs more than a whole epoch of small
    steps on a CPU. Here ``f`` is a keyed bijection of the ``m``-bit integers
    (``2**m >= n``): rounds of add-a-key, multiply-by-an-odd-key and xor-shift, each
    invertible modulo ``2**m``. Cycle walking (apply ``f`` again while the value is
    ``>= n``; fewer than two tries on average, since ``2**m < 2 * n``) restricts it
    to a bijection of ``0..n-1``.
    """
    m = max(1, math.ceil(math.log2(max(n, 2))))
    mask = jnp.uint32((1 << m) - 1)
    keys = jax.random.bits(key, (rounds, 2), jnp.uint32)
    shift = (m + 1) // 2

    def f(x: jax.Array) -> jax.Array:
        for r in range(rounds):
            x = (x + keys[r, 0]) & mask
            x = (x * (keys[r, 1] | 1)) & mask  # odd, hence invertible mod 2**m
            x = x ^ (x >> shift)
        return x

    x = f(jnp.arange(n, dtype=jnp.uint32))
    x = jax.lax.while_loop(
        lambda x: jnp.any(x >= n), lambda x: jnp.where(x >= n, f(x), x), x
    )
    return x.astype(jnp.int32)


def _as_key(key: jax.Array, plan: Plan) -> jax.Array:
    """A typed PRNG key from a typed key or raw key data (traceable)."""
    if jnp.issubdtype(key.dtype, jax.dtypes.prng_key):
        return key
    return jax.random.wrap_key_data(key, impl=plan.key_impl)


def epoch_indices(key: jax.Array, epoch: jax.Array, plan: Plan) -> jax.Array:
    """Row indices ``(num_batches, padded)`` of an epoch; padding slots hold ``n``.

    Row ``n`` of the stacked data is all zeros, so padded slots gather zeros, and
    ``idx < n`` is the mask of real rows.
    """
    n, nb, b = plan.n, plan.num_batches, plan.batch
    if plan.shuffle:
        order = permutation(jax.random.fold_in(_as_key(key, plan), epoch), n)
    else:
        order = jnp.arange(n, dtype=jnp.int32)
    idx = jnp.pad(order, (0, nb * b - n), constant_values=n).reshape(nb, b)
    return jnp.pad(idx, ((0, 0), (0, plan.padded - b)), constant_values=n)


host_epoch_indices = jax.jit(epoch_indices, static_argnames=("plan",))


def _constrain(x: jax.Array, plan: Plan, axis: int = 0) -> jax.Array:
    if plan.mesh is None:
        return x
    sharding = dist.batch_sharding(plan.mesh, x.ndim, axis)
    return jax.lax.with_sharding_constraint(x, sharding)


def run_epochs(
    state: TrainState,
    key: jax.Array,
    first_epoch: jax.Array,
    data: jax.Array | None,
    fed: tuple[jax.Array, jax.Array] | None,
    val: tuple[jax.Array, jax.Array] | None,
    *,
    optimizer: optax.GradientTransformation,
    plan: Plan,
    num_epochs: int,
):
    """Train ``num_epochs`` epochs from ``first_epoch`` in one compiled program.

    ``data`` is ``[X | Y]`` stacked column-wise with a row of zeros appended (row
    ``n``); with several processes ``fed`` holds each epoch's batches instead, as
    ``(rows, mask)`` of shapes ``(E, num_batches, padded, D + k)`` and
    ``(E, num_batches, padded)``. Returns the new state, the global step of the
    first non-finite loss (-1 if none), and per-epoch metrics
    (arrays of length ``num_epochs``).
    """
    nb = plan.num_batches
    train_step = make_scan_step(optimizer, plan, state.params)

    def train_epoch(carry, inputs):
        state, bad = carry
        epoch, fed_epoch = inputs
        if plan.one_pass:
            # No order to draw: the one batch is the data as it stands.
            zeros = jnp.zeros((SUMS,), state.params[0].dtype)
            real = jnp.asarray(plan.n, jnp.int32)
            (state, bad, sums), _ = train_step(
                (state, bad, zeros), (epoch * nb, data, None, real)
            )
            return (state, bad), epoch_metrics(sums, state.params, val, plan)
        if plan.fed:
            rows, mask = fed_epoch
        else:
            # The epoch's batches gathered in one go, (num_batches, padded, D + k):
            # one big gather is far cheaper than a small gather in every step.
            idx = epoch_indices(key, epoch, plan)
            rows, mask = data[idx], idx < plan.n
        rows, mask = _constrain(rows, plan, axis=1), _constrain(mask, plan, axis=1)
        steps = epoch * nb + jnp.arange(nb, dtype=jnp.int32)
        # Real rows per batch, counted for the whole epoch at once.
        real = jnp.sum(mask, axis=1, dtype=jnp.int32)
        (state, bad, sums), _ = jax.lax.scan(
            train_step,
            (state, bad, jnp.zeros((SUMS,), state.params[0].dtype)),
            (steps, rows, mask, real),
            unroll=_unroll(rows),
        )
        return (state, bad), epoch_metrics(sums, state.params, val, plan)

    epochs = first_epoch + jnp.arange(num_epochs, dtype=jnp.int32)
    init = (state, jnp.asarray(-1, jnp.int32))
    (state, bad), metrics = jax.lax.scan(train_epoch, init, (epochs, fed))
    return state, bad, metrics


def _unroll(rows: jax.Array) -> int:
    """Steps per iteration of the compiled loop, for batches ``rows`` (steps first).

    Two for small batches: measured about 15 % faster per step than one on CPU
    (more unrolling compiled slower and ran no faster). One from 64 KiB a batch:
    two big batches in one iteration no longer stay in the core's cache, and a
    4096 x 65 batch took 48 ns a row instead of 37.
    """
    return 2 if rows[0].size * rows.dtype.itemsize < _UNROLL_BYTES else 1


_UNROLL_BYTES = 64 << 10

run_epochs_jit = jax.jit(
    run_epochs, static_argnames=("optimizer", "plan", "num_epochs")
)


def make_scan_step(
    optimizer: optax.GradientTransformation, plan: Plan, params: Any
) -> Callable:
    """The body of the compiled loop: ``((state, bad, sums), (step, rows, mask,
    real)) -> ((state, bad, sums), None)`` for one padded, masked batch.

    ``bad`` is the step of the first non-finite loss (-1 if none; nothing more is
    applied after it unless ``plan.skip``); ``sums`` accumulates (loss * rows, hits,
    rows, skipped batches, unfit batches). An unfit batch has a non-finite loss or
    gradient or, with ``plan.unchecked``, a label outside [0, 1]; it is never
    applied, and counts as non-finite.
    """
    dtype = params[0].dtype
    features = params[0].shape[0]

    def train_step(carry, inputs):
        state, bad, sums = carry
        step_index, rows, mask, real = inputs
        if plan.one_pass:
            # The mean over every element of Y, as masked_loss takes it.
            count = jnp.asarray(rows.shape[0] * (rows.shape[1] - features), dtype)
            (value, hits), grads = value_and_grad_by_blocks(
                _rows_mean_loss, state.params, (rows,), (count,), has_aux=True
            )
        else:
            rows, mask = _constrain(rows, plan), _constrain(mask, plan)
            x, y = rows[:, :features], rows[:, features:]
            if plan.exact_shards:
                (value, logits), grads = _sharded_value_and_grad(
                    state.params, x, y, mask, real, plan
                )
            else:
                (value, logits), grads = jax.value_and_grad(masked_loss, has_aux=True)(
                    state.params, x, y, mask, real
                )
            hits = _hits(logits, y, mask)
        finite = jnp.isfinite(value) & all_finite(grads)
        if plan.unchecked:
            labels = rows[..., features:]
            finite = finite & jnp.all((labels >= 0) & (labels <= 1))
        if plan.skip:
            ok = finite
        else:
            # After the first failure nothing more is applied: the host raises.
            bad = jnp.where((bad < 0) & ~finite, step_index, bad)
            ok = finite & (bad < 0)
        state = select(ok, apply_gradients(optimizer, state, grads), state)
        rows = real.astype(dtype)
        hits = hits.astype(dtype)
        zero, one = jnp.zeros((), dtype), jnp.ones((), dtype)
        # One vector of sums (loss * rows, hits, rows, skipped, unfit), not scalars:
        # in a loop of tiny steps every separate scalar op costs a kernel launch.
        unfit = jnp.where(finite, zero, one)
        sums = sums + jnp.where(
            ok,
            jnp.stack([value * rows, hits, rows, zero, zero]),
            jnp.stack([zero, zero, zero, one, unfit]),
        )
        return (state, bad, sums), None

    return train_step


def _hits(logits: jax.Array, y: jax.Array, mask: jax.Array) -> jax.Array:
    """Correct guesses among the real rows, on flat vectors (an ``(N, 1)``-shaped
    elementwise op is several times slower on CPU)."""
    keep = jnp.broadcast_to(mask[:, None], y.shape).reshape(-1)
    right = (logits.reshape(-1) > 0) == (y.reshape(-1) > 0.5)
    return jnp.sum(keep & right, dtype=jnp.int32)


def _rows_mean_loss(params: Any, blocks: tuple, consts: tuple):
    """A block's share of the mean loss over all rows, and its correct guesses."""
    (rows,), (count,) = blocks, consts
    features = params[0].shape[0]
    x, y = rows[:, :features], rows[:, features:]
    logits = linear(params, x)
    total = binary_cross_entropy_with_logits(logits, y, reduction="sum")
    return total / count, jnp.sum((logits > 0) == (y > 0.5))


def _shard_sum(params: Any, x: jax.Array, y: jax.Array, mask: jax.Array):
    logits = linear(params, x)
    per_element = binary_cross_entropy_with_logits(logits, y, reduction="none")
    return jnp.sum(jnp.where(mask[:, None], per_element, 0.0)), logits


def _sharded_value_and_grad(params, x, y, mask, real, plan: Plan):
    """The masked mean loss and its gradient from per-device partial sums, added
    in the same order on every device whatever the processes (see ``Plan``)."""
    shards = plan.exact_shards
    split = lambda a: a.reshape(shards, -1, *a.shape[1:])  # noqa: E731
    xs, ys, ms = _constrain(split(x), plan), _constrain(split(y), plan), split(mask)
    vg = jax.vmap(jax.value_and_grad(_shard_sum, has_aux=True), (None, 0, 0, 0))
    (totals, logits), grads = vg(params, xs, ys, ms)
    # Gathering copies values exactly; the sums that follow are local and alike.
    everywhere = dist.replicated(plan.mesh)
    totals, grads = jax.lax.with_sharding_constraint((totals, grads), everywhere)
    count = (jnp.maximum(real, 1) * y.shape[1]).astype(totals.dtype)
    grads = jax.tree.map(lambda g: jnp.sum(g, axis=0) / count, grads)
    return (jnp.sum(totals) / count, logits.reshape(y.shape)), grads


def epoch_metrics(sums: jax.Array, params: Any, val: Any, plan: Plan) -> dict:
    """An epoch's metrics from its sums, and the validation set's (if any)."""
    dtype = params[0].dtype
    outputs = params[0].shape[1]
    metrics = {
        "loss": sums[0] / sums[2],
        "accuracy": sums[1] / (sums[2] * outputs),
    }
    if plan.skip:
        metrics["skipped"] = sums[3].astype(jnp.int32)
    if plan.has_val:
        vx, vy = val
        logits = linear(params, vx)
        metrics["val_loss"] = binary_cross_entropy_with_logits(logits, vy)
        metrics["val_accuracy"] = jnp.mean(((logits > 0) == (vy > 0.5)).astype(dtype))
    return metrics


def run_segment(
    state: TrainState,
    bad: jax.Array,
    sums: jax.Array,
    first_step: jax.Array,
    rows: jax.Array,
    mask: jax.Array,
    order: jax.Array | None = None,
    *,
    optimizer: optax.GradientTransformation,
    plan: Plan,
    columnar: bool = False,
) -> tuple[TrainState, jax.Array, jax.Array]:
    """Train on consecutive batches the host streamed: ``rows`` of shape
    ``(M, padded, D + k)``, ``mask`` ``(M, padded)``; the first is step
    ``first_step``. ``bad`` and ``sums`` carry on from the epoch's earlier segments.
    With ``columnar``, ``rows`` comes as ``(D + k, M * padded)``, a column a row,
    and row ``i`` of the segment is its column ``order[i]`` (``i`` without
    ``order``).
    """
    if columnar:
        rows = rows.T if order is None else rows.T[order]
        rows = rows.reshape(*mask.shape, rows.shape[1])
    train_step = make_scan_step(optimizer, plan, state.params)
    rows, mask = _constrain(rows, plan, axis=1), _constrain(mask, plan, axis=1)
    steps = first_step + jnp.arange(rows.shape[0], dtype=jnp.int32)
    real = jnp.sum(mask, axis=1, dtype=jnp.int32)
    (state, bad, sums), _ = jax.lax.scan(
        train_step, (state, bad, sums), (steps, rows, mask, real), unroll=_unroll(rows)
    )
    return state, bad, sums


run_segment_jit = jax.jit(
    run_segment, static_argnames=("optimizer", "plan", "columnar")
)
epoch_metrics_jit = jax.jit(epoch_metrics, static_argnames=("plan",))
