"""`funcgrad train`: fit the linear + BCE-with-logits model from the command line.

With no arguments it trains on the embedded Wisconsin Diagnostic Breast Cancer data
(80/20 stratified split, features standardised with training statistics) and
prints train/test accuracy, the final loss and the time: compilation, training and
the whole process, each labelled. JAX and optax are imported inside :func:`run`
only, so ``funcgrad --help`` stays fast.

On stderr, compilation is its own phase (``compiling the training program...``),
then an epoch bar starts at the first epoch left to run; a run resumed from a
finished checkpoint says so and prints its results without a bar.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import math
import os
import re
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from ..cli import CLIError
from . import _train_stream

DEFAULT_EPOCHS = 100
DEFAULT_BATCH_SIZE = 32
DEFAULT_LR = {"sgd": 0.1, "adam": 0.01}
DEFAULT_CHECKPOINT_EVERY = "30s"
TEST_FRACTION = 0.2
PLOT_SUFFIXES = (".png", ".svg", ".pdf")
PLOT_INSTALL_HINT = (
    "pip install matplotlib (in a funcgrad checkout: pip install '.[plot]')"
)


def _int_in(low: int, high: int | None = None):
    """An argparse type: an integer in ``[low, high)`` (no upper bound if None)."""
    bounds = f">= {low}" if high is None else f"between {low} and {high - 1}"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected an integer {bounds}, got {text!r}"
            ) from None
        if value < low or (high is not None and value >= high):
            raise argparse.ArgumentTypeError(f"must be {bounds}, got {value}")
        return value

    return parse


_positive_int = _int_in(1)
_seed = _int_in(0, 2**32)
_process_id = _int_in(0)


def _learning_rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(
            f"must be a positive, finite number, got {text!r}"
        )
    return value


def _delimiter(text: str) -> str:
    named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";"}
    value = named.get(text.lower(), text)
    if len(value) != 1 or value in '"\r\n\x00':
        raise argparse.ArgumentTypeError(
            "expected one character (or 'tab'), not a quote or line break, got "
            f"{text!r}"
        )
    return value


def _checkpoint_every(text: str) -> int | str:
    """An argparse type: a number of epochs (``10``) or a duration (``30s``)."""
    text = text.strip()
    if text.isdigit() and int(text) > 0:
        return int(text)
    if re.fullmatch(r"(\d+(\.\d*)?|\.\d+)[smh]", text) and float(text[:-1]) > 0:
        return text
    raise argparse.ArgumentTypeError(
        f"expected a number of epochs (10) or a duration (30s, 5m, 1h), got {text!r}"
    )


def register(subparsers: Any) -> None:
    """Add the ``train`` subcommand to ``subparsers``.

    >>> from funcgrad.cli import build_parser
    >>> args = build_parser().parse_args(["train", "--epochs", "5", "--lr", "0.5"])
    >>> args.epochs, args.lr, args.optimizer, args.batch_size
    (5, 0.5, 'sgd', 32)
    """
    p = subparsers.add_parser(
        "train",
        help="fit the linear + BCE-with-logits model (embedded data or --data CSV)",
        description="Fit the linear + BCE-with-logits model. Without --data, train "
        "on the embedded Wisconsin Diagnostic Breast Cancer data. The data is split "
        "80/20 (stratified, --seed) and standardised with training statistics.",
    )
    data = p.add_argument_group("data")
    data.add_argument(
        "--data",
        metavar="CSV",
        help="a CSV file with a header row and numeric cells (default: the embedded "
        "breast cancer data)",
    )
    data.add_argument(
        "--target",
        metavar="COL",
        help="the label column of --data: values in [0, 1] or two class names "
        "(default: the last column)",
    )
    data.add_argument(
        "--delimiter",
        type=_delimiter,
        metavar="CHAR",
        help="the delimiter of --data: ',', ';', 'tab' or another character "
        "(default: sniffed among ',', ';' and tab)",
    )
    data.add_argument(
        "--positive",
        metavar="LABEL",
        help="the class of --target labelled 1, e.g. M for M/B labels (default: the "
        "second class name in sorted order)",
    )
    fit = p.add_argument_group("training")
    fit.add_argument(
        "--epochs",
        type=_positive_int,
        default=DEFAULT_EPOCHS,
        metavar="N",
        help=f"passes over the training split (default {DEFAULT_EPOCHS})",
    )
    fit.add_argument(
        "--batch-size",
        type=_positive_int,
        default=DEFAULT_BATCH_SIZE,
        metavar="N",
        help=f"minibatch size (default {DEFAULT_BATCH_SIZE})",
    )
    fit.add_argument(
        "--lr",
        type=_learning_rate,
        default=None,
        metavar="X",
        help="learning rate (default 0.1 for sgd, 0.01 for adam)",
    )
    fit.add_argument(
        "--optimizer",
        choices=sorted(DEFAULT_LR),
        default="sgd",
        help="optax optimizer (default sgd)",
    )
    fit.add_argument(
        "--seed",
        type=_seed,
        default=0,
        metavar="N",
        help="seed of the split, the initial parameters and the shuffling (default 0)",
    )
    fit.add_argument(
        "--devices",
        type=_positive_int,
        default=None,
        metavar="N",
        help="train data-parallel on the first N JAX devices (default: one device)",
    )
    out = p.add_argument_group("output")
    out.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object with the results as the last line of stdout",
    )
    out.add_argument(
        "--checkpoint",
        metavar="DIR",
        help="save checkpoints in DIR, in the background (see --checkpoint-every), "
        "after the last epoch and on Ctrl-C or SIGTERM; running again with the same "
        "DIR resumes from the newest complete checkpoint. One run at a time may use "
        "a DIR",
    )
    out.add_argument(
        "--checkpoint-every",
        type=_checkpoint_every,
        default=None,
        metavar="N|TIME",
        help="how often to save: every N epochs, or every TIME such as 30s, 5m or "
        f"1h (default {DEFAULT_CHECKPOINT_EVERY})",
    )
    out.add_argument(
        "--plot",
        metavar="FILE.png",
        help="draw loss and accuracy per epoch (train and test) with matplotlib",
    )
    dist = p.add_argument_group(
        "multi-process", "run one process per host; all need the same arguments"
    )
    dist.add_argument("--coordinator", metavar="HOST:PORT", help="address of process 0")
    dist.add_argument(
        "--num-processes", type=_positive_int, metavar="N", help="number of processes"
    )
    dist.add_argument(
        "--process-id", type=_process_id, metavar="I", help="this process, 0..N-1"
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Train as ``args`` say; return the exit status (errors raise ``CLIError``)."""
    started = time.perf_counter()
    age = _process_age()  # seconds the process ran before this command started
    _check_arguments(args)
    if _train_stream.streams(args.data):
        return _train_stream.run_streamed(args, started, _STREAM_SHARED)
    if args.plot:
        _require_matplotlib()
    dataset, source = _load(args)
    if args.coordinator:
        _initialize_distributed(args)

    import jax
    import optax

    import funcgrad as fg
    from funcgrad.data import standardize
    from funcgrad.train import (
        CheckpointLockedError,
        NonFiniteLossError,
        TrainingInterrupted,
        fit,
    )

    if args.checkpoint:
        _import_in_background("orbax.checkpoint")

    if args.devices is not None and args.devices > jax.device_count():
        raise CLIError(
            f"--devices {args.devices}: only {jax.device_count()} JAX device(s) are "
            f"available; on CPU, set XLA_FLAGS="
            f"--xla_force_host_platform_device_count={args.devices} to get more"
        )

    X_train, X_test, y_train, y_test = _split(dataset, source, args)
    X_train, X_test, _ = standardize(X_train, X_test)
    Y_train, Y_test = y_train[:, None], y_test[:, None]

    lr = args.lr if args.lr is not None else DEFAULT_LR[args.optimizer]
    optimizer = optax.sgd(lr) if args.optimizer == "sgd" else optax.adam(lr)
    init_key, fit_key = jax.random.split(jax.random.key(args.seed))
    params = fg.init_linear(init_key, X_train.shape[1], 1)

    checkpoint_dir = _checkpoint_dir(args.checkpoint) if args.checkpoint else None
    progress = Progress(args.epochs, show=not args.process_id)

    fit_started = time.perf_counter()
    try:
        result = fit(
            params,
            X_train,
            Y_train,
            optimizer=optimizer,
            epochs=args.epochs,
            batch_size=args.batch_size,
            key=fit_key,
            validation=(X_test, Y_test),
            devices=args.devices,
            callback=progress.on_epoch,
            on_phase=progress.on_phase,
            checkpoint_dir=checkpoint_dir,
            checkpoint_every=args.checkpoint_every or DEFAULT_CHECKPOINT_EVERY,
            checkpoint_labels=_labels(args, lr),
        )
    except NonFiniteLossError as e:
        progress.close(ok=False)
        raise CLIError(f"{_one_line(e)}; try a smaller --lr") from None
    except CheckpointLockedError as e:
        progress.close(ok=False)
        raise CLIError(
            f"--checkpoint {args.checkpoint}: in use by another run ({e.holder}); "
            f"wait for it to end or use another directory"
        ) from None
    except TrainingInterrupted as e:
        progress.close(ok=True)
        again = "; run the same command again to resume" if e.epoch else ""
        print(f"funcgrad: {_one_line(e)}{again}", file=sys.stderr)
        return 128 + e.signal
    except BaseException:
        progress.close(ok=False)
        raise
    progress.close(ok=True)
    seconds = time.perf_counter() - fit_started
    finished_before = result.resumed_from_epoch == args.epochs

    w, b = _host_params(result.params)
    summary = {
        "train_accuracy": _accuracy(w, b, X_train, y_train),
        "test_accuracy": _accuracy(w, b, X_test, y_test),
        "final_loss": float(fg.loss(fg.LinearParams(w, b), X_train, Y_train)),
        "test_loss": float(fg.loss(fg.LinearParams(w, b), X_test, Y_test)),
        "epochs": args.epochs,
        "seconds": round(seconds, 3),
        "total_seconds": round(time.perf_counter() - started, 3),
        "compile_seconds": round(progress.compile_seconds, 3),
        "train_seconds": round(progress.train_seconds(), 3),
        "wall_seconds": None,  # filled in last, just before the report
        "epochs_run": 0 if finished_before else args.epochs - (progress.first or 0),
        "resumed_from_epoch": result.resumed_from_epoch,
        "params_sha256": params_sha256(w, b),
        "optimizer": args.optimizer,
        "lr": lr,
        "batch_size": args.batch_size,
        "seed": args.seed,
        "devices": _devices_used(args.devices, jax),
        "processes": jax.process_count(),
        "data": source,
        "target": dataset.target,
        "n_train": int(X_train.shape[0]),
        "n_test": int(X_test.shape[0]),
        "n_features": int(X_train.shape[1]),
    }
    if args.plot:
        _plot(result.history, args.plot, args.epochs)
    summary["wall_seconds"] = round(age + time.perf_counter() - started, 3)
    _report(summary, args)
    return 0


