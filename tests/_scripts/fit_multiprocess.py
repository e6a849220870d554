"""One process of a multi-process ``fit``; saves its result for the test.

Usage: python fit_multiprocess.py ADDRESS NUM_PROCESSES PROCESS_ID DATA.npz OUT.npz
Run with XLA_FLAGS=--xla_force_host_platform_device_count=2 (devices per process).
"""

import sys

import jax
import numpy as np
import optax

import funcgrad as fg


def main() -> None:
    address, num, pid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    data_path, out_path = sys.argv[4], sys.argv[5]
    fg.initialize_distributed(address, num_processes=num, process_id=pid)
    assert jax.process_count() == num, jax.process_count()
    d = np.load(data_path)
    params = fg.init_linear(jax.random.key(0), d["X"].shape[1], 1)
    epochs_seen = []
    r = fg.fit(
        params,
        d["X"],
        d["Y"],
        optimizer=optax.adam(0.05),
        epochs=3,
        batch_size=int(d["batch_size"]),
        key=jax.random.key(7),
        validation=(d["X"][:9], d["Y"][:9]),
        callback=lambda epoch, metrics: epochs_seen.append(epoch),
    )
    np.savez(
        out_path,
        w=np.asarray(r.params.w),
        b=np.asarray(r.params.b),
        loss=np.asarray(r.history["loss"]),
        val_loss=np.asarray(r.history["val_loss"]),
        devices=np.asarray(len(jax.devices())),
        epochs_seen=np.asarray(epochs_seen),
    )
    jax.distributed.shutdown()


if __name__ == "__main__":
    main()
