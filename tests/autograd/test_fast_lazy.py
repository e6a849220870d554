"""Lazy forward values (funcgrad/autograd/fast/lazy.py) compute what the eager
path does."""

from __future__ import annotations

import numpy as np
import pytest

import funcgrad.torch as ft
from funcgrad.autograd import fast
from funcgrad.autograd.fast import _registry, compiled, lazy
from funcgrad.autograd.node import FREED_GRAPH


@pytest.fixture
def fresh():
    """Fresh caches, the fast path on (these tests compare it with the plain path,
    so they run even where the suite runs with ``FUNCGRAD_FAST=0``)."""
    fast.clear_caches(compiled=True)
    previous = fast.set_enabled(True)
    yield
    fast.clear_caches(compiled=True)
    fast.set_enabled(previous)


def _seed_loop(steps: int, on: bool, hook: bool = False, retain: bool = False):
    fast.set_enabled(on)
    ft.manual_seed(0)
    x, y = ft.ones(5), ft.zeros(3)
    w = ft.randn(5, 3, requires_grad=True)
    b = ft.randn(3, requires_grad=True)
    losses, seen = [], []
    for _ in range(steps):
        z = ft.matmul(x, w) + b
        if hook:
            z.register_hook(lambda g: g * 2)
        if retain:
            z.retain_grad()
        loss = ft.nn.functional.binary_cross_entropy_with_logits(z, y)
        loss.backward()
        if retain:
            seen.append(z.grad.tolist())
        with ft.no_grad():
            w -= 0.1 * w.grad
            b -= 0.1 * b.grad
        losses.append(loss.item())
        w.grad.zero_()
        b.grad.zero_()
    return losses, w.detach().numpy(), b.detach().numpy(), seen


def _close(a, b) -> None:
    for u, v in zip(a, b, strict=True):
        np.testing.assert_allclose(np.asarray(u), np.asarray(v), rtol=1e-6, atol=1e-7)


def test_seed_loop_equals_the_eager_path(fresh) -> None:
    eager = _seed_loop(40, on=False)
    fast.clear_caches(compiled=True)
    fused = _seed_loop(40, on=True)
    _close(eager, fused)
    assert len(lazy._programs) <= _registry.CACHE_SIZE


def test_repeated_step_runs_as_one_fused_call(fresh) -> None:
    ft.manual_seed(0)
    x, y = ft.ones(5), ft.zeros(3)
    w = ft.randn(5, 3, requires_grad=True)
    bce = ft.nn.functional.binary_cross_entropy_with_logits
    for _ in range(5):
        loss = bce(ft.matmul(x, w), y)
        loss.backward()
        with ft.no_grad():
            w -= 0.1 * w.grad
        w.grad.zero_()
    # The update is pending until the next backward computes it with the step.
    assert type(w._val) is lazy.Lazy
    loss = bce(ft.matmul(x, w), y)
    assert type(loss._val) is lazy.Lazy
    assert loss.grad_fn.name() == "BinaryCrossEntropyWithLogitsBackward0"
    nodes = loss.grad_fn.next_functions[0][0]
    assert nodes.name() == "SqueezeBackward4"
    assert nodes.next_functions[0][0].name() == "MmBackward0"
    assert loss.shape == () and loss.dtype is ft.float32
    loss.backward()
    assert type(w._val) is not lazy.Lazy or w._val.value is not None
    assert isinstance(loss.item(), float)


@pytest.mark.parametrize("kind", ["hook", "retain"])
def test_hooks_and_retain_grad_take_the_eager_path(fresh, kind) -> None:
    flags = {"hook": kind == "hook", "retain": kind == "retain"}
    eager = _seed_loop(8, on=False, **flags)
    fast.clear_caches(compiled=True)
    fused = _seed_loop(8, on=True, **flags)
    _close(eager, fused)


def _linear_loop(opt_name: str, on: bool, steps: int = 12):
    fast.set_enabled(on)
    ft.manual_seed(0)
    model = ft.nn.Linear(4, 2)
    opt = getattr(ft.optim, opt_name)(model.parameters(), lr=0.05)
    x = ft.randn(8, 4)
    y = ft.rand(8, 2)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = ft.nn.functional.binary_cross_entropy_with_logits(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses, [p.detach().numpy() for p in model.parameters()]


@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
def test_linear_and_optimizers_equal_the_eager_path(fresh, opt_name) -> None:
    eager = _linear_loop(opt_name, on=False)
    fast.clear_caches(compiled=True)
    fused = _linear_loop(opt_name, on=True)
    _close(eager[0], fused[0])
    _close(eager[1], fused[1])


def _warm(w, x) -> None:
    for _ in range(3):
        ft.matmul(x, w).sum().backward()


def test_errors_are_raised_at_the_same_call(fresh) -> None:
    x = ft.ones(2, 5)
    w = ft.randn(5, 3, requires_grad=True)
    _warm(w, x)
    z = x.mm(w)
    assert type(z._val) is lazy.Lazy
    with pytest.raises(RuntimeError, match="cannot be multiplied"):
        z.mm(w)
    with pytest.raises(RuntimeError, match="must match the size"):
        z + ft.ones(4)
    with pytest.raises(ValueError, match="Target size"):
        ft.nn.functional.binary_cross_entropy_with_logits(z, ft.zeros(3))
    with pytest.raises(RuntimeError, match="does not require grad"):
        x.mm(w.detach()).sum().backward()
    loss = z.sum()
    loss.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second"):
        loss.backward()
    assert FREED_GRAPH.startswith("Trying to backward")


def test_pending_chains_are_bounded(fresh) -> None:
    ft.manual_seed(0)
    w = ft.randn(3, requires_grad=True)
    g = ft.ones(3)
    with ft.no_grad():
        for _ in range(3 * lazy.MAX_PENDING):
            w -= 0.01 * g
            v = w._val
            assert type(v) is not lazy.Lazy or v.size <= lazy.MAX_PENDING
    ft.manual_seed(0)
    start = ft.randn(3).numpy()
    expected = start - 3 * lazy.MAX_PENDING * 0.01
    np.testing.assert_allclose(w.detach().numpy(), expected, rtol=1e-5, atol=1e-5)


def test_the_program_cache_is_bounded(fresh, monkeypatch) -> None:
    monkeypatch.setattr(_registry, "CACHE_SIZE", 3)
    for n in range(2, 9):
        w = ft.ones(n, requires_grad=True)
        for _ in range(3):
            (w * 2.0 + 1.0).exp().sum().backward()
        for _ in range(3):
            with ft.no_grad():
                ((w * 3.0) + 1.0).tolist()
    assert len(lazy._programs) <= 3
    assert len(compiled._sweep_fns) <= 3
