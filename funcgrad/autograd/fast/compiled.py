"""The compiled backward sweep and cached constants.

A training loop builds the same graph every step: same ops, options, shapes and
dtypes, same leaves needing grad. :func:`try_backward` derives a signature of the
graph behind ``backward()`` (each node's op, options, which inputs need grad, saved
shapes and dtypes, edges; each leaf's dtype and ``.grad`` shape) and, from the
second sighting of a signature, runs the whole reverse sweep, leaf accumulation
included, as one compiled call built from the same per-op VJPs as the plain
engine. Graphs with hooks, ``retain_grad``, anomaly mode or saved tensors changed
in place take the plain path. Forward values still pending (``lazy.py``: the
forward, and a no-grad update before it) are computed by the same call, so a
repeated training step is one compiled call. :func:`full` and :func:`ones_like`
return shared constant arrays (JAX arrays are immutable, so tensors may share one).
"""

from __future__ import annotations

import collections
import functools
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp

from .. import anomaly as _anomaly
from ..engine import topological_order
from ..node import AccumulateGrad, Node, vjp_of
from . import _registry as _r
from . import lazy as _lazy

__all__ = ["full", "ones_like", "try_backward"]

_Tracer = jax.core.Tracer
_SCALARS = (bool, int, float, complex)
_aval = _r.aval


# --------------------------------------------------------------------------------------
# The compiled backward sweep.

_sweeps = _r.cache("sweeps", collections.OrderedDict())  # signatures seen
_sweep_fns = _r.cache("sweep programs", collections.OrderedDict(), "compiled")


def try_backward(roots: list, retain_graph: bool) -> bool:
    """Run ``backward`` for ``roots`` as one compiled sweep; false to decline.

    Declines (and changes nothing) for a graph seen for the first time, or one
    that needs the plain path's per-node work (hooks, ``retain_grad``, anomaly
    mode, a freed graph, values under a JAX trace).

    >>> try_backward([], retain_graph=False)
    False
    """
    if not _r.enabled or _anomaly.enabled or not roots:
        return False
    order = topological_order([node for node, _ in roots])
    Lazy = _lazy.Lazy
    pending_roots = []  # saved values still pending: the sweep computes them
    for node in order:
        kind = type(node)
        if kind is Node:
            values = node.saved
            if node.pre_hooks or node.retained is not None or values is None:
                return False
            if node.versions:
                node.check_versions()
            for v in values:
                if type(v) is Lazy and v.value is None:
                    pending_roots.append(v)
        elif kind is not AccumulateGrad or node.variable._hooks:
            return False
    try:
        fwd_sig, fwd_leaves, pending, pos = _lazy.program_indexed(pending_roots)
        key, saved, leaves, grads_in, wanted = _signature(
            order, roots, fwd_sig, pending, pos
        )
    except TypeError:
        return False
    stored = _sweeps.get(key)
    if stored is None:
        _sweeps[key] = key
        if len(_sweeps) > _r.CACHE_SIZE:
            _sweeps.popitem(last=False)
        _lazy.run_eagerly(pending)  # for the plain path, without a second walk
        return False
    _sweeps.move_to_end(stored)
    fn = _sweep_fns.get(stored)
    if fn is None:
        sig, root_pos, _, (program, _), _ = stored.key
        fn = _sweep_fns[stored] = _compile_sweep(sig, root_pos, program, wanted)
        while len(_sweep_fns) > _r.CACHE_SIZE:
            _sweep_fns.popitem(last=False)
    cts = tuple([ct for _, ct in roots])
    outs, forward_values = fn(tuple(saved), cts, tuple(grads_in), tuple(fwd_leaves))
    _lazy.fill([pending[i] for i in wanted], forward_values)
    for leaf, new in zip(leaves, outs, strict=True):
        if new is None:
            continue
        # A new .grad (a plain tensor, also for a Parameter), or the old one updated
        # in place with the sum the sweep computed.
        g = leaf._grad
        if g is None:
            leaf._accumulate(new, False)
        else:
            g._write(new)
    if not retain_graph:
        for node in order:
            if type(node) is Node:
                node.release()
    return True


def _signature(order: list, roots: list, fwd_sig, pending: list, pos: dict):
    """The sweep's signature (each node's op, options, mask, saved avals and edges;
    each leaf's dtype and ``.grad`` aval; the pending forward program) and the
    values the compiled sweep takes. A saved pending value is passed as ``None``
    and named in the signature by its :class:`_Pending` index."""
    index = {node: i for i, node in enumerate(order)}  # nodes hash by identity
    marks = _pending_marks(len(pending)) if pending else ()
    Lazy = _lazy.Lazy
    sig, saved, leaves, grads_in = [], [], [], []
    for node in order:
        if type(node) is AccumulateGrad:
            leaf = node.variable
            g = leaf._grad
            gv = None if g is None else g._value
            sig.append((None, leaf._val.dtype, _aval(gv)))
            leaves.append(leaf)
            grads_in.append(gv)
            continue
        nexts = node.next_functions
        edges = tuple([-1 if c is None else index[c] for c, _ in nexts])
        mask = tuple([c is not None for c, _ in nexts])
        values = node.saved
        if len(values) > len(nexts):
            mask += (False,) * (len(values) - len(nexts))
        avals, given = [], []
        for v in values:
            if type(v) is Lazy:
                if v.value is None:
                    avals.append(marks[pos[v]])
                    given.append(None)
                    continue
                v = v.value
            avals.append(_aval(v))
            given.append(v)
        sig.append((node.op, node.options, mask, tuple(avals), edges))
        saved.append(tuple(given))
    # The call returns the pending values nothing else in the program uses (the
    # outputs, the loss) and the leaves' own (a lazy update); the others stay
    # pending, computed again from their inputs if ever read.
    if pending:
        used = {r for _, refs in fwd_sig[0] for r in refs if r >= 0}
        held = {id(leaf._val) for leaf in leaves}
        wanted = tuple(
            i for i, v in enumerate(pending) if i not in used or id(v) in held
        )
    else:
        wanted = ()
    root_pos = tuple([index[node] for node, _ in roots])
    cts = tuple([_aval(ct) for _, ct in roots])
    # One hash of the signature; the stored key then matches by identity.
    key = _Signature((tuple(sig), root_pos, cts, fwd_sig, wanted))
    return key, saved, leaves, grads_in, wanted


