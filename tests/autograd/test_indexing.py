"""``funcgrad.autograd.indexing``: reads and writes through keys of every kind,
against NumPy's indexing (values, and the gradient as a scatter-add of the
upstream gradient) and, where it is installed, real PyTorch (the recorded graph
and its error messages)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import funcgrad.torch as ft
from funcgrad.autograd import indexing

KEYS = st.sampled_from(
    [
        0,
        -1,
        slice(None, None, 2),
        (slice(1, None), 0),
        (Ellipsis, 1),
        (None, 0),
        [0, 2, 0],
        ([0, 1], [1, 2]),
        (slice(None), [2, 0]),
    ]
)


def _numpy_key(key):
    if isinstance(key, tuple):
        return tuple(np.asarray(k) if isinstance(k, list) else k for k in key)
    return np.asarray(key) if isinstance(key, list) else key


def _facade_key(key):
    if isinstance(key, tuple):
        return tuple(ft.tensor(k) if isinstance(k, list) else k for k in key)
    return ft.tensor(key) if isinstance(key, list) else key


@settings(max_examples=25, deadline=None)
@given(KEYS, st.integers(0, 2**31 - 1))
def test_a_read_takes_numpys_values_and_scatters_its_gradient(key, seed):
    a = np.random.default_rng(seed).standard_normal((3, 4)).astype(np.float32)
    x = ft.tensor(a, requires_grad=True)
    out = indexing.getitem(x, _facade_key(key))
    want = a[_numpy_key(key)]
    np.testing.assert_array_equal(out.detach().numpy(), want)
    upstream = np.random.default_rng(seed + 1).standard_normal(want.shape)
    out.backward(ft.tensor(upstream.astype(np.float32)))
    grad = np.zeros_like(a)
    np.add.at(grad, _numpy_key(key), upstream.astype(np.float32))
    np.testing.assert_allclose(x.grad.numpy(), grad, rtol=1e-6)


@settings(max_examples=25, deadline=None)
@given(KEYS, st.booleans(), st.integers(0, 2**31 - 1))
def test_a_write_is_numpys_assignment_or_scatter_add(key, accumulate, seed):
    a = np.random.default_rng(seed).standard_normal((3, 4)).astype(np.float32)
    shape = a[_numpy_key(key)].shape
    v = np.random.default_rng(seed + 1).standard_normal(shape).astype(np.float32)
    x = ft.tensor(a)
    indexing.setitem(x, _facade_key(key), ft.tensor(v), accumulate=accumulate)
    want = a.copy()
    if accumulate:
        np.add.at(want, _numpy_key(key), v)
    else:
        want[_numpy_key(key)] = v
    np.testing.assert_allclose(x.numpy(), want, rtol=1e-6)


def test_tensor_methods_are_this_modules_functions():
    x = ft.zeros(4)
    x[ft.tensor([1, 3])] = 2.0
    x.index_put_((ft.tensor([3]),), ft.tensor([1.0]), accumulate=True)
    assert x.tolist() == [0.0, 2.0, 0.0, 3.0]
    assert x[1:3].tolist() == indexing.getitem(x, slice(1, 3)).tolist() == [2.0, 0.0]


def test_an_index_out_of_range_raises_before_jax_clamps_it():
    x = ft.zeros(2, 3)
    with pytest.raises(IndexError, match="index 3 is out of bounds for dimension 1"):
        x[0, 3]
    with pytest.raises(IndexError, match="too many indices for tensor of dimension 2"):
        x[0, 0, 0]
    with pytest.raises(RuntimeError, match="shape mismatch"):
        x[ft.tensor([0, 1])] = ft.ones(4)


@pytest.mark.parametrize(
    "key",
    [(0, slice(1, None)), (slice(None), [2, 0]), (None, Ellipsis, 1), [True, False]],
    ids=str,
)
def test_the_recorded_graph_is_pytorchs(key):
    torch = pytest.importorskip("torch")

    def graph(M):
        x = M.arange(6.0).reshape(2, 3).requires_grad_()
        k = key if not isinstance(key, list) else M.tensor(key)
        fn, names = x[k].grad_fn, []
        while fn is not None and not fn.name().endswith("AccumulateGrad"):
            names.append(fn.name())
            fn = fn.next_functions[0][0]
        return names

    assert graph(ft) == graph(torch)
