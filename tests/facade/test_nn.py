"""``funcgrad.torch.nn`` against real PyTorch: init, forward, backward, graphs,
module bookkeeping, ``state_dict`` and reprs; plus hard-coded expectations."""

from __future__ import annotations

import copy
import math
import re
import zlib

import numpy as np
import pytest

import funcgrad.torch as ft
from funcgrad.torch import nn

ADDRESS = re.compile(r"0x[0-9a-f]+")


def graph(t) -> str:
    """``Name(child, ...)`` of a result's grad_fn, recursively (None for no edge)."""

    def rec(fn) -> str:
        if fn is None:
            return "None"
        name = fn.name().replace("torch::autograd::", "")
        kids = ", ".join(rec(f) for f, _ in fn.next_functions)
        return f"{name}({kids})"

    return rec(t.grad_fn)


# --- without torch ---


def test_seeded_linear_pinned() -> None:
    ft.manual_seed(0)
    layer = nn.Linear(5, 3)
    assert layer.weight.shape == (3, 5) and layer.bias.shape == (3,)
    assert repr(layer.bias) == (
        "Parameter containing:\ntensor([0.0166, 0.1768, 0.2683], requires_grad=True)"
    )
    assert layer.weight[0].tolist() == pytest.approx(
        [-0.0033, 0.2399, -0.3681, -0.3291, -0.1722], abs=1e-4
    )


def test_parameter_basics() -> None:
    p = nn.Parameter(ft.ones(2))
    assert p.requires_grad and p.is_leaf and isinstance(p, ft.Tensor)
    assert repr(p) == "Parameter containing:\ntensor([1., 1.], requires_grad=True)"
    q = nn.Parameter(ft.ones(2), requires_grad=False)
    assert repr(q) == "Parameter containing:\ntensor([1., 1.])"
    (p * p).sum().backward()
    assert p.grad.tolist() == [2.0, 2.0]
    c = copy.deepcopy(p)
    assert isinstance(c, nn.Parameter) and c is not p and c.equal(p)


def test_module_registration_and_errors() -> None:
    layer = nn.Linear(2, 2, bias=False)
    assert layer.bias is None
    assert [n for n, _ in layer.named_parameters()] == ["weight"]
    with pytest.raises(TypeError, match="cannot assign 'torch.FloatTensor' as param"):
        layer.weight = ft.zeros(2, 2)
    with pytest.raises(AttributeError, match="'Linear' object has no attribute 'x'"):
        layer.x  # noqa: B018

    class Empty(nn.Module):
        pass

    with pytest.raises(NotImplementedError, match=r"Module \[Empty\] is missing"):
        Empty()(1)
    assert repr(Empty()) == "Empty()"


