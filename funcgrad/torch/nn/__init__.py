"""``torch.nn``: modules, parameters, initialisers and ``functional``."""

from .. import _missing
from . import functional as functional
from . import init as init
from . import utils as utils
from ._activation import ELU as ELU
from ._activation import GELU as GELU
from ._activation import LeakyReLU as LeakyReLU
from ._activation import LogSoftmax as LogSoftmax
from ._activation import SiLU as SiLU
from ._activation import Softmax as Softmax
from ._container import ModuleDict as ModuleDict
from ._container import ModuleList as ModuleList
from ._container import ParameterDict as ParameterDict
from ._container import ParameterList as ParameterList
from ._layers import AdaptiveAvgPool2d as AdaptiveAvgPool2d
from ._layers import BatchNorm1d as BatchNorm1d
from ._layers import BatchNorm2d as BatchNorm2d
from ._layers import Conv1d as Conv1d
from ._layers import Conv2d as Conv2d
from ._layers import Dropout as Dropout
from ._layers import Embedding as Embedding
from ._layers import Flatten as Flatten
from ._layers import LayerNorm as LayerNorm
from ._layers import LazyLinear as LazyLinear
from ._layers import Unflatten as Unflatten
from ._loss import HuberLoss as HuberLoss
from ._loss import KLDivLoss as KLDivLoss
from ._loss import L1Loss as L1Loss
from ._loss import NLLLoss as NLLLoss
from ._loss import SmoothL1Loss as SmoothL1Loss
from ._pool_layers import AvgPool1d as AvgPool1d
from ._pool_layers import AvgPool2d as AvgPool2d
from ._pool_layers import MaxPool1d as MaxPool1d
from ._pool_layers import MaxPool2d as MaxPool2d
from ._pool_layers import MaxUnpool2d as MaxUnpool2d
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
    "ELU",
    "GELU",
    "LeakyReLU",
    "LogSoftmax",
    "SiLU",
    "Softmax",
    "ModuleDict",
    "ModuleList",
    "ParameterDict",
    "ParameterList",
    "AdaptiveAvgPool2d",
    "AvgPool1d",
    "AvgPool2d",
    "BatchNorm1d",
    "BatchNorm2d",
    "Conv1d",
    "Conv2d",
    "Dropout",
    "Embedding",
    "Flatten",
    "LayerNorm",
    "LazyLinear",
    "MaxPool1d",
    "MaxPool2d",
    "MaxUnpool2d",
    "Unflatten",
    "HuberLoss",
    "KLDivLoss",
    "L1Loss",
    "NLLLoss",
    "SmoothL1Loss",
    "utils",
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
