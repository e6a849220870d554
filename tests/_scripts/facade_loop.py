"""Runs the seed training step on the facade N times and prints peak RSS growth.

Usage: python facade_loop.py STEPS. Prints one JSON line: the peak resident set
(VmHWM) after a warm-up of 1,000 steps and after STEPS more, in kB.
"""

import json
import sys

import funcgrad.torch as torch


def peak_rss_kb() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("VmHWM not found in /proc/self/status")


def main(steps: int) -> None:
    torch.manual_seed(0)
    x = torch.ones(5)
    y = torch.zeros(3)
    w = torch.randn(5, 3, requires_grad=True)
    b = torch.randn(3, requires_grad=True)

    def step() -> None:
        nonlocal w, b
        z = torch.matmul(x, w) + b
        loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
        loss.backward()
        with torch.no_grad():
            w -= 0.1 * w.grad
            b -= 0.1 * b.grad
        w.grad.zero_()
        b.grad.zero_()

    for _ in range(1000):
        step()
    before = peak_rss_kb()
    for _ in range(steps):
        step()
    after = peak_rss_kb()
    print(
        json.dumps(
            {"before_kb": before, "after_kb": after, "loss_w_sum": float(w.sum())}
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
