"""Tests of the functional core, ``funcgrad.functional``.

Real PyTorch is the oracle where it is installed: every comparing test starts with
``torch = pytest.importorskip("torch")``. The hand-derived expectations and the
float64 NumPy reference below keep the suite checking values and gradients where
torch is absent.

The random comparisons run our functions under ``jax.jit`` (one compilation per
input shape, which keeps hypothesis affordable); ``test_jit_matches_eager`` ties
the jitted results to the eager ones.
"""

from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from jax.test_util import check_grads

from funcgrad.functional import (
    LinearParams,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    init_linear,
    linear,
    loss,
)

REDUCTIONS = ("mean", "sum", "none")
LOG2 = math.log(2.0)

# Tolerances. Values and gradients are compared with a relative tolerance (1e-5 in
# float32, 1e-12 in float64) plus an absolute floor for results near 0. That floor
# is not a fixed number: a result near 0 here is what is left after cancelling
# terms (``(1 - t) * z`` against ``log(sigmoid(z))``, ``sigmoid(z)`` against ``t``,
# ``x.T @ dz`` over a batch of mixed signs), and each of those terms carries a
# rounding error of about eps times its own magnitude, in torch and in XLA alike.
# So the floor is ULPS * eps * (the float64 magnitude of the terms combined),
# computed by the ``_*_scales`` helpers. A fixed atol would be too loose for a small
# loss or far too tight at logits of 1e30, where one ulp of a term is about 1e23.
ULPS = 16
RTOL = {np.dtype(np.float32): 1e-5, np.dtype(np.float64): 1e-12}


@pytest.fixture(autouse=True, scope="module")
def _torch_on_one_thread():
    """The tensors here are tiny: torch's intra-op thread pool only adds hand-off
    cost (several-fold per call). Restored when the module is done."""
    try:
        import torch
    except ImportError:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def assert_close(actual, expected, *, scale=0.0, err=""):
    """``|actual - expected| <= rtol * |expected| + ULPS * eps * scale``."""
    a = np.asarray(actual)
    e = np.asarray(expected)
    assert a.shape == e.shape, f"{err}: shape {a.shape} != {e.shape}"
    dtype = np.result_type(a.dtype, e.dtype)
    rtol, eps = RTOL[np.dtype(dtype)], float(np.finfo(dtype).eps)
    a, e = a.astype(np.float64), e.astype(np.float64)
    # XLA flushes subnormal results to zero (torch keeps them): below the smallest
    # normal float, ``tiny``, a difference is not a difference.
    tiny = float(np.finfo(dtype).tiny)
    tol = rtol * np.abs(e) + ULPS * eps * np.asarray(scale, np.float64) + tiny
    with np.errstate(invalid="ignore"):
        ok = (a == e) | (np.abs(a - e) <= tol) | (np.isnan(a) & np.isnan(e))
    assert ok.all(), (
        f"{err}: mismatch at {np.argwhere(~ok).tolist()[:5]}\n"
        f"actual   {a[~ok][:5]}\nexpected {e[~ok][:5]}\ntol      "
        f"{np.broadcast_to(tol, ok.shape)[~ok][:5]}"
    )


def _reduce_scale(elementwise, reduction):
    """A value's error scale under ``reduction``, and d(reduced)/d(element)."""
    n = elementwise.size
    if reduction == "mean":
        return (elementwise.mean() if n else np.float64(0.0)), 1.0 / max(n, 1)
    if reduction == "sum":
        return elementwise.sum(), 1.0
    return elementwise, 1.0


def _logits_scales(z_abs, t, weight, pos_weight, reduction, z_err=0.0):
    """Error scales of BCE-with-logits: (value, gradient wrt the logits).

    torch computes ``w ((1 - t) z - lw log(sigmoid(z)))`` with
    ``lw = (p - 1) t + 1`` and the gradient ``w ((p t + 1 - t) sigmoid(z) - p t)``;
    ours ``w ((1 - t) softplus(z) + p t softplus(-z))``. ``terms`` bounds the sum
    of the magnitudes of the terms either side adds up, per unit of ``|z| + 1``
    (``|log(sigmoid(z))| <= |z| + 1``). ``z_err`` is an error already in the
    logits, in units of eps, as when they come out of a matmul.
    """
    t = np.abs(np.asarray(t, np.float64))
    p = 1.0 if pos_weight is None else np.abs(np.asarray(pos_weight, np.float64))
    p1 = 0.0 if pos_weight is None else np.abs(np.asarray(pos_weight, np.float64) - 1)
    w = 1.0 if weight is None else np.abs(np.asarray(weight, np.float64))
    terms = np.broadcast_to(w * (2 + 2 * t + (p1 + 2 * p) * t), t.shape)
    value, d = _reduce_scale(terms * (1 + np.abs(z_abs) + z_err), reduction)
    return value, d * terms * (1 + z_err)


def _probs_scales(p, t, weight, reduction):
    """Error scales of BCE on probabilities: (value, gradient wrt the probs)."""
    p = np.asarray(p, np.float64)
    t = np.asarray(t, np.float64)
    w = 1.0 if weight is None else np.abs(np.asarray(weight, np.float64))
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.abs(t) * np.minimum(-np.log(p), 100) + np.abs(1 - t) * np.minimum(
            -np.log1p(-p), 100
        )
        # Only compared where p (1 - p) > 1e-12 (see TORCH_BACKWARD_EXACT): the
        # infinities at p = 0 and 1 are zeroed so that they stay silent.
        grads = np.nan_to_num(w * (np.abs(t) / p + np.abs(1 - t) / (1 - p)), posinf=0)
    value, d = _reduce_scale(np.broadcast_to(w * logs, p.shape), reduction)
    return value, d * np.broadcast_to(grads, p.shape)


