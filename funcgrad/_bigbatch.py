"""The full-batch gradient of :func:`funcgrad.loss` in one pass over ``X``.

``jax.jit(jax.value_and_grad(loss))`` on a big ``X`` (say 200,000 x 256) is
memory-bound, and XLA's plan streams ``X`` from memory twice: once for the forward
``X @ w`` and once for the backward ``X.T @ r``. :func:`loss_and_grad` walks the
rows in blocks small enough to stay in the core's L2 cache and differentiates each
block's share of the loss while it is hot, so ``X`` leaves main memory once. The
per-block gradient is still ``jax.value_and_grad`` of the functional core (one copy
of the maths); only the order of the sums changes, and summing per-block partials is
more accurate than one long float32 running sum.
"""

from __future__ import annotations

import concurrent.futures
import functools
import os
from typing import Any

import jax
import jax.numpy as jnp

from .functional import LinearParams, binary_cross_entropy_with_logits, linear, loss

__all__ = ["BLOCK_BYTES", "block_rows_for", "loss_and_grad"]

#: Bytes of ``X`` per block: 128 KiB stays in the L2 cache between
#: the block's forward and backward; measured fastest of 16 KiB ... 2 MiB for
#: D = 256 on the 2-core Xeon of docs/performance.md.
BLOCK_BYTES = 1 << 17


def block_rows_for(features: int, itemsize: int = 4) -> int:
    """Rows per block so one block of ``X`` is about :data:`BLOCK_BYTES`.

    >>> block_rows_for(256), block_rows_for(30), block_rows_for(100_000)
    (128, 1092, 8)
    """
    return max(8, BLOCK_BYTES // max(1, features * itemsize))


def loss_and_grad(
    params: LinearParams, X: jax.Array, Y: jax.Array, *, block_rows: int | None = None
) -> tuple[jax.Array, LinearParams]:
    """``jax.value_and_grad(funcgrad.loss)(params, X, Y)``, reading ``X`` once.

    ``X`` is ``(N, D)`` and ``Y`` is ``(N, k)`` like ``linear(params, X)``; the loss
    is the mean BCE-with-logits over all ``N * k`` entries. ``block_rows`` (default
    :func:`block_rows_for` ``D``) sets the rows per block; on GPU and TPU the whole
    batch is one block (their memory system does not reward cache blocking).

    >>> import jax, jax.numpy as jnp
    >>> import funcgrad as fg
    >>> p = fg.LinearParams(w=jnp.zeros((3, 1)), b=jnp.zeros(1))
    >>> X, Y = jnp.ones((10, 3)), jnp.ones((10, 1))
    >>> value, g = loss_and_grad(p, X, Y, block_rows=4)
    >>> value, g.b
    (Array(0.6931472, dtype=float32), Array([-0.5], dtype=float32))
    """
    # jnp.asarray of an array that is already a jax.Array still costs about 9 us a
    # call, a fixed cost that shows in the per-row figure of small batches.
    X = X if isinstance(X, jax.Array) else jnp.asarray(X)
    Y = Y if isinstance(Y, jax.Array) else jnp.asarray(Y)
    if X.ndim != 2 or Y.ndim != 2 or X.shape[0] != Y.shape[0]:
        return jax.value_and_grad(loss)(params, X, Y)  # its own checks and errors
    if block_rows is None:
        block_rows = block_rows_for(X.shape[1], X.dtype.itemsize)
    if jax.default_backend() != "cpu":
        block_rows = max(1, X.shape[0])
    rows = max(1, min(int(block_rows), X.shape[0]))
    blocks, tail = divmod(X.shape[0], rows)
    workers = _workers(X, blocks)
    if workers == 1:
        return _loss_and_grad(params, X, Y, 0, blocks, block_rows=rows, tail=tail)
    # XLA runs one loop on one core; independent row ranges on threads use them all
    # (JAX releases the GIL while a computation runs), and X is never sliced/copied.
    edges = [blocks * k // workers for k in range(workers + 1)]
    parts = list(
        _pool(workers).map(
            lambda k: _loss_and_grad(
                params,
                X,
                Y,
                edges[k],
                edges[k + 1],
                block_rows=rows,
                tail=tail if k == workers - 1 else 0,
            ),
            range(workers),
        )
    )
    return functools.reduce(lambda a, b: jax.tree.map(jnp.add, a, b), parts)


#: Fewest blocks worth a thread of their own (64 blocks of 128 KiB = 8 MiB of X).
MIN_BLOCKS_PER_WORKER = 64


def _workers(X: jax.Array, blocks: int) -> int:
    """Threads for one call: one per available core, when X is concrete, on the
    CPU, and big enough that every thread gets real work."""
    if isinstance(X, jax.core.Tracer) or jax.default_backend() != "cpu":
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, blocks // MIN_BLOCKS_PER_WORKER))


@functools.cache
def _pool(workers: int) -> concurrent.futures.ThreadPoolExecutor:
    return concurrent.futures.ThreadPoolExecutor(
        workers, thread_name_prefix="funcgrad-onepass"
    )


def _block_loss(params: Any, xb: jax.Array, yb: jax.Array, total: int) -> jax.Array:
    z = linear(params, xb)
    return binary_cross_entropy_with_logits(z, yb, reduction="sum") / total


@functools.partial(jax.jit, static_argnames=("block_rows", "tail"))
def _loss_and_grad(params, X, Y, first, last, *, block_rows: int, tail: int):
    """Loss and gradient over blocks ``first .. last - 1`` of ``block_rows`` rows,
    plus the ``tail`` rows that end ``X``; each block is read once."""
    n = X.shape[0]
    rows = block_rows
    total = Y.size
    vg = jax.value_and_grad(_block_loss)

    def body(i, acc):
        # One block: forward and backward while its rows are still in cache.
        xb = jax.lax.dynamic_slice_in_dim(X, i * rows, rows)
        yb = jax.lax.dynamic_slice_in_dim(Y, i * rows, rows)
        return jax.tree.map(jnp.add, acc, vg(params, xb, yb, total))

    zero = jnp.zeros((), jnp.result_type(X.dtype, *jax.tree.leaves(params)))
    acc = (zero, jax.tree.map(jnp.zeros_like, params))
    acc = jax.lax.fori_loop(first, last, body, acc)
    if tail:
        acc = jax.tree.map(
            jnp.add, acc, vg(params, X[n - tail :], Y[n - tail :], total)
        )
    return acc
