"""Devices against real PyTorch: ``torch.device``, the default device, moves, and
``torch.cuda`` / ``torch.accelerator`` answering for the JAX backend present."""

from __future__ import annotations

import jax
import pytest

import funcgrad.torch as ft

HAS_ACCELERATOR = any(d.platform != "cpu" for d in jax.devices())


def _outcome(fn):
    try:
        return "ok", repr(fn())
    except Exception as e:  # noqa: BLE001 - the outcome is compared
        return type(e).__name__, str(e)


DEVICE_SPECS = [("cpu",), ("cuda:1",), ("cuda", 0), ("cpu", 0), ("cuda:x",),
                ("foo",), ("cpu", -1), ("cuda:0", 1)]  # fmt: skip


@pytest.mark.parametrize("spec", DEVICE_SPECS)
def test_device_matches_torch(spec) -> None:
    torch = pytest.importorskip("torch")
    assert _outcome(lambda: ft.device(*spec)) == _outcome(lambda: torch.device(*spec))
    if _outcome(lambda: torch.device(*spec))[0] == "ok":
        ours, theirs = ft.device(*spec), torch.device(*spec)
        assert (str(ours), ours.type, ours.index) == (
            str(theirs), theirs.type, theirs.index,
        )  # fmt: skip


def test_device_pinned() -> None:
    d = ft.device("cuda", 1)
    assert (repr(d), str(d), d.type, d.index) == (
        "device(type='cuda', index=1)", "cuda:1", "cuda", 1,
    )  # fmt: skip
    assert ft.device("cpu") == ft.device("cpu") and ft.device("cpu") != "cpu"
    assert len({ft.device("cpu"), ft.device("cpu")}) == 1
    with pytest.raises(AttributeError):
        d.type = "cpu"


def test_tensor_device_and_moves_on_cpu() -> None:
    x = ft.ones(2, requires_grad=True)
    assert repr(x.device) == "device(type='cpu')" and str(x.device) == "cpu"
    assert not x.is_cuda and x.get_device() == -1
    assert x.to("cpu") is x and x.cpu() is x and x.to(ft.device("cpu")) is x
    y = x.to("cpu", ft.float64)
    assert y.dtype is ft.float64 and y.grad_fn.name() == "ToCopyBackward0"
    assert x.to(device="cpu", dtype=ft.float64).dtype is ft.float64
    assert ft.zeros(3, device="cpu").device == ft.device("cpu")
    assert ft.zeros_like(x).device == x.device


@pytest.mark.skipif(HAS_ACCELERATOR, reason="checks the CPU-only answers")
def test_cuda_absent_like_a_cpu_build_of_torch() -> None:
    assert ft.cuda.is_available() is False and ft.cuda.device_count() == 0
    assert ft.accelerator.is_available() is False
    assert ft.accelerator.current_accelerator() is None
    assert ft.get_default_device() == ft.device("cpu")
    for fn in (
        lambda: ft.zeros(1, device="cuda"),
        lambda: ft.ones(1).to("cuda"),
        lambda: ft.ones(1).cuda(),
        lambda: ft.nn.Linear(1, 1).to("cuda"),
        lambda: ft.cuda.current_device(),
    ):
        with pytest.raises(
            AssertionError, match="Torch not compiled with CUDA enabled"
        ):
            fn()


@pytest.mark.skipif(HAS_ACCELERATOR, reason="checks the CPU-only answers")
def test_cuda_absent_matches_torch_cpu_build() -> None:
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("the oracle has CUDA")
    assert ft.cuda.is_available() == torch.cuda.is_available()
    assert ft.accelerator.is_available() == torch.accelerator.is_available()
    for name in ("zeros", "ones"):
        ours = _outcome(lambda n=name: getattr(ft, n)(1, device="cuda"))
        theirs = _outcome(lambda n=name: getattr(torch, n)(1, device="cuda"))
        assert ours == theirs


@pytest.mark.skipif(not HAS_ACCELERATOR, reason="needs a JAX GPU or TPU")
def test_accelerator_is_cuda() -> None:
    assert ft.cuda.is_available() and ft.accelerator.is_available()
    assert ft.accelerator.current_accelerator() == ft.device("cuda")
    x = ft.ones(2, requires_grad=True).to("cuda")
    assert x.device == ft.device("cuda", 0) and x.is_cuda
    (x * x).sum().backward()
    m = ft.nn.Linear(2, 1).cuda()
    assert m.weight.device.type == "cuda"
    back = m(x).cpu()
    assert back.device == ft.device("cpu")
    assert ft.zeros(1, device="cuda").device.type == "cuda"


def test_set_default_device() -> None:
    try:
        ft.set_default_device("cpu")
        assert ft.get_default_device() == ft.device("cpu")
        assert ft.ones(1).device == ft.device("cpu")
        with ft.device("cpu"):
            assert ft.zeros(1).device.type == "cpu"
        if not HAS_ACCELERATOR:
            ft.set_default_device("cuda")  # accepted, as in PyTorch ...
            with pytest.raises(AssertionError):
                ft.zeros(1)  # ... and reported where a tensor is made there
    finally:
        ft.set_default_device(None)
    assert ft.zeros(1).device == ft.get_default_device()


def test_module_to_device_keeps_parameters() -> None:
    m = ft.nn.Linear(2, 2)
    w = m.weight
    assert m.to("cpu") is m and m.weight is w and m.cpu() is m
    m.to(ft.float64)
    assert m.weight.dtype is ft.float64