# ---------------------------------------------------------------------------------
# Hypothesis strategies.

# Hypothesis draws values; shapes come from these fixed layouts, which cover
# torch's broadcasting of weight (to the input) and pos_weight (along the last,
# class dim, or any dims torch broadcasts). Few layouts means few compilations.
# test_weight_shape_accepted_iff_torch_accepts draws shapes freely (no compiling).
# (input shape, weight shape or None, pos_weight shape or None)
LOGITS_LAYOUTS = [
    ((), None, None),
    ((5,), (), (1,)),
    ((3, 4), None, (4,)),
    ((2, 3, 2), (3, 1), (1, 2)),
    ((2, 3, 2), (2,), (3, 1)),
]
# (input shape, weight shape or None)
PROBS_LAYOUTS = [((), None), ((5,), (1,)), ((3, 4), (3, 1)), ((2, 3, 2), (2,))]
# (batch dims, in_features, out_features, weight shape or None, pos_weight or None)
MODEL_LAYOUTS = [
    ((), 3, 2, None, None),
    ((4,), 3, 2, (4, 1), (2,)),
    ((2, 3), 1, 1, (1,), None),
]


def _maybe_array(draw, dtype, shape, elements):
    return None if shape is None else draw(hnp.arrays(dtype, shape, elements=elements))


def floats(lo, hi, dtype):
    """Floats in [lo, hi], with every |v| < 1e-6 drawn as 0.

    XLA flushes subnormal floats to zero, inputs and intermediates alike, where
    torch keeps them (test_bce_subnormal_probability_is_flushed); products of a few
    such tiny weights, targets or cotangents would underflow into that range.
    """
    width = np.dtype(dtype).itemsize * 8
    return st.floats(lo, hi, width=width).map(lambda v: 0.0 if abs(v) < 1e-6 else v)


def exactly(values, dtype):
    """``values`` rounded to ``dtype``, so hypothesis stores them losslessly."""
    return st.sampled_from([float(np.dtype(dtype).type(v)) for v in values])


def targets(dtype):
    return st.sampled_from([0.0, 1.0]) | floats(0, 1, dtype)


EXTREME_LOGITS = [s * m for s in (1, -1) for m in (1e30, 1e20, 1e8, 1e4, 200, 90, 17)]


@st.composite
def logits_cases(draw, dtype=np.float32, extreme=False, layouts=LOGITS_LAYOUTS):
    """(logits, targets, weight, pos_weight, cotangent for reduction="none")."""
    shape, w_shape, pw_shape = draw(st.sampled_from(layouts))
    z_el = floats(-30, 30, dtype)
    if extreme:
        z_el = exactly(EXTREME_LOGITS, dtype) | z_el
    z = draw(hnp.arrays(dtype, shape, elements=z_el))
    t = draw(hnp.arrays(dtype, shape, elements=targets(dtype)))
    weight = _maybe_array(draw, dtype, w_shape, floats(-2, 4, dtype))
    pos_weight = _maybe_array(draw, dtype, pw_shape, floats(-1, 4, dtype))
    cot = draw(hnp.arrays(dtype, shape, elements=floats(-2, 2, dtype)))
    return z, t, weight, pos_weight, cot


@st.composite
def probs_cases(draw, dtype=np.float32, layouts=PROBS_LAYOUTS):
    """(probs, targets, weight, cotangent); probs include exactly 0 and 1."""
    shape, w_shape = draw(st.sampled_from(layouts))
    special = [0.0, 1.0, 1e-30, 1e-13, 1e-7, 0.5, 1 - 1e-7]
    if dtype == np.float64:
        special += [1e-50, 1e-44, math.exp(-100), 1e-43]
    # Subnormal float32 probabilities are left out: see
    # test_bce_subnormal_probability_is_flushed.
    p_el = exactly(special, dtype) | floats(0, 1, dtype)
    p = draw(hnp.arrays(dtype, shape, elements=p_el))
    t = draw(hnp.arrays(dtype, shape, elements=targets(dtype)))
    weight = _maybe_array(draw, dtype, w_shape, floats(-2, 4, dtype))
    cot = draw(hnp.arrays(dtype, shape, elements=floats(-2, 2, dtype)))
    return p, t, weight, cot


# ---------------------------------------------------------------------------------
# Our side, jitted once per shape: every reduction's value and input gradient (for
# "none", the vector-Jacobian product with ``cot``).


def _all_reductions(fn, x, cot):
    out = {}
    for r in REDUCTIONS:
        value, vjp = jax.vjp(functools.partial(fn, reduction=r), x)
        (grad,) = vjp(cot if r == "none" else jnp.ones_like(value))
        out[r] = (value, grad)
    return out


@jax.jit
def ours_logits(z, t, weight, pos_weight, cot):
    fn = functools.partial(
        binary_cross_entropy_with_logits,
        targets=t,
        weight=weight,
        pos_weight=pos_weight,
    )
    return _all_reductions(lambda z, reduction: fn(z, reduction=reduction), z, cot)


