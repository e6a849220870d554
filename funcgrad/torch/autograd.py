"""``torch.autograd``: ``backward``, ``grad``, the grad-mode switches and anomaly
detection."""

from ..autograd import backward as backward
from ..autograd import detect_anomaly as detect_anomaly
from ..autograd import enable_grad as enable_grad
from ..autograd import grad as grad
from ..autograd import inference_mode as inference_mode
from ..autograd import is_anomaly_enabled as is_anomaly_enabled
from ..autograd import no_grad as no_grad
from ..autograd import set_detect_anomaly as set_detect_anomaly
from ..autograd import set_grad_enabled as set_grad_enabled

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
