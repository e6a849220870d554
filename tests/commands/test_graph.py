"""`funcgrad graph`: files by extension, scripts, and one-line errors."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys

import pytest

from funcgrad.cli import main
from funcgrad.commands.graph import seed_graph

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="no Graphviz dot")

SEED_NODES = (
    "BinaryCrossEntropyWithLogitsBackward0",
    "AddBackward0",
    "SqueezeBackward4",
    "MmBackward0",
    "AccumulateGrad",
)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["graph", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str) -> str:
    assert err.count("\n") == 1 and err.startswith("funcgrad: error: "), err
    return err


def test_dot_file_has_the_seed_graph(tmp_path, capsys):
    out = tmp_path / "g.dot"
    code, stdout, err = run(capsys, "--out", str(out))
    assert code == 0 and err == ""
    assert stdout == f"wrote {out} (9 nodes)\n"
    text = out.read_text()
    for name in SEED_NODES:
        assert name in text
    assert 'label="w\\n(5, 3)"' in text and 'label="b\\n(3)"' in text
    assert 'label="loss\\n()"' in text


@needs_dot
def test_svg_and_png(tmp_path, capsys):
    code, _, _ = run(capsys, "--out", str(tmp_path / "g.svg"), "--show-attrs")
    assert code == 0
    svg = (tmp_path / "g.svg").read_text()
    for name in SEED_NODES + ("reduction: mean",):
        assert name in svg
    code, _, _ = run(capsys, "--out", str(tmp_path / "g.png"))
    png = (tmp_path / "g.png").read_bytes()
    assert code == 0 and png.startswith(b"\x89PNG\r\n\x1a\n")
    # 192 dpi: twice the size of Graphviz's 96-dpi default picture, both ways.
    plain = seed_graph().pipe("png")
    width, height = struct.unpack(">II", png[16:24])
    width_96, height_96 = struct.unpack(">II", plain[16:24])
    assert abs(width - 2 * width_96) <= 2 and abs(height - 2 * height_96) <= 2
    assert width >= 600  # the seed graph was 324 x 357 px at 96 dpi


def test_without_dot_only_dot_files_work(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH with no dot on it
    for suffix in (".svg", ".png"):
        code, _, err = run(capsys, "--out", str(tmp_path / f"g{suffix}"))
        assert code == 2
        assert "apt-get install graphviz" in one_line_error(err)
        assert not (tmp_path / f"g{suffix}").exists()
    code, _, err = run(capsys, "--out", str(tmp_path / "g.dot"))
    assert code == 0 and err == ""


def test_functional_draws_the_jaxpr(tmp_path, capsys):
    out = tmp_path / "f.dot"
    code, _, err = run(capsys, "--functional", "--out", str(out))
    assert code == 0, err
    text = out.read_text()
    assert "dot_general" in text and "jax.grad(funcgrad.loss)" in text
    assert "params.w" in text and "out.b" in text


def test_script_and_tensor(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "model.py").write_text(
        "import funcgrad.torch as torch\n"
        "x = torch.tensor([1.0, 2.0], requires_grad=True)\n"
        "scale = torch.ones(2, requires_grad=True)\n"
        "h = torch.tanh(x * scale).sum()\n"
    )
    code, _, err = run(
        capsys, "--script", "model.py", "--tensor", "h", "--out", "h.dot"
    )
    assert code == 0, err
    text = (tmp_path / "h.dot").read_text()
    for name in ("SumBackward0", "TanhBackward0", "MulBackward0"):
        assert name in text
    assert 'label="x\\n(2)"' in text and 'label="scale\\n(2)"' in text
    assert 'label="h\\n()"' in text


def test_script_gets_torch_predefined(tmp_path, capsys):
    script = tmp_path / "bare.py"
    script.write_text("a = torch.ones(3, requires_grad=True)\nc = (a * a).mean()\n")
    out = tmp_path / "c.dot"
    code, _, err = run(
        capsys, "--script", str(script), "--tensor", "c", "--out", str(out)
    )
    assert code == 0, err
    assert "MeanBackward0" in out.read_text()


@pytest.mark.parametrize(
    ("source", "tensor", "message"),
    [
        (
            "import funcgrad.torch as torch\nh = torch.ones(2)\n",
            "nope",
            "defines no variable 'nope' (its tensors: h)",
        ),
        ("h = 3\n", "h", "'h' is a builtins.int, not a funcgrad.torch tensor"),
        (
            "x = 1\ny = x / 0\n",
            "y",
            "failed (line 2): ZeroDivisionError: division by zero",
        ),
        ("x = (\n", "x", "failed (line 1): SyntaxError: '(' was never closed"),
        ("import sys\nsys.exit(3)\n", "x", "exited with status 3"),
    ],
)
def test_bad_scripts_are_one_line(tmp_path, capsys, source, tensor, message):
    script = tmp_path / "s.py"
    script.write_text(source)
    code, _, err = run(
        capsys,
        "--script",
        str(script),
        "--tensor",
        tensor,
        "--out",
        str(tmp_path / "o.dot"),
    )
    assert code == 2
    assert message in one_line_error(err)
    assert not (tmp_path / "o.dot").exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--out", "g.txt"], "unknown format .txt"),
        (["--out", "g"], "unknown format (no extension)"),
        (["--out", "g.dot", "--tensor", "h"], "--tensor needs --script"),
        (["--out", "g.dot", "--script", "s.py"], "--script needs --tensor"),
        (["--out", "g.dot", "--script", "missing.py", "--tensor", "h"], "no such file"),
        (
            ["--out", "g.dot", "--functional", "--script", "s.py", "--tensor", "h"],
            "takes no --script",
        ),
        ([], "the following arguments are required: --out"),
    ],
)
def test_usage_errors(tmp_path, capsys, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, *argv)
    assert code == 2 and message in one_line_error(err)


def test_unwritable_output(tmp_path, capsys):
    code, _, err = run(capsys, "--out", str(tmp_path / "no" / "such" / "g.dot"))
    assert code == 2 and "cannot write" in one_line_error(err)


def test_console_entry_point(tmp_path):
    env = dict(os.environ, PATH=os.path.dirname(sys.executable))
    proc = subprocess.run(
        [sys.executable, "-m", "funcgrad", "graph", "--out", str(tmp_path / "g.svg")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    if shutil.which("dot", path=env["PATH"]) is None:
        assert proc.returncode == 2
        assert (
            proc.stderr.count("\n") == 1 and "apt-get install graphviz" in proc.stderr
        )
    else:  # pragma: no cover - dot next to the interpreter
        assert proc.returncode == 0
