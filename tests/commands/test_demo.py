"""`funcgrad demo`: runs, shows every tutorial cell and an "agrees" line under
each cell that computes something."""

from __future__ import annotations

import ast
import contextlib
import io
import re
import subprocess
import sys
import time

import pytest

from funcgrad.cli import main
from funcgrad.commands.demo import (
    _AGREE,
    ADDRESS,
    NOTES_EN,
    TUTORIAL,
    is_magic,
    localize,
)

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")


def _invoke(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = main(["demo", *argv])
    return rc, out.getvalue()


@pytest.fixture(scope="module")
def demo_output() -> tuple[int, str]:
    return _invoke()


def test_exit_status_zero(demo_output) -> None:
    assert demo_output[0] == 0


@pytest.fixture(scope="module")
def demo_output_ja() -> tuple[int, str]:
    return _invoke("--lang", "ja")


def test_every_cell_is_shown_with_its_code(demo_output) -> None:
    out = demo_output[1]
    for cell in TUTORIAL:
        assert f"=== In [{cell.number}] " in out
        for line in localize(cell.code, "en").splitlines():
            assert line.strip() in out


def test_english_by_default(demo_output) -> None:
    out = demo_output[1]
    assert JAPANESE.search(out) is None, JAPANESE.search(out)
    for english in NOTES_EN.values():
        assert english in out


def test_lang_ja_shows_the_notebooks_own_notes(demo_output, demo_output_ja) -> None:
    code, out = demo_output_ja
    assert code == 0
    for cell in TUTORIAL:  # every line verbatim, as in the notebook
        for line in cell.code.splitlines():
            assert line.strip() in out
    assert "チュートリアル" in out.splitlines()[0]
    for english in NOTES_EN.values():
        assert english not in out

    # Same computation and output: only the notes and the title differ.
    def body(text: str) -> list[str]:
        return ADDRESS.sub("0x...", text).splitlines()[2:]

    assert body(localize(out, "en")) == body(demo_output[1])


@pytest.mark.parametrize("cell", TUTORIAL, ids=lambda c: f"In[{c.number}]")
def test_notes_change_only_comments(cell) -> None:
    english = localize(cell.code, "en")
    assert JAPANESE.search(english) is None
    if not is_magic(cell.code):
        assert ast.dump(ast.parse(english)) == ast.dump(ast.parse(cell.code))
    assert localize(cell.code, "ja") == cell.code


def test_every_note_is_in_the_tutorial() -> None:
    code = "\n".join(cell.code for cell in TUTORIAL)
    assert [note for note in NOTES_EN if note not in code] == []


def test_unknown_language_is_a_one_line_usage_error() -> None:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        rc = main(["demo", "--lang", "fr"])
    assert rc == 2
    assert "argument --lang: invalid choice: 'fr'" in err.getvalue()
    assert len(err.getvalue().strip().splitlines()) == 1


def test_every_computing_cell_agrees(demo_output) -> None:
    out = demo_output[1]
    agrees = re.findall(r"^agrees: max \|diff\| = (\S+)", out, re.MULTILINE)
    computing = [c for c in TUTORIAL if not is_magic(c.code)]
    assert len(agrees) == len(computing) == len(_AGREE)
    assert all(float(d) <= 1e-6 for d in agrees)
    assert "DISAGREES" not in out
    assert out.count("--- pure JAX (functional core) ---") == len(computing)


def test_shows_the_tutorial_output_torch_prints(demo_output) -> None:
    out = demo_output[1]
    assert "<AddBackward0 object at 0x" in out
    assert "<BinaryCrossEntropyWithLogitsBackward0 object at 0x" in out
    assert "tensor([0.2661, 0.1179, 0.0027])" in out  # torch's b.grad for seed 0
    assert "jax.grad(fg.loss)" in out and "jax.lax.stop_gradient" in out


def test_seed_option_changes_the_numbers() -> None:
    rc, out = _invoke("--seed", "1")
    assert rc == 0
    assert "tensor([0.2661, 0.1179, 0.0027])" not in out
    assert out.count("agrees: max |diff|") == len(_AGREE)


def test_bad_seed_is_a_one_line_usage_error() -> None:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        rc = main(["demo", "--seed", "x"])
    assert rc == 2
    assert len(err.getvalue().strip().splitlines()) == 1


def test_runs_as_a_command_in_a_few_seconds() -> None:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "funcgrad", "demo"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    elapsed = time.perf_counter() - start
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("agrees:") == len(_AGREE)
    assert elapsed < 30  # a couple of seconds on an idle machine; slack for CI load