class Progress:
    """What stderr shows while ``fit`` runs: compilation, then the epoch bar.

    ``fit``'s ``on_phase`` and ``callback`` drive it. Compilation shows as a status
    line of its own; the bar replaces it once compilation is over, starting at the
    first epoch left (a resumed run starts part-way, and the first ETA is not
    inflated by compilation). When nothing is left to run nothing is shown. Both
    are erased when the run fails, so that an error stays one line.
    """

    def __init__(self, epochs: int, show: bool = True) -> None:
        self.epochs, self.show = epochs, show
        self.bar: Any = None
        self.first: int | None = None  # the first epoch run
        self.compile_seconds = 0.0
        self._compile_started: float | None = None
        self._trained: float | None = None  # when the epochs started
        self._end: float | None = None  # when fit returned

    def on_phase(self, phase: str, epoch: int) -> None:
        now = time.perf_counter()
        if phase == "compile":
            self._compile_started, self.first = now, epoch
            self.bar = _status("compiling the training program", show=self.show)
        elif phase == "train":
            if self._compile_started is not None:
                self.compile_seconds = now - self._compile_started
            if self.bar is not None:
                self.bar.close()
            self._trained = time.perf_counter()
            self.bar = _progress_bar(self.epochs, initial=epoch, show=self.show)

    def on_epoch(self, epoch: int, metrics: dict[str, float]) -> None:
        bar = self.bar
        if bar is None:
            return
        done = min(int(epoch) + 1, self.epochs)
        if done > bar.n:
            bar.update(done - bar.n)
        if "loss" in metrics:
            bar.set_postfix(loss=f"{float(metrics['loss']):.4f}", refresh=False)

    def train_seconds(self) -> float:
        """Seconds from the first epoch to the end of ``fit`` (0 if none ran)."""
        if self._trained is None or self._end is None:
            return 0.0
        return max(0.0, self._end - self._trained)

    def close(self, ok: bool) -> None:
        self._end = time.perf_counter()
        if self.bar is not None:
            if not ok:
                self.bar.leave = False
            self.bar.close()


