"""The one-pass big-batch gradient equals ``jax.value_and_grad(funcgrad.loss)``."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import funcgrad as fg
from funcgrad._bigbatch import BLOCK_BYTES, block_rows_for, loss_and_grad


def _data(n, d, k, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d), dtype=np.float32)
    Y = (rng.random((n, k)) < 0.3).astype(np.float32)
    params = fg.init_linear(jax.random.key(seed), d, k)
    return params, jnp.asarray(X), jnp.asarray(Y)


@pytest.mark.parametrize(
    ("n", "d", "k", "block_rows"),
    [
        (4096, 16, 1, 256),  # whole blocks
        (3001, 7, 3, 512),  # a ragged tail, several outputs
        (100, 5, 1, 1000),  # one block bigger than the batch
        (2000, 256, 1, None),  # the default block size
    ],
)
def test_equals_value_and_grad_of_loss(n, d, k, block_rows) -> None:
    params, X, Y = _data(n, d, k)
    value, grads = loss_and_grad(params, X, Y, block_rows=block_rows)
    ref_value, ref = jax.value_and_grad(fg.loss)(params, X, Y)
    np.testing.assert_allclose(value, ref_value, rtol=1e-5)
    for got, want in zip(grads, ref, strict=True):
        scale = float(jnp.max(jnp.abs(want)))
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6 * scale)
    assert type(grads) is type(ref)


def test_more_accurate_than_one_running_sum() -> None:
    # Against a float64 oracle, per-block partial sums lose less than XLA's plan.
    params, X, Y = _data(20_000, 32, 1, seed=3)
    _, grads = loss_and_grad(params, X, Y, block_rows=512)
    X64, Y64 = np.asarray(X, np.float64), np.asarray(Y, np.float64)
    z = X64 @ np.asarray(params.w, np.float64) + np.asarray(params.b, np.float64)
    r = (1 / (1 + np.exp(-z)) - Y64) / Y64.size
    np.testing.assert_allclose(grads.w, X64.T @ r, rtol=1e-5, atol=1e-9)
    np.testing.assert_allclose(grads.b, r.sum(0), rtol=1e-5, atol=1e-9)


def test_jit_and_bad_shapes() -> None:
    params, X, Y = _data(64, 4, 1)
    value, _ = jax.jit(loss_and_grad, static_argnames="block_rows")(
        params, X, Y, block_rows=16
    )
    np.testing.assert_allclose(value, fg.loss(params, X, Y), rtol=1e-5)
    with pytest.raises(ValueError, match="Target size"):
        loss_and_grad(params, X, Y[:, 0])


def test_block_rows_for() -> None:
    assert block_rows_for(256) * 256 * 4 == BLOCK_BYTES
    assert block_rows_for(10**7) == 8
