"""The benchmarks: each one measures funcgrad against a baseline in the same run.

Every function here takes a :class:`~funcgrad._bench.Config` and returns a flat dict
of figures (seconds are reported in the unit named by the key's suffix: ``_us``,
``_ms``, ``_s``); ratios are computed from interleaved rounds
(:func:`~funcgrad._bench._timing.paired_ratio`). PyTorch baselines are skipped,
leaving ``None``, when ``torch`` is not importable.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import tempfile
from typing import Any

import numpy as np

from ..autograd import fast
from ._stream import bench_stream
from ._timing import interleaved, median, paired_ratio, run_python, wall_times

# The tutorial's cells (the seed script), for any torch-shaped module.
SEED_SCRIPT = """\
import {module} as torch

x = torch.ones(5)
y = torch.zeros(3)
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
print("Gradient function for z =", z.grad_fn)
print("Gradient function for loss =", loss.grad_fn)
loss.backward()
print(w.grad)
print(b.grad)
z = torch.matmul(x, w) + b
print(z.requires_grad)
with torch.no_grad():
    z = torch.matmul(x, w) + b
print(z.requires_grad)
z_det = z.detach()
print(z_det.requires_grad)
"""


def have_torch() -> bool:
    """Whether PyTorch is importable (baselines are skipped without it).

    >>> isinstance(have_torch(), bool)
    True
    """
    return importlib.util.find_spec("torch") is not None


def _torch(threads: int | None = 1):
    import torch

    if threads is not None:
        # Tiny tensors get no intra-op parallelism; on a shared 2-core machine the
        # idle pool's wake-ups cost PyTorch more than the maths, so pin it to one.
        torch.set_num_threads(threads)
    return torch


# --------------------------------------------------------------------------------------
# 1. The seed step on the facade and on PyTorch eager.


def make_seed_step(torch: Any, lr: float = 0.1):
    """One training step of the tutorial's model, written once for any torch module.

    Forward ``torch.matmul(x, w) + b``, BCE-with-logits, ``backward()``, an SGD
    update under ``no_grad`` and zeroing the grads; returns the step function.

    >>> import funcgrad.torch as ft
    >>> step = make_seed_step(ft)
    >>> step().grad_fn
    <BinaryCrossEntropyWithLogitsBackward0 object at 0x...>
    """
    torch.manual_seed(0)
    x, y = torch.ones(5), torch.zeros(3)
    w = torch.randn(5, 3, requires_grad=True)
    b = torch.randn(3, requires_grad=True)
    bce = torch.nn.functional.binary_cross_entropy_with_logits

    def step():
        z = torch.matmul(x, w) + b
        loss = bce(z, y)
        loss.backward()
        with torch.no_grad():
            w.sub_(lr * w.grad)
            b.sub_(lr * b.grad)
        w.grad.zero_()
        b.grad.zero_()
        return loss

    return step


def _clear_graph_cache() -> None:
    fast.clear_caches()


def _plain_engine(step):
    """``step`` with the engine's fast path switched off (the per-op engine)."""

    def plain():
        with fast.disabled():
            return step()

    return plain


def bench_seed(cfg) -> dict[str, Any]:
    """Facade seed step (warm, first sighting, per-op engine) vs PyTorch eager."""
    from .. import torch as ft

    fns = {"facade": make_seed_step(ft)}
    facade_cold = make_seed_step(ft)

    def cold():
        _clear_graph_cache()  # every step is a graph seen for the first time
        return facade_cold()

    fns["facade_cold"] = cold
    fns["facade_plain"] = _plain_engine(make_seed_step(ft))
    if cfg.torch:
        fns["torch"] = make_seed_step(_torch())
    t = interleaved(fns, repeats=cfg.repeats, number=cfg.seed_steps, warmup=3)
    out: dict[str, Any] = {
        "facade_us": median(t["facade"]) * 1e6,
        "facade_cold_us": median(t["facade_cold"]) * 1e6,
        "facade_plain_us": median(t["facade_plain"]) * 1e6,
        "fast_path_speedup": paired_ratio(t["facade_plain"], t["facade"]),
        "torch_us": None,
        "speedup_vs_torch": None,
        "cold_vs_torch": None,
    }
    if "torch" in t:
        out["torch_us"] = median(t["torch"]) * 1e6
        out["speedup_vs_torch"] = paired_ratio(t["torch"], t["facade"])
        out["cold_vs_torch"] = paired_ratio(t["facade_cold"], t["torch"])
    return out


