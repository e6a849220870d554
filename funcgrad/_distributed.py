"""Device placement for ``fit``: one device, a data-parallel mesh, or many processes.

Private helpers; ``funcgrad.train`` is the public side. The mesh has one axis,
``"batch"``: each minibatch is split along its rows over the mesh's devices, and
parameters and optimizer state are replicated on all of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

BATCH_AXIS = "batch"


def resolve_devices(devices: Sequence[Any] | int | None) -> list[Any] | None:
    """The devices ``fit`` should use, or ``None`` for JAX's default device.

    With several processes (``jax.process_count() > 1``) ``None`` means every device
    of every process, since one device cannot hold the whole computation.
    """
    if devices is None:
        if jax.process_count() > 1:
            return list(jax.devices())
        return None
    available = jax.devices()
    if isinstance(devices, bool) or not isinstance(devices, (int, Sequence)):
        raise ValueError(
            f"devices must be None, a positive int or a list of JAX devices, got "
            f"{devices!r}"
        )
    if isinstance(devices, int):
        if devices <= 0:
            raise ValueError(f"devices must be positive, got {devices}")
        if devices > len(available):
            raise ValueError(
                f"devices={devices} but only {len(available)} JAX device(s) are "
                f"available; on CPU, set XLA_FLAGS="
                f"--xla_force_host_platform_device_count={devices} before JAX starts"
            )
        return list(available[:devices])
    chosen = list(devices)
    if not chosen:
        raise ValueError("devices must not be an empty list")
    if len({id(d) for d in chosen}) != len(chosen):
        raise ValueError(f"devices lists a device twice: {chosen}")
    known = {id(d) for d in available}
    for d in chosen:
        if id(d) not in known:
            raise ValueError(f"devices: {d!r} is not one of jax.devices()")
    if jax.process_count() > 1:
        missing = {d.process_index for d in available} - {
            d.process_index for d in chosen
        }
        if missing:
            raise ValueError(
                f"devices must include devices of every process; none of process(es) "
                f"{sorted(missing)}"
            )
    return chosen


def make_mesh(devices: list[Any] | None) -> Mesh | None:
    """A one-axis mesh over ``devices`` (ordered by process), or ``None``."""
    if devices is None:
        return None
    # Grouping each process's devices together keeps every process's share of a
    # batch one contiguous block of rows.
    ordered = sorted(devices, key=lambda d: (d.process_index, d.id))
    return Mesh(np.array(ordered, dtype=object), (BATCH_AXIS,))


def replicated(mesh: Mesh | None) -> jax.sharding.Sharding:
    if mesh is None:
        return jax.sharding.SingleDeviceSharding(jax.devices()[0])
    return NamedSharding(mesh, PartitionSpec())


def batch_sharding(mesh: Mesh, ndim: int, axis: int) -> NamedSharding:
    """Split dimension ``axis`` of an ``ndim``-dimensional array over the mesh."""
    spec = [None] * ndim
    spec[axis] = BATCH_AXIS
    return NamedSharding(mesh, PartitionSpec(*spec))


def multiprocess(mesh: Mesh | None) -> bool:
    return mesh is not None and jax.process_count() > 1


def put_replicated(tree: Any, mesh: Mesh | None) -> Any:
    """Place every leaf of ``tree`` on all devices of ``mesh`` (or the default one).

    With several processes each process passes the same full value and
    ``jax.make_array_from_process_local_data`` assembles the global array.
    """
    sharding = replicated(mesh)
    if not multiprocess(mesh):
        return jax.device_put(tree, sharding)

    def put(leaf: Any) -> jax.Array:
        host = np.asarray(leaf)
        return jax.make_array_from_process_local_data(sharding, host, host.shape)

    return jax.tree.map(put, tree)


def local_block(mesh: Mesh, shape: tuple[int, ...], axis: int) -> tuple[int, int]:
    """The contiguous range of ``axis`` this process's devices hold."""
    sharding = batch_sharding(mesh, len(shape), axis)
    spans = []
    for index in sharding.addressable_devices_indices_map(shape).values():
        s = index[axis]
        spans.append((s.start or 0, shape[axis] if s.stop is None else s.stop))
    spans.sort()
    lo, hi = spans[0][0], spans[-1][1]
    covered = sum(b - a for a, b in sorted(set(spans)))
    if covered != hi - lo:
        raise RuntimeError(
            f"this process's devices hold a non-contiguous part of the batch: {spans}"
        )
    return lo, hi


def put_process_local(
    local: np.ndarray, mesh: Mesh, global_shape: tuple[int, ...], axis: int
) -> jax.Array:
    """Assemble a global array split along ``axis`` from this process's block."""
    sharding = batch_sharding(mesh, len(global_shape), axis)
    return jax.make_array_from_process_local_data(sharding, local, global_shape)


def to_host(tree: Any) -> Any:
    """Fetch a (replicated) pytree to NumPy, also when it spans processes."""

    def get(leaf: Any) -> np.ndarray:
        if isinstance(leaf, jax.Array) and not leaf.is_fully_addressable:
            return np.asarray(leaf.addressable_data(0))
        return np.asarray(leaf)

    return jax.tree.map(get, tree)
