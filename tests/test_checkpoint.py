"""fit's checkpoints: resume exactly, refuse other runs, survive damage and SIGKILL."""

from __future__ import annotations

import gc
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import funcgrad as fg

SCRIPTS = Path(__file__).parent / "_scripts"
ADAM = optax.adam(0.05)  # one object, so the compiled loop is reused across tests


def make_data(n: int = 45, d: int = 3, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)).astype(np.float32)
    Y = ((X @ np.arange(1, d + 1) + rng.normal(size=n)) > 0).astype(np.float32)
    return X, Y


X, Y = make_data()


def run(directory=None, epochs=5, **kw):
    args = dict(optimizer=ADAM, batch_size=8, key=jax.random.key(7))
    args.update(kw)
    params = args.pop("params", None) or fg.init_linear(jax.random.key(0), 3, 1)
    data = args.pop("data", (X, Y))
    return fg.fit(params, *data, epochs=epochs, checkpoint_dir=directory, **args)


def same_bits(a, b) -> bool:
    return all(
        np.asarray(x).tobytes() == np.asarray(y).tobytes()
        for x, y in zip(jax.tree.leaves(a), jax.tree.leaves(b), strict=True)
    )


@pytest.fixture(scope="module")
def uninterrupted():
    return run(None, epochs=5)


def steps(directory: Path) -> list[int]:
    return sorted(int(p.name) for p in directory.iterdir() if p.name.isdigit())


def test_checkpointing_does_not_change_the_result(tmp_path, uninterrupted):
    r = run(tmp_path, epochs=5, checkpoint_every=2, max_to_keep=2)
    assert same_bits(r.params, uninterrupted.params)
    assert r.history == uninterrupted.history
    assert r.resumed_from_epoch is None
    # Every second epoch and the last; only the newest two kept.
    assert steps(tmp_path) == [4, 5]


def test_resumed_run_ends_bitwise_like_an_uninterrupted_one(tmp_path, uninterrupted):
    first = run(tmp_path, epochs=3)
    assert steps(tmp_path) == [1, 2, 3]
    resumed = run(tmp_path, epochs=5)
    assert resumed.resumed_from_epoch == 3
    assert same_bits(resumed.params, uninterrupted.params)
    assert same_bits(resumed.opt_state, uninterrupted.opt_state)
    assert resumed.history == uninterrupted.history
    assert resumed.history["loss"][:3] == first.history["loss"]
    assert steps(tmp_path) == [3, 4, 5]


def test_a_finished_run_is_returned_without_training(tmp_path, uninterrupted):
    run(tmp_path, epochs=5)
    calls = []
    again = run(tmp_path, epochs=5, callback=lambda e, m: calls.append(e))
    assert again.resumed_from_epoch == 5 and calls == []
    assert same_bits(again.params, uninterrupted.params)
    assert again.history == uninterrupted.history
    with pytest.raises(fg.CheckpointError, match="completed 5 epochs, more than the 4"):
        run(tmp_path, epochs=4)


@pytest.mark.parametrize(
    "change, why",
    [
        (dict(batch_size=4), r"batch_size=8 there, batch_size=4 here"),
        (
            dict(key=jax.random.key(8)),
            r"key=\[0, 7\] \(threefry2x32\) there, key=\[0, 8\] \(threefry2x32\) here",
        ),
        (dict(shuffle=False), r"shuffle=True there, shuffle=False here"),
        (
            dict(optimizer=optax.adam(0.01)),
            r"optimizer=\.\.\. scale\(step_size=-0\.05\) there, "
            r"optimizer=\.\.\. scale\(step_size=-0\.01\) here",
        ),
        (
            dict(optimizer=optax.sgd(0.05)),
            r"optimizer=scale_by_adam\(b1=0\.9, b2=0\.999, .*\) \+ "
            r"scale\(step_size=-0\.05\) there, "
            r"optimizer=scale\(step_size=-0\.05\) here",
        ),
        (
            dict(data=make_data(seed=1)),
            r"sha256\(X, Y\)=[0-9a-f]{12} there, sha256\(X, Y\)=[0-9a-f]{12} here",
        ),
        (
            dict(data=make_data(n=44)),
            r"X=float32\[45, 3\] there, X=float32\[44, 3\] here; "
            r"Y=float32\[45\] there, Y=float32\[44\] here",
        ),
        (
            dict(data=make_data(d=4), params=fg.init_linear(jax.random.key(0), 4, 1)),
            r"X=float32\[45, 3\] there, X=float32\[45, 4\] here; .*"
            r"params=w float32\[3, 1\], b float32\[1\] there, "
            r"params=w float32\[4, 1\], b float32\[1\] here",
        ),
        (
            dict(validation=(X[:5], Y[:5])),
            r"validation=None there, validation=5 rows here",
        ),
    ],
)
def test_checkpoints_of_another_run_are_refused(tmp_path, change, why):
    run(tmp_path, epochs=2)
    with pytest.raises(fg.CheckpointError, match=why) as info:
        run(tmp_path, epochs=4, **change)
    message = str(info.value)
    assert "\n" not in message
    assert (
        f"checkpoint in {tmp_path} (epoch 2) was written by a different run" in message
    )
    assert steps(tmp_path) == [1, 2]  # nothing was touched


