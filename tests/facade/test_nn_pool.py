"""Pooling against real PyTorch: ``MaxPool1d``/``2d`` with ``ceil_mode`` and
``return_indices``, ``AvgPool1d``/``2d`` with ``ceil_mode`` and
``count_include_pad``, ``MaxUnpool2d``: values, indices, gradients, graphs,
reprs and errors."""

from __future__ import annotations

import jax
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import funcgrad.torch as ft

from .test_nn_layers import graph


def _np(t):
    return np.array(t.detach().numpy(), copy=True)


LAYERS = [
    (lambda nn: nn.MaxPool2d(2, ceil_mode=True), (2, 3, 5, 5)),
    (lambda nn: nn.MaxPool2d(3, 2, 1, ceil_mode=True, return_indices=True), (2, 6, 7)),
    (
        lambda nn: nn.MaxPool2d((3, 2), (2, 1), (1, 0), (1, 2), return_indices=True),
        (1, 3, 6, 7),
    ),
    (lambda nn: nn.MaxPool2d(3, 1, 1, dilation=2, ceil_mode=True), (1, 2, 7, 7)),
    (lambda nn: nn.MaxPool1d(3, 2, ceil_mode=True), (2, 3, 8)),
    (lambda nn: nn.MaxPool1d(3, 2, 1, return_indices=True), (3, 8)),
    (
        lambda nn: nn.MaxPool1d(2, dilation=2, ceil_mode=True, return_indices=True),
        (2, 9),
    ),
    (lambda nn: nn.AvgPool1d(3, 2, 1), (2, 3, 8)),
    (lambda nn: nn.AvgPool1d(3, 2, 1, ceil_mode=True, count_include_pad=False), (3, 8)),
    (lambda nn: nn.AvgPool1d(4), (2, 9)),
    (lambda nn: nn.AvgPool2d(3, 2, 1, ceil_mode=True), (2, 3, 6, 6)),
    (lambda nn: nn.AvgPool2d(3, 2, 1, True, False), (2, 3, 6, 6)),
    (lambda nn: nn.AvgPool2d((3, 2), (2, 3), (1, 1), ceil_mode=True), (2, 8, 7)),
    (lambda nn: nn.AvgPool2d(2, ceil_mode=True, divisor_override=3), (2, 3, 5, 5)),
]


def _run(torch, make, shape, seed: int):
    torch.manual_seed(seed)
    layer = make(torch.nn)
    x = torch.randn(*shape, requires_grad=True)
    out = layer(x)
    values, indices = out if isinstance(out, tuple) else (out, None)
    (values * torch.randn(*values.shape)).sum().backward()
    return {
        "repr": repr(layer),
        "out": _np(values),
        "graph": graph(values),
        "indices": None if indices is None else (str(indices.dtype), _np(indices)),
        "x.grad": _np(x.grad),
    }


def _same(ours, theirs) -> None:
    assert ours["repr"] == theirs["repr"]
    assert ours["graph"] == theirs["graph"]
    np.testing.assert_allclose(ours["out"], theirs["out"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours["x.grad"], theirs["x.grad"], rtol=1e-5, atol=1e-6)
    assert (ours["indices"] is None) == (theirs["indices"] is None)
    if theirs["indices"] is not None:
        assert ours["indices"][0] == theirs["indices"][0] == "torch.int64"
        np.testing.assert_array_equal(ours["indices"][1], theirs["indices"][1])


@pytest.mark.parametrize("case", range(len(LAYERS)))
def test_pool_layer_matches_torch(case: int) -> None:
    torch = pytest.importorskip("torch")
    make, shape = LAYERS[case]
    _same(_run(ft, make, shape, case), _run(torch, make, shape, case))


@settings(max_examples=12, deadline=None)
@given(
    st.integers(3, 8), st.integers(3, 8), st.integers(1, 3), st.integers(1, 3),
    st.integers(0, 1), st.integers(1, 2), st.booleans(), st.booleans(),
)  # fmt: skip
def test_max_pool2d_shapes_match_torch(h, w, k, s, p, d, ceil, avg) -> None:
    torch = pytest.importorskip("torch")
    k = max(k, 2 * p)
    if (k - 1) * d + 1 > min(h, w) + 2 * p:
        return  # no window fits: an error, checked in test_pool_errors_match_torch
    if avg:
        make = lambda nn: nn.AvgPool2d(k, s, p, ceil, d == 1)  # noqa: E731
    else:
        make = lambda nn: nn.MaxPool2d(k, s, p, d, True, ceil)  # noqa: E731
    _same(_run(ft, make, (2, h, w), 0), _run(torch, make, (2, h, w), 0))


def test_max_indices_pick_the_first_maximum_and_the_last_nan() -> None:
    """Ties and NaNs as PyTorch's kernel resolves them (numbers by hand)."""
    nan = float("nan")
    x = ft.tensor([[[[1.0, 1.0, nan, 0.0], [1.0, 0.0, nan, 5.0]]]])
    values, indices = ft.nn.functional.max_pool2d(x, 2, return_indices=True)
    assert indices.tolist() == [[[[0, 6]]]]
    assert values[0, 0, 0, 0].item() == 1.0 and np.isnan(values[0, 0, 0, 1].item())
    x = ft.tensor([[[[-1.0, -2.0], [-3.0, -4.0]]]])  # padding never wins
    assert ft.nn.functional.max_pool2d(x, 2, 1, 1, return_indices=True)[1].tolist() == [
        [[[0, 0, 1], [0, 0, 1], [2, 2, 3]]]
    ]


def test_unpool_round_trip_and_gradients_match_torch() -> None:
    torch = pytest.importorskip("torch")

    def run(m):
        m.manual_seed(1)
        x = m.randn(2, 3, 5, 5, requires_grad=True)
        values, indices = m.nn.MaxPool2d(2, 1, return_indices=True)(x)
        unpool = m.nn.MaxUnpool2d(2, 1)
        out = unpool(values, indices, output_size=x.shape)
        (out * m.randn(*out.shape)).sum().backward()
        return repr(unpool), _np(out), graph(out), _np(x.grad)

    ours, theirs = run(ft), run(torch)
    assert ours[0] == theirs[0] and ours[2] == theirs[2]
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-6)
    np.testing.assert_allclose(ours[3], theirs[3], rtol=1e-5, atol=1e-6)


