"""`funcgrad train`: defaults, options, output, one-line errors, checkpoints that
survive SIGKILL."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from funcgrad.cli import main

ROOT = Path(__file__).resolve().parents[2]
JSON_KEYS = {
    "train_accuracy",
    "test_accuracy",
    "final_loss",
    "epochs",
    "seconds",
    "resumed_from_epoch",
    "params_sha256",
}


def invoke(*argv: str) -> tuple[int, str, str]:
    """Run ``funcgrad train ARGV`` in this process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["train", *argv])
        except SystemExit as e:  # --help
            code = int(e.code or 0)
    return code, out.getvalue(), err.getvalue()


def last_json(stdout: str) -> dict:
    lines = stdout.strip().splitlines()
    assert lines, "no output on stdout"
    return json.loads(lines[-1])


def assert_one_line_error(code: int, err: str) -> str:
    assert code == 2, err
    assert "Traceback" not in err
    assert err.endswith("\n") and err.count("\n") == 1, repr(err)
    line = err.rsplit("\r", 1)[-1].strip()  # after any erased progress bar
    assert line.startswith("funcgrad: error: "), line
    return line


def write_csv(path: Path, n: int = 60, seed: int = 0) -> Path:
    """A small, linearly separable data set with the label in the middle."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = (X[:, 0] - X[:, 2] > 0).astype(int)
    lines = ["x0,x1,label,x2"]
    lines += [f"{a:.5f},{b:.5f},{t},{c:.5f}" for (a, b, c), t in zip(X, y, strict=True)]
    path.write_text("\n".join(lines) + "\n")
    return path


def cli_subprocess(
    *argv: str, timeout: float = 120, env: dict | None = None, **kw
) -> subprocess.Popen:
    env = dict(os.environ if env is None else env)
    env.update(JAX_PLATFORMS="cpu", PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        [sys.executable, "-m", "funcgrad", "train", *argv],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


def finish(proc: subprocess.Popen, timeout: float = 120) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


# --- the default run and the options ---------------------------------------------


def test_default_run_end_to_end() -> None:
    """`python -m funcgrad train --json` with the real defaults: accurate and quick."""
    code, out, err = finish(cli_subprocess("--json"))
    assert code == 0, err
    assert "Traceback" not in err
    result = last_json(out)
    assert JSON_KEYS <= result.keys()
    assert result["epochs"] == 100
    assert result["test_accuracy"] >= 0.95
    assert result["train_accuracy"] >= 0.95
    assert result["resumed_from_epoch"] is None
    assert re.fullmatch(r"[0-9a-f]{64}", result["params_sha256"])
    assert 0 < result["final_loss"] < 0.2
    assert result["seconds"] < 60


def test_text_report_and_progress_bar() -> None:
    code, out, err = invoke("--epochs", "3")
    assert code == 0, err
    for label in ("train accuracy:", "test accuracy:", "final loss:", "time:"):
        assert label in out
    assert "3/3" in err and "epoch" in err  # tqdm's bar, on stderr
    # Compilation is a phase of its own, before the bar (whose ETA it would skew).
    assert err.index("compiling the training program...") < err.index("0/3"), err
    training = re.search(r"^training time: +(\d+\.\d\d) s for 3 epochs", out, re.M)
    compiled = re.search(r"\(compilation (\d+\.\d\d) s more\)$", out, re.M)
    wall = re.search(r"^wall time: +(\d+\.\d\d) s \(the whole process\)$", out, re.M)
    assert training and compiled and wall, out
    # The whole process includes what came before the command (imports, data).
    assert float(wall[1]) > float(training[1]) + float(compiled[1])


def test_timings_tell_the_truth() -> None:
    """wall_seconds is the whole process as measured from outside, not fit alone."""
    started = time.monotonic()
    code, out, err = finish(cli_subprocess("--epochs", "3", "--json"))
    measured = time.monotonic() - started
    assert code == 0, err
    r = last_json(out)
    assert 0 < r["train_seconds"] <= r["seconds"] <= r["total_seconds"]
    assert 0 < r["compile_seconds"] <= r["seconds"]
    assert r["total_seconds"] < r["wall_seconds"] <= measured
    assert r["epochs_run"] == 3


def test_json_is_the_last_line_and_deterministic() -> None:
    code, out, err = invoke("--epochs", "2", "--json", "--seed", "3")
    assert code == 0, err
    first = last_json(out)
    assert JSON_KEYS <= first.keys()
    assert first["epochs"] == 2 and first["seed"] == 3
    code, out, _ = invoke("--epochs", "2", "--json", "--seed", "3")
    assert last_json(out)["params_sha256"] == first["params_sha256"]
    code, out, _ = invoke("--epochs", "2", "--json", "--seed", "4")
    assert last_json(out)["params_sha256"] != first["params_sha256"]


def test_user_csv_and_adam(tmp_path: Path) -> None:
    data = write_csv(tmp_path / "d.csv")
    code, out, err = invoke(
        "--data", str(data), "--target", "label", "--optimizer", "adam",
        "--lr", "0.05", "--epochs", "30", "--batch-size", "8", "--json",
    )  # fmt: skip
    assert code == 0, err
    result = last_json(out)
    assert result["n_features"] == 3 and result["target"] == "label"
    assert result["n_train"] + result["n_test"] == 60
    assert result["test_accuracy"] >= 0.8


def test_target_defaults_to_last_column(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("a,b,y\n" + "".join(f"{i},{-i},{i % 2}\n" for i in range(20)))
    code, out, err = invoke("--data", str(path), "--epochs", "1", "--json")
    assert code == 0, err
    assert last_json(out)["target"] == "y"


def test_devices_one() -> None:
    code, out, err = invoke("--devices", "1", "--epochs", "1", "--json")
    assert code == 0, err
    assert last_json(out)["devices"] == 1


def test_plot_writes_a_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    path = tmp_path / "curves.png"
    code, out, err = invoke("--epochs", "4", "--plot", str(path))
    assert code == 0, err
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 5000


def test_plot_without_matplotlib(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import fails
    code, _, err = invoke("--epochs", "1", "--plot", str(tmp_path / "p.png"))
    line = assert_one_line_error(code, err)
    assert "pip install matplotlib" in line and "pip install '.[plot]'" in line
    assert not (tmp_path / "p.png").exists()


def test_non_finite_loss_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import funcgrad.train

    def exploding_fit(*args, **kwargs):
        raise funcgrad.train.NonFiniteLossError(
            "non-finite loss (nan) at epoch 3, batch 7", epoch=3, batch=7, step=52
        )

    monkeypatch.setattr(funcgrad.train, "fit", exploding_fit)
    code, _, err = invoke("--epochs", "5")
    line = assert_one_line_error(code, err)
    assert "epoch 3" in line and "--lr" in line


def test_real_non_finite_loss() -> None:
    code, out, err = invoke("--lr", "1e38", "--epochs", "3")
    line = assert_one_line_error(code, err)
    assert "non-finite loss" in line and "epoch 0" in line
    assert out == ""


def test_checkpoint_error_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import funcgrad.train

    def refusing_fit(*args, **kwargs):
        raise funcgrad.train.CheckpointError("checkpoint has w of shape (4, 1)")

    monkeypatch.setattr(funcgrad.train, "fit", refusing_fit)
    code, _, err = invoke("--epochs", "5")
    assert "shape (4, 1)" in assert_one_line_error(code, err)


# --- bad arguments and bad data: exit 2, one line, no traceback --------------------


BAD_ARGUMENTS = {
    "zero epochs": (["--epochs", "0"], "--epochs"),
    "negative epochs": (["--epochs", "-3"], "--epochs"),
    "text epochs": (["--epochs", "many"], "--epochs"),
    "zero batch": (["--batch-size", "0"], "--batch-size"),
    "float batch": (["--batch-size", "2.5"], "--batch-size"),
    "nan lr": (["--lr", "nan"], "--lr"),
    "negative lr": (["--lr", "-0.1"], "--lr"),
    "zero lr": (["--lr", "0"], "--lr"),
    "inf lr": (["--lr", "inf"], "--lr"),
    "unknown optimizer": (["--optimizer", "rmsprop"], "--optimizer"),
    "unknown flag": (["--epochz", "3"], "unrecognized arguments"),
    "stray positional": (["extra"], "unrecognized arguments"),
    "missing value": (["--epochs"], "expected one argument"),
    "target without data": (["--target", "benign"], "--target needs --data"),
    "negative seed": (["--seed", "-1"], "--seed"),
    "huge seed": (["--seed", str(2**40)], "--seed"),
    "zero devices": (["--devices", "0"], "--devices"),
    "too many devices": (["--devices", "4096"], "--devices 4096"),
    "nul in a path": (["--data", "a\x00b.csv"], "NUL character"),
    "plot suffix": (["--plot", "curves.txt"], ".png"),
    "plot directory": (["--plot", "/no/such/dir/p.png"], "does not exist"),
    "coordinator alone": (["--coordinator", "127.0.0.1:1234"], "go together"),
    "bad coordinator": (
        ["--coordinator", "nohost", "--num-processes", "2", "--process-id", "0"],
        "HOST:PORT",
    ),
    "process id too big": (
        ["--coordinator", "127.0.0.1:1", "--num-processes", "2", "--process-id", "2"],
        "--process-id",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_ARGUMENTS))
def test_bad_argument(case: str) -> None:
    argv, expected = BAD_ARGUMENTS[case]
    code, out, err = invoke(*argv)
    line = assert_one_line_error(code, err)
    assert expected in line
    assert out == ""


def test_unreadable_data_paths(tmp_path: Path) -> None:
    code, _, err = invoke("--data", str(tmp_path / "missing.csv"))
    line = assert_one_line_error(code, err)
    assert "missing.csv" in line and "No such file" in line
    code, _, err = invoke("--data", str(tmp_path))  # a directory
    assert str(tmp_path) in assert_one_line_error(code, err)


def test_checkpoint_path_is_a_file(tmp_path: Path) -> None:
    path = tmp_path / "ckpt"
    path.write_text("not a directory")
    code, _, err = invoke("--checkpoint", str(path), "--epochs", "1")
    assert "not a directory" in assert_one_line_error(code, err)


BAD_DATA = {
    "empty": (b"", "empty"),
    "header only": (b"a,b,label\n", "no data rows"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    "latin-1": ("a,label\ncaf\xe9,1\n".encode("latin-1"), "line 2, column 4"),
    "missing cell": (b"a,b,label\n1,2,0\n3,,1\n", "line 3, column 2 ('b')"),
    "non-numeric": (b"a,b,label\n1,2,0\n3,x,1\n", "line 3, column 2 ('b')"),
    "ragged": (b"a,b,label\n1,2,0\n3,1\n", "line 3"),
    "nan cell": (b"a,b,label\n1,nan,0\n", "line 2, column 2 ('b'): NaN"),
    "label outside": (b"a,b,label\n1,2,0\n3,4,2\n", "outside [0, 1]"),
    "duplicate names": (b"a,a,label\n1,2,0\n", "duplicate column name"),
    "unknown target": (b"a,b,y\n1,2,0\n", "available columns: a, b, y"),
}


@pytest.mark.parametrize("case", sorted(BAD_DATA))
def test_bad_data(tmp_path: Path, case: str) -> None:
    content, expected = BAD_DATA[case]
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    code, out, err = invoke("--data", str(path), "--target", "label")
    line = assert_one_line_error(code, err)
    assert str(path) in line and expected in line
    assert out == ""


def test_bad_argument_in_a_fresh_process() -> None:
    """The whole program, imports included: one line and nothing else."""
    code, out, err = finish(cli_subprocess("--lr", "nan"))
    assert_one_line_error(code, err)
    assert out == ""


# --- fuzzing the argument parser ------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    base = tmp_path_factory.mktemp("fuzz")
    bad = base / "bad.csv"
    bad.write_bytes(b"a,label\n1,\n")
    return {
        "good": str(write_csv(base / "good.csv", n=24)),
        "bad": str(bad),
        "missing": str(base / "missing.csv"),
    }


_VALUES = st.sampled_from(
    ["0", "1", "2", "-1", "0.5", "nan", "inf", "1e9", "x", "", "label", "adam",
     "sgd", "127.0.0.1:1", "h:99999", "/no/such/dir/a.png", "--", "-", "=", "\x00",
     "é"]
)  # fmt: skip
_FLAGS = st.sampled_from(
    ["--epochs", "--batch-size", "--lr", "--optimizer", "--seed", "--devices",
     "--json", "--target", "--data", "--plot", "--coordinator", "--num-processes",
     "--process-id", "--bogus", "-x"]
)  # fmt: skip


@settings(max_examples=25)
@given(tokens=st.lists(st.one_of(_FLAGS, _VALUES), max_size=6), data_pick=st.data())
def test_fuzz_arguments(fuzz_files: dict[str, str], tokens: list[str], data_pick):
    # A data file of each kind, sometimes; the epoch count stays tiny.
    which = data_pick.draw(st.sampled_from([None, "good", "bad", "missing"]))
    argv = ["--epochs", "1"]
    if which is not None:
        argv += ["--data", fuzz_files[which]]
    argv += [t for t in tokens if t not in ("--epochs", "--batch-size")]
    if "--coordinator" in argv and "--num-processes" in argv:
        argv = [t for t in argv if t != "127.0.0.1:1"]  # never start a real cluster
    code, out, err = invoke(*argv)
    assert code in (0, 2), (argv, code, err)
    assert "Traceback" not in err
    if code == 2:
        assert_one_line_error(code, err)
    else:
        assert out.strip()


# --- checkpoints -------------------------------------------------------------------


def step_dirs(directory: Path) -> list[int]:
    """Epoch numbers of the complete checkpoints (orbax renames them into place)."""
    if not directory.is_dir():
        return []
    return sorted(int(p.name) for p in directory.iterdir() if p.name.isdigit())


def reference_sha(*argv: str) -> str:
    code, out, err = invoke(*argv, "--json")
    assert code == 0, err
    return last_json(out)["params_sha256"]


RUN = ("--epochs", "4", "--seed", "2")
EVERY_EPOCH = ("--checkpoint-every", "1")


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A checkpoint directory of a complete 4-epoch run (copy it before changing it)."""
    ckpt = tmp_path_factory.mktemp("finished") / "ckpt"
    code, out, err = invoke(*RUN, "--checkpoint", str(ckpt), *EVERY_EPOCH, "--json")
    assert code == 0, err
    assert last_json(out)["resumed_from_epoch"] is None
    assert step_dirs(ckpt) == [2, 3, 4]  # max_to_keep=3
    return ckpt


