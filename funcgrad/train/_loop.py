"""The host side of training: plan a run, then call the compiled epochs in turns.

One turn is one call of the compiled program over as many epochs as can run
without the host: a callback, a checkpoint or a multi-process feed ends a turn.
After each turn the host checks for a non-finite loss, extends the history, lets
the checkpoints save and calls the callback. The first turn's program is compiled
ahead of time, as a phase of its own (``on_phase``), so the time of compilation is
never mistaken for the time of an epoch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import jax
import numpy as np

from .. import _distributed as dist
from ._checkpointing import Checkpoints, Resumed
from ._epochs import Plan, run_epochs_jit
from ._processes import feed
from ._step import TrainState
from ._validate import Data, Settings

__all__ = ["ONE_PASS_BYTES", "NonFiniteLossError", "history_names", "make_plan", "run"]

#: Smallest ``X`` (bytes) whose full-batch epochs take the gradient in one pass by
#: row blocks (``Plan.one_pass``) rather than by XLA's plan over a gathered batch.
ONE_PASS_BYTES = 1 << 20


class NonFiniteLossError(FloatingPointError):
    """A training step produced a non-finite loss (or gradient); training stopped.

    The step's update was not applied. ``epoch``, ``batch`` (within the epoch) and
    ``step`` (``epoch * batches_per_epoch + batch``) count from 0 and are named in
    the message. Checkpoints written before the failure are left as they were.

    >>> import jax, jax.numpy as jnp, optax
    >>> import funcgrad as fg
    >>> X = jnp.array([[1.0], [3e38]]); Y = jnp.array([1.0, 1.0])
    >>> params = fg.LinearParams(w=jnp.full((1, 1), 10.0), b=jnp.zeros(1))
    >>> fg.fit(params, X, Y, optimizer=optax.sgd(0.1), epochs=1, batch_size=1,
    ...        key=jax.random.key(0), shuffle=False)
    Traceback (most recent call last):
    ...
    funcgrad.train.NonFiniteLossError: non-finite loss or gradient at epoch 0, ...
    """

    def __init__(self, message: str, *, epoch: int, batch: int, step: int) -> None:
        super().__init__(message)
        self.epoch, self.batch, self.step = epoch, batch, step


# Raised to users from funcgrad.train, and named so in tracebacks.
NonFiniteLossError.__module__ = "funcgrad.train"


def make_plan(data: Data, settings: Settings, devices: Sequence[Any] | int | None):
    """The static shape of the run: batches, padding, devices."""
    mesh = dist.make_mesh(dist.resolve_devices(devices))
    n_devices = 1 if mesh is None else mesh.size
    fed = dist.multiprocess(mesh)
    n = len(data.X)
    batch = min(settings.batch_size, n)
    X = data.X
    one_pass = (
        mesh is None
        and batch == n
        and isinstance(X, np.ndarray | jax.Array)
        and X.size * X.dtype.itemsize >= ONE_PASS_BYTES
    )
    return Plan(
        n=n,
        batch=batch,
        padded=-(-batch // n_devices) * n_devices,
        num_batches=-(-n // batch),
        shuffle=settings.shuffle,
        skip=settings.skip,
        has_val=data.val is not None,
        fed=fed,
        key_impl=settings.key_impl if fed else None,
        mesh=mesh,
        one_pass=one_pass,
    )


def history_names(plan: Plan) -> list[str]:
    names = ["loss", "accuracy"]
    if plan.skip:
        names.append("skipped")
    if plan.has_val:
        names += ["val_loss", "val_accuracy"]
    return names


def run(
    resumed: Resumed,
    data: Data,
    plan: Plan,
    settings: Settings,
    checkpoints: Checkpoints,
    on_phase: Callable[[str, int], Any] | None = None,
) -> tuple[TrainState, dict[str, list[float]]]:
    """Train from ``resumed`` to ``settings.epochs``; the final state and history."""
    mesh = plan.mesh
    state, history = dist.put_replicated(resumed.state, mesh), resumed.history
    # [X | Y] plus a row of zeros (row n), which the padding slots of a batch gather.
    X, Y = data.X, data.Y
    rows = np.zeros((plan.n + 1, X.shape[1] + Y.shape[1]), X.dtype)
    rows[: plan.n, : X.shape[1]], rows[: plan.n, X.shape[1] :] = X, Y
    if plan.one_pass:  # no gathers, so no row of zeros
        device_data, key = dist.put_replicated(rows[: plan.n], mesh), settings.key
    elif plan.fed:
        device_data, key = None, dist.put_replicated(settings.key_data, mesh)
    else:
        device_data, key = dist.put_replicated(rows, mesh), settings.key
    val = None if data.val is None else dist.put_replicated(data.val, mesh)
    epoch = resumed.start
    programs: dict[int, Any] = {}
    while epoch < settings.epochs:
        checkpoints.interrupted(epoch, state, history)
        if settings.callback is not None or plan.fed:
            stop = epoch + 1
        else:
            stop = checkpoints.next_stop(epoch)
        fed = feed(rows, settings.key_data, epoch, plan) if plan.fed else None
        first = np.int32(epoch)
        if plan.fed:
            first = dist.put_replicated(first, mesh)
        args = (state, key, first, device_data, fed, val)
        if stop - epoch not in programs:
            if not programs and on_phase is not None:
                on_phase("compile", epoch)
            programs[stop - epoch] = run_epochs_jit.lower(
                *args, optimizer=settings.optimizer, plan=plan, num_epochs=stop - epoch
            ).compile()
            if len(programs) == 1 and on_phase is not None:
                on_phase("train", epoch)
        state, bad, metrics = programs[stop - epoch](*args)
        bad, metrics = dist.to_host((bad, metrics))
        _raise_if_bad(int(bad), plan)
        for name, values in history.items():
            values.extend(_python_number(v) for v in metrics[name])
        checkpoints.after(stop, state, history)
        if settings.callback is not None:
            last = {name: values[-1] for name, values in history.items()}
            settings.callback(epoch, last)
        epoch = stop
    return state, history


def _raise_if_bad(bad: int, plan: Plan) -> None:
    if bad < 0:
        return
    epoch, batch = divmod(bad, plan.num_batches)
    raise NonFiniteLossError(
        f"non-finite loss or gradient at epoch {epoch}, batch {batch} of "
        f"{plan.num_batches} (step {bad}; counted from 0); training stopped before "
        f"applying it",
        epoch=epoch,
        batch=batch,
        step=bad,
    )


def _python_number(x: np.ndarray) -> float:
    value = x.item()
    return value if isinstance(value, int) else float(value)
