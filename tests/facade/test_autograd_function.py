"""``torch.autograd`` additions against real PyTorch: custom ``Function``,
``Variable``, ``functional`` (jacobian/hessian/vjp/jvp/hvp), ``gradcheck`` and
``torch.testing.assert_close``."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import funcgrad.torch as ft


def _functions(torch):
    """The same custom Functions, written against either namespace."""

    class Legendre3(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, scale):
            ctx.save_for_backward(x)
            ctx.scale = scale
            ctx.seen = ctx.needs_input_grad
            return scale * 0.5 * (5 * x**3 - 3 * x)

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * ctx.scale * 1.5 * (5 * x**2 - 1), None

    class TwoOut(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return a * b, a + b

        @staticmethod
        @torch.autograd.function.once_differentiable
        def backward(ctx, g1, g2):
            a, b = ctx.saved_tensors
            return g1 * b + g2, g1 * a + g2

    class Straight(torch.autograd.Function):  # a gradient unlike the forward's
        @staticmethod
        def forward(x):
            return (x > 0).float()

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.mark_non_differentiable()

        @staticmethod
        def backward(ctx, g):
            return g * 3

    return Legendre3, TwoOut, Straight


def _run(torch, values):
    Legendre3, TwoOut, Straight = _functions(torch)
    x = torch.tensor(values, requires_grad=True)
    y = Legendre3.apply(x, 2.0)
    p, s = TwoOut.apply(x, x * 2)
    z = Straight.apply(x)
    (y.sum() + (p * s).sum() + (z * x).sum()).backward()
    return {
        "y": y.detach().numpy(),
        "grad": x.grad.numpy(),
        "names": [t.grad_fn.name() for t in (y, p, s, z)],
        "repr": repr(y).split("grad_fn=")[1],
        "edges": len(p.grad_fn.next_functions),
        "type": type(y.grad_fn).__name__,
    }


@given(
    st.lists(st.floats(-2, 2, width=32, allow_subnormal=False), min_size=1, max_size=5)
)
def test_custom_functions_match_torch(values) -> None:
    torch = pytest.importorskip("torch")
    ours, theirs = _run(ft, values), _run(torch, values)
    np.testing.assert_allclose(ours["y"], theirs["y"], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(ours["grad"], theirs["grad"], rtol=1e-5, atol=1e-5)
    for key in ("names", "repr", "edges", "type"):
        assert ours[key] == theirs[key]


def test_custom_function_pinned() -> None:
    Legendre3, _, _ = _functions(ft)
    x = ft.tensor([1.0, 2.0], requires_grad=True)
    y = Legendre3.apply(x, 1.0)
    assert repr(y) == "tensor([ 1., 17.], grad_fn=<Legendre3Backward>)"
    assert repr(y.grad_fn).startswith("<torch.autograd.function.Legendre3Backward")
    y.sum().backward()
    assert x.grad.tolist() == [6.0, 28.5]
    with ft.no_grad():
        assert Legendre3.apply(x, 1.0).grad_fn is None
    assert Legendre3.apply(ft.ones(1), 1.0).grad_fn is None


def _errors(torch):
    class Bad(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 1

        @staticmethod
        def backward(ctx, g):
            return g, g

    class BadShape(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 1

        @staticmethod
        def backward(ctx, g):
            return torch.ones(3)

    class NoBackward(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 1

    class Saves(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a * 2

        @staticmethod
        def backward(ctx, g):
            (a,) = ctx.saved_tensors
            return g * 2

    b = torch.ones(2, requires_grad=True)
    out = []
    for fn in (Bad, BadShape, NoBackward):
        try:
            fn.apply(b).sum().backward()
            out.append("ok")
        except (RuntimeError, NotImplementedError) as e:
            out.append(f"{type(e).__name__}: {e}")
    y = Saves.apply(b)
    y.sum().backward()
    try:
        y.sum().backward()
    except RuntimeError as e:
        out.append(str(e))
    return out


def test_custom_function_errors_match_torch() -> None:
    torch = pytest.importorskip("torch")
    assert _errors(ft) == _errors(torch)


def test_variable_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    for m in (ft, torch):
        x = m.ones(2)
        v = m.autograd.Variable(x, requires_grad=True)
        assert v is not x and v.requires_grad and not x.requires_grad
        assert isinstance(x, m.autograd.Variable)
    assert repr(ft.autograd.Variable(ft.ones(1))) == "tensor([1.])"


def _functional(torch):
    AF = torch.autograd.functional
    x = torch.tensor([0.5, -1.0, 2.0])
    v = torch.tensor([1.0, 2.0, -1.0])

    def f(t):
        return t * t * t - 2 * t

    def g(a, b):
        return (a * a * b).sum()

    return {
        "jac": AF.jacobian(f, x),
        "jac2": AF.jacobian(lambda a, b: (a * b, a + b), (x, v)),
        "hess": AF.hessian(lambda t: (t * t * t).sum(), x),
        "hess2": AF.hessian(g, (x, v)),
        "vjp": AF.vjp(f, x, v),
        "jvp": AF.jvp(f, x, v),
        "hvp": AF.hvp(lambda t: (t**3).sum(), x, v),
        "vhp": AF.vhp(lambda t: (t**3).sum(), x, v),
    }


def _flat(x):
    if isinstance(x, tuple):
        return [y for item in x for y in _flat(item)]
    return [x.numpy()]


def test_autograd_functional_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    ours, theirs = _functional(ft), _functional(torch)
    for key in ours:
        a, b = _flat(ours[key]), _flat(theirs[key])
        assert len(a) == len(b), key
        for u, w in zip(a, b, strict=True):
            np.testing.assert_allclose(u, w, rtol=1e-6, err_msg=key)


def test_jacobian_create_graph_and_pinned() -> None:
    AF = ft.autograd.functional
    x = ft.tensor([1.0, 2.0], requires_grad=True)
    jac = AF.jacobian(lambda t: t * t, x, create_graph=True)
    assert jac.requires_grad
    jac.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]
    assert AF.hessian(lambda t: (t**3).sum(), ft.tensor([1.0, 2.0])).tolist() == [
        [6.0, 0.0],
        [0.0, 12.0],
    ]


def test_gradcheck() -> None:
    x = ft.tensor([0.5, 1.5, -0.7], requires_grad=True)
    with pytest.warns(UserWarning, match="not a double precision"):
        assert ft.autograd.gradcheck(lambda t: t * t * t, (x,), eps=1e-3, atol=1e-3)
    Legendre3, _, _ = _functions(ft)

    class Wrong(ft.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * a

        @staticmethod
        def backward(ctx, g):
            return g  # should be 2 a g

    kw = dict(eps=1e-3, atol=1e-3)
    with pytest.warns(UserWarning):
        assert ft.autograd.gradcheck(lambda t: Legendre3.apply(t, 1.0), (x,), **kw)
        with pytest.raises(ft.autograd.GradcheckError, match="Jacobian mismatch"):
            ft.autograd.gradcheck(Wrong.apply, (x,), **kw)
        assert not ft.autograd.gradcheck(Wrong.apply, (x,), raise_exception=False, **kw)
        assert ft.autograd.gradgradcheck(lambda t: t * t * t, (x,), **kw)


ASSERT_CASES = [
    ([1.0, 2.0, 3.0], [1.0, 2.5, 3.0], {}),
    ([[1, 2], [3, 4]], [[1, 2], [3, 5]], {}),
    ([1.0], [2.0], {}),
    (1.0, 2.0, {}),
    ([0.0, 2.0], [1.0, 0.0], {}),
    ([1.0, float("inf")], [1.0, 2.0], {}),
    ([1.0, float("nan")], [1.0, float("nan")], {}),
    ([1.0, float("nan")], [1.0, float("nan")], {"equal_nan": True}),
    ([1.0, 2.0], [1.0, 2.1], {"rtol": 0, "atol": 0.01}),
    ([1.0, 2.0], [1.0, 2.1], {"msg": "boom"}),
    ([1.0, 2.0], [1.0, 2.1], {"rtol": 0}),
    ([1.0, 2.0, 3.0], [1.0, 2.0], {}),
    ([1.0, 2.0], [1.0, 2.0000001], {}),
]


@pytest.mark.parametrize(("a", "b", "kw"), ASSERT_CASES)
def test_assert_close_matches_torch(a, b, kw) -> None:
    torch = pytest.importorskip("torch")

    def outcome(m):
        try:
            m.testing.assert_close(m.tensor(a), m.tensor(b), **kw)
            return "ok"
        except (AssertionError, ValueError) as e:
            return f"{type(e).__name__}: {e}"

    assert outcome(ft) == outcome(torch)


def test_assert_close_containers_and_dtype() -> None:
    torch = pytest.importorskip("torch")

    def outcome(m, a, b):
        try:
            m.testing.assert_close(a, b)
            return "ok"
        except (AssertionError, TypeError) as e:
            return f"{type(e).__name__}: {e}"

    for m_args in (
        lambda m: (
            [m.tensor(1.0), m.tensor([1.0, 2.0])],
            [m.tensor(1.0), m.tensor([1.0, 3.0])],
        ),  # noqa: E501
        lambda m: ({"a": m.tensor([1.0, 2.0])}, {"a": m.tensor([1.0, 3.0])}),
        lambda m: (m.tensor([1, 2]), m.tensor([1.0, 2.0])),
        lambda m: (1, 2),
        lambda m: (m.tensor([1.0]), [1.0]),
    ):
        assert outcome(ft, *m_args(ft)) == outcome(torch, *m_args(torch))


def _double(torch, values):
    """Second derivatives through custom Functions whose backward is written with
    tensor ops (one saving its input, one its output, one with two outputs)."""

    class Cube(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 3 * x**2 * g

    class Exp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, g):
            (y,) = ctx.saved_tensors
            return g * y

    class MulAdd(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return a * b, a + b

        @staticmethod
        def backward(ctx, g1, g2):
            a, b = ctx.saved_tensors
            return g1 * b + g2, g1 * a + g2

    x = torch.tensor(values, requires_grad=True)
    w = torch.tensor(values[::-1], requires_grad=True)
    p, s = MulAdd.apply(x, w)
    y = (Cube.apply(x) * w).sum() + Exp.apply(x * w).sum() + (p * s * p).sum()
    gx, gw = torch.autograd.grad(y, (x, w), create_graph=True)
    (gx * gx).sum().backward(retain_graph=True)
    hxx = torch.autograd.grad(gx.sum(), x, retain_graph=True)[0]
    return {
        "gx": gx.detach().numpy(),
        "gw": gw.detach().numpy(),
        "hxx": hxx.numpy(),
        "x.grad": x.grad.numpy(),
        "w.grad": w.grad.numpy(),
        "node": gx.grad_fn.name(),
    }


@settings(max_examples=15, deadline=None)
@given(
    st.lists(st.floats(-1.5, 1.5, width=32, allow_subnormal=False), min_size=1,
             max_size=4)
)  # fmt: skip
def test_double_backward_through_custom_functions_matches_torch(values) -> None:
    torch = pytest.importorskip("torch")
    ours, theirs = _double(ft, values), _double(torch, values)
    assert ours["node"] == theirs["node"]
    for key in ("gx", "gw", "hxx", "x.grad", "w.grad"):
        np.testing.assert_allclose(ours[key], theirs[key], rtol=2e-5, atol=2e-5)


def test_double_backward_through_custom_function_by_hand() -> None:
    """d/dx of Cube's backward: 6x (and gradgradcheck in float64 agrees)."""

    class Cube(ft.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 3 * x**2 * g

    x = ft.tensor([1.0, -2.0, 0.5], requires_grad=True)
    (g,) = ft.autograd.grad(Cube.apply(x).sum(), x, create_graph=True)
    assert g.tolist() == [3.0, 12.0, 0.75]
    (h,) = ft.autograd.grad(g.sum(), x)
    assert h.tolist() == [6.0, -12.0, 3.0]
    x64 = ft.tensor([0.3, -1.2], dtype=ft.float64, requires_grad=True)
    assert ft.autograd.gradgradcheck(Cube.apply, (x64,))


def _once(torch):
    """What PyTorch does with a ``once_differentiable`` backward under
    ``create_graph=True``: an ``Error`` node, raised only when reached."""

    class Once(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**3

        @staticmethod
        @torch.autograd.function.once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 3 * x**2 * g

    out = []
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor([3.0, 4.0], requires_grad=True)
    (g,) = torch.autograd.grad((Once.apply(x) * x).sum(), x, create_graph=True)
    error = g.grad_fn.next_functions[1][0]
    out.append((g.tolist(), error.name(), repr(error).split(" object")[0]))
    out.append(
        torch.autograd.grad(g.sum(), x)[0].tolist()
    )  # the Error is not on x's path
    (g,) = torch.autograd.grad((Once.apply(x) * w).sum(), x, create_graph=True)
    out.append((repr(g), len(g.grad_fn.next_functions)))
    try:
        g.sum().backward()
    except RuntimeError as e:
        out.append(str(e))
    (g,) = torch.autograd.grad((Once.apply(x) * w).sum(), x)  # no create_graph
    out.append((g.tolist(), g.requires_grad))
    return out


def test_once_differentiable_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    assert _once(ft) == _once(torch)


def test_once_differentiable_pinned() -> None:
    out = _once(ft)
    assert out[1] == [3.0, 12.0]
    assert out[3] == (
        "trying to differentiate twice a function that was marked with "
        "@once_differentiable"
    )


def _sharded(torch):
    """``autograd.grad`` to intermediates frees only what it ran: a backward
    from those intermediates afterwards still runs (PyTorch's sharded pattern;
    the graph above them is kept for the second ``grad``)."""
    leaves = [torch.full((2,), float(i), requires_grad=True) for i in range(4)]
    inter = [leaf * i + leaf * leaf for i, leaf in enumerate(leaves)]
    loss = sum(v * i for i, v in enumerate(inter)).sum()
    grads = list(torch.autograd.grad(loss, inter[:2], retain_graph=True))
    grads += torch.autograd.grad(loss, inter[2:])
    torch.autograd.backward(inter, grads)
    return [leaf.grad.tolist() for leaf in leaves]


def test_grad_then_backward_from_its_inputs_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    assert _sharded(ft) == _sharded(torch)
    assert _sharded(ft)[3] == [3 * (3 + 2 * 3)] * 2  # i * (i + 2 * leaf), by hand
