"""``funcgrad.autograd.views``: view ops against NumPy's views (values, strides,
and writes through the view seen by the base) and, where it is installed, real
PyTorch (strides and the node each op records, view or copy)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import funcgrad.torch as ft
from funcgrad.autograd import views

# (facade view, NumPy view) of a (2, 3, 4) array.
VIEWS = {
    "transpose": (lambda t: t.transpose(0, 2), lambda a: a.transpose(2, 1, 0)),
    "permute": (lambda t: t.permute(1, 2, 0), lambda a: a.transpose(1, 2, 0)),
    "view": (lambda t: t.view(6, 4), lambda a: a.reshape(6, 4)),
    "flatten": (lambda t: t.flatten(1), lambda a: a.reshape(2, 12)),
    "unsqueeze": (lambda t: t.unsqueeze(1), lambda a: a[:, None]),
    "squeeze": (lambda t: t[:1].squeeze(0), lambda a: a[0]),
    "select": (lambda t: t.select(2, 1), lambda a: a[:, :, 1]),
    "narrow": (lambda t: t.narrow(2, 1, 2), lambda a: a[:, :, 1:3]),
    "diagonal": (
        lambda t: t.diagonal(0, 1, 2),
        lambda a: np.einsum("ijj->ij", a[:, :, :3]),  # a writeable diagonal view
    ),
    "unfold": (
        lambda t: t.unfold(2, 2, 2),
        lambda a: np.lib.stride_tricks.sliding_window_view(
            a, 2, axis=2, writeable=True
        )[:, :, ::2],
    ),
    "movedim": (lambda t: t.movedim(0, -1), lambda a: np.moveaxis(a, 0, -1)),
    "split": (lambda t: t.split(3, dim=2)[1], lambda a: a[:, :, 3:]),
    "t_of_select": (lambda t: t[0].t(), lambda a: a[0].T),
    "mT": (lambda t: t.mT, lambda a: np.swapaxes(a, -1, -2)),
}


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(sorted(VIEWS)), st.integers(0, 2**31 - 1))
def test_a_view_is_numpys_view_and_shares_the_storage(name, seed):
    facade, numpy = VIEWS[name]
    a = np.random.default_rng(seed).standard_normal((2, 3, 4)).astype(np.float32)
    base = ft.tensor(a.copy())
    v = facade(base)
    want = numpy(a)
    np.testing.assert_array_equal(v.numpy(), want)
    assert v.stride() == tuple(s // a.itemsize for s in want.strides)
    # A write through the view is seen by the base, where NumPy's view writes.
    before = base._version
    v.fill_(7.0)
    numpy(a)[...] = 7.0
    np.testing.assert_array_equal(base.numpy(), a)
    assert base._version == v._version > before


def test_reshape_copies_only_where_no_view_exists():
    x = ft.arange(6.0).reshape(2, 3)
    assert x.reshape(3, 2).data_ptr() == x.data_ptr()  # contiguous: a view
    y = x.t().reshape(6)  # transposed: a copy, in the transposed order
    assert y.tolist() == [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]
    y.fill_(0.0)
    assert x.sum().item() == 15.0
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        x.t().view(6)


def test_views_errors_are_pytorchs():
    x = ft.zeros(2, 3)
    with pytest.raises(RuntimeError, match="shape '\\[4\\]' is invalid for input"):
        x.view(4)
    with pytest.raises(RuntimeError, match="t\\(\\) expects a tensor with <= 2"):
        ft.zeros(1, 2, 3).t()
    with pytest.raises(RuntimeError, match="movedim: repeated dim in `source`"):
        x.movedim((0, 0), (0, 1))
    with pytest.warns(UserWarning, match="The use of `x.T` on tensors of dimension"):
        assert ft.zeros(1, 2, 3).T.shape == (3, 2, 1)


@pytest.mark.parametrize(
    "op",
    [
        lambda t: t.transpose(0, 1),
        lambda t: t.view(3, 2),
        lambda t: t.t().reshape(6),
        lambda t: t.reshape(3, 2),
        lambda t: t.expand(4, 2, 3),
        lambda t: t.unsqueeze(0).squeeze(0),
        lambda t: t.narrow(1, 1, 2),
        lambda t: t.unfold(1, 2, 1),
        lambda t: t.unflatten(1, (3, 1)),
        lambda t: t.chunk(2, 1)[1],
        lambda t: t.unbind(1)[2],
        lambda t: t.broadcast_to((2, 2, 3)),
    ],
)
def test_strides_and_nodes_are_pytorchs(op):
    torch = pytest.importorskip("torch")

    def run(M):
        x = M.arange(6.0).reshape(2, 3).requires_grad_()
        out = op(x)
        names, fn = [], out.grad_fn
        while fn is not None and not fn.name().endswith("AccumulateGrad"):
            names.append(fn.name())
            fn = fn.next_functions[0][0] if fn.next_functions else None
        return tuple(out.shape), out.stride(), names

    assert run(ft) == run(torch)


def test_the_module_gives_tensor_its_view_methods():
    assert ft.Tensor.view is views.view and ft.Tensor.reshape is views.reshape
