"""dtypes: real float64/int64, PyTorch's type promotion, the default dtype, and
JAX's 64-bit mode kept to the facade (the functional core stays 32-bit)."""

from __future__ import annotations

import threading

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import funcgrad as fg
import funcgrad.torch as ft
from funcgrad._bench._cases import make_seed_step
from funcgrad.autograd import dtypes as dt

REAL = ["bool", "uint8", "int8", "int16", "int32", "int64"] + [
    "float16", "bfloat16", "float32", "float64",
]  # fmt: skip
ALL = REAL + ["complex64", "complex128"]


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


@pytest.fixture(params=["float32", "float64"])
def default(request):
    """Run with this default dtype on the facade (and on torch, if installed)."""
    try:
        import torch as real
    except ImportError:
        real = None
    ft.set_default_dtype(getattr(ft, request.param))
    if real is not None:
        real.set_default_dtype(getattr(real, request.param))
    yield request.param
    ft.set_default_dtype(ft.float32)
    if real is not None:
        real.set_default_dtype(real.float32)


# --------------------------------------------------------------------------------------
# Promotion, against real PyTorch.

# An operand: a tensor with a dimension, a 0-d tensor, or a Python number.
OPERAND = st.one_of(
    st.tuples(st.just("tensor"), st.sampled_from(REAL)),
    st.tuples(st.just("zero"), st.sampled_from(REAL)),
    st.tuples(st.just("number"), st.sampled_from(["bool", "int", "float"])),
)
_VALUES = {"bool": [True, False, True], "int": [3, 1, 2], "float": [1.5, 0.75, 2.25]}


def _make(M, operand, seed: int):
    kind, name = operand
    if kind == "number":
        return {"bool": True, "int": 2 + seed, "float": 1.25 + seed}[name]
    d = getattr(M, name)
    values = _VALUES["bool" if name == "bool" else "int" if "int" in name else "float"]
    values = values[seed:] + values[:seed]
    return M.tensor(values if kind == "tensor" else values[0], dtype=d)


BINARY = {
    "add": lambda M, a, b: a + b,
    "sub": lambda M, a, b: a - b,
    "mul": lambda M, a, b: a * b,
    "div": lambda M, a, b: a / b,
    "pow": lambda M, a, b: a**b,
    "maximum": lambda M, a, b: M.maximum(a, b),
    "minimum": lambda M, a, b: M.minimum(a, b),
    "where": lambda M, a, b: M.where(M.tensor([True, False, True]), a, b),
    "eq": lambda M, a, b: a == b,
    "lt": lambda M, a, b: a < b,
}


def _outcome(M, op: str, a, b):
    try:
        x, y = _make(M, a, 0), _make(M, b, 1)
        out = BINARY[op](M, x, y)
    except Exception:  # noqa: BLE001 - the exception is the outcome
        return ("error",)
    return str(out.dtype).removeprefix("torch."), out.tolist()


def _tolerance(dtype: str) -> float:
    return {"float16": 2e-3, "bfloat16": 2e-2, "float32": 1e-6}.get(dtype, 1e-12)


# The fixtures (torch, the default dtype) hold for every example of a test.
FIXTURES_HOLD = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@FIXTURES_HOLD
@given(
    a=OPERAND,
    b=OPERAND,
    op=st.sampled_from(sorted(BINARY)),
)
def test_binary_ops_promote_as_torch(torch, default, a, b, op):
    if a[0] == "number" and b[0] == "number":
        return  # Python arithmetic, not a tensor op
    want = _outcome(torch, op, a, b)
    got = _outcome(ft, op, a, b)
    if want == ("error",):
        return  # torch refuses the combination (bool - bool, number ** tensor ...)
    assert got[0] == want[0], (op, a, b)
    np.testing.assert_allclose(
        np.asarray(got[1], np.float64),
        np.asarray(want[1], np.float64),
        rtol=_tolerance(want[0]),
    )


UNARY = {
    "exp": lambda t: t.exp(),
    "log": lambda t: t.log(),
    "sqrt": lambda t: t.sqrt(),
    "sigmoid": lambda t: t.sigmoid(),
    "tanh": lambda t: t.tanh(),
    "neg": lambda t: -t,
    "abs": lambda t: t.abs(),
    "sum": lambda t: t.sum(),
}


@FIXTURES_HOLD
@given(
    kind=st.sampled_from(["tensor", "zero"]),
    name=st.sampled_from(REAL),
    op=st.sampled_from(sorted(UNARY)),
)
def test_unary_ops_give_torch_dtypes(torch, default, kind, name, op):
    def run(M):
        try:
            out = UNARY[op](_make(M, (kind, name), 0))
        except Exception:  # noqa: BLE001 - the exception is the outcome
            return ("error",)
        return str(out.dtype), out.tolist()

    want = run(torch)
    if want == ("error",):
        return
    got = run(ft)
    assert got[0].removeprefix("torch.") == want[0].removeprefix("torch.")
    np.testing.assert_allclose(
        np.asarray(got[1], np.float64),
        np.asarray(want[1], np.float64),
        rtol=_tolerance(want[0].removeprefix("torch.")),
    )


