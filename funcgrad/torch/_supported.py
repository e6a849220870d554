"""The supported torch surface, listed from the facade's own modules: the text of
``docs/supported.md`` (a test keeps the file equal to :func:`markdown`).

Regenerate with ``python -m funcgrad.torch._supported > docs/supported.md``.
"""

from __future__ import annotations

import importlib
import inspect

from ..autograd.tensor import Tensor

__all__ = ["MODULES", "markdown", "tensor_methods"]

#: The facade modules listed, under the torch names a script imports.
MODULES = (
    "torch",
    "torch.nn",
    "torch.nn.functional",
    "torch.nn.init",
    "torch.nn.utils",
    "torch.optim",
    "torch.optim.lr_scheduler",
    "torch.special",
    "torch.autograd",
    "torch.autograd.functional",
    "torch.linalg",
    "torch.func",
    "torch.utils.data",
    "torch.testing",
    "torch.cuda",
    "torch.accelerator",
)

_HEADER = """\
# Supported torch surface

`funcgrad.torch` is a drop-in subset of `torch`: `import funcgrad.torch as torch`,
or run a script unchanged with `python -m funcgrad.torch script.py` (also
`funcgrad run script.py`, or `funcgrad.torch.install()` before `import torch`).
These are the names it has today; any other raises
`AttributeError: funcgrad.torch does not implement torch.X yet`.

This page is generated from the package
(`python -m funcgrad.torch._supported > docs/supported.md`); a test keeps it in
step.
"""


def _public(module_name: str) -> list[str]:
    module = importlib.import_module("funcgrad." + module_name)
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in vars(module) if not n.startswith("_")]
    return sorted(names, key=str.lower)


def _kind(module_name: str, name: str) -> str:
    obj = getattr(importlib.import_module("funcgrad." + module_name), name)
    if inspect.ismodule(obj):
        return "module"
    if inspect.isclass(obj):
        return "class"
    if callable(obj):
        return "function"
    return "object"


def tensor_methods() -> list[str]:
    """The public attributes of ``torch.Tensor`` in the facade.

    >>> "backward" in tensor_methods()
    True
    """
    return sorted((n for n in dir(Tensor) if not n.startswith("_")), key=str.lower)


def markdown() -> str:
    """The page: per module, its names grouped by kind; then Tensor's methods.

    >>> markdown().startswith("# Supported torch surface")
    True
    """
    parts = [_HEADER]
    labels = {"module": "modules", "class": "classes", "function": "functions",
              "object": "dtypes and other objects"}  # fmt: skip
    for module_name in MODULES:
        names = _public(module_name)
        parts.append(f"## `{module_name}`\n")
        for kind, label in labels.items():
            group = [n for n in names if _kind(module_name, n) == kind]
            if group:
                listed = ", ".join(f"`{n}`" for n in group)
                parts.append(f"- {label} ({len(group)}): {listed}")
        parts.append("")
    methods = tensor_methods()
    parts.append(f"## `torch.Tensor` ({len(methods)} attributes)\n")
    parts.append(", ".join(f"`{n}`" for n in methods) + "\n")
    return "\n".join(parts)


if __name__ == "__main__":  # pragma: no cover
    print(markdown(), end="")
