"""The compiled training loop: ``TrainState``, ``make_train_step`` and ``fit``.

``fit`` trains the functional core's model (``linear`` + BCE-with-logits) with an
optax optimizer. Its minibatch loop is a ``jax.lax.scan``, and several epochs run in
one compiled call whenever nothing has to happen on the host in between (a callback
or a checkpoint), so a step costs well under a microsecond for small models.

Conventions, in one place:

* **Shapes.** ``X`` is ``(N, D)``; ``Y`` is ``(N,)`` or ``(N, k)``; ``params.w`` is
  ``(D, k)``. A 1-D ``Y`` is one output (``k = 1``): it is read as ``(N, 1)``, so
  ``init_linear(key, D, 1)`` suits both ``(N,)`` and ``(N, 1)`` labels.
* **Batches.** Each epoch visits every example once, in a pseudo-random order drawn
  from ``jax.random.fold_in(key, epoch)`` (or ``0..N-1`` with ``shuffle=False``).
  The order depends only on ``key`` and the epoch number, which makes runs
  reproducible bit for bit and lets a resumed run continue exactly. When
  ``batch_size`` does not divide ``N`` the last batch is padded and the padding
  masked: the loss of a batch is the mean over its real rows only.
* **Epochs** (``callback``'s first argument, checkpoint numbers, error messages)
  count from 0 for the epoch being run; a checkpoint named ``e`` holds the state after
  ``e`` completed epochs, and ``resumed_from_epoch == e`` means training resumed with
  epoch ``e``.
* **Metrics.** ``history["loss"]`` and ``history["accuracy"]`` are each epoch's
  example-weighted means over the batches, measured at the step that trained on them
  (as Keras reports them); ``history["val_loss"]`` and ``history["val_accuracy"]``
  are measured on the whole validation set with the parameters at the end of the
  epoch. Accuracy is ``mean((logits > 0) == (Y > 0.5))``.
* **Devices.** ``devices`` builds a one-axis ``jax.sharding.Mesh``; each batch is
  split along its rows over it (padded with masked rows to a multiple of the device
  count) and the parameters are replicated. Results equal the one-device results up
  to float summation order.
* **Several processes** (after :func:`initialize_distributed`): every process calls
  ``fit`` with the same full ``X``, ``Y``, ``key`` and options; each process computes
  the same batch order and places only the rows of each global batch that its own
  devices hold (``jax.make_array_from_process_local_data``). ``devices=None`` then
  means every device of every process.

Built like optax, from small pieces, one module each: ``_step`` (``TrainState``,
``make_train_step``, the masked batch loss), ``_epochs`` (batch order and the
compiled epoch loop), ``_validate`` (argument checks), ``_checkpointing`` (when to
save, what identifies a run), ``_loop`` (the host's turns), ``_processes``
(several processes) and ``_fit`` (``fit``: validate -> plan -> restore -> loop).
"""

from .._checkpoint import CheckpointError as CheckpointError
from .._checkpoint import CheckpointLockedError as CheckpointLockedError
from ._checkpointing import TrainingInterrupted as TrainingInterrupted
from ._fit import FitResult as FitResult
from ._fit import fit as fit
from ._loop import NonFiniteLossError as NonFiniteLossError
from ._processes import initialize_distributed as initialize_distributed
from ._step import TrainState as TrainState
from ._step import make_train_step as make_train_step

__all__ = [
    "CheckpointError",
    "CheckpointLockedError",
    "FitResult",
    "NonFiniteLossError",
    "TrainState",
    "TrainingInterrupted",
    "fit",
    "initialize_distributed",
    "make_train_step",
]