@pytest.fixture(scope="module")
def finished_sha() -> str:
    """params_sha256 of the same 4-epoch run without checkpoints."""
    return reference_sha(*RUN)


def test_checkpoint_resume_continues_exactly(finished_run: Path, tmp_path: Path):
    ckpt = tmp_path / "ckpt"
    shutil.copytree(finished_run, ckpt)
    argv = ("--epochs", "6", "--seed", "2", "--checkpoint", str(ckpt), *EVERY_EPOCH)
    code, out, err = invoke(*argv, "--json")
    assert code == 0, err
    result = last_json(out)
    assert result["resumed_from_epoch"] == 4
    assert result["epochs_run"] == 2
    assert result["params_sha256"] == reference_sha("--epochs", "6", "--seed", "2")
    assert step_dirs(ckpt) == [4, 5, 6]
    # The bar starts where the run resumed, after compilation.
    assert "4/6" in err and "0/6" not in err
    assert err.index("compiling the training program") < err.index("4/6")


def test_default_cadence_saves_the_last_epoch(tmp_path: Path) -> None:
    ckpt = tmp_path / "ckpt"
    code, out, err = invoke(*RUN, "--checkpoint", str(ckpt), "--json")
    assert code == 0, err
    assert step_dirs(ckpt) == [4]  # 30 s between saves: only the last one
    code, out, err = invoke(
        *RUN, "--checkpoint", str(tmp_path / "two"), "--checkpoint-every", "2"
    )
    assert code == 0, err
    assert step_dirs(tmp_path / "two") == [2, 4]


