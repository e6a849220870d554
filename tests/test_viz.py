"""Graph pictures: the facade's backward graph and the jaxpr of jax.grad(loss)."""

from __future__ import annotations

import re
import shutil
from collections import Counter

import jax
import jax.numpy as jnp
import pytest

import funcgrad as fg
import funcgrad.torch as ftorch
from funcgrad.viz import DotGraph, GraphvizNotFoundError, jaxpr_dot, make_dot

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="no Graphviz dot")

_NODE = re.compile(r'^\s*(n\d+) \[label="((?:[^"\\]|\\.)*)"(.*)\]$')
_EDGE = re.compile(r"^\s*(n\d+) -> (n\d+)")


def parse(source: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Node labels by id (``\\n`` as a newline) and the edges, from our DOT text."""
    nodes, edges = {}, []
    for line in source.splitlines():
        if m := _NODE.match(line):
            nodes[m.group(1)] = m.group(2).replace("\\n", "\n").replace('\\"', '"')
        elif m := _EDGE.match(line):
            edges.append((m.group(1), m.group(2)))
    return nodes, edges


def seed(torch):
    torch.manual_seed(0)
    x = torch.ones(5)
    y = torch.zeros(3)
    w = torch.randn(5, 3, requires_grad=True)
    b = torch.randn(3, requires_grad=True)
    z = torch.matmul(x, w) + b
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
    return w, b, loss


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


def test_render_dot_without_graphviz(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    _, _, loss = seed(ftorch)
    g = make_dot(loss)
    assert g.render(tmp_path / "g.dot").read_text() == g.source
    assert g._repr_svg_() is None
    with pytest.raises(GraphvizNotFoundError, match="apt-get install graphviz"):
        g.render(tmp_path / "g.svg")
    assert not (tmp_path / "g.svg").exists()
    with pytest.raises(ValueError, match="cannot tell the format"):
        g.render(tmp_path / "g.jpeg2000")


@needs_dot
@pytest.mark.parametrize("suffix", [".svg", ".png"])
def test_render_with_graphviz(tmp_path, suffix):
    w, b, loss = seed(ftorch)
    out = make_dot(loss, params={"w": w, "b": b}).render(tmp_path / f"g{suffix}")
    data = out.read_bytes()
    if suffix == ".png":
        assert data.startswith(b"\x89PNG")
    else:
        text = data.decode()
        assert "<svg" in text and "SqueezeBackward4" in text
        assert text == make_dot(loss, params={"w": w, "b": b})._repr_svg_()


@needs_dot
def test_dot_errors_are_reported():
    with pytest.raises(RuntimeError, match="dot -Tsvg failed"):
        DotGraph("digraph { a -> }").pipe("svg")


# --- the functional side -----------------------------------------------------------


def grad_graph(**kwargs):
    params = fg.LinearParams(w=jnp.zeros((5, 3)), b=jnp.zeros(3))
    return jaxpr_dot(jax.grad(fg.loss), params, jnp.ones(5), jnp.zeros(3), **kwargs)


def primitives(fn, *args) -> set[str]:
    found = set()

    def visit(jaxpr):
        for eqn in jaxpr.eqns:
            found.add(eqn.primitive.name)
            sub = eqn.params.get("jaxpr")
            if sub is not None:
                visit(getattr(sub, "jaxpr", sub))

    visit(jax.make_jaxpr(fn)(*args).jaxpr)
    return found


def test_jaxpr_picture_of_grad_loss():
    g = grad_graph()
    nodes, edges = parse(g.source)
    labels = list(nodes.values())
    heads = {label.split("\n")[0] for label in labels}
    assert {"dot_general", "add", "mul", "transpose", "reduce_sum"} <= heads
    assert "softplus" in g.source or "log_sigmoid" in g.source
    # inputs are named from the signature and the pytree, outputs from the result
    for name in ("params.w\nf32[5,3]", "params.b\nf32[3]", "x\nf32[5]", "y\nf32[3]"):
        assert name in labels
    assert "out.w\nf32[5,3]" in labels and "out.b\nf32[3]" in labels
    assert 'label="jaxpr of loss"' in g.source
    # every edge joins drawn nodes, and the outputs are reached
    assert all(s in nodes and d in nodes for s, d in edges)
    outs = {k for k, v in nodes.items() if v.startswith("out.")}
    assert outs <= {d for _, d in edges}
    # JAX's own helpers are one box; the primitives of the top level all appear
    params = fg.LinearParams(w=jnp.zeros((5, 3)), b=jnp.zeros(3))
    top = {
        e.primitive.name
        for e in jax.make_jaxpr(jax.grad(fg.loss))(
            params, jnp.ones(5), jnp.zeros(3)
        ).jaxpr.eqns
    }
    assert top <= heads


def test_jaxpr_expands_library_calls_on_request():
    params = fg.LinearParams(w=jnp.zeros((5, 3)), b=jnp.zeros(3))
    args = (params, jnp.ones(5), jnp.zeros(3))
    g = jaxpr_dot(jax.grad(fg.loss), *args, expand_library=True, max_depth=5)
    heads = {label.split("\n")[0] for label in parse(g.source)[0].values()}
    inner = primitives(jax.grad(fg.loss), *args) - {"jit", "pjit"}
    assert inner <= heads | {"custom_jvp_call"}
    assert "subgraph cluster_" in g.source


def test_jaxpr_user_jit_is_a_cluster():
    @jax.jit
    def inner(a):
        return jnp.sin(a) * 2.0

    def f(a, scale):
        return inner(a) + scale

    g = jaxpr_dot(f, jnp.ones(3), 1.0, label="f")
    assert "subgraph cluster_" in g.source and 'label="jit: inner"' in g.source
    nodes, edges = parse(g.source)
    heads = [v.split("\n")[0] for v in nodes.values()]
    assert {"sin", "mul", "add"} <= set(heads)
    assert "mul\nwith 2" in nodes.values()
    flat = jaxpr_dot(f, jnp.ones(3), 1.0, max_depth=0)
    assert (
        "subgraph" not in flat.source and "jit\ninner" in parse(flat.source)[0].values()
    )


def test_jaxpr_literal_output_and_kwargs():
    g = jaxpr_dot(lambda a, *, k: (a * k, 0.0), jnp.ones(2), k=jnp.float32(3))
    labels = list(parse(g.source)[0].values())
    assert "out[1] = 0" in labels and "['k']\nf32[]" in labels


@needs_dot
def test_jaxpr_renders(tmp_path):
    out = grad_graph().render(tmp_path / "f.svg")
    assert "dot_general" in out.read_text()