class _Signature:
    """A graph signature with its hash computed once (it is a deep tuple)."""

    __slots__ = ("key", "hash")

    def __init__(self, key: tuple) -> None:
        self.key = key
        self.hash = hash(key)

    def __hash__(self) -> int:
        return self.hash

    def __eq__(self, other) -> bool:
        return (
            type(other) is _Signature
            and self.hash == other.hash
            and self.key == other.key
        )


class _Pending(NamedTuple):
    """In a saved tuple: the value computed by the sweep's forward program."""

    index: int


_marks: list = []  # _Pending(i) for i < len(_marks), shared


def _pending_marks(n: int) -> list:
    """A list whose item ``i`` is ``_Pending(i)``, for every ``i < n``."""
    while len(_marks) < n:
        _marks.append(_Pending(len(_marks)))
    return _marks


def _compile_sweep(sig: tuple, root_pos: tuple, fwd_sig: tuple, wanted: tuple):
    def sweep(saved, root_cts, grads_in, fwd_leaves):
        forward = _lazy.run_program(fwd_sig, fwd_leaves)
        # The plain engine's sweep, traced: same order, same per-op VJPs, same sums.
        grads: dict[int, Any] = {}
        for pos, ct in zip(root_pos, root_cts, strict=True):
            grads[pos] = grads[pos] + ct if pos in grads else ct
        outs, k = [], 0
        for i, entry in enumerate(sig):
            ct = grads.pop(i, None)
            if entry[0] is None:  # a leaf
                old = grads_in[len(outs)]
                if ct is not None and ct.dtype != entry[1]:
                    ct = ct.astype(entry[1])
                outs.append(None if ct is None else ct if old is None else old + ct)
                continue
            op, options, mask, avals, edges = entry
            values, k = saved[k], k + 1
            if forward:
                values = tuple(
                    forward[a.index] if type(a) is _Pending else v
                    for v, a in zip(values, avals, strict=True)
                )
            if ct is None:
                continue
            pulled = iter(vjp_of(op, options, mask)(values, ct))
            for child, d in zip(edges, mask, strict=False):
                if not d:
                    continue
                g = next(pulled)
                if child >= 0:
                    grads[child] = grads[child] + g if child in grads else g
        return outs, [forward[i] for i in wanted]

    return jax.jit(sweep)


# --------------------------------------------------------------------------------------
# Constants.


@functools.lru_cache(maxsize=_r.CACHE_SIZE)
def _constant(shape: tuple, kind: type, text: str, value, dtype) -> jax.Array:
    return jnp.full(shape, value, dtype)


def full(shape: tuple, value, dtype) -> jax.Array:
    """``jnp.full(shape, value, dtype)``, shared for repeated Python scalars.

    >>> full((2,), 0, jnp.float32) is full((2,), 0, jnp.float32)
    True
    >>> full((1,), -0.0, jnp.float32)
    Array([-0.], dtype=float32)
    """
    if _r.enabled and type(value) in _SCALARS:
        # repr tells -0.0 from 0.0 (equal as keys); the type tells 1 from True.
        return _constant(tuple(shape), type(value), repr(value), value, dtype)
    return jnp.full(shape, value, dtype)


def ones_like(value) -> jax.Array:
    """``jnp.ones_like(value)`` (the implicit gradient of a scalar), shared.

    >>> ones_like(jnp.zeros(())) is ones_like(jnp.zeros(()))
    True
    """
    if type(value) is _lazy.Lazy:  # a pending value: only its aval is needed
        if _r.enabled and value.value is None and not value.weak_type:
            key = (value.shape, value.dtype, False)
            out = _ones.get(key)
            if out is None:
                spec = jax.ShapeDtypeStruct(value.shape, value.dtype)
                out = _ones_of(key, spec)
            return out
        value = _lazy.materialise(value)
    if _r.enabled and isinstance(value, jax.Array) and not isinstance(value, _Tracer):
        return _ones_of((value.shape, value.dtype, value.weak_type), value)
    return jnp.ones_like(value)


def _ones_of(key: tuple, like) -> jax.Array:
    out = _ones.get(key)
    if out is None:
        if len(_ones) >= _r.CACHE_SIZE:
            _ones.clear()
        out = _ones[key] = jnp.ones_like(like)
    return out


_ones: dict = _r.cache("ones", {}, "compiled")
_r.cache("constants", _constant, "compiled")
