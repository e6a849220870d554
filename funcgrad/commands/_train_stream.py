"""`funcgrad train --data` on data bigger than memory: ``.npy``, Parquet, big CSV.

Such data streams from the file through ``fit`` (see ``funcgrad.train._stream``):
it is used as it is (no standardisation, no test split, both of which need the
whole table in memory), the progress bar counts rows, and the report gives the
last epoch's training loss and accuracy. ``--target`` names the label column
(Parquet, CSV) or gives its index (``.npy``: a 2-D float array, labels in one
column); the default is the last column.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from ..cli import CLIError

#: CSV files at least this big stream (smaller ones load into memory as before).
STREAM_CSV_BYTES = 256 << 20
STREAM_SUFFIXES = (".npy", ".parquet")


def streams(data: str | None) -> bool:
    """Whether ``--data`` streams from its file rather than loading into memory.

    >>> streams(None), streams("big.parquet"), streams("table.npy")
    (False, True, True)
    """
    if data is None:
        return False
    path = Path(data)
    if path.suffix.lower() in STREAM_SUFFIXES or path.is_dir():
        return True
    try:
        return path.suffix.lower() == ".csv" and path.stat().st_size >= STREAM_CSV_BYTES
    except OSError:
        return False


class Shared(NamedTuple):
    """What ``funcgrad train`` shares with its streamed variant."""

    default_lr: dict[str, float]
    initialize: Callable[[argparse.Namespace], None]
    checkpoint_dir: Callable[[str], str]
    devices_used: Callable[[int | None, Any], int]
    params_sha256: Callable[..., str]


def run_streamed(args: argparse.Namespace, started: float, shared: Shared) -> int:
    """``funcgrad train`` on streamed data."""
    if args.plot:
        raise CLIError(f"--plot: not available for data streamed from {args.data}")
    if not os.path.exists(args.data):
        raise CLIError(
            f"--data {args.data}: cannot read it (No such file or directory)"
        )
    if args.coordinator:
        shared.initialize(args)

    import jax
    import numpy as np
    import optax

    import funcgrad as fg
    from funcgrad.data import DataError
    from funcgrad.train import NonFiniteLossError, fit

    target = _target(args)
    lr = args.lr if args.lr is not None else shared.default_lr[args.optimizer]
    optimizer = optax.sgd(lr) if args.optimizer == "sgd" else optax.adam(lr)
    init_key, fit_key = jax.random.split(jax.random.key(args.seed))
    try:
        features = _features(args.data, target)
    except (DataError, ValueError, OSError) as e:
        raise CLIError(f"--data {args.data}: {_one_line(e)}") from None
    params = fg.init_linear(init_key, features, 1)
    checkpoint_dir = shared.checkpoint_dir(args.checkpoint) if args.checkpoint else None
    bar = _RowBar(args.epochs, show=not args.process_id)
    phases: dict[str, float] = {}
    fit_started = time.perf_counter()
    try:
        result = fit(
            params,
            args.data,
            target,
            optimizer=optimizer,
            epochs=args.epochs,
            batch_size=args.batch_size,
            key=fit_key,
            devices=args.devices,
            checkpoint_dir=checkpoint_dir,
            checkpoint_every=1,
            progress=bar.update,
            on_phase=lambda phase, epoch: phases.setdefault(phase, time.perf_counter()),
        )
    except NonFiniteLossError as e:
        raise CLIError(f"{_one_line(e)}; try a smaller --lr") from None
    except (DataError, ValueError) as e:
        raise CLIError(f"--data {args.data}: {_one_line(e)}") from None
    finally:
        bar.close()
    ended = time.perf_counter()
    seconds = ended - fit_started
    # "train" starts once the first segment has been compiled and run.
    trained_from = phases.get("train", fit_started)
    w = np.asarray(_local(result.params.w), np.float32)
    b = np.asarray(_local(result.params.b), np.float32)
    history = result.history
    summary = {
        "train_accuracy": history["accuracy"][-1] if history["accuracy"] else None,
        "test_accuracy": None,
        "final_loss": history["loss"][-1] if history["loss"] else None,
        "test_loss": None,
        "epochs": args.epochs,
        "seconds": round(seconds, 3),
        "compile_seconds": round(trained_from - phases.get("compile", fit_started), 3),
        "train_seconds": round(ended - trained_from, 3),
        "total_seconds": round(time.perf_counter() - started, 3),
        "resumed_from_epoch": result.resumed_from_epoch,
        "params_sha256": shared.params_sha256(w, b),
        "optimizer": args.optimizer,
        "lr": lr,
        "batch_size": args.batch_size,
        "seed": args.seed,
        "devices": shared.devices_used(args.devices, jax),
        "processes": jax.process_count(),
        "data": args.data,
        "target": target,
        "n_train": bar.rows_per_epoch,
        "n_test": 0,
        "n_features": features,
        "streamed": True,
    }
    _report(summary, args)
    return 0


def _target(args: argparse.Namespace) -> str | int:
    if Path(args.data).suffix.lower() != ".npy":
        return args.target if args.target is not None else _last_column(args.data)
    if args.target is None:
        return -1
    try:
        return int(args.target)
    except ValueError:
        raise CLIError(
            f"--target {args.target}: a .npy file has no column names; give the "
            "label column's index (e.g. -1 for the last)"
        ) from None


def _last_column(data: str) -> str:
    path = Path(data)
    try:
        if path.suffix.lower() == ".csv":
            with open(path, encoding="utf-8", errors="replace") as f:
                return f.readline().rstrip("\r\n").split(",")[-1].strip()
        import pyarrow.parquet as pq

        first = path if not path.is_dir() else sorted(path.glob("*.parquet"))[0]
        return pq.ParquetFile(first).schema_arrow.names[-1]
    except (OSError, IndexError) as e:
        raise CLIError(f"--data {data}: cannot read it ({_one_line(e)})") from None


def _features(data: str, target: str | int) -> int:
    """Feature columns of the file (all but the label), read from its header."""
    import numpy as np

    path = Path(data)
    if path.suffix.lower() == ".npy":
        return int(np.load(path, mmap_mode="r").shape[1]) - 1
    if path.suffix.lower() == ".csv":
        with open(path, encoding="utf-8", errors="replace") as f:
            return len(f.readline().split(",")) - 1
    import pyarrow.parquet as pq

    first = path if not path.is_dir() else sorted(path.glob("*.parquet"))[0]
    return len(pq.ParquetFile(first).schema_arrow.names) - 1


class _RowBar:
    """A tqdm bar counting the rows this process trains on, over all epochs."""

    def __init__(self, epochs: int, show: bool) -> None:
        self.epochs, self.show, self.bar = epochs, show, None
        self.rows_per_epoch = 0
        self.seen = 0

    def update(self, epoch: int, rows: int, total: int) -> None:
        from tqdm import tqdm

        if self.bar is None:
            self.rows_per_epoch = total
            self.bar = tqdm(
                total=self.epochs * total,
                initial=epoch * total,
                unit="row",
                unit_scale=True,
                desc="train",
                file=sys.stderr,
                disable=not self.show,
            )
            self.seen = epoch * total
        done = epoch * total + rows
        if done > self.seen:
            self.bar.update(done - self.seen)
            self.seen = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _local(a: Any) -> Any:
    if not getattr(a, "is_fully_addressable", True):
        return a.addressable_data(0)
    return a


def _report(summary: dict[str, Any], args: argparse.Namespace) -> None:
    import json

    if args.json:
        print(json.dumps(summary))
        return
    s = summary
    if s["resumed_from_epoch"] is not None:
        print(f"resumed from epoch {s['resumed_from_epoch']} ({args.checkpoint})")
    print(
        f"data:           {s['data']} (streamed), {s['n_train']} rows, "
        f"{s['n_features']} features, target {s['target']!r}"
    )
    print(
        f"model:          linear + BCE-with-logits, {s['optimizer']} lr {s['lr']:g}, "
        f"batch {s['batch_size']}, {s['epochs']} epochs"
    )
    if s["train_accuracy"] is not None:
        print(f"train accuracy: {s['train_accuracy']:.4f} (last epoch)")
        print(f"final loss:     {s['final_loss']:.4f} (last epoch)")
    print(
        f"time:           {s['seconds']:.2f} s "
        f"({s['compile_seconds']:.2f} s to compile and train the first segment)"
    )


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split()) or type(e).__name__
