"""``funcgrad.torch.func`` against real ``torch.func`` (values, gradients,
per-sample gradients of a module), and against ``jax`` where torch is absent."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import funcgrad.torch as ft
from funcgrad.torch import func

RNG = np.random.default_rng(0)
X = RNG.normal(size=(6, 4)).astype(np.float32)
# Real torch.func imports torch.jit.script lazily, which warns on this Python.
pytestmark = pytest.mark.filterwarnings("ignore:.*torch.jit.script:DeprecationWarning")
Y = RNG.normal(size=(6, 1)).astype(np.float32)


def _mlp(torch_ns):
    torch_ns.manual_seed(0)
    return torch_ns.nn.Sequential(
        torch_ns.nn.Linear(4, 5), torch_ns.nn.Tanh(), torch_ns.nn.Linear(5, 1)
    )


def _np(t) -> np.ndarray:
    return np.asarray(t.detach().numpy() if hasattr(t, "detach") else t)


# --- without torch ---


def test_grad_matches_jax_grad() -> None:
    def f(x):
        return (x * x * x).sum()

    x = np.array([1.0, -2.0, 0.5], np.float32)
    got = func.grad(f)(ft.tensor(x))
    want = jax.grad(lambda a: jnp.sum(a**3))(x)
    np.testing.assert_allclose(_np(got), want, rtol=1e-6)
    assert got.grad_fn is None and not got.requires_grad


def test_grad_errors_on_non_scalar() -> None:
    with pytest.raises(RuntimeError, match="return a scalar Tensor, got tensor with 1"):
        func.grad(lambda x: x * 2)(ft.ones(3))
    with pytest.raises(RuntimeError, match="only 1 positional inputs"):
        func.grad(lambda x: x.sum(), argnums=1)(ft.ones(3))


def test_vmap_random_error_mode() -> None:
    with pytest.raises(RuntimeError, match="randomness error mode"):
        func.vmap(lambda x: x + ft.randn(3))(ft.ones(2, 3))
    out = func.vmap(lambda x: x + ft.randn(3), randomness="same")(ft.zeros(2, 3))
    np.testing.assert_array_equal(_np(out[0]), _np(out[1]))


def test_functional_call_leaves_module_unchanged() -> None:
    model = _mlp(ft)
    before = {k: _np(v).copy() for k, v in model.state_dict().items()}
    zeros = {k: ft.zeros(*v.shape) for k, v in model.named_parameters()}
    out = func.functional_call(model, zeros, ft.tensor(X))
    np.testing.assert_array_equal(_np(out), np.zeros((6, 1), np.float32))
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(_np(v), before[k])


def test_functional_call_strict_reports_missing() -> None:
    model = ft.nn.Linear(2, 1)
    with pytest.raises(RuntimeError, match="Missing key"):
        func.functional_call(model, {"weight": ft.ones(1, 2)}, ft.ones(2), strict=True)


# --- against torch.func ---


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def test_per_sample_grads_equal_torch(torch) -> None:
    models = {"ft": _mlp(ft), "torch": _mlp(torch)}
    grads = {}
    for name, ns in (("ft", ft), ("torch", torch)):
        model = models[name]
        params = {k: v.detach() for k, v in model.named_parameters()}
        fn = ft.func if name == "ft" else torch.func

        def loss(p, x, y, model=model, fn=fn, ns=ns):
            out = fn.functional_call(model, p, (x.unsqueeze(0),))
            return ns.nn.functional.mse_loss(out, y.unsqueeze(0))

        g = fn.vmap(fn.grad(loss), in_dims=(None, 0, 0))(
            params, ns.tensor(X), ns.tensor(Y)
        )
        grads[name] = {k: _np(v) for k, v in g.items()}
    assert grads["ft"].keys() == grads["torch"].keys()
    for k in grads["ft"]:
        assert grads["ft"][k].shape[0] == 6
        np.testing.assert_allclose(grads["ft"][k], grads["torch"][k], atol=1e-6)


def test_grad_and_value_has_aux_argnums(torch) -> None:
    def f(ns):
        def fn(a, b):
            loss = (a * b).sum() + (a * a).sum()
            return loss, a * 2

        return fn

    a, b = X[0], X[1]
    got = func.grad_and_value(f(ft), argnums=(0, 1), has_aux=True)(
        ft.tensor(a), ft.tensor(b)
    )
    want = torch.func.grad_and_value(f(torch), argnums=(0, 1), has_aux=True)(
        torch.tensor(a), torch.tensor(b)
    )
    (ga, gb), (v, aux) = got
    (wa, wb), (wv, waux) = want
    for x, y in ((ga, wa), (gb, wb), (v, wv), (aux, waux)):
        np.testing.assert_allclose(_np(x), _np(y), rtol=1e-6)


def test_vjp_jvp_equal_torch(torch) -> None:
    def f(ns):
        return lambda x, w: ns.tanh(ns.matmul(x, w))

    x, w = X, RNG.normal(size=(4, 3)).astype(np.float32)
    ct = RNG.normal(size=(6, 3)).astype(np.float32)
    out, fn = func.vjp(f(ft), ft.tensor(x), ft.tensor(w))
    tout, tfn = torch.func.vjp(f(torch), torch.tensor(x), torch.tensor(w))
    np.testing.assert_allclose(_np(out), _np(tout), rtol=1e-5)
    for g, tg in zip(fn(ft.tensor(ct)), tfn(torch.tensor(ct)), strict=True):
        np.testing.assert_allclose(_np(g), _np(tg), rtol=1e-5, atol=1e-6)
    tx, tw = np.ones_like(x), np.full_like(w, 0.5)
    got = func.jvp(f(ft), (ft.tensor(x), ft.tensor(w)), (ft.tensor(tx), ft.tensor(tw)))
    want = torch.func.jvp(
        f(torch),
        (torch.tensor(x), torch.tensor(w)),
        (torch.tensor(tx), torch.tensor(tw)),
    )
    for g, t in zip(got, want, strict=True):
        np.testing.assert_allclose(_np(g), _np(t), rtol=1e-5, atol=1e-6)


def test_jacobians_and_hessian_equal_torch(torch) -> None:
    def f(ns):
        return lambda x, w: ns.sigmoid(ns.matmul(w, x)) * x.sum()

    x, w = X[0], RNG.normal(size=(3, 4)).astype(np.float32)
    for name in ("jacrev", "jacfwd"):
        got = getattr(func, name)(f(ft), argnums=(0, 1))(ft.tensor(x), ft.tensor(w))
        want = getattr(torch.func, name)(f(torch), argnums=(0, 1))(
            torch.tensor(x), torch.tensor(w)
        )
        for g, t in zip(got, want, strict=True):
            assert tuple(g.shape) == tuple(t.shape)
            np.testing.assert_allclose(_np(g), _np(t), rtol=1e-5, atol=1e-6)

    def g(ns):
        return lambda x: (ns.tanh(x) * x).sum()

    got = func.hessian(g(ft))(ft.tensor(x))
    want = torch.func.hessian(g(torch))(torch.tensor(x))
    np.testing.assert_allclose(_np(got), _np(want), rtol=1e-5, atol=1e-6)


def test_vmap_in_out_dims_equal_torch(torch) -> None:
    a = RNG.normal(size=(5, 3)).astype(np.float32)
    b = RNG.normal(size=(5,)).astype(np.float32)

    def f(ns):
        return lambda x, y: (x * y, (x + y).sum())

    got = func.vmap(f(ft), in_dims=(1, None), out_dims=(1, 0))(
        ft.tensor(a), ft.tensor(b)
    )
    want = torch.func.vmap(f(torch), in_dims=(1, None), out_dims=(1, 0))(
        torch.tensor(a), torch.tensor(b)
    )
    for g, t in zip(got, want, strict=True):
        assert tuple(g.shape) == tuple(t.shape)
        np.testing.assert_allclose(_np(g), _np(t), rtol=1e-6)


def test_ensemble_with_stack_module_state_equals_torch(torch) -> None:
    outs = {}
    for name, ns in (("ft", ft), ("torch", torch)):
        ns.manual_seed(1)
        models = [ns.nn.Linear(4, 2) for _ in range(3)]
        fn = ft.func if name == "ft" else torch.func
        params, buffers = fn.stack_module_state(models)

        def run(p, b, x, fn=fn, base=models[0]):
            return fn.functional_call(base, (p, b), (x,))

        outs[name] = _np(
            fn.vmap(run, in_dims=(0, 0, None))(params, buffers, ns.tensor(X))
        )
    np.testing.assert_allclose(outs["ft"], outs["torch"], rtol=1e-5, atol=1e-6)
