"""`funcgrad run script.py [args]`: run a PyTorch script unchanged, with
``import torch`` (and every ``torch.*`` submodule it imports) resolved to
``funcgrad.torch``. The same as ``python -m funcgrad.torch script.py [args]``."""

from __future__ import annotations

import argparse
import os
from typing import Any

from ..cli import CLIError


def register(subparsers: Any) -> None:
    """Add the ``run`` subcommand to ``subparsers``.

    >>> from funcgrad.cli import build_parser
    >>> args = build_parser().parse_args(["run", "train.py", "--epochs", "3"])
    >>> args.script, args.args
    ('train.py', ['--epochs', '3'])
    """
    p = subparsers.add_parser(
        "run",
        help="run a PyTorch script with torch resolved to funcgrad.torch",
        description=__doc__.replace("``", "'"),
    )
    p.add_argument("script", metavar="SCRIPT", help="the Python script to run")
    p.add_argument(
        "args", nargs=argparse.REMAINDER, help="arguments passed to the script"
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Install the ``torch`` alias and run the script as ``__main__`` (JAX is
    imported here, so ``funcgrad --help`` stays instant)."""
    from ..torch._install import install
    from ..torch._run import run_script

    if not os.path.isfile(args.script):
        raise CLIError(f"no such script: {args.script}")
    install()
    return run_script(args.script, list(args.args))
