"""`funcgrad bench`: the benchmark suite (see ``docs/performance.md``).

Every figure is a ratio against a baseline timed in the same run (median of
interleaved rounds), so a busy machine slows both sides alike. Progress goes to
stderr; ``--json`` adds the whole report as one JSON line at the end of stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..cli import CLIError

BENCH_NAMES = (
    "seed",
    "fit",
    "bigbatch",
    "startup",
    "scaling",
    "csv",
    "compiled",
    "stream",
    "checkpoint",
)


def register(subparsers: Any) -> None:
    """Add the ``bench`` subcommand to ``subparsers``.

    >>> from funcgrad.cli import build_parser
    >>> build_parser().parse_args(["bench", "--quick", "--only", "seed"]).only
    'seed'
    """
    p = subparsers.add_parser(
        "bench",
        help="run the benchmark suite (ratios against PyTorch and a memory roofline)",
        description="Time funcgrad against baselines measured in the same run: the "
        "facade's training step vs PyTorch eager, fit's per-step cost, the one-pass "
        "big-batch gradient vs one read of X, start-up, scaling, and an epoch streamed "
        "from a file vs one read of it. Under 5 minutes "
        "on a 2-core machine; --quick takes about half.",
    )
    p.add_argument("--quick", action="store_true", help="fewer repeats, smaller N")
    p.add_argument(
        "--json", action="store_true", help="print the report as one JSON line last"
    )
    p.add_argument(
        "--only",
        metavar="NAMES",
        help=f"comma-separated benchmarks to run (of {','.join(BENCH_NAMES)})",
    )
    p.add_argument("--no-torch", action="store_true", help="skip the PyTorch baselines")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    only = None
    if args.only:
        only = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = [n for n in only if n not in BENCH_NAMES]
        if unknown or not only:
            raise CLIError(
                f"--only: unknown benchmark {','.join(unknown) or repr(args.only)}; "
                f"choose from {','.join(BENCH_NAMES)}"
            )
    from tqdm import tqdm

    from .._bench import Config, format_report, run_suite

    config = Config.quick() if args.quick else Config.full()
    if args.no_torch:
        config = Config(**{**config.__dict__, "torch": False})
    names = only or list(BENCH_NAMES)
    with tqdm(total=len(names), file=sys.stderr, unit="bench") as bar:

        def progress(name: str) -> None:
            if bar.n or name != names[0]:
                bar.update(1)
            bar.set_description(name)

        report = run_suite(config, only=names, progress=progress)
        bar.update(1)
    print(format_report(report))
    if args.json:
        print(json.dumps(report, default=str))
    return 0
