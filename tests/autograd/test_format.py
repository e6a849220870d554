"""``format_tensor`` prints exactly what ``repr`` of a PyTorch tensor prints.

PyTorch itself is the oracle wherever it is installed; a handful of pinned strings
keep the basic checks running without it.
"""

from __future__ import annotations

import contextlib
import doctest
import math
from collections.abc import Callable, Iterator
from typing import Any

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from funcgrad.autograd import _format
from funcgrad.autograd._format import (
    PrintOptions,
    format_tensor,
    get_printoptions,
    printoptions,
    set_printoptions,
)

NAN = math.nan
INF = math.inf


@pytest.fixture(autouse=True)
def _default_options() -> Iterator[None]:
    """Every test starts and ends with the default print options."""
    set_printoptions(profile="default")
    yield
    set_printoptions(profile="default")


@pytest.fixture(scope="module")
def torch() -> Any:
    return pytest.importorskip("torch")


def _dtype_name(t: Any) -> str:
    return str(t.dtype).removeprefix("torch.")


def _format_like(t: Any) -> str:
    """``format_tensor`` called with everything the torch tensor ``t`` carries."""
    import torch

    data = t.detach()
    if data.dtype == torch.bfloat16:
        values = data.float().numpy().astype(ml_dtypes.bfloat16)
    else:
        values = data.numpy()
    grad_fn = None if t.grad_fn is None else type(t.grad_fn).__name__
    return format_tensor(
        values,
        dtype=_dtype_name(t),
        requires_grad=t.requires_grad,
        grad_fn=grad_fn,
        is_parameter=isinstance(t, torch.nn.Parameter),
    )


def _assert_matches_torch(t: Any) -> None:
    expected = repr(t)
    assert str(t) == expected
    assert _format_like(t) == expected


@contextlib.contextmanager
def _both_printoptions(torch: Any, **options: Any) -> Iterator[None]:
    """Apply the same print options here and in torch; restore both afterwards."""
    torch.set_printoptions(**options)
    set_printoptions(**options)
    try:
        yield
    finally:
        torch.set_printoptions(profile="default")
        set_printoptions(profile="default")


# ---------------------------------------------------------------- pinned strings

