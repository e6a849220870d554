"""funcgrad.viz.facade: the facade's backward graph, as torchviz draws PyTorch's."""

from __future__ import annotations

from collections import Counter

import pytest

import funcgrad.torch as ftorch
from funcgrad.viz import make_dot

from .graph_text import parse, seed


def walk_names(fn) -> Counter:
    """Node names reached through next_functions, each node once."""
    names, seen, stack = Counter(), set(), [fn]
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        names[type(node).__name__ if hasattr(node, "variable") else node.name()] += 1
        stack.extend(child for child, _ in node.next_functions)
    return names


def backward_labels(nodes: dict[str, str]) -> Counter:
    return Counter(
        label.split("\n")[0]
        for label in nodes.values()
        if label.endswith("Backward0")
        or "Backward" in label.split("\n")[0]
        or label == "AccumulateGrad"
    )


def test_seed_graph_nodes_and_leaves():
    w, b, loss = seed(ftorch)
    g = make_dot(loss, params={"w": w, "b": b})
    nodes, edges = parse(g.source)
    labels = list(nodes.values())
    for name in (
        "AddBackward0",
        "SqueezeBackward4",
        "MmBackward0",
        "BinaryCrossEntropyWithLogitsBackward0",
    ):
        assert labels.count(name) == 1, name
    assert labels.count("AccumulateGrad") == 2
    assert "w\n(5, 3)" in labels and "b\n(3)" in labels
    assert "output\n()" in labels
    by_label = {v: k for k, v in nodes.items()}
    # each leaf feeds an AccumulateGrad, which feeds the node that used the leaf
    w_acc = [d for s, d in edges if s == by_label["w\n(5, 3)"]]
    assert [nodes[d] for d in w_acc] == ["AccumulateGrad"]
    assert (w_acc[0], by_label["MmBackward0"]) in edges
    b_acc = [d for s, d in edges if s == by_label["b\n(3)"]]
    assert (b_acc[0], by_label["AddBackward0"]) in edges
    assert g.node_count == len(nodes) == 9


def test_edges_follow_next_functions():
    w, b, loss = seed(ftorch)
    nodes, edges = parse(make_dot(loss).source)
    expected = Counter()
    stack, seen = [loss.grad_fn], set()
    while stack:
        fn = stack.pop()
        if id(fn) in seen:
            continue
        seen.add(id(fn))
        for child, _ in fn.next_functions:
            if child is not None:
                child_name = "AccumulateGrad" if hasattr(child, "variable") else None
                expected[(child_name or child.name(), fn.name())] += 1
                stack.append(child)
    got = Counter(
        (nodes[s], nodes[d])
        for s, d in edges
        if nodes[d] != "output\n()" and "\n" not in nodes[s]
    )
    assert got == expected


def test_node_names_match_real_torch():
    torch = pytest.importorskip("torch")
    _, _, ours = seed(ftorch)
    _, _, theirs = seed(torch)
    expected = walk_names(theirs.grad_fn)
    nodes, _ = parse(make_dot(ours).source)
    assert backward_labels(nodes) == expected
    assert expected["AccumulateGrad"] == 2


def test_named_parameters_and_pairs_name_leaves():
    w, b, loss = seed(ftorch)

    class Module:
        def named_parameters(self):
            yield "linear.weight", w
            yield "linear.bias", b

    labels = set(parse(make_dot(loss, params=Module()).source)[0].values())
    assert {"linear.weight\n(5, 3)", "linear.bias\n(3)"} <= labels
    labels = set(parse(make_dot(loss, params=[("W", w)]).source)[0].values())
    assert "W\n(5, 3)" in labels and "\n(3)" in labels


def test_show_attrs_and_saved():
    w, b, loss = seed(ftorch)
    plain = make_dot(loss).source
    assert "reduction" not in plain and "dim: " not in plain
    attrs = make_dot(loss, show_attrs=True).source
    assert "reduction: mean" in attrs and "\\ndim: " in attrs
    nodes, edges = parse(make_dot(loss, params={"w": w}, show_saved=True).source)
    saved = [v for v in nodes.values() if v.startswith("saved")]
    assert "saved 0\n(1, 5)" in saved  # MmBackward0 saved the unsqueezed x
    assert list(nodes.values()).count("w\n(5, 3)") == 2  # the leaf, and saved by mm
    loss.backward()  # frees the saved inputs: nothing left to show
    nodes, _ = parse(make_dot(loss, show_saved=True).source)
    assert not [v for v in nodes.values() if v.startswith("saved")]


def test_output_forms():
    a = ftorch.ones(2, requires_grad=True)
    nodes, edges = parse(make_dot(a).source)
    assert list(nodes.values()) == ["output\n(2)"] and not edges
    c = ftorch.ones(3)
    assert list(parse(make_dot(c).source)[0].values()) == ["output\n(3)"]
    two = make_dot([a * 2, a + 1], params={"a": a})
    labels = list(parse(two.source)[0].values())
    assert "output 0\n(2)" in labels and "output 1\n(2)" in labels
    assert labels.count("a\n(2)") == 1  # the shared leaf is drawn once
    assert "AccumulateGrad" in make_dot(a * a, output_name="sq").source
    assert 'label="sq\\n(2)"' in make_dot(a * a, output_name="sq").source


def test_labels_are_escaped():
    a = ftorch.ones(2, requires_grad=True)
    source = make_dot(a * 2, params={'say "hi"\\': a}).source
    assert 'label="say \\"hi\\"\\\\\\n(2)"' in source