@jax.jit
def ours_probs(p, t, weight, cot):
    def fn(p, reduction):
        return binary_cross_entropy(p, t, weight=weight, reduction=reduction)

    return _all_reductions(fn, p, cot)


@jax.jit
def ours_loss(params, x, y, weight, pos_weight, cot):
    out = {}
    for r in REDUCTIONS:
        fn = functools.partial(loss, weight=weight, pos_weight=pos_weight, reduction=r)
        value, vjp = jax.vjp(lambda p, fn=fn: fn(p, x, y), params)
        (grad,) = vjp(cot if r == "none" else jnp.ones_like(value))
        out[r] = (value, grad)
    return out


# The hand-derived tests call the functions through jit, one compilation per call
# site rather than one per primitive per shape; test_jit_matches_eager ties the
# jitted results to eager ones (and the doctests run eagerly).
jit_bce_logits = jax.jit(binary_cross_entropy_with_logits, static_argnames="reduction")
jit_bce = jax.jit(binary_cross_entropy, static_argnames="reduction")


# The torch side.


def _t(torch, a, requires_grad=False):
    return (
        None if a is None else torch.tensor(np.asarray(a), requires_grad=requires_grad)
    )


def torch_logits(torch, z, t, weight, pos_weight, cot, reduction):
    zt = _t(torch, z, requires_grad=True)
    out = torch.nn.functional.binary_cross_entropy_with_logits(
        zt,
        _t(torch, t),
        weight=_t(torch, weight),
        pos_weight=_t(torch, pos_weight),
        reduction=reduction,
    )
    out.backward(_t(torch, cot) if reduction == "none" else None)
    return out.detach().numpy(), zt.grad.numpy()


def torch_probs(torch, p, t, weight, cot, reduction):
    pt = _t(torch, p, requires_grad=True)
    out = torch.nn.functional.binary_cross_entropy(
        pt, _t(torch, t), weight=_t(torch, weight), reduction=reduction
    )
    out.backward(_t(torch, cot) if reduction == "none" else None)
    return out.detach().numpy(), pt.grad.numpy()


def _check_logits_against_torch(torch, case):
    z, t, weight, pos_weight, cot = case
    ours = ours_logits(z, t, weight, pos_weight, cot)
    for r in REDUCTIONS:
        value, grad = ours[r]
        assert value.dtype == z.dtype and grad.dtype == z.dtype
        t_value, t_grad = torch_logits(torch, z, t, weight, pos_weight, cot, r)
        v_scale, g_scale = _logits_scales(z, t, weight, pos_weight, r)
        if r == "none":
            g_scale = g_scale * np.abs(cot)
        assert_close(value, t_value, scale=v_scale, err=f"value, {r}")
        assert_close(grad, t_grad, scale=g_scale, err=f"grad, {r}")
    return ours


# ---------------------------------------------------------------------------------
# binary_cross_entropy_with_logits


@given(logits_cases())
def test_bce_with_logits_matches_torch(case):
    torch = pytest.importorskip("torch")
    _check_logits_against_torch(torch, case)


@given(logits_cases(extreme=True))
def test_bce_with_logits_extreme_logits_match_torch(case):
    torch = pytest.importorskip("torch")
    ours = _check_logits_against_torch(torch, case)
    for value, grad in ours.values():
        assert np.isfinite(value).all() and np.isfinite(grad).all()


def _np_logits_loss(z, t, weight=None, pos_weight=None):
    """float64 reference, elementwise: w (pw t softplus(-z) + (1 - t) softplus(z))."""
    z, t = np.float64(z), np.float64(t)
    pw = 1.0 if pos_weight is None else np.float64(pos_weight)
    w = 1.0 if weight is None else np.float64(weight)
    return w * (pw * t * np.logaddexp(0, -z) + (1 - t) * np.logaddexp(0, z))


@given(logits_cases(extreme=True))
def test_bce_with_logits_matches_hand_derived_formulas(case):
    # No torch: the value from softplus in float64, and the gradient of the mean
    # wrt the logits, w * ((pw t + 1 - t) sigmoid(z) - pw t) / n, which is
    # (sigmoid(z) - t) / n without weights.
    z, t, weight, pos_weight, cot = case
    ours = ours_logits(z, t, weight, pos_weight, cot)
    z64, t64 = np.float64(z), np.float64(t)
    pw = 1.0 if pos_weight is None else np.float64(pos_weight)
    w = 1.0 if weight is None else np.float64(weight)
    sig = 0.5 * (1 + np.tanh(z64 / 2))
    elem = np.broadcast_to(_np_logits_loss(z, t, weight, pos_weight), z.shape)
    d_elem = np.broadcast_to(w * ((pw * t64 + 1 - t64) * sig - pw * t64), z.shape)
    expected = {"mean": elem.mean() if z.size else np.nan, "sum": elem.sum()}
    expected["none"] = elem
    d_red = {"mean": 1 / max(z.size, 1), "sum": 1.0, "none": np.float64(cot)}
    for r in REDUCTIONS:
        value, grad = ours[r]
        v_scale, g_scale = _logits_scales(z, t, weight, pos_weight, r)
        if r == "none":
            g_scale = g_scale * np.abs(cot)
        # The reference is float64 and exact; ours has float32 rounding: the
        # comparison is made in float32 terms (rtol 1e-5 and the eps-floor).
        assert_close(value, expected[r].astype(z.dtype), scale=v_scale, err=r)
        assert_close(grad, (d_red[r] * d_elem).astype(z.dtype), scale=g_scale, err=r)


