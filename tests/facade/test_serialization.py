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
    with pytest.raises(RuntimeError, match="this is neither"):
        ft.load(other)
    bad = tmp_path / "bad.pt"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("structure.json", '{"format": "funcgrad.torch.save/1", '
                   '"object": {"pickle": "x"}}')  # fmt: skip
    with pytest.raises(ValueError, match="structure"):
        ft.load(bad)


def _torch_objects(torch):
    """What PyTorch users save: a model's and an optimizer's state, tensors of
    every dtype, views, parameters and nested containers of plain values."""
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2), torch.nn.Flatten(),
        torch.nn.Linear(8, 1),
    )  # fmt: skip
    opt = torch.optim.Adam(net.parameters(), lr=0.01)
    net(torch.randn(2, 1, 4, 4)).sum().backward()
    opt.step()
    base = torch.arange(12.0)
    shared = torch.randn(3)
    return {
        "model": net.state_dict(),
        "opt": opt.state_dict(),
        "param": torch.nn.Parameter(torch.randn(2, 2)),
        "frozen": torch.nn.Parameter(torch.ones(1), requires_grad=False),
        "transposed": base.view(3, 4).t(),
        "slice": base[5:9:2],
        "scalar": torch.tensor(2.5, dtype=torch.float64),
        "empty": torch.zeros(0, 3),
        "grad": torch.ones(2, requires_grad=True),
        "dtypes": [torch.arange(3, dtype=d) for d in (torch.int8, torch.uint8,
                   torch.int16, torch.int32, torch.int64, torch.float16,
                   torch.bfloat16, torch.float64)] + [torch.tensor([True, False]),
                   torch.tensor([1 + 2j])],  # fmt: skip
        "same": (shared, shared),
        "meta": {
            "epoch": 3, "loss": 0.25, "nan": float("nan"), "name": "run",
            "none": None, "flags": (True, False), "blob": b"\x00\xff",
            "tags": {"a", "b"}, "z": 1 - 1j, "size": torch.Size([2, 3]),
            "dtype": torch.float16, "device": torch.device("cpu"),
            "counts": Counter(x=2), "big": 2**70,
        },
    }  # fmt: skip


def _plain(obj):
    """``obj`` with tensors as ``(kind, dtype, requires_grad, values)``."""
    if hasattr(obj, "detach") and hasattr(obj, "dtype"):
        kind = "param" if type(obj).__name__ == "Parameter" else "tensor"
        values = obj.detach()
        values = values.float() if str(obj.dtype) == "torch.bfloat16" else values
        return (kind, str(obj.dtype), obj.requires_grad, values.numpy().tolist())
    if isinstance(obj, dict):
        return (type(obj).__name__, [(k, _plain(v)) for k, v in obj.items()])
    if isinstance(obj, list | tuple):
        return (type(obj).__name__, [_plain(v) for v in obj])
    if isinstance(obj, float) and math.isnan(obj):
        return "nan"
    if type(obj).__module__.startswith(("torch", "funcgrad")):
        return repr(obj)  # dtypes, devices, sizes print alike
    return obj


def test_files_written_by_real_torch_load(tmp_path) -> None:
    torch = pytest.importorskip("torch")
    path = tmp_path / "torch.pt"
    saved = _torch_objects(torch)
    torch.save(saved, path)
    ours = ft.load(path)
    assert _plain(ours) == _plain(torch.load(path))
    assert ours["same"][0] is ours["same"][1]
    assert ours["model"]._metadata == saved["model"]._metadata
    assert ft.load(path, map_location="cpu", weights_only=True)["slice"].tolist() == [
        5.0, 7.0,
    ]  # fmt: skip


def test_a_real_torch_state_dict_loads_into_a_facade_model(tmp_path) -> None:
    torch = pytest.importorskip("torch")

    def net(m):
        return m.nn.Sequential(m.nn.Linear(3, 5), m.nn.Tanh(), m.nn.Linear(5, 2))

    torch.manual_seed(1)
    theirs = net(torch)
    path = tmp_path / "model.pt"
    torch.save(theirs.state_dict(), path)
    ours = net(ft)
    assert (
        repr(ours.load_state_dict(ft.load(path))) == "<All keys matched successfully>"
    )
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    np.testing.assert_allclose(
        ours(ft.tensor(x)).detach().numpy(),
        theirs(torch.tensor(x)).detach().numpy(), rtol=1e-6, atol=1e-6,
    )  # fmt: skip


def test_torch_files_naming_other_globals_are_refused(tmp_path) -> None:
    """``weights_only`` semantics whatever the flag: a global outside the
    tensor/container set is named in PyTorch's error, and never called."""
    torch = pytest.importorskip("torch")
    marker = tmp_path / "ran"
    path = tmp_path / "evil.pt"
    torch.save([torch.ones(1), _Runs(str(marker))], path)
    for weights_only in (None, True, False):
        with pytest.raises(pickle.UnpicklingError) as info:
            ft.load(path, weights_only=weights_only)
        assert "Unsupported global: GLOBAL exec was not" in str(info.value)
        assert "Weights only load failed" in str(info.value)
    with pytest.raises(pickle.UnpicklingError, match="GLOBAL exec was not"):
        torch.load(path)  # PyTorch refuses it the same way by default
    assert not marker.exists()
    torch.save({"x": Counter(a=1), "bad": Path("p")}, path)
    with pytest.raises(pickle.UnpicklingError, match="GLOBAL pathlib.PosixPath"):
        ft.load(path)


class _Runs:
    """Pickles as a call of ``exec`` that would create ``marker``."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (exec, (f"open({self.marker!r}, 'w').close()",))
