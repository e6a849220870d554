"""``torch.nn``: modules, parameters and ``functional``."""

from . import functional as functional

__all__ = ["functional"]
