"""Differential misuse suite: common mistakes get PyTorch's exception type and
message, or PyTorch's value where PyTorch accepts the code.

Every case in ``misuse_cases.CASES`` runs under ``funcgrad.torch`` and is compared
with what PyTorch 2.13 gives (stored with the case, so the suite also runs without
torch); where torch is importable, the stored expectation is checked against real
torch too, so the table cannot drift from the oracle.
"""

from __future__ import annotations

import collections
import warnings

import pytest

import funcgrad.torch as fg_torch

from .misuse_cases import CASES, PENDING


def run(module, code: str) -> tuple:
    """Run ``code`` with ``torch`` bound to ``module``; its last line is the result.

    >>> run(fg_torch, "torch.zeros(2).shape")
    ('value', 'torch.Size([2])')
    """
    *body, last = code.split("\n")
    scope = {"torch": module}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec("\n".join(body), scope)
            if last.startswith(" ") or (
                "=" in last.split("(")[0] and not last.startswith("torch")
            ):
                exec(last, scope)
                return ("value", "None")
            return ("value", repr(eval(last, scope)))
    except Exception as e:  # noqa: BLE001 - the exception is the result
        return ("raise", type(e).__name__, str(e).split("\n")[0])


IDS = [f"{c.category}-{i}" for i, c in enumerate(CASES)]
MARKED = [
    pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=PENDING[c.code]))
    if c.code in PENDING
    else c
    for c in CASES
]


@pytest.mark.parametrize("case", MARKED, ids=IDS)
def test_facade_matches_pytorch(case):
    assert run(fg_torch, case.code) == case.expected


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_expectation_is_pytorchs(case):
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available() and case.category == "device":
        pytest.skip("the device cases describe a machine without CUDA")
    assert run(torch, case.code) == case.expected


def test_every_category_is_covered():
    counts = collections.Counter(c.category for c in CASES)
    assert len(CASES) >= 100
    assert set(counts) >= {
        "index", "setitem", "factory", "data", "loss", "module", "hook", "grad",
        "ops", "device", "optim",
    }  # fmt: skip
    assert min(counts.values()) >= 5


def test_traced_index_out_of_range_reads_fill_not_a_neighbour():
    # Concrete indices are checked (IndexError, as torch); a traced index cannot be
    # checked without a host round trip, so it reads NaN instead of JAX's clamp.
    import jax
    import jax.numpy as jnp

    def pick(values, index):
        return fg_torch.Tensor(values)[fg_torch.Tensor(index)]._value

    got = jax.jit(pick)(jnp.arange(5.0), jnp.array([1, 7, -1]))
    assert got[0] == 1.0 and got[2] == 4.0
    assert jnp.isnan(got[1])
    with pytest.raises(IndexError, match="index 7 is out of bounds"):
        pick(jnp.arange(5.0), jnp.array([1, 7, -1]))


def test_bce_range_is_checked_on_concrete_values_only():
    # Eager: torch's RuntimeError. Traced: no host round trip to check, so no error
    # (the README lists this leniency); the loss of an in-range input is unchanged.
    import jax
    import jax.numpy as jnp

    F = fg_torch.nn.functional

    def loss(p):
        return F.binary_cross_entropy(fg_torch.Tensor(p), fg_torch.ones(2))._value

    with pytest.raises(RuntimeError, match="between 0 and 1"):
        loss(jnp.array([1.5, 0.5]))
    traced = jax.jit(loss)(jnp.array([1.5, 0.5]))
    assert traced.shape == ()
    assert jax.jit(loss)(jnp.array([0.5, 0.5])) == pytest.approx(0.6931472, rel=1e-6)
