"""The autograd suite runs twice in CI: as is, and with the engine's fast path
switched off, which must give identical results:

    FUNCGRAD_FAST=0 python -m pytest tests/autograd

(``funcgrad.autograd.fast`` reads the switch at import; ``fast.disabled()`` and
``fast.set_enabled()`` switch it within a process.) ``--fast=off`` does the same
from the command line.
"""

from __future__ import annotations

import pytest

from funcgrad.autograd import fast


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--fast",
        choices=("on", "off"),
        default=None,
        help="run the autograd suite with the engine's fast path on or off",
    )


def pytest_configure(config: pytest.Config) -> None:
    choice = config.getoption("--fast", default=None)
    if choice is not None:
        fast.set_enabled(choice == "on")
