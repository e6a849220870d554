"""The creation functions against real PyTorch: values to the last bit (arange,
linspace, logspace), dtype inference, ``out=``, ``size=`` and ``*_like``."""

from __future__ import annotations

import os
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import funcgrad.torch as ft

torch = pytest.importorskip("torch")

FLOATS = ["float32", "float64", "float16", "bfloat16"]


def _bits(a) -> np.ndarray:
    a = np.asarray(a.float() if a.dtype == torch.bfloat16 else a)
    return a.view(np.uint8)


def _same(got, want) -> None:
    assert got.dtype == getattr(ft, str(want.dtype).removeprefix("torch."))
    assert tuple(got.shape) == tuple(want.shape)
    g = np.asarray(got._value)  # raw storage (no facade op per shape)
    if got.dtype == ft.bfloat16:
        g = g.astype(np.float32)
    np.testing.assert_array_equal(g.view(np.uint8), _bits(want))


def _both(expr: str):
    """``expr`` evaluated with ``m`` bound to torch, then to the facade."""
    out = []
    for m in (torch, ft):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out.append(eval(expr, {"m": m, "np": np}))
    return out


def _cases(seed: int, n: int):
    rng = np.random.default_rng(seed)
    for _ in range(n):
        start = float(rng.uniform(-50, 50))
        step = float(rng.choice([-1, 1]) * rng.uniform(0.001, 3))
        yield start, start + step * int(rng.integers(0, 2500)), step


def test_arange_tenths_length_and_values_pinned() -> None:
    # torch.arange(0, 1, 0.1): ten float32 values, each float32(k * 0.1 in float64).
    x = ft.arange(0, 1, 0.1)
    assert x.shape == (10,)
    assert x.tolist() == [np.float32(k * 0.1).item() for k in range(10)]
    want = torch.arange(0, 1, 0.1)
    _same(x, want)


@pytest.mark.parametrize("dtype", FLOATS)
def test_arange_floats_match_torch_bit_for_bit(dtype: str) -> None:
    for start, end, step in _cases(1, 40):
        t, f = _both(f"m.arange({start!r}, {end!r}, {step!r}, dtype=m.{dtype})")
        _same(f, t)


@pytest.mark.parametrize("dtype", ["int64", "int32", "int16"])
def test_arange_integers_match_torch(dtype: str) -> None:
    for expr in (
        "m.arange(-7, 30, 3, dtype=m.{d})",
        "m.arange(30, -7, -4, dtype=m.{d})",
        "m.arange(0.5, 4, dtype=m.{d})",
        "m.arange(1, 7.5, 1.75, dtype=m.{d})",
    ):
        t, f = _both(expr.format(d=dtype))
        _same(f, t)


@pytest.mark.skipif(
    torch.get_num_threads() != len(os.sched_getaffinity(0)),
    reason="PyTorch's range split follows its thread count",
)
@pytest.mark.parametrize("n", [40000, 70001])
def test_long_aranges_follow_pytorchs_thread_split(n: int) -> None:
    for dtype in ("float32", "float64"):
        t, f = _both(f"m.arange(0.1, 0.1 + 0.37 * {n}, 0.37, dtype=m.{dtype})")
        _same(f, t)


@pytest.mark.parametrize("dtype", [*FLOATS, "int64", "int32", "uint8"])
def test_linspace_and_logspace_match_torch_bit_for_bit(dtype: str) -> None:
    rng = np.random.default_rng(2)
    for _ in range(30):
        a, b = rng.uniform(-50, 50, 2)
        if dtype == "uint8":
            a, b = abs(a), abs(b)
        n = int(rng.integers(0, 300))
        t, f = _both(f"m.linspace({a!r}, {b!r}, {n}, dtype=m.{dtype})")
        _same(f, t)
        if dtype not in ("float16", "bfloat16"):  # see docs/supported.md
            t, f = _both(f"m.logspace({a / 20!r}, {b / 20!r}, {n}, dtype=m.{dtype})")
            _same(f, t)
    t, f = _both("m.logspace(0, 3, 4, base=2)")
    _same(f, t)


@settings(max_examples=25, deadline=None)
@given(
    start=st.floats(-1e3, 1e3),
    span=st.floats(0, 1e3),
    steps=st.integers(0, 200),
    double=st.booleans(),
)
def test_linspace_and_arange_properties_against_torch(start, span, steps, double):
    dtype = "float64" if double else "float32"
    t, f = _both(f"m.linspace({start!r}, {start + span!r}, {steps}, dtype=m.{dtype})")
    _same(f, t)
    if span > 0 and steps > 0:
        step = span / steps
        t, f = _both(
            f"m.arange({start!r}, {start + span!r}, {step!r}, dtype=m.{dtype})"
        )
        _same(f, t)