def test_bce_with_logits_hand_values():
    z = jnp.array([0.0, 0.0, 0.0, 2.0, -3.0])
    t = jnp.array([0.0, 1.0, 0.3, 1.0, 1.0])
    # Logit 0: log 2 whatever the target.
    expected = [
        LOG2,
        LOG2,
        LOG2,
        math.log1p(math.exp(-2)),
        3 + math.log1p(math.exp(-3)),
    ]
    out = jit_bce_logits(z, t, reduction="none")
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    np.testing.assert_allclose(jit_bce_logits(z, t), np.mean(expected), rtol=1e-6)
    np.testing.assert_allclose(
        jit_bce_logits(z, t, reduction="sum"),
        sum(expected),
        rtol=1e-6,
    )
    # pos_weight scales the positive term only; weight scales both.
    one, zero = jnp.ones(1), jnp.zeros(1)
    pw = jnp.array([3.0])
    np.testing.assert_allclose(
        jit_bce_logits(zero, one, pos_weight=pw), 3 * LOG2, rtol=1e-6
    )
    np.testing.assert_allclose(
        jit_bce_logits(zero, zero, pos_weight=pw), LOG2, rtol=1e-6
    )
    np.testing.assert_allclose(
        jit_bce_logits(zero, zero, weight=pw), 3 * LOG2, rtol=1e-6
    )


def test_bce_with_logits_hand_gradient():
    z = jnp.array([[0.0, 1.0, -2.0], [3.0, -0.5, 0.25]])
    t = jnp.array([[0.0, 1.0, 1.0], [0.0, 0.5, 1.0]])
    g = jax.jit(jax.grad(binary_cross_entropy_with_logits))(z, t)
    np.testing.assert_allclose(
        g, (1 / (1 + np.exp(-np.asarray(z))) - t) / z.size, rtol=1e-6
    )
    assert g[0, 0] == pytest.approx(0.5 / 6)


def test_bce_with_logits_extreme_hand_values():
    z = jnp.array([1e30, -1e30, 1e30, -1e30])
    t = jnp.array([0.0, 1.0, 1.0, 0.0])
    out = jit_bce_logits(z, t, reduction="none")
    big = np.float32(1e30)
    np.testing.assert_array_equal(out, [big, big, 0.0, 0.0])
    out = binary_cross_entropy_with_logits(
        z, t, pos_weight=jnp.array([2.0]), reduction="none"
    )
    np.testing.assert_array_equal(out, [big, 2 * big, 0.0, 0.0])
    g = jax.jit(jax.grad(lambda z: jit_bce_logits(z, t, reduction="sum")))(z)
    np.testing.assert_array_equal(g, [1.0, -1.0, 0.0, 0.0])


BAD_SHAPES = [(2,), (3, 3), (1, 2, 3), (4, 2, 3), (2, 3, 1), (4,)]


@pytest.mark.parametrize("shape", BAD_SHAPES)
@pytest.mark.parametrize("name", ["weight", "pos_weight"])
def test_weight_shapes_torch_rejects_are_rejected(name, shape):
    z = np.zeros((2, 3), np.float32)
    bad = np.ones(shape, np.float32)
    with pytest.raises(ValueError, match=rf"{name} of shape {re_shape(shape)} cannot"):
        binary_cross_entropy_with_logits(z, z, **{name: bad})
    if name == "weight":
        with pytest.raises(ValueError, match=rf"weight of shape {re_shape(shape)}"):
            binary_cross_entropy(z + 0.5, z, weight=bad)
    torch = pytest.importorskip("torch")
    zt = torch.zeros(2, 3)
    with pytest.raises(RuntimeError):
        torch.nn.functional.binary_cross_entropy_with_logits(
            zt, zt, **{name: torch.ones(shape)}
        )


def re_shape(shape):
    return str(tuple(shape)).replace("(", r"\(").replace(")", r"\)")


@given(
    st.sampled_from([(2, 3), (4,), (2, 1, 3)]),
    st.lists(st.integers(1, 4), max_size=4).map(tuple),
    st.sampled_from(["weight", "pos_weight"]),
)
def test_weight_shape_accepted_iff_torch_accepts(shape, wshape, name):
    torch = pytest.importorskip("torch")
    z = jax.ShapeDtypeStruct(shape, jnp.float32)
    w = jax.ShapeDtypeStruct(wshape, jnp.float32)
    try:
        out = jax.eval_shape(
            lambda z, w: binary_cross_entropy_with_logits(
                z, z, reduction="none", **{name: w}
            ),
            z,
            w,
        )
        ours = out.shape
    except ValueError as e:
        assert f"{name} of shape" in str(e)
        ours = None
    zt = torch.zeros(shape)
    try:
        theirs = tuple(
            torch.nn.functional.binary_cross_entropy_with_logits(
                zt, zt, reduction="none", **{name: torch.ones(wshape)}
            ).shape
        )
    except RuntimeError:
        theirs = None
    assert ours == theirs


