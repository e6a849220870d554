"""The ``funcgrad`` command itself: ``--version``, one-line errors with the prefix
once, and ``--devices N`` on the CPU without ``XLA_FLAGS``."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import jax
import pytest

from funcgrad.cli import COMMANDS, _host_devices, build_parser, main

ROOT = Path(__file__).resolve().parents[1]
PREFIX = "funcgrad: error: "


def invoke(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as e:  # --help, --version
            code = int(e.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_version_is_the_projects() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    code, out, err = invoke("--version")
    assert (code, err) == (0, "")
    assert (
        out == f"funcgrad {pyproject['project']['version']} (jax {jax.__version__})\n"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "the following arguments are required: {" + ",".join(COMMANDS) + "}"),
        (["trian"], "invalid choice: 'trian'"),
        (["train", "--epochs", "x"], "argument --epochs: expected an integer >= 1"),
        (["train", "--optimizer", "sgdd"], "argument --optimizer: invalid choice"),
        (["demo", "--seed", "x"], "argument --seed: invalid int value: 'x'"),
        (["graph"], "the following arguments are required: --out"),
        (["bench", "--nope"], "unrecognized arguments: --nope"),
    ],
)
def test_argument_errors_carry_the_prefix_once(argv, message) -> None:
    code, out, err = invoke(*argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(PREFIX), err
    line = err[len(PREFIX) :]
    assert message in line
    assert "error:" not in line and not line.startswith("funcgrad")
    command = " ".join(["funcgrad", *argv[:1]]) if argv[:1] != ["trian"] else "funcgrad"
    assert line.endswith(f"(see {command} --help)\n")  # the help that helps


def test_devices_in_a_started_process_are_checked(monkeypatch) -> None:
    # The suite started JAX at collection: more devices than it has is one line.
    monkeypatch.delenv("XLA_FLAGS", raising=False)
    have = jax.device_count()
    _host_devices(have + 1)  # too late to change anything: no exception
    assert jax.device_count() == have
    code, out, err = invoke("train", "--devices", str(have + 1), "--epochs", "1")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert f"--devices {have + 1}: only {have} JAX device(s)" in err


def test_readme_devices_example_runs_on_the_cpu(tmp_path) -> None:
    # `funcgrad train --devices 4`, as the README writes it, in a fresh process
    # with no XLA_FLAGS: the command makes the host devices itself.
    env = {k: v for k, v in os.environ.items() if k != "XLA_FLAGS"}
    env["JAX_PLATFORMS"] = "cpu"
    proc = subprocess.run(
        [sys.executable, "-m", "funcgrad", "train", "--devices", "4"]
        + ["--epochs", "2", "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["devices"] == 4 and result["test_accuracy"] > 0.9


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ("_host_devices(2)", 3),  # XLA_FLAGS asks for 3: enough, kept
        ("_host_devices(6, 2)", 3),  # 6 devices over 2 processes: 3 each
        ("_host_devices(8, 2)", 4),  # 4 each: more than XLA_FLAGS' 3
    ],
)
def test_host_devices_per_process(call: str, expected: int) -> None:
    env = dict(
        os.environ,
        XLA_FLAGS="--xla_force_host_platform_device_count=3",
        JAX_PLATFORMS="cpu",
    )
    code = f"import jax; from funcgrad.cli import _host_devices; {call}; "
    code += "print(jax.local_device_count())"
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    assert proc.stdout.split() == [str(expected)]


def test_readme_command_lines_parse() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = re.findall(r"^funcgrad (.*?)(?:\s+#.*)?$", text, re.M)
    assert len(lines) >= 8, lines
    for line in lines:
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                args = build_parser().parse_args(line.split())
        except SystemExit as e:  # --version
            assert e.code == 0 and out.getvalue().startswith("funcgrad "), line
        else:
            assert callable(args.run), line


def test_a_reader_that_stops_early_is_no_error() -> None:
    # `funcgrad demo | head -0`: the reader has gone before the first line; no
    # "Broken pipe" error line, the exit status of a process ended by SIGPIPE.
    with subprocess.Popen(
        [sys.executable, "-m", "funcgrad", "demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        proc.stdout.close()
        err = proc.stderr.read()
        assert proc.wait(timeout=120) == 141
    assert err == ""
