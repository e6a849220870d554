"""``funcgrad.autograd.matmul``: ``matmul``/``@`` over every rank combination,
``tensordot`` and ``inner``, against NumPy (values, and gradients by the
transposed products derived by hand) and, where it is installed, real PyTorch
(the op PyTorch records for each combination)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import funcgrad.torch as ft
from funcgrad.autograd import matmul

RANKS = [(1, 1), (2, 1), (1, 2), (2, 2), (3, 2), (2, 3), (3, 1), (1, 3), (3, 3), (4, 3)]


def _shapes(ra: int, rb: int, n: int, k: int, m: int, b: int):
    a = {1: (k,), 2: (n, k), 3: (b, n, k), 4: (2, b, n, k)}[ra]
    bb = {1: (k,), 2: (k, m), 3: (b, k, m), 4: (2, b, k, m)}[rb]
    return a, bb


@settings(max_examples=30, deadline=None)
@given(
    st.sampled_from(RANKS),
    st.integers(1, 4),
    st.integers(1, 4),
    st.integers(1, 4),
    st.integers(1, 3),
)
def test_matmul_is_numpys_and_its_gradient_the_transposed_products(ranks, n, k, m, b):
    sa, sb = _shapes(*ranks, n, k, m, b)
    rng = np.random.default_rng(n * 64 + k * 16 + m * 4 + b)
    a = rng.standard_normal(sa).astype(np.float32)
    w = rng.standard_normal(sb).astype(np.float32)
    x, y = ft.tensor(a, requires_grad=True), ft.tensor(w, requires_grad=True)
    out = x @ y
    want = np.matmul(a, w)
    np.testing.assert_allclose(out.detach().numpy(), want, rtol=1e-5, atol=1e-6)
    out.sum().backward()
    # d sum(a @ w) / da = ones @ w^T and / dw = a^T @ ones, each summed back to its
    # operand's shape (vectors are a row or column of one, broadcast batches sum).
    a2 = a[None, :] if a.ndim == 1 else a
    w2 = w[:, None] if w.ndim == 1 else w
    ones = np.ones(np.matmul(a2, w2).shape, np.float32)
    ga, gw = ones @ np.swapaxes(w2, -1, -2), np.swapaxes(a2, -1, -2) @ ones
    while ga.ndim > a2.ndim:
        ga = ga.sum(0)
    while gw.ndim > w2.ndim:
        gw = gw.sum(0)
    np.testing.assert_allclose(x.grad.numpy(), ga.reshape(a.shape), rtol=1e-5)
    np.testing.assert_allclose(y.grad.numpy(), gw.reshape(w.shape), rtol=1e-5)


@pytest.mark.parametrize("ranks", RANKS, ids=str)
def test_each_rank_combination_records_pytorchs_op(ranks):
    torch = pytest.importorskip("torch")

    def top(M):
        sa, sb = _shapes(*ranks, 2, 3, 4, 2)
        x = M.ones(sa, requires_grad=True)
        return (x @ M.ones(sb)).grad_fn.name(), x.matmul(M.ones(sb)).shape

    assert top(ft) == top(torch)


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3))
def test_tensordot_and_inner_are_numpys(i, j, k):
    rng = np.random.default_rng(i * 9 + j * 3 + k)
    a = rng.standard_normal((i, j, k)).astype(np.float32)
    w = rng.standard_normal((k, j)).astype(np.float32)
    got = matmul.tensordot(ft.tensor(a), ft.tensor(w), ([1, 2], [1, 0]))
    np.testing.assert_allclose(
        got.numpy(), np.tensordot(a, w, ([1, 2], [1, 0])), rtol=1e-5, atol=1e-6
    )
    v = rng.standard_normal((j, k)).astype(np.float32)
    np.testing.assert_allclose(
        ft.tensor(a).inner(ft.tensor(v)).numpy(), np.inner(a, v), rtol=1e-5, atol=1e-6
    )


def test_errors_are_pytorchs():
    with pytest.raises(RuntimeError, match="both arguments to matmul need to be"):
        ft.ones(()) @ ft.ones(3)
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multipl"):
        ft.ones(2, 3) @ ft.ones(2, 3)
    with pytest.raises(RuntimeError, match="expected m1 and m2 to have the same dtype"):
        ft.ones(2, 3) @ ft.ones(3, 2, dtype=ft.float64)
    with pytest.raises(RuntimeError, match="inner\\(\\) the last dimension must match"):
        ft.ones(2, 3).inner(ft.ones(2))
    with pytest.raises(TypeError, match="unsupported operand type"):
        ft.ones(2) @ "a"
