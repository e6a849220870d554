"""Train with checkpoints and report each finished epoch on stdout (to be killed).

Usage: python fit_checkpoint.py DATA.npz CHECKPOINT_DIR EPOCHS
"""

import sys

import jax
import numpy as np
import optax

import funcgrad as fg


def main() -> None:
    data_path, directory, epochs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    d = np.load(data_path)

    def report(epoch: int, metrics: dict[str, float]) -> None:
        print(f"epoch {epoch} done", flush=True)

    r = fg.fit(
        fg.init_linear(jax.random.key(0), d["X"].shape[1], 1),
        d["X"],
        d["Y"],
        optimizer=optax.adam(0.05),
        epochs=epochs,
        batch_size=int(d["batch_size"]),
        key=jax.random.key(7),
        checkpoint_dir=directory,
        callback=report,
    )
    print(f"finished, resumed from {r.resumed_from_epoch}", flush=True)


if __name__ == "__main__":
    main()
