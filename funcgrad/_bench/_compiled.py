"""The ``compiled`` benchmark: ``funcgrad.torch.compile`` and the eager facade on
whole training steps, each against PyTorch eager (one thread) in the same run.

Two steps, each written once for any torch-shaped module: the tutorial's seed
step (:func:`~funcgrad._bench._cases.make_seed_step`) and an MLP 30-64-64-1 with
ReLU, ``BCEWithLogitsLoss`` and ``optim.Adam`` on a batch of 64
(:func:`make_mlp_step`). Real ``torch.compile`` runs too where it works (it needs a
C++ toolchain), with its compile time: the time of its first call.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from ._cases import _plain_engine, _torch, make_seed_step
from ._timing import interleaved, median, paired_ratio

MLP_SIZES = (30, 64, 64, 1)
MLP_BATCH = 64


def make_mlp_step(torch: Any, batch: int = MLP_BATCH):
    """A training step of an MLP 30-64-64-1 (ReLU) with ``BCEWithLogitsLoss`` and
    ``optim.Adam`` (``zero_grad``, forward, ``backward``, ``step``) on a fixed
    batch; returns ``(step, model, optimizer)``.

    >>> import funcgrad.torch as ft
    >>> step, model, opt = make_mlp_step(ft, batch=4)
    >>> step().shape, len(opt.state)
    (torch.Size([]), 6)
    """
    torch.manual_seed(0)
    nn = torch.nn
    a, h1, h2, out = MLP_SIZES
    model = nn.Sequential(
        nn.Linear(a, h1), nn.ReLU(), nn.Linear(h1, h2), nn.ReLU(), nn.Linear(h2, out)
    )
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    crit = nn.BCEWithLogitsLoss()
    rng = np.random.default_rng(0)
    x = torch.tensor(rng.standard_normal((batch, a), dtype=np.float32))
    y = torch.tensor((rng.random((batch, out)) > 0.5).astype(np.float32))

    def step():
        opt.zero_grad()
        loss = crit(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return step, model, opt


def _first_calls(fn) -> tuple[float, float]:
    """Seconds of the first call (eager: ``.grad`` and optimizer state appear)
    and of the second (the trace and XLA compile, then the run)."""
    out = []
    for _ in range(2):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out[0], out[1]


def _torch_compiled(torch: Any, step) -> tuple[Any, float | None, str | None]:
    """Real ``torch.compile`` of ``step`` and its first-call seconds, or why not."""
    try:
        compiled = torch.compile(step)
        start = time.perf_counter()
        compiled()
        return compiled, time.perf_counter() - start, None
    except Exception as exc:  # noqa: BLE001 - any failure: reported, not fatal
        return None, None, f"{type(exc).__name__}: {str(exc).splitlines()[0]}"


def bench_compiled(cfg) -> dict[str, Any]:
    """Compiled seed and MLP+Adam steps, the eager MLP+Adam step, vs PyTorch."""
    from .. import torch as ft

    seed = ft.compile(make_seed_step(ft))
    mlp = ft.compile(make_mlp_step(ft)[0])
    out: dict[str, Any] = {}
    out["seed_first_call_s"], out["seed_compile_s"] = _first_calls(seed)
    out["mlp_first_call_s"], out["mlp_compile_s"] = _first_calls(mlp)
    fns = {
        "seed": seed,
        "mlp": mlp,
        "mlp_eager": make_mlp_step(ft)[0],
        # the engine's implicit fast path (lazy values, compiled sweeps) off
        "mlp_eager_plain": _plain_engine(make_mlp_step(ft)[0]),
    }
    torch = _torch() if cfg.torch else None
    if torch is not None:
        fns["torch_seed"] = make_seed_step(torch)
        fns["torch_mlp"] = make_mlp_step(torch)[0]
        if cfg.torch_compile:
            for name, make in (("seed", make_seed_step), ("mlp", make_mlp_step)):
                built = make(torch)
                built = built[0] if isinstance(built, tuple) else built
                fn, seconds, why = _torch_compiled(torch, built)
                out[f"torch_compile_{name}_compile_s"] = seconds
                if fn is not None:
                    fns[f"torch_compile_{name}"] = fn
                else:
                    out["torch_compile_error"] = why
    t = interleaved(fns, repeats=cfg.repeats, number=cfg.seed_steps, warmup=3)
    for name in fns:
        out[f"{name}_us"] = median(t[name]) * 1e6
    # the best round of each: what the code costs when the machine lets it run
    for name in ("seed", "mlp", "torch_seed", "torch_mlp"):
        if name in t:
            out[f"{name}_best_us"] = min(t[name]) * 1e6
    for key, a, b in (
        ("seed_speedup_vs_torch", "torch_seed", "seed"),
        ("mlp_speedup_vs_torch", "torch_mlp", "mlp"),
        ("mlp_eager_vs_torch", "mlp_eager", "torch_mlp"),
        ("mlp_fast_path_speedup", "mlp_eager_plain", "mlp_eager"),
        ("seed_vs_torch_compile", "torch_compile_seed", "seed"),
        ("mlp_vs_torch_compile", "torch_compile_mlp", "mlp"),
    ):
        out[key] = paired_ratio(t[a], t[b]) if a in t and b in t else None
    for key, a, b in (
        ("seed_best_speedup_vs_torch", "torch_seed", "seed"),
        ("mlp_best_speedup_vs_torch", "torch_mlp", "mlp"),
    ):
        out[key] = min(t[a]) / min(t[b]) if a in t else None
    out["recompiles"] = seed.compile_count + mlp.compile_count
    return out
