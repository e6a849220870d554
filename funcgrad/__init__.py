"""funcgrad: PyTorch's autograd ideas on JAX.

The functional core (``init_linear``, ``linear``, ``binary_cross_entropy_with_logits``,
``loss``, ``loss_and_grad``) and the compiled training loop (``fit``). The torch-style
facade lives in ``funcgrad.torch``.
"""

from .functional import LinearParams as LinearParams
from .functional import binary_cross_entropy as binary_cross_entropy
from .functional import (
    binary_cross_entropy_with_logits as binary_cross_entropy_with_logits,
)
from .functional import init_linear as init_linear
from .functional import linear as linear
from .functional import loss as loss
from .functional import loss_and_grad as loss_and_grad
from .train import CheckpointError as CheckpointError
from .train import CheckpointLockedError as CheckpointLockedError
from .train import FitResult as FitResult
from .train import NonFiniteLossError as NonFiniteLossError
from .train import TrainingInterrupted as TrainingInterrupted
from .train import TrainState as TrainState
from .train import fit as fit
from .train import initialize_distributed as initialize_distributed
from .train import make_train_step as make_train_step

__version__ = "0.1.0"

__all__ = [
    "CheckpointError",
    "CheckpointLockedError",
    "FitResult",
    "LinearParams",
    "NonFiniteLossError",
    "TrainState",
    "TrainingInterrupted",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "fit",
    "init_linear",
    "initialize_distributed",
    "linear",
    "loss",
    "loss_and_grad",
    "make_train_step",
]
