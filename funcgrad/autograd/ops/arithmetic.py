"""Arithmetic: ``add sub rsub mul div reciprocal neg pow``."""

from __future__ import annotations

import jax.numpy as jnp

from .. import checks
from ._registry import CROSS, SAME, aligned, register

# Inputs are arrays or Python scalars (a wrapped number is an input without grad, as
# in PyTorch); options such as ``dim`` are keyword arguments.

register(
    "add",
    aligned(lambda a, b, alpha=1: a + (b if alpha == 1 else b * alpha)),
    "AddBackward0",
    layout=SAME,
)
register(
    "sub",
    aligned(lambda a, b, alpha=1: a - (b if alpha == 1 else b * alpha)),
    "SubBackward0",
    layout=SAME,
    check=checks.subtraction,
)
register(
    "rsub",
    lambda a, other, alpha=1: other - a * alpha,
    "RsubBackward1",
    inputs=1,
    layout=SAME,
    check=checks.subtraction,
)
register("mul", aligned(jnp.multiply), "MulBackward0", layout=SAME, saves=CROSS)
register("div", aligned(jnp.divide), "DivBackward0", layout=SAME, saves=((0, (1,)), 1))
register("reciprocal", jnp.reciprocal, "ReciprocalBackward0", layout=SAME, saves=(-1,))
register(
    "neg",
    jnp.negative,
    "NegBackward0",
    layout=SAME,
    method="neg",
    function="neg",
    check=checks.negation,
)
register(
    "pow.Tensor_Scalar",
    lambda a, exponent: a**exponent,
    "PowBackward0",
    layout=SAME,
    saves=(0,),
)
register(
    "pow.Tensor_Tensor", aligned(jnp.power), "PowBackward1", layout=SAME,
    saves=(0, 1, -1),
)  # fmt: skip
register("pow.Scalar", lambda a, base: base**a, "PowBackward2", layout=SAME,
         saves=(0, -1))  # fmt: skip
