"""Checkpoints of a ``fit`` run: when to save, what identifies the run, resuming.

``fit`` talks to checkpoints through one object, :class:`Checkpoints`: ``restore``
before the loop, ``next_stop`` to know how many epochs may run in one compiled call
before the host has to save, and ``after`` at the end of each call. Without a
checkpoint directory every method does nothing. The storage itself (orbax, the
checked record) is ``funcgrad._checkpoint``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from .. import _distributed as dist
from .._checkpoint import CheckpointError, Store
from ._identity import optimizer_identity
from ._step import TrainState
from ._validate import Data, Settings, data_digest, positive_int

__all__ = [
    "Checkpointing",
    "Checkpoints",
    "Resumed",
    "check_checkpointing",
    "run_options",
]


class Checkpointing(NamedTuple):
    """Where and how often to save: ``fit``'s checkpoint options, checked."""

    directory: str | None
    every: int
    max_to_keep: int


class Resumed(NamedTuple):
    """Where training starts: the state, the history so far, the first epoch."""

    state: TrainState
    history: dict[str, list[float]]
    start: int
    resumed_from: int | None  # completed epochs of the checkpoint resumed, if any


def check_checkpointing(directory: Any, every: Any, max_to_keep: Any) -> Checkpointing:
    return Checkpointing(
        directory,
        positive_int("checkpoint_every", every),
        positive_int("max_to_keep", max_to_keep),
    )


class Checkpoints:
    """One run's checkpoints: restore once, then save when due (a context manager)."""

    def __init__(
        self, saving: Checkpointing, settings: Settings, data: Data, state: TrainState
    ) -> None:
        self.saving, self.settings = saving, settings
        self.store = self.options = None
        if saving.directory is not None:
            self.options = run_options(state, settings, data)
            self.store = Store(saving.directory, saving.max_to_keep)

    def __enter__(self) -> Checkpoints:
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.store is not None:
            self.store.close()

    def restore(self, state: TrainState, names: list[str], mesh: Any) -> Resumed | None:
        """The newest intact checkpoint of this run, or ``None`` (a fresh start)."""
        if self.store is None:
            return None
        leaves, treedef = jax.tree.flatten(state)
        sharding = dist.replicated(mesh)
        abstract = [
            jax.ShapeDtypeStruct(np.shape(x), jnp.result_type(x), sharding=sharding)
            for x in [*leaves, self.settings.key_data]
        ]
        restored = self.store.restore(self.options, abstract)
        if restored is None:
            return None
        start, arrays, saved_history = restored
        if start > self.settings.epochs:
            raise CheckpointError(
                f"checkpoint in {self.saving.directory} has completed {start} "
                f"epochs, more than the {self.settings.epochs} asked for"
            )
        history = {
            name: list(saved_history.get(name, [0.0] * start))[:start] for name in names
        }
        state = jax.tree.unflatten(treedef, arrays[:-1])
        return Resumed(state, history, start, start)

    def next_stop(self, epoch: int) -> int:
        """The epoch after which the host must save (or the run ends)."""
        epochs = self.settings.epochs
        if self.store is None:
            return epochs
        every = self.saving.every
        return min(epochs, (epoch // every + 1) * every)

    def after(self, stop: int, state: TrainState, history: dict[str, list]) -> None:
        """Called once ``stop`` epochs are complete: save if a save is due."""
        if self.store is None:
            return
        if stop % self.saving.every == 0 or stop == self.settings.epochs:
            leaves = [*jax.tree.leaves(state), self.settings.key_data]
            self.store.save(stop, leaves, self.options, history)


def _shapes(tree: Any) -> str:
    leaves = jax.tree.leaves(tree)
    shapes = ",".join(
        f"{np.dtype(jnp.result_type(x)).name}{list(np.shape(x))}" for x in leaves
    )
    return f"{jax.tree.structure(tree)} [{shapes}]"


def run_options(state: TrainState, settings: Settings, data: Data) -> dict[str, Any]:
    """The record that identifies a run: a checkpoint resumes only the same run."""
    X, val = data.X, data.val
    return {
        "examples": int(X.shape[0]),
        "features": int(X.shape[1]),
        "y_shape": list(data.y_shape),
        "dtype": X.dtype.name,
        "params": _shapes(state.params),
        "opt_state": _shapes(state.opt_state),
        "optimizer": optimizer_identity(settings.optimizer)[0],
        "batch_size": int(settings.batch_size),
        "shuffle": bool(settings.shuffle),
        "key": [int(v) for v in settings.key_data.ravel()],
        "key_impl": settings.key_impl,
        "data_sha256": data_digest(data),
        "validation": None if val is None else list(val[0].shape),
    }
