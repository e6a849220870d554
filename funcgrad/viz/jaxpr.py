"""The functional side: the jaxpr of a JAX function as a graph.

One box per equation and one edge per variable (labelled with its shape), inputs
in blue, outputs in green, the caller's ``jit`` calls as nested clusters; JAX's own
functions (``jax.nn.softplus``) stay one box.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.extend.core as jcore
import numpy as np

from ._dot import (
    BACKWARD_COLOUR,
    LEAF_COLOUR,
    OUTPUT_COLOUR,
    DotGraph,
    Writer,
    quote,
)

__all__ = ["jaxpr_dot"]

_COLLAPSED = frozenset(
    {"custom_jvp_call", "custom_vjp_call", "custom_vjp_call_jaxpr", "custom_lin"}
)
# Equation parameters worth a line in the box (short and meaningful to a reader).
_SHOWN_PARAMS = ("axes", "permutation", "dimension_numbers", "shape", "new_dtype")


def _aval(v: Any) -> str:
    aval = getattr(v, "aval", None)
    return aval.str_short(short_dtypes=True) if aval is not None else ""


def _literal_text(v: Any) -> str:
    val = getattr(v, "val", v)
    try:
        arr = np.asarray(val)
        if arr.ndim == 0:
            return f"{arr.item():g}" if arr.dtype.kind == "f" else str(arr.item())
    except Exception:  # pragma: no cover - exotic literal
        pass
    return str(val)


def _param_text(name: str, value: Any) -> str:
    if name == "dimension_numbers" and isinstance(value, tuple) and len(value) == 2:
        (lc, rc), (lb, rb) = value
        text = f"contract {tuple(lc)}x{tuple(rc)}"
        return text + (f" batch {tuple(lb)}x{tuple(rb)}" if lb or rb else "")
    return f"{name}={value}"


def _from_jax(jaxpr: Any) -> bool:
    """Whether a sub-jaxpr traces a function of JAX itself (``jax.nn.softplus``)."""
    src = getattr(getattr(jaxpr, "debug_info", None), "func_src_info", None) or ""
    root = os.path.dirname(jax.__file__)
    return " at " in src and src.split(" at ", 1)[1].startswith(root)


def _call_name(eqn: Any) -> str | None:
    """The function a call equation stands for: ``name=`` or its jaxpr's source."""
    name = eqn.params.get("name")
    if isinstance(name, str):
        return name
    for key in ("call_jaxpr", "fun_jaxpr", "jaxpr"):
        sub = eqn.params.get(key)
        info = getattr(getattr(sub, "jaxpr", sub), "debug_info", None)
        src = getattr(info, "func_src_info", None)
        if isinstance(src, str) and src:
            return src.split(" ")[0]
    return None


def _arg_names(fn: Callable[..., Any], args: Sequence[Any]) -> list[str]:
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        params = []
    names = []
    for i in range(len(args)):
        p = params[i] if i < len(params) else None
        if p is None or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            names.append(f"arg{i}")
        else:
            names.append(p.name)
    return names


def _leaf_names(prefix: str, tree: Any) -> list[str]:
    out = []
    for path, _ in jax.tree_util.tree_flatten_with_path(tree)[0]:
        text = prefix
        for key in path:
            if isinstance(key, jax.tree_util.GetAttrKey):
                text += f".{key.name}"
            elif isinstance(key, jax.tree_util.DictKey):
                text += f"[{key.key!r}]"
            elif isinstance(key, jax.tree_util.SequenceKey):
                text += f"[{key.idx}]"
            else:
                text += str(key)
        out.append(text)
    return out


