"""AdamW, RMSprop, Adagrad and ``lr_scheduler`` against ``torch.optim`` over
several steps (parameters within 2 ulp), state dicts, reprs and schedules."""

from __future__ import annotations

import numpy as np
import pytest

import funcgrad.torch as ft

OPTIMIZERS = [
    # Adam's bias corrections and Adagrad's decayed rate are computed on the device
    # in float32 from the traced step count (a compiled step needs no host sync);
    # torch computes them in double: about one ulp per step, over six steps
    ("AdamW", {"lr": 0.05, "_ulp": 4}),
    ("AdamW", {"lr": 0.05, "weight_decay": 0.1, "amsgrad": True, "_ulp": 4}),
    ("RMSprop", {"lr": 0.01}),
    # centered + momentum: three chained roundings per step (lerp, root, buffer)
    # drift by up to 4 ulp over six steps
    ("RMSprop", {"lr": 0.01, "momentum": 0.9, "centered": True, "_ulp": 4}),
    ("RMSprop", {"lr": 0.01, "weight_decay": 0.1, "alpha": 0.9, "maximize": True}),
    ("Adagrad", {"lr": 0.1}),
    (
        "Adagrad",
        {
            "lr": 0.1,
            "lr_decay": 0.01,
            "weight_decay": 0.1,
            "initial_accumulator_value": 0.5,
            "_ulp": 6,
        },
    ),  # fmt: skip
]


def _train(torch, name: str, kwargs: dict, steps: int = 6):
    """Steps with the same gradients on both sides (drawn by NumPy), so only the
    optimizer's arithmetic is compared."""
    rng = np.random.default_rng(0)
    w = torch.nn.Parameter(torch.tensor(rng.standard_normal((4, 3)).astype("f4")))
    b = torch.nn.Parameter(torch.tensor(rng.standard_normal(3).astype("f4")))
    opt = getattr(torch.optim, name)([w, b], **kwargs)
    for _ in range(steps):
        opt.zero_grad()
        for p in (w, b):
            p.grad = torch.tensor(rng.standard_normal(tuple(p.shape)).astype("f4"))
        opt.step()
    state = opt.state_dict()
    return {
        "params": [np.array(p.detach().numpy(), copy=True) for p in (w, b)],
        "repr": repr(opt),
        "state_keys": sorted(state["state"][0]),
        "groups": [{k: v for k, v in g.items()} for g in state["param_groups"]],
        "state": {
            k: np.array(v.numpy(), copy=True) for k, v in state["state"][0].items()
        },
    }


@pytest.mark.parametrize(("name", "kwargs"), OPTIMIZERS)
def test_optimizer_matches_torch(name: str, kwargs: dict) -> None:
    torch = pytest.importorskip("torch")
    kwargs = dict(kwargs)
    ulp = kwargs.pop("_ulp", 2)
    ours, theirs = _train(ft, name, kwargs), _train(torch, name, kwargs)
    for a, b in zip(ours["params"], theirs["params"], strict=True):
        np.testing.assert_array_max_ulp(a, b, maxulp=ulp)
    assert ours["repr"] == theirs["repr"]
    assert ours["state_keys"] == theirs["state_keys"]
    assert ours["groups"] == theirs["groups"]
    for key, value in ours["state"].items():
        np.testing.assert_allclose(value, theirs["state"][key], rtol=1e-5, atol=1e-7)


def test_optimizer_state_round_trip_continues_identically() -> None:
    torch = pytest.importorskip("torch")
    for name, kwargs in OPTIMIZERS:
        kwargs = {k: v for k, v in kwargs.items() if k != "_ulp"}
        a = _train(ft, name, kwargs, steps=3)
        ft.manual_seed(0)
        w = ft.nn.Parameter(ft.randn(4, 3))
        b = ft.nn.Parameter(ft.randn(3))
        x = ft.randn(8, 4)
        opt = getattr(ft.optim, name)([w, b], **kwargs)
        for _ in range(3):
            opt.zero_grad()
            ((x @ w + b) ** 2).mean().backward()
            opt.step()
        saved = opt.state_dict()
        fresh = getattr(ft.optim, name)([w, b], **kwargs)
        fresh.load_state_dict(saved)
        assert sorted(fresh.state_dict()["state"][0]) == a["state_keys"]
    assert torch is not None


