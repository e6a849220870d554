"""Columns into rows: OpenBLAS's out-of-place transpose where NumPy carries it.

A columnar file (Parquet) decodes into columns, and training wants rows. NumPy's
transposing copy moves one float at a time: 11 ms for 16 MiB of 65 float32 columns
here, on the reading thread, about as long as decoding them. OpenBLAS's
``cblas_somatcopy`` transposes in cache-sized blocks with vector shuffles: 2.4 ms.
NumPy's wheels ship OpenBLAS (``scipy-openblas``) and load it when NumPy is
imported; :func:`transpose_into` calls that copy of it. It is used only if its
result, checked once on first use on values that a careless copy would change
(NaNs, infinities, signed zeros, subnormals), is NumPy's bit for bit; otherwise,
and for a NumPy built on another BLAS, NumPy's copy does the work.
"""

from __future__ import annotations

import ctypes
import functools
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

__all__ = ["fast", "transpose_into"]

_ROW_MAJOR, _TRANS = 101, 112  # CBLAS_ORDER.CblasRowMajor, CBLAS_TRANSPOSE.CblasTrans


def transpose_into(columns: np.ndarray, out: np.ndarray) -> None:
    """``out[:] = columns.T`` for float32 arrays, bit for bit.

    >>> columns = np.arange(6, dtype=np.float32).reshape(2, 3)
    >>> out = np.empty((3, 2), np.float32)
    >>> transpose_into(columns, out)
    >>> out
    array([[0., 3.],
           [1., 4.],
           [2., 5.]], dtype=float32)
    """
    k, n = columns.shape
    if out.shape != (n, k):
        raise ValueError(f"transpose_into: out has shape {out.shape}, not {(n, k)}")
    omatcopy = _omatcopy()
    if (
        omatcopy is None
        or columns.dtype != np.float32
        or out.dtype != np.float32
        or not columns.flags.c_contiguous
        or not out.flags.c_contiguous
        or not columns.size
    ):
        np.copyto(out, columns.T)
        return
    omatcopy(_ROW_MAJOR, _TRANS, k, n, 1.0, columns.ctypes.data, n, out.ctypes.data, k)


def fast() -> bool:
    """Whether :func:`transpose_into` is OpenBLAS's blocked transpose here."""
    return _omatcopy() is not None


def _numpy_openblas() -> tuple[str, type] | None:
    """The symbol of ``cblas_somatcopy`` in NumPy's own OpenBLAS and its integer
    type, if NumPy was built on ``scipy-openblas`` (64-bit integers and a ``64_``
    suffix, or 32-bit integers and none)."""
    try:
        blas = np.__config__.CONFIG["Build Dependencies"]["blas"]
    except (AttributeError, KeyError, TypeError):  # pragma: no cover - old NumPy
        return None
    if blas.get("name") != "scipy-openblas":
        return None
    if "USE64BITINT" in str(blas.get("openblas configuration", "")):
        return "scipy_cblas_somatcopy64_", ctypes.c_int64
    return "scipy_cblas_somatcopy", ctypes.c_int


def _library_paths() -> list[str]:
    """Where NumPy's OpenBLAS lies: the copy this process has loaded (Linux), or
    the wheel's bundled libraries (``numpy.libs``, ``numpy/.dylibs``)."""
    paths = []
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                parts = line.split(maxsplit=5)
                if len(parts) == 6 and "openblas" in os.path.basename(parts[5]):
                    paths.append(parts[5].rstrip("\n"))
    except OSError:
        pass
    root = Path(np.__file__).parent
    for pattern in ("../numpy.libs/*openblas*", ".dylibs/*openblas*"):
        paths += [os.fspath(p) for p in sorted(root.glob(pattern))]
    return list(dict.fromkeys(paths))


@functools.cache
def _omatcopy() -> Callable[..., None] | None:
    """NumPy's OpenBLAS's ``cblas_somatcopy``, if found and exact."""
    found = _numpy_openblas()
    if found is None:
        return None
    symbol, integer = found
    for path in _library_paths():
        try:
            fn = getattr(ctypes.CDLL(path), symbol)
        except (OSError, AttributeError):
            continue
        fn.restype = None
        fn.argtypes = [ctypes.c_int, ctypes.c_int, integer, integer, ctypes.c_float]
        fn.argtypes += [ctypes.c_void_p, integer, ctypes.c_void_p, integer]
        return fn if _copies_exactly(fn) else None
    return None


def _copies_exactly(fn: Callable[..., None]) -> bool:
    """Whether ``fn`` transposes like NumPy, bit for bit, on awkward values."""
    rng = np.random.default_rng(0)
    columns = rng.standard_normal((67, 45)).astype(np.float32)
    special = [np.nan, -np.nan, np.inf, -np.inf, -0.0, 0.0, 1e-45, -1e-40, 3e38]
    columns.reshape(-1)[:: len(special) + 5][: len(special)] = special
    bits = columns.view(np.uint32)
    bits[5, 7] = 0x7FC00123  # a NaN with a payload
    out = np.full((45, 67), 7.0, np.float32)
    fn(_ROW_MAJOR, _TRANS, 67, 45, 1.0, columns.ctypes.data, 45, out.ctypes.data, 67)
    return bool(np.array_equal(out.view(np.uint32), bits.T))