PINNED: list[tuple[str, Any, dict[str, Any], str]] = [
    (
        "sci-2d",
        np.array([[0.3144, 0.0742, 0.0005], [-1.5, 2.25, 10.0]], dtype=np.float32),
        {"dtype": "float32"},
        "tensor([[ 3.1440e-01,  7.4200e-02,  5.0000e-04],\n"
        "        [-1.5000e+00,  2.2500e+00,  1.0000e+01]])",
    ),
    (
        "fixed-2d",
        np.array([[0.3144, 0.0742, 0.0015], [0.5, 0.25, 1.0]], dtype=np.float32),
        {"dtype": "float32"},
        "tensor([[0.3144, 0.0742, 0.0015],\n        [0.5000, 0.2500, 1.0000]])",
    ),
    (
        "scalar-grad-fn",
        np.float32(0.1234),
        {"dtype": "float32", "grad_fn": "AddBackward0"},
        "tensor(0.1234, grad_fn=<AddBackward0>)",
    ),
    (
        "int32",
        np.array([1, 2]),
        {"dtype": "int32"},
        "tensor([1, 2], dtype=torch.int32)",
    ),
    (
        "empty-2d",
        np.zeros((0, 3), dtype=np.float32),
        {"dtype": "float32"},
        "tensor([], size=(0, 3))",
    ),
    (
        "empty-bool",
        np.zeros((0, 3), dtype=bool),
        {"dtype": "bool"},
        "tensor([], size=(0, 3), dtype=torch.bool)",
    ),
    (
        "empty-1d-int64",
        np.zeros(0, dtype=np.int64),
        {"dtype": "int64"},
        "tensor([], dtype=torch.int64)",
    ),
    (
        "leaf-requires-grad",
        np.ones(2, dtype=np.float32),
        {"dtype": "float32", "requires_grad": True},
        "tensor([1., 1.], requires_grad=True)",
    ),
    (
        "parameter",
        np.ones(2, dtype=np.float32),
        {"dtype": "float32", "requires_grad": True, "is_parameter": True},
        "Parameter containing:\ntensor([1., 1.], requires_grad=True)",
    ),
    (
        "int-3d",
        np.array([[[1, 2], [3, 4]], [[5, -60], [7, 8]]]),
        {"dtype": "int64"},
        "tensor([[[  1,   2],\n         [  3,   4]],\n\n"
        "        [[  5, -60],\n         [  7,   8]]])",
    ),
    (
        "nonfinite",
        np.array([1e-5, 1.0, NAN, -INF], dtype=np.float32),
        {"dtype": "float32"},
        "tensor([1.0000e-05, 1.0000e+00,        nan,       -inf])",
    ),
    (
        "summarized",
        np.arange(2000),
        {"dtype": "int64"},
        "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])",
    ),
    (
        "wrapped",
        np.arange(40, dtype=np.float32) / np.float32(3),
        {"dtype": "float32"},
        "tensor([ 0.0000,  0.3333,  0.6667,  1.0000, "
        " 1.3333,  1.6667,  2.0000,  2.3333,\n"
        "         2.6667,  3.0000,  3.3333,  3.6667, "
        " 4.0000,  4.3333,  4.6667,  5.0000,\n"
        "         5.3333,  5.6667,  6.0000,  6.3333, "
        " 6.6667,  7.0000,  7.3333,  7.6667,\n"
        "         8.0000,  8.3333,  8.6667,  9.0000, "
        " 9.3333,  9.6667, 10.0000, 10.3333,\n"
        "        10.6667, 11.0000, 11.3333, 11.6667, "
        "12.0000, 12.3333, 12.6667, 13.0000])",
    ),
    ("bool", np.array([True, False]), {"dtype": "bool"}, "tensor([ True, False])"),
    (
        "negative-zero",
        np.array([-0.0, 2.0], dtype=np.float32),
        {"dtype": "float32"},
        "tensor([-0., 2.])",
    ),
    (
        "float16",
        np.array([0.5, 1.5], dtype=np.float16),
        {"dtype": "float16"},
        "tensor([0.5000, 1.5000], dtype=torch.float16)",
    ),
    (
        "bfloat16",
        np.array([0.5, 3.0], dtype=ml_dtypes.bfloat16),
        {"dtype": "bfloat16"},
        "tensor([0.5000, 3.0000], dtype=torch.bfloat16)",
    ),
    (
        "uint8-scalar",
        np.uint8(3),
        {"dtype": "uint8"},
        "tensor(3, dtype=torch.uint8)",
    ),
    (
        "suffixes-wrap",
        np.full((2, 20), 3.0),
        {"dtype": "float64", "grad_fn": "MulBackward0"},
        "tensor([[3., 3., 3., 3., 3., 3., 3., 3., 3., "
        "3., 3., 3., 3., 3., 3., 3., 3., 3.,\n"
        "         3., 3.],\n"
        "        [3., 3., 3., 3., 3., 3., 3., 3., 3., "
        "3., 3., 3., 3., 3., 3., 3., 3., 3.,\n"
        "         3., 3.]], dtype=torch.float64, grad_fn=<MulBackward0>)",
    ),
]


@pytest.mark.parametrize(
    ("values", "kwargs", "expected"),
    [case[1:] for case in PINNED],
    ids=[case[0] for case in PINNED],
)
def test_pinned_strings(values: Any, kwargs: dict[str, Any], expected: str) -> None:
    assert format_tensor(values, **kwargs) == expected


_GRAD_OPS = {"AddBackward0": lambda x: x + 0, "MulBackward0": lambda x: x * 1}


@pytest.mark.parametrize(
    ("values", "kwargs", "expected"),
    [case[1:] for case in PINNED],
    ids=[case[0] for case in PINNED],
)
def test_pinned_strings_agree_with_torch(
    torch: Any, values: Any, kwargs: dict[str, Any], expected: str
) -> None:
    dtype = getattr(torch, kwargs["dtype"])
    t = torch.from_numpy(np.asarray(values).astype(np.float64)).to(dtype)
    if kwargs.get("requires_grad") or "grad_fn" in kwargs:
        t.requires_grad_(True)
    if "grad_fn" in kwargs:
        t = _GRAD_OPS[kwargs["grad_fn"]](t)
    if kwargs.get("is_parameter"):
        t = torch.nn.Parameter(t)
    assert repr(t) == expected


# ------------------------------------------------------------------ torch table


