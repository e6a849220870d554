"""Several processes: joining a ``jax.distributed`` run, and feeding it batches.

Every process calls ``fit`` with the same arguments; each computes the same batch
order and places only the rows of each global batch that its own devices hold
(``jax.make_array_from_process_local_data``).
"""

from __future__ import annotations

import jax
import numpy as np

from .. import _distributed as dist
from ._epochs import Plan, host_epoch_indices
from ._validate import positive_int

__all__ = ["feed", "initialize_distributed"]


def feed(
    rows: np.ndarray, key_data: np.ndarray, epoch: int, plan: Plan
) -> tuple[jax.Array, jax.Array]:
    """One epoch's batches as global arrays, built from this process's rows only."""
    mesh = plan.mesh
    local = jax.local_devices()[0]
    idx = host_epoch_indices(
        jax.device_put(key_data, local), jax.device_put(np.int32(epoch), local), plan
    )
    idx = np.asarray(idx)
    nb, padded = idx.shape
    lo, hi = dist.local_block(mesh, (1, nb, padded), axis=2)
    mine = idx[None, :, lo:hi]
    return (
        dist.put_process_local(rows[mine], mesh, (1, nb, padded, rows.shape[1]), 2),
        dist.put_process_local(mine < plan.n, mesh, (1, nb, padded), axis=2),
    )


def initialize_distributed(
    coordinator_address: str, num_processes: int, process_id: int
) -> None:
    """Join a multi-process JAX run (``jax.distributed``); call before any JAX work.

    Selects gloo for CPU collectives (so processes on CPUs can all-reduce; GPU and
    TPU devices use their own), then connects to the coordinator at
    ``coordinator_address`` (``"host:port"``, served by process 0). Afterwards
    ``jax.devices()`` lists the devices of every process, and :func:`fit` trains
    over all of them when every process calls it with the same arguments.

    >>> initialize_distributed("127.0.0.1:12345", num_processes=2, process_id=2)
    Traceback (most recent call last):
    ...
    ValueError: process_id must be in [0, 2), got 2
    >>> initialize_distributed("127.0.0.1:12345", 2, 0)  # doctest: +SKIP
    """
    if not isinstance(coordinator_address, str) or ":" not in coordinator_address:
        raise ValueError(
            f"coordinator_address must be 'host:port', got {coordinator_address!r}"
        )
    num_processes = positive_int("num_processes", num_processes)
    if (
        isinstance(process_id, bool)
        or not isinstance(process_id, (int, np.integer))
        or not 0 <= process_id < num_processes
    ):
        raise ValueError(
            f"process_id must be in [0, {num_processes}), got {process_id!r}"
        )
    jax.config.update("jax_cpu_collectives_implementation", "gloo")
    jax.distributed.initialize(
        coordinator_address=coordinator_address,
        num_processes=num_processes,
        process_id=int(process_id),
    )