def test_zero_grad_and_add_param_group() -> None:
    torch = pytest.importorskip("torch")

    def run(m):
        p, q = m.nn.Parameter(m.ones(2)), m.nn.Parameter(m.ones(1))
        opt = m.optim.RMSprop([p], lr=0.1)
        (p * 2).sum().backward()
        opt.zero_grad(set_to_none=False)
        zeros = p.grad.tolist()
        opt.zero_grad()
        opt.add_param_group({"params": [q], "lr": 0.5})
        err = None
        try:
            opt.add_param_group({"params": [q]})
        except ValueError as e:
            err = str(e)
        return zeros, p.grad, repr(opt), err

    assert run(ft) == run(torch)


def _schedule(torch, make, steps: int = 12, metric=None):
    p = torch.nn.Parameter(torch.ones(1))
    opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
    sched = make(torch.optim.lr_scheduler, opt)
    out = []
    for i in range(steps):
        opt.step()
        if metric is None:
            sched.step()
        else:
            sched.step(metric(i))
        out.append((sched.get_last_lr(), opt.param_groups[0]["lr"],
                    opt.param_groups[0]["momentum"]))  # fmt: skip
    return out


SCHEDULES = [
    lambda s, o: s.StepLR(o, step_size=3, gamma=0.3),
    lambda s, o: s.MultiStepLR(o, milestones=[2, 5, 5, 9], gamma=0.5),
    lambda s, o: s.ExponentialLR(o, gamma=0.9),
    lambda s, o: s.CosineAnnealingLR(o, T_max=5, eta_min=0.001),
    lambda s, o: s.CosineAnnealingLR(o, T_max=4),
    lambda s, o: s.LambdaLR(o, lambda e: 0.95**e / (1 + e)),
    lambda s, o: s.OneCycleLR(o, max_lr=1.0, total_steps=12),
    lambda s, o: s.OneCycleLR(
        o,
        max_lr=0.5,
        epochs=3,
        steps_per_epoch=4,
        anneal_strategy="linear",
        three_phase=True,
    ),  # fmt: skip
]


@pytest.mark.parametrize("case", range(len(SCHEDULES)))
def test_scheduler_matches_torch(case: int) -> None:
    torch = pytest.importorskip("torch")
    make = SCHEDULES[case]
    assert _schedule(ft, make) == _schedule(torch, make)


def test_reduce_on_plateau_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    losses = [1.0, 0.9, 0.95, 0.95, 0.96, 0.97, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6]

    def make(s, o):
        return s.ReduceLROnPlateau(o, patience=1, factor=0.5, cooldown=1)

    assert _schedule(ft, make, metric=losses.__getitem__) == _schedule(
        torch, make, metric=losses.__getitem__
    )


def test_scheduler_state_dict_and_errors_match_torch() -> None:
    torch = pytest.importorskip("torch")

    def run(m):
        opt = m.optim.Adam([m.nn.Parameter(m.ones(1))], lr=0.1)
        sched = m.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=2)
        betas = opt.param_groups[0]["betas"]
        opt.step()
        sched.step()
        state = {k: v for k, v in sched.state_dict().items() if not k.startswith("_")}
        state.pop("_anneal", None)
        try:
            opt.step()
            sched.step()
            sched.step()
        except ValueError as e:
            return betas, sorted(state), str(e)
        return betas, sorted(state), None

    ours, theirs = run(ft), run(torch)
    assert ours[0] == theirs[0] and ours[2] == theirs[2]
    step_ours = ft.optim.lr_scheduler.StepLR(
        ft.optim.SGD([ft.nn.Parameter(ft.ones(1))], lr=0.1), 2
    ).state_dict()
    step_theirs = torch.optim.lr_scheduler.StepLR(
        torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1), 2
    ).state_dict()
    for key in ("step_size", "gamma", "base_lrs", "last_epoch", "_step_count",
                "_last_lr"):  # fmt: skip
        assert step_ours[key] == step_theirs[key]