def _import_in_background(name: str) -> None:
    """Start importing ``name`` on a thread of its own, for a module needed later.

    The import (a good part of what checkpoints cost a short run) then overlaps
    with the set-up's XLA compilations, which leave Python's lock free.
    """

    def load() -> None:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the import where it is needed reports it
            pass

    threading.Thread(target=load, name=f"import {name}", daemon=True).start()


def _labels(args: argparse.Namespace, lr: float) -> dict[str, str | None]:
    """The options that shape the run, as they are written on the command line."""
    labels = {
        "--data": args.data,
        "--target": args.target,
        "--optimizer": args.optimizer,
        "--lr": f"{lr:g}",
        "--batch-size": str(args.batch_size),
        "--seed": str(args.seed),
    }
    for name in ("delimiter", "positive"):  # how --data is read, where given
        value = getattr(args, name, None)
        if value is not None:
            labels[f"--{name}"] = "tab" if value == "\t" else str(value)
    return labels


def _process_age() -> float:
    """Seconds since this process started (interpreter start-up and imports).

    Read from ``/proc/self/stat``; 0 where that does not exist.
    """
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")
        return max(0.0, time.clock_gettime(time.CLOCK_BOOTTIME) - started)
    except (OSError, ValueError, IndexError, AttributeError):
        return 0.0


