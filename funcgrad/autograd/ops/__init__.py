"""The op registry: one entry per PyTorch op, every fact about it on the entry.

``_registry`` holds :class:`OpDef` and :func:`register`; each family module
registers its entries when imported: ``arithmetic``, ``elementwise``,
``reductions``, ``norms``, ``sorting``, ``linalg``, ``shapes``, ``writes``,
``draws``.
"""

from . import arithmetic as arithmetic
from . import draws as draws
from . import elementwise as elementwise
from . import linalg as linalg
from . import norms as norms
from . import reductions as reductions
from . import shapes as shapes
from . import sorting as sorting
from . import writes as writes
from ._registry import CROSS as CROSS
from ._registry import OPS as OPS
from ._registry import SAME as SAME
from ._registry import OpDef as OpDef
from ._registry import aligned as aligned
from ._registry import broadcast_shapes as broadcast_shapes
from ._registry import contiguous_strides as contiguous_strides
from ._registry import derivative as derivative
from ._registry import floating as floating
from ._registry import is_contiguous as is_contiguous
from ._registry import op as op
from ._registry import register as register
from ._registry import unary as unary
from ._registry import view as view
from ._registry import view_strides as view_strides

__all__ = [
    "CROSS",
    "OPS",
    "SAME",
    "OpDef",
    "aligned",
    "arithmetic",
    "broadcast_shapes",
    "contiguous_strides",
    "derivative",
    "draws",
    "elementwise",
    "floating",
    "is_contiguous",
    "linalg",
    "norms",
    "op",
    "reductions",
    "register",
    "shapes",
    "sorting",
    "unary",
    "view",
    "view_strides",
    "writes",
]
