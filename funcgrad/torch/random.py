"""``torch.random``: the default generator's seeding and state, and ``fork_rng``."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from ._draws import get_rng_state, set_rng_state
from ._random import Generator, default_generator, initial_seed, manual_seed, seed

__all__ = [
    "Generator",
    "default_generator",
    "fork_rng",
    "get_rng_state",
    "initial_seed",
    "manual_seed",
    "seed",
    "set_rng_state",
]


@contextlib.contextmanager
def fork_rng(
    devices: Any = None,
    enabled: bool = True,
    _caller: str = "fork_rng",
    _devices_kw: str = "devices",
    device_type: str = "cuda",
) -> Iterator[None]:
    """Run a block with the default generator's state restored afterwards.

    >>> _ = manual_seed(0)
    >>> with fork_rng():
    ...     _ = manual_seed(5); _ = default_generator.uniform((3,))
    >>> default_generator.uniform((1,)).tolist()  # as if the block never drew
    [0.49625658988952637]
    """
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)
