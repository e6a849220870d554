"""The engine's fast paths compute exactly what the plain path computes."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import funcgrad.torch as ft
from funcgrad.autograd import fast
from funcgrad.autograd.fast import _registry, compiled
from funcgrad.autograd.fast.forward import forward as compiled_forward
from funcgrad.autograd.node import FREED_GRAPH
from funcgrad.autograd.ops import OPS, register


@pytest.fixture
def fresh():
    """Fresh caches, the fast path on (these tests compare it with the plain path,
    so they run even where the suite runs with ``FUNCGRAD_FAST=0``)."""
    fast.clear_caches(compiled=True)
    previous = fast.set_enabled(True)
    yield
    fast.clear_caches(compiled=True)
    fast.set_enabled(previous)


def _train(steps: int, on: bool):
    fast.set_enabled(on)
    ft.manual_seed(0)
    x, y = ft.randn(4, 5), ft.zeros(4, 3)
    w = ft.randn(5, 3, requires_grad=True)
    b = ft.randn(3, requires_grad=True)
    losses = []
    for _ in range(steps):
        z = ft.matmul(x, w) + b
        loss = ft.nn.functional.binary_cross_entropy_with_logits(z, y)
        loss.backward()
        with ft.no_grad():
            w -= 0.5 * w.grad
            b -= 0.5 * b.grad
        losses.append(loss.item())
        w.grad.zero_()
        b.grad.zero_()
    return losses, w.detach().numpy(), b.detach().numpy()


def test_training_loop_matches_the_plain_path(fresh) -> None:
    plain = _train(6, on=False)
    fused = _train(6, on=True)
    for a, b in zip(plain, fused, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    # Step 1 (no .grad yet) is a graph of its own, seen once; the rest compile once.
    assert len(compiled._sweep_fns) == 1


def test_accumulates_like_the_plain_path(fresh) -> None:
    w = ft.tensor([1.0, 2.0, 3.0], requires_grad=True)
    grads = []
    for _ in range(3):  # first sighting plain, then compiled; .grad accumulates
        (w * w).sum().backward()
        grads.append(w.grad.tolist())
    assert grads == [[2.0, 4.0, 6.0], [4.0, 8.0, 12.0], [6.0, 12.0, 18.0]]


def test_grad_tensor_is_updated_in_place(fresh) -> None:
    w = ft.ones(2, requires_grad=True)
    (w * 2).sum().backward()
    g = w.grad
    for _ in range(2):
        (w * 2).sum().backward()
    assert w.grad is g and g.tolist() == [6.0, 6.0]


def test_second_backward_without_retain_graph_raises(fresh) -> None:
    w = ft.ones(2, requires_grad=True)
    for _ in range(2):
        loss = (w * w).sum()
        loss.backward()
    with pytest.raises(RuntimeError) as err:
        loss.backward()
    assert str(err.value) == FREED_GRAPH


def test_retain_graph_keeps_the_graph(fresh) -> None:
    w = ft.ones(2, requires_grad=True)
    for _ in range(2):
        loss = (w * 3).sum()
        loss.backward(retain_graph=True)
        loss.backward()
    assert w.grad.tolist() == [12.0, 12.0]


def test_hooks_take_the_plain_path(fresh) -> None:
    w = ft.ones(2, requires_grad=True)
    seen = []
    w.register_hook(lambda g: seen.append(g.tolist()))
    for _ in range(3):
        (w * 2).sum().backward()
    assert seen == [[2.0, 2.0]] * 3
    assert not compiled._sweep_fns


def test_retain_grad_takes_the_plain_path(fresh) -> None:
    w = ft.ones(2, requires_grad=True)
    for _ in range(3):
        z = w * 2
        z.retain_grad()
        z.sum().backward()
        assert z.grad.tolist() == [1.0, 1.0]


def test_sweep_cache_is_bounded(fresh, monkeypatch) -> None:
    monkeypatch.setattr(_registry, "CACHE_SIZE", 2)
    w = ft.ones(2, requires_grad=True)
    for k in range(1, 5):
        for _ in range(2):
            (w * w).sum(dim=0, keepdim=bool(k % 2)).sum().backward()
            (w**k).sum().backward()
    assert len(compiled._sweeps) <= 2 and len(compiled._sweep_fns) <= 2


def test_untraceable_forward_falls_back_to_eager(fresh) -> None:
    def pick(a):  # inspects a value: cannot run under jax.jit
        return a * 2 if float(a.sum()) > 0 else a

    register("doctest_pick", pick, "PickBackward0")
    try:
        x = jnp.ones(3)
        outs = [compiled_forward(OPS["doctest_pick"], (x,), {}) for _ in range(3)]
        assert [o.tolist() for o in outs] == [[2.0, 2.0, 2.0]] * 3
    finally:
        OPS.pop("doctest_pick")


def test_forward_errors_are_the_eager_ones(fresh) -> None:
    a = ft.ones(2, 3)
    for _ in range(3):
        with pytest.raises(RuntimeError, match="must match the size"):
            a + ft.ones(4)


def test_under_jax_grad_the_plain_path_runs(fresh) -> None:
    def f(v):
        w = ft.Tensor(v, requires_grad=True)
        return (w * w).sum()._value

    g = [jax.grad(f)(jnp.arange(3.0)) for _ in range(3)]
    np.testing.assert_allclose(g[-1], [0.0, 2.0, 4.0])


def test_constants_keep_signed_zero_and_dtype() -> None:
    t = ft.ones(2)
    t.fill_(-0.0)
    assert np.signbit(t.numpy()).all()
    assert compiled.full((2,), 1, jnp.int32).dtype == jnp.int32
    assert compiled.full((2,), True, jnp.float32).tolist() == [1.0, 1.0]


def test_compiled_sweep_gives_a_parameter_a_plain_tensor_grad(fresh):
    """As PyTorch (and the plain engine): ``.grad`` of a Parameter is a Tensor,
    also when a repeated graph takes the compiled sweep."""
    lin = ft.nn.Linear(2, 1)
    kinds = []
    for _ in range(3):  # first sighting, then the compiled sweep
        lin.zero_grad()
        lin(ft.ones(4, 2)).sum().backward()
        kinds.append(type(lin.weight.grad))
        np.testing.assert_array_equal(lin.weight.grad.numpy(), [[4.0, 4.0]])
    assert kinds == [ft.Tensor] * 3
