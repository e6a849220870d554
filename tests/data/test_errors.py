"""DataError formats its location into a single line."""

from __future__ import annotations

import pickle

from funcgrad.data import DataError


def test_location_parts() -> None:
    assert str(DataError("bad")) == "bad"
    assert str(DataError("bad", path="f.csv")) == "f.csv: bad"
    assert str(DataError("bad", path="f.csv", line=2)) == "f.csv, line 2: bad"
    e = DataError("bad", path="f.csv", line=2, column=3, column_name="x")
    assert str(e) == "f.csv, line 2, column 3 ('x'): bad"
    assert e.reason == "bad" and isinstance(e, ValueError)


def test_importable_name() -> None:
    assert DataError.__module__ == "funcgrad.data"
    assert isinstance(pickle.loads(pickle.dumps(DataError("bad"))), DataError)
