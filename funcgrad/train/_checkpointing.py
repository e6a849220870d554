"""Checkpoints of a ``fit`` run: when to save, what identifies the run, resuming.

``fit`` talks to checkpoints through one object, :class:`Checkpoints`: ``restore``
before the loop, ``next_stop`` to know how many epochs may run in one compiled call
before the host has to save, ``after`` at the end of each call and ``interrupted``
between calls. Without a checkpoint directory every method does nothing. The
storage itself (orbax, the lock, the checked record) is ``funcgrad._checkpoint``.

Saves run in the background on a cadence: every ``N`` epochs, or every so many
seconds (``"30s"``, ``"5m"``), and always after the last epoch. While a
checkpointed run trains in the main thread of a one-process run, SIGINT and SIGTERM
are caught: the run stops at the end of the epoch in progress, saves it, waits for
the save and raises :class:`TrainingInterrupted` (a second signal stops at once).
"""

from __future__ import annotations

import re
import signal
import threading
import time
from collections.abc import Mapping
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from .. import _distributed as dist
from .._checkpoint import CheckpointError, Run, Store
from ._identity import optimizer_identity, optimizer_summary
from ._step import TrainState
from ._validate import Data, Settings, data_digest, positive_int

__all__ = [
    "Checkpointing",
    "Checkpoints",
    "Resumed",
    "TrainingInterrupted",
    "check_checkpointing",
    "describe_run",
    "run_options",
]

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class TrainingInterrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM stopped a checkpointed ``fit``, its last epoch saved.

    ``signal`` is the signal's number, ``epoch`` the completed epochs saved in
    ``directory`` (``None`` if none was completed): the same call resumes there.

    >>> import signal
    >>> e = TrainingInterrupted(signal.SIGTERM, 37, 100, "ckpt")
    >>> print(e)
    SIGTERM: stopped after 37 of 100 epochs; checkpoint of epoch 37 saved in ckpt
    >>> e.epoch, isinstance(e, KeyboardInterrupt)
    (37, True)
    """

    def __init__(
        self, signum: int, epoch: int | None, epochs: int, directory: str
    ) -> None:
        name = signal.Signals(signum).name
        if epoch is None:
            text = f"{name}: stopped before the first epoch ended; nothing was saved"
        else:
            text = (
                f"{name}: stopped after {epoch} of {epochs} epochs; checkpoint of "
                f"epoch {epoch} saved in {directory}"
            )
        super().__init__(text)
        self.signal, self.epoch, self.epochs, self.directory = (
            signum,
            epoch,
            epochs,
            directory,
        )


# Raised to users from funcgrad.train, and named so in tracebacks.
TrainingInterrupted.__module__ = "funcgrad.train"


class Checkpointing(NamedTuple):
    """Where and how often to save: ``fit``'s checkpoint options, checked.

    ``every`` is a number of epochs, or ``None`` when ``seconds`` sets the cadence.
    """

    directory: str | None
    every: int | None
    max_to_keep: int
    seconds: float | None
    labels: dict[str, str | None]  # the caller's words for its options


class Resumed(NamedTuple):
    """Where training starts: the state, the history so far, the first epoch."""

    state: TrainState
    history: dict[str, list[float]]
    start: int
    resumed_from: int | None  # completed epochs of the checkpoint resumed, if any


_DURATION = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*([smh])\s*")
_UNIT_SECONDS = {"s": 1.0, "m": 60.0, "h": 3600.0}


def parse_every(every: Any) -> tuple[int | None, float | None]:
    """``(epochs, None)`` for a number of epochs, ``(None, seconds)`` for a duration.

    >>> parse_every(5), parse_every("30s"), parse_every("1.5m")
    ((5, None), (None, 30.0), (None, 90.0))
    """
    if isinstance(every, str):
        match = _DURATION.fullmatch(every)
        if match and float(match[1]) > 0:
            return None, float(match[1]) * _UNIT_SECONDS[match[2]]
        if every.strip().isdigit() and int(every) > 0:
            return int(every), None
        raise ValueError(
            "checkpoint_every must be a positive number of epochs or a duration "
            f"such as '30s', '5m' or '1h', got {every!r}"
        )
    return positive_int("checkpoint_every", every), None


def check_checkpointing(
    directory: Any,
    every: Any,
    max_to_keep: Any,
    labels: Mapping[str, Any] | None = None,
) -> Checkpointing:
    epochs, seconds = parse_every(every)
    if labels is not None and not isinstance(labels, Mapping):
        raise ValueError(
            f"checkpoint_labels must be a mapping of names to values, got {labels!r}"
        )
    return Checkpointing(
        directory,
        epochs,
        positive_int("max_to_keep", max_to_keep),
        seconds,
        {str(k): None if v is None else str(v) for k, v in (labels or {}).items()},
    )


class Checkpoints:
    """One run's checkpoints: restore once, then save when due (a context manager)."""

    def __init__(
        self, saving: Checkpointing, settings: Settings, data: Data, state: TrainState
    ) -> None:
        self.saving, self.settings = saving, settings
        self.store = self.options = self.run = None
        self.signal: int | None = None
        self._handlers: dict[int, Any] = {}
        self._last_save = time.monotonic()
        if saving.directory is not None:
            self.options = run_options(state, settings, data)
            described = describe_run(self.options, state, settings, data)
            self.run = Run(self.options, described, dict(saving.labels))
            primary = jax.process_index() == 0
            self.store = Store(saving.directory, saving.max_to_keep, lock=primary)

    def __enter__(self) -> Checkpoints:
        if (
            self.store is not None
            and threading.current_thread() is threading.main_thread()
            and jax.process_count() == 1
        ):
            for signum in _SIGNALS:
                self._handlers[signum] = signal.signal(signum, self._on_signal)
        return self

    def __exit__(self, *exc: Any) -> None:
        self._restore_handlers()
        if self.store is not None:
            self.store.close()

    def _restore_handlers(self) -> None:
        while self._handlers:
            signum, handler = self._handlers.popitem()
            signal.signal(signum, handler)

    def _on_signal(self, signum: int, frame: Any) -> None:
        if self.signal is None:
            self.signal = signum  # acted on between two compiled calls
            return
        # Asked twice: stop now, as the signal would have without a checkpoint.
        self._restore_handlers()
        signal.raise_signal(signum)

    def interrupted(self, done: int, state: TrainState, history: dict) -> None:
        """After a signal: save ``done`` epochs (unless saved), wait, and raise."""
        if self.signal is None or self.store is None:
            return
        if done > 0 and self.store.saved != done:
            leaves = [*jax.tree.leaves(state), self.settings.key_data]
            self.store.save(done, leaves, self.run, history)
        self.store.wait()
        saved = self.store.saved if done > 0 else None
        raise TrainingInterrupted(
            self.signal, saved, self.settings.epochs, self.saving.directory
        )

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
        restored = self.store.restore(self.run, abstract)
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
        if every is None:  # a cadence in seconds: the clock is read every epoch
            return epoch + 1
        return min(epochs, (epoch // every + 1) * every)

    def after(self, stop: int, state: TrainState, history: dict[str, list]) -> None:
        """Called once ``stop`` epochs are complete: start a save if one is due."""
        if self.store is None:
            return
        every, seconds = self.saving.every, self.saving.seconds
        now = time.monotonic()
        if (
            stop == self.settings.epochs
            or (every is not None and stop % every == 0)
            or (seconds is not None and now - self._last_save >= seconds)
        ):
            leaves = [*jax.tree.leaves(state), self.settings.key_data]
            self.store.save(stop, leaves, self.run, history)
            self._last_save = now


def _shapes(tree: Any) -> str:
    leaves = jax.tree.leaves(tree)
    shapes = ",".join(
        f"{np.dtype(jnp.result_type(x)).name}{list(np.shape(x))}" for x in leaves
    )
    return f"{jax.tree.structure(tree)} [{shapes}]"


def _arrays(tree: Any) -> str:
    """``w float32[3, 1], b float32[1]``: each leaf's path, dtype and shape."""
    leaves = jax.tree_util.tree_flatten_with_path(tree)[0]
    return ", ".join(
        f"{jax.tree_util.keystr(path).lstrip('.') or 'value'} "
        f"{np.dtype(jnp.result_type(x)).name}{list(np.shape(x))}"
        for path, x in leaves
    )


def describe_run(
    options: dict[str, Any], state: TrainState, settings: Settings, data: Data
) -> dict[str, Any]:
    """The :func:`run_options` ``options`` in ``fit``'s keywords, for people.

    Only used to say what differs when a resume is refused.
    """
    X, val = data.X, data.val
    dtype = X.dtype.name
    return {
        "X": f"{dtype}{list(X.shape)}",
        "Y": f"{dtype}{list(data.y_shape)}",
        "sha256(X, Y)": options["data_sha256"][:12],
        "params": _arrays(state.params),
        "optimizer": optimizer_summary(settings.optimizer),
        "opt_state": _arrays(state.opt_state),
        "batch_size": str(settings.batch_size),
        "shuffle": str(settings.shuffle),
        "key": f"{[int(v) for v in settings.key_data.ravel()]} ({settings.key_impl})",
        "validation": "None" if val is None else f"{len(val[0])} rows",
    }


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
