"""funcgrad.viz: the package re-exports the same public names as the module it
replaced, and its modules import one way (the graphs on the DOT layer, never on
each other)."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import funcgrad.torch.viz
import funcgrad.viz

PACKAGE = Path(funcgrad.viz.__file__).parent
# What each module of funcgrad.viz may import from its siblings.
ALLOWED = {
    "__init__": {"_dot", "facade", "jaxpr"},
    "_dot": set(),
    "facade": {"_dot"},
    "jaxpr": {"_dot"},
}


def test_public_names() -> None:
    assert set(funcgrad.viz.__all__) == {
        "INSTALL_HINT",
        "DotGraph",
        "GraphvizNotFoundError",
        "jaxpr_dot",
        "make_dot",
    }
    assert set(funcgrad.torch.viz.__all__) == {
        "DotGraph",
        "GraphvizNotFoundError",
        "make_dot",
    }
    assert funcgrad.torch.viz.make_dot is funcgrad.viz.make_dot


def _sibling_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found.add(node.module or "")
        elif isinstance(node, ast.ImportFrom) and node.level > 1:
            found.add("." * node.level + (node.module or ""))
    return found


def test_modules_import_one_way() -> None:
    modules = {p.stem: p for p in PACKAGE.glob("*.py")}
    assert set(modules) == set(ALLOWED)
    for name, path in modules.items():
        assert _sibling_imports(path) <= ALLOWED[name], name


def test_init_only_re_exports() -> None:
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    kinds = {type(node).__name__ for node in tree.body}
    assert kinds <= {"Expr", "ImportFrom", "Assign"}  # docstring, imports, __all__


@pytest.mark.parametrize("name", sorted(f"funcgrad.viz.{m}" for m in ALLOWED))
def test_each_module_imports_alone(name: str) -> None:
    name = name.removesuffix(".__init__")
    subprocess.run([sys.executable, "-c", f"import {name}"], check=True, timeout=120)
    assert importlib.import_module(name)
