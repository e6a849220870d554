"""Computation graphs as Graphviz pictures: the facade's and JAX's.

:func:`make_dot` draws the backward graph of a facade tensor in the manner of
torchviz: one grey box per backward node with PyTorch's name (``AddBackward0``), a
blue box per leaf that requires grad with its name and shape, wired to its
``AccumulateGrad`` node, and the output tensor in green; the edges follow
``next_functions``. :func:`jaxpr_dot` draws the other side of the story: the jaxpr
of a JAX function such as ``jax.grad(funcgrad.loss)``, one box per equation and one
edge per variable, with ``jit`` calls drawn as nested clusters.

Both return a :class:`DotGraph`: the DOT text is written here (no Python Graphviz
package needed); rendering to SVG or PNG runs the ``dot`` program (Debian/Ubuntu
package ``graphviz``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "INSTALL_HINT",
    "DotGraph",
    "GraphvizNotFoundError",
    "jaxpr_dot",
    "make_dot",
]

INSTALL_HINT = "install Graphviz (Debian/Ubuntu: apt-get install graphviz)"
_RENDER_FORMATS = ("svg", "png", "pdf")
_SOURCE_SUFFIXES = (".dot", ".gv")

# The look: torchviz's colours and compact monospace boxes.
_NODE_ATTRS = (
    'node [shape=box style="filled,rounded" fontname=monospace fontsize=10 '
    'height=0.2 margin="0.08,0.04" align=left]'
)
_BACKWARD_COLOUR = "lightgrey"
_LEAF_COLOUR = "lightblue"
_OUTPUT_COLOUR = "darkolivegreen1"
_SAVED_COLOUR = "orange"


class GraphvizNotFoundError(RuntimeError):
    """Raised when rendering needs the ``dot`` program and it is not on ``PATH``.

    >>> str(GraphvizNotFoundError("svg"))
    "rendering svg needs the Graphviz 'dot' program, which is not on PATH: install \
Graphviz (Debian/Ubuntu: apt-get install graphviz)"
    """

    def __init__(self, fmt: str) -> None:
        super().__init__(
            f"rendering {fmt} needs the Graphviz 'dot' program, which is not on "
            f"PATH: {INSTALL_HINT}"
        )


class DotGraph:
    """A Graphviz graph: its DOT ``source``, ``render(path)`` and notebook display.

    >>> g = DotGraph('digraph {\\n  a -> b\\n}\\n')
    >>> print(g.source)
    digraph {
      a -> b
    }
    <BLANKLINE>
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     out = g.render(pathlib.Path(d) / "g.dot")
    ...     print(out.name, out.read_text() == g.source)
    g.dot True
    """

    def __init__(self, source: str, *, node_count: int = 0) -> None:
        self.source = source
        self.node_count = node_count

    def __str__(self) -> str:
        return self.source

    def __repr__(self) -> str:
        return f"<DotGraph with {self.node_count} nodes>"

    def pipe(self, format: str = "svg") -> bytes:  # noqa: A002
        """Run ``dot -T<format>`` on the source and return what it prints.

        Raises :class:`GraphvizNotFoundError` when ``dot`` is not installed.

        >>> import shutil
        >>> svg = DotGraph("digraph { a }").pipe("svg") if shutil.which("dot") else b""
        >>> svg == b"" or b"<svg" in svg
        True
        """
        exe = shutil.which("dot")
        if exe is None:
            raise GraphvizNotFoundError(format)
        proc = subprocess.run(
            [exe, f"-T{format}"],
            input=self.source.encode(),
            capture_output=True,
            check=False,
        )
        if proc.returncode != 0:
            err = " ".join(proc.stderr.decode(errors="replace").split())
            raise RuntimeError(f"dot -T{format} failed: {err}")
        return proc.stdout

    def render(self, path: str | os.PathLike[str], format: str | None = None) -> Path:  # noqa: A002
        """Write the graph to ``path``; the format comes from its extension.

        ``.dot``/``.gv`` write the DOT source (no Graphviz needed); ``.svg``,
        ``.png`` and ``.pdf`` run ``dot``. Returns the path written.

        >>> DotGraph("digraph {}").render("g.txt")
        Traceback (most recent call last):
        ...
        ValueError: cannot tell the format of 'g.txt': use .dot, .gv, .svg, .png or .pdf
        """
        path = Path(path)
        fmt = format or path.suffix.lower().lstrip(".")
        if "." + fmt in _SOURCE_SUFFIXES:
            path.write_text(self.source)
            return path
        if fmt not in _RENDER_FORMATS:
            raise ValueError(
                f"cannot tell the format of {str(path)!r}: use .dot, .gv, .svg, .png "
                "or .pdf"
            )
        data = self.pipe(fmt)
        path.write_bytes(data)
        return path

    def _repr_svg_(self) -> str | None:
        """The SVG for Jupyter; ``None`` (plain repr) when ``dot`` is missing."""
        if shutil.which("dot") is None:
            return None
        return self.pipe("svg").decode()


# --- DOT writing ---------------------------------------------------------------------


def _quote(text: str) -> str:
    """A DOT string literal; ``\\n`` in ``text`` becomes a centred line break."""
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + text.replace("\n", "\\n") + '"'


def _shape(shape: Iterable[int]) -> str:
    """torchviz's size string: ``(5, 3)``, ``(3)``, ``()``."""
    return "(" + ", ".join(str(int(d)) for d in shape) + ")"


