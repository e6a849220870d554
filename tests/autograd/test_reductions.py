"""Reductions, norms and sorting against real PyTorch over random shapes, dims and
options (hypothesis), in float64 (computed 64 bits wide) and on integer, bool and
``uint8`` input, whose results carry no gradient: values, dtypes, indices,
gradients."""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import funcgrad.torch as ft
from funcgrad.autograd.ops import norms

torch = pytest.importorskip("torch")


@st.composite
def shaped(draw, min_dims=1):
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=min_dims, max_size=3)))
    seed = draw(st.integers(0, 2**16))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    return np.random.default_rng(seed).standard_normal(shape), dim


def _pair(M, a, dim, keepdim):
    """``(name, result)`` of every reduction of ``a`` along ``dim``."""
    n = a.shape[dim]
    return {
        "sum": a.sum(dim, keepdim),
        "mean": M.mean(a, (dim,), keepdim),
        "prod": a.prod(dim, keepdim),
        "amax": a.amax(dim, keepdim),
        "amin": M.amin(a, dim, keepdim),
        "var": a.var(dim, keepdim=keepdim, correction=0),
        "std": M.std(a, dim, keepdim=keepdim, correction=0),
        "logsumexp": a.logsumexp(dim, keepdim),
        "cumsum": a.cumsum(dim),
        "cumprod": M.cumprod(a, dim),
        "norm": a.norm(3, dim, keepdim),
        "norm_inf": M.linalg.vector_norm(a, -math.inf, dim, keepdim),
        "max": a.max(dim, keepdim),
        "median": a.median(dim, keepdim),
        "sort": M.sort(a, dim, descending=keepdim),
        "topk": a.topk((n + 1) // 2, dim, largest=keepdim),
        "kthvalue": M.kthvalue(a, n, dim, keepdim),
    }


def _results(M, array, dim, keepdim):
    out = {}
    for name in _pair(M, M.tensor(array), dim, keepdim):
        x = M.tensor(array, requires_grad=True)
        y = _pair(M, x, dim, keepdim)[name]
        values, indices = (y[0], y[1].numpy()) if isinstance(y, tuple) else (y, None)
        w = np.cos(np.arange(values.numel())).reshape(tuple(values.shape))
        values.backward(M.tensor(w))
        out[name] = (
            values.detach().numpy(),
            str(values.dtype),
            indices,
            x.grad.numpy(),
        )
    return out


@settings(max_examples=10, deadline=None)
@given(shaped(), st.booleans())
def test_reductions_match_torch_in_float64(drawn, keepdim):
    array, dim = drawn
    got = _results(ft, array, dim, keepdim)
    want = _results(torch, array, dim, keepdim)
    for name, (value, dtype, indices, grad) in want.items():
        g_value, g_dtype, g_indices, g_grad = got[name]
        assert g_dtype == dtype == "torch.float64", name
        np.testing.assert_allclose(g_value, value, rtol=1e-10, atol=1e-12, err_msg=name)
        if indices is not None:  # random reals: no ties, positions are specified
            np.testing.assert_array_equal(g_indices, indices, err_msg=name)
        np.testing.assert_allclose(g_grad, grad, rtol=1e-9, atol=1e-12, err_msg=name)


INTEGRAL = ["int64", "int32", "uint8", "bool"]


def _integral(M, dtype, shape=(3, 4), seed=0):
    array = np.random.default_rng(seed).integers(0, 3, shape)
    return M.tensor(array).to(getattr(M, dtype))


def _same(got, want):
    if isinstance(want, tuple):
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            _same(g, w)
        return
    assert str(got.dtype) == str(want.dtype)
    assert got.shape == want.shape
    if got.dtype.is_floating_point:  # logsumexp: float32, rounded its own way
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)
    else:
        np.testing.assert_array_equal(got.numpy(), want.numpy())


