"""``import torch`` resolved to funcgrad.torch: ``install()``, ``python -m
funcgrad.torch script.py`` and ``funcgrad run``; missing names say so."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import funcgrad.torch as ft
from funcgrad.cli import main

SCRIPT = textwrap.dedent(
    """
    import sys
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    import torch.optim
    from torch.autograd import Function
    from torch import testing
    print(torch.__name__, nn.__name__, F.__name__, torch.optim.__name__)
    print(Function.__module__, testing.__name__, sys.argv[1:])
    x = torch.ones(2, requires_grad=True)
    (x * x).sum().backward()
    print(x.grad)
    """
)


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_python_m_funcgrad_torch_runs_a_script_unchanged(tmp_path: Path) -> None:
    (tmp_path / "script.py").write_text(SCRIPT)
    out = _run(["-m", "funcgrad.torch", "script.py", "--lr", "1"], tmp_path)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == (
        "funcgrad.torch funcgrad.torch.nn funcgrad.torch.nn.functional "
        "funcgrad.torch.optim"
    )
    assert lines[1] == (
        "funcgrad.torch.autograd.function funcgrad.torch.testing ['--lr', '1']"
    )
    assert lines[2] == "tensor([2., 2.])"


def test_missing_submodule_and_script(tmp_path: Path) -> None:
    (tmp_path / "dist.py").write_text("import torch.distributed\n")
    out = _run(["-m", "funcgrad.torch", "dist.py"], tmp_path)
    assert out.returncode == 1
    assert (
        "ModuleNotFoundError: funcgrad.torch does not implement torch.distributed yet"
        in out.stderr
    )
    out = _run(["-m", "funcgrad.torch", "nope.py"], tmp_path)
    assert out.returncode == 2 and out.stderr.count("\n") == 1


def test_funcgrad_run_subcommand(tmp_path: Path, capsys) -> None:
    if "torch" in sys.modules:  # the alias cannot replace an imported real torch
        script = tmp_path / "s.py"
        script.write_text(SCRIPT)
        out = _run(["-m", "funcgrad", "run", str(script), "a"], tmp_path)
        assert out.returncode == 0, out.stderr
        assert out.stdout.splitlines()[1].endswith("['a']")
    assert main(["run", str(tmp_path / "absent.py")]) == 2
    assert "no such script" in capsys.readouterr().err


def test_install_refuses_after_real_torch() -> None:
    pytest.importorskip("torch")
    with pytest.raises(RuntimeError, match="before the real torch is imported"):
        ft.install()


def test_missing_names_say_not_implemented() -> None:
    with pytest.raises(AttributeError) as err:
        ft.no_such_function  # noqa: B018
    assert str(err.value) == (
        "funcgrad.torch does not implement torch.no_such_function yet"
    )
    with pytest.raises(AttributeError, match="torch.nn.NoSuchLayer yet"):
        ft.nn.NoSuchLayer  # noqa: B018
    with pytest.raises(AttributeError, match="torch.autograd.no_such yet"):
        ft.autograd.no_such  # noqa: B018
    assert not hasattr(ft, "__no_such_dunder__")