def jaxpr_dot(
    fn: Callable[..., Any],
    *args: Any,
    max_depth: int = 2,
    expand_library: bool = False,
    label: str | None = None,
    **kwargs: Any,
) -> DotGraph:
    """Draw the jaxpr of ``fn(*args, **kwargs)``: equations as boxes, variables as
    edges (labelled with their shape, ``f32[5,3]``), inputs in blue, outputs in
    green.

    Calls of JAX's own functions (``jax.nn.softplus`` is a ``jit`` of a
    ``custom_jvp_call``) are one box named after the function, unless
    ``expand_library``; the caller's own ``jit`` calls are drawn as nested dashed
    clusters down to ``max_depth`` levels, deeper ones as one box.
    Literals are written into the box that uses them. ``label`` titles the
    picture (default: the function's name).

    >>> import jax, jax.numpy as jnp
    >>> import funcgrad as fg
    >>> p = fg.LinearParams(w=jnp.zeros((5, 3)), b=jnp.zeros(3))
    >>> g = jaxpr_dot(jax.grad(fg.loss), p, jnp.ones(5), jnp.zeros(3))
    >>> all(s in g.source for s in ("dot_general", "params.w", "softplus"))
    True
    """
    closed, out_shape = jax.make_jaxpr(fn, return_shape=True)(*args, **kwargs)
    in_names = []
    for name, arg in zip(_arg_names(fn, args), args, strict=True):
        in_names += _leaf_names(name, arg)
    in_names += _leaf_names("", kwargs) if kwargs else []
    out_names = _leaf_names("out", out_shape)
    if label is None:
        label = f"jaxpr of {getattr(fn, '__name__', 'a function')}"

    w = Writer()
    # A source is (node id, edge label) or ("lit", text) for a literal.
    env: dict[Any, tuple[str, str]] = {}

    def read(v: Any) -> tuple[str, str]:
        if isinstance(v, jcore.Literal):
            return ("lit", _literal_text(v))
        return env[v]

    def draw(jaxpr: Any, consts: Sequence[Any], indent: str, depth: int) -> None:
        for cv, c in zip(jaxpr.constvars, consts, strict=False):
            cid = w.fresh()
            w.node(cid, f"const\n{_aval(cv)}", indent, fillcolor=LEAF_COLOUR)
            env[cv] = (cid, _aval(cv))
            del c
        for eqn in jaxpr.eqns:
            sub = (
                eqn.params.get("jaxpr")
                if eqn.primitive.name not in _COLLAPSED
                else None
            )
            sub_jaxpr = getattr(sub, "jaxpr", sub)
            if (
                sub_jaxpr is not None
                and hasattr(sub_jaxpr, "eqns")
                and depth < max_depth
                and (expand_library or not _from_jax(sub_jaxpr))
            ):
                inner_consts = getattr(sub, "consts", ())
                for iv, ov in zip(sub_jaxpr.invars, eqn.invars, strict=True):
                    env[iv] = read(ov)
                name = eqn.params.get("name", eqn.primitive.name)
                cluster = w.fresh()
                w.lines.append(f"{indent}subgraph cluster_{cluster} {{")
                w.lines.append(
                    f"{indent}  label={quote(f'{eqn.primitive.name}: {name}')} "
                    'style="dashed,rounded" color=grey40 fontsize=10'
                )
                draw(sub_jaxpr, inner_consts, indent + "  ", depth + 1)
                w.lines.append(f"{indent}}}")
                for ov, iv in zip(eqn.outvars, sub_jaxpr.outvars, strict=True):
                    if not isinstance(ov, jcore.DropVar):
                        env[ov] = read(iv)
                continue
            nid = w.fresh()
            text = eqn.primitive.name
            fname = _call_name(eqn)
            if fname:
                text += f"\n{fname}"
            for key in _SHOWN_PARAMS:
                if key in eqn.params:
                    text += "\n" + _param_text(key, eqn.params[key])
            lits = [read(v)[1] for v in eqn.invars if isinstance(v, jcore.Literal)]
            if lits:
                text += "\nwith " + ", ".join(lits)
            w.node(nid, text, indent, fillcolor=BACKWARD_COLOUR)
            incoming: dict[str, list[str]] = {}  # one edge per producer
            for v in eqn.invars:
                if not isinstance(v, jcore.Literal):
                    src, elabel = env[v]
                    incoming.setdefault(src, []).append(elabel)
            for src, elabels in incoming.items():
                w.edge(src, nid, label=", ".join(elabels), fontsize="8")
            for ov in eqn.outvars:
                if not isinstance(ov, jcore.DropVar):
                    env[ov] = (nid, _aval(ov))

    jaxpr = closed.jaxpr
    for v, name in zip(jaxpr.invars, in_names, strict=False):
        nid = w.fresh()
        w.node(nid, f"{name}\n{_aval(v)}", fillcolor=LEAF_COLOUR)
        env[v] = (nid, _aval(v))
    draw(jaxpr, closed.consts, "  ", 0)
    for v, name in zip(jaxpr.outvars, out_names, strict=False):
        oid = w.fresh()
        src, elabel = read(v)
        text = f"{name} = {elabel}" if src == "lit" else f"{name}\n{_aval(v)}"
        w.node(oid, text, fillcolor=OUTPUT_COLOUR)
        if src != "lit":
            w.edge(src, oid, label=elabel, fontsize="8")
    return w.finish(label)
