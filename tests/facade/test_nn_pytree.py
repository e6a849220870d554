"""Modules as JAX pytrees (``funcgrad/torch/nn/_pytree.py``): ``jax.jit`` and
``jax.grad`` over a module, and every loss traced under ``jit``."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import funcgrad.torch as ft

F = ft.nn.functional
RNG = np.random.default_rng(1)
X = RNG.normal(size=(5, 4)).astype(np.float32)
LABELS = np.array([0, 2, 1, 1, 0])


def _mlp(ns):
    ns.manual_seed(0)
    return ns.nn.Sequential(ns.nn.Linear(4, 8), ns.nn.ReLU(), ns.nn.Linear(8, 3))


def _losses(ns):
    fn = ns.nn.functional
    y, t = ns.tensor(LABELS), ns.ones(5, 3)
    return {
        "cross_entropy": lambda z: fn.cross_entropy(z, y),
        "nll_loss": lambda z: fn.nll_loss(fn.log_softmax(z, 1), y),
        "mse_loss": lambda z: fn.mse_loss(z, t),
        "binary_cross_entropy": lambda z: fn.binary_cross_entropy(ns.sigmoid(z), t),
        "bce_with_logits": lambda z: fn.binary_cross_entropy_with_logits(z, t),
        "CrossEntropyLoss": lambda z: ns.nn.CrossEntropyLoss()(z, y),
        "MSELoss": lambda z: ns.nn.MSELoss(reduction="sum")(z, t),
        "BCELoss": lambda z: ns.nn.BCELoss()(ns.sigmoid(z), t),
        "BCEWithLogitsLoss": lambda z: ns.nn.BCEWithLogitsLoss()(z, t),
        "label_smoothing": lambda z: fn.cross_entropy(z, y, label_smoothing=0.1),
        "smoothing_weighted": lambda z: fn.cross_entropy(
            z, y, weight=ns.tensor([1.0, 2.0, 0.5]), label_smoothing=0.2
        ),
        "cross_entropy_nd": lambda z: fn.cross_entropy(z.reshape(1, 3, 5), y[None]),
        "NLLLoss": lambda z: ns.nn.NLLLoss()(fn.log_softmax(z, 1), y),
        "L1Loss": lambda z: ns.nn.L1Loss()(z, t),
        "SmoothL1Loss": lambda z: ns.nn.SmoothL1Loss()(z, t),
        "HuberLoss": lambda z: ns.nn.HuberLoss(delta=0.5)(z, t),
        "KLDivLoss": lambda z: ns.nn.KLDivLoss(reduction="batchmean")(
            fn.log_softmax(z, 1), fn.softmax(t, 1)
        ),
    }


def test_jit_of_a_module_call_equals_eager() -> None:
    model, x = _mlp(ft), ft.tensor(X)
    out = jax.jit(lambda m, x: m(x))(model, x)
    np.testing.assert_allclose(
        out.detach().numpy(), model(x).detach().numpy(), rtol=1e-6
    )


def test_module_is_rebuilt_with_its_static_state() -> None:
    model = _mlp(ft).eval()
    leaves, tree = jax.tree_util.tree_flatten(model)
    assert len(leaves) == 4
    rebuilt = jax.tree_util.tree_unflatten(tree, leaves)
    assert type(rebuilt) is type(model) and not rebuilt.training
    assert [n for n, _ in rebuilt.named_parameters()] == [
        n for n, _ in model.named_parameters()
    ]
    # training is static: a mode change is a new structure (a retrace under jit)
    assert jax.tree_util.tree_structure(model.train()) != tree


@pytest.mark.parametrize("name", sorted(_losses(ft)))
def test_every_loss_traces_under_jit(name: str) -> None:
    model, x = _mlp(ft), ft.tensor(X)
    loss = _losses(ft)[name]
    got = jax.jit(lambda m: loss(m(x)))(model)
    assert float(got) == pytest.approx(loss(model(x)).item(), rel=1e-6)


@pytest.mark.parametrize("name", sorted(_losses(ft)))
def test_every_loss_equals_torch(name: str) -> None:
    torch = pytest.importorskip("torch")
    got = _losses(ft)[name](_mlp(ft)(ft.tensor(X))).item()
    want = _losses(torch)[name](_mlp(torch)(torch.tensor(X))).item()
    assert got == pytest.approx(want, rel=1e-5)


def test_traced_out_of_range_target_is_nan_not_a_value() -> None:
    out = jax.jit(lambda y: F.nll_loss(ft.zeros(2, 3), y))(ft.tensor([0, 5]))
    assert np.isnan(out.item())


def test_jax_grad_over_a_module_equals_torch_backward() -> None:
    torch = pytest.importorskip("torch")
    model = _mlp(ft)
    grads = jax.grad(
        lambda m: jnp.asarray(F.cross_entropy(m(ft.tensor(X)), ft.tensor(LABELS)))
    )(model)
    tmodel = _mlp(torch)
    torch.nn.functional.cross_entropy(
        tmodel(torch.tensor(X)), torch.tensor(LABELS)
    ).backward()
    for g, p in zip(grads.parameters(), tmodel.parameters(), strict=True):
        np.testing.assert_allclose(g.detach().numpy(), p.grad.numpy(), atol=1e-6)
