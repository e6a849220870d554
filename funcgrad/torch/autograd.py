"""``torch.autograd``: ``backward``, ``grad`` and the grad-mode switches."""

from ..autograd.grad_mode import enable_grad as enable_grad
from ..autograd.grad_mode import inference_mode as inference_mode
from ..autograd.grad_mode import no_grad as no_grad
from ..autograd.grad_mode import set_grad_enabled as set_grad_enabled
from ..autograd.tensor import backward as backward
from ..autograd.tensor import grad as grad

__all__ = [
    "backward",
    "enable_grad",
    "grad",
    "inference_mode",
    "no_grad",
    "set_grad_enabled",
]
