"""Arithmetic: ``add sub rsub mul div reciprocal neg pow square``."""

from __future__ import annotations

import jax.numpy as jnp

from .. import checks
from ._registry import CROSS, SAME, aligned, derivative, floating, register

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
floating("reciprocal", jnp.reciprocal, "ReciprocalBackward0", saves=(-1,))
register(
    "neg",
    jnp.negative,
    "NegBackward0",
    layout=SAME,
    method="neg",
    function="neg",
    aliases=("negative",),
    check=checks.negation,
)


@checks.dtype_rule
def _integer_power(a, exponent=None, **options) -> None:
    """Integer tensors take no negative integer exponent (PyTorch's rule)."""
    d = getattr(a, "dtype", None)
    if (
        d is not None
        and not (d.is_floating_point or d.is_complex)
        and isinstance(exponent, int)
        and exponent < 0
    ):
        raise RuntimeError("Integers to negative integer powers are not allowed.")


def _pow_signature(input, exponent):  # noqa: A002
    if hasattr(exponent, "grad_fn"):
        return (input, exponent), {}, "pow.Tensor_Tensor"
    return (input,), {"exponent": exponent}


register(
    "pow.Tensor_Scalar",
    lambda a, exponent: a**exponent,
    "PowBackward0",
    layout=SAME,
    saves=(0,),
    method="pow",
    check=_integer_power,
    signature=_pow_signature,
)


def _pow_base_partial(a, b):
    return jnp.where(b == 0, 0, b * a ** (b - 1))


def _pow_exponent_partial(a, b):
    return jnp.where((a == 0) & (b >= 0), 0, a**b * jnp.log(a))


def _power(a, b):
    """``a ** b``; for integers, a negative exponent gives what PyTorch's
    integer kernel gives (``1``, ``-1`` or ``0``), not JAX's overflow."""
    out = jnp.power(a, b)
    if jnp.issubdtype(out.dtype, jnp.inexact):
        return out
    odd = (b % 2) != 0
    inverse = jnp.where(a == 1, 1, jnp.where(a == -1, jnp.where(odd, -1, 1), 0))
    return jnp.where(b < 0, inverse.astype(out.dtype), out)


@checks.dtype_rule
def _no_bool_power(a, b) -> None:
    """Two bool tensors do not power (PyTorch's kernel has no bool)."""
    if getattr(a, "dtype", None) is getattr(b, "dtype", 0) and a.dtype.name == "bool":
        raise NotImplementedError("\"pow\" not implemented for 'Bool'")


register(
    "pow.Tensor_Tensor",
    aligned(derivative(_power, _pow_base_partial, _pow_exponent_partial)),
    "PowBackward1",
    layout=SAME,
    saves=(0, 1, -1),
    check=_no_bool_power,
)
register("pow.Scalar", lambda a, base: base**a, "PowBackward2", layout=SAME,
         saves=(0, -1))  # fmt: skip
register(
    "square",
    lambda a, exponent=2: a**exponent,
    "PowBackward0",
    layout=SAME,
    saves=(0,),
    method="square",
    function="square",
    signature=lambda input: ((input,), {"exponent": 2}, "pow.Tensor_Scalar"),  # noqa: A006
)
