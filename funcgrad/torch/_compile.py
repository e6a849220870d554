"""``torch.compile``: a whole torch-style call as one ``jax.jit`` program.

A compiled function may read and write facade state it was not given: module
parameters and buffers, ``.grad`` buffers, optimizer state and learning rates,
tensors of the enclosing scope. Each call first *finds* that state: it walks what
the function can reach (its arguments, closure cells, the globals its code names,
``self`` of a bound method, and modules, optimizers and containers inside them).
The found state, with the grad mode, every module's ``training`` flag, shapes,
dtypes, ``requires_grad`` and the Python scalars read, makes the *guard key*. A
new key traces the function once with the state's arrays swapped for tracers
(the facade runs on tracers: ``backward``, ``no_grad``, in-place updates), and
records which state changed; the jitted program takes the state in and gives the
changed state out, and every call writes the results back, so the call looks
exactly like an eager one (values, ``.grad``, optimizer state, ``_version``).
The very first call runs eagerly: ``.grad`` buffers and optimizer state appear
in it, so the state the program is traced with is the steady one.

What cannot be traced is a *graph break*: ``.item()``, ``.tolist()``,
``.numpy()``, printing a tensor, control flow on a tensor's value, random draws,
hooks, anomaly mode, a new tensor stored outside the function, a Python variable
changed. The call then runs eagerly (``fullgraph=True`` raises instead, naming
the reason and the user's line); :func:`explain` lists the breaks.

>>> import funcgrad.torch as torch
>>> w = torch.ones(3, requires_grad=True)
>>> @torch.compile
... def step(x):
...     loss = (w * x).sum()
...     loss.backward()
...     with torch.no_grad():
...         w.sub_(0.5 * w.grad)
...     w.grad = None
...     return loss
>>> x = torch.tensor([1.0, 2.0, 3.0])
>>> step(x), step.compile_count  # the first call runs eagerly
(tensor(6., grad_fn=<SumBackward0>), 0)
>>> step(x), step.compile_count  # then one program per guard key
(tensor(-1., grad_fn=<CompiledFunctionBackward>), 1)
>>> w
tensor([ 0., -1., -2.], requires_grad=True)
"""

from __future__ import annotations

import contextlib
import functools
import linecache
import operator
import os
import threading
import traceback
import types
import warnings
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
from jax.extend.core import ClosedJaxpr, Literal, jaxpr_as_fun

from ..autograd import anomaly as _anomaly
from ..autograd.grad_mode import is_grad_enabled
from ..autograd.ops import OpDef
from ..autograd.tensor import Tensor
from . import _access, _guards, _random
from .nn import _pytree
from .nn import modules as _modules
from .nn.modules import Module
from .optim.optimizer import Optimizer

RECOMPILE_LIMIT = 8  # torch._dynamo.config.recompile_limit's default
_MODES = ("default", "reduce-overhead", "max-autotune", "max-autotune-no-cudagraphs")
_BACKENDS = ("inductor", "eager", "aot_eager", "cudagraphs", "openxla", "jax")
_PACKAGE_DIRS = tuple(
    os.path.dirname(m.__file__) + os.sep for m in (jax, jax.numpy, _access)
) + (os.path.dirname(os.path.dirname(_access.__file__)) + os.sep,)
_TRACE_ERRORS = (
    jax.errors.ConcretizationTypeError,
    jax.errors.TracerArrayConversionError,
    jax.errors.TracerBoolConversionError,
    jax.errors.TracerIntegerConversionError,
)
_state = threading.local()


class GraphBreak(RuntimeError):
    """Why a call could not become one program, and the user's line."""

    def __init__(self, reason: str, where: str = "") -> None:
        self.reason, self.where = reason, where
        super().__init__(f"{reason}\n  {where}" if where else reason)


