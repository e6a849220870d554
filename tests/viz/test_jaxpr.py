"""funcgrad.viz.jaxpr: the jaxpr of a JAX function, such as jax.grad(loss)."""

from __future__ import annotations

import jax
import jax.numpy as jnp

import funcgrad as fg
from funcgrad.viz import jaxpr_dot

from .graph_text import needs_dot, parse


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