@FIXTURES_HOLD
@given(
    a=st.tuples(st.sampled_from(["tensor", "zero"]), st.sampled_from(ALL)),
    b=st.one_of(
        st.tuples(st.sampled_from(["tensor", "zero"]), st.sampled_from(ALL)),
        st.tuples(st.just("number"), st.sampled_from(["bool", "int", "float"])),
        st.tuples(st.just("complex"), st.just("complex")),
    ),
)
def test_result_type_and_promote_types_match_torch(torch, default, a, b):
    def operand(M, x):
        if x[0] == "complex":
            return 1 + 2j
        if x[0] == "number":
            return _make(M, x, 0)
        return M.ones(2 if x[0] == "tensor" else (), dtype=getattr(M, x[1]))

    want = torch.result_type(operand(torch, a), operand(torch, b))
    if want is torch.complex32:  # no ComplexHalf in JAX: a clear error instead
        with pytest.raises(TypeError, match="ComplexHalf"):
            ft.result_type(operand(ft, a), operand(ft, b))
        return
    got = ft.result_type(operand(ft, a), operand(ft, b))
    assert str(got) == str(want)
    if b[0] in ("tensor", "zero"):
        want = torch.promote_types(getattr(torch, a[1]), getattr(torch, b[1]))
        got = ft.promote_types(getattr(ft, a[1]), getattr(ft, b[1]))
        assert str(got) == str(want)


@pytest.mark.parametrize(
    ("fn", "expected"),
    [
        (lambda: ft.ones(2) + ft.tensor(1.0, dtype=ft.float64), ft.float32),
        (lambda: ft.ones(2, dtype=ft.int64) + 2.5, ft.float32),
        (
            lambda: ft.ones(2, dtype=ft.int32) + ft.tensor(1.0, dtype=ft.float64),
            ft.float64,
        ),
        (lambda: ft.ones(2, dtype=ft.bool) + 3, ft.int64),
        (lambda: ft.ones(2, dtype=ft.uint8) + ft.ones(2, dtype=ft.int8), ft.int16),
        (
            lambda: ft.ones(2, dtype=ft.float16) + ft.ones(2, dtype=ft.bfloat16),
            ft.float32,
        ),
        (lambda: ft.ones(2, dtype=ft.int64) / ft.ones(2, dtype=ft.int64), ft.float32),
        (lambda: ft.ones(2, dtype=ft.int64).exp(), ft.float32),
        (lambda: ft.ones(2) * 1e-10, ft.float32),
        (lambda: ft.ones(2, dtype=ft.float64) * 2, ft.float64),
        (lambda: 2 ** ft.ones(2, dtype=ft.int64), ft.int64),
        (lambda: ft.ones(2, dtype=ft.bool).sum(), ft.int64),
    ],
)
def test_promotion_by_hand(fn, expected):
    assert fn().dtype is expected


def test_promote_types_by_hand():
    assert ft.promote_types(ft.complex64, ft.float64) is ft.complex128
    assert ft.promote_types(ft.int64, ft.float16) is ft.float16
    assert ft.result_type(ft.ones(2, dtype=ft.int64), 1j) is ft.complex64


# --------------------------------------------------------------------------------------
# float64 and int64 are real.


def test_float64_keeps_float64_precision():
    a = ft.tensor([1.0, 2.0], dtype=ft.float64)
    got = ((a + 1e-10) - a).numpy()
    want = (np.array([1.0, 2.0]) + 1e-10) - np.array([1.0, 2.0])
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, want)
    assert abs(got[0] - 1e-10) < 1e-16


def _f(M, x):
    """A smooth scalar function through many registry ops."""
    y = (x.exp() * x).sigmoid() + x.tanh() / (x * x + 1) + (x * x + 0.5).sqrt().log()
    return (y**3).sum() / x.shape[0] + M.maximum(x, x * 0.5).mean()


def test_float64_gradient_matches_central_differences():
    x0 = np.array([0.3, -1.2, 0.8, 2.0])
    x = ft.tensor(x0, requires_grad=True)
    assert x.dtype is ft.float64
    _f(ft, x).backward()
    eps = 1e-6
    with ft.no_grad():
        numeric = [
            (
                _f(ft, ft.tensor(x0 + eps * e)).item()
                - _f(ft, ft.tensor(x0 - eps * e)).item()
            )
            / (2 * eps)
            for e in np.eye(len(x0))
        ]
    assert x.grad.dtype is ft.float64
    # float64 central differences are good to ~1e-9 here; float32 ones to ~1e-1.
    np.testing.assert_allclose(x.grad.numpy(), numeric, rtol=1e-7, atol=1e-8)