TABLE: dict[str, Callable[[Any, Callable[..., Any]], Any]] = {
    "scalar-float": lambda torch, randn: torch.tensor(0.1234),
    "scalar-int-valued": lambda torch, randn: torch.tensor(3.0),
    "scalar-nan": lambda torch, randn: torch.tensor(NAN),
    "scalar-neg-inf": lambda torch, randn: torch.tensor(-INF),
    "scalar-neg-zero": lambda torch, randn: torch.tensor(-0.0),
    "scalar-tiny": lambda torch, randn: torch.tensor(1e-7),
    "scalar-huge": lambda torch, randn: torch.tensor(3e12),
    "scalar-int64": lambda torch, randn: torch.tensor(-12),
    "scalar-int8": lambda torch, randn: torch.tensor(-5, dtype=torch.int8),
    "scalar-bool": lambda torch, randn: torch.tensor(True),
    "scalar-float64": lambda torch, randn: torch.tensor(2.5, dtype=torch.float64),
    "scalar-bfloat16": lambda torch, randn: torch.tensor(0.1, dtype=torch.bfloat16),
    "randn-2d": lambda torch, randn: randn(3, 3),
    "randn-3d": lambda torch, randn: randn(2, 3, 4),
    "randn-4d": lambda torch, randn: randn(2, 2, 3, 2),
    "randn-5d": lambda torch, randn: randn(2, 1, 2, 1, 2),
    "int-valued": lambda torch, randn: torch.tensor([1.0, -2.0, 300.0]),
    "int-valued-big-sci": lambda torch, randn: torch.tensor([1.0, 2e9]),
    "int-valued-ratio-sci": lambda torch, randn: torch.tensor([1.0, 2000.0]),
    "ratio-just-below": lambda torch, randn: torch.tensor([1.0, 999.5]),
    "max-above-1e8": lambda torch, randn: torch.tensor([2e8, 3e8 + 0.5]),
    "min-below-1e-4": lambda torch, randn: torch.tensor([5e-5, 9e-5]),
    "min-exactly-1e-4": lambda torch, randn: torch.tensor(
        [1e-4, 2e-4], dtype=torch.float64
    ),
    "all-zero": lambda torch, randn: torch.zeros(2, 3),
    "zeros-and-nan": lambda torch, randn: torch.tensor([0.0, -0.0, NAN]),
    "only-nonfinite": lambda torch, randn: torch.tensor([NAN, INF, -INF]),
    "int-valued-nonfinite": lambda torch, randn: torch.tensor([1.0, NAN, INF, -10.0]),
    "fraction-nonfinite": lambda torch, randn: torch.tensor([1.5, NAN, -INF]),
    "sci-nonfinite": lambda torch, randn: torch.tensor([1e-6, NAN, INF, -3.0]),
    "negative-zero-fraction": lambda torch, randn: torch.tensor([-0.0, 0.25]),
    "subnormal": lambda torch, randn: torch.tensor([1e-45, 1.0]),
    "float64-extremes": lambda torch, randn: torch.tensor(
        [1e-300, 1e300, -2.5], dtype=torch.float64
    ),
    "float16": lambda torch, randn: randn(4, 3, dtype=torch.float16),
    "float16-overflow": lambda torch, randn: torch.tensor([70000.0, 1.0]).half(),
    "float16-subnormal": lambda torch, randn: torch.tensor([6e-8, 1.0]).half(),
    "bfloat16": lambda torch, randn: randn(3, 5, dtype=torch.bfloat16),
    "bfloat16-huge": lambda torch, randn: torch.tensor([1e30, -2.0]).bfloat16(),
    "float64": lambda torch, randn: randn(3, 2, dtype=torch.float64),
    "int64-align": lambda torch, randn: torch.tensor([[1, -200], [30000, 4]]),
    "int32": lambda torch, randn: torch.tensor([1, 2, 3], dtype=torch.int32),
    "int16": lambda torch, randn: torch.tensor([-32768, 32767], dtype=torch.int16),
    "int8": lambda torch, randn: torch.tensor([[-128], [127]], dtype=torch.int8),
    "uint8": lambda torch, randn: torch.tensor([0, 255, 7], dtype=torch.uint8),
    "uint16": lambda torch, randn: torch.tensor([[1], [65535]], dtype=torch.uint16),
    "uint32": lambda torch, randn: torch.tensor([2**32 - 1, 0], dtype=torch.uint32),
    "uint64": lambda torch, randn: torch.tensor([2**63, 5], dtype=torch.uint64),
    "empty-uint32": lambda torch, randn: torch.zeros(0, 1, dtype=torch.uint32),
    "bool-2d": lambda torch, randn: torch.tensor([[True, False], [False, False]]),
    "bool-all-true": lambda torch, randn: torch.tensor([True, True]),
    "empty-1d": lambda torch, randn: torch.zeros(0),
    "empty-2d": lambda torch, randn: torch.zeros(0, 3),
    "empty-3d-int32": lambda torch, randn: torch.zeros(2, 0, 1, dtype=torch.int32),
    "empty-int64": lambda torch, randn: torch.zeros(0, dtype=torch.int64),
    "empty-bool": lambda torch, randn: torch.zeros(3, 0, dtype=torch.bool),
    "empty-float64": lambda torch, randn: torch.zeros(0, dtype=torch.float64),
    "empty-bfloat16": lambda torch, randn: torch.zeros(0, 2, dtype=torch.bfloat16),
    "wrap-1d": lambda torch, randn: randn(100),
    "wrap-1d-int": lambda torch, randn: torch.arange(-50, 50),
    "wrap-1d-sci": lambda torch, randn: randn(30) * 1e6,
    "wrap-2d-rows": lambda torch, randn: randn(3, 25),
    "wrap-4d": lambda torch, randn: randn(1, 2, 1, 30),
    "wrap-wide-elements": lambda torch, randn: torch.tensor(
        [1e-300, 1e300] * 8, dtype=torch.float64
    ),
    "bool-wrap": lambda torch, randn: torch.arange(60) % 3 == 0,
    "summarize-1d": lambda torch, randn: torch.arange(2000),
    "summarize-1001": lambda torch, randn: randn(1001),
    "summarize-exact-threshold": lambda torch, randn: randn(1000),
    "summarize-2d": lambda torch, randn: randn(40, 40),
    "summarize-3d": lambda torch, randn: randn(12, 12, 12),
    "summarize-4d": lambda torch, randn: randn(6, 7, 5, 8),
    "summarize-narrow": lambda torch, randn: randn(2000, 1),
    "summarize-short-rows": lambda torch, randn: randn(500, 3),
    "summarize-stats-hidden-tiny": lambda torch, randn: torch.cat(
        [torch.ones(3), torch.full((1000,), 1e-9), torch.ones(3) * 2]
    ),
    "summarize-stats-hidden-nan": lambda torch, randn: torch.cat(
        [torch.ones(3), torch.full((1000,), NAN), torch.ones(3) * 2.5]
    ),
    "summarize-stats-hidden-wide-int": lambda torch, randn: torch.cat(
        [torch.arange(3), torch.full((1000,), 10**12), torch.arange(3)]
    ),
    "summarize-bool": lambda torch, randn: torch.arange(3000).reshape(30, 100) % 7 == 0,
    "summarize-float16": lambda torch, randn: randn(50, 50, dtype=torch.float16),
    "summarize-bfloat16": lambda torch, randn: randn(1200, dtype=torch.bfloat16),
    "summarize-uint8": lambda torch, randn: torch.arange(1500).to(torch.uint8),
    "complex64": lambda torch, randn: torch.tensor([1 + 2j, -0.5 - 1j]),
    "complex128-sci": lambda torch, randn: torch.tensor(
        [[1e-6 + 1j], [3 - 4e5j]], dtype=torch.complex128
    ),
    "complex-scalar": lambda torch, randn: torch.tensor(0.5 - 0.0j),
    "complex-nonfinite": lambda torch, randn: torch.tensor(
        [complex(NAN, 1), complex(1, -INF)]
    ),
    "complex-summarize": lambda torch, randn: torch.complex(randn(1500), randn(1500)),
}


