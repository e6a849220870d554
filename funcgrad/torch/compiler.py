"""``torch.compiler``: :func:`explain`, :func:`reset`, :func:`disable`,
:func:`is_compiling` for ``funcgrad.torch.compile``."""

from ._compile import disable as disable
from ._compile import explain as explain
from ._compile import is_compiling as is_compiling
from ._compile import reset as reset

__all__ = ["disable", "explain", "is_compiling", "reset"]
