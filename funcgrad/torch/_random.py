"""The facade's global random generator, on the JAX PRNG.

``manual_seed(s)`` resets it; every draw splits the key, so a seeded program draws
the same numbers on every run (they are JAX's numbers, not PyTorch's).
"""

from __future__ import annotations

import threading

import jax

_lock = threading.Lock()
_state = {"key": None, "seed": 0}


def manual_seed(seed: int) -> Generator:
    """Seed the global generator.

    >>> import funcgrad.torch as torch
    >>> _ = torch.manual_seed(0); a = torch.randn(2)
    >>> _ = torch.manual_seed(0); bool((torch.randn(2) == a).all())
    True
    """
    with _lock:
        _state["seed"] = int(seed)
        _state["key"] = jax.random.key(int(seed))
    return Generator()


def initial_seed() -> int:
    """The seed last given to :func:`manual_seed` (0 before any call).

    >>> _ = manual_seed(7); initial_seed()
    7
    """
    return _state["seed"]


def next_key() -> jax.Array:
    """A fresh PRNG key from the global generator.

    >>> next_key().shape
    ()
    """
    with _lock:
        if _state["key"] is None:
            _state["key"] = jax.random.key(_state["seed"])
        _state["key"], sub = jax.random.split(_state["key"])
    return sub


class Generator:
    """The handle ``manual_seed`` returns (the facade has one global generator).

    >>> manual_seed(3).initial_seed()
    3
    """

    def initial_seed(self) -> int:
        return initial_seed()

    def manual_seed(self, seed: int) -> Generator:
        return manual_seed(seed)
