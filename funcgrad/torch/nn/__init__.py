"""``torch.nn``: modules, parameters, initialisers and ``functional``."""

from .. import _missing
from . import functional as functional
from . import init as init
from .modules import BCELoss as BCELoss
from .modules import BCEWithLogitsLoss as BCEWithLogitsLoss
from .modules import CrossEntropyLoss as CrossEntropyLoss
from .modules import Identity as Identity
from .modules import Linear as Linear
from .modules import Module as Module
from .modules import MSELoss as MSELoss
from .modules import ReLU as ReLU
from .modules import Sequential as Sequential
from .modules import Sigmoid as Sigmoid
from .modules import Tanh as Tanh
from .parameter import Parameter as Parameter

__all__ = [
    "BCELoss",
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
    "Identity",
    "Linear",
    "MSELoss",
    "Module",
    "Parameter",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Tanh",
    "functional",
    "init",
]

__getattr__ = _missing.missing(__name__)
