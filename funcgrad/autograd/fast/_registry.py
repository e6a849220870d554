"""The fast path's one switch and one cache registry.

Every cache of the fast path is registered here by name, as ``"seen"`` (which
graphs and forwards were sighted: clearing it makes the next graph new) or
``"compiled"`` (compiled programs and constants: clearing costs a compile).
The switch starts from the environment: ``FUNCGRAD_FAST=0`` turns the fast path
off for the whole process (the plain engine, for comparisons).
"""

from __future__ import annotations

import collections
import os
from typing import Any

import jax

#: Whether the fast path is on (read at every call; see :func:`set_enabled`).
enabled: bool = os.environ.get("FUNCGRAD_FAST", "1") != "0"

#: Entries kept in each bounded cache (graph sweeps, forward signatures, constants).
CACHE_SIZE = 256

_CACHES: dict[str, tuple[str, Any]] = {}
_SCALARS = (bool, int, float, complex)
_Tracer = jax.core.Tracer
try:  # the concrete array type, for an exact type check before isinstance
    from jax._src.array import ArrayImpl
except ImportError:  # pragma: no cover - another JAX layout

    class ArrayImpl:  # type: ignore[no-redef]
        pass


def cache(name: str, obj: Any, kind: str = "seen") -> Any:
    """Register ``obj`` (anything with ``clear()``, or an ``lru_cache``d function)
    under ``name``; returns ``obj``.

    >>> d = cache("doctest", {}, "compiled")
    >>> _CACHES.pop("doctest")[0]
    'compiled'
    """
    if kind not in ("seen", "compiled"):
        raise ValueError(f"cache kind must be 'seen' or 'compiled', not {kind!r}")
    _CACHES[name] = (kind, obj)
    return obj


def clear(compiled: bool = False) -> None:
    """Forget every graph and forward seen so far (and, if ``compiled``, the
    compiled programs and constants too).

    >>> clear()
    """
    for kind, obj in _CACHES.values():
        if compiled or kind == "seen":
            (obj.cache_clear if hasattr(obj, "cache_clear") else obj.clear)()


def sizes() -> dict[str, int]:
    """Entries held per registered cache.

    >>> sizes()["sweeps"] >= 0
    True
    """
    return {
        name: obj.cache_info().currsize if hasattr(obj, "cache_info") else len(obj)
        for name, (_, obj) in _CACHES.items()
    }


def second_sighting(seen: collections.OrderedDict, key) -> bool:
    """Count ``key`` in the LRU ``seen``; true from its second sighting on."""
    if key in seen:
        seen.move_to_end(key)
        return True
    seen[key] = None
    if len(seen) > CACHE_SIZE:
        seen.popitem(last=False)
    return False


def aval(v) -> Any:
    """A hashable description of one value, or raise ``TypeError``.

    >>> aval(1.0), aval(None)
    (<class 'float'>, None)
    """
    t = type(v)
    if t is ArrayImpl:  # ``aval``'s fields are plain attributes: cheaper to read
        a = v.aval
        return (a.shape, a.dtype, a.weak_type)
    if v is None:
        return v
    if isinstance(v, jax.Array) and not isinstance(v, _Tracer):
        return (v.shape, v.dtype, v.weak_type)
    if t in _SCALARS:
        return t
    raise TypeError("not cacheable")
