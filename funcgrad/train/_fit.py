"""``fit``: validate -> plan -> restore -> loop.

See the package documentation (``funcgrad.train``) for the conventions on shapes,
batches, epochs, metrics, devices and several processes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax

from . import _loop, _stream
from ._checkpointing import Checkpoints, Resumed, check_checkpointing
from ._step import TrainState
from ._validate import check_data, check_settings, streamed

__all__ = ["FitResult", "fit"]


class FitResult(NamedTuple):
    """What :func:`fit` returns.

    ``history`` maps ``"loss"`` and ``"accuracy"`` (and ``"val_loss"``,
    ``"val_accuracy"`` with validation data, ``"skipped"`` with
    ``on_nonfinite="skip"``) to one float per epoch, from epoch 0 even when the run
    resumed from a checkpoint. ``resumed_from_epoch`` is the number of epochs the
    resumed checkpoint had completed, or ``None`` for a fresh run.

    >>> import jax, jax.numpy as jnp, optax
    >>> import funcgrad as fg
    >>> X = jnp.array([[0.0], [1.0], [2.0], [3.0]]); Y = jnp.array([0.0, 0.0, 1.0, 1.0])
    >>> r = fg.fit(fg.init_linear(jax.random.key(0), 1, 1), X, Y,
    ...            optimizer=optax.sgd(0.5), epochs=2, batch_size=2,
    ...            key=jax.random.key(1))
    >>> sorted(r.history), len(r.history["loss"]), r.resumed_from_epoch
    (['accuracy', 'loss'], 2, None)
    """

    params: Any
    opt_state: optax.OptState
    history: dict[str, list[float]]
    resumed_from_epoch: int | None


def fit(
    params: Any,
    X: Any,
    Y: Any,
    *,
    optimizer: optax.GradientTransformation,
    epochs: int,
    batch_size: int,
    key: jax.Array,
    shuffle: bool = True,
    validation: tuple[Any, Any] | None = None,
    devices: Sequence[Any] | int | None = None,
    callback: Callable[[int, dict[str, float]], Any] | None = None,
    checkpoint_dir: str | None = None,
    checkpoint_every: int | str = 1,
    max_to_keep: int = 3,
    on_nonfinite: Literal["raise", "skip"] = "raise",
    checkpoint_labels: Mapping[str, Any] | None = None,
    on_phase: Callable[[str, int], Any] | None = None,
    progress: Callable[[int, int, int], Any] | None = None,
) -> FitResult:
    """Train ``linear`` + BCE-with-logits on ``(X, Y)`` with ``optimizer``.

    Minibatches of ``batch_size`` rows (the last one padded and masked when it does
    not divide ``N``; a ``batch_size`` above ``N`` gives one batch) in an order drawn
    per epoch from ``key``; the same ``key`` gives bitwise the same result. See the
    module documentation for shapes, metrics, devices and several processes.

    Args:
      params: ``LinearParams`` with ``w`` of shape ``(D, k)``.
      X: ``(N, D)`` features. Y: ``(N,)`` or ``(N, k)`` labels in ``[0, 1]``.
        For data bigger than memory, ``X`` is a file that streams through host
        memory instead (see ``funcgrad.train._stream`` for the order of rows): a
        NumPy memory map (``np.load(path, mmap_mode="r")``) or ``.npy`` path with
        ``Y`` another one, or ``Y`` the index of the label column in ``X``; a
        ``.parquet`` file or a directory of them with ``Y`` the label column's
        name; a ``.csv`` file with ``Y`` the label column's name (converted once,
        streaming, to a temporary ``.npy``). Streamed data must be float32.
      optimizer: an optax ``GradientTransformation``.
      epochs, batch_size: positive ints.
      key: a JAX PRNG key (``jax.random.key(seed)``).
      shuffle: draw a new order each epoch; if ``False``, rows go in order.
      validation: ``(X_val, Y_val)`` to measure after each epoch, or ``None``.
      devices: a list of JAX devices or a count to split each batch over.
      callback: ``callback(epoch, metrics)`` on the host after each epoch.
      checkpoint_dir: save checkpoints there, in the background, every
        ``checkpoint_every`` (a number of epochs, or a duration such as ``"30s"``
        or ``"5m"``) and after the last epoch, keeping ``max_to_keep``; a
        directory holding checkpoints of the same run resumes from the newest
        intact one. Checkpoints of a run with other data, shapes, batch size,
        shuffling, key, optimizer or validation set are refused with
        :class:`CheckpointError`, naming what differs; a directory in use by
        another live run with :class:`CheckpointLockedError`. SIGINT or SIGTERM
        during such a run saves the epoch in progress once it ends and raises
        :class:`TrainingInterrupted`.
      on_nonfinite: ``"raise"`` stops with :class:`NonFiniteLossError` at the
        first non-finite loss or gradient; ``"skip"`` leaves that batch's update
        out and counts it in ``history["skipped"]``.
      checkpoint_labels: the caller's own words for its options (a command line
        passes ``{"--lr": "0.1", ...}``), saved with each checkpoint; a refused
        resume names those that differ rather than ``fit``'s keywords.
      on_phase: ``on_phase(phase, epoch)`` on the host: ``"compile"`` before the
        training program is compiled, ``"train"`` once it is (``epoch`` is the
        first epoch to run); neither when no epoch is left to run.
      progress: ``progress(epoch, rows, total)`` on the host while streamed data
        trains: ``rows`` of this process's ``total`` rows of the epoch so far.

    >>> import jax, jax.numpy as jnp, optax
    >>> import funcgrad as fg
    >>> X = jnp.array([[-2.0], [-1.0], [1.0], [2.0], [3.0]])
    >>> Y = jnp.array([0.0, 0.0, 1.0, 1.0, 1.0])
    >>> result = fg.fit(fg.init_linear(jax.random.key(0), 1, 1), X, Y,
    ...                 optimizer=optax.sgd(0.5), epochs=20, batch_size=2,
    ...                 key=jax.random.key(1))
    >>> result.history["accuracy"][-1]
    1.0
    >>> result.history["loss"][-1] < result.history["loss"][0]
    True
    """
    settings = check_settings(
        optimizer, epochs, batch_size, key, shuffle, callback, on_nonfinite
    )
    saving = check_checkpointing(
        checkpoint_dir, checkpoint_every, max_to_keep, checkpoint_labels
    )
    for name, hook in (("on_phase", on_phase), ("progress", progress)):
        if hook is not None and not callable(hook):
            raise ValueError(f"{name} must be callable, got {hook!r}")
    settings = settings._replace(progress=progress)
    data = check_data(params, X, Y, validation)
    plan = _loop.make_plan(data, settings, devices)
    params = jax.tree.map(jnp.asarray, params)
    state = TrainState(params, settings.optimizer.init(params), np.zeros((), np.int32))
    names = _loop.history_names(plan)
    with Checkpoints(saving, settings, data, state) as checkpoints:
        resumed = checkpoints.restore(state, names, plan.mesh) or Resumed(
            state, {name: [] for name in names}, 0, None
        )
        run = _stream.run if streamed(X) else _loop.run
        state, history = run(resumed, data, plan, settings, checkpoints, on_phase)
    return FitResult(state.params, state.opt_state, history, resumed.resumed_from)
