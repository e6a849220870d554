"""Random sequences of views and in-place writes, run on PyTorch and on the
facade side by side: after every step, every tensor made so far must hold the
same values and version in both."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import funcgrad.torch as ft

torch = pytest.importorskip("torch")


def _views(draw, shape):
    """A view op valid for ``shape``, as a function of a tensor."""
    nd = len(shape)
    menu = ["unsqueeze", "reshape", "alias"]
    if nd:
        menu += ["select", "narrow", "step", "unbind", "split"]
    if nd >= 2:
        menu += ["transpose", "diagonal"]
    if nd <= 2:
        menu += ["t"]
    kind = draw(st.sampled_from(menu))
    d = draw(st.integers(0, max(nd - 1, 0)))
    if kind == "unsqueeze":
        k = draw(st.integers(0, nd))
        return lambda x: x.unsqueeze(k)
    if kind == "reshape":
        return lambda x: x.reshape(-1)
    if kind == "alias":
        return lambda x: x[...]
    if kind == "t":
        return lambda x: x.t()
    n = shape[d] if nd else 0
    if n == 0 and kind in ("select", "unbind"):
        return lambda x: x[...]
    if kind == "select":
        i = draw(st.integers(-n, n - 1))
        return lambda x: x.select(d, i)
    if kind == "narrow":
        start = draw(st.integers(0, n))
        length = draw(st.integers(0, n - start))
        return lambda x: x.narrow(d, start, length)
    if kind == "step":
        step = draw(st.integers(1, 3))
        return lambda x: x[(slice(None),) * d + (slice(None, None, step),)]
    if kind == "unbind":
        i = draw(st.integers(0, n - 1))
        return lambda x: x.unbind(d)[i]
    if kind == "split":
        size = draw(st.integers(1, max(n, 1)))
        i = draw(st.integers(0, max((n - 1) // size, 0)))
        return lambda x: x.split(size, d)[i]
    d2 = draw(st.integers(0, nd - 1).filter(lambda e: e != d))
    if kind == "transpose":
        return lambda x: x.transpose(d, d2)
    off = draw(st.integers(-1, 1))
    return lambda x: x.diagonal(off, d, d2)


def _writes(draw, shape):
    """An in-place write, as a function of a tensor and the module."""
    kind = draw(st.sampled_from(["add", "mul", "fill", "zero", "setitem", "copy"]))
    k = draw(st.sampled_from([-2.0, 0.5, 3.0]))
    if kind == "add":
        return lambda x, M: x.add_(k)
    if kind == "mul":
        return lambda x, M: x.mul_(k)
    if kind == "fill":
        return lambda x, M: x.fill_(k)
    if kind == "zero":
        return lambda x, M: x.zero_()
    if kind == "copy":
        return lambda x, M: x.copy_(M.full(tuple(x.shape), k))
    if not shape or not shape[0]:
        return lambda x, M: x.add_(k)
    i = draw(st.integers(0, shape[0] - 1))
    return lambda x, M: x.__setitem__(i, k)


def _state(tensors):
    return [(np.asarray(t.tolist()).tolist(), t._version) for t in tensors]


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_views_and_writes_like_torch(data):
    pools = {
        ft: [ft.arange(12.0).reshape(3, 4)],
        torch: [torch.arange(12.0).reshape(3, 4)],
    }
    for _ in range(data.draw(st.integers(1, 7))):
        i = data.draw(st.integers(0, len(pools[ft]) - 1))
        shape = tuple(pools[torch][i].shape)
        if data.draw(st.booleans()):
            make = _views(data.draw, shape)
            for pool in pools.values():
                pool.append(make(pool[i]))
        else:
            write = _writes(data.draw, shape)
            errors = []
            for M, pool in pools.items():
                try:
                    write(pool[i], M)
                    errors.append(None)
                except RuntimeError as e:
                    errors.append(str(e))
            assert errors[0] == errors[1]
        assert _state(pools[ft]) == _state(pools[torch])