def test_rerun_of_a_finished_run_is_a_no_op(
    finished_run: Path, finished_sha: str, tmp_path: Path
) -> None:
    ckpt = tmp_path / "ckpt"
    shutil.copytree(finished_run, ckpt)
    code, out, err = invoke(*RUN, "--checkpoint", str(ckpt), "--json")
    assert code == 0, err
    result = last_json(out)
    assert result["resumed_from_epoch"] == 4
    assert result["epochs_run"] == 0
    assert result["params_sha256"] == finished_sha
    assert err == ""  # no compilation, no bar stuck at 0/4
    code, out, err = invoke(*RUN, "--checkpoint", str(ckpt))
    assert code == 0, err
    assert out.startswith(
        f"already finished: {ckpt} holds all 4 epochs of this run; nothing left to "
        "train\n"
    )
    assert "test accuracy:" in out and "training time:" not in out
    assert "wall time:" in out
    assert err == ""


def test_checkpoint_of_another_run_is_refused(tmp_path: Path) -> None:
    ckpt = str(tmp_path / "ckpt")
    assert invoke("--epochs", "2", "--batch-size", "16", "--checkpoint", ckpt)[0] == 0
    code, out, err = invoke("--epochs", "2", "--batch-size", "32", "--checkpoint", ckpt)
    line = assert_one_line_error(code, err)
    assert line == (
        f"funcgrad: error: checkpoint in {ckpt} (epoch 2) was written by a different "
        "run: --batch-size 16 there, --batch-size 32 here; use another checkpoint "
        "directory or the same options"
    )
    # Another optimizer changes its default learning rate too: both are named.
    code, out, err = invoke(
        "--epochs",
        "2",
        "--batch-size",
        "16",
        "--optimizer",
        "adam",
        "--checkpoint",
        ckpt,
    )
    line = assert_one_line_error(code, err)
    assert (
        "--optimizer sgd there, --optimizer adam here; --lr 0.1 there, --lr 0.01 here"
        in line
    )
    code, out, err = invoke(
        "--epochs", "2", "--batch-size", "16", "--lr", "0.05", "--checkpoint", ckpt
    )
    assert "--lr 0.1 there, --lr 0.05 here;" in assert_one_line_error(code, err)
    assert step_dirs(Path(ckpt)) == [2]