class _Writer:
    """Collects nodes, edges and clusters, then prints one ``digraph``."""

    def __init__(self) -> None:
        self.ids: dict[int, str] = {}
        self.keep: list[Any] = []  # keep objects alive so their ids stay unique
        self.lines: list[str] = []
        self.edges: list[str] = []  # written last, at top level: an edge inside a
        self.nodes = 0  # cluster would pull its endpoints into that cluster

    def id_of(self, obj: Any) -> str:
        key = id(obj)
        if key not in self.ids:
            self.ids[key] = f"n{len(self.ids)}"
            self.keep.append(obj)
        return self.ids[key]

    def fresh(self) -> str:
        return self.id_of(object())

    def node(self, nid: str, label: str, indent: str = "  ", **attrs: str) -> None:
        extra = "".join(f" {k}={_quote(v)}" for k, v in attrs.items())
        self.lines.append(f"{indent}{nid} [label={_quote(label)}{extra}]")
        self.nodes += 1

    def edge(self, a: str, b: str, **attrs: str) -> None:
        extra = " ".join(f"{k}={_quote(v)}" for k, v in attrs.items())
        self.edges.append(f"  {a} -> {b}" + (f" [{extra}]" if extra else ""))

    def finish(self, label: str | None = None) -> DotGraph:
        head = [
            "digraph {",
            '  graph [size="12,12" ranksep=0.25 nodesep=0.2 fontname=monospace '
            "fontsize=11"
            + (f" label={_quote(label)} labelloc=t" if label else "")
            + "]",
            "  " + _NODE_ATTRS,
            "  edge [arrowsize=0.7]",
        ]
        text = "\n".join(head + self.lines + self.edges + ["}"]) + "\n"
        return DotGraph(text, node_count=self.nodes)


# --- the facade's backward graph ---------------------------------------------------


def _param_names(params: Any) -> dict[int, str]:
    """``id(tensor) -> name`` from a mapping, a module or ``(name, tensor)`` pairs."""
    if params is None:
        return {}
    if hasattr(params, "named_parameters"):
        params = params.named_parameters()
    items = params.items() if isinstance(params, Mapping) else params
    names: dict[int, str] = {}
    for name, t in items:
        names.setdefault(id(t), str(name))  # the first name of a shared tensor
    return names


def _option_text(value: Any) -> str:
    if isinstance(value, tuple) and value and value[0] == "S":  # an encoded slice
        return ":".join("" if v is None else str(v) for v in value[1:])
    return str(value)


