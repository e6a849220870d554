"""The facade's generator draws PyTorch's CPU generator's numbers, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

import funcgrad.torch as ft
from funcgrad.torch import _random

SIZES = [*range(1, 101), 255, 256, 1000, 4097]


def _bits(a) -> np.ndarray:
    a = np.asarray(a)
    return a.view(np.int64 if a.dtype == np.float64 else np.int32)


# --- hard-coded expectations (checked against torch 2.13; no torch needed) -----------


def test_seed_zero_randn_and_rand_pinned() -> None:
    ft.manual_seed(0)
    assert ft.randn(3).tolist() == [
        1.5409960746765137,
        -0.293428897857666,
        -2.1787893772125244,
    ]
    ft.manual_seed(0)
    assert ft.rand(3).tolist() == [
        0.49625658988952637,
        0.7682217955589294,
        0.08847743272781372,
    ]


def test_seed_zero_tutorial_draws_pinned() -> None:
    # The seed tutorial's w = randn(5, 3) and b = randn(3) after manual_seed(0):
    # 15 elements take the scalar Box-Muller path, 3 more use its cached sample.
    ft.manual_seed(0)
    w = ft.randn(5, 3)
    b = ft.randn(3)
    assert repr(w) == (
        "tensor([[ 1.5410, -0.2934, -2.1788],\n"
        "        [ 0.5684, -1.0845, -1.3986],\n"
        "        [ 0.4033,  0.8380, -0.7193],\n"
        "        [-0.4033, -0.5966,  0.1820],\n"
        "        [-0.8567,  1.1006, -1.0712]])"
    )
    assert repr(b) == "tensor([ 0.1227, -0.5663,  0.3731])"


def test_sixteen_or_more_use_the_vectorised_path_pinned() -> None:
    ft.manual_seed(0)
    x = ft.randn(16)
    assert x[:3].tolist() == [
        -1.1258398294448853,
        -1.152360200881958,
        -0.2505785822868347,
    ]
    ft.manual_seed(0)
    assert ft.randn(17)[16].item() == 0.9318265914916992


def test_default_seed_is_pytorchs() -> None:
    assert ft.Generator().initial_seed() == 67280421310721


def test_manual_seed_returns_the_generator_and_sets_initial_seed() -> None:
    g = ft.manual_seed(123)
    assert isinstance(g, ft.Generator)
    assert ft.initial_seed() == 123 == g.initial_seed()
    assert ft.manual_seed(-1).initial_seed() == 2**64 - 1
    with pytest.raises(ValueError, match="Overflow when unpacking long long"):
        ft.manual_seed(2**64)


def test_same_seed_same_numbers_and_consecutive_draws_differ() -> None:
    ft.manual_seed(5)
    a, b = ft.randn(20), ft.randn(20)
    ft.manual_seed(5)
    assert ft.randn(20).equal(a) and ft.randn(20).equal(b)
    assert not a.equal(b)


def test_scalar_path_cache_survives_between_calls_and_reseed_clears_it() -> None:
    ft.manual_seed(0)
    one = [ft.randn(1).item() for _ in range(4)]
    ft.manual_seed(0)
    assert ft.randn(4).tolist() == one
    ft.manual_seed(0)
    ft.randn(1)  # leaves a cached second sample
    ft.manual_seed(0)
    assert ft.randn(1).item() == one[0]


def test_independent_generators() -> None:
    g = ft.Generator().manual_seed(0)
    ft.manual_seed(99)
    a = ft.randn(4, generator=g)
    ft.manual_seed(0)
    assert ft.randn(4).equal(a)


def test_next_key_is_a_jax_key_and_leaves_the_torch_stream_alone() -> None:
    ft.manual_seed(0)
    _random.next_key()
    assert ft.randn(1).item() == 1.5409960746765137
    ft.manual_seed(0)
    k1 = _random.next_key()
    ft.manual_seed(0)
    k2 = _random.next_key()
    import jax

    assert (jax.random.key_data(k1) == jax.random.key_data(k2)).all()


def test_fma_helpers_round_once() -> None:
    # 0.1f * 10 - 1 is not 0 when rounded once, 0 when rounded twice.
    assert _random._fma32(np.float32(0.1), np.float32(10), np.float32(-1)) != 0
    assert float(_random._fma64(0.1, 10.0, -1.0)) == 5.551115123125783e-17
    rng = np.random.default_rng(0)
    a, b, c = (rng.standard_normal(1000).astype(np.float32) for _ in range(3))
    exact = a.astype(np.float64) * b + c  # exact in float64, then one rounding
    np.testing.assert_array_equal(_random._fma32(a, b, c), exact.astype(np.float32))


def test_integer_dtype_is_rejected() -> None:
    with pytest.raises(RuntimeError, match="not implemented for 'int64'"):
        _random.normal((3,), np.int64)


# --- against real torch -------------------------------------------------------------


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("seed", [0, 1, 42, 2**31 + 5, 2**40 + 3])
def test_streams_match_torch_bit_for_bit(torch, seed: int, dtype: str) -> None:
    tdt, fdt = getattr(torch, dtype), getattr(ft, dtype)
    torch.manual_seed(seed)
    ft.manual_seed(seed)
    for n in SIZES:
        # Interleave every kind of draw so that any stream offset shows up.
        for kind in ("randn", "rand", "randn"):
            want = getattr(torch, kind)(n, dtype=tdt).numpy()
            got = getattr(ft, kind)(n, dtype=fdt).numpy()
            np.testing.assert_array_equal(
                _bits(got), _bits(want), err_msg=f"{kind}({n}) seed {seed}"
            )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_numpy_streams_match_torch_in_full_precision(torch, dtype) -> None:
    tdt = torch.float32 if dtype == np.float32 else torch.float64
    for seed in (0, 7):
        torch.manual_seed(seed)
        _random.manual_seed(seed)
        for n in (*range(1, 40), 100, 1000):
            for mean, std in ((0.0, 1.0), (0.5, 2.5)):
                want = torch.empty(n, dtype=tdt).normal_(mean, std).numpy()
                np.testing.assert_array_equal(
                    _bits(_random.normal((n,), dtype, mean, std)), _bits(want)
                )
            for lo, hi in ((0.0, 1.0), (-0.3, 0.7), (-1 / 784**0.5, 1 / 784**0.5)):
                want = torch.empty(n, dtype=tdt).uniform_(lo, hi).numpy()
                np.testing.assert_array_equal(
                    _bits(_random.uniform((n,), dtype, lo, hi)), _bits(want)
                )


@pytest.mark.parametrize("shape", [(5, 3), (7, 9), (4, 4), (2, 3, 5), (1, 16), (33, 2)])
def test_shapes_match_torch(torch, shape) -> None:
    torch.manual_seed(3)
    ft.manual_seed(3)
    for _ in range(2):
        np.testing.assert_array_equal(ft.randn(*shape).numpy(), torch.randn(*shape))
        np.testing.assert_array_equal(ft.rand(shape).numpy(), torch.rand(shape))


def test_like_factories_match_torch(torch) -> None:
    torch.manual_seed(11)
    ft.manual_seed(11)
    np.testing.assert_array_equal(
        ft.randn_like(ft.zeros(6, 5)).numpy(), torch.randn_like(torch.zeros(6, 5))
    )
    np.testing.assert_array_equal(
        ft.rand_like(ft.zeros(3)).numpy(), torch.rand_like(torch.zeros(3))
    )


def test_generator_objects_match_torch(torch) -> None:
    tg = torch.Generator().manual_seed(2024)
    fg = ft.Generator().manual_seed(2024)
    for n in (3, 20, 5):
        np.testing.assert_array_equal(
            ft.randn(n, generator=fg).numpy(), torch.randn(n, generator=tg)
        )


# --- randint, randperm, normal, bernoulli, multinomial, in-place draws ------------


def _same(got, want) -> None:
    """Same dtype, shape and bits (NaN-safe), then the generators agree too."""
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got.view(np.uint8), want.view(np.uint8))


def _draw_both(torch, seed: int, draw) -> None:
    """``draw(module)`` under the same seed in torch and the facade: same values,
    and the next ``randn`` (vectorised path) and ``randn(1)`` (scalar path, which
    reads the cached Box-Muller sample) agree, so the stream positions match."""
    torch.manual_seed(seed)
    ft.manual_seed(seed)
    _same(draw(ft).numpy(), draw(torch).numpy())
    _same(ft.randn(17).numpy(), torch.randn(17).numpy())
    _same(ft.randn(1).numpy(), torch.randn(1).numpy())


SEEDS = [0, 1, 42, 2**33 + 7]
INT_DTYPES = ["int64", "int32", "int16", "int8", "uint8", "bool", "float32", "float64"]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dtype", INT_DTYPES)
def test_randint_matches_torch(torch, seed: int, dtype: str) -> None:
    # Ranges below and above 2**28 (random() versus random64()), 2**32 and 2**40
    # (float bounds adjusted to representable values), several shapes.
    for low, high in ((0, 2), (-7, 300), (0, 2**28 - 1), (0, 2**28), (3, 2**32 + 5),
                      (-(2**40), 2**40)):  # fmt: skip
        for shape in ((1,), (7,), (3, 5)):
            kind = np.dtype(dtype if dtype != "bool" else "b1")
            if kind.kind in "iub" and not (
                np.iinfo(kind).min <= low and high - 1 <= np.iinfo(kind).max
                if kind.kind != "b"
                else (low, high) == (0, 2)
            ):
                continue

            def draw(m, low=low, high=high, shape=shape):
                return m.randint(low, high, shape, dtype=getattr(m, dtype))

            inexact = kind.kind == "f" and max(-low, high - 1) > 2 ** (
                24 if dtype == "float32" else 53
            )
            if inexact:  # PyTorch warns (and so does the facade), then draws
                with pytest.warns(UserWarning, match="out of bounds"):
                    _draw_both(torch, seed, draw)
            else:
                _draw_both(torch, seed, draw)


def test_randint_forms_match_torch(torch) -> None:
    for draw in (
        lambda m: m.randint(10, (4,)),
        lambda m: m.randint(10, size=(4,)),
        lambda m: m.randint(2, 10, size=(2, 2)),
        lambda m: m.randint(low=2, high=10, size=(3,)),
        lambda m: m.randint(high=5, size=(3,)),
        lambda m: m.randint(0, 9, (5,), generator=m.Generator().manual_seed(3)),
        lambda m: m.randint_like(m.zeros(2, 3), 7),
        lambda m: m.randint_like(m.zeros(4, dtype=m.int32), 2, 9),
        lambda m: m.randint(0, 5, (3,), out=m.zeros(1)),
    ):
        _draw_both(torch, 5, draw)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dtype", ["int64", "int32", "float32", "float64"])
def test_randperm_matches_torch(torch, seed: int, dtype: str) -> None:
    for n in (0, 1, 2, 5, 100, 1000):
        _draw_both(torch, seed, lambda m, n=n: m.randperm(n, dtype=getattr(m, dtype)))
    g = (torch.Generator().manual_seed(9), ft.Generator().manual_seed(9))
    _same(ft.randperm(50, generator=g[1]).numpy(), torch.randperm(50, generator=g[0]))


SHAPES = [(3,), (17,), (4, 5), (40,)]


@pytest.mark.parametrize("seed", SEEDS[:3])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", SHAPES)
def test_normal_overloads_match_torch(torch, seed: int, dtype: str, shape) -> None:
    n = int(np.prod(shape))

    def means(m):
        return m.arange(float(n), dtype=getattr(m, dtype)).reshape(shape)

    def stds(m):
        return m.linspace(0.1, 2, n, dtype=getattr(m, dtype)).reshape(shape)

    def row(m, fill):
        return m.full((shape[-1],), fill, dtype=getattr(m, dtype))

    for draw in (
        lambda m: m.normal(means(m), stds(m)),
        lambda m: m.normal(means(m), 0.3),
        lambda m: m.normal(1.5, stds(m)),
        lambda m: m.normal(-2.0, 0.7, shape, dtype=getattr(m, dtype)),
        lambda m: m.normal(-2.0, 0.7, size=shape, dtype=getattr(m, dtype)),
        # broadcast: a row of standard deviations against a matrix of means
        lambda m: m.normal(m.zeros(3, shape[-1], dtype=getattr(m, dtype)), row(m, 2.0)),
        lambda m: m.normal(0.0, 1.0, shape, out=m.zeros(1, dtype=getattr(m, dtype))),
    ):
        _draw_both(torch, seed, draw)


@pytest.mark.parametrize("seed", SEEDS[:3])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", SHAPES)
def test_bernoulli_matches_torch(torch, seed: int, dtype: str, shape) -> None:
    n = int(np.prod(shape))

    def probs(m):
        return m.linspace(0, 1, n, dtype=getattr(m, dtype)).reshape(shape)

    def zeros(m, dt=dtype):
        return m.zeros(shape, dtype=getattr(m, dt))

    def row(m):
        return m.linspace(0, 1, shape[-1], dtype=getattr(m, dtype))

    for draw in (
        lambda m: m.bernoulli(probs(m)),
        lambda m: m.bernoulli(zeros(m), 0.3),
        lambda m: m.bernoulli(zeros(m), p=0.5),
        lambda m: probs(m).bernoulli(),
        lambda m: zeros(m).bernoulli_(row(m)),
        lambda m: zeros(m, "int32").bernoulli_(0.6),
        lambda m: m.bernoulli(probs(m), out=m.zeros(1, dtype=m.int64)),
    ):
        _draw_both(torch, seed, draw)


@pytest.mark.parametrize("seed", SEEDS[:3])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(4,), (3, 6), (2, 50)])
def test_multinomial_matches_torch(torch, seed: int, dtype: str, shape) -> None:
    n = int(np.prod(shape))

    def weights(m):
        return m.linspace(0.1, 1, n, dtype=getattr(m, dtype)).reshape(shape) ** 2

    for k, replacement in ((1, False), (1, True), (3, False), (3, True), (20, True)):
        if k > shape[-1] and not replacement:
            continue
        _draw_both(
            torch, seed, lambda m, k=k, r=replacement: m.multinomial(weights(m), k, r)
        )
    _draw_both(torch, seed, lambda m: weights(m).multinomial(2))
    # Zero weights are never drawn while nonzero ones remain; past them, the
    # zero-weight indices come in the order PyTorch's topk leaves equal values.
    _draw_both(torch, seed, lambda m: m.multinomial(m.tensor([0.0, 1.0, 0.0, 2.0]), 2))
    _draw_both(torch, seed, lambda m: m.multinomial(m.tensor([0.0, 1.0, 0.0, 2.0]), 4))
    _draw_both(
        torch,
        seed,
        lambda m: m.multinomial(
            weights(m) * m.tensor(np.arange(n).reshape(shape) % 2), shape[-1]
        ),
    )


@pytest.mark.parametrize("seed", SEEDS[:3])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", SHAPES)
def test_float_inplace_draws_match_torch(torch, seed: int, dtype: str, shape) -> None:
    def empty(m):
        return m.empty(shape, dtype=getattr(m, dtype))

    for draw in (
        lambda m: empty(m).uniform_(-3, 5),
        lambda m: empty(m).uniform_(),
        lambda m: empty(m).normal_(1, 2),
        lambda m: empty(m).exponential_(2.5),
        lambda m: empty(m).exponential_(),
        lambda m: empty(m).cauchy_(0.5, 2.0),
        lambda m: empty(m).log_normal_(0.1, 0.6),
        lambda m: empty(m).log_normal_(),
        lambda m: empty(m).geometric_(0.3),
        lambda m: m.rand_like(empty(m)),
        lambda m: m.randn_like(empty(m)),
        lambda m: m.randint_like(empty(m), 3, 9),
    ):
        _draw_both(torch, seed, draw)


@pytest.mark.parametrize("seed", SEEDS[:3])
@pytest.mark.parametrize(
    "dtype", ["int64", "int32", "int16", "uint8", "bool", "float32", "float64"]
)
def test_random_matches_torch(torch, seed: int, dtype: str) -> None:
    def empty(m):
        return m.empty(30, dtype=getattr(m, dtype))

    for draw in (
        lambda m: empty(m).random_(),
        lambda m: empty(m).random_(2),
        lambda m: empty(m).random_(0, 2),
        lambda m: empty(m).random_(1, None),
    ):
        _draw_both(torch, seed, draw)
    if dtype == "bool":
        for m in (torch, ft):
            with pytest.raises(NotImplementedError, match="geometric_cpu"):
                empty(m).geometric_(0.2)
        return
    for draw in (lambda m: empty(m).geometric_(0.2),):
        _draw_both(torch, seed, draw)


def test_inplace_draws_keep_the_tensor_and_bump_its_version() -> None:
    x = ft.zeros(4)
    v = x._version
    assert x.uniform_() is x and x._version == v + 1
    view = ft.zeros(2, 3)
    row = view[0]
    row.normal_()
    assert view[0].equal(row) and view[1].equal(ft.zeros(3))
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        ft.zeros(2, requires_grad=True).uniform_()
    with ft.no_grad():
        w = ft.zeros(2, requires_grad=True)
        w.normal_()
    assert w.requires_grad and w.grad_fn is None


def test_rng_state_round_trips_with_torch(torch) -> None:
    for seed in (0, 7):
        torch.manual_seed(seed)
        ft.manual_seed(seed)
        for n in (1, 3, 20, 700, 5):  # scalar path leaves a cached sample
            _same(ft.get_rng_state().numpy(), torch.get_rng_state().numpy())
            torch.randn(n)
            ft.randn(n)
        state = torch.get_rng_state()
        want = torch.randn(5)
        ft.set_rng_state(ft.tensor(state.numpy()))  # torch's state into the facade
        _same(ft.randn(5).numpy(), want.numpy())
        mine = ft.get_rng_state()
        torch.set_rng_state(torch.from_numpy(mine.numpy().copy()))  # and back
        _same(torch.rand(4).numpy(), ft.rand(4).numpy())


def test_generator_state_seed_and_default_generator(torch) -> None:
    g = ft.Generator().manual_seed(3)
    s = g.get_state()
    assert s.dtype == ft.uint8 and s.shape == (5056,)
    a = ft.randn(5, generator=g)
    assert g.set_state(s) is g and ft.randn(5, generator=g).equal(a)
    tg = torch.Generator().manual_seed(3)
    torch.randn(5, generator=tg)
    _same(g.get_state().numpy(), tg.get_state().numpy())
    assert ft.default_generator is ft.manual_seed(1)
    assert ft.initial_seed() == 1
    s1 = ft.seed()
    assert ft.initial_seed() == s1 and 0 <= s1 < 2**64
    with pytest.raises(TypeError, match="RNG state must be a torch.ByteTensor"):
        ft.set_rng_state(ft.zeros(5056))
    with pytest.raises(RuntimeError, match="CPUGeneratorImplState of size 5056"):
        ft.set_rng_state(ft.zeros(10, dtype=ft.uint8))


def test_bernoulli_and_multinomial_are_distributed_right() -> None:
    # Statistical checks (independent of PyTorch's exact numbers): means within
    # five standard errors.
    ft.manual_seed(123)
    n = 20000
    for p in (0.1, 0.5, 0.83):
        frac = ft.bernoulli(ft.zeros(n), p).numpy().mean()
        assert abs(frac - p) < 5 * np.sqrt(p * (1 - p) / n)
    w = np.array([1.0, 2.0, 3.0, 4.0])
    idx = ft.multinomial(ft.tensor(w), n, replacement=True).numpy()
    freq = np.bincount(idx, minlength=4) / n
    p = w / w.sum()
    assert (np.abs(freq - p) < 5 * np.sqrt(p * (1 - p) / n)).all()
    # Without replacement: each row is a permutation prefix with no repeats.
    draws = ft.multinomial(ft.ones(50, 6), 6).numpy()
    assert (np.sort(draws, axis=1) == np.arange(6)).all()
    e = ft.empty(n).exponential_(2.0).numpy()
    assert abs(e.mean() - 0.5) < 5 * 0.5 / np.sqrt(n)


def test_draws_refused_inside_transforms_are_refused_for_new_draws_too() -> None:
    calls = []

    def hook():
        calls.append(1)
        raise RuntimeError("no draws here")

    _random.add_sample_hook(hook)
    try:
        for draw in (
            lambda: ft.randint(0, 3, (2,)),
            lambda: ft.randperm(3),
            lambda: ft.normal(0.0, 1.0, (2,)),
            lambda: ft.bernoulli(ft.ones(2)),
            lambda: ft.multinomial(ft.ones(2), 1),
            lambda: ft.zeros(2).exponential_(),
        ):
            with pytest.raises(RuntimeError, match="no draws here"):
                draw()
    finally:
        _random.remove_sample_hook(hook)
    assert len(calls) == 6


def test_draws_from_tensors_that_require_grad_record_zero_gradients(torch) -> None:
    for m in (torch, ft):
        m.manual_seed(0)
    for draw in (
        lambda m, x: m.normal(x, x),
        lambda m, x: m.normal(x, 0.5),
        lambda m, x: m.normal(1.0, x),
        lambda m, x: m.bernoulli(x),
        lambda m, x: (x * 2).uniform_(),
        lambda m, x: (x * 2).bernoulli_(x.detach()),
        lambda m, x: (x * 1)[None][0].normal_(),
    ):
        got = []
        for m in (torch, ft):
            x = m.full((3,), 0.5, requires_grad=True)
            y = draw(m, x)
            y.sum().backward()
            got.append((y.detach().numpy(), y.grad_fn.name(), x.grad.numpy()))
        _same(got[1][0], got[0][0])
        assert got[1][1] == got[0][1]
        _same(got[1][2], got[0][2])


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_precision_draws_match_torch(torch, dtype: str) -> None:
    def empty(m, n=300):
        return m.empty(n, dtype=getattr(m, dtype))

    for draw in (
        lambda m: m.rand(300, dtype=getattr(m, dtype)),
        lambda m: empty(m).uniform_(-2.5, 3.1),
        lambda m: m.randn(7, dtype=getattr(m, dtype)),
        lambda m: m.randn(64, dtype=getattr(m, dtype)),
        lambda m: empty(m, 32).normal_(2, 3),
        lambda m: empty(m, 30).exponential_(2),
        lambda m: m.randint(0, 100, (50,), dtype=getattr(m, dtype)),
        lambda m: m.randperm(100, dtype=getattr(m, dtype)),
    ):
        for seed in (0, 3):
            torch.manual_seed(seed)
            ft.manual_seed(seed)
            want = draw(torch).float().numpy()
            np.testing.assert_array_equal(draw(ft).float().numpy(), want)


def test_torch_random_module_matches_torch(torch) -> None:
    assert set(ft.random.__all__) <= set(dir(torch.random))
    for m in (torch, ft):
        m.random.manual_seed(4)
        with m.random.fork_rng():
            m.rand(7)
        m.random.seed  # noqa: B018 - present
    torch.random.manual_seed(4)
    ft.random.manual_seed(4)
    with torch.random.fork_rng(), ft.random.fork_rng():
        _same(ft.rand(3).numpy(), torch.rand(3).numpy())
    _same(ft.rand(3).numpy(), torch.rand(3).numpy())  # the fork left no trace
    assert ft.Generator().device == ft.device("cpu")
    assert str(ft.Generator().device) == str(torch.Generator().device)


def test_topk_order_of_equal_values_is_pytorchs(torch) -> None:
    from funcgrad.torch._topk_order import topk_indices

    rng = np.random.default_rng(0)
    for trial in range(300):
        n = int(rng.integers(1, 300))
        k = int(rng.integers(1, n + 1)) if trial % 3 else max(1, n // 64)
        v = rng.integers(0, int(rng.integers(1, 6)), n).astype(np.float32)
        if trial % 5 == 0:
            v[rng.random(n) < 0.1] = np.nan
        want = torch.topk(torch.from_numpy(v), k).indices.numpy()
        np.testing.assert_array_equal(topk_indices(v, k), want)
