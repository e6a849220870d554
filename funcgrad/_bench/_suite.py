"""The suite itself: :class:`Config`, :func:`run_suite` (runs the benchmarks of
:data:`BENCHMARKS`, returns a JSON-ready dict) and :func:`format_report`; the
benchmarks are described in the package docstring (``funcgrad._bench``)."""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ._cases import BENCHMARKS as _BASE
from ._cases import have_torch
from ._compiled import bench_compiled

BENCHMARKS = {**_BASE, "compiled": bench_compiled}

__all__ = [
    "BENCHMARKS",
    "TARGETS",
    "Config",
    "format_report",
    "machine_info",
    "run_suite",
]


@dataclass(frozen=True)
class Config:
    """Sizes and repeats of a run: :meth:`full`, :meth:`quick` or :meth:`tiny`.

    >>> Config.full().big_rows, Config.quick().repeats, Config.tiny().big_rows
    (200000, 5, 512)
    """

    repeats: int = 7
    startup_repeats: int = 5
    seed_steps: int = 200
    fit_rows: int = 8192
    fit_epochs: tuple[int, int] = (2, 42)
    big_rows: int = 200_000
    big_features: int = 256
    scaling_rows: tuple[int, ...] = (25_000, 50_000, 100_000, 200_000, 400_000, 800_000)
    fit_devices: tuple[int, ...] = (1, 2, 4)
    csv_rows: int = 1_000_000
    csv_repeats: int = 3
    stream_rows: int = 1_000_000
    train_epochs: int = 100  # `funcgrad train`'s default
    torch: bool = field(default_factory=have_torch)
    torch_compile: bool = True  # also time real torch.compile (slow to compile)

    @classmethod
    def full(cls) -> Config:
        return cls()

    @classmethod
    def quick(cls) -> Config:
        return cls(
            repeats=5,
            startup_repeats=3,
            seed_steps=100,
            fit_epochs=(2, 22),
            scaling_rows=(25_000, 50_000, 100_000, 200_000),
            csv_repeats=1,
            torch_compile=False,
            stream_rows=400_000,
        )

    @classmethod
    def tiny(cls) -> Config:
        """Plumbing only (the test suite): seconds, not figures worth reading."""
        return cls(
            repeats=1,
            startup_repeats=1,
            seed_steps=2,
            fit_rows=64,
            fit_epochs=(1, 2),
            big_rows=512,
            big_features=8,
            scaling_rows=(256, 512),
            fit_devices=(1, 2),
            csv_rows=2_000,
            csv_repeats=1,
            torch_compile=False,
            stream_rows=5000,
            train_epochs=2,
        )


# name, key in the results, comparison, threshold, what it means
TARGETS: tuple[tuple[str, str, str, float, str], ...] = (
    ("seed", "speedup_vs_torch", ">=", 2.5, "facade seed step vs PyTorch eager"),
    ("seed", "cold_vs_torch", "<=", 2.0, "first sighting of a graph vs PyTorch"),
    ("fit", "speedup_vs_torch", ">=", 200.0, "fit per step vs PyTorch eager step"),
    ("bigbatch", "onepass_vs_roofline", "<=", 1.5, "one-pass gradient vs one read"),
    ("bigbatch", "speedup_vs_torch", ">=", 3.0, "one-pass gradient vs PyTorch"),
    ("scaling", "ns_per_row_max_over_min", "<=", 1.5, "big-batch cost linear in N"),
    ("csv", "speedup_vs_loadtxt", ">=", 2.0, "load_csv vs numpy.loadtxt, same file"),
    ("csv", "peak_over_array", "<=", 3.0, "load_csv peak memory / the float32 X"),
    ("compiled", "seed_speedup_vs_torch", ">=", 5.0, "compiled seed step vs PyTorch"),
    ("compiled", "mlp_speedup_vs_torch", ">=", 3.0, "compiled MLP+Adam vs PyTorch"),
    ("compiled", "mlp_eager_vs_torch", "<=", 1.5, "eager MLP+Adam vs PyTorch"),
    ("compiled", "seed_compile_s", "<=", 1.0, "compiling the seed step"),
    ("stream", "npy_epoch_vs_read", "<=", 2.0, "streamed epoch (.npy) vs one read"),
    ("stream", "parquet_epoch_vs_read", "<=", 2.0, "streamed epoch vs pyarrow read"),
    ("stream", "extra_rss_mb", "<=", 512.0, "streamed run's memory over embedded"),
    ("checkpoint", "checkpoint_vs_plain", "<=", 1.25, "train --checkpoint vs plain"),
)


