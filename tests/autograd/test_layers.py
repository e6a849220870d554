"""The engine's layers: every module imports alone, imports point one way."""

from __future__ import annotations

import ast
import os
import pathlib
import subprocess
import sys

import funcgrad

ROOT = pathlib.Path(funcgrad.__file__).parent
PACKAGE = ROOT / "autograd"

# Each layer imports only from layers before it (leaf modules from none).
LAYERS = [
    {"grad_mode", "anomaly", "dtypes", "_format", "checks"},
    {"ops"},
    {"storage"},
    {"node"},
    {"engine"},
    {"fast"},
    {"tensor"},
    {"indexing", "matmul", "views"},
]


def _modules(package: pathlib.Path, prefix: str) -> list[str]:
    names = []
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join((prefix, *parts)))
    return names


def test_every_module_imports_alone() -> None:
    """Each module of ``funcgrad.autograd`` in a fresh interpreter (a circular
    import fails there, whatever was imported before)."""
    names = _modules(PACKAGE, "funcgrad.autograd")
    env = {**os.environ, "JAX_PLATFORMS": "cpu"}
    failed = []
    for start in range(0, len(names), 4):  # a few interpreters at a time
        batch = names[start : start + 4]
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", f"import {name}"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                env=env,
            )
            for name in batch
        ]
        for name, proc in zip(batch, procs, strict=True):
            _, err = proc.communicate(timeout=120)
            if proc.returncode:
                failed.append(f"{name}: {err.decode().strip().splitlines()[-1]}")
    assert not failed, failed


def _layer(module: str) -> int:
    top = module.split(".")[0]
    for i, layer in enumerate(LAYERS):
        if top in layer:
            return i
    raise AssertionError(f"module {module!r} is in no layer")


def _imports(path: pathlib.Path):
    """``(imported autograd module, at top level)`` for each relative import."""
    tree = ast.parse(path.read_text())
    top = set(map(id, tree.body))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            here = path.relative_to(PACKAGE).parts[:-1]
            base = list(here[: len(here) - (node.level - 1)])
            target = base + (node.module.split(".") if node.module else [])
            if target and target[0] != "..":
                names = [a.name for a in node.names] if not node.module else [""]
                for name in names:
                    yield ".".join(t for t in (*target, name) if t), id(node) in top


def test_imports_point_down_and_sit_at_the_top() -> None:
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "__init__.py" and path.parent == PACKAGE:
            continue  # the package's re-exports
        rel = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        own = _layer(rel)
        for target, at_top in _imports(path):
            assert at_top, f"{rel} imports {target} inside a function"
            if target.split(".")[0] == rel.split(".")[0]:
                continue  # within the fast package
            assert _layer(target) < own or (own == 0 and _layer(target) == 0), (
                f"{rel} (layer {own}) imports {target} (layer {_layer(target)})"
            )


def test_engine_knows_nothing_of_the_fast_path() -> None:
    ops = sorted((PACKAGE / "ops").glob("*.py"))
    for path in [PACKAGE / n for n in ("engine.py", "node.py", "storage.py")] + ops:
        text = path.read_text()
        assert "fast" not in text.replace("fastest", ""), path.name
    assert len((PACKAGE / "engine.py").read_text().splitlines()) <= 100