@pytest.mark.parametrize("name", sorted(TABLE))
def test_table_matches_torch(torch: Any, name: str) -> None:
    g = torch.Generator().manual_seed(0)

    def randn(*shape: int, dtype: Any = torch.float32) -> Any:
        return torch.randn(*shape, generator=g, dtype=torch.float64).to(dtype)

    _assert_matches_torch(TABLE[name](torch, randn))


# ------------------------------------------------------------- autograd suffixes


def test_requires_grad_leaf(torch: Any) -> None:
    _assert_matches_torch(torch.tensor([1.0, 1.0], requires_grad=True))
    _assert_matches_torch(torch.tensor(2.5, requires_grad=True))
    _assert_matches_torch(torch.zeros(0, 2, requires_grad=True))
    _assert_matches_torch(torch.ones(3, dtype=torch.float64, requires_grad=True))


def test_grad_fn_suffixes(torch: Any) -> None:
    a = torch.tensor([[0.5, -1.25], [3.0, 4.0]], requires_grad=True)
    _assert_matches_torch(a + 1)
    _assert_matches_torch(a * 2)
    _assert_matches_torch((a * 2).sum())
    _assert_matches_torch(a.double().exp())
    _assert_matches_torch(a.half() - 1)
    _assert_matches_torch((a + 1)[0])
    _assert_matches_torch(a[:0] + 1)


