"""The backward engine: topological order, then one reverse sweep.

``run_backward`` starts from ``(node, cotangent)`` roots, orders every node reachable
through ``next_functions`` so that a node comes after all nodes that feed it a
gradient, and walks that order once: each node's incoming gradients are summed, its
hooks run, it pulls the sum back to its inputs, and leaves accumulate into ``.grad``
(or, for ``autograd.grad``, the gradients are captured and returned instead).
"""

from __future__ import annotations

from collections.abc import Iterable

from . import anomaly as _anomaly
from . import checks as _checks
from . import compiled as _compiled
from .node import AccumulateGrad, Node


def topological_order(roots: Iterable) -> list:
    """Nodes reachable from ``roots``, each before every node it sends gradient to.

    >>> topological_order([])
    []
    """
    order, seen = [], set()
    for root in roots:
        if root is None or id(root) in seen:
            continue
        seen.add(id(root))
        stack = [(root, iter(root.next_functions))]
        while stack:
            node, children = stack[-1]
            for child, _ in children:
                if child is not None and id(child) not in seen:
                    seen.add(id(child))
                    stack.append((child, iter(child.next_functions)))
                    break
            else:
                stack.pop()
                order.append(node)
    order.reverse()
    return order


def run_backward(
    roots: list[tuple[object, object]],
    *,
    retain_graph: bool,
    create_graph: bool,
    capture: dict[int, object] | None = None,
    accumulate: bool = True,
    only: set[int] | None = None,
) -> dict[int, object]:
    """Sweep gradients from ``roots`` back to the leaves.

    ``roots`` pairs each output's node with its cotangent (a ``jax.Array``, or a
    ``Tensor`` when ``create_graph``). ``capture`` maps ``id(node)`` of the tensors
    asked for by ``autograd.grad`` to a slot; their gradients are returned in a dict
    keyed like it. ``accumulate`` says whether leaves' ``.grad`` is written, ``only``
    restricts that to the leaves with those ids (``backward(inputs=...)``).
    """
    from .tensor import as_grad_tensor, differentiable_apply, raw

    if not create_graph and capture is None and accumulate and only is None:
        if _compiled.try_backward(roots, retain_graph):  # a graph seen before
            return {}
    grads: dict[int, object] = {}
    for node, ct in roots:
        key = id(node)
        grads[key] = grads[key] + ct if key in grads else ct
    captured: dict[int, object] = {}
    for node in topological_order(node for node, _ in roots):
        ct = grads.pop(id(node), None)
        if ct is None:
            continue
        if isinstance(node, AccumulateGrad):
            leaf = node.variable
            ct = leaf._run_hooks(ct, create_graph)
            if capture is not None and id(node) in capture:
                captured[id(node)] = ct
            elif accumulate and (only is None or id(leaf) in only):
                leaf._accumulate(ct, create_graph)
            continue
        ct = _run_pre_hooks(node, ct, create_graph, as_grad_tensor)
        if capture is not None and id(node) in capture:
            captured[id(node)] = ct
        if create_graph:
            input_cts = differentiable_apply(node, ct)
        else:
            input_cts = node.apply(raw(ct))
        if _anomaly.enabled:
            _anomaly.check(node, input_cts)
        if not retain_graph:
            node.release()
        for (child, _), g in zip(node.next_functions, input_cts, strict=True):
            if child is None or g is None:
                continue
            key = id(child)
            grads[key] = grads[key] + g if key in grads else g
    return captured


def _run_pre_hooks(node: Node, ct, create_graph: bool, as_grad_tensor):
    """Tensor hooks of a non-leaf output, then its ``retain_grad`` slot, last."""
    if node.pre_hooks:
        for hook in list(node.pre_hooks.values()):
            grad = as_grad_tensor(ct, create_graph)
            out = hook(grad)
            _checks.hook_result(hook, grad, out, lambda t: hasattr(t, "grad_fn"))
            if out is not None:
                ct = out if create_graph else out._value
    if node.retained is not None:
        tensor = node.retained()
        if tensor is not None:
            tensor._accumulate(ct, create_graph)
    return ct
