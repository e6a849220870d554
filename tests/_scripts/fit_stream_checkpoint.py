"""Train on a streamed Parquet file with checkpoints; optionally SIGKILL itself.

Usage: python fit_stream_checkpoint.py DATA.parquet CHECKPOINT_DIR OUT.npz MODE
MODE ``kill-after-2``: killed (SIGKILL) once epoch 2 has ended; ``run``: train to
the end and save the result in OUT.npz.
"""

import os
import signal
import sys

import jax
import numpy as np
import optax

import funcgrad as fg


def main() -> None:
    data, directory, out, mode = sys.argv[1:5]

    def report(epoch: int, metrics: dict[str, float]) -> None:
        if mode == "kill-after-2" and epoch == 2:
            os.kill(os.getpid(), signal.SIGKILL)

    r = fg.fit(
        fg.init_linear(jax.random.key(0), 5, 1),
        data,
        "label",
        optimizer=optax.adam(0.05),
        epochs=4,
        batch_size=64,
        key=jax.random.key(3),
        checkpoint_dir=directory,
        callback=report,
    )
    np.savez(
        out,
        w=np.asarray(r.params.w),
        loss=np.asarray(r.history["loss"]),
        resumed_from=np.asarray(
            -1 if r.resumed_from_epoch is None else r.resumed_from_epoch
        ),
    )


if __name__ == "__main__":
    main()
