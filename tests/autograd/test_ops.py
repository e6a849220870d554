"""The differential suite: every registry entry against real PyTorch.

Each case (``op_cases.CASES``) runs on ``torch`` and on ``funcgrad.torch`` with the
same random inputs; values, gradients (of a random weighted sum), ``grad_fn``
names, the whole ``next_functions`` structure and the printed output must agree.
"""

from __future__ import annotations

import numpy as np
import pytest

import funcgrad.torch as ft
from funcgrad.autograd.ops import OPS

from .op_cases import CASES

PARAMS = [
    pytest.param(name, i, case, id=f"{name}-{i}")
    for name, cases in sorted(CASES.items())
    for i, case in enumerate(cases)
]


def test_every_op_has_a_case():
    missing = sorted(set(OPS) - set(CASES))
    assert not missing, f"registry entries without a differential case: {missing}"
    assert not sorted(set(CASES) - set(OPS)), "cases for unregistered ops"


def _inputs(case, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    if case.positive:
        return [rng.uniform(0.5, 2.0, s).astype(np.float32) for s in case.shapes]
    return [rng.standard_normal(s).astype(np.float32) for s in case.shapes]


def _structure(fn):
    """``grad_fn`` as nested ``(name, children)``; leaves as ``"AccumulateGrad"``."""
    if fn is None:
        return None
    name = fn.name()
    if name.endswith("AccumulateGrad"):
        return "AccumulateGrad"
    return (name, tuple(_structure(child) for child, _ in fn.next_functions))


def _names(structure) -> set[str]:
    if not isinstance(structure, tuple):
        return {structure} if structure else set()
    name, children = structure
    return {name}.union(*(_names(c) for c in children))


def _run(module, arrays, case, weight_seed: int):
    xs = [module.tensor(a, requires_grad=True) for a in arrays]
    out = case.fn(module, *xs)
    indices = None
    if isinstance(out, tuple):
        out, indices = out
        indices = indices.numpy()
    w = np.random.default_rng(weight_seed).standard_normal(tuple(out.shape))
    if case.grad:
        out.backward(module.tensor(w.astype(np.float32)))
    return {
        "value": out.detach().numpy(),
        "dtype": str(out.dtype),
        "indices": indices,
        "grads": [x.grad.numpy() if x.grad is not None else None for x in xs],
        "structure": _structure(out.grad_fn),
        "repr": repr(out),
    }


@pytest.mark.parametrize(("name", "index", "case"), PARAMS)
def test_case(name, index, case):
    """The case records its entry's node; then, where PyTorch is installed, it
    gives what PyTorch gives."""
    arrays = _inputs(case, seed=index)
    got = _run(ft, arrays, case, weight_seed=index + 100)
    assert OPS[name].node_name in _names(got["structure"])
    try:
        import torch as real_torch
    except ImportError:
        return
    want = _run(real_torch, arrays, case, weight_seed=index + 100)
    np.testing.assert_allclose(got["value"], want["value"], rtol=1e-5, atol=1e-6)
    assert got["dtype"] == want["dtype"]
    if want["indices"] is not None:
        np.testing.assert_array_equal(got["indices"], want["indices"])
    for g, w in zip(got["grads"], want["grads"], strict=True):
        assert (g is None) == (w is None)
        if w is not None:
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5)
    assert got["structure"] == want["structure"]
    assert got["repr"] == want["repr"]
