"""``torch.optim``: SGD and Adam with PyTorch's interface, backed by optax."""

from .adam import Adam as Adam
from .optimizer import Optimizer as Optimizer
from .sgd import SGD as SGD

__all__ = ["SGD", "Adam", "Optimizer"]
