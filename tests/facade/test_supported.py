"""``docs/supported.md`` is the generated list of the facade's surface, in step
with the package; every name it lists resolves."""

from __future__ import annotations

import importlib
from pathlib import Path

from funcgrad.torch import _supported

PAGE = Path(__file__).resolve().parents[2] / "docs" / "supported.md"


def test_supported_page_is_in_step() -> None:
    assert PAGE.read_text(encoding="utf-8") == _supported.markdown(), (
        "docs/supported.md is stale: run "
        "python -m funcgrad.torch._supported > docs/supported.md"
    )


def test_every_listed_name_resolves() -> None:
    for module_name in _supported.MODULES:
        module = importlib.import_module("funcgrad." + module_name)
        for name in _supported._public(module_name):
            assert hasattr(module, name), f"{module_name}.{name}"
