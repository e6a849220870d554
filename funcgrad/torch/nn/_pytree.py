"""Modules as JAX pytrees: parameters, buffers and child modules are the
children, everything else (hyper-parameters, ``training``, the class) is static.

So ``jax.jit(lambda m, x: m(x))(model, x)`` traces the module with its parameters
as inputs, and ``jax.grad`` over a module returns a module of gradients. A change
of a static attribute (``model.eval()``, a new ``p`` of a dropout) is a new tree
structure, so ``jax.jit`` traces again.

>>> import jax
>>> import funcgrad.torch as torch
>>> model = torch.nn.Linear(2, 1)
>>> [tuple(leaf.shape) for leaf in jax.tree_util.tree_leaves(model)]
[(1, 2), (1,)]
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import jax

_REGISTRIES = ("_parameters", "_buffers", "_modules")

# Bumped by every change of a module's attributes or registries (and by
# ``train``/``eval``): ``torch.compile`` reuses what it found in a module
# until this moves.
epoch = 0


def changed() -> None:
    """Note that some module's structure or static attributes changed.

    >>> from funcgrad.torch.nn import _pytree
    >>> before = _pytree.epoch; changed(); _pytree.epoch == before + 1
    True
    """
    global epoch
    epoch += 1


class _Static:
    """A module's static part: its class, registry keys and other attributes.

    Equal when the class, the keys and every other attribute are equal (so two
    traces of one module share a compiled program), hashed on the class, the keys
    and ``training``."""

    __slots__ = ("cls", "keys", "attrs")

    def __init__(self, cls: type, keys: tuple, attrs: dict[str, Any]) -> None:
        self.cls, self.keys, self.attrs = cls, keys, attrs

    def __hash__(self) -> int:
        return hash((self.cls, self.keys, self.attrs.get("training")))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _Static):
            return NotImplemented
        if self.cls is not other.cls or self.keys != other.keys:
            return False
        if self.attrs.keys() != other.attrs.keys():
            return False
        for k, v in self.attrs.items():
            w = other.attrs[k]
            if v is w:
                continue
            try:
                if not bool(v == w):
                    return False
            except Exception:  # an attribute without a truthful ==: compare identity
                return False
        return True


def _flatten(module):
    d = module.__dict__
    keys = tuple(tuple(d[r].keys()) for r in _REGISTRIES)
    children = tuple(tuple(d[r].values()) for r in _REGISTRIES)
    attrs = {k: v for k, v in d.items() if k not in _REGISTRIES}
    return children, _Static(type(module), keys, attrs)


def _unflatten(static: _Static, children) -> Any:
    module = object.__new__(static.cls)
    d = module.__dict__
    d.update(static.attrs)
    for registry, keys, values in zip(_REGISTRIES, static.keys, children, strict=True):
        d[registry] = OrderedDict(zip(keys, values, strict=True))
    return module


def register_module_class(cls: type) -> None:
    """Register ``cls`` (a Module class) as a pytree node; every subclass of
    ``Module`` is registered this way when it is defined."""
    jax.tree_util.register_pytree_node(cls, _flatten, _unflatten)