CALLS = {
    "sum": lambda M, t: (t.sum(), t.sum(1), M.sum(t, (0, 1), keepdim=True)),
    "prod": lambda M, t: (t.prod(), M.prod(t, 0, dtype=M.float64)),
    "cumsum": lambda M, t: (t.cumsum(1), M.cumsum(t, 0, dtype=M.int32)),
    "cumprod": lambda M, t: (t.cumprod(0),),
    "amax": lambda M, t: (t.amax(), M.amin(t, 1, keepdim=True)),
    "max": lambda M, t: (t.max(), t.max(1), M.min(t, 0, True)),
    "argmax": lambda M, t: (t.argmax(), t.argmax(1), M.argmin(t, 0, keepdim=True)),
    "all": lambda M, t: (t.all(), M.all(t, 1), t.any(0, keepdim=True), M.any(t)),
    "count_nonzero": lambda M, t: (t.count_nonzero(), M.count_nonzero(t, (0, 1))),
    "argsort": lambda M, t: (t.argsort(1), M.argsort(t, 0, descending=True)),
    "sort": lambda M, t: (t.sort(1), t.sort(0, descending=True)),
    "unique": lambda M, t: (
        M.unique(t, return_inverse=True, return_counts=True),
        t.unique(dim=1, return_inverse=True),
    ),
    "logsumexp": lambda M, t: (t.logsumexp(1),),
    "mode": lambda M, t: (t.mode(), M.mode(t, 0, keepdim=True)),
}


@pytest.mark.parametrize("dtype", INTEGRAL)
@pytest.mark.parametrize("name", sorted(CALLS))
def test_integral_inputs_match_torch(name, dtype):
    want_error = _raises(lambda: CALLS[name](torch, _integral(torch, dtype)))
    if want_error is not None:
        with pytest.raises(type(want_error)) as got_error:
            CALLS[name](ft, _integral(ft, dtype))
        assert str(got_error.value) == str(want_error)
        return
    got = CALLS[name](ft, _integral(ft, dtype))
    want = CALLS[name](torch, _integral(torch, dtype))
    _same(got, want)


