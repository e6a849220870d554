"""``torch.autograd.grad_mode``: the grad-mode switches, importable by that name."""

from ...autograd.grad_mode import enable_grad as enable_grad
from ...autograd.grad_mode import inference_mode as inference_mode
from ...autograd.grad_mode import no_grad as no_grad
from ...autograd.grad_mode import set_grad_enabled as set_grad_enabled

__all__ = ["enable_grad", "inference_mode", "no_grad", "set_grad_enabled"]
