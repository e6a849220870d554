"""`funcgrad train --data` on files that stream: .npy, Parquet, big CSV; progress in
rows; one-line errors; two processes over loopback end as one process ends."""

from __future__ import annotations

import contextlib
import io
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from funcgrad.cli import main
from funcgrad.commands import _train_stream

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

ROOT = Path(__file__).resolve().parents[2]


def invoke(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["train", *argv])
    return code, out.getvalue(), err.getvalue()


def table(n: int = 3000, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 4)).astype(np.float32)
    y = (X[:, 0] - X[:, 2] > 0).astype(np.float32)
    return X, y


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli-stream")
    X, y = table()
    cols = {f"x{i}": X[:, i] for i in range(4)}
    cols["label"] = y
    pq.write_table(pa.table(cols), tmp / "d.parquet", row_group_size=500)
    np.save(tmp / "d.npy", np.concatenate([X, y[:, None]], axis=1))
    return tmp


def test_parquet_and_npy_train(files):
    argv = ("--epochs", "3", "--batch-size", "64", "--json")
    code, out, err = invoke(
        "--data", str(files / "d.parquet"), "--target", "label", *argv
    )
    assert code == 0, err
    parquet = json.loads(out.strip().splitlines()[-1])
    code, out, err = invoke("--data", str(files / "d.npy"), *argv)
    assert code == 0, err
    npy = json.loads(out.strip().splitlines()[-1])
    assert parquet["streamed"] and parquet["n_train"] == 3000
    assert parquet["n_features"] == npy["n_features"] == 4
    # (Their orders differ: a Parquet file shuffles by row groups.)
    assert parquet["train_accuracy"] > 0.95 and npy["train_accuracy"] > 0.95
    # The progress bar counts rows: 3 epochs of 3000.
    assert "9.00k/9.00k" in err and "row/s" in err


def test_streamed_errors_are_one_line(files, tmp_path):
    code, _, err = invoke("--data", str(files / "d.parquet"), "--target", "nope")
    assert code == 2 and err.count("\n") == 1
    assert "no column named 'nope'" in err
    code, _, err = invoke("--data", str(files / "d.npy"), "--target", "label")
    assert code == 2 and "give the label column's index" in err
    code, _, err = invoke("--data", str(tmp_path / "missing.parquet"))
    assert code == 2 and "cannot read it" in err


def test_which_files_stream(tmp_path):
    small = tmp_path / "small.csv"
    small.write_text("a,label\n1,0\n")
    assert not _train_stream.streams(str(small))
    assert _train_stream.streams(str(tmp_path))  # a directory of Parquet files
    assert _train_stream.streams("x.npy") and _train_stream.streams("x.parquet")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _train(argv, devices: int) -> subprocess.Popen:
    env = dict(
        os.environ,
        JAX_PLATFORMS="cpu",
        XLA_FLAGS=f"--xla_force_host_platform_device_count={devices}",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "funcgrad", "train", *argv],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_processes_on_one_parquet_file_train_like_one(files):
    argv = ["--data", str(files / "d.parquet"), "--target", "label"]
    argv += ["--epochs", "2", "--batch-size", "100", "--json"]
    one = _train([*argv, "--devices", "4"], devices=4)
    address = f"127.0.0.1:{_free_port()}"
    dist = ["--coordinator", address, "--num-processes", "2", "--process-id"]
    two = [_train([*argv, *dist, str(pid)], devices=2) for pid in range(2)]
    results = []
    try:
        for p in [one, *two]:
            out, err = p.communicate(timeout=240)
            assert p.returncode == 0, err[-3000:]
            results.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for p in [one, *two]:
            if p.poll() is None:
                p.kill()
                p.wait()
    assert [r["processes"] for r in results] == [1, 2, 2]
    assert [r["n_train"] for r in results] == [3000, 1500, 1500]  # rows each read
    shas = {r["params_sha256"] for r in results}
    assert len(shas) == 1, results
