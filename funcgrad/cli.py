"""The ``funcgrad`` command: ``demo``, ``train``, ``graph`` and ``bench``.

Each subcommand lives in ``funcgrad/commands/<name>.py`` with ``register(subparsers)``
(adds its parser, which argparse makes of the one-line-error class used here, and
sets ``run``) and a ``run(args) -> int``; modules import their heavy parts (the
facade, optax, orbax) only inside ``run`` so ``funcgrad --help`` stays quick.
Every failure the user can fix ends with exit status 2 and one line on stderr
(``funcgrad: error: ...``, the prefix once), never a traceback. ``--devices N`` on
the CPU asks JAX for N host devices before its backends start, so data-parallel runs
need no ``XLA_FLAGS``.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import os
import re
import sys
from collections.abc import Sequence

import jax

from . import __version__ as _source_version

COMMANDS = ("demo", "train", "graph", "bench", "run")

_DEBUG_ENV = "FUNCGRAD_DEBUG"
_HOST_DEVICES_FLAG = re.compile(r"--xla_force_host_platform_device_count=(\d+)")


class CLIError(Exception):
    """A user-facing error: printed as one line, exit status 2.

    >>> str(CLIError("--epochs must be positive, got 0"))
    '--epochs must be positive, got 0'
    """


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit status 2."""

    def error(self, message: str):  # type: ignore[override]
        # main() adds the one "funcgrad: error: " prefix; --help names the command.
        raise CLIError(f"{message} (see {self.prog} --help)")


def version() -> str:
    """funcgrad's version: the installed distribution's, else the source tree's.

    >>> version()  # doctest: +ELLIPSIS
    '0...'
    """
    try:
        return importlib.metadata.version("funcgrad")
    except importlib.metadata.PackageNotFoundError:  # run from a checkout
        return _source_version


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
    parser.add_argument(
        "--version",
        action="version",
        version=f"funcgrad {version()} (jax {jax.__version__})",
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
        args, extra = build_parser().parse_known_args(argv)
        if extra:  # the subcommand's own --help lists what it takes
            raise CLIError(
                f"unrecognized arguments: {' '.join(extra)} "
                f"(see funcgrad {args.command} --help)"
            )
        _host_devices(
            getattr(args, "devices", None), getattr(args, "num_processes", None)
        )
        status = int(args.run(args) or 0)
        sys.stdout.flush()  # a closed pipe surfaces here, not at interpreter exit
        return status
    except CLIError as e:
        print(f"funcgrad: error: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `funcgrad demo | head`: the reader has gone
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # no second error at exit's flush
        return 141
    except KeyboardInterrupt:
        print("funcgrad: interrupted", file=sys.stderr)
        return 130
    except (ValueError, OSError, RuntimeError) as e:
        if os.environ.get(_DEBUG_ENV):
            raise
        print(f"funcgrad: error: {_one_line(e)}", file=sys.stderr)
        return 2


def _host_devices(devices: int | None, processes: int | None = None) -> None:
    """Have JAX's CPU backend start with enough devices for ``--devices``.

    Each process needs ``devices / processes`` of them; the count already asked
    for (``XLA_FLAGS``' host device count or ``jax_num_cpu_devices``) is kept when
    it is enough. Other platforms ignore the setting. Once JAX's backends have
    started it can no longer change: the command then checks ``jax.device_count()``
    and says what to set.

    >>> _host_devices(None)  # nothing asked: nothing changes
    """
    if not devices:
        return
    needed = -(-devices // (processes or 1))
    flag = _HOST_DEVICES_FLAG.search(os.environ.get("XLA_FLAGS", ""))
    have = max(int(flag.group(1)) if flag else 1, jax.config.jax_num_cpu_devices)
    if needed <= have:
        return
    try:
        jax.config.update("jax_num_cpu_devices", needed)
    except RuntimeError:  # backends started: the device-count check speaks
        pass


def _one_line(e: BaseException) -> str:
    text = " ".join(str(e).split()) or type(e).__name__
    return text


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
