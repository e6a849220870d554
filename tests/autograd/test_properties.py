"""Property tests over the engine: random graphs from registry ops.

A graph is a list of steps over a growing pool of values, each step an op from
a subset of the registry (unary/binary elementwise, reductions, matmul,
reshape), optionally cut with ``no_grad`` or ``detach``. The same steps run
three ways: on facade tensors with ``.backward()``; as a pure JAX function of
the registry forwards (cuts as ``jax.lax.stop_gradient``) under ``jax.grad``;
and as the facade code itself under ``jax.grad`` (Tensor is a pytree). All three
gradients agree.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import funcgrad.torch as ft
from funcgrad.autograd.ops import OPS

N = 3  # every value in the pool has shape (N, N): all ops below compose

UNARY = ["exp", "tanh", "sigmoid", "relu", "abs", "neg", "t"]
BINARY = ["add", "sub", "mul", "maximum", "mm"]
REDUCE = ["sum.dim", "mean.dim"]

step = st.one_of(
    st.tuples(st.just("unary"), st.sampled_from(UNARY), st.integers(0, 9)),
    st.tuples(
        st.just("binary"), st.sampled_from(BINARY), st.integers(0, 9), st.integers(0, 9)
    ),
    st.tuples(st.just("reduce"), st.sampled_from(REDUCE), st.integers(0, 9)),
    st.tuples(st.just("reshape"), st.just("view"), st.integers(0, 9)),
)
cut = st.sampled_from(["none", "none", "no_grad", "detach"])
graphs = st.lists(st.tuples(step, cut), min_size=1, max_size=6)


def _apply_facade(kind, name, xs):
    if kind == "unary":
        (x,) = xs
        return {"neg": lambda: -x, "t": x.t}.get(name, getattr(x, name, None))()
    if kind == "binary":
        a, b = xs
        return {
            "add": lambda: a + b,
            "sub": lambda: a - b,
            "mul": lambda: a * b,
            "maximum": lambda: ft.maximum(a, b),
            "mm": lambda: a @ b,
        }[name]()
    (x,) = xs
    if kind == "reduce":
        f = x.sum if name == "sum.dim" else x.mean
        return f(1, keepdim=True).expand(N, N)
    return x.reshape(N * N).view(N, N)


def _apply_jax(kind, name, xs):
    if kind == "reduce":
        (x,) = xs
        r = OPS[name].forward(x, dim=1, keepdim=True)
        return OPS["expand"].forward(r, shape=(N, N))
    if kind == "reshape":
        (x,) = xs
        flat = OPS["view"].forward(x, shape=(N * N,))
        return OPS["view"].forward(flat, shape=(N, N))
    return OPS[name].forward(*xs)


def _operands(kind, args, pool):
    picks = args if kind == "binary" else args[:1]
    return [pool[i % len(pool)] for i in picks]


def _run_facade(graph, leaves):
    pool = list(leaves)
    for (kind, name, *args), how in graph:
        xs = _operands(kind, args, pool)
        if how == "no_grad":
            with ft.no_grad():
                out = _apply_facade(kind, name, xs)
        else:
            out = _apply_facade(kind, name, xs)
            if how == "detach":
                out = out.detach()
        pool.append(out)
    return sum((v * (i + 1)).sum() for i, v in enumerate(pool[len(leaves) :]))


def _run_jax(graph, leaves):
    pool = list(leaves)
    for (kind, name, *args), how in graph:
        out = _apply_jax(kind, name, _operands(kind, args, pool))
        if how != "none":
            out = jax.lax.stop_gradient(out)
        pool.append(out)
    return sum(jnp.sum(v * (i + 1)) for i, v in enumerate(pool[len(leaves) :]))


@settings(max_examples=25)
@given(graph=graphs, seed=st.integers(0, 2**16))
def test_backward_equals_jax_grad(graph, seed):
    rng = np.random.default_rng(seed)
    # Inputs away from the kinks of relu/abs/maximum, where subgradients may differ.
    arrays = [
        (rng.uniform(0.2, 1.0, (N, N)) * rng.choice([-1, 1], (N, N))).astype(np.float32)
        for _ in range(2)
    ]
    arrays[1] = arrays[1] + np.float32(0.05)  # no ties between the two leaves
    leaves = [ft.tensor(a, requires_grad=True) for a in arrays]
    loss = _run_facade(graph, leaves)
    if loss.requires_grad:
        loss.backward()
    got = [
        leaf.grad.numpy() if leaf.grad is not None else np.zeros((N, N))
        for leaf in leaves
    ]

    want = jax.grad(lambda a, b: _run_jax(graph, [a, b]), argnums=(0, 1))(
        *map(jnp.asarray, arrays)
    )
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5)

    traced = jax.grad(lambda a, b: _run_facade(graph, [a, b])._value, argnums=(0, 1))(
        *(ft.tensor(a) for a in arrays)
    )
    for g, w in zip(got, traced, strict=True):
        np.testing.assert_allclose(g, w.numpy(), rtol=1e-5, atol=1e-5)