def machine_info() -> dict[str, Any]:
    """CPU model, core count and the versions that matter for the figures.

    >>> info = machine_info()
    >>> sorted(info)[:3], info["cores"] > 0
    (['backend', 'cores', 'cpu'], True)
    """
    import jax
    import jaxlib
    import numpy

    info = {
        "cpu": _cpu_model(),
        "cores": os.cpu_count() or 0,
        "python": platform.python_version(),
        "jax": jax.__version__,
        "jaxlib": jaxlib.__version__,
        "numpy": numpy.__version__,
        "torch": None,
        "backend": jax.default_backend(),
        "devices": [str(d) for d in jax.devices()],
    }
    if have_torch():
        import torch

        info["torch"] = torch.__version__
    return info


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def run_suite(
    config: Config | None = None,
    only: Sequence[str] | None = None,
    progress: Callable[[str], Any] | None = None,
) -> dict[str, Any]:
    """Run the benchmarks named in ``only`` (default: all) and return the figures.

    ``progress(name)`` is called as each benchmark starts. The result holds
    ``machine``, ``config``, ``results`` (one dict per benchmark), ``targets`` (each
    with its measured value and ``met``) and ``seconds``.

    >>> r = run_suite(Config.tiny(), only=["bigbatch"])
    >>> sorted(r), "onepass_vs_roofline" in r["results"]["bigbatch"]
    (['config', 'machine', 'results', 'seconds', 'targets'], True)
    """
    config = config or Config.full()
    names = list(only) if only else list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        raise ValueError(
            f"unknown benchmark(s) {', '.join(unknown)}; choose from "
            f"{', '.join(BENCHMARKS)}"
        )
    start = time.perf_counter()
    results: dict[str, Any] = {}
    for name in names:
        if progress is not None:
            progress(name)
        results[name] = BENCHMARKS[name](config)
    return {
        "machine": machine_info(),
        "config": asdict(config),
        "results": results,
        "targets": _targets(results),
        "seconds": time.perf_counter() - start,
    }


def _targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for bench, key, op, threshold, what in TARGETS:
        if bench not in results:
            continue
        value = results[bench].get(key)
        met = None
        if value is not None:
            met = value >= threshold if op == ">=" else value <= threshold
        out.append(
            {
                "benchmark": bench,
                "figure": key,
                "target": f"{op} {threshold:g}",
                "value": value,
                "met": met,
                "what": what,
            }
        )
    return out


def format_report(report: dict[str, Any]) -> str:
    """The report as text: machine, every figure, then the targets.

    >>> text = format_report({"machine": {"cpu": "x", "cores": 2}, "results":
    ...     {"seed": {"facade_us": 12.5}}, "targets": [], "seconds": 1.0})
    >>> "facade_us" in text and "12.5" in text
    True
    """
    m = report["machine"]
    lines = [
        f"machine: {m.get('cpu')} ({m.get('cores')} cores); "
        + ", ".join(
            f"{k} {m[k]}" for k in ("python", "jax", "numpy", "torch") if m.get(k)
        )
        + (f"; backend {m['backend']}" if m.get("backend") else "")
    ]
    for bench, figures in report["results"].items():
        lines.append(f"\n[{bench}]")
        for key, value in figures.items():
            lines.append(f"  {key:32s} {_fmt(value)}")
    if report["targets"]:
        lines.append("\n[targets]")
        for t in report["targets"]:
            verdict = {True: "met", False: "MISSED", None: "skipped"}[t["met"]]
            lines.append(
                f"  {t['benchmark'] + '.' + t['figure']:40s} {_fmt(t['value']):>10s}"
                f"  target {t['target']:8s} {verdict:8s} {t['what']}"
            )
    lines.append(f"\n{report['seconds']:.0f} s in all")
    return "\n".join(lines)


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if value == 0 or 0.01 <= abs(value) < 1e5:
            return f"{value:.3g}" if abs(value) < 100 else f"{value:.1f}"
        return f"{value:.3e}"
    return str(value)
