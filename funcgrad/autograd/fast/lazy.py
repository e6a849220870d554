"""Lazy forward values: a repeated training step as one compiled call.

A training loop runs the same ops on the same shapes every step. Instead of one
JAX call per op, :func:`defer` lets ``dispatch`` return a :class:`Lazy` value for
an op whose compiled forward is warm: the op, its options, its input values and
the result's abstract shape and dtype (from ``jax.eval_shape``, cached per op,
options and input avals). Shape and dtype checks stay eager, so every error is
raised at the call that causes it; only the computation of values is deferred.

A pending value is computed when something reads it (``Tensor._value``), or at
``backward()`` together with the compiled sweep (see ``compiled.try_backward``):

* :func:`materialise` walks the pending values below one value (a *program*:
  ops, options, input structure and the avals of the concrete leaves) and, from
  the second sighting of that program, runs it as one ``jax.jit`` call cached in
  a bounded LRU; on a first sighting it runs each op's own forward, as ``dispatch``
  would have, so a cold graph pays no compile.
* Every value of a program is filled in by that one call; a filled :class:`Lazy`
  drops its inputs, so a pending chain never keeps old values alive.
* A chain of pending ops is bounded (:data:`MAX_PENDING` ops): past it,
  ``dispatch`` computes the inputs and runs eagerly, so a loop that never calls
  ``backward()`` (``w -= lr * g`` forever) does not grow a chain.

Only concrete ``jax.Array`` values and Python scalars are deferred; tracers (code
under ``jax.grad``/``jax.jit``), ops whose forward cannot be traced and ops seen
once run eagerly.
"""

from __future__ import annotations

import collections
import functools
import itertools
import operator

import jax

from .. import anomaly as _anomaly
from . import _registry as _r
from .forward import _fwd_jit, forward

__all__ = ["Lazy", "MAX_PENDING", "concrete", "materialise", "run"]

#: Most pending ops a value may depend on before ``dispatch`` computes it.
MAX_PENDING = 64

_SCALARS = (bool, int, float, complex)
_SCALAR_TYPES = frozenset(_SCALARS)
_Tracer = jax.core.Tracer
_ArrayImpl = _r.ArrayImpl

_serials = itertools.count()
_by_serial = operator.attrgetter("serial")


class Lazy:
    """A value not computed yet: ``op.forward(*inputs, **options)`` of shape
    ``shape`` and dtype ``dtype``; ``value`` once computed.

    >>> from ..ops import OPS
    >>> import jax.numpy as jnp
    >>> v = Lazy(OPS["mul"], (("k", ()), {}), (jnp.ones(2), 3.0), ((2,), jnp.float32,
    ...      False), 1)
    >>> v.shape, v.ndim, materialise(v)
    ((2,), 1, Array([3., 3.], dtype=float32))
    """

    __slots__ = ("op", "key", "options", "inputs", "shape", "dtype", "weak_type",
                 "size", "value", "serial")  # fmt: skip

    def __init__(self, op, key_options, inputs, aval, size):
        self.op = op
        self.key, self.options = key_options
        self.inputs = inputs  # values: jax.Array, Python scalar or Lazy
        self.shape, self.dtype, self.weak_type = aval
        self.size = size  # pending ops this value depends on (itself included)
        self.value = None
        self.serial = next(_serials)  # creation order: after every input

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        state = "pending" if self.value is None else "computed"
        return f"<Lazy {self.op.name} {self.shape} {self.dtype} {state}>"


# --------------------------------------------------------------------------------------
# Deferring an op.

# (op key, input avals) -> output aval, or None (run eagerly)
_out_avals: dict = _r.cache("output avals", {}, "compiled")


def run(op, values: tuple, options: dict, defer: bool = True):
    """``op(*values, **options)``: a :class:`Lazy` when it can be deferred (and
    ``defer``), else computed now (one compiled call from the op's second use).

    Defers only when the op's compiled forward is warm and every input is a
    concrete array, a Python scalar or a pending value.

    >>> from ..ops import OPS
    >>> import jax.numpy as jnp
    >>> materialise(run(OPS["add"], (jnp.ones(2), 1.0), {}))
    Array([2., 2.], dtype=float32)
    """
    if not _r.enabled:
        return op.forward(*values, **options)
    if _anomaly.enabled or not defer:
        return forward(op, concrete(values), options)
    okey = (op, tuple(options.items())) if options else (op, ())
    try:
        if okey not in _fwd_jit:
            return forward(op, concrete(values), options)
    except TypeError:  # unhashable options
        return forward(op, concrete(values), options)
    avals, size = [], 1
    for v in values:
        t = type(v)
        if t is Lazy:
            if v.value is None:
                avals.append((v.shape, v.dtype, v.weak_type))
                size += v.size
                continue
            v = v.value
            t = type(v)
        if t is _ArrayImpl:
            a = v.aval  # its fields are plain attributes: cheaper than the array's
            avals.append((a.shape, a.dtype, a.weak_type))
        elif isinstance(v, jax.Array) and not isinstance(v, _Tracer):
            avals.append((v.shape, v.dtype, v.weak_type))
        elif t in _SCALARS:
            avals.append(t)
        elif v is None:
            avals.append(None)
        else:  # a tracer, a NumPy array, a list...
            return forward(op, concrete(values), options)
    if size > MAX_PENDING:  # compute the chain so far, then run this op
        return forward(op, concrete(values), options)
    key = (okey, tuple(avals))
    out = _out_avals.get(key, False)
    if out is False:
        out = _out_avals[key] = _eval_shape(op, options, avals)
        if len(_out_avals) > 4 * _r.CACHE_SIZE:
            _out_avals.pop(next(iter(_out_avals)), None)
    if out is None:
        return forward(op, concrete(values), options)
    return Lazy(op, (okey, options), values, out, size)