def test_same_options_resume_with_equal_but_distinct_optimizer(tmp_path, uninterrupted):
    run(tmp_path, epochs=2)
    r = run(tmp_path, epochs=5, optimizer=optax.adam(0.05))
    assert r.resumed_from_epoch == 2
    assert same_bits(r.params, uninterrupted.params)


def _damage_arrays(step_dir: Path) -> None:
    # The arrays live in the item's ocdbt store; truncate every data file of it.
    hit = False
    for path in (step_dir / "state").rglob("*"):
        if path.is_file() and path.parent.name == "d":
            path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
            hit = True
    assert hit


def _damage_checksum(step_dir: Path) -> None:
    # Readable arrays that are not the ones saved: the recorded SHA-256 disagrees.
    path = step_dir / "meta" / "metadata"
    meta = json.loads(path.read_text())
    meta["arrays_sha256"] = "0" * 64
    path.write_text(json.dumps(meta))


def _damage_record(step_dir: Path) -> None:
    path = step_dir / "meta" / "metadata"
    path.write_bytes(path.read_bytes()[:20])


@pytest.mark.parametrize("damage", [_damage_arrays, _damage_checksum, _damage_record])
def test_damaged_newest_checkpoint_falls_back_to_the_previous(
    tmp_path, uninterrupted, damage, caplog
):
    run(tmp_path, epochs=4)
    damage(tmp_path / "4")
    r = run(tmp_path, epochs=5)
    assert r.resumed_from_epoch == 3
    assert same_bits(r.params, uninterrupted.params)
    assert r.history == uninterrupted.history
    assert "checkpoint" in caplog.text and "damaged" in caplog.text
    assert steps(tmp_path) == [3, 4, 5]


def test_no_intact_checkpoint_is_a_clear_error(tmp_path):
    run(tmp_path, epochs=2)
    _damage_arrays(tmp_path / "1")
    _damage_record(tmp_path / "2")
    with pytest.raises(fg.CheckpointError, match="no intact checkpoint") as info:
        run(tmp_path, epochs=3)
    assert "\n" not in str(info.value)
    assert "epoch 2: record unreadable" in str(info.value)
    assert "epoch 1: arrays unreadable" in str(info.value)


def test_nonfinite_loss_keeps_the_last_good_checkpoint(tmp_path):
    def poison_after(k):
        def update(updates, count, params=None):
            bad = jnp.where(count >= k, jnp.nan, 0.0)
            return jax.tree.map(lambda u: u + bad, updates), count + 1

        return optax.GradientTransformation(lambda p: jnp.zeros((), jnp.int32), update)

    opt = optax.chain(optax.sgd(0.1), poison_after(13))  # 6 steps per epoch
    with pytest.raises(fg.NonFiniteLossError, match=r"epoch 2, batch 2 of 6"):
        run(tmp_path, epochs=5, optimizer=opt)
    assert steps(tmp_path) == [1, 2]
    good = run(None, epochs=2, optimizer=opt)
    again = run(tmp_path, epochs=2, optimizer=opt)
    assert again.resumed_from_epoch == 2
    assert same_bits(again.params, good.params)
    assert all(np.isfinite(np.asarray(x)).all() for x in jax.tree.leaves(again.params))


