"""The facade's autograd engine, independent of the ``torch`` namespace, in layers
that import only the ones below them:

``ops`` (the op registry) -> ``storage`` (storage and views) -> ``node``
(``grad_fn`` objects) -> ``engine`` (the backward sweep) -> ``fast`` (the optional
speed layer) -> ``tensor`` (``Tensor``, dispatch, methods generated from the
registry) -> ``views``, ``indexing`` and ``matmul`` (view ops, indexing and matrix
products, which give ``Tensor`` its ``view``/``reshape``/``transpose``/... methods,
``[]``, ``@``, ``matmul``, ``inner`` and ``index_put_``).
``grad_mode``, ``anomaly``, ``dtypes``, ``checks`` and ``_format`` are leaves.
"""

from . import fast as fast
from . import indexing as indexing
from . import matmul as matmul
from . import views as views
from .anomaly import detect_anomaly as detect_anomaly
from .anomaly import is_anomaly_enabled as is_anomaly_enabled
from .anomaly import set_detect_anomaly as set_detect_anomaly
from .checks import mm as check_mm
from .grad_mode import enable_grad as enable_grad
from .grad_mode import inference_mode as inference_mode
from .grad_mode import is_grad_enabled as is_grad_enabled
from .grad_mode import no_grad as no_grad
from .grad_mode import set_grad_enabled as set_grad_enabled
from .matmul import tensordot as tensordot
from .node import FREED_GRAPH as FREED_GRAPH
from .node import AccumulateGrad as AccumulateGrad
from .node import Node as Node
from .ops import OPS as OPS
from .ops import OpDef as OpDef
from .ops import broadcast_shapes as broadcast_shapes
from .ops import op as op
from .ops import register as register
from .storage import UntypedStorage as UntypedStorage
from .tensor import FLOAT_ONLY_FACTORY as FLOAT_ONLY_FACTORY
from .tensor import NO_GRAD_FN as NO_GRAD_FN
from .tensor import NOT_SCALAR as NOT_SCALAR
from .tensor import Size as Size
from .tensor import Tensor as Tensor
from .tensor import backward as backward
from .tensor import dispatch as dispatch
from .tensor import grad as grad
from .tensor import linalg_norm as linalg_norm
from .tensor import matrix_norm as matrix_norm
from .tensor import norm as norm
from .tensor import register_pytree as register_pytree
from .tensor import shape_arg as shape_arg
from .tensor import torch_functions as torch_functions
from .tensor import unique as unique
from .tensor import vector_norm as vector_norm
from .tensor import wrap_dim as wrap_dim
from .tensor import write_out as write_out

__all__ = [
    "FLOAT_ONLY_FACTORY",
    "FREED_GRAPH",
    "NOT_SCALAR",
    "NO_GRAD_FN",
    "OPS",
    "AccumulateGrad",
    "Node",
    "OpDef",
    "Size",
    "Tensor",
    "UntypedStorage",
    "backward",
    "broadcast_shapes",
    "check_mm",
    "detect_anomaly",
    "dispatch",
    "enable_grad",
    "fast",
    "grad",
    "indexing",
    "inference_mode",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "linalg_norm",
    "matmul",
    "matrix_norm",
    "tensordot",
    "no_grad",
    "norm",
    "op",
    "register",
    "register_pytree",
    "set_detect_anomaly",
    "set_grad_enabled",
    "shape_arg",
    "torch_functions",
    "write_out",
    "unique",
    "vector_norm",
    "views",
    "wrap_dim",
]