def params_sha256(w: np.ndarray, b: np.ndarray) -> str:
    """SHA-256 hex digest of the parameters' bytes: ``w`` then ``b``, float32, C order.

    >>> params_sha256(np.zeros((2, 1)), np.zeros(1))[:16]
    '15ec7bf0b50732b4'
    """
    digest = hashlib.sha256()
    for a in (w, b):
        digest.update(np.ascontiguousarray(a, dtype=np.float32).tobytes(order="C"))
    return digest.hexdigest()


def _check_arguments(args: argparse.Namespace) -> None:
    for flag in ("data", "target", "positive", "checkpoint", "plot", "coordinator"):
        value = getattr(args, flag)
        if value is not None and "\x00" in value:
            raise CLIError(f"--{flag}: the value contains a NUL character")
    for flag in ("target", "delimiter", "positive"):
        if getattr(args, flag) is not None and args.data is None:
            raise CLIError(
                f"--{flag} needs --data CSV (the embedded data's label column is fixed)"
            )
    dist = (args.coordinator, args.num_processes, args.process_id)
    if any(v is not None for v in dist):
        if any(v is None for v in dist):
            raise CLIError(
                "--coordinator, --num-processes and --process-id go together; give "
                "all three"
            )
        if args.process_id >= args.num_processes:
            raise CLIError(
                f"--process-id {args.process_id} must be below --num-processes "
                f"{args.num_processes}"
            )
        host, sep, port = args.coordinator.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise CLIError(
                f"--coordinator {args.coordinator!r}: expected HOST:PORT, e.g. "
                "127.0.0.1:12355"
            )
    if args.plot:
        plot = Path(args.plot)
        if plot.suffix.lower() not in PLOT_SUFFIXES:
            raise CLIError(
                f"--plot {args.plot}: the file name must end in "
                f"{', '.join(PLOT_SUFFIXES)}"
            )
        if not plot.resolve().parent.is_dir():
            raise CLIError(
                f"--plot {args.plot}: directory {plot.parent} does not exist"
            )
    if args.checkpoint_every is not None and not args.checkpoint:
        raise CLIError("--checkpoint-every needs --checkpoint DIR")
    if args.checkpoint:
        path = Path(args.checkpoint)
        if path.exists() and not path.is_dir():
            raise CLIError(
                f"--checkpoint {args.checkpoint}: exists and is not a directory"
            )


def _require_matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise CLIError(
            f"--plot needs matplotlib, which is not installed: {PLOT_INSTALL_HINT}"
        ) from None


def _load(args: argparse.Namespace):
    from funcgrad.data import load_breast_cancer, load_csv

    if args.data is None:
        return load_breast_cancer(), "breast_cancer.csv (embedded)"
    try:
        dataset = load_csv(
            args.data,
            target=args.target,
            delimiter=args.delimiter,
            positive=args.positive,
        )
    except OSError as e:
        reason = e.strerror or type(e).__name__
        raise CLIError(f"--data {args.data}: cannot read it ({reason})") from None
    if dataset.classes is not None and not args.process_id:
        mapping = ", ".join(f"{k} -> {v}" for k, v in dataset.classes.items())
        hint = "" if args.positive is not None else " (choose with --positive)"
        print(f"labels: {mapping}{hint}", file=sys.stderr)
    return dataset, args.data


