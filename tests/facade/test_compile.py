"""``funcgrad.torch.compile``: compiled steps leave the same state as eager facade
steps and real PyTorch steps; guards, recompiles, graph breaks, ``explain``."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import funcgrad.torch as ft
from funcgrad.torch import _compile

RNG = np.random.default_rng(0)
X = RNG.normal(size=(16, 6)).astype(np.float32)
Y = (RNG.random((16, 1)) > 0.5).astype(np.float32)


def _np(t) -> np.ndarray:
    return t.detach().numpy()


def _mlp_step(ns, *, log=None, lr=1e-2):
    """An MLP + Adam training step written once for facade and torch; ``log``
    (a list) makes it read ``loss.item()``: a graph break."""
    ns.manual_seed(0)
    model = ns.nn.Sequential(
        ns.nn.Linear(6, 8), ns.nn.ReLU(), ns.nn.Linear(8, 8), ns.nn.ReLU(),
        ns.nn.Linear(8, 1),
    )  # fmt: skip
    opt = ns.optim.Adam(model.parameters(), lr=lr)
    crit = ns.nn.BCEWithLogitsLoss()

    def step(x, y):
        opt.zero_grad()
        loss = crit(model(x), y)
        loss.backward()
        opt.step()
        if log is not None:
            log.append(loss.item())
        return loss

    return model, opt, step


def _assert_same_state(a, b, atol=1e-6) -> None:
    (ma, oa), (mb, ob) = a, b
    for pa, pb in zip(ma.parameters(), mb.parameters(), strict=True):
        np.testing.assert_allclose(_np(pa), _np(pb), atol=atol)
        np.testing.assert_allclose(_np(pa.grad), _np(pb.grad), atol=atol)
    sa, sb = oa.state_dict()["state"], ob.state_dict()["state"]
    assert sa.keys() == sb.keys()
    for k in sa:
        for name in ("step", "exp_avg", "exp_avg_sq"):
            np.testing.assert_allclose(_np(sa[k][name]), _np(sb[k][name]), atol=atol)


def _run(step, ns, n=50):
    x, y = ns.tensor(X), ns.tensor(Y)
    return [step(x, y) for _ in range(n)]


def test_fifty_compiled_steps_equal_fifty_eager_steps() -> None:
    m1, o1, s1 = _mlp_step(ft)
    m2, o2, s2 = _mlp_step(ft)
    compiled = ft.compile(s1)
    l1, l2 = _run(compiled, ft), _run(s2, ft)
    assert compiled.compile_count == 1  # the first call runs eagerly
    assert not compiled.breaks
    np.testing.assert_allclose([x.item() for x in l1], [x.item() for x in l2], 1e-5)
    _assert_same_state((m1, o1), (m2, o2))
    assert [p._version for p in m1.parameters()] == [
        p._version for p in m2.parameters()
    ]


def test_fifty_compiled_steps_equal_real_torch() -> None:
    torch = pytest.importorskip("torch")
    m1, o1, s1 = _mlp_step(ft)
    m2, o2, s2 = _mlp_step(torch)
    _run(ft.compile(s1), ft), _run(s2, torch)
    _assert_same_state((m1, o1), (m2, o2), atol=2e-5)


def test_a_graph_break_runs_eagerly_with_the_same_results() -> None:
    log1, log2 = [], []
    m1, o1, s1 = _mlp_step(ft, log=log1)
    m2, o2, s2 = _mlp_step(ft, log=log2)
    compiled = ft.compile(s1)
    _run(compiled, ft, 10), _run(s2, ft, 10)
    assert compiled.compile_count == 0 and compiled.breaks
    assert "item()" in compiled.breaks[0].reason
    assert "log.append(loss.item())" in compiled.breaks[0].where
    np.testing.assert_allclose(log1, log2, rtol=1e-6)
    _assert_same_state((m1, o1), (m2, o2))


def test_fullgraph_raises_with_the_reason_and_the_line() -> None:
    _, _, step = _mlp_step(ft, log=[])
    with pytest.raises(RuntimeError, match=r"(?s)item\(\).*log.append\(loss.item"):
        ft.compile(step, fullgraph=True)(ft.tensor(X), ft.tensor(Y))


def test_explain_lists_the_breaks() -> None:
    def f(x):
        print(x)
        return x * 2

    out = ft.compiler.explain(f)(ft.ones(2))
    assert out.graph_break_count == 1 and out.graph_count == 0
    assert "printing a tensor" in str(out) and "print(x)" in str(out)
    ok = ft.compiler.explain(lambda x: x * 2)(ft.ones(2))
    assert (ok.graph_count, ok.graph_break_count) == (1, 0)


def test_new_batch_size_recompiles() -> None:
    m1, o1, s1 = _mlp_step(ft)
    m2, o2, s2 = _mlp_step(ft)
    compiled = ft.compile(s1)
    for rows in (16, 16, 16, 8, 8, 16):
        x, y = X[:rows], Y[:rows]
        compiled(ft.tensor(x), ft.tensor(y))
        s2(ft.tensor(x), ft.tensor(y))
    assert compiled.compile_count == 2  # 16 rows (after an eager first call), 8
    _assert_same_state((m1, o1), (m2, o2))


def test_grad_accumulates_across_calls_without_zero_grad() -> None:
    w = ft.tensor([1.0, -2.0, 3.0], requires_grad=True)

    @ft.compile
    def accumulate(x):
        (w * w * x).sum().backward()

    for _ in range(3):
        accumulate(ft.tensor([1.0, 1.0, 2.0]))
    np.testing.assert_allclose(_np(w.grad), 3 * np.array([2.0, -4.0, 12.0]))
    assert accumulate.compile_count == 1  # the first call runs eagerly


def test_learning_rate_and_scalar_guards() -> None:
    w = ft.tensor([1.0, 2.0], requires_grad=True)
    opt = ft.optim.SGD([w], lr=0.1)
    scale = [1.0]

    def step():
        opt.zero_grad()
        (w * w).sum().mul(scale[0]).backward()
        opt.step()

    compiled = ft.compile(step)
    compiled(), compiled()
    count = compiled.compile_count
    opt.param_groups[0]["lr"] = 0.25  # an input of the program: no recompile
    compiled()
    assert compiled.compile_count == count
    scale[0] = 0.5  # a Python constant of the program: recompile
    compiled()
    assert compiled.compile_count == count + 1
    # by hand: each step multiplies w by 1 - 2 * lr * scale
    expected = np.array([1.0, 2.0]) * 0.8 * 0.8 * 0.5 * 0.75
    np.testing.assert_allclose(_np(w), expected, atol=1e-7)


def test_training_flag_and_grad_mode_are_guarded() -> None:
    model = ft.nn.Linear(3, 2)
    compiled = ft.compile(lambda x: model(x))
    x = ft.ones(3)
    compiled(x)
    model.eval()
    compiled(x)
    with ft.no_grad():
        out = compiled(x)
    assert compiled.compile_count == 2  # eval, then no_grad (the first call: eager)
    assert out.grad_fn is None and not out.requires_grad


def test_compiled_module_forward_backpropagates_like_eager() -> None:
    m1, m2 = ft.nn.Linear(6, 2), ft.nn.Linear(6, 2)
    m2.load_state_dict(m1.state_dict())
    opt = ft.compile(m1)
    assert [n for n, _ in opt.named_parameters()] == [
        "_orig_mod.weight",
        "_orig_mod.bias",
    ]
    x = ft.tensor(X)
    opt(x)  # the first call runs eagerly
    out1, out2 = opt(x), m2(x)
    assert out1.grad_fn.name() == "CompiledFunctionBackward"
    (out1 * out1).sum().backward()
    (out2 * out2).sum().backward()
    for a, b in zip(m1.parameters(), m2.parameters(), strict=True):
        np.testing.assert_allclose(_np(a.grad), _np(b.grad), rtol=1e-5)
    m2.compile()
    np.testing.assert_allclose(_np(m2(x)), _np(out2), rtol=1e-6)


def test_recompile_limit_falls_back_to_eager_with_one_warning() -> None:
    compiled = ft.compile(lambda x: x.sum() * 2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        outs = [compiled(ft.ones(n)).item() for n in range(1, 12)]
    assert outs == [2.0 * n for n in range(1, 12)]
    assert compiled.compile_count == _compile.RECOMPILE_LIMIT
    assert sum("recompile limit" in str(w.message) for w in caught) == 1


def test_python_side_effects_and_hooks_break_cleanly() -> None:
    seen = []

    def keeps(x):
        y = x * 2
        seen.append(y)
        return y

    compiled = ft.compile(keeps)
    compiled(ft.ones(2)), compiled(ft.ones(2))
    assert [s.tolist() for s in seen] == [[2.0, 2.0], [2.0, 2.0]]
    assert "stored outside" in compiled.breaks[0].reason
    w = ft.ones(2, requires_grad=True)
    grads = []

    def hooked():
        w.register_hook(lambda g: grads.append(g))
        (w * 3).sum().backward()

    compiled = ft.compile(hooked)
    compiled(), compiled()
    assert len(grads) == 3  # the second call runs both hooks, as eagerly
    assert "hook" in compiled.breaks[0].reason


def test_compile_arguments() -> None:
    with pytest.raises(RuntimeError, match="Unrecognized mode=fast"):
        ft.compile(lambda x: x, mode="fast")
    with pytest.raises(RuntimeError, match="Invalid backend: 'nope'"):
        ft.compile(lambda x: x, backend="nope")

    @ft.compile(fullgraph=True, dynamic=False)
    def double(x):
        return x * 2

    assert double(ft.ones(2)).tolist() == [2.0, 2.0]
    eager = ft.compile(lambda x: x.sum().item(), backend="eager")
    assert eager(ft.ones(3)) == 3.0 and eager.compile_count == 0


def test_seed_step_compiled_equals_eager() -> None:
    from funcgrad._bench._cases import make_seed_step

    compiled, eager = ft.compile(make_seed_step(ft)), make_seed_step(ft)
    for _ in range(50):
        a, b = compiled(), eager()
    assert a.item() == pytest.approx(b.item(), rel=1e-6)
    assert compiled.compile_count == 1 and not compiled.breaks


def test_module_changes_between_calls_are_seen() -> None:
    class Scale(ft.nn.Module):
        def __init__(self):
            super().__init__()
            self.k = 2.0
            self.w = ft.nn.Parameter(ft.ones(2))

        def forward(self, x):
            return x * self.w * self.k

    m = Scale()
    compiled = ft.compile(m)
    x = ft.ones(2)
    assert compiled(x).tolist() == [2.0, 2.0]
    m.k = 3.0  # a static attribute: a new program
    assert compiled(x).tolist() == [3.0, 3.0]
    m.w = ft.nn.Parameter(ft.tensor([5.0, 5.0]))  # a new parameter object
    assert compiled(x).tolist() == [15.0, 15.0]
    with ft.no_grad():
        m.w.mul_(2)  # an in-place change of a parameter: an input, no recompile
    count = compiled._compiled.compile_count
    assert compiled(x).tolist() == [30.0, 30.0]
    assert compiled._compiled.compile_count == count


def test_grad_versions_and_zero_grad_without_none_match_eager() -> None:
    def make():
        ft.manual_seed(0)
        model = ft.nn.Linear(6, 1)
        opt = ft.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)

        def step(x):
            opt.zero_grad(set_to_none=False)
            model(x).sum().backward()
            opt.step()

        return model, step

    (m1, s1), (m2, s2) = make(), make()
    compiled, x = ft.compile(s1), ft.tensor(X)
    for _ in range(5):
        compiled(x), s2(x)
    assert compiled.compile_count == 1
    for a, b in zip(m1.parameters(), m2.parameters(), strict=True):
        np.testing.assert_allclose(_np(a), _np(b), rtol=1e-6)
        assert (a._version, a.grad._version) == (b._version, b.grad._version)


def test_the_tensor_seams_compile_patches_exist() -> None:
    # compile guards these methods while tracing; a rename must fail loudly here
    names = [*_compile._WRITES, *_compile._BREAKS, *_compile._ALWAYS, "_init"]
    assert all(hasattr(ft.Tensor, n) for n in names)
    assert all(
        isinstance(ft.Tensor.__dict__[n], property) for n in _compile._WRITE_PROPERTIES
    )


# --- the replay of the last call: every change a guard must see -------------------
def _steady(compiled, *args):
    """Call until the compiled function replays its last call (no walk) with
    the inputs that did not change baked in."""
    for _ in range(4):
        out = compiled(*args)
    inner = compiled.__dict__.get("_compiled", compiled)  # torch.compile(module)
    assert inner._replay is not None, "the replay was not taken"
    return out


G = ft.tensor([1.0, 2.0])


def _uses_global(x):
    return (x * G).sum()


def test_rebinding_a_global_to_a_new_tensor_is_seen() -> None:
    global G
    compiled, x = ft.compile(_uses_global), ft.tensor([1.0, 1.0])
    try:
        assert _steady(compiled, x).item() == 3.0
        G = ft.tensor([5.0, 7.0])  # a new outside tensor: a new guard key
        assert compiled(x).item() == 12.0
        G = ft.tensor([1.0, 2.0, 3.0])
        assert compiled(ft.ones(3)).item() == 6.0
    finally:
        G = ft.tensor([1.0, 2.0])


def test_rebinding_a_closure_variable_is_seen() -> None:
    w = ft.tensor([1.0, 2.0], requires_grad=True)
    k = 2.0

    def step():
        return (w * w * k).sum()

    compiled = ft.compile(step)
    assert _steady(compiled).item() == 10.0
    w = ft.tensor([3.0, 1.0], requires_grad=True)
    assert compiled().item() == 20.0
    k = 0.5  # a Python constant of the program: a new program
    out = compiled()
    assert out.item() == 5.0
    out.backward()
    np.testing.assert_allclose(_np(w.grad), [3.0, 1.0])


def test_replacing_a_module_attribute_or_submodule_is_seen() -> None:
    ft.manual_seed(0)
    model = ft.nn.Sequential(ft.nn.Linear(3, 2), ft.nn.ReLU())
    compiled, x = ft.compile(lambda x: model(x).sum()), ft.ones(3)
    _steady(compiled, x)
    model[0].weight = ft.nn.Parameter(ft.ones(2, 3))
    assert compiled(x).item() == pytest.approx(_np(model(x).sum()).item(), 1e-6)
    model[0] = ft.nn.Linear(3, 2)
    assert compiled(x).item() == pytest.approx(_np(model(x).sum()).item(), 1e-6)
    model[1] = ft.nn.Identity()
    assert compiled(x).item() == pytest.approx(_np(model(x).sum()).item(), 1e-6)


def test_a_list_or_an_object_inside_a_module_is_guarded() -> None:
    class Config:
        scale = 2.0

    class Scaled(ft.nn.Module):
        def __init__(self):
            super().__init__()
            self.factors = [1.0]
            self.config = Config()
            self.w = ft.nn.Parameter(ft.ones(2))

        def forward(self, x):
            return (x * self.w).sum() * self.factors[0] * self.config.scale

    m = Scaled()
    compiled, x = ft.compile(lambda x: m(x)), ft.ones(2)
    assert _steady(compiled, x).item() == 4.0
    m.factors[0] = 3.0  # an in-place change, no module attribute set
    assert compiled(x).item() == 12.0
    m.config.scale = 0.5
    assert compiled(x).item() == 3.0


def test_changing_hyperparameters_through_param_groups() -> None:
    def make():
        w = ft.tensor([1.0, -2.0], requires_grad=True)
        opt = ft.optim.SGD([w], lr=0.1, momentum=0.5)

        def step():
            opt.zero_grad()
            (w * w).sum().backward()
            opt.step()

        return w, opt, step

    (w1, o1, s1), (w2, o2, s2) = make(), make()
    compiled = ft.compile(s1)
    for _ in range(4):  # the learning rate's array is baked in by then
        compiled(), s2()
    assert compiled._replay is not None
    for o in (o1, o2):
        o.param_groups[0]["lr"] = 0.05  # an input: no new program
    compiled(), s2()
    count = compiled.compile_count
    for o in (o1, o2):
        o.param_groups[0]["momentum"] = 0.9  # static: a new program
    compiled(), s2()
    assert compiled.compile_count == count + 1
    o1.param_groups[0]["lr"] = o2.param_groups[0]["lr"] = ft.tensor(0.2)
    compiled(), s2(), compiled(), s2()
    np.testing.assert_allclose(_np(w1), _np(w2), rtol=1e-6)
    np.testing.assert_allclose(
        _np(o1.state[w1]["momentum_buffer"]), _np(o2.state[w2]["momentum_buffer"])
    )


def test_changes_of_tensors_between_calls_are_seen() -> None:
    w = ft.tensor([1.0, 2.0], requires_grad=True)
    x = ft.tensor([1.0, 1.0])

    def step():
        loss = (w * x).sum()
        loss.backward()
        return loss

    compiled = ft.compile(step)
    _steady(compiled)
    x.copy_(ft.tensor([2.0, 3.0]))  # in place, same shape: an input
    assert compiled().item() == 8.0 and compiled.compile_count == 1
    np.testing.assert_allclose(_np(w.grad), [4 * 1 + 2, 4 * 1 + 3])  # 5 calls
    w.grad = None
    compiled()
    np.testing.assert_allclose(_np(w.grad), [2.0, 3.0])
    x.data = ft.tensor([1.0, 1.0, 1.0])  # a new shape
    w.data = ft.tensor([1.0, 2.0, 4.0])
    w.grad = None
    assert compiled().item() == 7.0
    np.testing.assert_allclose(_np(w.grad), [1.0, 1.0, 1.0])
    w.requires_grad_(False)  # then backward fails, as it does eagerly
    with pytest.raises(RuntimeError, match="does not require grad"):
        compiled()


def test_requires_grad_and_training_changes_after_replays() -> None:
    class Branchy(ft.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = ft.nn.Parameter(ft.ones(2))

        def forward(self, x):
            return (x * self.w * (2.0 if self.training else 3.0)).sum()

    m = Branchy()
    compiled, x = ft.compile(m), ft.ones(2)
    assert _steady(compiled, x).item() == 4.0
    m.eval()
    assert compiled(x).item() == 6.0
    m.w.requires_grad_(False)
    out = compiled(x)
    assert out.item() == 6.0 and not out.requires_grad


def test_optimizer_state_changed_outside_is_seen() -> None:
    m1, o1, s1 = _mlp_step(ft)
    m2, o2, s2 = _mlp_step(ft)
    compiled, x, y = ft.compile(s1), ft.tensor(X), ft.tensor(Y)
    for _ in range(3):
        compiled(x, y), s2(x, y)
    assert compiled._replay is not None
    saved = o2.state_dict()
    s2(x, y), s2(x, y)  # eager steps on the second, then its state comes back
    o2.load_state_dict(saved)
    o1.load_state_dict(saved)
    m1.load_state_dict(m2.state_dict())
    for _ in range(3):
        compiled(x, y), s2(x, y)
    s1(x, y), s2(x, y)  # an eager step between compiled ones
    for _ in range(3):
        compiled(x, y), s2(x, y)
    _assert_same_state((m1, o1), (m2, o2))


def test_an_argument_that_is_also_reached_from_outside() -> None:
    w = ft.tensor([1.0, 2.0], requires_grad=True)
    compiled = ft.compile(lambda a: (a * w).sum())
    _steady(compiled, ft.tensor([1.0, 1.0]))
    assert compiled(w).item() == 5.0  # the argument is the outside tensor
    assert compiled(ft.tensor([2.0, 2.0])).item() == 6.0


def test_grad_mode_and_a_global_dict_after_replays() -> None:
    table = {"w": ft.tensor([1.0, 2.0], requires_grad=True)}
    compiled = ft.compile(lambda x: (x * table["w"]).sum())
    x = ft.ones(2)
    _steady(compiled, x)
    table["w"] = ft.tensor([4.0, 4.0], requires_grad=True)
    assert compiled(x).item() == 8.0
    with ft.no_grad():
        out = compiled(x)
    assert out.item() == 8.0 and out.grad_fn is None
    table["v"] = 1.0
    assert compiled(x).item() == 8.0


def test_a_grad_zeroed_in_the_step_and_changed_between_calls() -> None:
    def make():
        w = ft.tensor([1.0, -1.0], requires_grad=True)
        x = ft.tensor([2.0, 3.0])

        def step():
            loss = (w * w * x).sum()
            loss.backward()
            with ft.no_grad():
                w.sub_(0.1 * w.grad)
            w.grad.zero_()  # a program output that depends on no input
            return loss

        return w, step

    (w1, s1), (w2, s2) = make(), make()
    compiled = ft.compile(s1)
    for i in range(8):
        if i in (4, 6):
            for w in (w1, w2):
                w.grad.add_(1.0)  # between calls, in place
        assert compiled().item() == pytest.approx(s2().item(), rel=1e-6)
        np.testing.assert_allclose(_np(w1), _np(w2), rtol=1e-6)
        np.testing.assert_allclose(_np(w1.grad), _np(w2.grad))
        assert w1.grad._version == w2.grad._version
    assert compiled.compile_count == 1
