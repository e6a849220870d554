"""The ``funcgrad`` command: ``demo``, ``train``, ``graph`` and ``bench``.

Each subcommand lives in ``funcgrad/commands/<name>.py`` with ``register(subparsers)``
(adds its parser, which argparse makes of the one-line-error class used here, and
sets ``run``) and a ``run(args) -> int``; modules import JAX only inside ``run`` so
``funcgrad --help`` stays instant. Every failure the user can fix
ends with exit status 2 and one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

COMMANDS = ("demo", "train", "graph", "bench", "run")

_DEBUG_ENV = "FUNCGRAD_DEBUG"


class CLIError(Exception):
    """A user-facing error: printed as one line, exit status 2.

    >>> str(CLIError("--epochs must be positive, got 0"))
    '--epochs must be positive, got 0'
    """


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit status 2."""

    def error(self, message: str):  # type: ignore[override]
        raise CLIError(f"{self.prog}: {message} (see {self.prog} --help)")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, every subcommand registered.

    >>> build_parser().parse_args(["train", "--epochs", "3"]).epochs
    3
    """
    parser = _Parser(
        prog="funcgrad",
        description="PyTorch's autograd on JAX: tutorial demo, training, graphs, "
        "benchmarks.",
    )
    sub = parser.add_subparsers(dest="command", metavar="{" + ",".join(COMMANDS) + "}")
    sub.required = True
    for name in COMMANDS:
        module = importlib.import_module(f"funcgrad.commands.{name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``funcgrad`` command line and return its exit status.

    >>> main(["no-such-command"])
    2
    """
    try:
        args = build_parser().parse_args(argv)
        return int(args.run(args) or 0)
    except CLIError as e:
        print(f"funcgrad: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("funcgrad: interrupted", file=sys.stderr)
        return 130
    except (ValueError, OSError, RuntimeError) as e:
        if os.environ.get(_DEBUG_ENV):
            raise
        print(f"funcgrad: error: {_one_line(e)}", file=sys.stderr)
        return 2


def _one_line(e: BaseException) -> str:
    text = " ".join(str(e).split()) or type(e).__name__
    return text


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
