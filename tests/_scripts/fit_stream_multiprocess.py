"""One process of a streamed ``fit`` over a Parquet file; counts the rows it reads.

Usage: python fit_stream_multiprocess.py ADDRESS NUM_PROCESSES PROCESS_ID
       DATA.parquet OUT.npz
With NUM_PROCESSES 1 it runs alone (no coordinator) on every local device. Run with
XLA_FLAGS=--xla_force_host_platform_device_count=K (devices per process).
"""

import sys

import jax
import numpy as np
import optax

import funcgrad as fg
from funcgrad.train import _sources

ROWS_READ = [0]
_read_into = _sources.ParquetSource.read_into


def counting_read_into(self, lo, hi, out):
    ROWS_READ[0] += hi - lo
    return _read_into(self, lo, hi, out)


_sources.ParquetSource.read_into = counting_read_into


def main() -> None:
    address, num, pid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    data, out = sys.argv[4], sys.argv[5]
    if num > 1:
        fg.initialize_distributed(address, num_processes=num, process_id=pid)
    r = fg.fit(
        fg.init_linear(jax.random.key(0), 5, 1),
        data,
        "label",
        optimizer=optax.adam(0.05),
        epochs=2,
        batch_size=50,
        key=jax.random.key(7),
        devices=len(jax.devices()),
    )
    np.savez(
        out,
        w=np.asarray(r.params.w.addressable_data(0)),
        b=np.asarray(r.params.b.addressable_data(0)),
        loss=np.asarray(r.history["loss"]),
        rows_read=np.asarray(ROWS_READ[0]),
        devices=np.asarray(len(jax.devices())),
    )
    if num > 1:
        jax.distributed.shutdown()


if __name__ == "__main__":
    main()
