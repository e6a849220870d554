"""The error for a torch name the facade does not have yet.

``funcgrad.torch.sin`` (before it exists) says ``funcgrad.torch does not implement
torch.sin yet`` rather than Python's ``Did you mean: 'min'?``, so a porting user
knows the name is missing here, not misspelt.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["missing", "not_implemented"]


def not_implemented(torch_name: str) -> AttributeError:
    """The ``AttributeError`` for ``torch_name`` (a dotted torch name).

    >>> not_implemented("torch.sin")
    AttributeError('funcgrad.torch does not implement torch.sin yet')
    """
    return AttributeError(f"funcgrad.torch does not implement {torch_name} yet")


def missing(module_name: str) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``module_name`` (``"funcgrad.torch.nn"``):
    a public name it lacks raises :func:`not_implemented`; private and dunder
    names raise Python's usual error (tools probe those).

    >>> getattr_ = missing("funcgrad.torch.nn")
    >>> getattr_("Transformer")
    Traceback (most recent call last):
    ...
    AttributeError: funcgrad.torch does not implement torch.nn.Transformer yet
    """
    torch_module = "torch" + module_name.removeprefix("funcgrad.torch")

    def __getattr__(name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(f"module '{module_name}' has no attribute '{name}'")
        raise not_implemented(f"{torch_module}.{name}")

    return __getattr__
