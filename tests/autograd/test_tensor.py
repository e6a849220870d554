"""The Tensor API, dtype promotion and factories, compared with real PyTorch;
plus the PyTorch behaviours the facade does not copy, as strict xfails."""

from __future__ import annotations

import numpy as np
import pytest

import funcgrad.torch as ft

from .test_engine import assert_like_torch

A = np.array([[1.5, -2.0, 3.25], [0.0, 4.0, -1.0]], np.float32)


@pytest.mark.parametrize(
    "fn",
    [
        lambda M: str(M.tensor(A).shape),
        lambda M: (M.tensor(A).size(), M.tensor(A).size(-1), M.tensor(A).dim()),
        lambda M: (M.tensor(A).numel(), M.tensor(A)[0, 1].item(), M.tensor(A).tolist()),
        lambda M: str(M.tensor(A).dtype),
        lambda M: M.tensor(A).t().stride() + M.tensor(A).expand(2, 2, 3).stride(),
        lambda M: (M.tensor(A).t().is_contiguous(), M.tensor(A).is_contiguous()),
        lambda M: (M.tensor(A) > 0, M.tensor(A) == M.tensor(A).t().t()),
        lambda M: (M.tensor(A).equal(M.tensor(A)), M.tensor(A).allclose(M.tensor(A))),
        lambda M: repr(M.tensor(A).max(1)),
        lambda M: repr(M.tensor(A, requires_grad=True).min(0)),
        lambda M: repr(M.tensor(A).long()),
        lambda M: repr(M.tensor(A).double() + 1),
        lambda M: repr(M.tensor([1, 2]) + 1.5),
        lambda M: repr(M.tensor([1, 2]) / 2),
        lambda M: repr(M.tensor([1, 2]) * 2),
        lambda M: repr(M.tensor([1, 2], dtype=M.int32) + 2),
        lambda M: repr(M.tensor([1, 2], dtype=M.int32) + M.tensor([1, 2])),
        lambda M: repr(M.tensor(2.0, dtype=M.float64) + M.tensor([1.0, 2.0])),
        lambda M: repr(M.tensor([True, False]).sum()),
        lambda M: repr(M.tensor([1, 2]).sigmoid()),
        lambda M: repr(2 ** M.tensor([1, 2])),
        lambda M: repr(M.tensor([1.0, 2.0], requires_grad=True).sum(dtype=None)),
        lambda M: repr(M.arange(5)) + repr(M.arange(0, 1, 0.25)),
        lambda M: repr(M.linspace(0, 1, 5)) + repr(M.eye(2, 3)),
        lambda M: repr(M.full((2,), 7)) + repr(M.full((2,), 7.0)),
        lambda M: repr(M.zeros(2, 3)) + repr(M.ones_like(M.tensor([1, 2]))),
        lambda M: repr(M.from_numpy(np.arange(3, dtype=np.int32))),
        lambda M: repr(M.as_tensor([1.0, 2.0])) + repr(M.zeros_like(M.tensor(A))),
        lambda M: repr(M.tensor(A, requires_grad=True).detach()),
        lambda M: repr(M.tensor(A, requires_grad=True).clone()),
        lambda M: repr(M.tensor(A, requires_grad=True) * 1),
    ],
)
def test_api_matches_torch(fn):
    assert_like_torch(fn)


def test_leaf_flags_and_detach_():
    x = ft.tensor(A, requires_grad=True)
    y = x * 2
    assert (x.is_leaf, y.is_leaf, y.requires_grad) == (True, False, True)
    y.detach_()
    assert (y.is_leaf, y.requires_grad, y.grad_fn) == (True, False, None)
    with pytest.raises(RuntimeError, match="only change requires_grad flags"):
        (x * 2).requires_grad = False


def test_inplace_on_non_leaf_is_recorded():
    x = ft.tensor(A, requires_grad=True)
    y = x * 1
    y += 2
    y *= x
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * A + 2, rtol=1e-6)


def test_grad_is_settable():
    x = ft.tensor(A, requires_grad=True)
    x.grad = ft.ones(2, 3)
    (x * 2).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 3.0)


# --- storage: views and aliases share it, versions count writes -----------------
def test_detach_shares_storage():
    x = ft.tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    d.add_(1)
    assert x.tolist() == [2.0, 3.0]


def test_inplace_on_saved_tensor_raises():
    x = ft.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    z = (y * y).sum()
    with ft.no_grad():
        y.mul_(10)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.backward()


def test_inplace_on_view_changes_base():
    x = ft.zeros(2, 3)
    x[0].fill_(1.0)
    assert x.sum().item() == 3.0


# --- what the facade does not copy ---------------------------------------------


@pytest.mark.xfail(
    strict=True,
    reason="double backward records one facade node per VJP; torch records the "
    "formula's own ops (MulBackward0 for the gradient of x ** 3)",
)
def test_double_backward_node_names():
    x = ft.tensor(2.0, requires_grad=True)
    (g,) = ft.autograd.grad(x**3, x, create_graph=True)
    assert g.grad_fn.name() == "MulBackward0"


def test_float64_precision():
    x = ft.tensor([1.0], dtype=ft.float64) + 1e-12
    assert x.item() == 1.0 + 1e-12  # the float64 sum, exactly
