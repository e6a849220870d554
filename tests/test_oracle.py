"""The PyTorch oracle: ``import torch`` in this suite is either absent or the real
package, never a test folder that shadows it (a folder without ``__init__.py`` on
``sys.path`` imports as an empty namespace package, and then
``pytest.importorskip("torch")`` neither skips nor finds ``torch.tensor``)."""

from __future__ import annotations

import importlib.util
import re
from importlib.machinery import ModuleSpec, PathFinder
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ORACLES = ("torch",)


def shadowing(spec: ModuleSpec | None) -> str | None:
    """Why ``spec`` is not an installed package, or ``None`` when it is one or
    when nothing was found."""
    if spec is None:
        return None
    if spec.origin in (None, "namespace"):
        return f"a namespace package from {list(spec.submodule_search_locations)}"
    parts = Path(spec.origin).resolve().parts
    if not any(part in ("site-packages", "dist-packages") for part in parts):
        return f"{spec.origin}, not an installed package"
    return None


def test_torch_is_absent_or_the_real_package() -> None:
    spec = importlib.util.find_spec("torch")
    assert shadowing(spec) is None, shadowing(spec)
    if spec is not None:
        import torch

        assert torch.tensor([1.0, 2.0]).sum().item() == 3.0


def test_a_shadowing_folder_is_caught(tmp_path: Path) -> None:
    # The layout that once broke the suite without torch: tests/torch, no __init__.
    (tmp_path / "torch").mkdir()
    spec = PathFinder.find_spec("torch", [str(tmp_path)])
    assert "namespace package" in shadowing(spec)
    (tmp_path / "torch" / "__init__.py").write_text("")
    spec = PathFinder.find_spec("torch", [str(tmp_path)])
    assert "not an installed package" in shadowing(spec)


def test_no_test_path_is_named_after_an_oracle() -> None:
    clashes = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "tests").rglob("*")
        if p.stem in ORACLES and (p.is_dir() or p.suffix == ".py")
    ]
    assert clashes == []


def test_no_test_module_imports_an_oracle_unguarded() -> None:
    # A module-level import fails the collection of the whole module without the
    # oracle; guard with pytest.importorskip (module, fixture or test) instead.
    top_level = re.compile(rf"^(?:import|from) ({'|'.join(ORACLES)})\b", re.M)
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "tests").rglob("*.py")
        if top_level.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
