"""Hypothesis drives the public facade with bad arguments: wrong types, negative
or huge sizes, NaN/inf, empty tensors, mismatched shapes and dtypes.

Only PyTorch's exception types may come out (never a JAX or NumPy error from
inside the library), and where real torch is importable, the facade raises
wherever torch raises, and where both return, the values agree. (The exact type
and message of each mistake is the differential suite's job: test_misuse.py.)
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import funcgrad.torch as fg_torch

DTYPES = ["float32", "float64", "int64", "bool"]
SHAPES = [(), (0,), (1,), (3,), (2, 3), (3, 2), (2, 1, 3)]

scalars = st.sampled_from(
    [0, 1, 2, 3, -1, -3, 2**40, 2**70, 2.5, -0.5, math.nan, math.inf, True, "a", None]
)
tensor_specs = st.tuples(
    st.just("tensor"),
    st.sampled_from(SHAPES),
    st.sampled_from(DTYPES),
    st.sampled_from([0.0, 0.5, 1.0, -2.0, math.nan]),
)
ragged = st.sampled_from([[1, 2], [[1, 2], [3]], [1, "a"], [[1], 2], [], [None]])
args = st.one_of(scalars, tensor_specs, st.tuples(st.just("list"), ragged))


def build(module, spec):
    """A spec as a value of ``module`` (tensors are made in that library)."""
    if isinstance(spec, tuple) and spec and spec[0] == "tensor":
        _, shape, dtype, fill = spec
        array = np.full(shape, fill, dtype="float64")
        if dtype != "float64" and dtype != "float32":
            array = np.nan_to_num(array).astype(dtype)
        return module.tensor(array.tolist(), dtype=getattr(module, dtype))
    if isinstance(spec, tuple) and spec and spec[0] == "list":
        return list(spec[1])
    return spec


CALLS = {
    "zeros": lambda M, a, b, c: M.zeros(a, b),
    "ones": lambda M, a, b, c: M.ones(a),
    "empty": lambda M, a, b, c: M.empty(a, b).shape,
    "full": lambda M, a, b, c: M.full(a, b),
    "arange": lambda M, a, b, c: M.arange(a, b),
    "linspace": lambda M, a, b, c: M.linspace(a, b, c),
    "eye": lambda M, a, b, c: M.eye(a, b),
    "tensor": lambda M, a, b, c: M.tensor(a),
    "randn": lambda M, a, b, c: M.randn(a, b).shape,
    "add": lambda M, a, b, c: a + b,
    "mul": lambda M, a, b, c: a * b,
    "sub": lambda M, a, b, c: a - b,
    "div": lambda M, a, b, c: a / b,
    "matmul": lambda M, a, b, c: M.matmul(a, b),
    "cat": lambda M, a, b, c: M.cat([a, b]),
    "stack": lambda M, a, b, c: M.stack([a, b]),
    "where": lambda M, a, b, c: M.where(a, b, c),
    "getitem": lambda M, a, b, c: a[b],
    "view": lambda M, a, b, c: a.view(b),
    "reshape": lambda M, a, b, c: a.reshape(b, c),
    "sum": lambda M, a, b, c: a.sum(dim=b),
    "transpose": lambda M, a, b, c: a.transpose(b, c),
    "unsqueeze": lambda M, a, b, c: a.unsqueeze(b),
    "expand": lambda M, a, b, c: a.expand(b, c),
    "mse_loss": lambda M, a, b, c: M.nn.functional.mse_loss(a, b),
    "bce": lambda M, a, b, c: M.nn.functional.binary_cross_entropy(a, b),
    "bce_logits": lambda M, a, b, c: M.nn.functional.binary_cross_entropy_with_logits(
        a, b
    ),
    "cross_entropy": lambda M, a, b, c: M.nn.functional.cross_entropy(a, b),
    "softmax": lambda M, a, b, c: M.nn.functional.softmax(a, b),
    "linear": lambda M, a, b, c: M.nn.functional.linear(a, b),
}


OPERATORS = {"add", "mul", "sub", "div", "getitem"}


def outcome(module, name: str, specs: tuple):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            values = [build(module, s) for s in specs]
            result = CALLS[name](module, *values)
            repr(result)  # a deferred error belongs to the call
            return "value", result
    except Exception as e:  # noqa: BLE001 - the exception is the outcome
        return "raise", e


def _same_value(a, b) -> bool:
    if hasattr(a, "detach"):
        if str(a.dtype) != str(b.dtype):
            return False
        a, b = a.detach().numpy(), np.asarray(b.detach().numpy())
        if a.shape != b.shape:
            return False
        return bool(np.allclose(a, b, equal_nan=True, rtol=1e-5, atol=1e-6))
    return a == b or repr(a) == repr(b)


# What PyTorch raises for bad arguments (OverflowError for a Python int past
# int64); anything else (a JAX or NumPy error, a ZeroDivisionError) is a bug.
TORCH_TYPES = (
    TypeError, ValueError, RuntimeError, IndexError, NotImplementedError,
    AttributeError, AssertionError, OverflowError,
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(sorted(CALLS)), args, args, args)
def test_only_torch_exception_types_come_out(name, a, b, c):
    if name in OPERATORS:  # between plain Python values, Python answers alone
        assume(isinstance(a, tuple) and a[0] == "tensor")
    kind, result = outcome(fg_torch, name, (a, b, c))
    if kind == "raise":
        assert type(result) in TORCH_TYPES, repr(result)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(sorted(CALLS)), args, args, args)
def test_facade_raises_where_torch_raises(name, a, b, c):
    torch = pytest.importorskip("torch")
    want_kind, want = outcome(torch, name, (a, b, c))
    kind, got = outcome(fg_torch, name, (a, b, c))
    if want_kind == "raise":
        assert kind == "raise", f"torch raises {want!r}; the facade returns {got!r}"
    elif kind == "value":
        assert _same_value(want, got), (want, got)
