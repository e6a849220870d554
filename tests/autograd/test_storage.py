"""Storage, views and versions against real PyTorch: every view op's strides,
contiguity, ``_base``, storage and offsets, then writes through the view and
through the base (values and versions both ways), the graphs of in-place autograd
and its errors."""

from __future__ import annotations

import numpy as np
import pytest

import funcgrad.torch as ft

torch = pytest.importorskip("torch")

# Views of a (2, 3, 4) base, each as torch defines it.
VIEWS = {
    "int": lambda b: b[1],
    "slice": lambda b: b[:, 1:3],
    "step": lambda b: b[..., ::2],
    "bare_slice": lambda b: b[:],
    "none": lambda b: b[None, 0],
    "ellipsis": lambda b: b[...],
    "view": lambda b: b.view(6, 4),
    "view_infer": lambda b: b.view(-1),
    "reshape": lambda b: b.reshape(4, 6),
    "transpose": lambda b: b.transpose(0, 2),
    "permute": lambda b: b.permute(2, 0, 1),
    "t": lambda b: b[0].t(),
    "T": lambda b: b[0].T,
    "mT": lambda b: b.mT,
    "unsqueeze": lambda b: b.unsqueeze(1),
    "squeeze": lambda b: b[:, :1].squeeze(1),
    "squeeze_all": lambda b: b[:1, :, :1].squeeze(),
    "expand": lambda b: b[:, :1].expand(2, 3, 4),
    "narrow": lambda b: b.narrow(2, 1, 2),
    "select": lambda b: b.select(1, 2),
    "unbind": lambda b: b.unbind(2)[1],
    "split": lambda b: b.split(2, 2)[1],
    "split_sizes": lambda b: b.split([1, 3], 2)[1],
    "chunk": lambda b: b.chunk(3, 1)[2],
    "diagonal": lambda b: b[0].diagonal(),
    "diagonal_dims": lambda b: b.diagonal(1, 1, 2),
    "unfold": lambda b: b.unfold(2, 2, 2),
    "unfold_overlap": lambda b: b.unfold(2, 2, 1),
    "view_as": lambda b: b.view_as(b.new_zeros(4, 6)) if False else b.view(4, 6),
    "flatten": lambda b: b.flatten(),
    "flatten_dims": lambda b: b.flatten(1),
    "flatten_copy": lambda b: b.transpose(0, 1).flatten(),
    "reshape_copy": lambda b: b.transpose(0, 1).reshape(-1),
    "detach": lambda b: b.detach(),
    "data": lambda b: b.data,
    "view_of_view": lambda b: b[1].t()[2],
    "slice_of_transpose": lambda b: b.transpose(0, 1)[1:, 0],
    # the shape family: views where torch's are, copies where torch's are
    "unflatten": lambda b: b.unflatten(2, (2, 2)),
    "unflatten_transposed": lambda b: b.transpose(0, 2).unflatten(1, (3, 1)),
    "movedim": lambda b: b.movedim(0, 2),
    "moveaxis": lambda b: b.moveaxis((0, 1), (2, 0)),
    "swapaxes": lambda b: b.swapaxes(0, 2),
    "swapdims": lambda b: b.swapdims(1, 2),
    "broadcast_to": lambda b: b[:, :1].broadcast_to((2, 3, 4)),
    "atleast_3d": lambda b: _module(b).atleast_3d(b[0]),
    "atleast_2d": lambda b: _module(b).atleast_2d(b[0, 1]),
    "meshgrid": lambda b: _module(b).meshgrid(b[0, 0], b[1, 1], indexing="xy")[1],
    "einsum_diagonal": lambda b: _module(b).einsum("ii->i", b[1, :, :3]),
    "einsum_permute": lambda b: _module(b).einsum("ijk->kji", b),
    "split_function": lambda b: _module(b).split(b, [1, 3], 2)[1],
    "chunk_function": lambda b: _module(b).chunk(b, 2, 1)[1],
    "unbind_function": lambda b: _module(b).unbind(b, 0)[1],
    "diag_copy": lambda b: _module(b).diag(b[0]),
    "diagflat_copy": lambda b: _module(b).diagflat(b[0, 0]),
    "flip_copy": lambda b: b.flip(0),
    "rot90_copy": lambda b: b.rot90(1, (1, 2)),
    "hstack_copy": lambda b: _module(b).hstack([b[0], b[1]]),
    "tile_copy": lambda b: b.tile(1, 1, 1),
}


