"""Compiled forwards: a registry forward as one ``jax.jit`` call per (op, options).

It jits from the second call with the same op and options, so one-off ops never
pay a compile; a forward that cannot be traced (it inspects values) stays eager.
"""

from __future__ import annotations

import collections
import functools

import jax

from . import _registry as _r

_fwd_seen = _r.cache("forwards seen", collections.OrderedDict())
_fwd_jit = _r.cache("forwards", {}, "compiled")
_fwd_eager = _r.cache("forwards eager", set(), "compiled")


def forward(op, values: tuple, options: dict):
    """``op.forward(*values, **options)``; one compiled call from the second use.

    >>> from ..ops import OPS
    >>> import jax.numpy as jnp
    >>> x = jnp.arange(3.0)
    >>> [float(forward(OPS["mul"], (x, 2.0), {}).sum()) for _ in range(3)]
    [6.0, 6.0, 6.0]
    """
    if not _r.enabled:
        return op.forward(*values, **options)
    try:
        key = (op, tuple(options.items())) if options else (op, ())
        fn = _fwd_jit.get(key)
    except TypeError:  # unhashable options
        return op.forward(*values, **options)
    if fn is None:
        if key in _fwd_eager or not _r.second_sighting(_fwd_seen, key):
            return op.forward(*values, **options)
        fn = _fwd_jit[key] = jax.jit(functools.partial(op.forward, **options))
        if len(_fwd_jit) > _r.CACHE_SIZE:
            del _fwd_jit[next(iter(_fwd_jit))]
    try:
        return fn(*values)
    except Exception:
        # Whatever the eager forward says (its own error, or a value if the op
        # cannot be traced) is the answer; an op that fails only here stays eager.
        out = op.forward(*values, **options)
        _fwd_eager.add(key)
        _fwd_jit.pop(key, None)
        return out
