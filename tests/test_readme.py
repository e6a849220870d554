"""The README's Python examples run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_readme_has_python_examples() -> None:
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_block_runs(index: int) -> None:
    namespace: dict = {}
    for block in BLOCKS[: index + 1]:  # later blocks build on earlier ones
        exec(compile(block, f"README.md block {index}", "exec"), namespace)


def test_ci_runs_the_readme_test_command() -> None:
    text = README.read_text(encoding="utf-8")
    commands = re.findall(r"^(python -m pip install .*?)\s+#", text, re.M)
    assert len(commands) == 2, commands
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    body = re.search(r"^readme_tests\(\) \{\n(.*?)\n\}$", ci, re.M | re.S)
    assert body and body.group(1).strip() == commands[1].strip()


def test_ci_runs_it_without_then_with_the_oracle() -> None:
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    steps = [
        line.strip()
        for line in ci.splitlines()
        if line.strip() == "readme_tests" or "'.[test,oracle]'" in line
    ]
    assert steps[-3:] == [
        "readme_tests",
        "python -m pip install --quiet '.[test,oracle]'",
        "readme_tests",
    ]
    assert "torch==" not in ci  # the pin lives in the oracle extra alone


def test_oracle_extra_is_the_documented_torch() -> None:
    pyproject = (README.parent / "pyproject.toml").read_text(encoding="utf-8")
    pin = re.search(r'^oracle = \["torch==([\d.]+)"\]$', pyproject, re.M)
    text = README.read_text(encoding="utf-8")
    assert pin and f"torch {pin.group(1)}" in text
    assert "pip install '.[test,oracle]'" in text
