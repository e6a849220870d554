"""``funcgrad.torch.optim`` (optax underneath) against ``torch.optim``: several
steps, momentum, dampening, Nesterov, weight decay, AMSGrad, a learning-rate
change between steps, skipped parameters, ``state_dict`` round trips."""

from __future__ import annotations

import numpy as np
import pytest

import funcgrad.torch as ft
from funcgrad.torch import optim

# --- without torch ---


def test_sgd_momentum_pinned() -> None:
    w = ft.nn.Parameter(ft.tensor([1.0]))
    opt = optim.SGD([w], lr=0.1, momentum=0.9)
    values = []
    for _ in range(3):
        opt.zero_grad()
        (w * w).sum().backward()  # grad 2w
        opt.step()
        values.append(w.item())
    # buf1 = 2; w = 0.8. buf2 = 0.9*2 + 1.6 = 3.4; w = 0.46. buf3 = 3.06 + 0.92
    assert values == pytest.approx([0.8, 0.46, 0.062], abs=1e-6)
    assert opt.state[w]["momentum_buffer"].item() == pytest.approx(3.98)


def test_adam_first_step_is_lr_times_sign() -> None:
    w = ft.nn.Parameter(ft.tensor([1.0, -2.0, 0.5]))
    opt = optim.Adam([w], lr=0.1)
    (w * w).sum().backward()
    opt.step()
    assert w.tolist() == pytest.approx([0.9, -1.9, 0.4], abs=1e-6)
    state = opt.state_dict()["state"][0]
    assert state["step"].item() == 1.0
    assert state["exp_avg"].tolist() == pytest.approx([0.2, -0.4, 0.1])


def test_step_bumps_version_records_no_graph_and_skips_none_grads() -> None:
    a = ft.nn.Parameter(ft.ones(2))
    b = ft.nn.Parameter(ft.ones(2))
    opt = optim.SGD([a, b], lr=1.0)
    (a * 3).sum().backward()
    v = a._version
    opt.step()
    assert a._version == v + 1 and a.is_leaf and a.grad_fn is None
    assert a.tolist() == [-2.0, -2.0] and b.tolist() == [1.0, 1.0]
    assert b not in opt.state


def test_lr_change_between_steps_is_honoured() -> None:
    w = ft.nn.Parameter(ft.tensor([0.0]))
    opt = optim.SGD([w], lr=1.0)
    w.grad = ft.tensor([1.0])
    opt.step()
    opt.param_groups[0]["lr"] = 0.25
    opt.step()
    assert w.item() == -1.25


def test_zero_grad_modes() -> None:
    w = ft.nn.Parameter(ft.ones(2))
    opt = optim.Adam([w])
    (w * 2).sum().backward()
    opt.zero_grad(set_to_none=False)
    assert w.grad.tolist() == [0.0, 0.0]
    opt.zero_grad()
    assert w.grad is None


def test_param_groups_and_errors() -> None:
    a, b = ft.nn.Parameter(ft.ones(1)), ft.nn.Parameter(ft.ones(1))
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert set(opt.param_groups[0]) == {
        "params", "lr", "momentum", "dampening", "weight_decay", "nesterov",
        "maximize", "foreach", "differentiable", "fused",
    }  # fmt: skip
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        optim.SGD([a], lr=-1)
    with pytest.raises(ValueError, match="Nesterov momentum requires"):
        optim.SGD([a], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="Invalid beta parameter at index 0: 1.0"):
        optim.Adam([a], betas=(1.0, 0.9))
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        optim.Adam([])
    with pytest.raises(TypeError, match="but got torch.FloatTensor"):
        optim.Adam(a)
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [a]})


def test_state_dict_round_trip_continues_identically() -> None:
    def run(steps, opt_from=None):
        w = ft.nn.Parameter(ft.tensor([1.0, -1.0]))
        opt = optim.Adam([w], lr=0.05, amsgrad=True)
        if opt_from is not None:
            w.data = opt_from[0]
            opt.load_state_dict(opt_from[1])
        for _ in range(steps):
            opt.zero_grad()
            (w**4).sum().backward()
            opt.step()
        return w, opt

    w, opt = run(3)
    saved = (w.detach(), opt.state_dict())
    w_cont, _ = run(2, saved)
    w_all, _ = run(5)
    assert w_cont.tolist() == w_all.tolist()


# --- against torch ---


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


