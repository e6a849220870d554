"""The optional speed layer over the plain engine (see ``api``): pending forward
values run as one compiled program, one compiled backward sweep per graph seen
before, shared constants; one switch, one cache registry."""

from ._registry import CACHE_SIZE as CACHE_SIZE
from ._registry import sizes as cache_sizes
from .api import ArrayImpl as ArrayImpl
from .api import Lazy as Lazy
from .api import backward as backward
from .api import clear_caches as clear_caches
from .api import concrete as concrete
from .api import disabled as disabled
from .api import forward as forward
from .api import full as full
from .api import is_enabled as is_enabled
from .api import materialise as materialise
from .api import ones_like as ones_like
from .api import set_enabled as set_enabled

__all__ = [
    "CACHE_SIZE",
    "ArrayImpl",
    "Lazy",
    "backward",
    "cache_sizes",
    "clear_caches",
    "concrete",
    "disabled",
    "forward",
    "full",
    "is_enabled",
    "materialise",
    "ones_like",
    "set_enabled",
]