def _raises(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the error is the answer
        return e
    return None


def test_unique_has_no_derivative_as_in_torch():
    for M in (ft, torch):
        x = M.tensor([2.0, 1.0, 2.0], requires_grad=True)
        with pytest.raises(NotImplementedError, match="'_unique2' is not implemented"):
            x.unique().sum().backward()
        y = M.tensor([[2.0, 1.0], [2.0, 1.0]], requires_grad=True)
        with pytest.raises(
            NotImplementedError, match="'unique_dim' is not implemented"
        ):
            y.unique(dim=0).sum().backward()


def test_norm_zero_ord_counts_nonzeros_and_torch_leaves_no_gradient():
    # PyTorch's norm_backward returns an undefined gradient for ord=0 (x.grad is
    # None); the registry's derivative is the zero it stands for.
    x = ft.tensor([0.0, 2.0, -3.0], requires_grad=True)
    n = x.norm(0)
    n.backward()
    assert n.item() == 2.0 and n.grad_fn.name() == "LinalgVectorNormBackward0"
    assert x.grad.tolist() == [0.0, 0.0, 0.0]


def test_vector_norm_gradient_is_torchs_formula_under_jax_grad():
    # Under jax.grad (no facade tensors) the norm keeps its masked gradient.
    g = jax.grad(lambda v: norms.vector_norm(v, 2.0, (0,)))(jnp.zeros(3))
    assert g.tolist() == [0.0, 0.0, 0.0]
    g = jax.grad(lambda v: norms.vector_norm(v, math.inf, (0,)))(jnp.array([1.0, -1.0]))
    assert g.tolist() == [0.5, -0.5]


def test_second_derivative_through_norm_and_std_matches_torch():
    def run(M):
        x = M.tensor([[1.0, -2.0, 0.5], [0.3, 0.2, -1.0]], requires_grad=True)
        y = x.norm(3, 1).sum() + x.std(0).sum() + x.logsumexp(1).sum()
        (g,) = M.autograd.grad(y, x, create_graph=True)
        (gg,) = M.autograd.grad((g * g).sum(), x)
        return g.detach().numpy(), gg.numpy()

    for got, want in zip(run(ft), run(torch), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_float64_input_computes_in_float64():
    x = np.array([1.0, 1.0 + 1e-12, 1.0 + 2e-12])
    got = ft.tensor(x).var()
    want = torch.tensor(x).var()
    assert str(got.dtype) == "torch.float64"
    np.testing.assert_allclose(got.item(), want.item(), rtol=1e-9)
    assert got.item() > 0


def test_var_warns_when_degrees_of_freedom_run_out():
    with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
        value = ft.tensor([[1.0, 2.0]]).var(0)
    assert np.isnan(value.numpy()).all()


def _tied_results(M, array, dim, descending):
    """Results whose positions PyTorch specifies even with ties (the stable sort,
    the first extreme, the mode's last occurrence) and the gradients through them."""
    calls = {
        "sort": lambda x: x.sort(dim=dim, descending=descending, stable=True),
        "max": lambda x: x.max(dim),
        "min": lambda x: M.min(x, dim, keepdim=True),
        "mode": lambda x: x.mode(dim),
        "amax": lambda x: x.amax(dim),
        "amin": lambda x: M.amin(x, (dim,), keepdim=True),
        "max_all": lambda x: x.max(),
        "median_all": lambda x: x.median(),
    }
    out = {}
    for name, call in calls.items():
        x = M.tensor(array, requires_grad=True)
        y = call(x)
        values, indices = (y[0], y[1].numpy()) if isinstance(y, tuple) else (y, None)
        w = np.cos(np.arange(values.numel())).reshape(tuple(values.shape))
        values.backward(M.tensor(w))
        out[name] = (values.detach().numpy(), indices, x.grad.numpy())
    t = M.tensor(array)
    out["argmax"] = (t.argmax().numpy(), t.argmax(dim).numpy(), t.argmin(dim).numpy())
    out["argsort"] = (M.argsort(t, dim, descending=descending).numpy(),)
    out["unique"] = tuple(
        r.numpy() for r in t.unique(return_inverse=True, return_counts=True)
    )
    return out


@settings(max_examples=10, deadline=None)
@given(shaped(), st.booleans())
def test_ties_resolve_as_torch_resolves_them(drawn, descending):
    array, dim = drawn
    array = np.round(array)  # few distinct values: many ties
    got = _tied_results(ft, array, dim, descending)
    want = _tied_results(torch, array, dim, descending)
    for name, parts in want.items():
        for g, w in zip(got[name], parts, strict=True):
            if w is None:
                assert g is None
            else:
                np.testing.assert_allclose(g, w, rtol=1e-12, err_msg=name)


def _loss(M, x):
    values, _ = x.sort(1, descending=True)
    return (
        x.norm(3, 1).sum()
        + values[:, 0].sum()
        + x.max(0).values.sum()
        + x.amax(1).sum()
        + x.std(0).sum()
        + x.logsumexp(1).sum()
        + x.cumprod(1).sum()
        + x.topk(2, 0).values.prod()
        + M.linalg.matrix_norm(x, "nuc")
    )


def test_traced_gradients_match_torch():
    """The same code under ``torch.func.grad`` and ``torch.compile`` (traced by
    JAX, indices included) gives PyTorch's gradient."""
    array = np.random.default_rng(3).standard_normal((3, 4)).astype(np.float32)
    x = torch.tensor(array, requires_grad=True)
    _loss(torch, x).backward()
    traced = ft.func.grad(lambda t: _loss(ft, t))(ft.tensor(array))
    np.testing.assert_allclose(traced.numpy(), x.grad.numpy(), rtol=1e-4, atol=1e-5)

    @ft.compile
    def step(t):
        loss = _loss(ft, t)
        loss.backward()
        return loss

    y = ft.tensor(array, requires_grad=True)
    loss = step(y)
    np.testing.assert_allclose(loss.item(), _loss(torch, x).item(), rtol=1e-5)
    np.testing.assert_allclose(y.grad.numpy(), x.grad.numpy(), rtol=1e-4, atol=1e-5)
