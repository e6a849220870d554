"""The backward engine: topological order, then one reverse sweep.

``run_backward`` starts from ``(node, cotangent)`` roots, orders every node reachable
through ``next_functions`` so that a node comes after all nodes that feed it a
gradient, and walks that order once: a node's incoming gradients are summed, its
hooks run, it pulls the sum back to its inputs, and leaves accumulate into ``.grad``
(or, for ``autograd.grad``, the gradients are captured and returned instead).
Gradients are opaque here: arrays, or tensors under ``create_graph``; ``pull``
says how a node pulls one back. Leaves are reached through their
:class:`AccumulateGrad`'s variable (``_run_hooks``, ``_accumulate``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from . import anomaly as _anomaly
from .node import AccumulateGrad


def topological_order(roots: Iterable) -> list:
    """Nodes reachable from ``roots``, each before every node it sends gradient to.

    >>> topological_order([])
    []
    """
    order, seen = [], set()  # nodes hash by identity
    for root in roots:
        if root is None or root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(root.next_functions))]
        while stack:
            node, children = stack[-1]
            for child, _ in children:
                if child is not None and child not in seen:
                    seen.add(child)
                    stack.append((child, iter(child.next_functions)))
                    break
            else:
                stack.pop()
                order.append(node)
    order.reverse()
    return order


def run_backward(
    roots: list,
    *,
    retain_graph: bool,
    create_graph: bool = False,
    pull: Callable | None = None,
    capture: set[int] | None = None,
    accumulate: bool = True,
    only: set[int] | None = None,
) -> dict[int, object]:
    """Sweep gradients from ``(node, cotangent)`` ``roots`` back to the leaves.

    ``pull(node, ct)`` pulls a gradient through a node (``node.apply`` unless
    given). ``capture`` holds ``id``\\ s of nodes whose incoming gradient is
    returned (``autograd.grad``); ``accumulate`` says whether leaves' ``.grad``
    is written, ``only`` restricts that to the leaves with those ids.

    >>> run_backward([], retain_graph=False)
    {}
    """
    grads: dict[int, object] = {}
    for node, ct in roots:
        grads[id(node)] = grads[id(node)] + ct if id(node) in grads else ct
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
        for hook in list(node.pre_hooks.values()) if node.pre_hooks else ():
            ct = hook(ct)
        if node.retained is not None and node.retained() is not None:
            node.retained()._accumulate(ct, create_graph)
        if capture is not None and id(node) in capture:
            captured[id(node)] = ct
        input_cts = node.apply(ct) if pull is None else pull(node, ct)
        if _anomaly.enabled:
            _anomaly.check(node, input_cts)
        if not retain_graph:
            node.release()
        for (child, _), g in zip(node.next_functions, input_cts, strict=True):
            if child is not None and g is not None:
                k = id(child)
                grads[k] = grads[k] + g if k in grads else g
    return captured