def _eval_shape(op, options: dict, avals: list):
    specs = [
        jax.ShapeDtypeStruct(a[0], a[1], weak_type=a[2]) if type(a) is tuple
        else (a(0) if a is not None else None)
        for a in avals
    ]  # fmt: skip
    try:
        out = jax.eval_shape(functools.partial(op.forward, **options), *specs)
    except Exception:  # the eager forward raises (or copes) at the same call
        return None
    if not isinstance(out, jax.ShapeDtypeStruct):
        return None
    return (tuple(out.shape), out.dtype, bool(out.weak_type))


# --------------------------------------------------------------------------------------
# Programs: the pending values below some roots.


def program(roots) -> tuple:
    """``(signature, leaves, pending)`` for the pending values in ``roots``.

    ``pending`` lists every pending value reachable from ``roots``, inputs before
    users; ``signature`` describes them (op, options, and per input an index into
    ``pending`` or, negative, into ``leaves``) with the leaves' avals, so equal
    signatures compute the same function of their leaves.
    """
    sig, leaves, pending, _ = program_indexed(roots)
    return sig, leaves, pending


def program_indexed(roots) -> tuple:
    """:func:`program`, and a dict from each pending value to its index in
    ``pending`` (values hash by identity)."""
    found: dict = {}  # the pending values reachable from the roots
    stack = [v for v in roots if v.value is None]
    while stack:
        v = stack.pop()
        if v in found:
            continue
        found[v] = None
        for u in v.inputs or ():
            if type(u) is Lazy and u.value is None and u not in found:
                stack.append(u)
    if not found:
        return ((), ()), [], [], found
    # Values are numbered as they are created, after their inputs: that order is
    # a topological one.
    pending = sorted(found, key=_by_serial)
    index = {v: i for i, v in enumerate(pending)}
    leaves: list = []
    leaf_index: dict = {}
    sig: list = []
    leaf_sig: list = []
    aval = _r.aval
    for node in pending:
        refs = []
        for v in node.inputs or ():
            t = type(v)
            if t is Lazy:
                if v.value is None:
                    refs.append(index[v])
                    continue
                v = v.value
                t = type(v)
            if t in _SCALAR_TYPES:
                v = _scalar(t, v)
                t = type(v)
            j = leaf_index.get(id(v))
            if j is None:
                j = leaf_index[id(v)] = len(leaves)
                leaves.append(v)
                leaf_sig.append(aval(v))
            refs.append(~j)
        sig.append((node.key, tuple(refs)))
    return (tuple(sig), tuple(leaf_sig)), leaves, pending, index


@functools.lru_cache(maxsize=_r.CACHE_SIZE)
def _scalar_array(kind: type, text: str, value) -> jax.Array:
    return jax.numpy.asarray(value)


def _scalar(kind: type, value) -> jax.Array:
    """A Python scalar as the array ``jax.jit`` makes of it (weakly typed),
    shared, so a compiled call does not convert it again every step."""
    # repr tells -0.0 from 0.0 (equal as keys); the type tells 1 from True.
    return _scalar_array(kind, repr(value), value)


def run_program(sig: tuple, leaves) -> list:
    """The values of a program's pending ops (traceable: the compiled body)."""
    vals: list = []
    for (op, options), refs in sig:
        args = [vals[r] if r >= 0 else leaves[~r] for r in refs]
        vals.append(op.forward(*args, **dict(options)))
    return vals


def fill(pending: list, values) -> None:
    """Store computed values; each filled value forgets its inputs."""
    for lazy, value in zip(pending, values, strict=True):
        lazy.value = value
        lazy.inputs = None


# --------------------------------------------------------------------------------------
# Materialising.

_seen = _r.cache("programs seen", collections.OrderedDict())
_programs = _r.cache("programs", collections.OrderedDict(), "compiled")
_r.cache("scalars", _scalar_array, "compiled")


def materialise(value):
    """The concrete value of ``value`` (computed, with its pending inputs, now)."""
    if type(value) is not Lazy:
        return value
    if value.value is None:
        compute([value])
    return value.value


def concrete(values: tuple) -> tuple:
    """``values`` with every :class:`Lazy` replaced by its computed value."""
    if not any(type(v) is Lazy for v in values):
        return values
    pending = [v for v in values if type(v) is Lazy and v.value is None]
    if pending:
        compute(pending)
    return tuple(v.value if type(v) is Lazy else v for v in values)


def compute(roots: list) -> None:
    """Compute the pending values below ``roots``: one compiled call for a program
    seen before, each op's own forward for a new one."""
    sig, leaves, pending = program(roots)
    if not pending:
        return
    try:
        hash(sig)
    except TypeError:  # pragma: no cover - avals are hashable
        sig = None
    if sig is None or not _r.second_sighting(_seen, sig):
        run_eagerly(pending)
        return
    fn = _programs.get(sig)
    if fn is None:
        fn = _programs[sig] = jax.jit(functools.partial(run_program, sig[0]))
        while len(_programs) > _r.CACHE_SIZE:
            _programs.popitem(last=False)
    fill(pending, fn(tuple(leaves)))


def run_eagerly(pending: list) -> None:
    """Compute ``pending`` (inputs first) one op at a time, as ``dispatch`` would."""
    for lazy in pending:
        inputs = lazy.inputs
        if inputs is None:  # computed meanwhile (by another thread)
            continue
        args = tuple(materialise(v) for v in inputs)
        out = forward(lazy.op, args, lazy.options)
        lazy.value, lazy.inputs = out, None