def test_a_refusal_names_how_the_data_was_read(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    rows = [
        f"{a:.4f};{b:.4f};{'M' if a > b else 'B'}" for a, b in rng.normal(size=(40, 2))
    ]
    data = tmp_path / "mb.csv"
    data.write_text("x0;x1;diagnosis\n" + "\n".join(rows) + "\n")
    ckpt = str(tmp_path / "ckpt")
    argv = ("--data", str(data), "--target", "diagnosis", "--epochs", "2")
    code, _, err = invoke(*argv, "--positive", "M", "--checkpoint", ckpt)
    assert code == 0, err
    code, _, err = invoke(*argv, "--positive", "B", "--checkpoint", ckpt)
    # The label mapping is announced first; the refusal is the one error line.
    announced, line = err.splitlines()
    assert code == 2 and announced == "labels: M -> 0, B -> 1", err
    assert line.startswith("funcgrad: error: checkpoint in "), line
    assert ": --positive M there, --positive B here; use another" in line


def test_checkpoint_every_needs_checkpoint_and_a_valid_cadence(tmp_path: Path):
    line = assert_one_line_error(*invoke("--checkpoint-every", "5")[::2])
    assert "--checkpoint-every needs --checkpoint DIR" in line
    for bad in ("0", "30x", "-1s", "0s", "s"):
        code, _, err = invoke("--checkpoint", str(tmp_path), "--checkpoint-every", bad)
        assert "--checkpoint-every" in assert_one_line_error(code, err)


def test_two_runs_on_one_directory(tmp_path: Path) -> None:
    """Started together: one trains, the other refuses with one line naming the
    directory and the holder; the directory stays valid."""
    ckpt = tmp_path / "ckpt"
    argv = ("--epochs", "30", "--seed", "4", "--json")
    both = [
        cli_subprocess(*argv, "--checkpoint", str(ckpt), *EVERY_EPOCH) for _ in "ab"
    ]
    try:
        results = [finish(p, timeout=180) for p in both]
    finally:
        for p in both:
            if p.poll() is None:
                p.kill()
                p.communicate()
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 2], [err[-2000:] for _, _, err in results]
    (_, won, _), (_, _, lost) = sorted(results, key=lambda r: r[0])
    winner = next(p for p in both if p.returncode == 0)
    line = assert_one_line_error(2, lost)
    assert re.fullmatch(
        f"funcgrad: error: --checkpoint {re.escape(str(ckpt))}: in use by another run "
        f"\\(pid {winner.pid} on host {re.escape(socket.gethostname())} since "
        r"[0-9-]+ [0-9:]+ UTC\); wait for it to end or use another directory",
        line,
    ), line
    assert step_dirs(ckpt)[-1] == 30
    assert last_json(won)["params_sha256"] == reference_sha(*argv[:-1])
    # Valid: a rerun finds the finished run.
    code, out, err = invoke(*argv, "--checkpoint", str(ckpt))
    assert code == 0, err
    assert last_json(out)["resumed_from_epoch"] == 30
    assert last_json(out)["params_sha256"] == last_json(won)["params_sha256"]


