"""Timing helpers: interleaved rounds, medians and paired ratios.

The machines this runs on are shared and noisy, so nothing is timed alone: every
contender of a comparison runs once per round, in turn, and a ratio is the median
over rounds of the ratio within each round (a slow spell hits both sides of a pair).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

Timings = dict[str, list[float]]


def interleaved(
    fns: Mapping[str, Callable[[], Any]],
    *,
    repeats: int,
    number: int = 1,
    warmup: int = 1,
    sync: Callable[[Any], Any] | None = None,
    settle: float = 0.0,
) -> Timings:
    """Seconds per call of each ``fns`` entry, one list entry per round.

    Each round calls every function ``number`` times in a row, in turn; ``warmup``
    untimed calls of each come first. ``sync`` (``jax.block_until_ready``) is
    applied to the last result of a round before the clock stops. ``settle``
    seconds of sleep come before each timing: thread pools (XLA's, PyTorch's
    OpenMP) spin for a while after their work, and on a small machine their
    spinning would slow whatever is timed next.

    >>> t = interleaved({"a": lambda: 1, "b": lambda: 2}, repeats=3, number=2)
    >>> sorted(t), len(t["a"])
    (['a', 'b'], 3)
    """
    sync = sync or (lambda x: x)
    for fn in fns.values():
        for _ in range(warmup):
            sync(fn())
    out: Timings = {name: [] for name in fns}
    clock = time.perf_counter
    for _ in range(repeats):
        for name, fn in fns.items():
            if settle:
                time.sleep(settle)
            start = clock()
            for _ in range(number):
                result = fn()
            sync(result)
            out[name].append((clock() - start) / number)
    return out


def wall_times(
    commands: Mapping[str, Sequence[str]],
    *,
    repeats: int,
    env: Mapping[str, str] | None = None,
    timeout: float = 120.0,
) -> Timings:
    """Wall seconds of each command (a subprocess), one per round, in turn.

    A command that fails raises ``RuntimeError`` with its last line of stderr.

    >>> t = wall_times({"true": [sys.executable, "-c", "pass"]}, repeats=1)
    >>> len(t["true"]), t["true"][0] > 0
    (1, True)
    """
    full_env = {**os.environ, **(env or {})}
    out: Timings = {name: [] for name in commands}
    for _ in range(repeats):
        for name, cmd in commands.items():
            start = time.perf_counter()
            proc = subprocess.run(
                list(cmd),
                env=full_env,
                capture_output=True,
                text=True,
                timeout=timeout,
                stdin=subprocess.DEVNULL,
            )
            elapsed = time.perf_counter() - start
            if proc.returncode != 0:
                tail = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
                raise RuntimeError(f"benchmark command {name!r} failed: {tail}")
            out[name].append(elapsed)
    return out


def median(xs: Sequence[float]) -> float:
    """The median of ``xs``.

    >>> median([3.0, 1.0, 2.0])
    2.0
    """
    return float(statistics.median(xs))


def paired_ratio(a: Sequence[float], b: Sequence[float]) -> float:
    """Median over rounds of ``a[i] / b[i]``: how many times ``b``'s time ``a`` takes.

    >>> paired_ratio([2.0, 4.0, 3.0], [1.0, 1.0, 1.0])
    3.0
    """
    return median([x / y for x, y in zip(a, b, strict=True)])


def run_python(code: str, *args: str, env: Mapping[str, str] | None = None) -> str:
    """Run ``python -c code args...`` and return its stdout's last line.

    >>> run_python("import sys; print(sys.argv[1])", "hello")
    'hello'
    """
    proc = subprocess.run(
        [sys.executable, "-c", code, *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise RuntimeError(f"benchmark subprocess failed: {tail}")
    lines = proc.stdout.strip().splitlines()
    return lines[-1] if lines else ""