def test_pool_errors_match_torch() -> None:
    torch = pytest.importorskip("torch")

    def outcome(m, fn):
        try:
            fn(m.nn.functional, m)
            return "ok"
        except (RuntimeError, ValueError, IndexError) as e:
            return f"{type(e).__name__}: {e}"

    long = lambda m, *s: m.zeros(*s, dtype=m.long)  # noqa: E731
    cases = [
        lambda F, m: F.max_pool2d(m.ones(1, 1, 2, 2), 3),
        lambda F, m: F.max_pool2d(m.ones(1, 1, 2, 2), 3, return_indices=True),
        lambda F, m: F.max_pool2d(m.ones(1, 1, 4, 4), 2, padding=2),
        lambda F, m: F.max_pool2d(m.ones(1, 1, 4, 4), 3, 1, (1, 2)),
        lambda F, m: F.max_pool2d(m.ones(1, 1, 4, 4), 3, 2, 2, dilation=2),
        lambda F, m: F.max_pool2d(m.ones(4, 4), 2),
        lambda F, m: F.max_pool2d(m.ones(1, 1, 4, 4), 2, stride=0),
        lambda F, m: F.max_pool2d(m.ones(1, 1, 4, 4), (2, 2, 2)),
        lambda F, m: F.max_pool1d(m.ones(4), 2),
        lambda F, m: F.max_pool1d(m.ones(1, 1, 4), (2, 2)),
        lambda F, m: F.max_pool1d(m.ones(1, 1, 4), 3, 2, 2),
        lambda F, m: F.max_pool1d(m.ones(1, 1, 2), 3),
        lambda F, m: F.max_pool1d(m.ones(1, 1, 2), 3, return_indices=True),
        lambda F, m: F.max_pool1d(m.ones(1, 1, 4), 3, 2, 2, return_indices=True),
        lambda F, m: F.avg_pool1d(m.ones(4), 2),
        lambda F, m: F.avg_pool1d(m.ones(1, 4), 5),
        lambda F, m: F.avg_pool2d(m.ones(1, 1, 4, 4), 2, padding=2),
        lambda F, m: F.avg_pool2d(m.ones(2, 4, 4), 5),
        lambda F, m: F.avg_pool2d(m.ones(4, 4), 2),
        lambda F, m: F.avg_pool2d(m.ones(1, 1, 4, 4), 2, divisor_override=0),
        lambda F, m: F.max_unpool2d(
            m.ones(1, 1, 2, 2), long(m, 1, 1, 2, 2), 2, output_size=(6, 6)
        ),  # fmt: skip
        lambda F, m: F.max_unpool2d(
            m.ones(1, 1, 2, 2), long(m, 1, 1, 2, 2), 2, output_size=(2, 2)
        ),  # fmt: skip
        lambda F, m: F.max_unpool2d(
            m.ones(1, 1, 2, 2), long(m, 1, 1, 2, 2), 2, output_size=(1, 1, 5, 5)
        ),  # fmt: skip
        lambda F, m: F.max_unpool2d(m.ones(1, 1, 2, 2), m.zeros(1, 1, 2, 2), 2),
        lambda F, m: F.max_unpool2d(m.ones(2, 2), long(m, 2, 2), 2),
        lambda F, m: F.max_unpool2d(m.ones(1, 2, 2), long(m, 1, 2, 2) - 1, 2),
        lambda F, m: F.max_unpool2d(m.ones(1, 2, 2), long(m, 1, 2, 2) + 16, 2),
    ]
    for fn in cases:
        assert outcome(ft, fn) == outcome(torch, fn)


def test_pooling_runs_under_jit() -> None:
    """Values and indices of a traced input equal the eager ones."""
    x = ft.randn(2, 3, 7, 7)

    def pooled(v):
        values, indices = ft.nn.functional.max_pool2d(
            ft.Tensor(v), 3, 2, 1, ceil_mode=True, return_indices=True
        )
        return values._value, indices._value

    eager = ft.nn.functional.max_pool2d(x, 3, 2, 1, ceil_mode=True, return_indices=True)
    traced = jax.jit(pooled)(x._value)
    np.testing.assert_array_equal(np.asarray(traced[0]), _np(eager[0]))
    np.testing.assert_array_equal(np.asarray(traced[1]), _np(eager[1]))
