"""The out-of-core benchmark: one epoch of ``fit`` streamed from a file vs one
sequential read of the same file from the page cache, and the run's peak memory.

A file of ``stream_rows`` x 64 float32 features plus a label (several times the
16 MiB chunk ``fit`` reads at a time) is written once as ``.npy`` and as Parquet in a
temporary directory. In a fresh process each is read once (warming the page cache),
then, in turn and ``repeats`` times: one plain read of it (``.npy``: its bytes;
Parquet: pyarrow's decoding of every column, a row group at a time, the least any
reader of the format does; one ``iter_batches`` over the whole file was 5-15x
slower on a 4M-row file) and one epoch of ``fit(..., batch_size=4096)`` on it,
compiled beforehand by an identical first run, each timing after a rest of
``SETTLE`` seconds. The peak resident memory of ``funcgrad train`` (one epoch,
batch 4096) on each file, each in a fresh process, is compared with the same
command on the embedded data.
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any

import numpy as np

from ._timing import run_python

FEATURES = 64
BATCH = 4096
#: Seconds of rest before each timing (see ``interleaved``'s ``settle``).
SETTLE = 0.05

_SCRIPT = """\
import json, sys, time
import numpy as np, jax, optax, pyarrow.parquet as pq
import funcgrad as fg
from funcgrad._bench._timing import median
npy, parquet, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])

def read_npy():
    buf = bytearray(16 << 20)
    with open(npy, "rb", buffering=0) as f:
        while f.readinto(buf):
            pass

def read_parquet():
    f = pq.ParquetFile(parquet)
    for group in range(f.metadata.num_row_groups):
        for column in f.read_row_group(group).columns:
            column.to_numpy()

params = fg.init_linear(jax.random.key(0), %(features)d, 1)
def epoch(x, y):
    return lambda: fg.fit(params, x, y, optimizer=optax.sgd(0.1), epochs=1,
                          batch_size=%(batch)d, key=jax.random.key(1))
fns = {"npy_read": read_npy, "npy_epoch": epoch(npy, -1),
       "parquet_read": read_parquet, "parquet_epoch": epoch(parquet, "label")}
for fn in fns.values():  # page cache warm, programs compiled
    fn()
t = {name: [] for name in fns}
for _ in range(repeats):
    for name, fn in fns.items():
        time.sleep(%(settle)s)  # the thread pools of the call before stop spinning
        start = time.perf_counter(); fn(); t[name].append(time.perf_counter() - start)
print(json.dumps({name: median(v) for name, v in t.items()}))
"""

# `funcgrad train` in a fresh process; its peak resident memory, in MiB. Linux's
# VmHWM is this program's own peak; ru_maxrss also counts the parent's resident
# memory at the fork (Linux keeps it across exec), so where VmHWM is known it is
# the figure.
_RSS_SCRIPT = """\
import json, resource, sys
from funcgrad.cli import main
main(["train", *sys.argv[1:], "--epochs", "1", "--batch-size", "%(batch)d", "--json"])
try:
    with open("/proc/self/status") as f:
        print([int(l.split()[1]) / 1024 for l in f if l.startswith("VmHWM:")][0])
except (OSError, IndexError):
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(r / 2**20 if sys.platform == "darwin" else r / 1024)
"""


def write_files(directory: str, rows: int) -> tuple[str, str]:
    """``data.npy`` ([X | y] float32) and ``data.parquet`` (64 features and
    ``label``, row groups of 65,536) of ``rows`` rows, written piece by piece."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    npy = os.path.join(directory, "data.npy")
    parquet = os.path.join(directory, "data.parquet")
    rng = np.random.default_rng(0)
    w = rng.standard_normal(FEATURES).astype(np.float32)
    out = np.lib.format.open_memmap(npy, "w+", np.float32, (rows, FEATURES + 1))
    names = [f"x{i}" for i in range(FEATURES)] + ["label"]
    writer = None
    for lo in range(0, rows, 65536):
        hi = min(rows, lo + 65536)
        X = rng.standard_normal((hi - lo, FEATURES), dtype=np.float32)
        y = X @ w + rng.standard_normal(hi - lo, dtype=np.float32) > 0
        out[lo:hi, :FEATURES], out[lo:hi, FEATURES] = X, y
        cols = [X[:, i] for i in range(FEATURES)] + [y.astype(np.float32)]
        table = pa.table(dict(zip(names, cols, strict=True)))
        if writer is None:
            writer = pq.ParquetWriter(parquet, table.schema)
        writer.write_table(table, row_group_size=65536)
    out.flush()
    del out
    writer.close()
    return npy, parquet


def bench_stream(cfg) -> dict[str, Any]:
    """One streamed epoch vs one read of the file (``.npy``, Parquet); the peak
    memory of ``funcgrad train`` on each vs on the embedded data."""
    with tempfile.TemporaryDirectory(prefix="funcgrad-bench-") as tmp:
        npy, parquet = write_files(tmp, cfg.stream_rows)
        script = _SCRIPT % {"features": FEATURES, "batch": BATCH, "settle": SETTLE}
        r = json.loads(run_python(script, npy, parquet, str(cfg.repeats)))
        file_mb = os.path.getsize(npy) / 2**20
        rss = _RSS_SCRIPT % {"batch": BATCH}
        npy_mb = float(run_python(rss, "--data", npy))
        parquet_mb = float(run_python(rss, "--data", parquet, "--target", "label"))
    embedded_mb = float(run_python(rss))
    return {
        "rows": cfg.stream_rows,
        "file_mb": file_mb,
        "npy_read_ms": r["npy_read"] * 1e3,
        "npy_epoch_ms": r["npy_epoch"] * 1e3,
        "npy_epoch_vs_read": r["npy_epoch"] / r["npy_read"],
        "parquet_read_ms": r["parquet_read"] * 1e3,
        "parquet_epoch_ms": r["parquet_epoch"] * 1e3,
        "parquet_epoch_vs_read": r["parquet_epoch"] / r["parquet_read"],
        "embedded_peak_rss_mb": embedded_mb,
        "npy_peak_rss_mb": npy_mb,
        "parquet_peak_rss_mb": parquet_mb,
        "extra_rss_mb": max(npy_mb, parquet_mb) - embedded_mb,
    }