def test_grad_fn_hides_requires_grad() -> None:
    text = format_tensor(
        np.float32(1.0), dtype="float32", requires_grad=True, grad_fn="<AddBackward0>"
    )
    assert text == "tensor(1., grad_fn=<AddBackward0>)"


def test_suffixes_wrap_at_linewidth(torch: Any) -> None:
    g = torch.Generator().manual_seed(1)
    for columns in range(1, 16):
        a = torch.randn(2, columns, generator=g, dtype=torch.float64)
        a.requires_grad_(True)
        _assert_matches_torch(a)
        _assert_matches_torch(a * 3)
        _assert_matches_torch(torch.randn(columns, generator=g).bfloat16() + 0)
        _assert_matches_torch(torch.zeros(columns, 0, dtype=torch.int8))


def test_parameter(torch: Any) -> None:
    _assert_matches_torch(torch.nn.Parameter(torch.ones(2)))
    _assert_matches_torch(torch.nn.Parameter(torch.ones(2), requires_grad=False))
    g = torch.Generator().manual_seed(2)
    _assert_matches_torch(torch.nn.Parameter(torch.randn(3, 4, generator=g)))
    _assert_matches_torch(torch.nn.Parameter(torch.randn(4, generator=g).double()))
    _assert_matches_torch(torch.nn.Linear(3, 2).weight)
    _assert_matches_torch(torch.nn.Linear(300, 200).weight)


# ---------------------------------------------------------------- print options


DEFAULTS = {
    "precision": 4,
    "threshold": 1000,
    "edgeitems": 3,
    "linewidth": 80,
    "sci_mode": None,
}


def test_defaults() -> None:
    assert get_printoptions() == DEFAULTS
    assert PrintOptions() == PrintOptions(**get_printoptions())


def test_defaults_agree_with_torch(torch: Any) -> None:
    assert get_printoptions() == torch._tensor_str.get_printoptions()


@pytest.mark.parametrize(
    "options",
    [
        {"precision": 2},
        {"precision": 0},
        {"precision": 8},
        {"sci_mode": True},
        {"sci_mode": False},
        {"sci_mode": True, "precision": 2},
        {"threshold": 5},
        {"threshold": 5, "edgeitems": 1},
        {"threshold": 5, "edgeitems": 0},
        {"threshold": 0},
        {"linewidth": 20},
        {"linewidth": 3},
        {"profile": "short"},
        {"profile": "full"},
        {"profile": "full", "precision": 6},
    ],
    ids=repr,
)
def test_printoptions_match_torch(torch: Any, options: dict[str, Any]) -> None:
    g = torch.Generator().manual_seed(3)
    cases = [
        torch.randn(3, 4, generator=g),
        torch.randn(2, 3, 4, generator=g).double() * 1e5,
        torch.tensor([1e-5, 1.0, NAN, -INF]),
        torch.tensor([1.0, 2e9, -3.0]),
        torch.tensor([-0.0, 2.0]),
        torch.tensor(0.123456789, dtype=torch.float64),
        torch.zeros(3),
        torch.arange(20),
        torch.arange(2000).reshape(40, 50),
        torch.randn(1500, generator=g),
        torch.randn(11, 12, 13, generator=g),
        torch.tensor([True, False] * 5),
        torch.randn(7, generator=g).bfloat16(),
        torch.tensor([1.5 - 2j, 3j]),
        torch.zeros(0, 4),
        torch.tensor([0.5, 1.5], requires_grad=True) * 2,
    ]
    with _both_printoptions(torch, **options):
        assert get_printoptions() == torch._tensor_str.get_printoptions()
        for t in cases:
            _assert_matches_torch(t)


