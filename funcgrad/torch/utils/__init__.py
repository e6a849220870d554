"""``torch.utils``: ``data`` (datasets and loaders)."""

from .. import _missing
from . import data as data

__getattr__ = _missing.missing(__name__)

__all__ = ["data"]