INFERENCE = [
    "m.tensor([1, 2])",
    "m.tensor([1, 2.5])",
    "m.tensor([True, False])",
    "m.tensor([True, 1])",
    "m.tensor([1, 2j])",
    "m.tensor(3.5)",
    "m.tensor(np.float64(2.5))",
    "m.tensor(np.array([1, 2], np.int16))",
    "m.tensor([np.float64(1.5)])",
    "m.tensor([np.float32(1), 2.0])",
    "m.tensor([np.int32(1), 2])",
    "m.tensor([np.float16(1), 2])",
    "m.tensor([np.int8(1), 2.5])",
    "m.tensor([m.tensor(1.5, dtype=m.float64)])",
    "m.tensor([m.tensor(1, dtype=m.int32), 2])",
    "m.tensor([m.tensor(True), 2])",
    "m.tensor([np.array([1, 2], np.int8), np.array([3, 4], np.int8)])",
    "m.tensor([range(2), range(2)])",
    "m.tensor([[np.float32(1)], [2.0]])",
    "m.tensor([])",
    "m.tensor([1.5], dtype=m.int64)",
    "m.as_tensor([1, 2])",
    "m.as_tensor(np.arange(3.0))",
    "m.as_tensor(np.arange(3, dtype=np.uint8))",
    "m.from_numpy(np.arange(3.0))",
    "m.from_numpy(np.array([True]))",
    "m.full((2,), 1.5)",
    "m.full((2,), 2)",
    "m.full((2,), False)",
    "m.full((2,), 1 + 2j)",
    "m.arange(5)",
    "m.arange(5.0)",
    "m.arange(np.int64(3))",
    "m.arange(m.tensor(4))",
    "m.linspace(m.tensor(0.0), m.tensor(1.0), 3)",
    "m.eye(3, 2)",
    "m.eye(2, dtype=m.int64)",
    "m.zeros([])",
    "m.zeros_like(m.ones(2, dtype=m.int32))",
    "m.ones_like(m.ones(2), dtype=m.float64)",
    "m.full_like(m.ones(2, dtype=m.int64), 2.7)",
    "m.zeros(size=(2, 2))",
    "m.ones(size=[3])",
    "m.rand(size=(2,)).shape",
    "m.randn(size=(1, 2)).shape",
]


@pytest.mark.parametrize("expr", INFERENCE)
def test_dtype_inference_matches_torch(expr: str) -> None:
    t, f = _both(expr)
    assert repr(f) == repr(t)


@pytest.mark.parametrize(
    "expr",
    [
        "m.tensor([1.5])",
        "m.arange(0, 1, 0.25)",
        "m.linspace(0, 1, 3)",
        "m.full((1,), 2.5)",
        "m.zeros(1)",
        "m.rand(2).dtype",
        "m.normal(0.0, 1.0, (1,)).dtype",
        "m.tensor([1j])",
    ],
)
def test_default_float64_is_used_as_torch_uses_it(expr: str) -> None:
    torch.set_default_dtype(torch.float64)
    ft.set_default_dtype(ft.float64)
    try:
        t, f = _both(expr)
    finally:
        torch.set_default_dtype(torch.float32)
        ft.set_default_dtype(ft.float32)
    assert repr(f) == repr(t)


def test_out_writes_into_the_given_tensor_and_returns_it() -> None:
    for expr in (
        "m.zeros(3, out=m.empty(3, dtype=m.int32))",
        "m.ones(2, 2, out=m.empty(3))",
        "m.full((2,), 1.5, out=m.empty(2, dtype=m.int64))",
        "m.eye(2, out=m.empty(0, dtype=m.bool))",
        "m.arange(5, out=m.empty(0))",
        "m.linspace(0, 1, 3, out=m.empty(3, dtype=m.float64))",
        "m.logspace(0, 2, 3, out=m.empty(3))",
        "m.empty(2, out=m.ones(2))",
        "m.zeros(4, out=m.zeros(4)[::2].clone())",
    ):
        t, f = _both(expr)
        assert repr(f) == repr(t)
    o = ft.empty(1, dtype=ft.int32)
    assert ft.zeros(2, 2, out=o) is o and o.shape == (2, 2)
    g = ft.Generator().manual_seed(0)
    r = ft.empty(3, dtype=ft.float64)
    assert ft.rand(3, out=r, generator=g) is r
    assert r.equal(
        ft.rand(3, dtype=ft.float64, generator=ft.Generator().manual_seed(0))
    )


def test_out_errors_match_torch() -> None:
    for expr, kind, text in (
        (
            "m.zeros(3, out=m.empty(3, dtype=m.int32), dtype=m.float32)",
            RuntimeError,
            "dtype Float does not match dtype of out parameter (Int)",
        ),
        (
            "m.ones(2, out=m.empty(2, requires_grad=True))",
            RuntimeError,
            "aten::ones(): functions with out=... arguments don't support automatic "
            "differentiation, but one of the arguments requires grad.",
        ),
        (
            "m.zeros(3, out=5)",
            TypeError,
            "zeros(): argument 'out' must be Tensor, not int",
        ),
        (
            "m.rand(2, out=m.empty(2, dtype=m.int64))",
            NotImplementedError,
            "\"check_uniform_bounds\" not implemented for 'Long'",
        ),
        (
            "m.multinomial(m.ones(2), 1, out=m.empty(1))",
            RuntimeError,
            "multinomial expects Long tensor out, got: Float",
        ),
    ):
        for m in (torch, ft):
            with pytest.raises(kind) as info:
                eval(expr, {"m": m})
            assert str(info.value).splitlines()[0] == text


def test_arange_out_of_another_length_warns_as_torch() -> None:
    for m in (torch, ft):
        with pytest.warns(UserWarning, match="which does not match the computed"):
            out = m.arange(5, out=m.empty(3))
        assert out.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_out_cannot_resize_a_view() -> None:
    base = ft.zeros(6)
    with pytest.raises(RuntimeError, match="cannot resize"):
        ft.zeros(4, out=base[::2])
    same_shape = base[::2]
    ft.ones(3, out=same_shape)
    assert base.tolist() == [1.0, 0.0, 1.0, 0.0, 1.0, 0.0]
