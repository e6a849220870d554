"""Train with checkpoints and report each finished epoch on stdout (to be killed).

Usage: python fit_checkpoint.py DATA.npz CHECKPOINT_DIR EPOCHS [EVERY]

A SIGINT or SIGTERM ends it with exit status 0 and one line, ``interrupted: ...``.
"""

import sys

import jax
import numpy as np
import optax

import funcgrad as fg


def main() -> None:
    data_path, directory, epochs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    every = sys.argv[4] if len(sys.argv) > 4 else 1
    d = np.load(data_path)

    def report(epoch: int, metrics: dict[str, float]) -> None:
        print(f"epoch {epoch} done", flush=True)

    try:
        r = fg.fit(
            fg.init_linear(jax.random.key(0), d["X"].shape[1], 1),
            d["X"],
            d["Y"],
            optimizer=optax.adam(0.05),
            epochs=epochs,
            batch_size=int(d["batch_size"]),
            key=jax.random.key(7),
            checkpoint_dir=directory,
            checkpoint_every=every,
            callback=report,
        )
    except fg.TrainingInterrupted as e:
        print(f"interrupted: {e}", flush=True)
        return
    print(f"finished, resumed from {r.resumed_from_epoch}", flush=True)


if __name__ == "__main__":
    main()
