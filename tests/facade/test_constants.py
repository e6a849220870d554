"""``torch.inf``/``nan``/``pi``/``e``/``newaxis`` and ``finfo``/``iinfo``
against real PyTorch: every attribute, reprs and the errors."""

from __future__ import annotations

import math

import pytest

import funcgrad.torch as ft

FLOATS = ("float16", "bfloat16", "float32", "float64")
INTS = ("uint8", "int8", "int16", "int32", "int64")


def _limits(torch):
    out = [(torch.inf, repr(torch.nan), torch.pi, torch.e, torch.newaxis)]
    for name in FLOATS:
        f = torch.finfo(getattr(torch, name))
        out.append((repr(f), f.bits, f.eps, f.max, f.min, f.tiny,
                    f.smallest_normal, f.resolution, f.dtype))  # fmt: skip
    for name in INTS:
        i = torch.iinfo(getattr(torch, name))
        out.append((repr(i), i.bits, i.max, i.min, i.dtype))
    out.append(repr(torch.finfo()))
    out.append(torch.finfo(torch.float32) == torch.finfo(torch.float32))
    for bad in (lambda: torch.finfo(torch.int32), lambda: torch.iinfo(torch.float32)):
        with pytest.raises(TypeError) as info:
            bad()
        out.append(str(info.value))
    return out


def test_limits_match_torch() -> None:
    torch = pytest.importorskip("torch")
    assert _limits(ft) == _limits(torch)


def test_limits_pinned() -> None:
    assert ft.finfo(ft.float32).eps == 2.0**-23 and ft.finfo(ft.float16).max == 65504
    assert ft.iinfo(ft.int64).max == 2**63 - 1 and math.isnan(ft.nan)
