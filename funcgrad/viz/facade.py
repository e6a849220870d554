"""The facade's backward graph, drawn as torchviz draws PyTorch's.

One grey box per backward node with PyTorch's name (``AddBackward0``), a blue box
per leaf that requires grad with its name and shape, wired to its
``AccumulateGrad`` node, and the output tensor in green; the edges follow
``next_functions``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._dot import (
    BACKWARD_COLOUR,
    LEAF_COLOUR,
    OUTPUT_COLOUR,
    SAVED_COLOUR,
    DotGraph,
    Writer,
    shape_text,
)

__all__ = ["make_dot"]


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
    w = Writer()
    seen: set[str] = set()

    def leaf_label(t: Any) -> str:
        return f"{names.get(id(t), '')}\n{shape_text(t.shape)}"

    def visit(fn: Any) -> str:
        nid = w.id_of(fn)
        if nid in seen:
            return nid
        seen.add(nid)
        variable = getattr(fn, "variable", None)
        if variable is not None:  # AccumulateGrad: the leaf feeds it
            w.node(nid, "AccumulateGrad", fillcolor=BACKWARD_COLOUR)
            vid = w.id_of(variable)
            if vid not in seen:
                seen.add(vid)
                w.node(vid, leaf_label(variable), fillcolor=LEAF_COLOUR)
            w.edge(vid, nid)
            return nid
        label = fn.name()
        options = getattr(fn, "options", ()) or ()
        if show_attrs and options:
            label += "\n" + "-" * max(len(label), 8)
            label += "".join(f"\n{k}: {_option_text(v)}" for k, v in options)
        w.node(nid, label, fillcolor=BACKWARD_COLOUR)
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
        w.node(oid, f"{name}\n{shape_text(out.shape)}", fillcolor=OUTPUT_COLOUR)
        grad_fn = getattr(out, "grad_fn", None)
        if grad_fn is not None:  # a leaf output is just its own box
            w.edge(visit(grad_fn), oid)
    return w.finish()


def _draw_saved(w: Writer, fn: Any, nid: str, names: dict[int, str]) -> None:
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
        text = shape_text(shape) if shape is not None else repr(value)
        sid = w.fresh()
        w.node(sid, f"{name}\n{text}", fillcolor=SAVED_COLOUR)
        w.edge(sid, nid, style="dashed", arrowhead="none")
