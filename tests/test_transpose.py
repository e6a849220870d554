"""funcgrad.train._transpose: columns into rows, bit for bit, fast where NumPy
carries OpenBLAS."""

from __future__ import annotations

import ctypes
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from funcgrad.train import _transpose

floats = hnp.arrays(
    np.float32,
    hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=97),
    elements=st.floats(width=32, allow_nan=True, allow_infinity=True),
)


@pytest.fixture(params=["fast", "numpy"])
def path(request, monkeypatch):
    if request.param == "numpy":
        monkeypatch.setattr(_transpose, "_omatcopy", lambda: None)
    elif not _transpose.fast():
        pytest.skip("NumPy is not built on scipy-openblas here")
    return request.param


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(columns=floats)
def test_rows_are_the_columns_bit_for_bit(path, columns):
    out = np.full(columns.shape[::-1], 7.0, np.float32)
    _transpose.transpose_into(columns, out)
    np.testing.assert_array_equal(out.view(np.uint32), columns.view(np.uint32).T)


def test_strided_or_other_dtypes_take_numpys_copy(path):
    columns = np.arange(24, dtype=np.float32).reshape(4, 6)
    for src, dst in [
        (columns[:, ::2], np.empty((3, 4), np.float32)),
        (columns, np.empty((4, 6), np.float32).T),
        (columns.astype(np.float64), np.empty((6, 4), np.float64)),
    ]:
        _transpose.transpose_into(src, dst)
        np.testing.assert_array_equal(dst, src.T)
    with pytest.raises(ValueError, match=r"out has shape \(4, 6\), not \(6, 4\)"):
        _transpose.transpose_into(columns, np.empty((4, 6), np.float32))


def test_numpys_openblas_is_found_where_its_wheels_bundle_it():
    blas = np.__config__.CONFIG["Build Dependencies"]["blas"]
    if blas.get("name") != "scipy-openblas" or sys.platform != "linux":
        pytest.skip(f"NumPy built on {blas.get('name')} for {sys.platform}")
    assert _transpose.fast()


def _stand_in(flush: bool):
    """A ``cblas_somatcopy`` written with NumPy; with ``flush`` it zeroes
    subnormals, as a copy through float arithmetic under flush-to-zero would."""

    def omatcopy(order, trans, k, n, alpha, a, lda, b, ldb):
        floats = ctypes.c_float * (k * n)
        src = np.ctypeslib.as_array(floats.from_address(a))
        dst = np.ctypeslib.as_array(floats.from_address(b))
        rows = src.reshape(k, n).T.copy()
        if flush:
            rows[np.abs(rows) < np.finfo(np.float32).tiny] = 0.0
        dst[:] = rows.ravel()

    return omatcopy


def test_a_transpose_that_changes_bits_is_not_used(monkeypatch):
    assert _transpose._copies_exactly(_stand_in(flush=False))
    assert not _transpose._copies_exactly(_stand_in(flush=True))
    if not _transpose.fast():
        pytest.skip("NumPy is not built on scipy-openblas here")
    # The lookup itself refuses what fails the check, and NumPy's copy is used.
    monkeypatch.setattr(_transpose, "_copies_exactly", lambda fn: False)
    _transpose._omatcopy.cache_clear()
    try:
        assert not _transpose.fast()
        out = np.empty((3, 2), np.float32)
        _transpose.transpose_into(np.arange(6, dtype=np.float32).reshape(2, 3), out)
        np.testing.assert_array_equal(out, [[0, 3], [1, 4], [2, 5]])
    finally:
        monkeypatch.undo()
        _transpose._omatcopy.cache_clear()
    assert _transpose.fast()