@pytest.mark.parametrize(
    ("fn", "template"),
    [
        (
            binary_cross_entropy_with_logits,
            "Target size ({t}) must be the same as input size ({i})",
        ),
        (
            binary_cross_entropy,
            "Using a target size ({t}) that is different to the input size ({i}) is "
            "deprecated. Please ensure they have the same size.",
        ),
    ],
)
@pytest.mark.parametrize(("in_shape", "t_shape"), [((2, 3), (3,)), ((), (1,))])
def test_target_size_error_text_is_torchs(fn, template, in_shape, t_shape):
    def size(s):
        return f"torch.Size([{', '.join(map(str, s))}])"

    x, t = np.full(in_shape, 0.5, np.float32), np.zeros(t_shape, np.float32)
    with pytest.raises(ValueError) as ours:
        fn(x, t)
    assert str(ours.value) == template.format(t=size(t_shape), i=size(in_shape))
    torch = pytest.importorskip("torch")
    torch_fn = getattr(torch.nn.functional, fn.__name__)
    with pytest.raises(ValueError) as theirs:
        torch_fn(torch.tensor(x), torch.tensor(t))
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("fn", [binary_cross_entropy_with_logits, binary_cross_entropy])
def test_bad_reduction_error_text_is_torchs(fn):
    x = np.full(3, 0.5, np.float32)
    with pytest.raises(ValueError, match="^elementwise is not a valid value for red"):
        fn(x, x, reduction="elementwise")
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError) as theirs:
        getattr(torch.nn.functional, fn.__name__)(
            torch.tensor(x), torch.tensor(x), reduction="elementwise"
        )
    assert str(theirs.value) == "elementwise is not a valid value for reduction"


def test_empty_input_reductions():
    z = jnp.zeros((0, 3))
    assert np.isnan(jit_bce_logits(z, z))
    assert jit_bce_logits(z, z, reduction="sum") == 0
    assert jit_bce_logits(z, z, reduction="none").shape == (0, 3)
    assert jax.jit(jax.grad(binary_cross_entropy_with_logits))(z, z).shape == (0, 3)


# ---------------------------------------------------------------------------------
# binary_cross_entropy (on probabilities)

# Where torch's hand-written backward, grad = (p - t) / max(p (1 - p), 1e-12),
# is its true derivative, the JAX-derived gradient of our clamped loss equals it.
# They part where that max is active, p (1 - p) < 1e-12, i.e. at probabilities of
# exactly 0 or 1 and for p below ~1e-12; test_bce_gradient_at_the_boundaries pins
# down what ours gives there.
TORCH_BACKWARD_EXACT = 1e-12


@given(probs_cases())
def test_bce_matches_torch(case):
    torch = pytest.importorskip("torch")
    _check_probs_against_torch(torch, case)


def _check_probs_against_torch(torch, case):
    p, t, weight, cot = case
    ours = ours_probs(p, t, weight, cot)
    ours = jax.tree.map(np.asarray, ours)
    p64 = np.float64(p)
    interior = p64 * (1 - p64) > TORCH_BACKWARD_EXACT
    for r in REDUCTIONS:
        value, grad = ours[r]
        assert value.dtype == p.dtype and grad.dtype == p.dtype
        t_value, t_grad = torch_probs(torch, p, t, weight, cot, r)
        v_scale, g_scale = _probs_scales(p, t, weight, r)
        if r == "none":
            g_scale = g_scale * np.abs(cot)
        assert_close(value, t_value, scale=v_scale, err=f"value, {r}")
        # Values are finite everywhere, clamped logs included.
        assert np.isfinite(value).all()
        assert_close(
            grad[interior], t_grad[interior], scale=g_scale[interior], err=f"grad {r}"
        )


_jit_grad_bce = jax.jit(jax.grad(binary_cross_entropy))


@pytest.mark.parametrize(
    ("p", "t", "ours", "torchs"),
    [
        # -(1 - t) log(1 - p) has slope (1 - t) / (1 - p) = 1 at p = 0; torch: 0/1e-12.
        (0.0, 0.0, 1.0, 0.0),
        # -t log p has slope -1 at p = 1; torch divides 0 by 1e-12.
        (1.0, 1.0, -1.0, 0.0),
        # The log is clamped at -100 here, so it is flat: ours 0, torch -1e12.
        (0.0, 1.0, 0.0, -1e12),
        (1.0, 0.0, 0.0, 1e12),
        # Soft target at p = 0: only the unclamped (1 - t) term has a slope.
        (0.0, 0.25, 0.75, -0.25e12),
        # Below p (1 - p) = 1e-12 ours stays -t / p (finite), torch saturates.
        (1e-30, 1.0, -1e30, -1e12),
        (1e-13, 1.0, -1e13, -1e12),
        # Interior: the same.
        (0.25, 1.0, -4.0, -4.0),
        (0.5, 0.0, 2.0, 2.0),
    ],
)
def test_bce_gradient_at_the_boundaries(p, t, ours, torchs):
    p32, t32 = np.float32(p), np.float32(t)
    assert float(jit_bce(p32, t32, reduction="sum")) == pytest.approx(
        -(t * max(math.log(p) if p else -math.inf, -100))
        - (1 - t) * max(math.log1p(-p) if p < 1 else -math.inf, -100),
        rel=1e-6,
    )
    assert float(_jit_grad_bce(p32, t32)) == pytest.approx(ours, rel=1e-6)
    torch = pytest.importorskip("torch")
    pt = torch.tensor(p, dtype=torch.float32, requires_grad=True)
    torch.nn.functional.binary_cross_entropy(
        pt, torch.tensor(t, dtype=torch.float32), reduction="sum"
    ).backward()
    assert pt.grad.item() == pytest.approx(torchs, rel=1e-6)


