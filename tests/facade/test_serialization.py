"""``torch.save`` / ``torch.load``: a safe round trip of tensors, state dicts and
nested containers; files that are not ours (pickles included) are refused."""

from __future__ import annotations

import io
import math
import pickle
import zipfile
from collections import Counter, OrderedDict
from pathlib import Path

import numpy as np
import pytest

import funcgrad.torch as ft


def _roundtrip(obj):
    buf = io.BytesIO()
    ft.save(obj, buf)
    buf.seek(0)
    return ft.load(buf)


def test_nested_containers_round_trip(tmp_path: Path) -> None:
    w = ft.nn.Parameter(ft.randn(2, 3))
    t = ft.tensor([1, 2, 3])
    obj = {
        "w": w, "t": t, "again": t, "half": ft.ones(2, dtype=ft.bfloat16),
        "meta": OrderedDict(epoch=3, loss=0.25, nan=math.nan, inf=-math.inf),
        "tuple": (None, True, "x", b"\x00\x01"), 7: [1.5, [2, {"deep": ft.zeros(1)}]],
        "size": ft.Size([2, 3]), "dtype": ft.float64, "device": ft.device("cpu"),
        "counter": Counter({2: 1, 5: 2}), "array": np.arange(3),
    }  # fmt: skip
    path = tmp_path / "ckpt.pt"
    ft.save(obj, path)
    back = ft.load(path)
    assert list(back) == list(obj)
    assert isinstance(back["w"], ft.nn.Parameter) and back["w"].requires_grad
    assert back["w"].equal(w) and back["t"].equal(t) and back["t"] is back["again"]
    assert back["half"].dtype is ft.bfloat16 and back["half"].tolist() == [1.0, 1.0]
    meta = back["meta"]
    assert isinstance(meta, OrderedDict) and meta["epoch"] == 3
    assert math.isnan(meta["nan"]) and meta["inf"] == -math.inf
    assert back["tuple"] == (None, True, "x", b"\x00\x01")
    assert back[7][1][1]["deep"].tolist() == [0.0]
    assert back["size"] == ft.Size([2, 3]) and back["dtype"] is ft.float64
    assert back["device"] == ft.device("cpu") and back["counter"] == Counter(
        {2: 1, 5: 2}
    )
    assert np.array_equal(back["array"], np.arange(3))


def test_model_and_optimizer_state_round_trip_continue_training(tmp_path) -> None:
    def make():
        ft.manual_seed(0)
        net = ft.nn.Sequential(ft.nn.Linear(3, 4), ft.nn.BatchNorm1d(4),
                               ft.nn.ReLU(), ft.nn.Linear(4, 1))  # fmt: skip
        opt = ft.optim.Adam(net.parameters(), lr=0.01)
        sched = ft.optim.lr_scheduler.StepLR(opt, 2, 0.5)
        return net, opt, sched

    def train(net, opt, sched, steps):
        x, y = ft.ones(8, 3) * ft.arange(8.0).view(8, 1), ft.arange(8.0).view(8, 1)
        for _ in range(steps):
            opt.zero_grad()
            ((net(x) - y) ** 2).mean().backward()
            opt.step()
            sched.step()

    net, opt, sched = make()
    train(net, opt, sched, 3)
    path = tmp_path / "state.pt"
    ft.save({"model": net.state_dict(), "opt": opt.state_dict(),
             "sched": sched.state_dict()}, path)  # fmt: skip
    train(net, opt, sched, 3)
    net2, opt2, sched2 = make()
    state = ft.load(path)
    net2.load_state_dict(state["model"])
    opt2.load_state_dict(state["opt"])
    sched2.load_state_dict(state["sched"])
    train(net2, opt2, sched2, 3)
    for a, b in zip(net.state_dict().values(), net2.state_dict().values(),
                    strict=True):  # fmt: skip
        assert a.equal(b)
    assert sched.get_last_lr() == sched2.get_last_lr()


def test_unsupported_objects_and_foreign_files_are_refused(tmp_path) -> None:
    with pytest.raises(TypeError, match="cannot store an object of type"):
        ft.save({"f": lambda: 0}, io.BytesIO())
    evil = tmp_path / "evil.pt"
    evil.write_bytes(pickle.dumps({"a": 1}))
    with pytest.raises(RuntimeError, match="reads files written by funcgrad"):
        ft.load(evil)
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("data.pkl", pickle.dumps(1))
    with pytest.raises(RuntimeError, match="not one"):
        ft.load(other)
    bad = tmp_path / "bad.pt"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("structure.json", '{"format": "funcgrad.torch.save/1", '
                   '"object": {"pickle": "x"}}')  # fmt: skip
    with pytest.raises(ValueError, match="structure"):
        ft.load(bad)


def test_real_torch_files_are_refused_clearly(tmp_path) -> None:
    torch = pytest.importorskip("torch")
    path = tmp_path / "torch.pt"
    torch.save({"w": torch.ones(2)}, path)
    with pytest.raises(RuntimeError, match="PyTorch's torch.save are not readable"):
        ft.load(path)