def test_a_stale_lock_is_taken_over(finished_run: Path, finished_sha: str, tmp_path):
    ckpt = tmp_path / "ckpt"
    shutil.copytree(finished_run, ckpt)
    (ckpt / ".funcgrad.lock").write_text("pid 999999999 on host gone since 2000\n")
    code, out, err = invoke(*RUN, "--checkpoint", str(ckpt), "--json")
    assert code == 0, err
    assert last_json(out)["params_sha256"] == finished_sha


def _read_until(proc: subprocess.Popen, pattern: str, seconds: float = 90) -> str:
    """Read proc's stderr until ``pattern`` appears (the bar is written with \\r)."""
    seen, deadline = "", time.monotonic() + seconds
    while not re.search(pattern, seen):
        assert time.monotonic() < deadline, seen[-500:]
        assert proc.poll() is None, seen[-2000:]
        chunk = os.read(proc.stderr.fileno(), 4096).decode()
        seen += chunk
    return seen


def test_sigint_saves_and_exits_cleanly(tmp_path: Path) -> None:
    """Ctrl-C: the epoch in progress ends, is saved, one line says so; rerunning
    resumes there and ends bit-identical to an uninterrupted run."""
    ckpt = tmp_path / "ckpt"
    argv = ("--epochs", "100000", "--seed", "6", "--checkpoint", str(ckpt))
    proc = cli_subprocess(*argv)
    try:
        _read_until(proc, r"\b[1-9]\d*/100000")  # training, no checkpoint yet
        assert step_dirs(ckpt) == []
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, err[-2000:]
    assert "Traceback" not in err and out == ""
    last = err.rsplit("\n", 2)[-2].rsplit("\r", 1)[-1]
    match = re.fullmatch(
        r"funcgrad: SIGINT: stopped after (\d+) of 100000 epochs; checkpoint of "
        f"epoch (\\d+) saved in {re.escape(str(ckpt))}; run the same command again "
        "to resume",
        last,
    )
    assert match and match[1] == match[2], last
    saved = int(match[1])
    assert step_dirs(ckpt) == [saved]
    more = ("--epochs", str(saved + 2), "--seed", "6")
    code, out, err = invoke(*more, "--checkpoint", str(ckpt), "--json")
    assert code == 0, err
    assert last_json(out)["resumed_from_epoch"] == saved
    assert last_json(out)["params_sha256"] == reference_sha(*more)


