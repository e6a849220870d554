"""The benchmark suite behind ``funcgrad bench``.

Nine benchmarks (:data:`BENCHMARKS`), each a ratio against a baseline timed in the
same run, medians over interleaved rounds:

``seed``      the tutorial's training step on the facade vs PyTorch eager;
``fit``       ``fit``'s per-step cost vs a PyTorch eager step with ``optim.SGD``;
``bigbatch``  the one-pass full-batch gradient vs one read of ``X`` and vs PyTorch;
``startup``   ``import funcgrad`` and the tutorial in a fresh process vs PyTorch;
``scaling``   the big-batch step over ``N``, and ``fit`` over 1, 2 and 4 devices;
``csv``       ``load_csv`` vs ``numpy.loadtxt`` on one 1,000,000 x 10 file: time
              and peak memory (a fresh process each) over the float32 array.
``compiled``  ``torch.compile``'d seed and MLP+Adam steps and the eager MLP+Adam
              step vs PyTorch eager (and real ``torch.compile`` where it works).
``stream``    one epoch of ``fit`` streamed from a ``.npy`` / Parquet file vs one
              read of the file, and that run's peak memory.
``checkpoint`` ``funcgrad train --checkpoint DIR`` vs ``funcgrad train``, whole
              processes (what checkpointing adds, start-up included).

:func:`run_suite` runs them and returns a JSON-ready dict; :func:`format_report`
renders it, with every target and whether this run met it.
"""

from ._suite import BENCHMARKS as BENCHMARKS
from ._suite import TARGETS as TARGETS
from ._suite import Config as Config
from ._suite import format_report as format_report
from ._suite import machine_info as machine_info
from ._suite import run_suite as run_suite

__all__ = [
    "BENCHMARKS",
    "TARGETS",
    "Config",
    "format_report",
    "machine_info",
    "run_suite",
]
