"""Elementwise functions: ``exp log sqrt abs sigmoid tanh relu``, ``clamp``,
``maximum minimum where``."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .. import checks
from ._registry import SAME, aligned, floating, register, unary

floating("exp", jnp.exp, "ExpBackward0", saves=(-1,))
floating("log", jnp.log, "LogBackward0", saves=(0,))
floating("sqrt", jnp.sqrt, "SqrtBackward0", saves=(-1,))
unary("abs", jnp.abs, "AbsBackward0", saves=(0,))
floating("sigmoid", jax.nn.sigmoid, "SigmoidBackward0", saves=(-1,))
floating("tanh", jnp.tanh, "TanhBackward0", saves=(-1,))
unary("relu", jax.nn.relu, "ReluBackward0", saves=(-1,), check=checks.no_bool("relu"))
register(
    "clamp",
    lambda a, min=None, max=None: jnp.clip(a, min, max),
    "ClampBackward1",
    layout=SAME,
    saves=(0,),
)
register("maximum", aligned(jnp.maximum), "MaximumBackward0", layout=SAME,
         saves=(0, 1))  # fmt: skip
register("minimum", aligned(jnp.minimum), "MinimumBackward0", layout=SAME,
         saves=(0, 1))  # fmt: skip
register(
    "where",
    aligned(lambda a, b, condition: jnp.where(condition, a, b)),
    "WhereBackward0",
    inputs=2,
    layout=SAME,
)