def test_sigkill_mid_run_then_resume(tmp_path: Path) -> None:
    """kill -9 while training with --checkpoint; the resumed run ends bit-identical."""
    ckpt = tmp_path / "ckpt"
    argv = ("--epochs", "25", "--seed", "5", "--json", *EVERY_EPOCH)
    expected = reference_sha(*argv[:4])
    proc = cli_subprocess(*argv, "--checkpoint", str(ckpt))
    try:
        deadline = time.monotonic() + 90
        while len(step_dirs(ckpt)) < 2 and proc.poll() is None:
            assert time.monotonic() < deadline, "no checkpoint appeared in 90 s"
            time.sleep(0.02)
        assert proc.poll() is None, "the run finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    done = step_dirs(ckpt)
    assert done and done[-1] < 25
    # The killed run's lock file is left behind, naming it; the rerun takes over.
    assert f"pid {proc.pid} " in (ckpt / ".funcgrad.lock").read_text()
    code, out, err = finish(cli_subprocess(*argv, "--checkpoint", str(ckpt)))
    assert code == 0, err
    result = last_json(out)
    assert result["resumed_from_epoch"] is not None
    assert done[-1] <= result["resumed_from_epoch"] < 25
    assert result["params_sha256"] == expected


def _truncate_state(step: Path) -> None:
    for path in (step / "state").rglob("*"):
        if path.is_file() and path.name != "commit_success.txt":
            path.write_bytes(b"")


