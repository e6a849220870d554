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