def test_float64_gradient_equals_torch(torch):
    x0 = np.array([0.3, -1.2, 0.8, 2.0])
    grads = []
    for M in (ft, torch):
        x = M.tensor(x0, requires_grad=True)
        _f(M, x).backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12, atol=1e-14)


def _mlp_steps(M, optimizer: str):
    """A micrograd-sized float64 MLP, three optimizer steps; the weights after."""
    M.manual_seed(0)
    model = M.nn.Sequential(
        M.nn.Linear(3, 4, dtype=M.float64),
        M.nn.Tanh(),
        M.nn.Linear(4, 1, dtype=M.float64),
    )
    X = M.tensor(np.linspace(-1, 1, 15).reshape(5, 3))
    y = M.tensor(np.array([[1.0], [-1.0], [1.0], [1.0], [-1.0]]))
    opt = (
        M.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        if optimizer == "sgd"
        else M.optim.Adam(model.parameters(), lr=0.01)
    )
    for _ in range(3):
        opt.zero_grad(set_to_none=False)
        loss = ((model(X) - y) ** 2).mean()
        loss.backward()
        opt.step()
    return [p.detach().numpy() for p in model.parameters()], loss


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_float64_training_equals_torch(torch, optimizer):
    got, loss = _mlp_steps(ft, optimizer)
    want, _ = _mlp_steps(torch, optimizer)
    assert loss.dtype is ft.float64
    for g, w in zip(got, want, strict=True):
        assert g.dtype == np.float64
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-14)


def test_int64_holds_values_past_2_31():
    big = 2**40 + 3
    t = ft.tensor([big, -big])
    assert t.dtype is ft.int64 and t.numpy().dtype == np.int64
    assert (t * 3 + 1).tolist() == [3 * big + 1, -3 * big + 1]
    assert ft.arange(2**31 - 1, 2**31 + 2).tolist() == [2**31 - 1, 2**31, 2**31 + 1]
    assert ft.full((2,), 2**33).sum().item() == 2**34
    assert ft.tensor([2**31, 1], dtype=ft.int64).argmax().item() == 0
    assert (ft.tensor([big]) > 2**40).tolist() == [True]
    assert (ft.tensor([1, 2], dtype=ft.int32) + ft.tensor([big, 0])).tolist() == [
        big + 1,
        2,
    ]


def test_integer_factories_are_int64_and_float_ones_float32():
    assert ft.arange(5).dtype is ft.int64
    assert ft.tensor([1, 2]).dtype is ft.int64
    assert ft.tensor([1.0, 2.0]).dtype is ft.float32
    assert ft.tensor([1, 2]).numpy().dtype == np.int64
    assert ft.tensor([1.0, 2.0]).numpy().dtype == np.float32


def test_64_bit_tensors_through_the_tensor_api():
    # Each of these computes on 64-bit values; a truncation to 32 bits would warn
    # (an error in this suite) or lose the 1e-10.
    x = ft.tensor([1.0, 1.0 + 1e-10, 3.0], dtype=ft.float64)
    assert (x > 1.0).tolist() == [False, True, True]
    assert x.argmax().item() == 2 and x.max(0).indices.item() == 2
    assert not x.equal(ft.ones(3, dtype=ft.float64))
    y = ft.zeros(3, dtype=ft.float64).copy_(x)
    assert y[1].item() - 1.0 == pytest.approx(1e-10, rel=1e-6)
    assert y.fill_(1e-300).tolist() == [1e-300] * 3
    y.add_(1e-300)
    assert y.tolist() == [2e-300] * 3
    assert x[ft.tensor([2, 1])].tolist() == [3.0, 1.0 + 1e-10]
    assert x.to(ft.float32).dtype is ft.float32
    assert x.to(ft.int64).tolist() == [1, 1, 3]
    assert "dtype=torch.float64" in repr(x)


def test_64_bit_and_jax_transforms():
    x = ft.tensor([1.0, 2.0], dtype=ft.float64)
    with jax.enable_x64(True):  # the caller's mode decides under jax.jit
        out = jax.jit(lambda t: (t + 1e-10) - t)(x)
    assert out.dtype is ft.float64
    np.testing.assert_allclose(out.numpy(), 1e-10, rtol=1e-6)


# --------------------------------------------------------------------------------------
# The default dtype.


@pytest.fixture
def default64():
    ft.set_default_dtype(ft.float64)
    yield
    ft.set_default_dtype(ft.float32)


