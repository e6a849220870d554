"""Linear algebra: ``mm mv dot bmm addmm``."""

from __future__ import annotations

import jax.numpy as jnp

from ... import functional as F
from .. import checks
from ._registry import CROSS, register

_ADDMM = checks.kernel("addmm_impl_cpu_", "nonbool")
_MV = checks.kernel("addmv_impl_cpu", "nonbool")
register("mm", jnp.matmul, "MmBackward0", saves=CROSS, check=_ADDMM)
register("mv", jnp.matmul, "MvBackward0", saves=CROSS, check=_MV)
register(
    "dot", jnp.dot, "DotBackward0", saves=CROSS, check=checks.kernel("dot", "nonbool")
)
register(
    "bmm",
    jnp.matmul,
    "BmmBackward0",
    saves=CROSS,
    check=checks.kernel("bmm", "nonbool"),
)
register(
    "addmm",
    lambda bias, a, b: a @ b + F._align(bias, 2),
    "AddmmBackward0",
    saves=((1, (2,)), (2, (1,))),
    check=lambda bias, a, b: _ADDMM(a),
)
