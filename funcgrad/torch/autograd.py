"""``torch.autograd``: ``backward``, ``grad``, the grad-mode switches and anomaly
detection."""

from ..autograd.anomaly import detect_anomaly as detect_anomaly
from ..autograd.anomaly import is_anomaly_enabled as is_anomaly_enabled
from ..autograd.anomaly import set_detect_anomaly as set_detect_anomaly
from ..autograd.grad_mode import enable_grad as enable_grad
from ..autograd.grad_mode import inference_mode as inference_mode
from ..autograd.grad_mode import no_grad as no_grad
from ..autograd.grad_mode import set_grad_enabled as set_grad_enabled
from ..autograd.tensor import backward as backward
from ..autograd.tensor import grad as grad

__all__ = [
    "backward",
    "detect_anomaly",
    "enable_grad",
    "grad",
    "inference_mode",
    "is_anomaly_enabled",
    "no_grad",
    "set_grad_enabled",
]
