"""`funcgrad demo`."""

from __future__ import annotations

import argparse


def register(subparsers, parser_class) -> None:
    p = subparsers.add_parser("demo", help="(not yet available)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    raise NotImplementedError("funcgrad demo is not implemented yet")
