"""The tree is ruff-clean: lint and format (88 columns), as pyproject configures."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def _ruff() -> list[str]:
    exe = shutil.which("ruff")
    if exe is None:
        try:
            import ruff  # noqa: F401
        except ImportError:
            pytest.skip("ruff is not installed (pip install '.[test]')")
        return [sys.executable, "-m", "ruff"]
    return [exe]


@pytest.mark.parametrize("args", [["check"], ["format", "--check"]], ids=" ".join)
def test_ruff(args: list[str]) -> None:
    out = subprocess.run(
        [*_ruff(), *args, "."], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stdout + out.stderr