def _module(t):
    """The torch-shaped module ``t`` belongs to (views built by its functions)."""
    return ft if isinstance(t, ft.Tensor) else torch


def _err(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the error is the result compared
        return f"{type(e).__name__}: {e}"
    return None


def _view_story(M, make):
    base = M.arange(24.0).reshape(2, 3, 4).clone()
    v = make(base)
    out = {
        "shape": list(v.shape),
        "stride": v.stride(),
        "contiguous": v.is_contiguous(),
        "is_view": v._is_view(),
        "base_is_base": v._base is base,
        "same_storage": v.untyped_storage() == base.untyped_storage(),
        "offset": v.data_ptr() - base.data_ptr() if v._is_view() else None,
    }
    out["write_view"] = _err(lambda: v.add_(100))
    out["after_view"] = (base.tolist(), v.tolist(), base._version, v._version)
    out["write_base"] = _err(lambda: base.mul_(2))
    out["after_base"] = (base.tolist(), v.tolist(), base._version, v._version)
    return out


@pytest.mark.parametrize("name", sorted(set(VIEWS) - {"unfold_overlap"}))
def test_view_shares_storage_like_torch(name):
    make = VIEWS[name]
    assert _view_story(ft, make) == _view_story(torch, make)


def test_write_to_overlapping_view_raises():
    """PyTorch writes overlapping windows one element at a time (each window's
    write sees the previous ones); the facade refuses rather than guess."""
    got, want = (
        _view_story(ft, VIEWS["unfold_overlap"]),
        _view_story(torch, VIEWS["unfold_overlap"]),
    )
    assert want["write_view"] is None
    assert got["write_view"].startswith("RuntimeError: unsupported operation: more")
    assert {k: got[k] for k in ("shape", "stride", "offset")} == {
        k: want[k] for k in ("shape", "stride", "offset")
    }


def _story(fn):
    """``fn(M)`` on both modules: values, versions and graphs as plain data."""

    def run(M):
        try:
            return _plain(fn(M))
        except Exception as e:  # noqa: BLE001 - the error is the result compared
            return f"{type(e).__name__}: {e}"

    return run(ft), run(torch)


def _plain(x):
    if isinstance(x, ft.Tensor | torch.Tensor):
        return ("tensor", np.round(np.asarray(x.detach().tolist()), 5).tolist())
    if isinstance(x, tuple | list):
        return [_plain(i) for i in x]
    if x is None or isinstance(x, int | float | bool | str):
        return x
    return _graph(x)


def _graph(fn):
    """A ``grad_fn``'s name and its inputs' graphs."""
    if fn is None:
        return None
    name = type(fn).__name__ if hasattr(fn, "variable") else repr(fn).split()[0][1:]
    return (name, tuple(_graph(c) for c, _ in fn.next_functions))


def _leaf(M, n=3):
    return M.tensor([1.0, 2.0, 3.0][:n], requires_grad=True)


def _grad_after(M, build):
    x = _leaf(M)
    y = build(M, x)
    y.sum().backward()
    return y.grad_fn, x.grad


STORIES = {
    # autograd through writes on views of a non-leaf: CopySlices / AsStrided
    "slice_mul": lambda M: _grad_after(
        M, lambda M, x: _write(x * 1, lambda b: b[0:2].mul_(3))
    ),
    "select_add": lambda M: _grad_after(
        M, lambda M, x: _write(x * 2, lambda b: b[1].add_(x[0]))
    ),
    "view_graph": lambda M: _view_graph(M),
    "base_then_view": lambda M: _base_then_view(M),
    "two_views": lambda M: _two_views(M),
    "setitem_grad": lambda M: _grad_after(
        M, lambda M, x: _write(x * 1, lambda b: b.__setitem__(0, x[2] * 5))
    ),
    "setitem_mask": lambda M: _grad_after(
        M, lambda M, x: _write(x * 1, lambda b: b.__setitem__(x > 1.5, 0.0))
    ),
    "index_put": lambda M: _grad_after(
        M,
        lambda M, x: _write(x * 1, lambda b: b.index_put_((M.tensor([2]),), x[0] * 3)),
    ),
    "masked_fill": lambda M: _grad_after(
        M,
        lambda M, x: _write(
            x * 1, lambda b: b.masked_fill_(M.tensor([True, False, True]), 4.0)
        ),
    ),
    "index_add": lambda M: _grad_after(
        M,
        lambda M, x: _write(
            x * 1, lambda b: b.index_add_(0, M.tensor([0, 0]), x[1:] * 2)
        ),
    ),
    "scatter": lambda M: _grad_after(
        M,
        lambda M, x: _write(
            x * 1, lambda b: b.scatter_(0, M.tensor([2, 0]), x[:2] * 2)
        ),
    ),
    # errors
    "leaf_inplace": lambda M: _leaf(M).add_(1),
    "view_of_leaf_inplace": lambda M: _leaf(M)[0].add_(1),
    "view_of_leaf_setitem": lambda M: _leaf(M).__setitem__(0, 1.0),
    "detach_view_": lambda M: (_leaf(M) * 1)[0:2].detach_(),
    "detach_view_nograd": lambda M: M.zeros(2, 3).view(6).detach_(),
    "detach_write": lambda M: _detach_write(M),
    "saved_modified": lambda M: _saved_modified(M, lambda y: y.mul_(10)),
    "saved_output_modified": lambda M: _saved_output(M),
    "saved_leaf_input": lambda M: _saved_input(M),
    "unsaved_is_fine": lambda M: _unsaved(M),
    "expand_write": lambda M: M.zeros(3).expand(2, 3).add_(1),
    "index_out_of_range": lambda M: M.zeros(3)[M.tensor([5])],
    "setitem_out_of_range": lambda M: M.zeros(3).__setitem__(M.tensor([5]), 1.0),
    "index_put_out_of_range": lambda M: M.zeros(3).index_put_(
        (M.tensor([-4]),), M.tensor(1.0)
    ),
    "index_add_out_of_range": lambda M: M.zeros(3).index_add_(
        0, M.tensor([5]), M.tensor([1.0])
    ),
    "scatter_out_of_range": lambda M: M.zeros(3).scatter_(
        0, M.tensor([5]), M.tensor([1.0])
    ),
    "versions": lambda M: _versions(M),
    "data_rebind": lambda M: _data_rebind(M),
    "sgd_through_data": lambda M: _sgd_data(M),
}


def _write(b, fn):
    fn(b)
    return b


def _view_graph(M):
    b = _leaf(M) * 1
    v = b[0:2]
    v.mul_(2)
    return b.grad_fn, v.grad_fn, b._version, v._version, b


def _base_then_view(M):
    b = _leaf(M) * 1
    v = b[1:]
    b.add_(5)
    return b.grad_fn, v.grad_fn, v


def _two_views(M):
    x = _leaf(M)
    b = x * 1
    v, w = b[0:2], b[1:]
    v.mul_(x[:2])
    (w * w).sum().backward()
    return w.grad_fn, w, x.grad, w._version


def _detach_write(M):
    x = _leaf(M)
    x.detach()[0].add_(10)
    x.data.mul_(2)
    return x, x._version


def _saved_modified(M, write):
    x = _leaf(M)
    y = x * 1
    z = (y * y).sum()
    write(y)
    z.backward()
    return x.grad


def _saved_output(M):
    x = _leaf(M)
    y = x.exp()
    y.add_(1)
    y.sum().backward()


def _saved_input(M):
    x = _leaf(M)
    c = M.ones(3)
    y = x * c
    c.add_(1)
    y.sum().backward()


def _unsaved(M):
    x = _leaf(M)
    h = x * 1
    y = h + 2  # add saves nothing: a later write to h is harmless
    h.add_(1)
    y.sum().backward()
    return x.grad, h


def _versions(M):
    a = M.zeros(2, 3)
    v = a[0]
    d = a.detach()
    seen = [a._version]
    v.add_(1)
    seen.append((a._version, v._version, d._version))
    a[1] = 5.0
    seen.append((a._version, v._version, d._version))
    d.zero_()
    seen.append((a._version, v._version, d._version))
    return seen, a


def _data_rebind(M):
    w = _leaf(M)
    t = M.zeros(3)
    w.data = t
    t.add_(1)
    return w, w.requires_grad


def _sgd_data(M):
    M.manual_seed(0)
    w = M.tensor([0.5, -0.5], requires_grad=True)
    x = M.tensor([[1.0, 2.0], [3.0, -1.0]])
    y = M.tensor([1.0, 0.0])
    for _ in range(5):
        loss = ((x @ w - y) ** 2).mean()
        loss.backward()
        w.data.sub_(0.1 * w.grad)
        w.grad.zero_()
    return w


@pytest.mark.parametrize("name", sorted(STORIES))
def test_story_like_torch(name):
    got, want = _story(STORIES[name])
    assert got == want
