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
    assert commands[1].strip() in ci.splitlines()
