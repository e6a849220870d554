"""funcgrad: PyTorch's autograd ideas on JAX.

The functional core (``init_linear``, ``linear``, ``binary_cross_entropy_with_logits``,
``loss``) and the compiled training loop (``fit``). The torch-style facade lives in
``funcgrad.torch``.
"""

from .functional import LinearParams as LinearParams
from .functional import binary_cross_entropy as binary_cross_entropy
from .functional import (
    binary_cross_entropy_with_logits as binary_cross_entropy_with_logits,
)
from .functional import init_linear as init_linear
from .functional import linear as linear
from .functional import loss as loss

__version__ = "0.1.0"

__all__ = [
    "LinearParams",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "init_linear",
    "linear",
    "loss",
]
