"""PyTorch's legacy constructors against real PyTorch: ``torch.Tensor(data)``
(default float), ``torch.Tensor(*sizes)``, ``torch.FloatTensor`` and friends
(constructors and ``isinstance`` checks)."""

from __future__ import annotations

import pytest

import funcgrad.torch as ft

NAMES = "Float Double Half Long Int Short Char Byte Bool".split()


def _legacy(torch):
    out = [
        repr(torch.Tensor([1, 2])), repr(torch.Tensor([[True], [False]])),
        repr(torch.Tensor([-4.0]).double()), torch.Tensor(2, 3).shape,
        str(torch.Tensor(2, 3).dtype), repr(torch.Tensor([])),
    ]  # fmt: skip
    for name in NAMES:
        cls = getattr(torch, f"{name}Tensor")
        t = cls([1, 0])
        out.append((name, repr(t), cls(2, 2).shape, str(cls(2, 2).dtype)))
        one = torch.ones(1, dtype=t.dtype)
        out.append([isinstance(one, getattr(torch, f"{n}Tensor")) for n in NAMES])
    out.append(isinstance(torch.ones(1), torch.Tensor))
    return out


def test_legacy_constructors_match_torch() -> None:
    torch = pytest.importorskip("torch")
    assert _legacy(ft) == _legacy(torch)


def test_legacy_constructors_pinned() -> None:
    assert ft.Tensor([1, 2]).dtype is ft.float32
    assert ft.LongTensor(3).shape == ft.Size([3])
    assert isinstance(ft.tensor([1]), ft.LongTensor)
    assert not isinstance(ft.tensor([1.0]), ft.LongTensor)
    with ft.autograd.set_grad_enabled(False):
        ft.set_default_dtype(ft.float64)
        try:
            assert ft.Tensor(2, 1).dtype is ft.float64
        finally:
            ft.set_default_dtype(ft.float32)
