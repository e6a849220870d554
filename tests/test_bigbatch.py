"""The one-pass gradient: ``funcgrad.loss_and_grad`` equals
``jax.value_and_grad(funcgrad.loss)``; the blocked sum under it
(``funcgrad._bigbatch``) is exact for any block size and more accurate than XLA's
one long running sum."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import funcgrad as fg
from funcgrad._bigbatch import BLOCK_BYTES, block_rows_for, value_and_grad_by_blocks
from funcgrad.train import _loop


def _data(n, d, k, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d), dtype=np.float32)
    Y = (rng.random((n, k)) < 0.3).astype(np.float32)
    params = fg.init_linear(jax.random.key(seed), d, k)
    return params, jnp.asarray(X), jnp.asarray(Y)


def _assert_close(got, want) -> None:
    (value, grads), (ref_value, ref) = got, want
    np.testing.assert_allclose(value, ref_value, rtol=1e-5)
    for g, r in zip(grads, ref, strict=True):
        scale = float(jnp.max(jnp.abs(r)))
        np.testing.assert_allclose(g, r, rtol=1e-5, atol=1e-6 * scale)
    assert type(grads) is type(ref)


def _mean_block_loss(params, rows, consts):
    x, y = rows
    (count,) = consts
    return fg.loss(params, x, y, reduction="sum") / count


# ---- the public function


@st.composite
def batches(draw):
    # Few distinct shapes (each compiles once): one row, a few, or two whole
    # blocks and a ragged tail.
    d = draw(st.sampled_from([3, 256]))
    n = draw(st.sampled_from([1, 5, 2 * block_rows_for(d) + 37]))
    k = draw(st.sampled_from([1, 2]))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) * draw(st.sampled_from([0.1, 1.0, 10.0]))
    Y = rng.random((n, k)) if draw(st.booleans()) else rng.random((n, k)) < 0.5
    kw = {"reduction": draw(st.sampled_from(["mean", "sum"]))}
    for name in ("weight", "pos_weight"):
        shape = draw(st.sampled_from([None, (), (k,), (1, k), (n, 1), (n, k)]))
        if shape is not None:
            kw[name] = jnp.asarray(rng.random(shape) * 2, jnp.float32)
    params = fg.init_linear(jax.random.key(seed), d, k)
    return params, jnp.asarray(X, jnp.float32), jnp.asarray(Y, jnp.float32), kw


@settings(max_examples=15)
@given(batches())
def test_loss_and_grad_equals_value_and_grad_of_loss(case) -> None:
    params, X, Y, kw = case
    got = fg.loss_and_grad(params, X, Y, **kw)
    want = jax.value_and_grad(fg.loss)(params, X, Y, **kw)
    _assert_close(got, want)


def test_loss_and_grad_on_threads_and_numpy_inputs() -> None:
    # 40,000 x 256 (40 MB): one range per core on a multi-core machine.
    params, X, Y = _data(40_000, 256, 1, seed=5)
    got = fg.loss_and_grad(params, np.asarray(X), np.asarray(Y))
    _assert_close(got, jax.value_and_grad(fg.loss)(params, X, Y))


def test_loss_and_grad_under_jit_and_other_shapes() -> None:
    params, X, Y = _data(300, 256, 2)
    _assert_close(
        jax.jit(fg.loss_and_grad)(params, X, Y),
        jax.value_and_grad(fg.loss)(params, X, Y),
    )
    # A single example (1-D x, y) is not a batch of rows: plain autodiff serves it.
    p1 = fg.init_linear(jax.random.key(1), 256, 2)
    _assert_close(
        fg.loss_and_grad(p1, X[0], Y[0]), jax.value_and_grad(fg.loss)(p1, X[0], Y[0])
    )


def test_loss_and_grad_errors() -> None:
    params, X, Y = _data(64, 4, 1)
    with pytest.raises(ValueError, match="Target size"):
        fg.loss_and_grad(params, X, Y[:, 0])
    with pytest.raises(ValueError, match="weight of shape"):
        fg.loss_and_grad(params, X, Y, weight=jnp.ones((63, 1)))
    with pytest.raises(ValueError, match="is not a valid value for reduction"):
        fg.loss_and_grad(params, X, Y, reduction="avg")
    with pytest.raises(ValueError, match="needs a scalar loss"):
        fg.loss_and_grad(params, X, Y, reduction="none")


# ---- the blocked sum


@pytest.mark.parametrize(
    ("n", "d", "k", "block_rows"),
    [
        (4096, 16, 1, 256),  # whole blocks
        (3001, 7, 3, 512),  # a ragged tail, several outputs
        (100, 5, 1, 1000),  # one block bigger than the batch
        (2000, 256, 1, None),  # the default block size
    ],
)
def test_blocks_equal_value_and_grad_of_loss(n, d, k, block_rows) -> None:
    params, X, Y = _data(n, d, k)
    got = value_and_grad_by_blocks(
        _mean_block_loss, params, (X, Y), (float(Y.size),), block_rows=block_rows
    )
    _assert_close(got, jax.value_and_grad(fg.loss)(params, X, Y))


def test_more_accurate_than_one_running_sum() -> None:
    # Against a float64 oracle, per-block partial sums lose less than XLA's plan.
    params, X, Y = _data(20_000, 32, 1, seed=3)
    _, grads = value_and_grad_by_blocks(
        _mean_block_loss, params, (X, Y), (float(Y.size),), block_rows=512
    )
    X64, Y64 = np.asarray(X, np.float64), np.asarray(Y, np.float64)
    z = X64 @ np.asarray(params.w, np.float64) + np.asarray(params.b, np.float64)
    r = (1 / (1 + np.exp(-z)) - Y64) / Y64.size
    np.testing.assert_allclose(grads.w, X64.T @ r, rtol=1e-5, atol=1e-9)
    np.testing.assert_allclose(grads.b, r.sum(0), rtol=1e-5, atol=1e-9)


def test_block_rows_for() -> None:
    assert block_rows_for(256) * 256 * 4 == BLOCK_BYTES
    assert block_rows_for(10**7) == 8


def _mean_loss_and_hits(params, blocks, consts):
    X, Y = blocks
    logits = fg.linear(params, X)
    total = fg.binary_cross_entropy_with_logits(logits, Y, reduction="sum")
    return total / consts[0], jnp.sum((logits > 0) == (Y > 0.5))


def test_blocks_sum_an_auxiliary_value() -> None:
    params, X, Y = _data(3001, 7, 2)
    (value, hits), grads = value_and_grad_by_blocks(
        _mean_loss_and_hits,
        params,
        (X, Y),
        (float(Y.size),),
        block_rows=256,
        has_aux=True,
    )
    _assert_close((value, grads), jax.value_and_grad(fg.loss)(params, X, Y))
    logits = np.asarray(fg.linear(params, X))
    assert int(hits) == int(np.sum((logits > 0) == (np.asarray(Y) > 0.5)))


def test_full_batch_fit_takes_the_one_pass_and_equals_xla_s_plan(monkeypatch) -> None:
    # An epoch of one big batch: the gradient by row blocks, straight from the data
    # (no gather), is the gradient of the mean loss over all rows; only the order
    # of the float sums differs from XLA's plan on the gathered batch.
    params, X, Y = _data(3000, 100, 1, seed=2)  # 1.2 MB
    X, Y = np.asarray(X), np.asarray(Y)[:, 0]

    def fit():
        return fg.fit(
            params,
            X,
            Y,
            optimizer=optax.sgd(1.0),
            epochs=4,
            batch_size=4096,
            key=jax.random.key(0),
        )

    assert X.nbytes >= _loop.ONE_PASS_BYTES
    plans = []
    make_plan = _loop.make_plan
    monkeypatch.setattr(
        _loop, "make_plan", lambda *a: plans.append(make_plan(*a)) or plans[-1]
    )
    one_pass = fit()
    monkeypatch.setattr(_loop, "ONE_PASS_BYTES", X.nbytes + 1)
    xla = fit()
    assert [p.one_pass for p in plans] == [True, False]
    np.testing.assert_allclose(one_pass.params.w, xla.params.w, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(one_pass.params.b, xla.params.b, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(one_pass.history["loss"], xla.history["loss"], rtol=1e-6)
    assert one_pass.history["accuracy"] == xla.history["accuracy"]
    assert one_pass.history["loss"][-1] < one_pass.history["loss"][0]