def make_dot(
    var: Any,
    params: Any = None,
    show_attrs: bool = False,
    show_saved: bool = False,
    *,
    output_name: str | None = None,
) -> DotGraph:
    """Draw the backward graph of facade tensor(s) ``var``, as torchviz does.

    One grey box per backward node, labelled with PyTorch's node name; one blue
    box per leaf that requires grad (``name`` and shape) feeding its
    ``AccumulateGrad``; the output in green; edges follow ``next_functions`` from
    inputs towards the output. ``params`` names the leaves: a dict, a module with
    ``named_parameters()`` or ``(name, tensor)`` pairs. ``show_attrs`` adds each
    node's options (``dim``, ``reduction``); ``show_saved`` adds the shapes of the
    inputs a node saved for backward (orange, dashed), until ``backward()`` frees
    them. ``output_name`` labels the output (default ``output``).

    >>> import funcgrad.torch as torch
    >>> x = torch.ones(5)
    >>> w = torch.ones(5, 3, requires_grad=True)
    >>> b = torch.zeros(3, requires_grad=True)
    >>> z = torch.matmul(x, w) + b
    >>> g = make_dot(z, params={"w": w, "b": b}, output_name="z")
    >>> for line in g.source.splitlines():
    ...     if "label=" in line and "node [" not in line:
    ...         print(line.split("label=")[1].split(" fillcolor")[0])
    "z\\n(3)"
    "AddBackward0"
    "SqueezeBackward4"
    "MmBackward0"
    "AccumulateGrad"
    "w\\n(5, 3)"
    "AccumulateGrad"
    "b\\n(3)"
    >>> print(make_dot(z, show_attrs=True).source.count("dim: "))
    1
    """
    names = _param_names(params)
    outputs = list(var) if isinstance(var, list | tuple) else [var]
    w = _Writer()
    seen: set[str] = set()

    def leaf_label(t: Any) -> str:
        return f"{names.get(id(t), '')}\n{_shape(t.shape)}"

    def visit(fn: Any) -> str:
        nid = w.id_of(fn)
        if nid in seen:
            return nid
        seen.add(nid)
        variable = getattr(fn, "variable", None)
        if variable is not None:  # AccumulateGrad: the leaf feeds it
            w.node(nid, "AccumulateGrad", fillcolor=_BACKWARD_COLOUR)
            vid = w.id_of(variable)
            if vid not in seen:
                seen.add(vid)
                w.node(vid, leaf_label(variable), fillcolor=_LEAF_COLOUR)
            w.edge(vid, nid)
            return nid
        label = fn.name()
        options = getattr(fn, "options", ()) or ()
        if show_attrs and options:
            label += "\n" + "-" * max(len(label), 8)
            label += "".join(f"\n{k}: {_option_text(v)}" for k, v in options)
        w.node(nid, label, fillcolor=_BACKWARD_COLOUR)
        if show_saved:
            _draw_saved(w, fn, nid, names)
        for child, _ in fn.next_functions:
            if child is not None:
                w.edge(visit(child), nid)
        return nid

    for k, out in enumerate(outputs):
        oid = w.id_of(out)
        if oid in seen:
            continue
        seen.add(oid)
        name = output_name if output_name is not None else names.get(id(out))
        if name is None:
            name = "output" if len(outputs) == 1 else f"output {k}"
        w.node(oid, f"{name}\n{_shape(out.shape)}", fillcolor=_OUTPUT_COLOUR)
        grad_fn = getattr(out, "grad_fn", None)
        if grad_fn is not None:  # a leaf output is just its own box
            w.edge(visit(grad_fn), oid)
    return w.finish()


def _draw_saved(w: _Writer, fn: Any, nid: str, names: dict[int, str]) -> None:
    saved = getattr(fn, "saved", None)
    if not saved:
        return
    inputs = getattr(fn, "inputs", ()) or ()
    for i, value in enumerate(saved):
        if value is None:
            continue
        tensor = inputs[i] if i < len(inputs) else None
        name = names.get(id(tensor), f"saved {i}")
        shape = getattr(value, "shape", None)
        text = _shape(shape) if shape is not None else repr(value)
        sid = w.fresh()
        w.node(sid, f"{name}\n{text}", fillcolor=_SAVED_COLOUR)
        w.edge(sid, nid, style="dashed", arrowhead="none")


# --- the functional side: a jaxpr --------------------------------------------------

# Calls drawn as one box, not opened: their sub-jaxpr is an implementation detail.
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
        import numpy as np

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
    import jax

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
    import inspect

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
    import jax

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
    import jax
    import jax.extend.core as jcore

    closed, out_shape = jax.make_jaxpr(fn, return_shape=True)(*args, **kwargs)
    in_names = []
    for name, arg in zip(_arg_names(fn, args), args, strict=True):
        in_names += _leaf_names(name, arg)
    in_names += _leaf_names("", kwargs) if kwargs else []
    out_names = _leaf_names("out", out_shape)
    if label is None:
        label = f"jaxpr of {getattr(fn, '__name__', 'a function')}"

    w = _Writer()
    # A source is (node id, edge label) or ("lit", text) for a literal.
    env: dict[Any, tuple[str, str]] = {}

    def read(v: Any) -> tuple[str, str]:
        if isinstance(v, jcore.Literal):
            return ("lit", _literal_text(v))
        return env[v]

    def draw(jaxpr: Any, consts: Sequence[Any], indent: str, depth: int) -> None:
        for cv, c in zip(jaxpr.constvars, consts, strict=False):
            cid = w.fresh()
            w.node(cid, f"const\n{_aval(cv)}", indent, fillcolor=_LEAF_COLOUR)
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
                    f"{indent}  label={_quote(f'{eqn.primitive.name}: {name}')} "
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
            w.node(nid, text, indent, fillcolor=_BACKWARD_COLOUR)
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
        w.node(nid, f"{name}\n{_aval(v)}", fillcolor=_LEAF_COLOUR)
        env[v] = (nid, _aval(v))
    draw(jaxpr, closed.consts, "  ", 0)
    for v, name in zip(jaxpr.outvars, out_names, strict=False):
        oid = w.fresh()
        src, elabel = read(v)
        text = f"{name} = {elabel}" if src == "lit" else f"{name}\n{_aval(v)}"
        w.node(oid, text, fillcolor=_OUTPUT_COLOUR)
        if src != "lit":
            w.edge(src, oid, label=elabel, fontsize="8")
    return w.finish(label)