def test_bce_hand_values():
    p = jnp.array([0.5, 0.5, 1.0, 0.0, 1.0, 0.0, 0.25])
    t = jnp.array([0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0])
    out = jit_bce(p, t, reduction="none")
    np.testing.assert_allclose(
        out, [LOG2, LOG2, 100, 100, 0, 0, math.log(4)], rtol=1e-6
    )
    # Weighted mean; the gradient in the interior is w (p - t) / (p (1 - p)) / n.
    w = jnp.array([2.0])
    np.testing.assert_allclose(jit_bce(p[:2], t[:2], weight=w), 2 * LOG2, rtol=1e-6)
    g = _jit_grad_bce(jnp.array([0.25, 0.8]), jnp.array([1.0, 0.0]))
    np.testing.assert_allclose(g, [-4 / 2, 5 / 2], rtol=1e-6)


def test_bce_subnormal_probability_is_flushed():
    # XLA on CPU (and GPU) flushes float32 subnormals to zero, so a probability
    # below 2**-126 (~1.2e-38) counts as 0 and takes the clamped log, -100; torch
    # computes log(1e-40) = -92.1. A platform that keeps subnormals gives torch's.
    out = float(jit_bce(jnp.float32(1e-40), jnp.float32(1.0)))
    assert out == pytest.approx(100.0) or out == pytest.approx(-math.log(1e-40))
    tiny = np.finfo(np.float32).tiny
    out = float(jit_bce(jnp.float32(tiny), jnp.float32(1.0)))
    assert out == pytest.approx(-math.log(tiny), rel=1e-6)


# ---------------------------------------------------------------------------------
# The model: linear and loss.


@st.composite
def model_cases(draw, dtype=np.float32, extreme_bias=False, layouts=MODEL_LAYOUTS):
    batch, n_in, n_out, w_shape, pw_shape = draw(st.sampled_from(layouts))
    small = floats(-3, 3, dtype)
    x = draw(hnp.arrays(dtype, (*batch, n_in), elements=small))
    w = draw(hnp.arrays(dtype, (n_in, n_out), elements=small))
    b_el = exactly([1e30, -1e30, 1e20, -1e20], dtype) if extreme_bias else small
    b = draw(hnp.arrays(dtype, (n_out,), elements=b_el))
    y = draw(hnp.arrays(dtype, (*batch, n_out), elements=targets(dtype)))
    weight = _maybe_array(draw, dtype, w_shape, floats(0, 4, dtype))
    pos_weight = _maybe_array(draw, dtype, pw_shape, floats(0, 4, dtype))
    cot = draw(hnp.arrays(dtype, (*batch, n_out), elements=floats(-2, 2, dtype)))
    return LinearParams(w, b), x, y, weight, pos_weight, cot


def _check_loss_against_torch(torch, case):
    params, x, y, weight, pos_weight, cot = case
    ours = ours_loss(params, x, y, weight, pos_weight, cot)
    x64 = np.float64(x)
    z_abs = np.abs(x64) @ np.abs(np.float64(params.w)) + np.abs(np.float64(params.b))
    # Both sides get the logits from a matmul, each with a rounding error of about
    # eps * z_abs: z_err, in units of eps like the rest of the scales.
    z_err = z_abs
    x_flat = np.abs(x64).reshape(-1, x.shape[-1])
    for r in REDUCTIONS:
        value, grads = ours[r]
        wt = _t(torch, params.w, requires_grad=True)
        bt = _t(torch, params.b, requires_grad=True)
        zt = _t(torch, x) @ wt + bt
        out = torch.nn.functional.binary_cross_entropy_with_logits(
            zt,
            _t(torch, y),
            weight=_t(torch, weight),
            pos_weight=_t(torch, pos_weight),
            reduction=r,
        )
        out.backward(_t(torch, cot) if r == "none" else None)
        v_scale, dz_scale = _logits_scales(z_abs, y, weight, pos_weight, r, z_err)
        if r == "none":
            dz_scale = dz_scale * np.abs(cot)
        dz_flat = np.broadcast_to(dz_scale, z_abs.shape).reshape(x_flat.shape[0], -1)
        assert value.dtype == x.dtype
        assert_close(value, out.detach().numpy(), scale=v_scale, err=f"loss {r}")
        assert_close(grads.w, wt.grad.numpy(), scale=x_flat.T @ dz_flat, err=f"w {r}")
        assert_close(grads.b, bt.grad.numpy(), scale=dz_flat.sum(0), err=f"b {r}")
    return ours


@given(model_cases())
def test_grad_of_loss_matches_torch(case):
    torch = pytest.importorskip("torch")
    _check_loss_against_torch(torch, case)


@given(model_cases(extreme_bias=True))
def test_grad_of_loss_with_extreme_logits_matches_torch(case):
    torch = pytest.importorskip("torch")
    for value, grads in _check_loss_against_torch(torch, case).values():
        assert np.isfinite(value).all()
        assert all(np.isfinite(g).all() for g in grads)


