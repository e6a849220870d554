"""Load and concurrency: a long facade loop does not grow memory, and threads
training independent models at once give the results they give one by one."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np

import funcgrad.torch as torch

SCRIPT = Path(__file__).parent / "_scripts" / "facade_loop.py"
STEPS = 30_000
MAX_GROWTH_KB = 20 * 1024


def test_30k_facade_steps_keep_peak_rss_flat() -> None:
    out = subprocess.run(
        [sys.executable, str(SCRIPT), str(STEPS)],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    growth = result["after_kb"] - result["before_kb"]
    assert growth < MAX_GROWTH_KB, f"peak RSS grew by {growth} kB over {STEPS} steps"
    assert np.isfinite(result["loss_w_sum"])


def _train(seed: int, steps: int = 40) -> np.ndarray:
    """Train a tiny logistic model with manual SGD under no_grad; return w."""
    rng = np.random.default_rng(seed)
    x = torch.tensor(rng.normal(size=(16, 4)).astype(np.float32))
    y = torch.tensor((rng.random((16, 1)) > 0.5).astype(np.float32))
    w = torch.tensor(rng.normal(size=(4, 1)).astype(np.float32), requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    for i in range(steps):
        loss = torch.nn.functional.binary_cross_entropy_with_logits(x @ w + b, y)
        loss.backward()
        # Toggle grad mode often so a leak between threads would show.
        with torch.no_grad():
            assert not torch.is_grad_enabled()
            w -= 0.5 * w.grad
            b -= 0.5 * b.grad
        assert torch.is_grad_enabled()
        w.grad = None
        b.grad = None
        if i % 7 == 0:
            with torch.set_grad_enabled(False):
                assert (x @ w).grad_fn is None
    return np.concatenate([w.detach().numpy().ravel(), b.detach().numpy()])


def test_eight_threads_match_sequential_runs() -> None:
    seeds = list(range(8))
    expected = {s: _train(s) for s in seeds}
    results: dict[int, np.ndarray] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(seeds))

    def worker(seed: int) -> None:
        try:
            barrier.wait()
            results[seed] = _train(seed)
        except BaseException as e:  # surfaced below, with the thread's error
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(s,)) for s in seeds]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    for s in seeds:
        np.testing.assert_array_equal(results[s], expected[s])
