"""Reductions: ``sum mean max min`` over everything or along ``dim``."""

from __future__ import annotations

import jax.numpy as jnp

from .. import checks
from ._registry import register

register("sum", jnp.sum, "SumBackward0")
register(
    "sum.dim",
    lambda a, dim, keepdim=False: jnp.sum(a, dim, keepdims=keepdim),
    "SumBackward1",
)
register("mean", jnp.mean, "MeanBackward0", check=checks.mean)
register(
    "mean.dim",
    lambda a, dim, keepdim=False: jnp.mean(a, dim, keepdims=keepdim),
    "MeanBackward1",
    check=checks.mean,
)
register("max", jnp.max, "MaxBackward1", saves=(0, -1))
register(
    "max.dim",
    lambda a, dim, keepdim=False: jnp.max(a, dim, keepdims=keepdim),
    "MaxBackward0",
)
register("min", jnp.min, "MinBackward1", saves=(0, -1))
register(
    "min.dim",
    lambda a, dim, keepdim=False: jnp.min(a, dim, keepdims=keepdim),
    "MinBackward0",
)