def test_sigkill_mid_run_then_resume_equals_uninterrupted(tmp_path, uninterrupted):
    data = tmp_path / "data.npz"
    np.savez(data, X=X, Y=Y, batch_size=8)
    directory = tmp_path / "ckpt"
    env = dict(os.environ, JAX_PLATFORMS="cpu")
    cmd = [
        sys.executable,
        str(SCRIPTS / "fit_checkpoint.py"),
        str(data),
        str(directory),
    ]
    child = subprocess.Popen(
        [*cmd, "400"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        for line in child.stdout:
            if line.startswith("epoch 2 done"):
                break
        # Saves complete in the background: wait until three are on disk.
        deadline = time.monotonic() + 60
        while len(steps(directory)) < 3 and child.poll() is None:
            assert time.monotonic() < deadline, "no third checkpoint in 60 s"
            time.sleep(0.005)
        # Killed while it trains and saves further epochs, possibly mid-save.
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    done = steps(directory)
    assert done and done[0] >= 1 and done[-1] >= 3
    resumed = run(directory, epochs=done[-1] + 2)
    assert resumed.resumed_from_epoch == done[-1]
    reference = run(None, epochs=done[-1] + 2)
    assert same_bits(resumed.params, reference.params)
    assert resumed.history == reference.history


def test_a_partial_save_left_by_a_kill_is_ignored_and_cleaned(tmp_path, uninterrupted):
    import shutil

    run(tmp_path, epochs=4)
    # What a save killed before its atomic rename leaves: a temporary directory.
    partial = tmp_path / "5.orbax-checkpoint-tmp-1700000000000000"
    shutil.copytree(tmp_path / "4", partial)
    for path in partial.rglob("*"):
        if path.is_file():
            path.write_bytes(path.read_bytes()[:3])
    r = run(tmp_path, epochs=5)
    assert r.resumed_from_epoch == 4
    assert same_bits(r.params, uninterrupted.params)
    assert not partial.exists()
    assert steps(tmp_path) == [3, 4, 5]


def test_a_damaged_read_leaves_nothing_to_call_back_into_a_closed_loop(
    tmp_path, monkeypatch
):
    # orbax's failed gather left sibling tensorstore reads pending; when they
    # finished, tensorstore's threads called into the closed event loop and the
    # RuntimeError surfaced as an unraisable exception during some later test.
    caught = []
    monkeypatch.setattr(sys, "unraisablehook", caught.append)
    for i in range(3):
        run(tmp_path / str(i), epochs=4)
        _damage_arrays(tmp_path / str(i) / "4")
        assert run(tmp_path / str(i), epochs=5).resumed_from_epoch == 3
    gc.collect()
    assert [repr(u.exc_value) for u in caught] == []


# --- cadence, words, lock, signals, phases ------------------------------------------


def test_checkpoint_every_a_duration_or_a_count(tmp_path, uninterrupted):
    r = run(tmp_path / "hour", epochs=5, checkpoint_every="1h")
    assert steps(tmp_path / "hour") == [5]  # no hour passed: only the last epoch
    assert same_bits(r.params, uninterrupted.params)
    run(tmp_path / "zero", epochs=3, checkpoint_every="0.0001s")
    assert steps(tmp_path / "zero") == [1, 2, 3]  # due after every epoch
    run(tmp_path / "two", epochs=5, checkpoint_every="2")
    assert steps(tmp_path / "two") == [2, 4, 5]


@pytest.mark.parametrize("bad", ["0s", "30", "1d", "-1m", "s", "", 0, 1.5, True])
def test_checkpoint_every_rejects_other_values(tmp_path, bad):
    if bad == "30":  # a count as text is fine
        run(tmp_path, epochs=1, checkpoint_every=bad)
        return
    with pytest.raises(ValueError, match="checkpoint_every"):
        run(tmp_path, epochs=1, checkpoint_every=bad)
    assert steps(tmp_path) == []


def test_a_refusal_names_the_callers_own_words(tmp_path, uninterrupted):
    run(tmp_path, epochs=2, checkpoint_labels={"--lr": 0.05, "--data": None})
    with pytest.raises(fg.CheckpointError) as info:
        run(
            tmp_path,
            epochs=4,
            optimizer=optax.adam(0.01),
            checkpoint_labels={"--lr": 0.01, "--data": None},
        )
    assert "was written by a different run: --lr 0.05 there, --lr 0.01 here; use" in (
        str(info.value)
    )
    # Other words for the same run resume: only the exact options decide.
    r = run(tmp_path, epochs=5, checkpoint_labels={"--lr": "5e-2", "--data": "x"})
    assert r.resumed_from_epoch == 2
    assert same_bits(r.params, uninterrupted.params)


def test_records_without_words_are_refused_in_option_names(tmp_path):
    # Checkpoints written before the words were recorded name the exact options.
    run(tmp_path, epochs=2)
    for step in steps(tmp_path):
        path = tmp_path / str(step) / "meta" / "metadata"
        meta = json.loads(path.read_text())
        del meta["described"], meta["labels"]
        path.write_text(json.dumps(meta))
    with pytest.raises(
        fg.CheckpointError, match="batch_size=8 there, batch_size=4 here"
    ):
        run(tmp_path, epochs=4, batch_size=4)
    assert run(tmp_path, epochs=3).resumed_from_epoch == 2


def _hold_lock(directory: Path, text: str):
    import fcntl

    directory.mkdir(parents=True, exist_ok=True)
    f = open(directory / ".funcgrad.lock", "w")  # noqa: SIM115
    fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    f.write(text)
    f.flush()
    return f


def test_a_directory_in_use_is_refused_untouched(tmp_path):
    pytest.importorskip("fcntl")
    run(tmp_path, epochs=2)
    partial = tmp_path / "3.orbax-checkpoint-tmp-1700000000000000"
    partial.mkdir()  # the holder's save in flight: must survive the refusal
    holder = _hold_lock(tmp_path, "pid 4242 on host elsewhere since 2026-01-01\n")
    try:
        with pytest.raises(fg.CheckpointLockedError) as info:
            run(tmp_path, epochs=4)
    finally:
        holder.close()
    e = info.value
    assert isinstance(e, fg.CheckpointError)
    assert (e.directory, e.holder) == (
        str(tmp_path),
        "pid 4242 on host elsewhere since 2026-01-01",
    )
    assert str(e) == (
        f"checkpoint directory {tmp_path} is in use by another run (pid 4242 on host "
        "elsewhere since 2026-01-01); wait for it to end or use another directory"
    )
    assert steps(tmp_path) == [1, 2] and partial.exists()
    # Released (its holder closed the file, as the kernel does for a killed one):
    # the lock is taken over and names this process.
    assert run(tmp_path, epochs=3).resumed_from_epoch == 2
    assert (tmp_path / ".funcgrad.lock").read_text().startswith(f"pid {os.getpid()} ")


def test_on_phase_compiles_once_and_says_nothing_for_a_finished_run(tmp_path):
    phases = []
    run(tmp_path, epochs=3, on_phase=lambda p, e: phases.append((p, e)))
    assert phases == [("compile", 0), ("train", 0)]
    phases.clear()
    run(tmp_path, epochs=5, on_phase=lambda p, e: phases.append((p, e)))
    assert phases == [("compile", 3), ("train", 3)]
    phases.clear()
    r = run(tmp_path, epochs=5, on_phase=lambda p, e: phases.append((p, e)))
    assert r.resumed_from_epoch == 5 and phases == []
    with pytest.raises(ValueError, match="on_phase must be callable"):
        run(None, epochs=1, on_phase=3)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_saves_the_epoch_then_stops(tmp_path, signum):
    data = tmp_path / "data.npz"
    np.savez(data, X=X, Y=Y, batch_size=8)
    directory = tmp_path / "ckpt"
    env = dict(os.environ, JAX_PLATFORMS="cpu")
    child = subprocess.Popen(
        [sys.executable, str(SCRIPTS / "fit_checkpoint.py"), str(data), str(directory)]
        + ["100000", "1h"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for line in child.stdout:
            if line.startswith("epoch 2 done"):
                break
        child.send_signal(signum)
        out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == 0, err
    last = out.strip().splitlines()[-1]
    name = signal.Signals(signum).name
    prefix = f"interrupted: {name}: stopped after "
    assert last.startswith(prefix), last
    saved = int(last[len(prefix) :].split()[0])
    assert last == (
        f"{prefix}{saved} of 100000 epochs; checkpoint of epoch {saved} saved in "
        f"{directory}"
    )
    assert saved >= 3 and steps(directory) == [saved]  # a 1h cadence: only this one
    resumed = run(directory, epochs=saved + 2)
    assert resumed.resumed_from_epoch == saved
    reference = run(None, epochs=saved + 2)
    assert same_bits(resumed.params, reference.params)
    assert resumed.history == reference.history