# --------------------------------------------------------------------------------------
# 2. fit's per-step cost vs a PyTorch eager step with torch.optim.SGD.

FIT_FEATURES = 30
FIT_BATCH = 32


def _fit_data(rows: int, features: int = FIT_FEATURES):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((rows, features), dtype=np.float32)
    Y = (X @ rng.standard_normal(features).astype(np.float32) > 0).astype(np.float32)
    return X, Y


def fit_step_seconds(
    rows: int, epochs: tuple[int, int], repeats: int, devices_list=(None,)
) -> dict[str, dict[str, float]]:
    """``fit``'s marginal seconds per step, for each entry of ``devices_list``.

    The marginal cost is ``(t(epochs[1]) - t(epochs[0])) / extra steps``: it leaves
    out what one call of ``fit`` pays once (argument checks, transfers, the
    compiled call itself). Both epoch counts are compiled before timing.

    >>> r = fit_step_seconds(64, (1, 2), repeats=1)
    >>> sorted(r["1"])
    ['call_per_step_s', 'marginal_per_step_s', 'steps']
    """
    import jax
    import optax

    from .. import functional, train

    X, Y = _fit_data(rows)
    params = functional.init_linear(jax.random.key(0), X.shape[1], 1)
    opt = optax.sgd(0.1)
    steps_per_epoch = -(-rows // FIT_BATCH)
    results = {}
    for devices in devices_list:

        def run(n, devices=devices):
            return train.fit(
                params,
                X,
                Y,
                optimizer=opt,
                epochs=n,
                batch_size=FIT_BATCH,
                key=jax.random.key(1),
                devices=devices,
            ).params

        lo, hi = epochs
        t = interleaved(
            {"lo": lambda n=lo, r=run: r(n), "hi": lambda n=hi, r=run: r(n)},
            repeats=repeats,
            sync=jax.block_until_ready,
        )
        extra = (hi - lo) * steps_per_epoch
        results[str(devices or 1)] = {
            "marginal_per_step_s": max(
                median([b - a for a, b in zip(t["lo"], t["hi"], strict=True)]) / extra,
                0.0,
            ),
            "call_per_step_s": median(t["hi"]) / (hi * steps_per_epoch),
            "steps": hi * steps_per_epoch,
        }
    return results


def _torch_fit_step(rows: int):
    torch = _torch()
    X, Y = _fit_data(rows)
    torch.manual_seed(0)
    model = torch.nn.Linear(X.shape[1], 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    bce = torch.nn.BCEWithLogitsLoss()
    Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y).reshape(-1, 1)
    batches = [
        (Xt[i : i + FIT_BATCH], Yt[i : i + FIT_BATCH])
        for i in range(0, rows, FIT_BATCH)
    ]
    state = {"i": 0}

    def step():
        xb, yb = batches[state["i"] % len(batches)]
        state["i"] += 1
        opt.zero_grad()
        loss = bce(model(xb), yb)
        loss.backward()
        opt.step()
        return loss

    return step


def bench_fit(cfg) -> dict[str, Any]:
    """``fit`` (compiled epoch loop, batch 32, 30 features) vs PyTorch eager SGD."""
    r = fit_step_seconds(cfg.fit_rows, cfg.fit_epochs, cfg.repeats)["1"]
    out: dict[str, Any] = {
        "fit_marginal_us": r["marginal_per_step_s"] * 1e6,
        "fit_call_us": r["call_per_step_s"] * 1e6,
        "torch_step_us": None,
        "speedup_vs_torch": None,
        "call_speedup_vs_torch": None,
    }
    if cfg.torch:
        t = interleaved(
            {"torch": _torch_fit_step(cfg.fit_rows)},
            repeats=cfg.repeats,
            number=cfg.seed_steps,
            warmup=10,
        )
        torch_s = median(t["torch"])
        out["torch_step_us"] = torch_s * 1e6
        if r["marginal_per_step_s"] > 0:
            out["speedup_vs_torch"] = torch_s / r["marginal_per_step_s"]
        out["call_speedup_vs_torch"] = torch_s / r["call_per_step_s"]
    return out


# --------------------------------------------------------------------------------------
# 3. The big-batch full gradient vs one read of X and vs PyTorch eager.


def _big_data(rows: int, features: int):
    rng = np.random.default_rng(0)
    X = rng.random((rows, features), dtype=np.float32)
    X -= np.float32(0.5)
    Y = (rng.random((rows, 1)) < 0.5).astype(np.float32)
    return X, Y


def _jax_big(rows: int, features: int, X=None, Y=None):
    import jax
    import jax.numpy as jnp

    from .. import functional

    if X is None:
        X, Y = _big_data(rows, features)
    params = functional.init_linear(jax.random.key(0), features, 1)
    Xj, Yj = jnp.asarray(X), jnp.asarray(Y)
    xla = jax.jit(jax.value_and_grad(functional.loss))
    return {
        "onepass": lambda: functional.loss_and_grad(params, Xj, Yj),
        "xla": lambda: xla(params, Xj, Yj),
    }, (X, Y)


def _torch_big(X, Y, threads):
    torch = _torch(threads)
    Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
    model = torch.nn.Linear(X.shape[1], 1)
    bce = torch.nn.functional.binary_cross_entropy_with_logits

    def step():
        model.zero_grad(set_to_none=True)
        loss = bce(model(Xt), Yt)
        loss.backward()
        return loss

    return step


#: Seconds of rest before each timing of the big, multi-threaded benchmarks: the
#: thread pools of the call before (XLA's, PyTorch's OpenMP) stop spinning.
SETTLE = 0.05
#: Calls in a row per timing of the big benchmarks, as a training loop makes
#: them: the first call after a rest finds the second core idle, and the one-pass
#: gradient's two threads then took 14-17.5 ms instead of 10.5-11.
BIG_CALLS = 3


def bench_bigbatch(cfg) -> dict[str, Any]:
    """One-pass gradient vs the one-read roofline, XLA's plan and PyTorch eager."""
    import jax

    rows, features = cfg.big_rows, cfg.big_features
    fns, (X, Y) = _jax_big(rows, features)
    # One read of X, two honest ways: NumPy's sum (one core) and XLA's jitted sum
    # of X on the device (its threads); a round's baseline is the faster of them.
    Xj, xla_sum = jax.device_put(X), jax.jit(lambda a: a.sum())
    fns["read_once"] = lambda: np.sum(X)
    fns["read_once_xla"] = lambda: xla_sum(Xj)
    if cfg.torch:
        default_threads = _torch(None).get_num_threads()
        fns["torch"] = _torch_big(X, Y, None)
    t = interleaved(
        fns,
        repeats=cfg.repeats,
        number=BIG_CALLS,
        sync=jax.block_until_ready,
        settle=SETTLE,
    )
    numpy_read, xla_read = t["read_once"], t.pop("read_once_xla")
    t["read_once"] = [min(a, b) for a, b in zip(numpy_read, xla_read, strict=True)]
    torch_key = "torch"
    if cfg.torch and default_threads != 1:
        # PyTorch's best figure: its default pool, or one thread if that is faster
        # on a shared machine.
        t1 = interleaved(
            {"torch1": _torch_big(X, Y, 1), "read_once": fns["read_once"]},
            repeats=cfg.repeats,
            number=BIG_CALLS,
            settle=SETTLE,
        )
        _torch(default_threads)
        if median(t1["torch1"]) / median(t1["read_once"]) < median(t["torch"]) / median(
            t["read_once"]
        ):
            scale = median(t["read_once"]) / median(t1["read_once"])
            t["torch"] = [x * scale for x in t1["torch1"]]
            torch_key = "torch (1 thread)"
    read = median(t["read_once"])
    out: dict[str, Any] = {
        "rows": rows,
        "features": features,
        "read_once_ms": read * 1e3,
        "read_numpy_ms": median(numpy_read) * 1e3,
        "read_xla_ms": median(xla_read) * 1e3,
        "read_GBps": X.nbytes / read / 1e9,
        "onepass_ms": median(t["onepass"]) * 1e3,
        "xla_ms": median(t["xla"]) * 1e3,
        "onepass_vs_roofline": paired_ratio(t["onepass"], t["read_once"]),
        "xla_vs_roofline": paired_ratio(t["xla"], t["read_once"]),
        "torch_ms": None,
        "torch_baseline": None,
        "speedup_vs_torch": None,
    }
    if cfg.torch:
        out["torch_ms"] = median(t["torch"]) * 1e3
        out["torch_baseline"] = torch_key
        out["speedup_vs_torch"] = median(t["torch"]) / median(t["onepass"])
    return out


# --------------------------------------------------------------------------------------
# 4. Start-up: fresh processes.


def _demo_available() -> bool:
    try:
        run_python(
            "import sys; from funcgrad.cli import main; sys.exit(main(['demo']))"
        )
    except (RuntimeError, OSError):
        return False
    return True


def bench_startup(cfg) -> dict[str, Any]:
    """``import funcgrad`` and the tutorial on funcgrad vs on PyTorch (subprocesses)."""
    py = sys.executable
    demo = _demo_available()
    commands = {
        "import_funcgrad": [py, "-c", "import funcgrad"],
        "seed_funcgrad": (
            [py, "-m", "funcgrad", "demo"]
            if demo
            else [py, "-c", SEED_SCRIPT.format(module="funcgrad.torch")]
        ),
    }
    if cfg.torch:
        commands["import_torch"] = [py, "-c", "import torch"]
        commands["seed_torch"] = [py, "-c", SEED_SCRIPT.format(module="torch")]
    t = wall_times(commands, repeats=cfg.startup_repeats)
    out: dict[str, Any] = {
        "funcgrad_program": "funcgrad demo"
        if demo
        else "seed script on funcgrad.torch",
        "import_funcgrad_s": median(t["import_funcgrad"]),
        "seed_funcgrad_s": median(t["seed_funcgrad"]),
        "import_torch_s": None,
        "seed_torch_s": None,
        "import_vs_torch": None,
        "seed_vs_torch": None,
    }
    if cfg.torch:
        out["import_torch_s"] = median(t["import_torch"])
        out["seed_torch_s"] = median(t["seed_torch"])
        out["import_vs_torch"] = paired_ratio(t["import_funcgrad"], t["import_torch"])
        out["seed_vs_torch"] = paired_ratio(t["seed_funcgrad"], t["seed_torch"])
    return out


# --------------------------------------------------------------------------------------
# 5. Scaling: the big-batch step over N, and fit over 1, 2 and 4 host devices.


def bench_scaling(cfg) -> dict[str, Any]:
    """Big-batch time per row for growing N; ``fit`` per step on 1, 2, 4 devices."""
    import jax

    features = cfg.big_features
    most = max(cfg.scaling_rows)
    X, Y = _big_data(most, features)
    # Every size streams about the same rows per round (``most // rows`` calls in a
    # row), so the first call after a big size, which finds the caches full of the
    # other size's X, weighs no more for small N than for large N.
    calls = {rows: max(1, most // rows) for rows in cfg.scaling_rows}

    def repeated(fn, k):
        def run():
            for _ in range(k):
                result = fn()
            return result

        return run

    fns = {
        rows: repeated(
            _jax_big(rows, features, X[:rows], Y[:rows])[0]["onepass"], calls[rows]
        )
        for rows in cfg.scaling_rows
    }
    # Every size runs once per round, in turn, so a busy spell hits them all.
    t = interleaved(fns, repeats=cfg.repeats, sync=jax.block_until_ready)
    out: dict[str, Any] = {}
    per_row = []
    for rows in cfg.scaling_rows:
        ns = median(t[rows]) / (rows * calls[rows]) * 1e9
        per_row.append(ns)
        out[f"onepass_ns_per_row_{rows}"] = ns
    out["ns_per_row_max_over_min"] = max(per_row) / min(per_row)
    out.update(_fit_devices(cfg))
    return out


_FIT_DEVICES_SCRIPT = """\
import json, sys
from funcgrad._bench._cases import fit_step_seconds
cfg = json.loads(sys.argv[1])
r = fit_step_seconds(cfg["rows"], tuple(cfg["epochs"]), cfg["repeats"],
                     devices_list=cfg["devices"])
print(json.dumps(r))
"""


def _fit_devices(cfg) -> dict[str, Any]:
    devices = list(cfg.fit_devices)
    flags = os.environ.get("XLA_FLAGS", "")
    env = {
        "XLA_FLAGS": f"{flags} --xla_force_host_platform_device_count={max(devices)}",
        "JAX_PLATFORMS": "cpu",
    }
    arg = json.dumps(
        {
            "rows": cfg.fit_rows,
            "epochs": list(cfg.fit_epochs),
            "repeats": cfg.repeats,
            "devices": devices,
        }
    )
    r = json.loads(run_python(_FIT_DEVICES_SCRIPT, arg, env=env))
    out = {}
    one = r[str(devices[0])]["marginal_per_step_s"]
    for d in devices:
        s = r[str(d)]["marginal_per_step_s"]
        out[f"fit_{d}dev_us"] = s * 1e6
        out[f"fit_{d}dev_vs_1dev"] = s / one if one > 0 else None
    return out


# --------------------------------------------------------------------------------------
# 6. CSV: load_csv vs numpy.loadtxt on the same file; peak memory in a fresh process.

CSV_FEATURES = 10


def write_csv_file(path: str, rows: int, features: int = CSV_FEATURES) -> None:
    """A CSV file of ``rows`` x ``features`` normal values (6 digits) and a 0/1 label.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "b.csv")
    >>> write_csv_file(path, 2, features=2)
    >>> with open(path) as f:
    ...     f.readline()
    'f0,f1,label\\n'
    """
    rng = np.random.default_rng(0)
    X = rng.standard_normal((rows, features), dtype=np.float32)
    y = rng.random(rows) < 0.5
    with open(path, "w", encoding="utf-8") as f:
        f.write(",".join([f"f{i}" for i in range(features)] + ["label"]) + "\n")
        fmt = ["%.6g"] * features + ["%d"]
        np.savetxt(f, np.column_stack([X, y]), fmt=fmt, delimiter=",")


_CSV_MEMORY_SCRIPT = """\
import json, resource, sys
import numpy as np
from funcgrad.data import load_csv

def rss(key):
    try:
        with open("/proc/self/status") as f:
            return [int(l.split()[1]) * 1024 for l in f if l.startswith(key)][0]
    except (OSError, IndexError):
        return None

def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return rss("VmHWM:") is not None
    except OSError:
        return False

def maxrss():
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r if sys.platform == "darwin" else r * 1024

exact = reset_peak()
before = rss("VmRSS:") if exact else maxrss()
if sys.argv[2] == "load_csv":
    X = load_csv(sys.argv[1]).X
else:
    X = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1, dtype=np.float32)
peak = rss("VmHWM:") if exact else maxrss()
print(json.dumps({"increase": peak - before, "array": X.nbytes}))
"""


def bench_csv(cfg) -> dict[str, Any]:
    """``load_csv`` vs ``numpy.loadtxt`` on one file: time, and peak memory."""
    from ..data import load_csv

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bench.csv")
        write_csv_file(path, cfg.csv_rows)
        t = interleaved(
            {
                "load_csv": lambda: load_csv(path),
                "loadtxt": lambda: np.loadtxt(
                    path, delimiter=",", skiprows=1, dtype=np.float32
                ),
            },
            repeats=cfg.csv_repeats,
            warmup=0,
        )
        memory = {
            name: json.loads(run_python(_CSV_MEMORY_SCRIPT, path, name))
            for name in ("load_csv", "loadtxt")
        }
    array = memory["load_csv"]["array"]
    return {
        "rows": cfg.csv_rows,
        "features": CSV_FEATURES,
        "load_csv_s": median(t["load_csv"]),
        "loadtxt_s": median(t["loadtxt"]),
        "speedup_vs_loadtxt": paired_ratio(t["loadtxt"], t["load_csv"]),
        "array_mb": array / 1e6,
        "load_csv_peak_mb": memory["load_csv"]["increase"] / 1e6,
        "loadtxt_peak_mb": memory["loadtxt"]["increase"] / 1e6,
        "peak_over_array": memory["load_csv"]["increase"] / array,
    }


# 7. Checkpoints: what --checkpoint adds to a whole `funcgrad train` process.

_TRAIN_SCRIPT = """\
import shutil, sys
from funcgrad.cli import main
argv = ["train", "--epochs", sys.argv[1]]
if len(sys.argv) > 2:
    shutil.rmtree(sys.argv[2], ignore_errors=True)  # a fresh run each time
    argv += ["--checkpoint", sys.argv[2]]
sys.exit(main(argv))
"""


def bench_checkpoint(cfg) -> dict[str, Any]:
    """``funcgrad train --checkpoint DIR`` vs ``funcgrad train``, in turn."""
    py, epochs = sys.executable, str(cfg.train_epochs)
    with tempfile.TemporaryDirectory() as tmp:
        commands = {
            "plain": [py, "-c", _TRAIN_SCRIPT, epochs],
            "checkpoint": [py, "-c", _TRAIN_SCRIPT, epochs, os.path.join(tmp, "c")],
        }
        t = wall_times(commands, repeats=cfg.startup_repeats)
    return {
        "epochs": cfg.train_epochs,
        "train_s": median(t["plain"]),
        "train_checkpoint_s": median(t["checkpoint"]),
        "checkpoint_vs_plain": paired_ratio(t["checkpoint"], t["plain"]),
    }


BENCHMARKS = {
    "seed": bench_seed,
    "fit": bench_fit,
    "bigbatch": bench_bigbatch,
    "startup": bench_startup,
    "scaling": bench_scaling,
    "csv": bench_csv,
    "stream": bench_stream,
    "checkpoint": bench_checkpoint,
}
