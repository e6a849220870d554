"""A gradient summed over row blocks, each block read from memory once.

``jax.jit(jax.value_and_grad(loss))`` on a big ``X`` (say 200,000 x 256) is
memory-bound, and XLA's plan streams ``X`` from memory twice: once for the forward
``X @ w`` and once for the backward ``X.T @ r``. :func:`value_and_grad_by_blocks`
walks the rows in blocks small enough to stay in the core's cache and
differentiates each block's share of the loss while it is hot, so ``X`` leaves main
memory once. The per-block gradient is ``jax.value_and_grad`` of the caller's block
loss (for ``funcgrad.loss_and_grad``, the functional core: one copy of the maths);
only the order of the sums changes, and summing per-block partials is more accurate
than one long float32 running sum. This module knows nothing of the model.
"""

from __future__ import annotations

import concurrent.futures
import functools
import os
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp

__all__ = ["BLOCK_BYTES", "block_rows_for", "value_and_grad_by_blocks"]


#: Bytes of ``X`` per block: 192 KiB, so a block stays in the core's cache between
#: its forward and backward while each loop iteration's fixed cost is spread over
#: many rows. Measured at D = 256 on an EPYC with 1 MiB of L2, two threads: CPU time
#: per 200,000 rows 21.5 ms at 192 KiB, 22-24 ms at 128 KiB, 24 ms at 64 KiB, 27 ms
#: at 256 KiB and more. From 256 KiB XLA's CPU backend splits a block's work over
#: its own thread pool (one thread then used 36 ms of CPU in 18 ms), which competes
#: with the one-pass threads; 192 KiB stays clear of that. On a Xeon with 256 KiB
#: of L2, 128 KiB was the fastest of the powers of two from 16 KiB to 2 MiB.
BLOCK_BYTES = 192 << 10


def block_rows_for(features: int, itemsize: int = 4) -> int:
    """Rows per block so one block of ``X`` is about :data:`BLOCK_BYTES`.

    >>> block_rows_for(100_000)
    8
    >>> block_rows_for(256) * 256 * 4 == BLOCK_BYTES
    True
    """
    return max(8, BLOCK_BYTES // max(1, features * itemsize))


def value_and_grad_by_blocks(
    fn: Callable[..., jax.Array],
    params: Any,
    rows: tuple[jax.Array, ...],
    consts: Any = (),
    *,
    block_rows: int | None = None,
    has_aux: bool = False,
) -> tuple[Any, Any]:
    """``sum`` over row blocks of ``jax.value_and_grad(fn)(params, blocks, consts)``.

    With ``has_aux``, ``fn`` returns ``(value, aux)`` and the result is
    ``((value, aux), grads)``, the aux also summed over the blocks.

    ``rows`` are arrays sharing their leading dimension ``N`` (the first, ``X``, sets
    the block size: :func:`block_rows_for` its row, unless ``block_rows`` is given);
    each call of ``fn`` gets the same slice of every one of them, and ``consts``
    whole. ``fn`` must be hashable and the same object from call to call (a
    module-level function): it keys the compiled loop.

    >>> import jax.numpy as jnp
    >>> f = lambda w, blocks, c: jnp.sum(blocks[0] @ w) * c
    >>> value_and_grad_by_blocks(f, jnp.ones(2), (jnp.ones((10, 2)),), 0.5,
    ...                          block_rows=4)
    (Array(10., dtype=float32), Array([5., 5.], dtype=float32))
    """
    X = rows[0]
    if block_rows is None:
        block_rows = block_rows_for(X.shape[1], X.dtype.itemsize)
    size = max(1, min(int(block_rows), X.shape[0]))
    blocks, tail = divmod(X.shape[0], size)
    workers = _workers(X, blocks)
    run = functools.partial(
        _by_blocks, fn, params, rows, consts, block_rows=size, has_aux=has_aux
    )
    if workers == 1:
        return run(0, blocks, tail=tail)
    # XLA runs one loop on one core; independent row ranges on threads use them all
    # (JAX releases the GIL while a computation runs), and X is never sliced/copied.
    # The calling thread takes the first range itself: 11.4-11.9 ms instead of
    # 12.3-14.5 ms for 200,000 x 256 on two cores, where all went to the pool.
    edges = [blocks * k // workers for k in range(workers + 1)]
    later = [
        _pool(workers - 1).submit(
            run, edges[k], edges[k + 1], tail=tail if k == workers - 1 else 0
        )
        for k in range(1, workers)
    ]
    parts = [run(edges[0], edges[1], tail=0), *(f.result() for f in later)]
    return functools.reduce(lambda a, b: jax.tree.map(jnp.add, a, b), parts)


#: Fewest bytes of X worth a thread of their own (and at least 4 blocks each).
MIN_BYTES_PER_WORKER = 8 << 20


def _workers(X: jax.Array, blocks: int) -> int:
    """Threads for one call: one per available core, when X is concrete, on the
    CPU, and big enough that every thread gets real work."""
    if isinstance(X, jax.core.Tracer) or jax.default_backend() != "cpu":
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    worth = X.size * X.dtype.itemsize // MIN_BYTES_PER_WORKER
    return max(1, min(cores, worth, blocks // 4))


@functools.cache
def _pool(workers: int) -> concurrent.futures.ThreadPoolExecutor:
    return concurrent.futures.ThreadPoolExecutor(
        workers, thread_name_prefix="funcgrad-onepass"
    )


@functools.partial(
    jax.jit, static_argnums=0, static_argnames=("block_rows", "tail", "has_aux")
)
def _by_blocks(
    fn, params, rows, consts, first, last, *, block_rows: int, tail: int, has_aux: bool
):
    """Value and gradient over blocks ``first .. last - 1`` of ``block_rows`` rows,
    plus the ``tail`` rows that end the arrays; each block is read once."""
    n = rows[0].shape[0]
    vg = jax.value_and_grad(fn, has_aux=has_aux)

    def body(i, acc):
        # One block: forward and backward while its rows are still in cache.
        blocks = tuple(
            jax.lax.dynamic_slice_in_dim(a, i * block_rows, block_rows) for a in rows
        )
        return jax.tree.map(jnp.add, acc, vg(params, blocks, consts))

    dtype = jnp.result_type(rows[0].dtype, *jax.tree.leaves(params))
    zero = jnp.zeros((), dtype)
    if has_aux:
        blocks = tuple(a[:0] for a in rows)
        aux = jax.eval_shape(fn, params, blocks, consts)[1]
        zero = (zero, jax.tree.map(lambda a: jnp.zeros(a.shape, a.dtype), aux))
    acc = (zero, jax.tree.map(jnp.zeros_like, params))
    acc = jax.lax.fori_loop(first, last, body, acc)
    if tail:
        blocks = tuple(a[n - tail :] for a in rows)
        acc = jax.tree.map(jnp.add, acc, vg(params, blocks, consts))
    return acc