def _split(dataset, source: str, args: argparse.Namespace):
    """The stratified train/test split, checked; a warning is one stderr line."""
    from funcgrad.data import check_split, train_test_split

    parts = train_test_split(
        dataset.X,
        dataset.y,
        test_fraction=TEST_FRACTION,
        seed=args.seed,
        stratify=True,
        source=source,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_split(parts[2], parts[3], source=source)
    for w in caught:
        if not args.process_id:
            print(f"funcgrad: warning: {w.message}", file=sys.stderr)
    return parts


def _initialize_distributed(args: argparse.Namespace) -> None:
    from funcgrad.train import initialize_distributed

    initialize_distributed(
        coordinator_address=args.coordinator,
        num_processes=args.num_processes,
        process_id=args.process_id,
    )


def _checkpoint_dir(text: str) -> str:
    path = Path(text).resolve()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        reason = e.strerror or type(e).__name__
        raise CLIError(f"--checkpoint {text}: cannot create it ({reason})") from None
    if not os.access(path, os.W_OK):
        raise CLIError(f"--checkpoint {text}: directory is not writable")
    return os.fspath(path)


def _progress_bar(epochs: int, initial: int = 0, show: bool = True):
    from tqdm import tqdm

    return tqdm(
        total=epochs,
        initial=initial,
        unit="epoch",
        desc="train",
        file=sys.stderr,
        leave=True,
        disable=not show,
    )


def _status(text: str, show: bool = True):
    """A one-line status (``text...``), erased when closed."""
    from tqdm import tqdm

    return tqdm(
        desc=text,
        bar_format="{desc}...",
        file=sys.stderr,
        leave=False,
        disable=not show,
    )


def _devices_used(requested: int | None, jax: Any) -> int:
    """How many devices ``fit`` trains on: ``--devices``, else one per host run."""
    if requested is not None:
        return requested
    return jax.device_count() if jax.process_count() > 1 else 1


def _host_params(params: Any) -> tuple[np.ndarray, np.ndarray]:
    def get(a: Any) -> np.ndarray:
        if not getattr(a, "is_fully_addressable", True):
            a = a.addressable_data(0)
        return np.asarray(a, dtype=np.float32)

    return get(params.w), get(params.b)


def _accuracy(w: np.ndarray, b: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    logits = X.astype(np.float32) @ w[:, 0] + b[0]
    return float(np.mean((logits > 0) == (y >= 0.5)))


def _plot(history: dict[str, list[float]], path: str, epochs: int) -> None:
    from matplotlib.figure import Figure

    loss = list(history.get("loss", []))
    if not loss:
        print(
            "funcgrad: no epochs were run, so there is nothing to plot", file=sys.stderr
        )
        return
    first = epochs - len(loss) + 1
    x = list(range(first, epochs + 1))
    fig = Figure(figsize=(10, 4), layout="constrained")
    panels = (("loss", "BCE-with-logits loss"), ("accuracy", "accuracy"))
    for ax, (key, title) in zip(fig.subplots(1, 2), panels, strict=True):
        ax.plot(x, history[key], label="train")
        val = history.get(f"val_{key}")
        if val:
            ax.plot(x, val, label="validation (test split)")
        ax.set_title(title)
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
        ax.legend()
    try:
        fig.savefig(path, dpi=120)
    except OSError as e:
        reason = e.strerror or type(e).__name__
        raise CLIError(f"--plot {path}: cannot write it ({reason})") from None


def _report(summary: dict[str, Any], args: argparse.Namespace) -> None:
    if args.json:
        print(json.dumps(summary))
        return
    s = summary
    if s["resumed_from_epoch"] == s["epochs"]:
        print(
            f"already finished: {args.checkpoint} holds all {s['epochs']} epochs of "
            f"this run; nothing left to train"
        )
    elif s["resumed_from_epoch"] is not None:
        print(f"resumed from epoch {s['resumed_from_epoch']} ({args.checkpoint})")
    print(
        f"data:           {s['data']}, {s['n_train']} train / {s['n_test']} test "
        f"rows, {s['n_features']} features, target {s['target']!r}"
    )
    print(
        f"model:          linear + BCE-with-logits, {s['optimizer']} lr {s['lr']:g}, "
        f"batch {s['batch_size']}, {s['epochs']} epochs"
    )
    print(f"train accuracy: {s['train_accuracy']:.4f}")
    print(f"test accuracy:  {s['test_accuracy']:.4f}")
    print(f"final loss:     {s['final_loss']:.4f} (training split)")
    if s["epochs_run"]:
        print(
            f"training time:  {s['train_seconds']:.2f} s for {s['epochs_run']} "
            f"epochs (compilation {s['compile_seconds']:.2f} s more)"
        )
    print(f"wall time:      {s['wall_seconds']:.2f} s (the whole process)")
    if args.plot:
        print(f"plot:           {args.plot}")


_STREAM_SHARED = _train_stream.Shared(
    default_lr=DEFAULT_LR,
    initialize=_initialize_distributed,
    checkpoint_dir=_checkpoint_dir,
    devices_used=_devices_used,
    params_sha256=params_sha256,
)


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split()) or type(e).__name__
