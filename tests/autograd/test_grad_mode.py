"""Grad mode: nesting, decorators, threads, exceptions, and the JAX story."""

from __future__ import annotations

import threading

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import funcgrad.torch as ft


def test_nesting_restores_each_level():
    assert ft.is_grad_enabled()
    with ft.no_grad():
        assert not ft.is_grad_enabled()
        with ft.enable_grad():
            assert ft.is_grad_enabled()
            with ft.set_grad_enabled(False):
                assert not ft.is_grad_enabled()
            assert ft.is_grad_enabled()
        assert not ft.is_grad_enabled()
    assert ft.is_grad_enabled()


def test_restored_when_the_block_raises():
    with pytest.raises(ValueError), ft.no_grad():
        raise ValueError("boom")
    assert ft.is_grad_enabled()


def test_decorators_with_and_without_parentheses():
    @ft.no_grad
    def bare():
        return ft.is_grad_enabled()

    @ft.no_grad()
    def called():
        return ft.is_grad_enabled()

    @ft.inference_mode()
    def inference():
        return ft.is_grad_enabled()

    assert (bare(), called(), inference(), ft.is_grad_enabled()) == (
        False,
        False,
        False,
        True,
    )


def test_set_grad_enabled_as_a_function():
    ft.set_grad_enabled(False)
    try:
        assert not ft.is_grad_enabled()
    finally:
        ft.set_grad_enabled(True)
    assert ft.is_grad_enabled()


def test_grad_mode_is_per_thread():
    seen = {}
    entered, release = threading.Event(), threading.Event()

    def worker():
        with ft.no_grad():
            entered.set()
            release.wait(5)
            seen["worker"] = ft.is_grad_enabled()

    t = threading.Thread(target=worker)
    t.start()
    entered.wait(5)
    seen["main"] = ft.is_grad_enabled()
    x = ft.ones(2, requires_grad=True)
    seen["recorded"] = (x * 2).grad_fn is not None
    release.set()
    t.join()
    assert seen == {"worker": False, "main": True, "recorded": True}


def test_no_grad_results_carry_no_graph():
    x = ft.ones(3, requires_grad=True)
    with ft.no_grad():
        y = x * 2
    assert (y.requires_grad, y.grad_fn, y.is_leaf) == (False, None, True)


def test_manual_sgd_idiom_under_no_grad():
    w = ft.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    with ft.no_grad():
        w -= 0.1 * w.grad
        w.grad.zero_()
    np.testing.assert_allclose(w.detach().numpy(), [0.8, 1.6])
    assert w.is_leaf and w.requires_grad
    np.testing.assert_allclose(w.grad.numpy(), [0.0, 0.0])


# --- JAX interop ----------------------------------------------------------------------
def _facade_loss(w, x):
    z = (w * x).sum() * w.sigmoid().sum()
    with ft.no_grad():
        scale = (w * 3).sum()  # a constant to the gradient
    return z * scale + (w.detach() ** 2).sum()


W = np.array([0.5, -1.0, 2.0], np.float32)
X = np.array([1.0, 2.0, -3.0], np.float32)


def _backward_grad():
    w = ft.tensor(W, requires_grad=True)
    _facade_loss(w, ft.tensor(X)).backward()
    return w.grad.numpy()


def test_tensor_is_a_pytree_and_a_jax_array():
    t = ft.tensor(W)
    leaves, tree = jax.tree_util.tree_flatten(t)
    assert len(leaves) == 1
    back = jax.tree_util.tree_unflatten(tree, leaves)
    assert isinstance(back, ft.Tensor) and back.dtype is ft.float32
    np.testing.assert_allclose(jnp.sin(t), np.sin(W), rtol=1e-6)


def test_facade_under_jax_grad_equals_backward():
    def f(w):
        return _facade_loss(w, ft.tensor(X))._value

    expected = _backward_grad()
    np.testing.assert_allclose(jax.grad(f)(ft.tensor(W)).numpy(), expected, rtol=1e-5)
    jitted = jax.jit(jax.grad(f))(ft.tensor(W))
    np.testing.assert_allclose(jitted.numpy(), expected, rtol=1e-5)


def test_no_grad_and_detach_block_jax_grad():
    def blocked(w):
        with ft.no_grad():
            a = (w * w).sum()
        return (a + (w.detach() * 2).sum())._value

    np.testing.assert_array_equal(jax.grad(blocked)(ft.tensor(W)).numpy(), 0.0)