def _scribble_arrays(step: Path) -> None:
    for path in (step / "state" / "d").rglob("*"):
        if path.is_file():
            data = bytearray(path.read_bytes())
            for i in range(0, len(data), 7):
                data[i] ^= 0xFF
            path.write_bytes(bytes(data))


def _garble_record(step: Path) -> None:
    for path in (step / "meta").rglob("metadata"):
        path.write_text('{"format": "funcgrad.fit/1", "epoch": ')


# orbax's async reader may leave its event loop to be closed at garbage collection
# after a failed read of the damaged files; that is orbax's clean-up, not ours.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize(
    "damage",
    [_truncate_state, _scribble_arrays, _garble_record],
    ids=lambda f: f.__name__,
)
def test_damaged_newest_checkpoint(
    finished_run: Path, finished_sha: str, tmp_path: Path, damage
) -> None:
    """Either resume from the previous good checkpoint (same result) or exit 2."""
    ckpt = tmp_path / "ckpt"
    shutil.copytree(finished_run, ckpt)
    damage(ckpt / "4")
    code, out, err = invoke(*RUN, "--checkpoint", str(ckpt), "--json")
    if code == 2:
        assert_one_line_error(code, err)
        return
    assert code == 0, err
    result = last_json(out)
    assert result["resumed_from_epoch"] == 3
    assert result["params_sha256"] == finished_sha


# --- several processes --------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_processes_train_like_one(tmp_path: Path) -> None:
    """`--coordinator/--num-processes/--process-id`: two processes with two CPU
    devices each end where one process ends, and agree with each other bitwise."""
    data = write_csv(tmp_path / "d.csv", n=90)
    argv = ("--data", str(data), "--target", "label", "--epochs", "4", "--json")
    code, out, err = finish(cli_subprocess(*argv))
    assert code == 0, err
    single = last_json(out)
    address = f"127.0.0.1:{_free_port()}"
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=2")
    procs = [
        cli_subprocess(
            *argv,
            "--coordinator",
            address,
            "--num-processes",
            "2",
            "--process-id",
            str(pid),
            env=env,
        )
        for pid in range(2)
    ]
    try:
        results = [finish(p, timeout=180) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    for code, _, err in results:
        assert code == 0, err[-3000:]
    runs = [last_json(out) for _, out, _ in results]
    assert [r["processes"] for r in runs] == [2, 2]
    assert runs[0]["params_sha256"] == runs[1]["params_sha256"]
    assert runs[0]["test_accuracy"] == single["test_accuracy"]
    assert abs(runs[0]["final_loss"] - single["final_loss"]) <= 1e-5 * max(
        1.0, abs(single["final_loss"])
    )
