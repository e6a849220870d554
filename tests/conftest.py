"""Strictness for the whole suite: warnings are errors (pyproject), implicit rank
promotion raises, JAX's devices are fixed at start-up, and hypothesis runs a fixed,
CI-sized budget."""

from __future__ import annotations

import os

os.environ.setdefault("JAX_PLATFORMS", "cpu")

import jax  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

jax.config.update("jax_numpy_rank_promotion", "raise")
# Start JAX's backends now, with the devices the environment asks for: a command run
# in this process (`funcgrad train --devices N`) can then no longer change them.
jax.devices()

settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