def test_sequential_traversal_and_repr() -> None:
    inner = nn.Linear(3, 1)
    net = nn.Sequential(nn.Linear(5, 3), nn.ReLU(), inner, nn.Sigmoid())
    assert len(net) == 4 and net[2] is inner and net[-1].__class__ is nn.Sigmoid
    assert [n for n, _ in net.named_parameters()] == [
        "0.weight", "0.bias", "2.weight", "2.bias",
    ]  # fmt: skip
    assert len(list(net.modules())) == 5 and len(list(net.children())) == 4
    assert list(net.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert repr(net[1:]) == (
        "Sequential(\n  (1): ReLU()\n"
        "  (2): Linear(in_features=3, out_features=1, bias=True)\n"
        "  (3): Sigmoid()\n)"
    )
    net.eval()
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


def test_zero_grad_and_state_dict_round_trip() -> None:
    ft.manual_seed(1)
    a, b = nn.Linear(4, 2), nn.Linear(4, 2)
    a(ft.ones(3, 4)).sum().backward()
    assert a.weight.grad is not None
    a.zero_grad(set_to_none=False)
    assert a.weight.grad.tolist() == [[0.0] * 4] * 2
    a.zero_grad()
    assert a.weight.grad is None
    result = b.load_state_dict(a.state_dict())
    assert repr(result) == "<All keys matched successfully>"
    assert b.weight.equal(a.weight) and b.bias.equal(a.bias)
    assert b.weight.requires_grad and isinstance(b.weight, nn.Parameter)


def test_load_state_dict_errors_in_torchs_words() -> None:
    m = nn.Linear(5, 3)
    with pytest.raises(RuntimeError) as e:
        m.load_state_dict({"weight": ft.zeros(3, 5), "foo": ft.zeros(1)})
    assert str(e.value) == (
        "Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: "
        '"bias". \n\tUnexpected key(s) in state_dict: "foo". '
    )
    with pytest.raises(RuntimeError) as e:
        m.load_state_dict({"weight": ft.zeros(3, 4), "bias": ft.zeros(3)})
    assert str(e.value) == (
        "Error(s) in loading state_dict for Linear:\n\tsize mismatch for weight: "
        "copying a param with shape torch.Size([3, 4]) from checkpoint, the shape "
        "in current model is torch.Size([3, 5])."
    )
    r = m.load_state_dict({"weight": ft.zeros(3, 5), "foo": ft.zeros(1)}, strict=False)
    assert r.missing_keys == ["bias"] and r.unexpected_keys == ["foo"]
    assert m.weight.tolist() == [[0.0] * 5] * 3


def test_loss_modules_hold_weights_as_buffers() -> None:
    loss = nn.BCEWithLogitsLoss(pos_weight=ft.ones(3))
    assert list(loss.state_dict()) == ["pos_weight"]
    assert repr(loss) == "BCEWithLogitsLoss()"
    assert list(nn.MSELoss().parameters()) == []


def test_functional_graphs_pinned() -> None:
    w = ft.ones(3, 5, requires_grad=True)
    b = ft.zeros(3, requires_grad=True)
    assert graph(nn.functional.linear(ft.ones(2, 5), w, b)) == (
        "AddmmBackward0(AccumulateGrad(), None, TBackward0(AccumulateGrad()))"
    )
    x = ft.zeros(2, 4, requires_grad=True)
    ce = nn.functional.cross_entropy(x, ft.tensor([0, 3]))
    assert graph(ce) == "NllLossBackward0(LogSoftmaxBackward0(AccumulateGrad()))"
    assert ce.item() == pytest.approx(math.log(4))


# --- against torch ---


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def _both(torch, array, requires_grad=False):
    a = np.asarray(array)
    t = torch.tensor(a, requires_grad=requires_grad)
    f = ft.tensor(a, requires_grad=requires_grad)
    return f, t


def _close(f, t, rtol=1e-6, atol=1e-7) -> None:
    np.testing.assert_allclose(
        np.asarray(f.detach().numpy()), t.detach().numpy(), rtol=rtol, atol=atol
    )


@pytest.mark.parametrize("seed", [0, 1, 7, 123])
@pytest.mark.parametrize(
    "shape", [(5, 3), (1, 1), (16, 4), (3, 16), (100, 10), (7, 33)]
)
def test_linear_init_equals_torch_bit_for_bit(torch, seed, shape) -> None:
    fan_in, fan_out = shape
    torch.manual_seed(seed)
    want = torch.nn.Linear(fan_in, fan_out)
    ft.manual_seed(seed)
    got = nn.Linear(fan_in, fan_out)
    np.testing.assert_array_equal(got.weight.detach().numpy(), want.weight.detach())
    np.testing.assert_array_equal(got.bias.detach().numpy(), want.bias.detach())
    assert repr(got) == repr(want)
    assert repr(got.weight) == repr(want.weight)


def test_linear_init_float64_and_no_bias_equal_torch(torch) -> None:
    torch.manual_seed(5)
    want = torch.nn.Linear(6, 4, dtype=torch.float64)
    nobias = torch.nn.Linear(6, 4, bias=False)
    ft.manual_seed(5)
    got = nn.Linear(6, 4, dtype=ft.float64)
    got_nobias = nn.Linear(6, 4, bias=False)
    assert got.weight.dtype == ft.float64
    _close(got.weight, want.weight, rtol=0, atol=0)
    _close(got_nobias.weight, nobias.weight, rtol=0, atol=0)
    assert repr(got_nobias) == repr(nobias)


@pytest.mark.parametrize("xshape", [(5,), (4, 5), (2, 4, 5)])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("x_grad", [False, True])
def test_linear_forward_backward_graph_equal_torch(torch, xshape, bias, x_grad):
    rng = np.random.default_rng(0)
    xv = rng.standard_normal(xshape).astype(np.float32)
    torch.manual_seed(0)
    tl = torch.nn.Linear(5, 3, bias=bias)
    ft.manual_seed(0)
    fl = nn.Linear(5, 3, bias=bias)
    fx, tx = _both(torch, xv, x_grad)
    fy, ty = fl(fx), tl(tx)
    _close(fy, ty)
    assert graph(fy) == graph(ty)
    (fy * fy).sum().backward()
    (ty * ty).sum().backward()
    _close(fl.weight.grad, tl.weight.grad, rtol=1e-5)
    if bias:
        _close(fl.bias.grad, tl.bias.grad, rtol=1e-5)
    if x_grad:
        _close(fx.grad, tx.grad, rtol=1e-5)


CASES = {
    "sigmoid": lambda F, x, y, t, w: F.sigmoid(x),
    "relu": lambda F, x, y, t, w: F.relu(x),
    "tanh": lambda F, x, y, t, w: F.tanh(x),
    "softmax1": lambda F, x, y, t, w: F.softmax(x, dim=1),
    "softmax0": lambda F, x, y, t, w: F.softmax(x, dim=0),
    "log_softmax": lambda F, x, y, t, w: F.log_softmax(x, dim=1),
    "log_softmax-1": lambda F, x, y, t, w: F.log_softmax(x, dim=-1),
    "mse": lambda F, x, y, t, w: F.mse_loss(x, y),
    "mse_sum": lambda F, x, y, t, w: F.mse_loss(x, y, reduction="sum"),
    "mse_none": lambda F, x, y, t, w: F.mse_loss(x, y, reduction="none"),
    "bce": lambda F, x, y, t, w: F.binary_cross_entropy(F.sigmoid(x), y),
    "bce_w": lambda F, x, y, t, w: F.binary_cross_entropy(
        F.sigmoid(x), y, weight=w, reduction="sum"
    ),
    "bce_none": lambda F, x, y, t, w: F.binary_cross_entropy(
        F.sigmoid(x), y, reduction="none"
    ),
    "bcel": lambda F, x, y, t, w: F.binary_cross_entropy_with_logits(x, y),
    "bcel_w": lambda F, x, y, t, w: F.binary_cross_entropy_with_logits(
        x, y, weight=w, pos_weight=w, reduction="sum"
    ),
    "bcel_none": lambda F, x, y, t, w: F.binary_cross_entropy_with_logits(
        x, y, reduction="none"
    ),
    "ce": lambda F, x, y, t, w: F.cross_entropy(x, t),
    "ce_sum": lambda F, x, y, t, w: F.cross_entropy(x, t, reduction="sum"),
    "ce_none": lambda F, x, y, t, w: F.cross_entropy(x, t, reduction="none"),
    "ce_w": lambda F, x, y, t, w: F.cross_entropy(x, t, weight=w),
    "ce_ignore": lambda F, x, y, t, w: F.cross_entropy(x, t, ignore_index=1),
    "ce_1d": lambda F, x, y, t, w: F.cross_entropy(x[0], t[0]),
    "ce_probs_sum": lambda F, x, y, t, w: F.cross_entropy(
        x, F.softmax(y, dim=1), reduction="sum"
    ),
    "ce_probs_none": lambda F, x, y, t, w: F.cross_entropy(
        x, F.softmax(y, dim=1), reduction="none"
    ),
    "nll": lambda F, x, y, t, w: F.nll_loss(F.log_softmax(x, dim=1), t),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_functional_equals_torch(torch, name) -> None:
    rng = np.random.default_rng(zlib.crc32(name.encode()))  # stable across runs
    xv = (rng.standard_normal((4, 3)) * 2).astype(np.float32)
    yv = rng.random((4, 3)).astype(np.float32)
    tv = np.array([0, 2, 1, 1])
    wv = rng.random(3).astype(np.float32)
    fx, tx = _both(torch, xv, True)
    fy, ty = _both(torch, yv)
    ft_t, tt = _both(torch, tv)
    fw, tw = _both(torch, wv)
    fout = CASES[name](nn.functional, fx, fy, ft_t, fw)
    tout = CASES[name](torch.nn.functional, tx, ty, tt, tw)
    _close(fout, tout, rtol=1e-5, atol=1e-6)
    assert graph(fout) == graph(tout)
    assert ADDRESS.sub("", repr(fout)) == ADDRESS.sub("", repr(tout))
    (fout * fout).sum().backward()
    (tout * tout).sum().backward()
    _close(fx.grad, tx.grad, rtol=1e-4, atol=1e-6)


@pytest.mark.xfail(
    reason="PyTorch divides by the batch size with div.Scalar (DivBackward1); the "
    "facade records DivBackward0 (values and gradients agree)",
    strict=True,
)
def test_cross_entropy_probability_targets_mean_node_name(torch) -> None:
    fx, tx = _both(torch, np.ones((2, 3), np.float32), True)
    fp, tp = _both(torch, np.full((2, 3), 1 / 3, np.float32))
    f = nn.functional.cross_entropy(fx, fp)
    t = torch.nn.functional.cross_entropy(tx, tp)
    _close(f, t)
    assert graph(f) == graph(t)


@pytest.mark.parametrize(
    "call",
    [
        lambda F, m: F.binary_cross_entropy_with_logits(m(2, 3), m(3, 2)),
        lambda F, m: F.cross_entropy(m(2, 3), m(2).long() + 7),
        lambda F, m: F.binary_cross_entropy(
            m(2, 3).sigmoid(), m(2, 3), weight=m(3, r=1)
        ),
        lambda F, m: F.linear(m(2, 4), m(3, 5), m(3)),
    ],
)
def test_errors_match_torch(torch, call) -> None:
    def maker(lib):
        return lambda *shape, r=0: lib.ones(*shape, requires_grad=bool(r))

    with pytest.raises(Exception) as want:
        call(torch.nn.functional, maker(torch))
    with pytest.raises(type(want.value)) as got:
        call(nn.functional, maker(ft))
    assert str(got.value) == str(want.value)


def test_modules_match_torch_end_to_end(torch) -> None:
    rng = np.random.default_rng(3)
    xv = rng.standard_normal((8, 5)).astype(np.float32)
    yv = (rng.random((8, 1)) > 0.5).astype(np.float32)
    torch.manual_seed(0)
    tnet = torch.nn.Sequential(
        torch.nn.Linear(5, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1)
    )
    ft.manual_seed(0)
    fnet = nn.Sequential(nn.Linear(5, 4), nn.ReLU(), nn.Linear(4, 1))
    assert repr(fnet) == repr(tnet)
    for (fn, fp), (tn, tp) in zip(
        fnet.named_parameters(), tnet.named_parameters(), strict=True
    ):
        assert fn == tn
        np.testing.assert_array_equal(fp.detach().numpy(), tp.detach())
    for floss, tloss in [
        (nn.BCEWithLogitsLoss(), torch.nn.BCEWithLogitsLoss()),
        (nn.MSELoss(), torch.nn.MSELoss()),
    ]:
        fnet.zero_grad()
        tnet.zero_grad()
        fl = floss(fnet(ft.tensor(xv)), ft.tensor(yv))
        tl = tloss(tnet(torch.tensor(xv)), torch.tensor(yv))
        _close(fl, tl, rtol=1e-6)
        assert graph(fl) == graph(tl)
        fl.backward()
        tl.backward()
        for fp, tp in zip(fnet.parameters(), tnet.parameters(), strict=True):
            _close(fp.grad, tp.grad, rtol=1e-5, atol=1e-7)
    fce = nn.CrossEntropyLoss()(ft.tensor(xv), ft.tensor(np.arange(8) % 5))
    tce = torch.nn.CrossEntropyLoss()(torch.tensor(xv), torch.tensor(np.arange(8) % 5))
    _close(fce, tce)
    fb = nn.BCELoss()(ft.tensor(yv) * 0.5 + 0.25, ft.tensor(yv))
    tb = torch.nn.BCELoss()(torch.tensor(yv) * 0.5 + 0.25, torch.tensor(yv))
    _close(fb, tb)


def test_module_reprs_match_torch(torch) -> None:
    pairs = [
        (nn.Linear(2, 2, bias=False), torch.nn.Linear(2, 2, bias=False)),
        (nn.ReLU(inplace=True), torch.nn.ReLU(inplace=True)),
        (nn.BCELoss(), torch.nn.BCELoss()),
        (nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss()),
        (
            nn.Sequential(nn.Sequential(nn.Linear(1, 1)), nn.Tanh()),
            torch.nn.Sequential(
                torch.nn.Sequential(torch.nn.Linear(1, 1)), torch.nn.Tanh()
            ),
        ),
    ]
    for f, t in pairs:
        assert repr(f) == repr(t)


def test_state_dict_round_trip_with_torch(torch) -> None:
    torch.manual_seed(2)
    tl = torch.nn.Linear(3, 2)
    fl = nn.Linear(3, 2)
    fl.load_state_dict(
        {k: ft.tensor(v.numpy().copy()) for k, v in tl.state_dict().items()}
    )
    x = np.ones((1, 3), np.float32)
    _close(fl(ft.tensor(x)), tl(torch.tensor(x)))
    back = torch.nn.Linear(3, 2)
    back.load_state_dict(
        {k: torch.tensor(v.numpy()) for k, v in fl.state_dict().items()}
    )
    assert torch.equal(back.weight, tl.weight) and torch.equal(back.bias, tl.bias)
