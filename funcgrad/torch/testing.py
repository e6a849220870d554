"""``torch.testing.assert_close``: tensors, numbers and nested containers compared
with PyTorch's default tolerances per dtype and its failure messages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..autograd.tensor import Tensor

__all__ = ["assert_close"]

# PyTorch's defaults: dtype name -> (rtol, atol).
_TOLERANCES = {
    "float16": (1e-3, 1e-5),
    "bfloat16": (1.6e-2, 1e-5),
    "float32": (1.3e-6, 1e-5),
    "float64": (1e-7, 1e-7),
    "complex64": (1.3e-6, 1e-5),
}


class _Mismatch(AssertionError):
    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.message, self.path = message, path


def assert_close(
    actual: Any,
    expected: Any,
    *,
    allow_subclasses: bool = True,
    rtol: float | None = None,
    atol: float | None = None,
    equal_nan: bool = False,
    check_device: bool = True,
    check_dtype: bool = True,
    check_layout: bool = True,
    check_stride: bool = False,
    msg: str | None = None,
) -> None:
    """Raise ``AssertionError`` unless ``actual`` and ``expected`` are close:
    ``|a - e| <= atol + rtol * |e|`` elementwise, same shape and dtype.

    >>> import funcgrad.torch as torch
    >>> assert_close(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0 + 1e-7]))
    >>> assert_close(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.5]))
    Traceback (most recent call last):
    ...
    AssertionError: Tensor-likes are not close!
    <BLANKLINE>
    Mismatched elements: 1 / 2 (50.0%)
    Greatest absolute difference: 0.5 at index (1,) (up to 1e-05 allowed)
    Greatest relative difference: 0.20000000298023224 at index (1,) (up to 1.3e-06 ...
    """
    if (rtol is None) != (atol is None):
        missing = "atol" if atol is None else "rtol"
        raise ValueError(
            "Both 'rtol' and 'atol' must be either specified or omitted, but got no "
            f"{missing}."
        )
    try:
        _compare(actual, expected, rtol, atol, equal_nan, check_dtype)
    except _Mismatch as e:
        text = e.message if msg is None else msg
        if e.path and msg is None:
            text += f"\n\nThe failure occurred for item {e.path}"
        raise AssertionError(text) from None


def _compare(actual, expected, rtol, atol, equal_nan, check_dtype) -> None:
    if isinstance(actual, Tensor) or isinstance(expected, Tensor):
        if not (isinstance(actual, Tensor) and isinstance(expected, Tensor)):
            raise TypeError(
                "No comparison pair was able to handle inputs of type "
                f"{_type(actual)} and {_type(expected)}."
            )
        return _tensors(actual, expected, rtol, atol, equal_nan, check_dtype)
    if isinstance(actual, bool | int | float | complex) and isinstance(
        expected, bool | int | float | complex
    ):
        return _scalars(actual, expected, rtol, atol, equal_nan)
    if isinstance(actual, Mapping) and isinstance(expected, Mapping):
        if set(actual) != set(expected):
            raise _Mismatch(
                "The keys of the mappings do not match:\nMissing keys in the actual "
                f"mapping: {sorted(set(expected) - set(actual))}\nExtra keys in the "
                f"actual mapping: {sorted(set(actual) - set(expected))}"
            )
        for key in actual:
            _nested(repr(key), actual[key], expected[key], rtol, atol, equal_nan,
                    check_dtype)  # fmt: skip
        return None
    if _is_sequence(actual) and _is_sequence(expected):
        if len(actual) != len(expected):
            raise _Mismatch(
                f"The length of the sequences mismatch: {len(actual)} != "
                f"{len(expected)}"
            )
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            _nested(str(i), a, e, rtol, atol, equal_nan, check_dtype)
        return None
    raise TypeError(
        "No comparison pair was able to handle inputs of type "
        f"{_type(actual)} and {_type(expected)}."
    )


def _nested(key, a, e, rtol, atol, equal_nan, check_dtype) -> None:
    try:
        _compare(a, e, rtol, atol, equal_nan, check_dtype)
    except _Mismatch as err:
        raise _Mismatch(err.message, f"[{key}]{err.path}") from None


def _is_sequence(x: Any) -> bool:
    return isinstance(x, Sequence) and not isinstance(x, str | bytes)


def _type(x: Any) -> str:
    if isinstance(x, Tensor):
        return "<class 'torch.Tensor'>"
    return str(type(x))


def _tensors(a: Tensor, e: Tensor, rtol, atol, equal_nan, check_dtype) -> None:
    if a.shape != e.shape:
        raise _Mismatch(
            f"The values for attribute 'shape' do not match: {a.shape} != {e.shape}."
        )
    if check_dtype and a.dtype is not e.dtype:
        raise _Mismatch(
            f"The values for attribute 'dtype' do not match: {a.dtype} != {e.dtype}."
        )
    if rtol is None:
        rtol, atol = _TOLERANCES.get(e.dtype.name, (0.0, 0.0))
    av, ev = np.asarray(a.detach()._value), np.asarray(e.detach()._value)
    if a.ndim == 0:
        return _scalars(av.item(), ev.item(), rtol, atol, equal_nan, exact=not rtol)
    ok = _close(av, ev, rtol, atol, equal_nan)
    if ok.all():
        return None
    exact = not (a.dtype.is_floating_point or a.dtype.is_complex)
    abs_diff = np.abs(av - ev) if not exact else np.abs(av.astype(np.int64) - ev)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel_diff = (
            abs_diff / np.abs(ev)
            if not exact  # integers: the ratio in the default float dtype
            else abs_diff.astype(np.float32) / np.abs(ev).astype(np.float32)
        )
    bad = int((~ok).sum())
    lines = [
        f"Tensor-likes are not {'equal' if exact else 'close'}!",
        "",
        f"Mismatched elements: {bad} / {av.size} ({bad / av.size:.1%})",
        _greatest("absolute", abs_diff, atol, exact),
        _greatest("relative", rel_diff, rtol, exact),
    ]
    raise _Mismatch("\n".join(lines))


def _greatest(kind: str, diff: np.ndarray, tol: float, exact: bool) -> str:
    flat = diff.reshape(-1)
    k = int(np.argmax(np.where(np.isnan(flat), np.inf, flat)))
    index = tuple(int(i) for i in np.unravel_index(k, diff.shape))
    value = flat[k].item()
    text = f"Greatest {kind} difference: {value} at index {index}"
    return text if exact else f"{text} (up to {tol} allowed)"


def _close(a, e, rtol, atol, equal_nan) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        ok = (a == e) | (np.abs(a - e) <= atol + rtol * np.abs(e))
    if equal_nan:
        ok |= np.isnan(a) & np.isnan(e)
    return ok


def _scalars(a, e, rtol, atol, equal_nan, exact: bool | None = None) -> None:
    if exact is None:
        exact = isinstance(a, bool | int) and isinstance(e, bool | int)
    if rtol is None:
        rtol, atol = (0.0, 0.0) if exact else (1e-7, 1e-7)
    if bool(_close(np.float64(a), np.float64(e), rtol, atol, equal_nan)):
        return
    diff = abs(a - e)
    rel = diff / abs(e) if e else float("inf")
    lines = [
        f"Scalars are not {'equal' if exact else 'close'}!",
        "",
        f"Expected {e} but got {a}.",
        f"Absolute difference: {diff}" + ("" if exact else f" (up to {atol} allowed)"),
        f"Relative difference: {rel}" + ("" if exact else f" (up to {rtol} allowed)"),
    ]
    raise _Mismatch("\n".join(lines))
