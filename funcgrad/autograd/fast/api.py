"""The fast path's seam: what the ``Tensor`` layer calls, and the switch.

Each function computes exactly what the plain path computes; with the fast path
off (:func:`set_enabled`, or ``FUNCGRAD_FAST=0``) each is the plain operation.

* :func:`forward` runs an op: a pending :class:`~.lazy.Lazy` value when the op's
  compiled forward is warm, else one compiled call from an op's second use.
* :func:`backward` runs ``backward()``: one compiled sweep for a graph seen
  before, else the plain engine (pending saved values computed first).
* :func:`full` / :func:`ones_like`: shared constant arrays.
* :func:`materialise` / :func:`concrete`: the value of a pending value (of each
  of a tuple of values).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from ..engine import run_backward, topological_order
from ..node import Node
from . import _registry as _r
from ._registry import ArrayImpl as ArrayImpl
from .compiled import full as full
from .compiled import ones_like as ones_like
from .compiled import try_backward
from .lazy import Lazy as Lazy
from .lazy import concrete as concrete
from .lazy import materialise as materialise
from .lazy import run as forward

__all__ = [
    "ArrayImpl",
    "Lazy",
    "concrete",
    "backward",
    "clear_caches",
    "disabled",
    "forward",
    "full",
    "is_enabled",
    "materialise",
    "ones_like",
    "set_enabled",
]


def backward(roots: list, *, retain_graph: bool, **plain) -> dict:
    """``engine.run_backward(roots, ...)``, as one compiled sweep when it can be.

    >>> backward([], retain_graph=False)
    {}
    """
    if not _r.enabled:
        return run_backward(roots, retain_graph=retain_graph, **plain)
    if not plain.get("create_graph") and plain.get("capture") is None:
        if plain.get("accumulate", True) and plain.get("only") is None:
            if try_backward(roots, retain_graph):  # a graph seen before
                return {}
    for node in topological_order(node for node, _ in roots):
        if type(node) is Node and node.saved is not None:
            node.saved = concrete(node.saved)  # pending forward values, computed
    return run_backward(roots, retain_graph=retain_graph, **plain)


def is_enabled() -> bool:
    """Whether the fast path is on.

    >>> is_enabled() in (True, False)
    True
    """
    return _r.enabled


def set_enabled(flag: bool) -> bool:
    """Switch the fast path on or off; returns the previous setting. Values
    still pending are computed when read, either way.

    >>> previous = set_enabled(False); set_enabled(previous)
    False
    """
    previous, _r.enabled = _r.enabled, bool(flag)
    return previous


@contextlib.contextmanager
def disabled() -> Iterator[None]:
    """A scope with the fast path off (the plain engine).

    >>> with disabled():
    ...     is_enabled()
    False
    """
    previous = set_enabled(False)
    try:
        yield
    finally:
        set_enabled(previous)


def clear_caches(compiled: bool = False) -> None:
    """Forget the graphs seen so far (the next graph is new); with ``compiled``,
    drop compiled programs and constants too.

    >>> clear_caches()
    """
    _r.clear(compiled)