CONFIGS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.1, "momentum": 0.5, "nesterov": True, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "maximize": True}),
    ("Adam", {}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.01, "amsgrad": True}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}),
]


def _model_pair(torch, seed=0):
    torch.manual_seed(seed)
    t = torch.nn.Sequential(
        torch.nn.Linear(6, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1)
    )
    ft.manual_seed(seed)
    f = ft.nn.Sequential(ft.nn.Linear(6, 4), ft.nn.ReLU(), ft.nn.Linear(4, 1))
    return f, t


def _assert_params_close(f, t) -> None:
    for fp, tp in zip(f.parameters(), t.parameters(), strict=True):
        np.testing.assert_allclose(
            fp.detach().numpy(), tp.detach().numpy(), rtol=1e-6, atol=1e-6
        )


@pytest.mark.parametrize(("name", "kwargs"), CONFIGS)
def test_training_matches_torch(torch, name, kwargs) -> None:
    rng = np.random.default_rng(1)
    x = rng.standard_normal((16, 6)).astype(np.float32)
    y = (rng.random((16, 1)) > 0.5).astype(np.float32)
    f, t = _model_pair(torch)
    fo = getattr(optim, name)(f.parameters(), **kwargs)
    to = getattr(torch.optim, name)(t.parameters(), **kwargs)
    floss_fn, tloss_fn = ft.nn.BCEWithLogitsLoss(), torch.nn.BCEWithLogitsLoss()
    for step in range(8):
        if step == 4:  # an lr schedule step, as a user writes it
            for g in (*fo.param_groups, *to.param_groups):
                g["lr"] = g["lr"] * 0.3
        fo.zero_grad()
        to.zero_grad()
        fl = floss_fn(f(ft.tensor(x)), ft.tensor(y))
        tl = tloss_fn(t(torch.tensor(x)), torch.tensor(y))
        np.testing.assert_allclose(fl.item(), tl.item(), rtol=1e-5)
        fl.backward()
        tl.backward()
        fo.step()
        to.step()
        _assert_params_close(f, t)
    fs, ts = fo.state_dict(), to.state_dict()
    assert [sorted(s) for s in fs["state"].values()] == [
        sorted(s) for s in ts["state"].values()
    ]
    for fg, tg in zip(fs["param_groups"], ts["param_groups"], strict=True):
        assert fg == tg
    assert repr(fo) == repr(to)


@pytest.mark.parametrize(("name", "kwargs"), [CONFIGS[2], CONFIGS[8]])
def test_state_dict_from_torch_continues_like_torch(torch, name, kwargs) -> None:
    rng = np.random.default_rng(2)
    x = rng.standard_normal((8, 6)).astype(np.float32)
    f, t = _model_pair(torch, seed=3)
    to = getattr(torch.optim, name)(t.parameters(), **kwargs)

    def torch_step():
        to.zero_grad()
        (t(torch.tensor(x)) ** 2).mean().backward()
        to.step()

    for _ in range(3):
        torch_step()
    f.load_state_dict(
        {k: ft.tensor(v.numpy().copy()) for k, v in t.state_dict().items()}
    )
    fo = getattr(optim, name)(f.parameters(), **kwargs)
    fo.load_state_dict(to.state_dict())
    for _ in range(3):
        torch_step()
        fo.zero_grad()
        (f(ft.tensor(x)) ** 2).mean().backward()
        fo.step()
        _assert_params_close(f, t)


def test_skipped_parameter_keeps_its_own_adam_step(torch) -> None:
    fa, fb = ft.nn.Parameter(ft.ones(2)), ft.nn.Parameter(ft.ones(2))
    ta, tb = torch.nn.Parameter(torch.ones(2)), torch.nn.Parameter(torch.ones(2))
    fo, to = optim.Adam([fa, fb], lr=0.1), torch.optim.Adam([ta, tb], lr=0.1)
    for i in range(4):
        fo.zero_grad()
        to.zero_grad()
        ((fa * fa).sum() + ((fb * 3).sum() if i % 2 else 0)).backward()
        ((ta * ta).sum() + ((tb * 3).sum() if i % 2 else 0)).backward()
        fo.step()
        to.step()
    np.testing.assert_allclose(fa.detach().numpy(), ta.detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(fb.detach().numpy(), tb.detach().numpy(), rtol=1e-6)
    assert fo.state[fb]["step"].item() == to.state[tb]["step"].item() == 2.0