def test_set_printoptions_always_sets_sci_mode() -> None:
    set_printoptions(sci_mode=False)
    set_printoptions(precision=2)
    assert get_printoptions()["sci_mode"] is None
    assert get_printoptions()["precision"] == 2


def test_printoptions_context_restores() -> None:
    set_printoptions(precision=6, sci_mode=True)
    before = get_printoptions()
    with pytest.raises(RuntimeError), printoptions(precision=1, threshold=3):
        assert get_printoptions()["precision"] == 1
        raise RuntimeError
    assert get_printoptions() == before


def test_precision_two_pinned() -> None:
    values = np.array([1.12345, 250.0], dtype=np.float32)
    with printoptions(precision=2):
        assert format_tensor(values, dtype="float32") == "tensor([  1.12, 250.00])"
    with printoptions(sci_mode=True):
        assert format_tensor(values, dtype="float32") == (
            "tensor([1.1235e+00, 2.5000e+02])"
        )
    with printoptions(sci_mode=False):
        assert format_tensor(np.array([1e-5, 1.0]), dtype="float64") == (
            "tensor([0.0000, 1.0000], dtype=torch.float64)"
        )


def test_unknown_profile_and_dtype_raise() -> None:
    with pytest.raises(ValueError, match="profile"):
        set_printoptions(profile="long")
    with pytest.raises(ValueError, match="dtype"):
        format_tensor(np.zeros(2), dtype="float8")


# -------------------------------------------------------------- input handling


def test_dtype_spellings_and_casting() -> None:
    values = np.array([0.1, 2.0])
    expected = "tensor([0.1000, 2.0000], dtype=torch.float64)"
    assert format_tensor(values, dtype="float64") == expected
    assert format_tensor(values, dtype="torch.float64") == expected
    assert format_tensor(values, dtype="double") == expected
    # Values are cast to the dtype first, as torch.tensor(..., dtype=...) does.
    assert format_tensor([1e40, 1.0], dtype="float32") == "tensor([inf, 1.])"
    assert format_tensor(np.array([1.0, 2.0]), dtype="long") == "tensor([1, 2])"


def test_bfloat16_from_any_float_array(torch: Any) -> None:
    t = torch.tensor([0.1, 1 / 3, 300.7]).bfloat16()
    as_bf16 = t.float().numpy().astype(ml_dtypes.bfloat16)
    assert format_tensor(as_bf16, dtype="bfloat16") == repr(t)
    assert format_tensor(t.float().numpy(), dtype="bfloat16") == repr(t)
    # Rounding float32 -> bfloat16 happens the same way in ml_dtypes and torch.
    raw = np.array([0.1, 1 / 3, 300.7], dtype=np.float32)
    assert format_tensor(raw, dtype="bfloat16") == repr(t)


def test_docstring_examples() -> None:
    result = doctest.testmod(_format, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
    assert get_printoptions() == DEFAULTS


def test_every_public_function_has_an_example() -> None:
    for name in _format.__all__:
        assert ">>>" in (getattr(_format, name).__doc__ or ""), name


# --------------------------------------------------------------------- hypothesis

_FLOAT_DTYPES = ["float32", "float64", "float16", "bfloat16"]
_INT_DTYPES = ["int64", "int32", "int16", "int8", "uint8", "uint16", "uint32", "uint64"]
_SCALES = [1e-30, 1e-8, 1e-4, 1e-2, 1.0, 1.0, 1.0, 1e3, 1e5, 1e8, 1e9, 1e20]

_float_elements = st.one_of(
    st.floats(-10, 10),
    st.integers(-50, 50).map(float),
    st.sampled_from([0.0, -0.0, 1e-5, 1e-3, 0.5, 1e4, NAN, INF, -INF]),
    st.floats(allow_nan=True, allow_infinity=True),
)
_shapes = hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5)


