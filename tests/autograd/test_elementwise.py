"""The elementwise family against real PyTorch where the differential cases do
not reach: gradients at the edges (0, the bounds, ties, NaN), integer and bool
inputs, float64 precision, ``out=``, and random shapes and dtypes (hypothesis).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import funcgrad.torch as ft

torch = pytest.importorskip("torch")

NAN, INF = math.nan, math.inf


def _run(module, fn, arrays, dtype: str, grad: bool):
    """``fn`` on tensors of ``arrays``: value, dtype and the gradient of its sum
    (inputs of a floating ``dtype`` require grad), or the error it raises."""
    xs = [
        module.tensor(a, dtype=getattr(module, dtype), requires_grad=grad)
        for a in arrays
    ]
    try:
        out = fn(module, *xs)
        if grad and out.requires_grad:
            out.sum().backward()
    except Exception as e:  # noqa: BLE001 - the error is the result
        return ("raise", type(e).__name__, str(e).split("\n")[0])
    grads = [None if x.grad is None else x.grad.numpy() for x in xs]
    return ("value", out.detach().numpy(), str(out.dtype), grads)


def check_like_torch(fn, arrays, dtype="float32", rtol=1e-6, atol=0.0):
    grad = dtype.startswith("float")
    want = _run(torch, fn, arrays, dtype, grad)
    got = _run(ft, fn, arrays, dtype, grad)
    if want[0] == "raise":
        assert got == want
        return
    assert got[0] == "value", got
    assert got[2] == want[2]
    np.testing.assert_allclose(got[1], want[1], rtol=rtol, atol=atol)
    for g, w in zip(got[3], want[3], strict=True):
        assert (g is None) == (w is None)
        if w is not None:
            np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)


# --- gradients at the edges -----------------------------------------------------
EDGES = {
    "abs at 0 and NaN": (lambda M, x: x.abs(), [[0.0, -0.0, 2.0, -2.0, NAN]]),
    "sign": (lambda M, x: x.sign() * x, [[0.0, -0.0, 2.0, NAN]]),
    "floor ceil round trunc": (
        lambda M, x: x.floor() + x.ceil() + x.round() + x.trunc() + x.frac(),
        [[0.5, -1.5, 2.5, 0.0, INF]],
    ),
    "round decimals": (
        lambda M, x: x.round(decimals=2) + M.round(x, decimals=-1),
        [[0.125, -1.555, 1234.5, 15.0]],
    ),
    "clamp at its bounds": (
        lambda M, x: x.clamp(0, 1) + x.clip(max=0.5) + x.clamp(min=1),
        [[-1.0, 0.0, 0.5, 1.0, 2.0, NAN]],
    ),
    "clamp with crossed bounds": (lambda M, x: x.clamp(1, 0), [[-1.0, 0.5, 2.0]]),
    "clamp with tensor bounds and NaN": (
        lambda M, x, lo, hi: M.clamp(x, lo, hi),
        [
            [NAN, 0.0, 1.0, 0.5, 2.0, 0.0, 1.0],
            [0.0, NAN, 0.0, 1.0, 0.0, 0.0, 0.0],
            [1.0, 1.0, NAN, 0.0, 1.0, 1.0, 1.0],
        ],
    ),
    "clamp_min/max ties": (
        lambda M, x, b: x.clamp_min(b) + M.clamp_max(x, b) + x.clamp_min(1.0),
        [[0.0, 1.0, 2.0, NAN], [1.0, 1.0, 1.0, 1.0]],
    ),
    "maximum/minimum ties and NaN": (
        lambda M, x, y: M.maximum(x, y) + x.minimum(y) * 2,
        [[NAN, 1.0, 2.0, 0.0], [1.0, NAN, 2.0, -1.0]],
    ),
    "atan2 at the origin": (
        lambda M, x, y: M.atan2(x, y),
        [[0.0, 0.0, 1.0, -0.0], [0.0, -0.0, 0.0, -1.0]],
    ),
    "hypot at the origin": (lambda M, x, y: M.hypot(x, y), [[0.0, 3.0], [0.0, 4.0]]),
    "where keeps NaN out": (
        lambda M, x: M.where(x > 0, x, 1.0).sqrt() + M.where(x > 0, 0.0, x),
        [[-1.0, 0.0, 4.0]],
    ),
    "where lets NaN through a masked sqrt": (
        lambda M, x: M.where(x > 0, x.sqrt(), 0.0),
        [[-1.0, 4.0]],
    ),
    "fmod/remainder by zero and signs": (
        lambda M, x, y: M.fmod(x, y) + M.remainder(x, y) * 2,
        [[-1.5, 3.0, 1.0, 1e-30, -3.0], [0.7, 0.0, 1.0, -1.0, INF]],
    ),
    "fmod/remainder by a scalar": (
        lambda M, x: x.fmod(-0.75) + x.remainder(0.75) + x % -0.5,
        [[-1.5, 3.0, 0.0, 2.25]],
    ),
    "pow at 0": (
        lambda M, x, e: M.pow(x, e) + x**0 + x**2,
        [[0.0, 0.0, 0.0, -1.0, 2.0], [2.0, 0.0, -1.0, 0.5, 3.0]],
    ),
    "logit inside and outside [0, 1]": (
        lambda M, x: x.logit(),
        [[-0.5, 0.0, 0.25, 1.0, 1.5]],
    ),
    "logit eps bounds": (
        lambda M, x: M.logit(x, eps=0.25),
        [[-0.5, 0.1, 0.25, 0.5, 0.75, 0.9]],
    ),
    "sqrt rsqrt log reciprocal at 0": (
        lambda M, x: x.sqrt() + x.rsqrt() + x.log() + x.reciprocal() + x.log1p(),
        [[0.0, 1.0, -1.0]],
    ),
    "asin acos atanh at 1": (
        lambda M, x: x.asin() + x.acos() + x.atanh(),
        [[1.0, -1.0, 0.5, 2.0]],
    ),
    "lerp weights around 0.5": (
        lambda M, a, b, w: M.lerp(a, b, w) + a.lerp(b, 0.5) + a.lerp(b, -0.75),
        [[1.0, 2.0, -1.0], [3.0, 5.0, 4.0], [0.3, 0.5, -0.6]],
    ),
    "softplus over the threshold": (
        lambda M, x: M.nn.functional.softplus(x, beta=2, threshold=1),
        [[0.4, 0.5, 0.6, 100.0, -100.0]],
    ),
    "relu at 0": (lambda M, x: x.relu(), [[0.0, -1.0, 1.0]]),
}


@pytest.mark.parametrize("name", sorted(EDGES))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_edges_match_pytorch(name, dtype):
    fn, arrays = EDGES[name]
    check_like_torch(fn, arrays, dtype)


# --- integer and bool inputs ----------------------------------------------------
UNARY = (
    "sin cos tan asin acos atan sinh cosh tanh asinh acosh atanh exp exp2 expm1 "
    "log log2 log10 log1p sqrt rsqrt erf erfc sigmoid logit reciprocal abs absolute "
    "sign neg negative floor ceil round trunc fix frac square relu arcsin arccos "
    "arctan arcsinh arccosh arctanh"
).split()
INTEGRAL = ["int64", "int32", "uint8", "bool"]


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("dtype", INTEGRAL)
def test_unary_on_integers(name, dtype):
    values = [[0, 1, 2, 3]] if dtype in ("uint8", "bool") else [[-3, 0, 1, 2]]
    if dtype == "bool":
        values = [[True, False, True, False]]
    check_like_torch(lambda M, x: getattr(M, name)(x), values, dtype, rtol=1e-6)


@pytest.mark.parametrize("name", ["sin", "exp", "sqrt", "round", "abs", "sign"])
@pytest.mark.parametrize("dtype", ["int64", "float32"])
def test_inplace_keeps_the_dtype_or_refuses(name, dtype):
    check_like_torch(lambda M, x: getattr(x, name + "_")(), [[1, 4, 0]], dtype)


BINARY = {
    "atan2": lambda M, a, b: M.atan2(a, b),
    "hypot": lambda M, a, b: M.hypot(a, b),
    "maximum": lambda M, a, b: M.maximum(a, b),
    "minimum": lambda M, a, b: a.minimum(b),
    "fmod": lambda M, a, b: M.fmod(a, b),
    "remainder": lambda M, a, b: M.remainder(a, b),
    "pow": lambda M, a, b: M.pow(a, b),
    "clamp": lambda M, a, b: M.clamp(a, b, b + 2),
    "where": lambda M, a, b: M.where(a > 0, a, b),
    "lerp": lambda M, a, b: M.lerp(a, b, 0.25),
    "fmod scalar": lambda M, a, b: M.fmod(a, 3),
    "remainder scalar": lambda M, a, b: M.remainder(a, -3) + b * 0,
    "clamp scalars": lambda M, a, b: M.clamp(a, -1, 2),
    "clamp float bounds": lambda M, a, b: M.clamp(a, -0.5, 1.5),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@pytest.mark.parametrize("dtype", [*INTEGRAL, "int8"])
def test_binary_on_integers(name, dtype):
    if dtype == "bool":
        arrays = [[True, False, True], [True, True, False]]
    elif dtype == "uint8":
        arrays = [[7, 0, 5], [2, 3, 1]]
    else:
        arrays = [[7, -7, 0], [2, 3, -4]]
    check_like_torch(BINARY[name], arrays, dtype)


@pytest.mark.parametrize(
    "code",
    [
        "torch.fmod(torch.tensor([1, 2]), 0)",
        "torch.remainder(torch.tensor([1, 2]), torch.tensor([1, 0]))",
        "torch.tensor([3, 4]) % 0",
        "torch.fmod(torch.tensor([1, 2]), 0.0)",
        "torch.pow(torch.tensor([2, 3]), -1)",
        "torch.pow(torch.tensor([0, 1, -1, 2, -2]), torch.tensor([-1, -1, -3, -1, -4]))"
        "[1:]",
        "torch.round(torch.tensor([1, 2]), decimals=1)",
        "torch.round(torch.tensor([1, 2]), decimals=0)",
        "torch.round(torch.tensor([1.5, 2.5]), 1)",
        "torch.lerp(torch.tensor([1.0]), torch.tensor([2.0]).double(), 0.5)",
        "torch.lerp(torch.tensor([1]), torch.tensor([2]), 0.5)",
        "torch.lerp(torch.tensor([1.0]), 2.0, 0.5)",
        "torch.clamp(torch.ones(2), torch.zeros(2), 1.0)",
        "torch.clamp(torch.ones(2))",
        "torch.clamp(torch.ones(3), torch.zeros(2))",
        "torch.where(torch.tensor([1, 0]), 1.0, 0.0)",
        "torch.where(torch.tensor([True, False]), 1, 0)",
        "torch.where(torch.tensor([True, False]), 1, 0.5)",
        "torch.where(torch.tensor([[True, False], [False, True]]))",
        "torch.atan2(torch.ones(2), 2.0)",
        "torch.ones(2).maximum(2.0)",
        "torch.sin(2.0)",
        "torch.sin(torch.ones(1), torch.ones(1))",
        "torch.ones(2).where_",
        "torch.tensor([1, 2]).sin_()",
    ],
)
def test_errors_and_scalars_as_pytorch(code):
    def run(module):
        try:
            return ("value", repr(eval(code, {"torch": module})))
        except Exception as e:  # noqa: BLE001 - the error is the result
            return ("raise", type(e).__name__, str(e).split("\n")[0])

    assert run(ft) == run(torch)


# --- float64 ----------------------------------------------------------------------
@pytest.mark.parametrize("name", UNARY)
def test_float64_is_computed_in_float64(name):
    rng = np.random.default_rng(0)
    x = rng.uniform(0.05, 0.95, 16)  # inside every domain but acosh's
    if "cosh" in name and "a" in name:
        x = x + 1.0
    # float32 would miss by ~1e-7; float64 agrees to ~1e-15
    check_like_torch(lambda M, a: getattr(M, name)(a), [x], "float64", rtol=1e-13)


@pytest.mark.parametrize("name", sorted(set(BINARY) - {"clamp float bounds"}))
def test_binary_float64(name):
    rng = np.random.default_rng(1)
    a, b = rng.uniform(0.1, 3.0, (2, 8))
    check_like_torch(BINARY[name], [a, b], "float64", rtol=1e-13)


# --- out= -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "code",
    [
        "o = torch.empty(2); r = torch.sin(torch.tensor([1.0, 2.0]), out=o); r is o",
        "o = torch.empty(2, dtype=torch.float64); torch.exp(torch.ones(2), out=o); o",
        "o = torch.empty(2, dtype=torch.long); torch.exp(torch.ones(2), out=o)",
        "o = torch.empty(2); torch.exp(torch.ones(2, requires_grad=True), out=o)",
        "o = torch.empty(2, requires_grad=True); torch.exp(torch.ones(2), out=o)",
        "o = torch.empty(2); torch.clamp(torch.tensor([-1.0, 2.0]), 0, 1, out=o); o",
        "o = torch.empty(2); torch.where(torch.tensor([True, False]), 1.0, 0.0, out=o)",
        "o = torch.empty(2); torch.atan2(torch.ones(2), torch.ones(2), out=o); o",
        "o = torch.empty(2); torch.round(torch.ones(2), decimals=1, out=o); o",
        "x = torch.ones(2, requires_grad=True)\nwith torch.no_grad():\n"
        "    o = torch.exp(x, out=torch.empty(2))\no",
    ],
)
def test_out(code):
    def run(module):
        *body, last = code.split("\n")
        scope = {"torch": module}
        try:
            exec("\n".join(body) + "\n" + last.rsplit(";", 1)[0], scope)
            return ("value", repr(eval(last.rsplit(";", 1)[-1], scope)))
        except Exception as e:  # noqa: BLE001 - the error is the result
            return ("raise", type(e).__name__, str(e).split("\n")[0])

    assert run(ft) == run(torch)


def test_out_of_another_shape_is_refused_not_resized():
    with pytest.raises(RuntimeError, match="does not resize out"):
        ft.exp(ft.ones(2), out=ft.empty(3))


# --- random shapes, broadcasting and dtypes ------------------------------------------
def _shapes():
    dims = st.lists(st.integers(1, 3), min_size=0, max_size=3)
    return dims.flatmap(
        lambda s: st.tuples(
            st.just(tuple(s)),
            st.lists(st.sampled_from([0, 1]), min_size=len(s), max_size=len(s)).map(
                lambda keep: tuple(d if k else 1 for d, k in zip(s, keep, strict=True))
            ),
        )
    )


def _unary(name: str):
    return lambda M, a, b: getattr(M, name)(a)


FAMILY = {
    **{n: _unary(n) for n in UNARY},
    **BINARY,
    "softplus": lambda M, a, b: M.nn.functional.softplus(a, 2.0, 1.0),
    "logit eps": lambda M, a, b: a.logit(0.2),
}


@settings(max_examples=40, deadline=None)
@given(
    name=st.sampled_from(sorted(FAMILY)),
    shapes=_shapes(),
    dtype=st.sampled_from(["float32", "float64", "int64"]),
    seed=st.integers(0, 2**16),
    swap=st.booleans(),
)
def test_family_matches_pytorch_on_random_shapes(name, shapes, dtype, seed, swap):
    rng = np.random.default_rng(seed)
    shape_a, shape_b = shapes[::-1] if swap else shapes
    if dtype == "int64":
        a, b = rng.integers(-4, 5, shape_a), rng.integers(1, 5, shape_b)
    else:
        a, b = rng.standard_normal(shape_a) * 2, rng.standard_normal(shape_b) * 2
    rtol = 1e-5 if dtype == "float32" else 1e-12
    check_like_torch(FAMILY[name], [a, b], dtype, rtol=rtol, atol=1e-6)


@pytest.mark.parametrize(
    "fn",
    [
        lambda M, t: M.hypot(t, t + 1),
        lambda M, t: M.where(t > 0.1, t, t * 2),
        lambda M, t: M.clamp(t, 0.1, 1.0) + M.maximum(t, t * 0.5),
        lambda M, t: M.lerp(t, t * 2, 0.3) + M.fmod(t, t + 1),
    ],
)
def test_torch_func_transforms_pass_raw_arrays(fn):
    # inside torch.func transforms the facade's functions meet JAX arrays
    x = [0.5, 0.0, 2.0]
    got = ft.func.jacrev(lambda t: fn(ft, t))(ft.tensor(x))
    want = torch.func.jacrev(lambda t: fn(torch, t))(torch.tensor(x))
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)
