"""The docs run: every ```python block of both tutorials, in order, in one namespace
per page; a ```text block right after a python block is the output it must print.
The API reference builds with ``mkdocs build --strict``, offline."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
TUTORIALS = ["tutorial.md", "tutorial.ja.md"]

_FENCE = re.compile(r"^```([\w.-]*)[^\n]*\n(.*?)^```[ \t]*$", re.S | re.M)
_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")


def blocks(text: str) -> list[tuple[str, str, str | None]]:
    """``(code, where, expected output or None)`` for each python block."""
    found = list(_FENCE.finditer(text))
    out = []
    for i, m in enumerate(found):
        if m.group(1) != "python":
            continue
        expected = None
        if i + 1 < len(found):
            nxt = found[i + 1]
            if nxt.group(1) == "text" and not text[m.end() : nxt.start()].strip():
                expected = nxt.group(2)
        line = text.count("\n", 0, m.start()) + 1
        out.append((m.group(2), f"line {line}", expected))
    return out


def normalise(text: str) -> str:
    lines = [_ADDRESS.sub("0x...", line.rstrip()) for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def test_blocks_are_found():
    parsed = blocks("```python\nprint(1)\n```\n\n```text\n1\n```\n```python\nx\n```\n")
    assert parsed == [("print(1)\n", "line 1", "1\n"), ("x\n", "line 8", None)]


@pytest.mark.parametrize("page", TUTORIALS)
def test_tutorial_runs_and_prints_what_it_shows(page, tmp_path, monkeypatch):
    text = (DOCS / page).read_text(encoding="utf-8")
    found = blocks(text)
    assert len(found) >= 10 and sum(e is not None for _, _, e in found) >= 8
    monkeypatch.chdir(tmp_path)  # the pages write sample.txt and seed_graph.dot
    namespace: dict = {"__name__": "__main__"}
    with warnings.catch_warnings(), np.printoptions():
        # the anomaly section's warnings are part of what the page demonstrates
        warnings.filterwarnings("ignore", "Anomaly Detection has been enabled")
        warnings.filterwarnings("ignore", "Error detected in")
        for code, where, expected in found:
            buffer = io.StringIO()
            with contextlib.redirect_stdout(buffer):
                exec(compile(code, f"{page} {where}", "exec"), namespace)
            if expected is not None:
                assert normalise(buffer.getvalue()) == normalise(expected), (
                    f"{page} {where}"
                )
    assert (tmp_path / "seed_graph.dot").read_text().count("Backward") == 4


def test_both_tutorials_have_the_same_code():
    """The Japanese page mirrors the English one: same code, comments aside."""

    def code(page: str) -> list[str]:
        text = (DOCS / page).read_text(encoding="utf-8")
        return [re.sub(r"\s*#.*", "", c).strip() for c, _, _ in blocks(text)]

    assert code("tutorial.ja.md") == code("tutorial.md")


@pytest.mark.parametrize("name", ["seed_graph.svg", "grad_loss_jaxpr.svg"])
def test_pictures_are_committed_and_current(name):
    svg = (DOCS / "img" / name).read_text(encoding="utf-8")
    assert svg.lstrip().startswith(("<?xml", "<svg")) and "</svg>" in svg
    if name == "seed_graph.svg":
        for node in ("SqueezeBackward4", "MmBackward0", "AccumulateGrad"):
            assert node in svg
    else:
        assert "dot_general" in svg and "out.w" in svg


def test_mkdocs_build_strict(tmp_path):
    if importlib.util.find_spec("mkdocs") is None:
        pytest.skip("mkdocs is not installed (pip install 'funcgrad[docs]')")
    if importlib.util.find_spec("mkdocstrings_handlers.python") is None:
        pytest.skip("mkdocstrings[python] is not installed")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--site-dir",
            str(tmp_path / "site"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    site = tmp_path / "site"
    for page in ("index.html", "tutorial/index.html", "api/index.html"):
        assert (site / page).is_file(), page
    api = (site / "api" / "index.html").read_text(encoding="utf-8")
    for symbol in ("make_dot", "detect_anomaly", "binary_cross_entropy_with_logits"):
        assert symbol in api
    assert (site / "img" / "seed_graph.svg").is_file()
