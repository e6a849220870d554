"""An optimizer's identity: a stable text for what an optax transformation computes.

optax transformations are closures; :func:`optimizer_identity` describes one by the
code it runs and the values it captured, so a checkpoint can tell whether a resumed
run uses the same optimizer, and :func:`canonical` maps equal optimizers to one
object so their compiled loops are shared. :func:`optimizer_summary` says the same
in words, for messages.
"""

from __future__ import annotations

import functools
import hashlib
import types
from typing import Any

import jax
import numpy as np
import optax

__all__ = ["canonical", "optimizer_identity", "optimizer_summary"]


class _Describer:
    """A stable text for an optimizer: its functions, their code and closures.

    optax transformations are closures, so the code they run and the values they
    captured (learning rates, betas) identify them; object addresses never appear.
    ``complete`` stays true while everything met was described in full, in which
    case two optimizers with equal texts compute the same thing.
    """

    def __init__(self) -> None:
        self.complete = True

    def __call__(self, obj: Any, depth: int = 0, seen: frozenset = frozenset()) -> str:
        if depth > 16:
            self.complete = False
            return "..."
        if obj is None or isinstance(obj, (bool, int, float, complex, str, bytes)):
            return repr(obj)
        if isinstance(obj, (np.ndarray, np.generic, jax.Array)):
            a = np.asarray(obj)
            digest = hashlib.sha256(a.tobytes()).hexdigest()[:16]
            return f"array{a.shape}{a.dtype}:{digest}"
        if id(obj) in seen:
            return "<cycle>"
        seen = seen | {id(obj)}
        inner = lambda x: self(x, depth + 1, seen)  # noqa: E731
        if isinstance(obj, types.FunctionType):
            cells = []
            for cell in obj.__closure__ or ():
                try:
                    cells.append(inner(cell.cell_contents))
                except ValueError:  # an empty cell
                    cells.append("<empty>")
            defaults = inner(obj.__defaults__)
            kwdefaults = inner(obj.__kwdefaults__)
            name = f"{obj.__module__}.{obj.__qualname__}"
            code = self._code(obj.__code__)
            return f"{name}[{code}]({','.join(cells)};{defaults};{kwdefaults})"
        if isinstance(obj, (tuple, list)):
            return f"{type(obj).__name__}({','.join(inner(x) for x in obj)})"
        if isinstance(obj, dict):
            items = sorted((repr(k), inner(v)) for k, v in obj.items())
            return f"dict({','.join(f'{k}:{v}' for k, v in items)})"
        if isinstance(obj, functools.partial):
            return f"partial({inner((obj.func, obj.args, obj.keywords))})"
        if isinstance(obj, types.ModuleType):
            return obj.__name__
        if isinstance(obj, (type, types.BuiltinFunctionType)):
            return f"{obj.__module__}.{obj.__qualname__}"
        if hasattr(obj, "__wrapped__"):
            return f"wraps({inner(obj.__wrapped__)})"
        self.complete = False
        return type(obj).__qualname__

    def _code(self, code: types.CodeType) -> str:
        h = hashlib.sha256(code.co_code)
        h.update(repr(code.co_names).encode())
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                h.update(self._code(const).encode())
            else:
                h.update(repr(const).encode())
        return h.hexdigest()[:16]


def optimizer_identity(optimizer: optax.GradientTransformation) -> tuple[str, bool]:
    describe = _Describer()
    text = describe(tuple(optimizer))
    return hashlib.sha256(text.encode()).hexdigest()[:16], describe.complete


_EQUIVALENT_OPTIMIZERS: dict[str, optax.GradientTransformation] = {}


def canonical(optimizer: optax.GradientTransformation) -> optax.GradientTransformation:
    """An earlier, equivalent optimizer object, so its compiled loop is reused.

    jit caches by the optimizer object; ``optax.sgd(0.1)`` called twice gives two
    objects. When both are described in full and alike, they compute the same.
    """
    identity, complete = optimizer_identity(optimizer)
    if not complete:
        return optimizer
    if identity not in _EQUIVALENT_OPTIMIZERS and len(_EQUIVALENT_OPTIMIZERS) >= 64:
        _EQUIVALENT_OPTIMIZERS.pop(next(iter(_EQUIVALENT_OPTIMIZERS)))
    return _EQUIVALENT_OPTIMIZERS.setdefault(identity, optimizer)


def optimizer_summary(optimizer: optax.GradientTransformation) -> list[str]:
    """The transformations an optax optimizer chains, with the values they captured.

    >>> optimizer_summary(optax.sgd(0.1))
    ['scale(step_size=-0.1)']
    >>> optimizer_summary(optax.adam(0.05))[1]
    'scale(step_size=-0.05)'
    """
    out: list[str] = []
    _transforms(optimizer.update, out, 0)
    return out


def _owner(fn: types.FunctionType) -> str:
    """``scale`` for ``optax.scale``'s inner ``update_fn``."""
    return fn.__qualname__.split(".<locals>")[0]


def _transforms(fn: Any, out: list[str], depth: int) -> None:
    """Append ``fn``'s transformation(s): a chain's members, or ``fn`` itself."""
    if depth > 8 or not isinstance(fn, types.FunctionType):
        return
    values, members = [], []
    for name, cell in zip(fn.__code__.co_freevars, fn.__closure__ or (), strict=True):
        try:
            value = cell.cell_contents
        except ValueError:  # an empty cell
            continue
        if isinstance(value, optax.GradientTransformation):
            members.append(value.update)
        elif isinstance(value, (tuple, list)) and value:
            if all(isinstance(v, types.FunctionType) for v in value):
                members.extend(value)
            else:
                values.append(f"{name}={_value(value, depth)}")
        else:
            values.append(f"{name}={_value(value, depth)}")
    if members:  # a combinator: its members say what it computes
        for member in members:
            _transforms(member, out, depth + 1)
    elif values or _owner(fn) != "identity":
        out.append(f"{_owner(fn)}({', '.join(values)})")


def _value(value: Any, depth: int) -> str:
    if isinstance(value, types.FunctionType):
        inner: list[str] = []
        _transforms(value, inner, depth + 1)
        return " + ".join(inner) or _owner(value)
    if isinstance(value, (np.ndarray, np.generic, jax.Array)):
        a = np.asarray(value)
        return repr(a.item()) if a.size == 1 else f"array{list(a.shape)}"
    if value is None or isinstance(value, (bool, int, float, str)):
        return repr(value)
    if isinstance(value, (tuple, list)):
        return f"({', '.join(_value(v, depth + 1) for v in value)})"
    return type(value).__name__
