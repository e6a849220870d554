"""The new ``torch.nn`` layers, containers, losses and utils against real
PyTorch: seeded init, values, gradients, ``grad_fn`` graphs, reprs, state."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import funcgrad.torch as ft

ADDRESS = re.compile(r"0x[0-9a-f]+")


def graph(t) -> str:
    def rec(fn) -> str:
        if fn is None:
            return "None"
        name = fn.name().replace("torch::autograd::", "")
        kids = ", ".join(rec(f) for f, _ in fn.next_functions)
        return f"{name}({kids})" if kids else name

    return rec(t.grad_fn)


def _np(t):
    return np.array(t.detach().numpy(), copy=True)


# (constructor, input shape) built the same way from either namespace.
LAYERS = [
    (lambda nn: nn.Flatten(), (2, 3, 4)),
    (lambda nn: nn.Flatten(0, 1), (2, 3, 4)),
    (lambda nn: nn.Unflatten(1, (2, 3)), (4, 6)),
    (lambda nn: nn.Softmax(dim=1), (3, 5)),
    (lambda nn: nn.LogSoftmax(dim=-1), (3, 5)),
    (lambda nn: nn.Identity(), (3,)),
    (lambda nn: nn.LayerNorm(5), (3, 5)),
    (lambda nn: nn.LayerNorm((2, 5), eps=1e-3, elementwise_affine=False), (3, 2, 5)),
    (lambda nn: nn.LayerNorm(5, bias=False), (2, 5)),
    (lambda nn: nn.BatchNorm1d(4), (6, 4)),
    (lambda nn: nn.BatchNorm1d(4, momentum=None), (6, 4, 3)),
    (lambda nn: nn.BatchNorm2d(3, affine=False), (2, 3, 4, 4)),
    (lambda nn: nn.BatchNorm2d(3, track_running_stats=False), (2, 3, 4, 4)),
    (lambda nn: nn.GELU(), (4, 3)),
    (lambda nn: nn.GELU("tanh"), (4, 3)),
    (lambda nn: nn.SiLU(), (4, 3)),
    (lambda nn: nn.LeakyReLU(0.2), (4, 3)),
    (lambda nn: nn.ELU(0.5), (4, 3)),
    (lambda nn: nn.Tanh(), (4, 3)),
    (lambda nn: nn.Sigmoid(), (4, 3)),
    (lambda nn: nn.Conv1d(3, 4, 2), (2, 3, 7)),
    (lambda nn: nn.Conv2d(3, 4, 3), (2, 3, 6, 6)),
    (
        lambda nn: nn.Conv2d(3, 4, (3, 2), stride=2, padding=1, dilation=2, bias=False),
        (2, 3, 9, 8),
    ),  # fmt: skip
    (lambda nn: nn.Conv2d(4, 4, 3, padding="same", groups=2), (1, 4, 5, 5)),
    (lambda nn: nn.Conv2d(3, 2, 3), (3, 6, 6)),
    (lambda nn: nn.MaxPool2d(2), (2, 3, 6, 6)),
    (lambda nn: nn.MaxPool2d(3, 1, 1), (2, 3, 6, 6)),
    (lambda nn: nn.AvgPool2d(2), (2, 3, 6, 6)),
    (lambda nn: nn.AvgPool2d(3, 2, 1), (2, 3, 7, 7)),
    (lambda nn: nn.AvgPool2d(3, 2, 1, count_include_pad=False), (2, 3, 7, 7)),
    (lambda nn: nn.AdaptiveAvgPool2d((1, 1)), (2, 3, 6, 6)),
    (lambda nn: nn.AdaptiveAvgPool2d(4), (2, 3, 6, 6)),
    (lambda nn: nn.AdaptiveAvgPool2d((2, 3)), (2, 3, 5, 7)),
    (lambda nn: nn.Dropout(0.3).eval(), (4, 3)),
]


def _layer_run(torch, make, shape, seed: int):
    torch.manual_seed(seed)
    layer = make(torch.nn)
    x = torch.randn(*shape, requires_grad=True)
    out = layer(x)
    (out * torch.randn(*out.shape)).sum().backward()
    return {
        "repr": repr(layer),
        "out": _np(out),
        "graph": graph(out),
        "x.grad": _np(x.grad),
        "grads": [_np(p.grad) for p in layer.parameters()],
        "state": {k: _np(v) for k, v in layer.state_dict().items()},
    }


@pytest.mark.parametrize("case", range(len(LAYERS)))
def test_layer_matches_torch(case: int) -> None:
    torch = pytest.importorskip("torch")
    make, shape = LAYERS[case]
    ours, theirs = (_layer_run(m, make, shape, 3) for m in (ft, torch))
    assert ours["repr"] == theirs["repr"]
    assert ours["graph"] == theirs["graph"]
    np.testing.assert_allclose(ours["out"], theirs["out"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ours["x.grad"], theirs["x.grad"], rtol=1e-4, atol=1e-5)
    for a, b in zip(ours["grads"], theirs["grads"], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)
    assert list(ours["state"]) == list(theirs["state"])
    for key in ours["state"]:
        np.testing.assert_allclose(
            ours["state"][key], theirs["state"][key], rtol=1e-5, atol=1e-6
        )


@settings(max_examples=10)
@given(
    st.integers(1, 3), st.integers(1, 4), st.integers(3, 7), st.integers(1, 3),
    st.integers(1, 2), st.integers(0, 1),
)  # fmt: skip
def test_conv2d_shapes_match_torch(n, c, size, k, stride, pad) -> None:
    torch = pytest.importorskip("torch")
    make = lambda nn: nn.Conv2d(c, 2, k, stride=stride, padding=pad)  # noqa: E731
    ours, theirs = (_layer_run(m, make, (n, c, size, size), 0) for m in (ft, torch))
    np.testing.assert_allclose(ours["out"], theirs["out"], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(ours["x.grad"], theirs["x.grad"], rtol=1e-4, atol=1e-5)


def test_embedding_matches_torch() -> None:
    torch = pytest.importorskip("torch")

    def run(m):
        m.manual_seed(1)
        emb = m.nn.Embedding(6, 3, padding_idx=2)
        out = emb(m.tensor([[0, 2], [5, 2]]))
        out.sum().backward()
        return repr(emb), _np(out), graph(out), _np(emb.weight.grad)

    ours, theirs = run(ft), run(torch)
    assert ours[0] == theirs[0] and ours[2] == theirs[2]
    for a, b in zip(ours[1::2], theirs[1::2], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    np.testing.assert_allclose(ours[3], theirs[3])


def test_batchnorm_train_then_eval_matches_torch() -> None:
    torch = pytest.importorskip("torch")

    def run(m):
        m.manual_seed(0)
        bn = m.nn.BatchNorm1d(3)
        for _ in range(3):
            bn(m.randn(5, 3) * 2 + 1)
        bn.eval()
        out = bn(m.randn(4, 3))
        return (
            _np(out),
            _np(bn.running_mean),
            _np(bn.running_var),
            int(bn.num_batches_tracked),
        )

    ours, theirs = run(ft), run(torch)
    for a, b in zip(ours[:3], theirs[:3], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert ours[3] == theirs[3] == 3


def test_dropout_train_and_eval() -> None:
    ft.manual_seed(0)
    drop = ft.nn.Dropout(0.25)
    x = ft.ones(2000, requires_grad=True)
    y = drop(x)
    kept = y.detach().numpy()
    assert set(np.unique(kept).tolist()) <= {0.0, float(np.float32(1 / 0.75))}
    assert 0.2 < (kept == 0).mean() < 0.3
    assert graph(y) == "MulBackward0(AccumulateGrad, None)"
    y.sum().backward()
    assert np.array_equal(x.grad.numpy(), kept)
    assert drop.eval()(x) is x and not drop.training
    with pytest.raises(ValueError, match="between 0 and 1, but got 1.5"):
        ft.nn.Dropout(1.5)


LOSSES = [
    (lambda nn: nn.MSELoss(), "reg"),
    (lambda nn: nn.L1Loss(), "reg"),
    (lambda nn: nn.L1Loss(reduction="sum"), "reg"),
    (lambda nn: nn.L1Loss(reduction="none"), "reg"),
    (lambda nn: nn.SmoothL1Loss(), "reg"),
    (lambda nn: nn.SmoothL1Loss(beta=0.5, reduction="sum"), "reg"),
    (lambda nn: nn.HuberLoss(delta=0.7), "reg"),
    (lambda nn: nn.HuberLoss(reduction="none"), "reg"),
    (lambda nn: nn.KLDivLoss(reduction="batchmean"), "kl"),
    (lambda nn: nn.KLDivLoss(reduction="sum"), "kl"),
    (lambda nn: nn.KLDivLoss(reduction="batchmean", log_target=True), "kl"),
    (lambda nn: nn.BCELoss(), "prob"),
    (lambda nn: nn.NLLLoss(), "class"),
    (lambda nn: nn.NLLLoss(reduction="sum"), "class4"),
    (lambda nn: nn.CrossEntropyLoss(), "class"),
    (lambda nn: nn.CrossEntropyLoss(label_smoothing=0.1), "class"),
    (lambda nn: nn.CrossEntropyLoss(label_smoothing=0.2, reduction="none"), "class"),
    (lambda nn: nn.CrossEntropyLoss(label_smoothing=0.2, reduction="sum"), "class"),
    (lambda nn: nn.CrossEntropyLoss(label_smoothing=0.1, ignore_index=1), "class"),
    (lambda nn: nn.CrossEntropyLoss(), "class4"),
    (lambda nn: nn.CrossEntropyLoss(), "class3"),
    (lambda nn: nn.CrossEntropyLoss(reduction="none"), "class3"),
    (lambda nn: nn.CrossEntropyLoss(label_smoothing=0.3), "class4"),
    (lambda nn: nn.CrossEntropyLoss(label_smoothing=0.3), "probs"),
]


def _loss_inputs(torch, kind: str):
    torch.manual_seed(7)
    if kind == "reg":
        return torch.randn(4, 3, requires_grad=True), torch.randn(4, 3) * 2
    if kind == "kl":
        logits = torch.randn(4, 3, requires_grad=True)
        x = torch.nn.functional.log_softmax(logits, dim=1)
        return x, torch.nn.functional.softmax(torch.randn(4, 3), dim=1)
    if kind == "prob":
        return torch.sigmoid(torch.randn(4, 3, requires_grad=True)), torch.rand(4, 3)
    if kind == "probs":
        t = torch.nn.functional.softmax(torch.randn(4, 5), dim=1)
        return torch.randn(4, 5, requires_grad=True), t
    if kind == "class":
        return torch.randn(6, 4, requires_grad=True), torch.tensor([0, 3, 1, 1, 2, 3])
    if kind == "class3":
        t = torch.tensor([[0, 2, 1, 1, 0], [2, 2, 0, 1, 1]])
        return torch.randn(2, 3, 5, requires_grad=True), t
    t = torch.tensor([[[0, 2], [1, 1]], [[2, 2], [0, 1]]])
    x = torch.randn(2, 3, 2, 2, requires_grad=True)
    return (torch.nn.functional.log_softmax(x, 1) if kind == "class4" else x), t


def _loss_run(torch, make, kind):
    x, t = _loss_inputs(torch, kind)
    if kind == "class4" and isinstance(make(torch.nn), torch.nn.CrossEntropyLoss):
        x = x.detach().requires_grad_(True)
    loss_fn = make(torch.nn)
    x.retain_grad()
    out = loss_fn(x, t)
    out.sum().backward()
    return repr(loss_fn), _np(out), graph(out), [_np(x.grad)]


@pytest.mark.parametrize("case", range(len(LOSSES)))
def test_loss_matches_torch(case: int) -> None:
    torch = pytest.importorskip("torch")
    make, kind = LOSSES[case]
    with warnings.catch_warnings(action="ignore"):
        ours, theirs = _loss_run(ft, make, kind), _loss_run(torch, make, kind)
    assert ours[0] == theirs[0]
    assert ours[2] == theirs[2]
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-5, atol=1e-6)
    for a, b in zip(ours[3], theirs[3], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def _containers(torch):
    nn = torch.nn
    torch.manual_seed(0)
    layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    layers.append(nn.ReLU())
    layers.insert(1, nn.Tanh())
    heads = nn.ModuleDict({"a": nn.Linear(2, 1), "b": nn.Sigmoid()})
    plist = nn.ParameterList([nn.Parameter(torch.ones(2)), torch.zeros(2, 3)])
    pdict = nn.ParameterDict({"w": nn.Parameter(torch.ones(2))})

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers, self.heads, self.plist, self.pdict = (
                layers,
                heads,
                plist,
                pdict,
            )
            self.register_buffer("steps", torch.zeros(1))
            self.register_buffer("scratch", torch.zeros(1), persistent=False)

        def forward(self, x):
            for layer in self.layers:
                x = layer(x)
            return self.heads["a"](x) * self.plist[0].sum() + self.pdict["w"].sum()

    net = Net()
    out = net(torch.ones(2))
    out.sum().backward()
    names = [n for n, _ in net.named_modules()]
    seen = []
    net.apply(lambda m: seen.append(type(m).__name__))
    return {
        "repr": [repr(layers), repr(heads), repr(plist), repr(pdict), repr(net)],
        "params": [n for n, _ in net.named_parameters()],
        "buffers": [n for n, _ in net.named_buffers()],
        "state": list(net.state_dict()),
        "modules": names,
        "apply": seen,
        "len": (len(layers), len(heads), len(plist), len(pdict), len(layers[1:3])),
        "out": _np(out),
        "train": [net.eval().training, net.layers[0].training, net.train().training],
    }


def test_containers_match_torch() -> None:
    torch = pytest.importorskip("torch")
    ours, theirs = _containers(ft), _containers(torch)
    for key in ours:
        if key == "out":
            np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-6)
        else:
            assert ours[key] == theirs[key], key


def test_load_state_dict_strict_and_not_matches_torch() -> None:
    torch = pytest.importorskip("torch")

    def run(m):
        m.manual_seed(0)
        net = m.nn.Sequential(m.nn.Linear(2, 3), m.nn.BatchNorm1d(3))
        other = m.nn.Sequential(m.nn.Linear(2, 3), m.nn.BatchNorm1d(3))
        out = [repr(other.load_state_dict(net.state_dict()))]
        sd = net.state_dict()
        del sd["1.running_var"]
        sd["extra"] = m.ones(1)
        try:
            other.load_state_dict(sd)
        except RuntimeError as e:
            out.append(str(e))
        out.append(repr(other.load_state_dict(sd, strict=False)))
        return out

    assert run(ft) == run(torch)


UTILS_NORMS = [2.0, 1.0, float("inf")]


@pytest.mark.parametrize("norm_type", UTILS_NORMS)
def test_nn_utils_match_torch(norm_type: float) -> None:
    torch = pytest.importorskip("torch")

    def run(m):
        m.manual_seed(0)
        net = m.nn.Sequential(m.nn.Linear(3, 4), m.nn.Tanh(), m.nn.Linear(4, 2))
        (net(m.randn(5, 3)) ** 2).sum().backward()
        total = m.nn.utils.clip_grad_norm_(net.parameters(), 0.5, norm_type)
        after = [_np(p.grad) for p in net.parameters()]
        m.nn.utils.clip_grad_value_(net.parameters(), 0.01)
        clipped = [_np(p.grad) for p in net.parameters()]
        vec = m.nn.utils.parameters_to_vector(net.parameters())
        m.nn.utils.vector_to_parameters(vec * 2, net.parameters())
        return (
            [_np(total)],
            after,
            clipped,
            [_np(vec)],
            [_np(p) for p in net.parameters()],
        )

    ours, theirs = run(ft), run(torch)
    for a_list, b_list in zip(ours, theirs, strict=True):
        for a, b in zip(a_list, b_list, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def test_layer_errors_match_torch() -> None:
    torch = pytest.importorskip("torch")

    def outcome(m, fn):
        try:
            fn(m)
            return "ok"
        except (RuntimeError, ValueError, IndexError) as e:
            return f"{type(e).__name__}: {e}"

    cases = [
        lambda m: m.nn.BatchNorm2d(3)(m.ones(2, 3, 4)),
        lambda m: m.nn.BatchNorm1d(3)(m.ones(1, 3)),
        lambda m: m.nn.Conv2d(3, 4, 3)(m.ones(1, 2, 5, 5)),
        lambda m: m.nn.LayerNorm(4)(m.ones(2, 3)),
        lambda m: m.nn.Embedding(3, 2)(m.tensor([3])),
        lambda m: m.nn.CrossEntropyLoss()(m.ones(2, 3), m.tensor([0, 3])),
        lambda m: m.nn.Conv2d(2, 2, 3, stride=2, padding="same"),
        lambda m: m.nn.functional.dropout(m.ones(2), 2.0),
    ]
    for fn in cases:
        assert outcome(ft, fn) == outcome(torch, fn)


def test_lazy_linear_matches_torch() -> None:
    """Sized by its first input, drawn then from the seeded stream, then a
    ``Linear``; an optimizer built afterwards trains it as torch's."""
    torch = pytest.importorskip("torch")

    def run(m):
        m.manual_seed(4)
        net = m.nn.Sequential(
            m.nn.LazyLinear(3), m.nn.ReLU(), m.nn.LazyLinear(2, False)
        )
        before = (repr(net), repr(net[0].weight), type(net[0].weight).__name__)
        x = m.randn(5, 4)
        net(x)
        opt = m.optim.SGD(net.parameters(), lr=0.1)
        net(x).sum().backward()
        opt.step()
        return before, repr(net), [_np(p) for p in net.parameters()], net[2].bias

    ours, theirs = run(ft), run(torch)
    assert ours[:2] == theirs[:2] and ours[3] is theirs[3] is None
    for a, b in zip(ours[2], theirs[2], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
