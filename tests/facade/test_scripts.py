"""Scripts in the manner of PyTorch's tutorials (``tests/_scripts/torch_*.py``,
written against ``import torch``) run unchanged under ``python -m funcgrad.torch``
and print what real PyTorch prints: the same text, numbers within float
tolerance (float32 training rounds differently step by step)."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = sorted((Path(__file__).parents[1] / "_scripts").glob("torch_*.py"))
NUMBER = re.compile(r"-?\d+\.\d+(?:e[+-]?\d+)?|-?\d+e[+-]?\d+|-?\d+")
ADDRESS = re.compile(r"0x[0-9a-f]+")


def _run(args: list[str]) -> str:
    env = dict(os.environ, PYTHONHASHSEED="0")
    out = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=300,
        env=env,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    return ADDRESS.sub("0x...", out.stdout)


def _same(ours: str, theirs: str, rtol: float = 2e-3, atol: float = 1e-4) -> None:
    a_lines, b_lines = ours.splitlines(), theirs.splitlines()
    assert len(a_lines) == len(b_lines), (ours, theirs)
    for a, b in zip(a_lines, b_lines, strict=True):
        assert NUMBER.sub("#", a) == NUMBER.sub("#", b), (a, b)
        for x, y in zip(NUMBER.findall(a), NUMBER.findall(b), strict=True):
            fx, fy = float(x), float(y)
            assert abs(fx - fy) <= atol + rtol * abs(fy), (a, b)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_script_prints_what_torch_prints(script: Path) -> None:
    ours = _run(["-m", "funcgrad.torch", str(script)])
    assert ours.strip(), "the script printed nothing"
    if importlib.util.find_spec("torch") is None:
        pytest.skip("real torch is not installed: the facade run alone passed")
    _same(ours, _run([str(script)]))