def test_set_default_dtype_float64(default64):
    assert ft.get_default_dtype() is ft.float64
    assert ft.tensor([1.0]).dtype is ft.float64
    assert ft.zeros(2).dtype is ft.float64 and ft.randn(2).dtype is ft.float64
    assert (ft.tensor([1, 2]) / 2).dtype is ft.float64
    assert (ft.tensor([1, 2]) + 0.5).dtype is ft.float64
    assert ft.tensor([1j]).dtype is ft.complex128
    assert ft.nn.Linear(2, 3).weight.dtype is ft.float64
    assert repr(ft.tensor([1.5])) == "tensor([1.5000])"
    assert repr(ft.tensor([1.5], dtype=ft.float32)) == (
        "tensor([1.5000], dtype=torch.float32)"
    )
    assert ft.ones(2, dtype=ft.float32).dtype is ft.float32


def test_set_default_dtype_matches_torch(torch, default64):
    torch.set_default_dtype(torch.float64)
    try:
        torch.manual_seed(3)
        ft.manual_seed(3)
        for fn in (
            lambda M: M.randn(20),
            lambda M: M.rand(3),
            lambda M: M.tensor([1, 2]) / 3,
            lambda M: M.arange(0, 1, 0.25),
            lambda M: M.linspace(0, 1, 4),
            lambda M: M.tensor([1.0, 2.0]) + M.tensor(3.0, dtype=M.float32),
        ):
            got, want = fn(ft), fn(torch)
            assert repr(got) == repr(want)
            # float64 values, to the last bit or two (linspace's formula differs)
            np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=4e-16)
    finally:
        torch.set_default_dtype(torch.float32)


def test_set_default_dtype_refuses_non_floats():
    for bad in (ft.int64, ft.bool):
        with pytest.raises(TypeError, match="only floating-point types are supported"):
            ft.set_default_dtype(bad)
    with pytest.raises(TypeError, match="invalid dtype object"):
        ft.set_default_dtype(float)
    assert ft.get_default_dtype() is ft.float32


# --------------------------------------------------------------------------------------
# JAX's 64-bit mode stays the facade's: float32 code, the functional core, other JAX.


def _use_64_bit_facade():
    x = ft.tensor([0.5, 1.5], dtype=ft.float64, requires_grad=True)
    (x * x).sum().backward()
    ft.arange(3) * 2**40


def test_functional_core_stays_float32_with_the_facade_in_use():
    _use_64_bit_facade()
    assert not jax.config.jax_enable_x64
    assert jnp.ones(2).dtype == jnp.float32 and jnp.arange(2).dtype == jnp.int32
    params = fg.init_linear(jax.random.key(0), in_features=5, out_features=3)
    assert params.w.dtype == params.b.dtype == jnp.float32
    x = np.ones((4, 5))  # NumPy's float64 data, as users pass it
    y = np.ones((4, 3))
    assert fg.linear(params, x).dtype == jnp.float32
    assert fg.loss(params, x, y).dtype == jnp.float32
    g = jax.grad(fg.loss)(params, x, y)
    assert g.w.dtype == jnp.float32
    result = fg.fit(
        params, x, y, optimizer=optax.sgd(0.1), epochs=2, batch_size=2,
        key=jax.random.key(1),
    )  # fmt: skip
    assert result.params.w.dtype == result.params.b.dtype == jnp.float32


def test_float32_facade_code_stays_float32():
    _use_64_bit_facade()
    step = make_seed_step(ft)
    loss = step()
    assert loss.dtype is ft.float32
    assert (ft.ones(3, requires_grad=True) * 0.1).dtype is ft.float32
    assert ft.randn(2, 2).numpy().dtype == np.float32


def test_64_bit_mode_is_thread_local():
    inside, release = threading.Event(), threading.Event()
    seen = []

    def worker():
        with dt.scope():
            seen.append(jnp.ones(1).dtype)
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=worker)
    thread.start()
    inside.wait(10)
    try:
        assert jnp.ones(1).dtype == jnp.float32  # this thread: unchanged
    finally:
        release.set()
        thread.join()
    assert seen == [jnp.float64]


def test_gradcheck_on_float64_inputs():
    x = ft.tensor([0.3, -1.2, 0.8], dtype=ft.float64, requires_grad=True)
    assert ft.autograd.gradcheck(lambda t: _f(ft, t), (x,), eps=1e-6, atol=1e-8)
    assert ft.autograd.gradgradcheck(lambda t: (t * t.exp()).sum(), (x,))


def test_64_bit_constants_in_a_32_bit_trace():
    labels = ft.tensor([0, 2])  # int64, captured by code jitted without x64
    out = jax.jit(lambda z: ft.nn.functional.nll_loss(z, labels))(ft.zeros(2, 3))
    assert out.dtype is ft.float32
    big = ft.tensor([2**40])
    with pytest.raises(OverflowError, match=r"enable_x64\(True\)"):
        jax.jit(lambda z: z + big)(ft.zeros(1, dtype=ft.int64))
