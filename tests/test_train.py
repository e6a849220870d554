"""The compiled training loop: fit, make_train_step, devices and processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import funcgrad as fg
from funcgrad.train import _epochs, _identity, _step

SCRIPTS = Path(__file__).parent / "_scripts"


def make_data(n: int = 64, d: int = 4, seed: int = 0, noise: float = 0.0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)).astype(np.float32)
    w = np.arange(1, d + 1, dtype=np.float32)
    Y = ((X @ w + noise * rng.normal(size=n)) > 0).astype(np.float32)
    return X, Y


def run_fit(X, Y, params=None, **kw):
    args = dict(optimizer=optax.sgd(0.1), epochs=3, batch_size=8, key=jax.random.key(1))
    args.update(kw)
    if params is None:
        params = fg.init_linear(jax.random.key(0), X.shape[1], 1)
    return fg.fit(params, X, Y, **args)


def leaves(tree):
    return [np.asarray(x) for x in jax.tree.leaves(tree)]


def assert_bitwise_equal(a, b):
    for x, y in zip(leaves(a), leaves(b), strict=True):
        assert x.dtype == y.dtype and x.shape == y.shape
        assert x.tobytes() == y.tobytes()


# ---- learning and determinism


def test_loss_decreases_and_separable_data_is_learned():
    X, Y = make_data(200)
    r = run_fit(X, Y, optimizer=optax.adam(0.1), epochs=30, batch_size=16)
    loss = r.history["loss"]
    assert len(loss) == 30 and len(r.history["accuracy"]) == 30
    assert loss[-1] < 0.5 * loss[0]
    assert r.history["accuracy"][-1] >= 0.97
    logits = fg.linear(r.params, jnp.asarray(X))[:, 0]
    assert float(jnp.mean((logits > 0) == (Y > 0.5))) >= 0.97
    assert r.resumed_from_epoch is None


def test_same_key_is_bitwise_reproducible_and_keys_matter():
    X, Y = make_data(50, noise=1.0)
    a = run_fit(X, Y, key=jax.random.key(3), batch_size=7)
    b = run_fit(X, Y, key=jax.random.key(3), batch_size=7)
    c = run_fit(X, Y, key=jax.random.key(4), batch_size=7)
    assert_bitwise_equal(a.params, b.params)
    assert a.history == b.history
    assert not np.array_equal(np.asarray(a.params.w), np.asarray(c.params.w))


def test_legacy_uint32_key_equals_typed_key():
    X, Y = make_data(30)
    a = run_fit(X, Y, key=jax.random.key(5))
    b = run_fit(X, Y, key=jax.random.PRNGKey(5))
    assert_bitwise_equal(a.params, b.params)


def test_shuffle_changes_the_order_and_no_shuffle_is_in_order():
    X, Y = make_data(40, noise=1.0)
    shuffled = run_fit(X, Y, shuffle=True)
    ordered = run_fit(X, Y, shuffle=False)
    ordered_again = run_fit(X, Y, shuffle=False, key=jax.random.key(99))
    # Without shuffling the key plays no part.
    assert_bitwise_equal(ordered.params, ordered_again.params)
    assert not np.array_equal(
        np.asarray(shuffled.params.w), np.asarray(ordered.params.w)
    )


@pytest.mark.parametrize("n", [1, 2, 5, 100, 1025])
def test_shuffle_is_a_permutation(n):
    shuffle = jax.jit(
        lambda e: _epochs.permutation(jax.random.fold_in(jax.random.key(0), e), n)
    )
    orders = [np.asarray(shuffle(epoch)).tolist() for epoch in range(4)]
    for order in orders:
        assert sorted(order) == list(range(n))
    if n >= 5:
        assert len({tuple(o) for o in orders}) == 4


def test_each_epoch_visits_every_example_once_with_a_fresh_order():
    plan = _epochs.Plan(
        n=23,
        batch=5,
        padded=8,
        num_batches=5,
        shuffle=True,
        skip=False,
        has_val=False,
        fed=False,
        key_impl=None,
        mesh=None,
    )
    orders = []
    for epoch in range(3):
        idx = np.asarray(_epochs.epoch_indices(jax.random.key(0), epoch, plan))
        mask = idx < 23
        assert idx.shape == (5, 8)
        # 5 real rows per batch (the last has 3), the padding points past the data,
        # and every row comes exactly once.
        assert mask.sum(axis=1).tolist() == [5, 5, 5, 5, 3]
        assert (idx[~mask] == 23).all() and not mask[:, 5:].any()
        assert sorted(idx[mask].tolist()) == list(range(23))
        orders.append(idx[mask].tolist())
    assert orders[0] != orders[1] != orders[2]


# ---- masking and the partial last batch


def test_masked_mean_is_the_mean_over_real_rows_in_value_and_gradient():
    X, Y = make_data(10, d=3)
    Y2 = Y[:, None]
    params = fg.init_linear(jax.random.key(2), 3, 1)
    mask = np.array([True] * 7 + [False] * 3)
    junk = X.copy()
    junk[7:] = 1e3  # padded rows hold anything; they must not matter

    def masked(p):
        return _step.masked_loss(p, jnp.asarray(junk), jnp.asarray(Y2), mask)[0]

    value, grads = jax.jit(jax.value_and_grad(masked))(params)
    ref_value, ref_grads = jax.jit(jax.value_and_grad(fg.loss))(params, X[:7], Y2[:7])
    np.testing.assert_allclose(value, ref_value, rtol=1e-6)
    for g, r in zip(leaves(grads), leaves(ref_grads), strict=True):
        np.testing.assert_allclose(g, r, rtol=1e-5, atol=1e-7)


def test_partial_last_batch_uses_every_example():
    # batch_size = N - 1, no shuffle: two SGD steps, on rows 0..N-2 then on row N-1.
    X, Y = make_data(9, d=3, noise=1.0)
    params = fg.init_linear(jax.random.key(2), 3, 1)
    r = fg.fit(
        params,
        X,
        Y,
        optimizer=optax.sgd(0.5),
        epochs=1,
        batch_size=8,
        key=jax.random.key(0),
        shuffle=False,
    )
    Y2 = Y[:, None]
    p = params
    for rows in (slice(0, 8), slice(8, 9)):
        g = jax.grad(fg.loss)(p, X[rows], Y2[rows])
        p = jax.tree.map(lambda a, b: a - 0.5 * b, p, g)
    for got, want in zip(leaves(r.params), leaves(p), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)
    # Epoch metrics weigh each example once: 8 rows of batch 0 and 1 of batch 1.
    l0 = fg.loss(params, X[:8], Y2[:8])
    p1 = jax.tree.map(
        lambda a, b: a - 0.5 * b, params, jax.grad(fg.loss)(params, X[:8], Y2[:8])
    )
    l1 = fg.loss(p1, X[8:], Y2[8:])
    np.testing.assert_allclose(r.history["loss"][0], (8 * l0 + l1) / 9, rtol=1e-6)


def test_batch_size_above_n_is_one_full_batch():
    X, Y = make_data(12, d=3)
    params = fg.init_linear(jax.random.key(2), 3, 1)
    big = fg.fit(
        params,
        X,
        Y,
        optimizer=optax.sgd(0.3),
        epochs=2,
        batch_size=1000,
        key=jax.random.key(0),
    )
    p = params
    for _ in range(2):
        g = jax.grad(fg.loss)(p, X, Y[:, None])
        p = jax.tree.map(lambda a, b: a - 0.3 * b, p, g)
    for got, want in zip(leaves(big.params), leaves(p), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


def test_one_dimensional_and_column_labels_agree_and_multi_output_works():
    X, Y = make_data(30)
    a = run_fit(X, Y)
    b = run_fit(X, Y[:, None])
    assert_bitwise_equal(a.params, b.params)
    assert a.params.w.shape == (4, 1)
    Y3 = np.stack([Y, 1 - Y, Y], axis=1)
    c = run_fit(X, Y3, params=fg.init_linear(jax.random.key(0), 4, 3))
    assert c.params.w.shape == (4, 3)
    assert c.history["loss"][-1] < c.history["loss"][0]


# ---- history, validation, callback


def test_validation_metrics_and_callback_per_epoch():
    X, Y = make_data(60)
    Xv, Yv = make_data(20, seed=1)
    calls = []
    r = run_fit(
        X,
        Y,
        epochs=4,
        validation=(Xv, Yv),
        callback=lambda epoch, m: calls.append((epoch, dict(m))),
    )
    assert set(r.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 4 for v in r.history.values())
    assert [e for e, _ in calls] == [0, 1, 2, 3]
    for epoch, metrics in calls:
        assert set(metrics) == set(r.history)
        assert all(type(v) is float for v in metrics.values())
        assert metrics["val_loss"] == r.history["val_loss"][epoch]
    # The last validation figures are those of the final parameters.
    logits = fg.linear(r.params, jnp.asarray(Xv))
    want = fg.binary_cross_entropy_with_logits(logits, jnp.asarray(Yv)[:, None])
    np.testing.assert_allclose(r.history["val_loss"][-1], want, rtol=1e-6)
    acc = float(jnp.mean((logits[:, 0] > 0) == (Yv > 0.5)))
    assert r.history["val_accuracy"][-1] == pytest.approx(acc)


def test_steps_per_loop_iteration_do_not_change_the_result(monkeypatch):
    # Small batches run two steps per iteration of the compiled loop, big ones
    # one; the steps and their floats are the same either way.
    X, Y = make_data(90, noise=1.0)
    two = run_fit(X, Y, epochs=2, batch_size=16)
    assert _epochs._unroll(np.zeros((6, 16, 5), np.float32)) == 2
    monkeypatch.setattr(_epochs, "_UNROLL_BYTES", 0)
    assert _epochs._unroll(np.zeros((6, 16, 5), np.float32)) == 1
    chosen, unroll = [], _epochs._unroll

    def spy(rows):
        chosen.append(unroll(rows))
        return chosen[-1]

    monkeypatch.setattr(_epochs, "_unroll", spy)
    jax.clear_caches()  # traced again: one step per iteration this time
    one = run_fit(X, Y, epochs=2, batch_size=16)
    assert chosen and set(chosen) == {1}
    assert_bitwise_equal(one.params, two.params)
    assert one.history == two.history


def test_hits_count_right_guesses_of_real_rows_only():
    rng = np.random.default_rng(5)
    logits = rng.standard_normal((9, 2)).astype(np.float32)
    y = (rng.random((9, 2)) > 0.5).astype(np.float32)
    mask = np.arange(9) < 6
    want = sum(
        (logits[i, j] > 0) == (y[i, j] > 0.5) for i in range(6) for j in range(2)
    )
    assert int(_epochs._hits(jnp.asarray(logits), jnp.asarray(y), mask)) == want


def test_a_callback_does_not_change_the_result():
    X, Y = make_data(40, noise=1.0)
    a = run_fit(X, Y, epochs=3)
    b = run_fit(X, Y, epochs=3, callback=lambda e, m: None)
    assert_bitwise_equal(a.params, b.params)
    assert a.history == b.history


# ---- make_train_step


def test_make_train_step_is_one_optax_step():
    X, Y = make_data(16)
    opt = optax.adam(0.01)
    params = fg.init_linear(jax.random.key(0), 4, 1)
    state = fg.TrainState(params, opt.init(params), jnp.zeros((), jnp.int32))
    step = fg.make_train_step(opt)
    new, value = step(state, X, Y[:, None])

    @jax.jit
    def reference(params):
        grads = jax.grad(fg.loss)(params, X, Y[:, None])
        updates, _ = opt.update(grads, opt.init(params), params)
        return optax.apply_updates(params, updates)

    want = reference(params)
    np.testing.assert_allclose(value, fg.loss(params, X, Y[:, None]), rtol=1e-6)
    for got, w in zip(leaves(new.params), leaves(want), strict=True):
        np.testing.assert_allclose(got, w, rtol=1e-6)
    assert int(new.step) == 1


def test_make_train_step_takes_a_custom_loss():
    def l2(params, x, y):
        return jnp.mean((fg.linear(params, x) - y) ** 2)

    opt = optax.sgd(0.1)
    params = fg.LinearParams(w=jnp.zeros((1, 1)), b=jnp.zeros(1))
    state = fg.TrainState(params, opt.init(params), jnp.zeros((), jnp.int32))
    step = fg.make_train_step(opt, loss_fn=l2)
    x, y = jnp.ones((2, 1)), jnp.full((2, 1), 2.0)
    state, value = step(state, x, y)
    assert float(value) == 4.0
    np.testing.assert_allclose(state.params.b, [0.4])


# ---- non-finite losses


def poisoned(n=20, bad_row=10):
    X, Y = make_data(n, d=2)
    X[bad_row] = 3e38  # finite, but x @ w overflows to inf for w near 10
    params = fg.LinearParams(w=jnp.full((2, 1), 10.0), b=jnp.zeros(1))
    return params, X, Y


def test_nonfinite_loss_raises_naming_epoch_and_batch():
    params, X, Y = poisoned()
    with pytest.raises(fg.NonFiniteLossError, match=r"epoch 0, batch 2 of 4") as info:
        fg.fit(
            params,
            X,
            Y,
            optimizer=optax.sgd(1e-4),
            epochs=3,
            batch_size=5,
            key=jax.random.key(0),
            shuffle=False,
        )
    assert (info.value.epoch, info.value.batch, info.value.step) == (0, 2, 2)
    assert isinstance(info.value, FloatingPointError)


def test_nonfinite_loss_in_a_later_epoch_names_it():
    X, Y = make_data(20, d=2)

    def poison_after(k):
        def update(updates, count, params=None):
            bad = jnp.where(count >= k, jnp.nan, 0.0)
            return jax.tree.map(lambda u: u + bad, updates), count + 1

        return optax.GradientTransformation(lambda p: jnp.zeros((), jnp.int32), update)

    opt = optax.chain(optax.sgd(0.1), poison_after(9))  # step 9 makes params NaN
    with pytest.raises(fg.NonFiniteLossError, match=r"epoch 2, batch 2 of 4") as info:
        run_fit(X, Y, optimizer=opt, epochs=5, batch_size=5, shuffle=False)
    assert info.value.step == 10


def test_skip_leaves_out_bad_batches_and_counts_them():
    params, X, Y = poisoned(bad_row=10)
    r = fg.fit(
        params,
        X,
        Y,
        optimizer=optax.sgd(1e-4),
        epochs=3,
        batch_size=5,
        key=jax.random.key(0),
        shuffle=False,
        on_nonfinite="skip",
    )
    assert r.history["skipped"] == [1, 1, 1]
    assert all(np.isfinite(r.history["loss"]))
    # Same as training on the other three batches only (SGD keeps no state).
    keep = np.r_[0:10, 15:20]
    ref = fg.fit(
        params,
        X[keep],
        Y[keep],
        optimizer=optax.sgd(1e-4),
        epochs=3,
        batch_size=5,
        key=jax.random.key(0),
        shuffle=False,
    )
    assert_bitwise_equal(r.params, ref.params)


# ---- input validation


def _bad(**kw):
    X, Y = make_data(10)
    base = dict(
        params=fg.init_linear(jax.random.key(0), 4, 1),
        X=X,
        Y=Y,
        optimizer=optax.sgd(0.1),
        epochs=2,
        batch_size=4,
        key=jax.random.key(0),
    )
    base.update(kw)
    return base


NAN_X = make_data(10)[0]
NAN_X[3, 2] = np.nan


@pytest.mark.parametrize(
    "kw, message",
    [
        (
            dict(Y=np.zeros(9)),
            r"X and Y have different lengths: X has 10 rows, Y has 9",
        ),
        (dict(epochs=0), r"epochs must be positive, got 0"),
        (dict(epochs=-3), r"epochs must be positive"),
        (dict(epochs=2.5), r"epochs must be a positive int"),
        (dict(batch_size=0), r"batch_size must be positive, got 0"),
        (dict(batch_size=True), r"batch_size must be a positive int"),
        (
            dict(X=NAN_X),
            r"X contains non-finite values \(NaN or inf\), first at row 3, col",
        ),
        (dict(Y=np.r_[np.zeros(9), np.nan]), r"Y contains non-finite values .* row 9"),
        (dict(Y=np.r_[np.zeros(9), 2.0]), r"Y must hold labels in \[0, 1\]; row 9"),
        (dict(X=np.zeros((10, 5))), r"X has 5 features but params.w expects 4"),
        (dict(X=np.zeros(10)), r"X must be 2-D"),
        (dict(X=np.zeros((0, 4)), Y=np.zeros(0)), r"empty"),
        (dict(Y=np.zeros((10, 2))), r"Y has 2 column\(s\) .* 1 output"),
        (dict(X=np.array([["a"] * 4] * 10)), r"X must be numeric"),
        (dict(params=(1, 2)), r"params must have w of shape \(D, k\)"),
        (dict(on_nonfinite="ignore"), r"on_nonfinite must be 'raise' or 'skip'"),
        (dict(validation=(np.zeros((3, 4)),)), r"validation must be a pair"),
        (dict(validation=(np.zeros((3, 4)), np.zeros(2))), r"X_val and Y_val have"),
        (dict(devices=0), r"devices must be positive"),
        (dict(devices=64), r"devices=64 but only \d+ JAX device"),
        (dict(key=jnp.zeros(2, jnp.float32)), r"key must be a PRNG key"),
        (dict(optimizer="sgd"), r"optimizer must be an optax GradientTransformation"),
        (dict(checkpoint_every=0), r"checkpoint_every must be positive"),
    ],
)
def test_bad_input_gets_a_clear_error(kw, message):
    args = _bad(**kw)
    with pytest.raises(ValueError, match=message):
        fg.fit(args.pop("params"), args.pop("X"), args.pop("Y"), **args)


def test_initialize_distributed_checks_its_arguments():
    with pytest.raises(ValueError, match=r"coordinator_address must be 'host:port'"):
        fg.initialize_distributed("localhost", 2, 0)
    with pytest.raises(ValueError, match=r"num_processes must be positive"):
        fg.initialize_distributed("127.0.0.1:1", 0, 0)
    with pytest.raises(ValueError, match=r"process_id must be in \[0, 2\), got -1"):
        fg.initialize_distributed("127.0.0.1:1", 2, -1)


# ---- several devices and several processes (subprocesses: XLA_FLAGS at start-up)


def _env(devices: int) -> dict[str, str]:
    env = dict(os.environ)
    env["XLA_FLAGS"] = f"--xla_force_host_platform_device_count={devices}"
    env["JAX_PLATFORMS"] = "cpu"
    return env


def _save_data(tmp_path: Path, n: int, batch_size: int) -> Path:
    X, Y = make_data(n, d=5, noise=1.0)
    path = tmp_path / "data.npz"
    np.savez(path, X=X, Y=Y, batch_size=batch_size)
    return path


def test_four_devices_equal_one_device(tmp_path):
    # 37 rows in batches of 10: the last batch has 7 rows, and 10 rows do not split
    # over 4 devices, so both paddings are exercised.
    data = _save_data(tmp_path, 37, 10)
    out = tmp_path / "out.npz"
    subprocess.run(
        [sys.executable, str(SCRIPTS / "fit_devices.py"), str(data), str(out), "4"],
        env=_env(4),
        check=True,
        timeout=120,
        capture_output=True,
    )
    r = np.load(out)
    assert int(r["one_ndev"]) == 1 and int(r["many_ndev"]) == 4
    for name in ("many", "list"):
        for part in ("w", "b", "loss", "val_loss"):
            np.testing.assert_allclose(
                r[f"{name}_{part}"], r[f"one_{part}"], rtol=1e-5, atol=1e-5
            )
    # And the one-device run there equals a run in this (ordinary) process.
    d = np.load(data)
    here = fg.fit(
        fg.init_linear(jax.random.key(0), 5, 1),
        d["X"],
        d["Y"],
        optimizer=optax.adam(0.05),
        epochs=5,
        batch_size=10,
        key=jax.random.key(7),
        validation=(d["X"][:9], d["Y"][:9]),
    )
    np.testing.assert_allclose(np.asarray(here.params.w), r["one_w"], rtol=1e-6)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_processes_equal_one_process(tmp_path):
    data = _save_data(tmp_path, 45, 8)
    address = f"127.0.0.1:{_free_port()}"
    procs = []
    try:
        for pid in range(2):
            out = tmp_path / f"out{pid}.npz"
            cmd = [
                sys.executable,
                str(SCRIPTS / "fit_multiprocess.py"),
                address,
                "2",
                str(pid),
                str(data),
                str(out),
            ]
            procs.append(
                subprocess.Popen(
                    cmd, env=_env(2), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
                )
            )
        for p in procs:
            output, _ = p.communicate(timeout=150)
            assert p.returncode == 0, output.decode(errors="replace")[-3000:]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    d = np.load(data)
    ref = fg.fit(
        fg.init_linear(jax.random.key(0), 5, 1),
        d["X"],
        d["Y"],
        optimizer=optax.adam(0.05),
        epochs=3,
        batch_size=8,
        key=jax.random.key(7),
        validation=(d["X"][:9], d["Y"][:9]),
    )
    for pid in range(2):
        r = np.load(tmp_path / f"out{pid}.npz")
        assert int(r["devices"]) == 4
        assert r["epochs_seen"].tolist() == [0, 1, 2]
        np.testing.assert_allclose(
            r["w"], np.asarray(ref.params.w), rtol=1e-5, atol=1e-5
        )
        np.testing.assert_allclose(
            r["b"], np.asarray(ref.params.b), rtol=1e-5, atol=1e-5
        )
        np.testing.assert_allclose(r["loss"], ref.history["loss"], rtol=1e-5)
        np.testing.assert_allclose(r["val_loss"], ref.history["val_loss"], rtol=1e-5)


def test_equal_optimizers_share_one_compiled_loop_and_different_ones_do_not():
    a, b = _identity.canonical(optax.adam(0.01)), _identity.canonical(optax.adam(0.01))
    assert a is b
    assert _identity.canonical(optax.adam(0.02)) is not a
    assert _identity.canonical(optax.adam(0.01, b1=0.8)) is not a
    assert _identity.canonical(optax.sgd(0.01)) is not a