def test_grad_of_loss_hand_derived():
    # z = x @ w + b = 0, so dL/dz = (sigmoid(0) - y) / n = (0.5 - y) / n, and
    # dL/dw = x.T @ dL/dz, dL/db = sum over the batch of dL/dz.
    x = jnp.array([[1.0, 2.0], [-1.0, 0.5], [0.0, 3.0]])
    y = jnp.array([[1.0], [0.0], [1.0]])
    params = LinearParams(w=jnp.zeros((2, 1)), b=jnp.zeros(1))
    g = jax.jit(jax.grad(loss))(params, x, y)
    dz = (0.5 - y) / 3
    np.testing.assert_allclose(g.w, x.T @ dz, rtol=1e-6)
    np.testing.assert_allclose(g.b, dz.sum(0), rtol=1e-6)
    assert float(jax.jit(loss)(params, x, y)) == pytest.approx(LOG2)


def test_linear_matches_numpy_and_torch():
    rng = np.random.default_rng(1)
    params = LinearParams(
        rng.normal(size=(4, 3)).astype(np.float32),
        rng.normal(size=3).astype(np.float32),
    )
    for batch in [(), (2,), (2, 5), (1, 2, 3)]:
        x = rng.normal(size=(*batch, 4)).astype(np.float32)
        out = linear(params, x)
        assert out.shape == (*batch, 3) and out.dtype == jnp.float32
        expected = np.float64(x) @ np.float64(params.w) + np.float64(params.b)
        np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)
    torch = pytest.importorskip("torch")
    expected = torch.tensor(x) @ torch.tensor(params.w) + torch.tensor(params.b)
    np.testing.assert_allclose(out, expected.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("x_shape", [(3,), (2, 3), (4, 2, 6), ()])
def test_linear_shape_error(x_shape):
    params = LinearParams(jnp.zeros((5, 2)), jnp.zeros(2))
    n = x_shape[-1] if x_shape else 0
    with pytest.raises(ValueError, match=rf"linear: x has {n} features .* expects 5"):
        linear(params, jnp.zeros(x_shape))


# ---------------------------------------------------------------------------------
# init_linear


def test_init_linear_shapes_dtypes_bounds():
    p = init_linear(jax.random.key(0), in_features=16, out_features=8)
    assert isinstance(p, LinearParams)
    assert p.w.shape == (16, 8) and p.b.shape == (8,)
    assert p.w.dtype == jnp.float32 and p.b.dtype == jnp.float32
    p = LinearParams(np.asarray(p.w), np.asarray(p.b))
    # torch.nn.Linear's default: U(-1/sqrt(in), 1/sqrt(in)) for both w and b.
    bound = 1 / math.sqrt(16)
    assert np.all(np.abs(p.w) <= bound) and np.all(np.abs(p.b) <= bound)
    # And it fills that range: 128 uniform draws reach past 80% of it both ways.
    assert p.w.max() > 0.8 * bound and p.w.min() < -0.8 * bound
    assert not np.array_equal(p.w[0, :], p.b)  # independent keys for w and b
    legacy = init_linear(jax.random.PRNGKey(0), 1, 1)
    assert legacy.w.shape == (1, 1) and abs(float(legacy.w[0, 0])) <= 1


def test_init_linear_is_deterministic():
    a = init_linear(jax.random.key(3), 16, 8)
    b = init_linear(jax.random.key(3), 16, 8)
    c = init_linear(jax.random.key(4), 16, 8)
    np.testing.assert_array_equal(a.w, b.w)
    np.testing.assert_array_equal(a.b, b.b)
    assert not np.array_equal(a.w, c.w)


@pytest.mark.parametrize(("n_in", "n_out"), [(0, 3), (3, 0), (-1, 2)])
def test_init_linear_rejects_empty_layers(n_in, n_out):
    with pytest.raises(ValueError, match="must be positive"):
        init_linear(jax.random.key(0), n_in, n_out)


# ---------------------------------------------------------------------------------
# JAX transformations: check_grads, vmap, jit, float64.


def test_check_grads_order_2_fwd_and_rev():
    # In float64, where finite differences (eps 1e-4) are accurate enough for
    # check_grads' default tolerances. The three functions are checked as one
    # function with a tuple of outputs: one set of compilations instead of three.
    rng = np.random.default_rng(2)
    with jax.enable_x64(True):
        x = rng.normal(size=(4, 3))
        y = rng.uniform(size=(4, 2))
        params = LinearParams(rng.normal(size=(3, 2)), rng.normal(size=2))
        pw = rng.uniform(0.5, 2, size=2)
        w = rng.uniform(0.5, 2, size=(4, 1))
        z = 3 * rng.normal(size=(4, 2))
        # Probabilities away from 0 and 1, where the loss is smooth.
        probs = rng.uniform(0.05, 0.95, size=(4, 2))

        @jax.jit
        def all_three(params, x, y, z, probs):
            return (
                loss(params, x, y, pos_weight=pw),
                binary_cross_entropy_with_logits(
                    z, y, weight=w, pos_weight=pw, reduction="none"
                ),
                binary_cross_entropy(probs, y, weight=w, reduction="sum"),
            )

        check_grads(all_three, (params, x, y, z, probs), order=2, modes=("fwd", "rev"))


def test_vmap_per_example_gradients_equal_a_loop():
    kwargs = {"pos_weight": np.array([2.0, 0.5], np.float32), "reduction": "sum"}
    rng = np.random.default_rng(3)
    x = rng.normal(size=(6, 3)).astype(np.float32)
    y = rng.integers(0, 2, size=(6, 2)).astype(np.float32)
    params = LinearParams(
        rng.normal(size=(3, 2)).astype(np.float32),
        rng.normal(size=2).astype(np.float32),
    )
    fn = jax.grad(functools.partial(loss, **kwargs))
    per_example = jax.vmap(fn, in_axes=(None, 0, 0))(params, x, y)
    assert per_example.w.shape == (6, 3, 2) and per_example.b.shape == (6, 2)
    one = jax.jit(fn)  # the loop's gradient, compiled once
    for i in range(6):
        g = one(params, x[i], y[i])
        np.testing.assert_allclose(per_example.w[i], g.w, rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(per_example.b[i], g.b, rtol=1e-6, atol=1e-7)


def test_jit_matches_eager():
    rng = np.random.default_rng(4)
    shape = (3, 4)
    z = (rng.normal(size=shape) * 5).astype(np.float32)
    t = rng.uniform(size=shape).astype(np.float32)
    w = rng.uniform(0, 2, size=shape[-1:]).astype(np.float32)
    pw = rng.uniform(0, 2, size=shape[-1:]).astype(np.float32)
    cot = rng.normal(size=shape).astype(np.float32)
    p = (1 / (1 + np.exp(-z))).astype(np.float32)
    jitted = {
        "logits": ours_logits(z, t, w, pw, cot),
        "probs": ours_probs(p, t, w, cot),
    }
    for r in REDUCTIONS:
        f = functools.partial(
            binary_cross_entropy_with_logits, weight=w, pos_weight=pw, reduction=r
        )
        g = functools.partial(binary_cross_entropy, weight=w, reduction=r)
        for fn, x, want in [(f, z, jitted["logits"][r]), (g, p, jitted["probs"][r])]:
            value, vjp = jax.vjp(lambda x, fn=fn: fn(x, t), x)
            (grad,) = vjp(cot if r == "none" else jnp.ones_like(value))
            np.testing.assert_allclose(value, want[0], rtol=1e-6, atol=1e-6)
            np.testing.assert_allclose(grad, want[1], rtol=1e-6, atol=1e-6)
    params = LinearParams(
        rng.normal(size=(4, 2)).astype(np.float32),
        rng.normal(size=2).astype(np.float32),
    )
    y = np.zeros((*shape[:-1], 2), np.float32)
    for a, b in zip(
        jax.tree.leaves(jax.jit(jax.value_and_grad(loss))(params, z, y)),
        jax.tree.leaves(jax.value_and_grad(loss)(params, z, y)),
        strict=True,
    ):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


# float64. jax.experimental.enable_x64 is gone in JAX 0.10; the public context
# manager jax.enable_x64(True) replaces it and warns of nothing (the suite turns
# warnings into errors), so no subprocess with jax_enable_x64 is needed.
# The two most general layouts of each kind, to spare compilations.
@settings(max_examples=20)
@given(logits_cases(np.float64, extreme=True, layouts=LOGITS_LAYOUTS[-2:]))
def test_float64_bce_with_logits_matches_torch(case):
    torch = pytest.importorskip("torch")
    with jax.enable_x64(True):
        ours = _check_logits_against_torch(torch, case)
    for value, grad in ours.values():
        assert value.dtype == np.float64 and grad.dtype == np.float64


@settings(max_examples=20)
@given(probs_cases(np.float64, layouts=PROBS_LAYOUTS[-2:]))
def test_float64_bce_matches_torch(case):
    torch = pytest.importorskip("torch")
    with jax.enable_x64(True):
        _check_probs_against_torch(torch, case)


@settings(max_examples=20)
@given(model_cases(np.float64, layouts=MODEL_LAYOUTS[1:]))
def test_float64_grad_of_loss_matches_torch(case):
    torch = pytest.importorskip("torch")
    with jax.enable_x64(True):
        ours = _check_loss_against_torch(torch, case)
    for value, grads in ours.values():
        assert value.dtype == np.float64 and grads.w.dtype == np.float64


def test_float64_init_linear_and_hand_values():
    with jax.enable_x64(True):
        p = init_linear(jax.random.key(0), 4, 2, dtype=jnp.float64)
        assert p.w.dtype == jnp.float64 and p.b.dtype == jnp.float64
        assert np.all(np.abs(p.w) <= 0.5)
        x = jnp.ones((3, 4), jnp.float64)
        assert linear(p, x).dtype == jnp.float64
        l0 = jit_bce_logits(jnp.zeros(3), jnp.ones(3))
        assert l0.dtype == jnp.float64
        assert abs(float(l0) - LOG2) < 1e-15
        z = jnp.array([1e300, -1e300, 0.5])
        out = jit_bce_logits(z, jnp.array([0.0, 1.0, 1.0]), reduction="none")
        np.testing.assert_allclose(out, [1e300, 1e300, math.log1p(math.exp(-0.5))])
        assert jit_bce(jnp.array([0.0]), jnp.ones(1)).dtype == jnp.float64
