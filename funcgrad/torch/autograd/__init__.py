"""``torch.autograd``: ``backward``, ``grad``, custom ``Function`` s, ``Variable``,
``functional`` (Jacobians, Hessians, vector products), ``gradcheck``, the
grad-mode switches and anomaly detection."""

from ...autograd.anomaly import detect_anomaly as detect_anomaly
from ...autograd.anomaly import is_anomaly_enabled as is_anomaly_enabled
from ...autograd.anomaly import set_detect_anomaly as set_detect_anomaly
from ...autograd.grad_mode import enable_grad as enable_grad
from ...autograd.grad_mode import inference_mode as inference_mode
from ...autograd.grad_mode import no_grad as no_grad
from ...autograd.grad_mode import set_grad_enabled as set_grad_enabled
from ...autograd.tensor import backward as backward
from ...autograd.tensor import grad as grad
from .. import _missing
from . import function as function
from . import functional as functional
from . import grad_mode as grad_mode
from ._gradcheck import GradcheckError as GradcheckError
from ._gradcheck import gradcheck as gradcheck
from ._gradcheck import gradgradcheck as gradgradcheck
from .function import Function as Function
from .function import FunctionCtx as FunctionCtx
from .function import once_differentiable as once_differentiable
from .variable import Variable as Variable

__getattr__ = _missing.missing(__name__)

__all__ = [
    "Function",
    "FunctionCtx",
    "GradcheckError",
    "Variable",
    "backward",
    "detect_anomaly",
    "enable_grad",
    "function",
    "functional",
    "grad",
    "grad_mode",
    "gradcheck",
    "gradgradcheck",
    "inference_mode",
    "is_anomaly_enabled",
    "no_grad",
    "once_differentiable",
    "set_detect_anomaly",
    "set_grad_enabled",
]