@st.composite
def _tensors(draw: st.DrawFn, shapes: st.SearchStrategy = _shapes) -> Any:
    import torch

    shape = draw(shapes)
    family = draw(st.sampled_from(["float", "float", "int", "bool", "complex"]))
    if family == "float":
        dtype = draw(st.sampled_from(_FLOAT_DTYPES))
        values = draw(hnp.arrays(np.float64, shape, elements=_float_elements))
        scale = draw(st.sampled_from(_SCALES))
        with np.errstate(over="ignore", invalid="ignore"):
            values = np.asarray(values * scale)
        return torch.from_numpy(values).to(getattr(torch, dtype))
    if family == "complex":
        dtype = draw(st.sampled_from(["complex64", "complex128"]))
        real = draw(hnp.arrays(np.float64, shape, elements=_float_elements))
        imag = draw(hnp.arrays(np.float64, shape, elements=_float_elements))
        scale = draw(st.sampled_from(_SCALES))
        values = np.empty(shape, dtype=np.complex128)
        with np.errstate(over="ignore", invalid="ignore"):
            values.real = real * scale
            values.imag = imag * scale
        return torch.from_numpy(values).to(getattr(torch, dtype))
    if family == "int":
        dtype = draw(st.sampled_from(_INT_DTYPES))
        values = draw(hnp.arrays(np.dtype(dtype), shape))
        return torch.from_numpy(values)
    return torch.from_numpy(draw(hnp.arrays(np.bool_, shape)))


@settings(max_examples=1000)
@given(data=st.data())
def test_random_tensors_match_torch(torch: Any, data: st.DataObject) -> None:
    _assert_matches_torch(data.draw(_tensors()))


@settings(max_examples=500)
@given(
    data=st.data(),
    precision=st.integers(0, 8),
    threshold=st.integers(0, 150),
    edgeitems=st.integers(0, 4),
    linewidth=st.integers(5, 120),
    sci_mode=st.sampled_from([None, None, True, False]),
)
def test_random_tensors_and_options_match_torch(
    torch: Any,
    data: st.DataObject,
    precision: int,
    threshold: int,
    edgeitems: int,
    linewidth: int,
    sci_mode: bool | None,
) -> None:
    shapes = hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=7)
    t = data.draw(_tensors(shapes))
    if data.draw(st.booleans()):
        t = t.to(torch.complex128 if t.is_complex() else torch.float64)
        t.requires_grad_(True)
        if data.draw(st.booleans()):
            t = t * 1
    options = {
        "precision": precision,
        "threshold": threshold,
        "edgeitems": edgeitems,
        "linewidth": linewidth,
        "sci_mode": sci_mode,
    }
    with _both_printoptions(torch, **options):
        _assert_matches_torch(t)


@st.composite
def _large_shapes(draw: st.DrawFn) -> tuple[int, ...]:
    """Shapes of 1 to 4 dimensions with more elements than the default threshold."""
    rest = draw(st.lists(st.integers(1, 40), max_size=3))
    inner = math.prod(rest)
    lead_min = 1000 // inner + 1
    lead = draw(st.integers(lead_min, max(lead_min, 40_000 // inner)))
    return (lead, *rest)


@settings(max_examples=100)
@given(
    shape=_large_shapes(),
    seed=st.integers(0, 2**32 - 1),
    dtype=st.sampled_from(_FLOAT_DTYPES + _INT_DTYPES + ["bool"]),
    scale=st.sampled_from(_SCALES),
    specials=st.booleans(),
)
def test_large_tensors_summarize_like_torch(
    torch: Any,
    shape: tuple[int, ...],
    seed: int,
    dtype: str,
    scale: float,
    specials: bool,
) -> None:
    rng = np.random.default_rng(seed)
    if dtype in _FLOAT_DTYPES:
        values = rng.standard_normal(shape) * scale
        if specials:
            flat = values.reshape(-1)
            picks = rng.integers(0, flat.size, size=5)
            flat[picks] = rng.choice([NAN, INF, -INF, 0.0, -0.0], size=5)
        t = torch.from_numpy(values).to(getattr(torch, dtype))
    elif dtype == "bool":
        t = torch.from_numpy(rng.random(shape) < 0.5)
    else:
        info = np.iinfo(dtype)
        values = rng.integers(info.min, info.max, size=shape, dtype=dtype)
        if not specials:
            divisor = max(1, min(int(scale), int(info.max)))
            values = values // values.dtype.type(divisor)
        t = torch.from_numpy(values)
    _assert_matches_torch(t)
