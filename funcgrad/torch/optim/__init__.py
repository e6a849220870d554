"""``torch.optim``: SGD, Adam, AdamW, RMSprop and Adagrad with PyTorch's interface,
backed by optax, and ``lr_scheduler``."""

from .. import _missing
from . import lr_scheduler as lr_scheduler
from .adagrad import Adagrad as Adagrad
from .adam import Adam as Adam
from .adamw import AdamW as AdamW
from .optimizer import Optimizer as Optimizer
from .rmsprop import RMSprop as RMSprop
from .sgd import SGD as SGD

__getattr__ = _missing.missing(__name__)

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "lr_scheduler"]
