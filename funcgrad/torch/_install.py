"""``import torch`` resolved to ``funcgrad.torch``: a ``sys.meta_path`` finder.

:func:`install` makes ``torch`` and every ``torch.X.Y`` that a script imports the
module ``funcgrad.torch.X.Y``; a submodule the facade lacks is a
``ModuleNotFoundError`` saying so. ``python -m funcgrad.torch script.py`` installs
it and runs the script unchanged.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types

__all__ = ["install", "installed", "uninstall"]

_PREFIX = "funcgrad."


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``torch`` and ``torch.*``; loading puts the facade module in
    ``sys.modules`` under the torch name (the import system then returns it)."""

    def find_spec(self, fullname: str, path=None, target=None):
        if fullname != "torch" and not fullname.startswith("torch."):
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec):
        return types.ModuleType(spec.name)  # replaced in exec_module

    def exec_module(self, module: types.ModuleType) -> None:
        name = module.__name__
        try:
            real = importlib.import_module(_PREFIX + name)
        except ModuleNotFoundError as e:
            if e.name is None or not (_PREFIX + name).startswith(e.name):
                raise
            raise ModuleNotFoundError(
                f"funcgrad.torch does not implement {name} yet", name=name
            ) from None
        sys.modules[name] = real


_FINDER = _Alias()


def installed() -> bool:
    """Whether ``import torch`` resolves to ``funcgrad.torch`` now.

    >>> isinstance(installed(), bool)
    True
    """
    return _FINDER in sys.meta_path


def install() -> None:
    """Make ``import torch`` (and ``import torch.nn``, ``from torch.utils.data
    import DataLoader``, ...) give ``funcgrad.torch`` modules in this interpreter.

    Raises ``RuntimeError`` if the real torch is already imported (modules
    holding it would mix the two). :func:`uninstall` undoes it.

    >>> install()  # doctest: +SKIP
    >>> import torch  # doctest: +SKIP
    >>> torch.__name__  # doctest: +SKIP
    'funcgrad.torch'
    """
    current = sys.modules.get("torch")
    if current is not None and current.__name__ != "funcgrad.torch":
        raise RuntimeError(
            "funcgrad.torch.install() must run before the real torch is imported"
        )
    if not installed():
        sys.meta_path.insert(0, _FINDER)


def uninstall() -> None:
    """Undo :func:`install`: ``torch`` names leave ``sys.modules``.

    >>> uninstall(); installed()
    False
    """
    if installed():
        sys.meta_path.remove(_FINDER)
    for name in [n for n in sys.modules if n == "torch" or n.startswith("torch.")]:
        if sys.modules[name].__name__.startswith(_PREFIX):
            del sys.modules[name]