class _Abort(Exception):
    """Raised inside a trace: stop tracing, run the call eagerly."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def is_compiling() -> bool:
    """Whether a compiled function is being traced now.

    >>> is_compiling()
    False
    """
    return getattr(_state, "tracing", False)


# --- finding the state ----------------------------------------------------------
_SCALARS = (int, float, bool, str, type(None))
_SKIP = (types.ModuleType, type, types.BuiltinFunctionType, jax.Array)


class _Found(NamedTuple):
    """What a call can reach: tensors (each once, the arguments' first),
    optimizers, the guard key (everything whose change needs a new program), the
    Python scalars read, and what a guard needs to skip the next walk: the reads
    outside the arguments, how many tensors and key items the arguments gave,
    the ids seen outside the arguments and whether they alias an argument."""

    tensors: list
    optimizers: list
    key: tuple
    scalars: list
    containers: list
    reads: list
    arg_tensors: int = 0
    arg_key: int = 0
    outside_ids: frozenset | None = None
    arg_alias: bool = False
    opt_keys: list = []
    epoch: int = 0


_SCALAR, _TENSOR, _MODULE, _OPTIMIZER, _SEQ, _DICT, _FUNC, _METHOD, _OBJ, _SKIPPED = (
    range(10)
)
_KINDS: dict[type, int] = {}


def _kind(tp: type) -> int:
    """How the walk treats objects of type ``tp`` (decided once per type)."""
    kind = _KINDS.get(tp)
    if kind is None:
        kind = _KINDS[tp] = _classify(tp)
    return kind


def _classify(tp: type) -> int:
    checks = (
        (_SCALARS, _SCALAR),
        (Tensor, _TENSOR),
        (Module, _MODULE),
        (Optimizer, _OPTIMIZER),
        (list | tuple, _SEQ),
        (dict, _DICT),
        (types.FunctionType, _FUNC),
        (types.MethodType, _METHOD),
        (_SKIP, _SKIPPED),
    )
    for types_, kind in checks:
        if issubclass(tp, types_):
            return kind
    module = (getattr(tp, "__module__", "") or "").split(".")[0]
    if module in ("jax", "jaxlib", "numpy", "funcgrad", "builtins", "functools"):
        return _SKIPPED
    return _OBJ


class _Walker:
    def __init__(self) -> None:
        self.seen: dict[int, int] = {}  # id -> order of first sighting
        self.anonymous = False  # walking the arguments: identity is not guarded
        self.recording = False  # noting reads for the guard (not in modules)
        self.tensors: list = []
        self.optimizers: list = []
        self.key: list = []
        self.scalars: list = []
        self.containers: list = []
        self.order: list[int] = []  # ids in the order first seen
        self.reads: list = []  # (how, holder, key, expected): see _guards
        self.args_seen = 0  # how many ids the arguments gave
        self.arg_alias = False
        self.opt_keys: list = []

    def code(self, fn: Callable, depth: int = 0) -> None:
        """The state a function names: closure cells, globals, nested code."""
        fn = getattr(fn, "__func__", fn)
        code = getattr(fn, "__code__", None)
        if code is None or id(code) in self.seen or depth > 3:
            return
        self.seen[id(code)] = len(self.seen)
        for cell in fn.__closure__ or ():
            try:
                item = cell.cell_contents
            except ValueError:  # an empty cell
                self.key.append("empty cell")
                self.read(_guards.EMPTY, cell, None, None)
                continue
            self.value(item, depth, (_guards.CELL, cell, None))
        g = fn.__globals__
        for name in _names(code):
            item = g.get(name, _ABSENT)
            if item is _ABSENT:
                self.read(_guards.GET, g, name, _guards.ABSENT)
            else:
                self.value(item, depth, (_guards.GET, g, name))

    def read(self, how: int, holder: Any, key: Any, expected: Any) -> None:
        if self.recording:
            self.reads.append((how, holder, key, expected))

    def value(self, obj: Any, depth: int, via: tuple | None = None) -> None:
        """Walk ``obj``, read through ``via`` (``(how, holder, key)``)."""
        if via is not None:
            self.read(*via, obj)
        kind = _kind(type(obj))
        if kind == _SCALAR:
            self.key.append(obj)
            self.scalars.append(obj)
            return
        if kind == _SKIPPED or depth > 4:
            return
        i = self.seen.get(id(obj))
        if i is not None:
            self.arg_alias |= not self.anonymous and i < self.args_seen
            self.key.append(("alias", i if self.anonymous else id(obj)))
            return
        if kind == _MODULE and not self.anonymous:
            self.module(obj)
            return
        self.seen[id(obj)] = len(self.seen)
        self.order.append(id(obj))
        if kind == _TENSOR:
            self.tensor(obj)
        elif kind == _MODULE:
            self.key.append((id(obj), obj.training))
            self.items(vars(obj), 0)
        elif kind == _OPTIMIZER:
            self.optimizer(obj, depth)
        elif kind == _SEQ:
            self.sequence(obj, depth)
        elif kind == _DICT:
            self.containers.append(obj)
            self.items(obj, depth)
        elif kind == _FUNC:
            if not _is_library(obj.__code__.co_filename):
                self.code(obj, depth + 1)
        elif kind == _METHOD:
            self.value(obj.__self__, depth + 1)
            self.code(obj.__func__, depth + 1)
        elif hasattr(obj, "__dict__"):
            self.items(vars(obj), depth)

    def sequence(self, obj: list | tuple, depth: int) -> None:
        mutable = type(obj) is not tuple
        if mutable:
            self.read(_guards.LEN, obj, None, len(obj))
            if type(obj) is list:
                self.containers.append(obj)
        self.key.append(len(obj))
        for i, item in enumerate(obj[:256]):
            self.value(item, depth + 1, (_guards.ITEM, obj, i) if mutable else None)

    def items(self, d: dict, depth: int) -> None:
        self.key.append(tuple(d))
        self.read(_guards.KEYS, d, None, tuple(d))
        if len(d) <= 256:
            for k, item in d.items():
                self.value(item, depth + 1, (_guards.GET, d, k))

    def tensor(self, t: Tensor) -> None:
        self.tensors.append(t)
        self.key.append(None if self.anonymous else id(t))

    def module(self, m: Module) -> None:
        """A module's part of the walk, reused until a module changes (the
        tensors' shapes, dtypes and grads are read afresh on every call). Its
        attributes and registries are guarded by the module epoch; what lies
        deeper (a list or an object in an attribute) is read and guarded, and
        such a module's part is walked afresh every time."""
        cached = _MODULES.get(m)
        if (
            cached is not None
            and cached.epoch == _pytree.epoch
            and self.seen.keys().isdisjoint(cached.ids)
        ):
            for i in cached.ids:
                self.seen[i] = len(self.seen)
            self.order.extend(cached.ids)
            self.key.append(cached.key)
            self.tensors.extend(cached.tensors)
            self.scalars.extend(cached.scalars)
            self.containers.extend(cached.containers)
            return
        starts = [len(x) for x in self._parts()]
        reads = len(self.reads)
        self.seen[id(m)] = len(self.seen)
        self.order.append(id(m))
        self.key.append((id(m), m.training))
        self._module_items(vars(m))
        order, key, tensors, scalars, containers = (
            x[n:] for x, n in zip(self._parts(), starts, strict=True)
        )
        del self.key[starts[1] :]
        self.key.append(tuple(key))
        if len(self.reads) == reads:
            _MODULES[m] = _Part(
                _pytree.epoch, order, tuple(key), tensors, scalars, containers
            )

    def _module_items(self, d: dict) -> None:
        self.key.append(tuple(d))
        for name, item in d.items():
            if name not in _pytree._REGISTRIES or type(item) is not OrderedDict:
                self.value(item, 1)
                continue
            self.seen[id(item)] = len(self.seen)
            self.order.append(id(item))
            self.containers.append(item)
            self.key.append(tuple(item))
            for sub in item.values():
                self.value(sub, 2)

    def _parts(self) -> tuple:
        return self.order, self.key, self.tensors, self.scalars, self.containers

    def optimizer(self, opt: Optimizer, depth: int) -> None:
        self.optimizers.append(opt)
        key = (id(opt), opt._compile_key())
        self.opt_keys.append(key[1])
        self.key.append(key)
        groups = opt.param_groups
        self.read(_guards.LEN, groups, None, len(groups))
        for i, group in enumerate(groups):
            self.read(_guards.ITEM, groups, i, group)
            self.read(_guards.KEYS, group, None, tuple(group))
            for k, v in group.items():
                if k != "lr":  # an input of the program, not a guard
                    self.read(_guards.GET, group, k, v)
            params = group["params"]
            self.read(_guards.LEN, params, None, len(params))
            for j, p in enumerate(params):
                self.value(p, depth + 1, (_guards.ITEM, params, j))


_ABSENT = _guards.ABSENT


class _Part(NamedTuple):
    """A module's part of a walk, valid while ``_pytree.epoch`` is ``epoch``."""

    epoch: int
    ids: list
    key: tuple
    tensors: list
    scalars: list
    containers: list


_MODULES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _signature(t: Tensor) -> tuple:
    """What of a tensor decides the program: shape, dtype, grad state."""
    g = _access.grad_of(t)
    return (
        _access.aval(t),
        t.requires_grad,
        t.grad_fn is None,
        None if g is None else _access.aval(g),
    )


@functools.cache
def _names(code: types.CodeType) -> tuple[str, ...]:
    out = list(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            out.extend(_names(const))
    return tuple(dict.fromkeys(out))


def _is_library(filename: str) -> bool:
    return filename.startswith(_PACKAGE_DIRS) or "site-packages" in filename


def _walk_arguments(args: tuple, kwargs: dict) -> _Walker:
    w = _Walker()
    w.key.append((is_grad_enabled(), _anomaly.enabled))
    w.anonymous = True
    w.value(args, -1)
    w.value(kwargs, -1)
    w.anonymous = False
    return w


def find_state(fn: Callable, args: tuple, kwargs: dict) -> _Found:
    """Walk what ``fn(*args, **kwargs)`` can reach."""
    epoch = _pytree.epoch
    w = _walk_arguments(args, kwargs)
    arg_tensors, arg_key, w.args_seen = len(w.tensors), len(w.key), len(w.seen)
    w.recording = True
    if isinstance(fn, Module):
        w.value(fn, 0)
        w.code(type(fn).forward)
    elif isinstance(fn, types.MethodType):
        w.value(fn.__self__, 0)
        w.code(fn.__func__)
    else:
        w.value(fn, -1)
        w.code(fn)  # the compiled function itself, wherever it is defined
    key = (tuple(w.key), tuple([_signature(t) for t in w.tensors]))
    outside = frozenset(list(w.seen)[w.args_seen :]) if w.args_seen > 2 else None
    return _Found(
        w.tensors, w.optimizers, key, w.scalars, w.containers, w.reads,
        arg_tensors, arg_key, outside, w.arg_alias, w.opt_keys, epoch,
    )  # fmt: skip


# --- graph breaks -----------------------------------------------------------------
def _user_line(frames: list) -> str:
    """The innermost frame of the user's code, as ``file:line in fn`` + text."""
    for f in reversed(frames):
        if not _is_library(f.filename) and not f.filename.startswith("<frozen"):
            text = (f.line or linecache.getline(f.filename, f.lineno)).strip()
            return f"{f.filename}:{f.lineno} in {f.name}\n    {text}"
    return ""


def _breaking(name: str, reason: str, traced_only: bool = True) -> Callable:
    original = getattr(Tensor, name)

    @functools.wraps(original)
    def method(self, *args, **kwargs):
        if is_compiling() and (
            not traced_only or _access.is_tracer(_access.value(self))
        ):
            raise _Abort(reason)
        return original(self, *args, **kwargs)

    return original, method


_BREAKS = {
    "item": "Tensor.item() reads a value the program has not computed yet",
    "tolist": "Tensor.tolist() reads values the program has not computed yet",
    "numpy": "Tensor.numpy() reads values the program has not computed yet",
    "__bool__": "data-dependent control flow (bool() of a tensor)",
    "__float__": "float() of a tensor reads its value",
    "__int__": "int() of a tensor reads its value",
    "__index__": "a tensor used as a Python index",
    "__repr__": "printing a tensor (its repr) needs its value",
    "__format__": "formatting a tensor needs its value",
}
_ALWAYS = {
    "register_hook": "Tensor.register_hook (hooks run eagerly)",
    "retain_grad": "Tensor.retain_grad (runs eagerly)",
}


def _random_break() -> None:
    if is_compiling():
        raise _Abort("a random draw (the facade draws on the host)")


_WRITES = ("_inplace", "fill_", "copy_", "_accumulate", "detach_", "requires_grad_")
_WRITE_PROPERTIES = ("data", "grad")
_UNSEEN_WRITE = (
    "the function writes a tensor the compile could not find (reach it through "
    "an argument, a closure, a global, a module or an optimizer)"
)


def _check_write(t: Tensor) -> None:
    known = getattr(_state, "known", None)
    if known is not None and id(t) not in known:
        raise _Abort(_UNSEEN_WRITE)


def _guarded_write(name: str) -> tuple:
    original = getattr(Tensor, name)

    @functools.wraps(original)
    def method(self, *args, **kwargs):
        _check_write(self)
        return original(self, *args, **kwargs)

    return original, method


def _guarded_setter(name: str) -> tuple:
    original = Tensor.__dict__[name]

    def setter(self, value):
        _check_write(self)
        original.fset(self, value)

    return original, property(original.fget, setter, original.fdel, original.__doc__)


def _born() -> tuple:
    """Tensors made during the trace may be written freely."""
    original = Tensor._init

    def init(self, *args, **kwargs):
        known = getattr(_state, "known", None)
        if known is not None:
            known.add(id(self))
        return original(self, *args, **kwargs)

    return original, init


@contextlib.contextmanager
def _tracing(found: _Found | None = None) -> Iterator[None]:
    """Inside: the facade raises :class:`_Abort` where a trace must stop."""
    patched = [(n, *_breaking(n, r)) for n, r in _BREAKS.items()]
    patched += [(n, *_breaking(n, r, False)) for n, r in _ALWAYS.items()]
    if found is not None:
        _state.known = {id(t) for t in found.tensors}
        _state.known.update(id(_access.grad_of(t)) for t in found.tensors)
        patched += [(n, *_guarded_write(n)) for n in _WRITES]
        patched += [(n, *_guarded_setter(n)) for n in _WRITE_PROPERTIES]
        patched.append(("_init", *_born()))
    for name, _, method in patched:
        setattr(Tensor, name, method)
    _random.add_sample_hook(_random_break)
    _state.tracing = True
    try:
        with _access.fast_path_off():
            yield
    finally:
        _state.tracing = False
        _state.known = None
        _random.remove_sample_hook(_random_break)
        for name, original, _ in patched:
            setattr(Tensor, name, original)


def _break_from(exc: BaseException) -> GraphBreak:
    frames = traceback.extract_tb(exc.__traceback__)
    if isinstance(exc, _Abort):
        return GraphBreak(exc.reason, _user_line(frames))
    if isinstance(exc, _TRACE_ERRORS):
        reason = "a tensor's value is needed while tracing: " + str(exc).split("\n")[0]
        return GraphBreak(reason, _user_line(frames))
    return GraphBreak(
        f"an operation that cannot be traced: {type(exc).__name__}: {exc}",
        _user_line(frames),
    )


# --- tracing one program ----------------------------------------------------------
class _Plan:
    """What one trace found changed, to write the results back. The program
    takes one flat list (the tensors' arrays, their grads', each optimizer's
    state and learning rates) and gives one flat list (changed arrays, grads,
    optimizer states, then the outputs' arrays from ``out_start`` on)."""

    def __init__(self) -> None:
        self.changed: list[int] = []  # tensors whose array changed
        self.versions: list[tuple[int, int]] = []  # (tensor index, writes)
        self.flags: list[tuple[int, bool]] = []  # (tensor index, requires_grad)
        self.grads: list[tuple[int, str, Any]] = []  # (index, how, dtype)
        self.optimizers: list[Any] = []  # per optimizer: its write-back plan
        self.opt_leaves: list[int] = []  # per optimizer: its state's leaf count
        self.out_start = 0
        self.opt_start = 0  # where the optimizers' states begin in the output
        self.writer: Callable | bool | None = None  # see _writer
        self.out_tree = None
        self.out_kinds: list[tuple] = []


def _inputs(found: _Found) -> tuple[list, list]:
    """The program's flat input and its layout (per optimizer: its state's
    leaf count and trees, and its number of learning rates)."""
    flat = [_access.value(t) for t in found.tensors]
    for t in found.tensors:
        g = _access.grad_of(t)
        if g is not None:
            flat.append(_access.value(g))
    layout = []
    for opt in found.optimizers:
        leaves, trees = opt._compile_inputs()
        lrs = opt._compile_lrs()
        flat += leaves
        flat += lrs
        layout.append((len(leaves), trees, len(lrs)))
    return flat, layout


def _swap_in(found: _Found, flat: tuple, layout: list) -> tuple[list, list]:
    """Put the program's inputs into the found state; returns the grads as
    they were and the tensors' arrays."""
    tensors = found.tensors
    n = len(tensors)
    grads0 = [_access.grad_of(t) for t in tensors]
    for t, v in zip(tensors, flat[:n], strict=True):
        _access.set_value(t, v)
    at = n
    for g in grads0:
        if g is not None:
            _access.set_value(g, flat[at])
            at += 1
    for opt, (leaves, trees, lrs) in zip(found.optimizers, layout, strict=True):
        states, at = flat[at : at + leaves], at + leaves
        opt._compile_swap_in(states, trees, flat[at : at + lrs])
        at += lrs
    return grads0, list(flat[:n])


def _body(fn, args, kwargs, found: _Found, plan: _Plan, layout: list) -> Callable:
    """The pure function of the state that one call of ``fn`` is."""
    tensors = found.tensors

    def program(*flat):
        if not is_compiling():  # jax.jit traced again outside a guarded trace
            raise _Abort("the program was traced again unexpectedly")
        grads0, tv = _swap_in(found, flat, layout)  # counts no writes
        gversions0 = [None if g is None else _access.version(g) for g in grads0]
        versions0 = [_access.version(t) for t in tensors]
        flags0 = [(t.requires_grad, t.grad_fn) for t in tensors]
        out = fn(*args, **kwargs)
        _check_escapes(fn, args, kwargs, found)
        new = _collect_tensors(plan, tensors, tv, versions0, flags0)
        new += _collect_grads(plan, tensors, grads0, gversions0)
        plan.opt_start = len(new)
        for opt in found.optimizers:
            leaves, how = opt._compile_outputs()
            new += leaves
            plan.optimizers.append(how)
            plan.opt_leaves.append(len(leaves))
        plan.out_start = len(new)
        return new + _collect_out(plan, out, tensors)

    return program


def _collect_tensors(plan, tensors, tv, versions0, flags0) -> list:
    new_tv = []
    for i, t in enumerate(tensors):
        if t.grad_fn is not flags0[i][1]:
            raise _Abort(
                "an in-place op recorded a graph on a tensor from outside the "
                "compiled function"
            )
        v = _access.value(t)
        if v is not tv[i]:
            plan.changed.append(i)
            new_tv.append(v)
        n = _access.version(t) - versions0[i]
        if n:
            plan.versions.append((i, n))
        if t.requires_grad != flags0[i][0]:
            plan.flags.append((i, t.requires_grad))
    return new_tv


def _collect_grads(plan, tensors, grads0, gversions0) -> list:
    new_gv = []
    for i, t in enumerate(tensors):
        g = _access.grad_of(t)
        if g is None:
            if grads0[i] is not None:
                plan.grads.append((i, "none", None))
            continue
        if g.grad_fn is not None:
            raise _Abort(".grad with a graph (create_graph=True) stays eager")
        if g is grads0[i]:  # written in place: its writes are counted too
            how = ("same", _access.version(g) - gversions0[i])
        else:
            how = ("new", _access.version(g))
        plan.grads.append((i, how, _access.dtype_of(g)))
        new_gv.append(_access.value(g))
    return new_gv


def _collect_out(plan, out, tensors) -> list:
    leaves, plan.out_tree = jax.tree_util.tree_flatten(
        out, is_leaf=lambda x: isinstance(x, Tensor)
    )
    index = {id(t): i for i, t in enumerate(tensors)}
    arrays = []
    for leaf in leaves:
        if isinstance(leaf, Tensor):
            if id(leaf) in index:
                plan.out_kinds.append(("state", index[id(leaf)]))
                continue
            if leaf.grad_fn is not None and is_grad_enabled():
                plan.out_kinds.append(("diff", _access.dtype_of(leaf), len(arrays)))
            else:
                plan.out_kinds.append(("tensor", _access.dtype_of(leaf)))
            arrays.append(_access.value(leaf))
        elif isinstance(leaf, jax.Array):
            plan.out_kinds.append(("array",))
            arrays.append(leaf)
        else:
            plan.out_kinds.append(("const", leaf))
    return arrays


def _check_escapes(fn, args, kwargs, found: _Found) -> None:
    """Stop when the call stored a new tensor outside or changed a Python value."""
    after = find_state(fn, args, kwargs)
    known = {id(t) for t in found.tensors}
    for t in after.tensors:
        if id(t) not in known and _access.is_tracer(_access.value(t)):
            raise _Abort("a tensor made inside is stored outside the function")
    if after.scalars != found.scalars:
        raise _Abort("the function changes a Python variable outside it")


# --- calling ----------------------------------------------------------------------
class _Entry(NamedTuple):
    program: Any  # the compiled program, or None: this key runs eagerly
    plan: _Plan | None
    graph_break: GraphBreak | None
    grad_op: Callable | None = None  # output index -> OpDef differentiating it
    kept: Any = None  # the program's jaxpr without the outputs in ``places``
    places: list = []  # (output position, array): outputs computed once


def _grad_ops(fn, args, kwargs, found: _Found, layout: list) -> Callable:
    """The op behind a returned tensor that needs grad: output ``k`` of the
    program as a function of the state's arrays (``CompiledFunctionBackward``);
    its VJP traces the call again, with the state as it was at the trace."""

    @functools.cache
    def op_for(k: int) -> OpDef:
        def forward(*flat):
            plan = _Plan()
            with _restored(found), _tracing(found):
                out = _body(fn, args, kwargs, found, plan, layout)(*flat)
            return out[plan.out_start + k]

        return OpDef("compiled_function", forward, "CompiledFunctionBackward")

    return op_for


@contextlib.contextmanager
def _restored(found: _Found) -> Iterator[None]:
    """Whatever happens inside, the found state is as before afterwards."""
    tensors = [(t, _access.snapshot(t)) for t in found.tensors]
    optimizers = [(o, o._compile_snapshot()) for o in found.optimizers]
    containers = [(c, c.copy()) for c in found.containers]
    try:
        yield
    finally:
        for c, saved in containers:
            if isinstance(c, list):
                c[:] = saved
            else:
                c.clear()
                c.update(saved)
        for t, snap in tensors:
            _access.restore(t, snap)
        for o, snap in optimizers:
            o._compile_restore(snap)


def _trace(fn, args, kwargs, found: _Found) -> tuple[_Entry, Any]:
    """Trace, compile and run one program (the results are not written back
    yet), or say why not."""
    if _anomaly.enabled:
        return _Entry(None, None, GraphBreak("anomaly mode is on")), None
    for t in found.tensors:
        hooks = _access.has_hooks(t)
        if hooks or (t.grad_fn is not None and t.requires_grad):
            reason = "a tensor with hooks" if hooks else "an input with a graph"
            return _Entry(None, None, GraphBreak(reason + " (runs eagerly)")), None
    plan = _Plan()
    inputs, layout = _inputs(found)
    program = jax.jit(_body(fn, args, kwargs, found, plan, layout))
    try:
        with _restored(found), _tracing(found):
            traced = program.trace(*inputs)
            results = program(*inputs)
        program, kept, places = _without_constants(program, traced.jaxpr, results)
    except Exception as exc:  # noqa: BLE001 - every failure to trace is a break
        return _Entry(None, None, _break_from(exc)), None
    grad_op = None
    if any(kind[0] == "diff" for kind in plan.out_kinds):
        grad_op = _grad_ops(fn, args, kwargs, found, layout)
    entry = _Entry(program, plan, None, grad_op, kept, places)
    return entry, (inputs, results)


def _without_constants(program, closed, results: list) -> tuple[Callable, Any, list]:
    """Where some outputs depend on no input (a ``.grad`` zeroed at the end of
    a step), their arrays of the first run are kept and given by every later
    call (an immutable array is safely shared), so that the arrays stay the
    same from call to call and :func:`_baked` can make a program without them
    (each output costs call time). Returns the program giving them, the jaxpr
    of the other outputs and the kept arrays' places."""
    jaxpr = closed.jaxpr
    if any(getattr(v.aval, "dtype", None) in _WIDE for v in jaxpr.invars):
        return program, None, []
    constant = _constant_outputs(jaxpr)
    outvars = [v for i, v in enumerate(jaxpr.outvars) if i not in constant]
    kept = closed.replace(jaxpr=jaxpr.replace(outvars=outvars))
    places = [(i, results[i]) for i in constant]
    if not places:
        return program, kept, places

    def run(*flat):
        out = list(program(*flat))
        for i, array in places:
            out[i] = array
        return out

    return run, kept, places


def _placing(main: Callable, places: list) -> Callable:
    if not places:
        return main

    def run(*flat):
        out = list(main(*flat))
        for i, array in places:
            out.insert(i, array)
        return out

    return run


def _baked(entry: _Entry, before: Any, now: Any) -> tuple | None:
    """A program for calls whose small inputs are, array for array, those of
    the last two calls (data, a zeroed ``.grad``, a learning rate): they become
    constants of the program, and the call passes the others only. Returns
    ``(take, arrays, keep, program)``: ``take(flat)`` must be ``arrays`` (by
    identity) for ``program(*keep(flat))`` to be the call."""
    if entry.kept is None:
        return None
    same = [
        i
        for i, (a, b) in enumerate(zip(before, now, strict=True))
        if a is b and isinstance(a, jax.Array) and a.size <= _BAKED_SIZE
    ]
    if not same and not entry.places:
        return None
    jaxpr, consts = entry.kept.jaxpr, list(entry.kept.consts)
    others = [i for i in range(len(now)) if i not in same]
    baked = jaxpr.replace(
        invars=[jaxpr.invars[i] for i in others],
        constvars=[*jaxpr.constvars, *(jaxpr.invars[i] for i in same)],
    )
    arrays = [now[i] for i in same]
    fun = jaxpr_as_fun(ClosedJaxpr(baked, consts + arrays))
    program = _placing(jax.jit(_once(fun)), entry.places)
    return _getter(same), arrays, _getter(others), program


_BAKED_SIZE = 1 << 16  # elements: a bigger array stays an argument


def _getter(positions: list[int]) -> Callable:
    if not positions:
        return lambda flat: ()
    if len(positions) == 1:
        i = positions[0]
        return lambda flat: (flat[i],)
    return operator.itemgetter(*positions)


_WIDE = tuple(jnp.dtype(d) for d in ("float64", "int64", "uint64", "complex128"))


def _constant_outputs(jaxpr) -> list[int]:
    """The positions of the outputs computed from no input and no effect."""
    dynamic = set(map(id, jaxpr.invars))
    for eqn in jaxpr.eqns:
        if eqn.effects or any(id(v) in dynamic for v in eqn.invars):
            dynamic.update(map(id, eqn.outvars))
    return [
        i
        for i, v in enumerate(jaxpr.outvars)
        if not isinstance(v, Literal) and id(v) not in dynamic
    ]


def _once(fun: Callable) -> Callable:
    """``fun``, for ``jax.jit`` to trace once only (a second trace is a break)."""
    traced = []

    def traced_once(*flat):
        if traced:
            raise _Abort("the program was traced again unexpectedly")
        traced.append(True)
        return fun(*flat)

    return traced_once


def _write_back(
    tensors, optimizers, entry: _Entry, inputs, out, edges: tuple | None = None
) -> tuple[Any, list]:
    """Put the program's results into the state, as the call would have left
    it; returns the call's result and each optimizer's state entries."""
    plan = entry.plan
    if plan.writer is None:
        plan.writer = _writer(plan)
    if plan.writer:
        plan.writer(tensors, out)
    else:
        _write_tensors(tensors, plan, out)
    at = plan.opt_start
    entries = []
    for opt, how, n in zip(optimizers, plan.optimizers, plan.opt_leaves, strict=True):
        entries.append(opt._compile_write_back(how, out[at : at + n]))
        at += n
    return _outputs(tensors, entry, inputs, out, edges), entries


def _writer(plan: _Plan) -> Callable | bool:
    """The plan's tensor writes as one generated function (``False``: written
    one by one, where a ``requires_grad`` changes or the plan is very long)."""
    if plan.flags or len(plan.changed) + len(plan.grads) > 1024:
        return False
    return _access.writer(plan.changed, plan.versions, plan.grads)


def _write_tensors(tensors: list, plan: _Plan, out) -> None:
    at = 0
    for i in plan.changed:
        _access.set_value(tensors[i], out[at])
        at += 1
    for i, n in plan.versions:
        _access.bump_version(tensors[i], n)
    for i, flag in plan.flags:
        tensors[i].requires_grad_(flag)
    for i, how, dtype in plan.grads:
        if how == "none":
            _access.set_grad(tensors[i], None)
            continue
        at += 1
        if how[0] == "same":
            g = _access.grad_of(tensors[i])
            _access.set_value(g, out[at - 1])
        else:
            g = _access.wrap(out[at - 1], dtype)
            _access.set_grad(tensors[i], g)
        _access.bump_version(g, how[1])


def _outputs(tensors, entry: _Entry, inputs, out, edges: tuple | None) -> Any:
    plan = entry.plan
    at = plan.out_start
    leaves = []
    for kind in plan.out_kinds:
        if kind[0] == "state":
            leaves.append(tensors[kind[1]])
            continue
        if kind[0] == "const":
            leaves.append(kind[1])
            continue
        v, at = out[at], at + 1
        if kind[0] == "tensor":
            leaves.append(_access.wrap(v, kind[1]))
        elif kind[0] == "diff":
            op = entry.grad_op(kind[2])
            saved = tuple(inputs)
            leaves.append(_access.recorded(v, kind[1], op, tensors, saved, edges))
        else:
            leaves.append(v)
    return jax.tree_util.tree_unflatten(plan.out_tree, leaves)


# --- replaying the last call ------------------------------------------------------
_MISS = object()


class _Replay:
    """The last call's found state and program, reused while nothing the walk
    read has changed: the guard (closure cells, globals, containers, Python
    scalars, optimizers' hyperparameters), the module epoch, the grad mode, and
    per tensor the very array, ``.grad``, ``requires_grad`` and ``grad_fn``
    the call left (a new array of the same shape and dtype is an input, as in
    an in-place update between calls). Recorded only where the call's state
    after it has the key it had before, so it stays valid call after call."""

    def __init__(self, found: _Found, entry: _Entry, guard, bare: bool) -> None:
        self.found, self.entry, self.guard = found, entry, guard
        self.mode, self.epoch = found.key[0][0], found.epoch
        n = found.arg_tensors
        self.bare = bare  # recorded without arguments: none to walk
        self.arg_key = list(found.key[0][: found.arg_key])
        self.arg_sigs = found.key[1][:n]
        self.own = found.tensors[n:]
        self.pids = [o._compile_ids() for o in found.optimizers]
        self.lrs: list = [(None, None)] * len(found.optimizers)
        self.baked: tuple | bool | None = None  # see _run
        self.before = None
        self.read, self.with_grad = _access.reader(self.own)
        self.n_inputs = len(self.own) + len(self.with_grad)
        self.edges = _access.edges(self.own)

    def settle(self, entries: list, out: list) -> None:
        """Note the state the call left (the next call's inputs)."""
        self.now = self.read()
        self.entries = entries
        at, self.states = self.entry.plan.opt_start, []
        for n in self.entry.plan.opt_leaves:
            self.states.append(out[at : at + n])
            at += n

    def call(self, args: tuple, kwargs: dict) -> Any:
        if (
            (is_grad_enabled(), _anomaly.enabled) != self.mode
            or _pytree.epoch != self.epoch
            or not self.guard()
        ):
            return _MISS
        if args or kwargs or not self.bare:
            arg_tensors = self._arguments(args, kwargs)
            if arg_tensors is None:
                return _MISS
        else:
            arg_tensors = []
        flat = self._inputs(arg_tensors)
        if flat is None:
            return _MISS
        try:
            out = self._run(flat)
        except _Abort:
            return _MISS
        tensors, edges = self.own, self.edges
        if arg_tensors:
            tensors = arg_tensors + tensors
            edges = _access.edges(arg_tensors) + edges
        optimizers = self.found.optimizers
        result, entries = _write_back(tensors, optimizers, self.entry, flat, out, edges)
        self.settle(entries, out)
        return result

    def _run(self, flat) -> Any:
        """The program on ``flat``: the baked one while its arrays are there;
        the second call compares its inputs with the first's to bake one."""
        baked = self.baked
        if baked:
            take, arrays, keep, program = baked
            if all(map(operator.is_, take(flat), arrays)):
                return program(*keep(flat))
            self.baked = False
        elif baked is None:
            if self.before is None:
                self.before = flat
            else:
                self.baked = _baked(self.entry, self.before, flat) or False
                self.before = None
        return self.entry.program(*flat)

    def _arguments(self, args: tuple, kwargs: dict) -> list | None:
        w = _walk_arguments(args, kwargs)
        if (
            w.key != self.arg_key
            or tuple([_signature(t) for t in w.tensors]) != self.arg_sigs
            or (self.found.outside_ids or frozenset()).intersection(w.seen)
        ):
            return None
        return w.tensors

    def _inputs(self, arg_tensors: list) -> list | None:
        try:
            now = self.read()
        except AttributeError:  # a .grad went away
            return None
        if not all(map(operator.is_, now, self.now)):
            now = self._replaced(now)
            if now is None:
                return None
        n = self.n_inputs
        if not arg_tensors:
            return self._optimizer_inputs(list(now[:n]))
        flat = [_access.value(t) for t in arg_tensors]
        flat += now[: len(self.own)]
        for t in arg_tensors:
            g = _access.grad_of(t)
            if g is not None:
                flat.append(_access.value(g))
        flat += now[len(self.own) : n]
        return self._optimizer_inputs(flat)

    def _replaced(self, now: tuple) -> tuple | None:
        """``now`` where only arrays were replaced, each by one of the same
        shape and dtype (an in-place update between calls), else ``None``."""
        n, before = self.n_inputs, self.now
        if not all(map(operator.is_, now[n:], before[n:])):
            return None
        holders = self.own + [now[n + i] for i in self.with_grad]
        arrays = _same_avals(holders, now[:n], before[:n])
        return None if arrays is None else (*arrays, *now[n:])

    def _optimizer_inputs(self, flat: list) -> list | None:
        optimizers = self.found.optimizers
        for k, (opt, pids) in enumerate(zip(optimizers, self.pids, strict=True)):
            if not all(map(operator.is_, opt._compile_entries(pids), self.entries[k])):
                return None
            flat += self.states[k]
            objs, arrays = self.lrs[k]
            now = opt._compile_lr_objects()
            if objs is None or not all(map(operator.is_, now, objs)):
                arrays = [jnp.asarray(a) for a in opt._compile_lrs()]
                self.lrs[k] = now, arrays
            flat += arrays
        return flat


def _same_avals(tensors: list, vals: list, before: list) -> list | None:
    """The tensors' arrays, where each new one has its predecessor's shape and
    dtype (else ``None``)."""
    out = []
    for t, v, old in zip(tensors, vals, before, strict=True):
        if v is not old:
            v = _access.value(t)
            if (
                _access.is_tracer(v)
                or v.shape != old.shape
                or v.dtype != old.dtype
                or getattr(v, "weak_type", False) != getattr(old, "weak_type", False)
            ):
                return None
        out.append(v)
    return out


def _replay(found: _Found, entry: _Entry, bare: bool, last: _Replay | None):
    """A replay of this call, if the state it left has the key it found."""
    if found.arg_alias or found.epoch != _pytree.epoch:
        return None
    if last is not None and _same_reads(last.found.reads, found.reads):
        guard = last.guard
    else:
        guard = _guards.compile_guard(found.reads)
    if guard is None or not guard():
        return None
    n = found.arg_tensors
    own = found.tensors[n:]
    if tuple([_signature(t) for t in own]) != found.key[1][n:]:
        return None
    keys = [o._compile_key() for o in found.optimizers]
    if keys != found.opt_keys:
        return None
    return _Replay(found, entry, guard, bare)


def _same_reads(a: list, b: list) -> bool:
    """Whether two walks read the same (then one guard serves both)."""
    if len(a) != len(b):
        return False
    try:
        for (how, holder, key, e), (how2, holder2, key2, e2) in zip(a, b, strict=True):
            if how != how2 or holder is not holder2 or not _same(key, key2):
                return False
            if not _same(e, e2):
                return False
    except Exception:  # noqa: BLE001 - a key without a truthful ==: not the same
        return False
    return True


def _same(a: Any, b: Any) -> bool:
    return a is b or (type(a) is type(b) and type(a) in _EQUAL and a == b)


_EQUAL = (int, float, str, tuple)


class CompiledFunction:
    """What :func:`compile` returns for a function: call it like the function."""

    def __init__(
        self, fn: Callable, fullgraph: bool, disable: bool, warmup: bool = True
    ) -> None:
        self._fn, self._fullgraph, self._disable = fn, fullgraph, disable
        # the first call runs eagerly (state appears), unless it must be one graph
        self._warmup = warmup and not fullgraph
        self._cache: dict[tuple, _Entry] = {}
        self._replay: _Replay | None = None  # the last call, while its guard holds
        self._last: _Replay | None = None  # the last replay made (its guard reused)
        self._warned = False
        self.breaks: list[GraphBreak] = []
        functools.update_wrapper(self, fn, updated=())
        _ALL.add(self)

    def __get__(self, obj, objtype=None):
        return self if obj is None else types.MethodType(self, obj)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._disable or is_compiling():
            return self._fn(*args, **kwargs)
        replay = self._replay
        if replay is not None:
            result = replay.call(args, kwargs)
            if result is not _MISS:
                return result
        self._replay = None
        found = find_state(self._fn, args, kwargs)
        entry = self._cache.get(found.key)
        if entry is None:
            if self._warmup:  # .grad buffers and optimizer state appear in it
                self._warmup = False
                return self._fn(*args, **kwargs)
            entry, ran = self._new_entry(args, kwargs, found)
            if ran is not None:
                return self._finish(found, entry, *ran, not args and not kwargs)
        if entry.program is None:
            return self._fn(*args, **kwargs)
        inputs, _ = _inputs(found)
        try:
            results = entry.program(*inputs)
        except _Abort as exc:
            self._cache[found.key] = _Entry(None, None, GraphBreak(exc.reason))
            return self._fn(*args, **kwargs)
        return self._finish(found, entry, inputs, results, not args and not kwargs)

    def _finish(self, found: _Found, entry: _Entry, inputs, out, bare: bool) -> Any:
        """Write the results back; keep a replay for the next call if it can."""
        tensors, optimizers = found.tensors, found.optimizers
        result, entries = _write_back(tensors, optimizers, entry, inputs, out)
        replay = _replay(found, entry, bare, self._last)
        if replay is not None:
            replay.settle(entries, out)
            self._replay = self._last = replay
        return result

    def _new_entry(self, args, kwargs, found: _Found) -> tuple[_Entry, Any]:
        compiled = sum(1 for e in self._cache.values() if e.program is not None)
        if compiled >= RECOMPILE_LIMIT:
            if not self._warned:
                self._warned = True
                warnings.warn(
                    f"torch.compile hit the recompile limit ({RECOMPILE_LIMIT}) for "
                    f"{getattr(self._fn, '__name__', self._fn)!r}: new guards run "
                    "eagerly from now on",
                    UserWarning,
                    stacklevel=3,
                )
            return _Entry(None, None, GraphBreak("recompile limit reached")), None
        entry, ran = _trace(self._fn, args, kwargs, found)
        if entry.graph_break is not None:
            self.breaks.append(entry.graph_break)
            if self._fullgraph:
                raise RuntimeError(
                    f"torch.compile(fullgraph=True): graph break: {entry.graph_break}"
                )
        self._cache[found.key] = entry
        return entry, ran

    @property
    def compile_count(self) -> int:
        """How many programs this function has compiled."""
        return sum(1 for e in self._cache.values() if e.program is not None)


_ALL: weakref.WeakSet = weakref.WeakSet()


class OptimizedModule(Module):
    """``torch.compile(module)``: the module, called through a compiled call;
    its parameters are the original's (named ``_orig_mod.*``, as in PyTorch)."""

    def __init__(self, mod: Module, compiled: CompiledFunction) -> None:
        super().__init__()
        self._orig_mod = mod
        object.__setattr__(self, "_compiled", compiled)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        return self._compiled(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        try:
            return super().__getattr__(name)
        except AttributeError:
            return getattr(self.__dict__["_modules"]["_orig_mod"], name)


def _check_options(backend, mode, options) -> None:
    if mode is not None and options is not None:
        raise RuntimeError(
            "Either mode or options can be specified, but both can't be specified "
            "at the same time."
        )
    if mode is not None and mode not in _MODES:
        raise RuntimeError(
            f"Unrecognized mode={mode}, should be one of: {', '.join(_MODES)}"
        )
    if backend is not None and not callable(backend) and backend not in _BACKENDS:
        raise RuntimeError(
            f"Invalid backend: {backend!r}, see `torch._dynamo.list_backends()` for "
            "available backends."
        )


def compile(  # noqa: A001 - torch's name
    model: Callable | None = None,
    *,
    fullgraph: bool = False,
    dynamic: bool | None = None,
    backend: str | Callable | None = None,
    mode: str | None = None,
    options: dict | None = None,
    disable: bool = False,
) -> Any:
    """``torch.compile``: ``model`` (a function or a module) as one ``jax.jit``
    program per guard key; usable as ``@compile`` and ``@compile(...)``.
    ``dynamic`` is accepted (XLA compiles each shape; a new shape recompiles);
    ``backend="eager"`` runs the function as is.

    >>> import funcgrad.torch as torch
    >>> f = torch.compile(lambda x: (x * 2).sum(), fullgraph=True)
    >>> f(torch.ones(3))
    tensor(6.)
    """
    _check_options(backend, mode, options)
    if model is None:
        return functools.partial(
            compile,
            fullgraph=fullgraph,
            dynamic=dynamic,
            backend=backend,
            mode=mode,
            options=options,
            disable=disable,
        )
    disable = disable or backend == "eager"
    if isinstance(model, Module):
        return OptimizedModule(model, CompiledFunction(model, fullgraph, disable))
    if not callable(model):
        raise RuntimeError("compile() expects a callable or a Module")
    return CompiledFunction(model, fullgraph, disable)


def _module_compile(module: Module, *args: Any, **kwargs: Any) -> CompiledFunction:
    return CompiledFunction(
        module._call_eager, kwargs.get("fullgraph", False), kwargs.get("disable", False)
    )


_modules._COMPILE_HOOK.append(_module_compile)


# --- torch.compiler -----------------------------------------------------------------
class ExplainOutput(NamedTuple):
    """What :func:`explain` found: programs compiled and why calls broke."""

    graph_count: int
    graph_break_count: int
    break_reasons: list

    def __str__(self) -> str:
        lines = [
            f"Graph Count: {self.graph_count}",
            f"Graph Break Count: {self.graph_break_count}",
            "Break Reasons:",
        ]
        for i, b in enumerate(self.break_reasons, 1):
            lines += [f"  Break Reason {i}:", f"    Reason: {b.reason}"]
            if b.where:
                lines += ["    User Stack:"] + [
                    "      " + line for line in b.where.split("\n")
                ]
        return "\n".join(lines)


def explain(fn: Callable, *extra: Any, **options: Any) -> Callable:
    """``torch.compiler.explain(fn)(*args)``: run ``fn`` once as a compiled
    function would and report the programs and graph breaks.

    >>> import funcgrad.torch as torch
    >>> def f(x):
    ...     return x * 2 if x.sum().item() > 0 else x
    >>> out = explain(f)(torch.ones(2))
    >>> out.graph_count, out.graph_break_count, out.break_reasons[0].reason
    (0, 1, 'Tensor.item() reads a value the program has not computed yet')
    """

    def run(*args: Any, **kwargs: Any) -> ExplainOutput:
        compiled = CompiledFunction(fn, False, False, warmup=False)
        compiled(*args, **kwargs)
        breaks = list(compiled.breaks)
        return ExplainOutput(compiled.compile_count, len(breaks), breaks)

    return run


def reset() -> None:
    """Forget every compiled program (the next calls trace again).

    >>> reset()
    """
    for compiled in list(_ALL):
        compiled._cache.clear()
        compiled._replay = compiled._last = None
        compiled._warned = False


def disable(fn: Callable | None = None, recursive: bool = True) -> Callable:
    """Run ``fn`` eagerly: called inside a compiled function it is a graph break.

    >>> import funcgrad.torch as torch
    >>> log = disable(lambda t: print(t))
    >>> explain(lambda x: log(x))(torch.ones(1)).graph_break_count
    tensor([1.])
    1
    """
    if fn is None:
        return functools.partial(disable, recursive=recursive)

    @functools.wraps(fn)
    def eager(*args: Any, **kwargs: Any) -> Any:
        if is_compiling():
            raise _Abort(f"torch.compiler.disable'd {fn.__name__}")
        return fn(*args, **kwargs)

    return eager
