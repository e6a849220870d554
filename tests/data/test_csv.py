"""load_csv: good files round-trip; every kind of bad file gets a DataError that
names the file, the line and the column."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from funcgrad.data import DataError, Dataset, load_csv, parse_csv_bytes


def write(tmp_path: Path, content: str | bytes, name: str = "data.csv") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


def load_error(path: Path, target: str = "y") -> DataError:
    with pytest.raises(DataError) as info:
        load_csv(path, target=target)
    message = str(info.value)
    assert str(path) in message
    assert "\n" not in message
    return info.value


# --- good files ---------------------------------------------------------------


def test_round_trip(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 4)).astype(np.float32)
    y = (rng.random(50) > 0.5).astype(np.float32)
    names = ["a", "b", "y", "c", "d"]
    table = np.insert(X, 2, y, axis=1)
    lines = [",".join(names)] + [",".join(repr(float(v)) for v in row) for row in table]
    path = write(tmp_path, "\n".join(lines) + "\n")
    ds = load_csv(path, target="y")
    assert isinstance(ds, Dataset)
    assert ds.X.dtype == np.float32 and ds.y.dtype == np.float32
    assert ds.X.shape == (50, 4) and ds.y.shape == (50,)
    np.testing.assert_array_equal(ds.X, X)
    np.testing.assert_array_equal(ds.y, y)
    assert ds.feature_names == ("a", "b", "c", "d")
    assert ds.target == "y"
    assert ds.X.flags.c_contiguous and ds.y.flags.c_contiguous


def test_accepts_pathlib_and_str(tmp_path: Path) -> None:
    path = write(tmp_path, "a,y\n1,0\n")
    assert load_csv(str(path), "y").X.shape == load_csv(path, "y").X.shape == (1, 1)


@pytest.mark.parametrize(
    "content",
    [
        "a,b,y\r\n1,2,0\r\n3,4,1\r\n",  # Windows line endings
        "a,b,y\n1,2,0\n\n3,4,1\n\n\n",  # blank lines
        "\ufeffa,b,y\n1,2,0\n3,4,1",  # byte order mark, no final newline
        ' a, "b",y\n 1 , "2",0\n3,4e0,1.0\n',  # spaces and quotes
        "\na,b,y\n1,2,0\n3,4,1\n",  # leading blank line
    ],
)
def test_tolerated_formatting(tmp_path: Path, content: str) -> None:
    ds = load_csv(write(tmp_path, content), target="y")
    np.testing.assert_array_equal(ds.X, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(ds.y, [0, 1])
    assert ds.feature_names == ("a", "b")


def test_soft_labels_are_allowed(tmp_path: Path) -> None:
    ds = load_csv(write(tmp_path, "a,y\n1,0.25\n2,1\n3,0\n"), target="y")
    np.testing.assert_array_equal(ds.y, [0.25, 1, 0])


def test_fast_enough_for_100k_rows(tmp_path: Path) -> None:
    row = ",".join(["1.25"] * 30) + ",1\n"
    header = ",".join(f"f{i}" for i in range(30)) + ",y\n"
    path = write(tmp_path, header + row * 100_000)
    ds = load_csv(path, target="y")  # well under a second on one core
    assert ds.X.shape == (100_000, 30)


# --- bad files: each error names file, line and column ------------------------


def test_missing_file_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_csv(tmp_path / "nope.csv", target="y")


@pytest.mark.parametrize("content", ["", "\n\n", "   \r\n"])
def test_empty_file(tmp_path: Path, content: str) -> None:
    e = load_error(write(tmp_path, content))
    assert "empty" in str(e)


def test_header_only(tmp_path: Path) -> None:
    e = load_error(write(tmp_path, "a,b,y\n"))
    assert "no data rows" in str(e) and "line 1" in str(e)


def test_binary_file_with_nul_bytes(tmp_path: Path) -> None:
    e = load_error(write(tmp_path, b"a,y\n1,0\n\x89PNG\x00\x01"))
    assert (e.line, e.column) == (3, 5)
    assert "line 3, column 5" in str(e) and "binary" in str(e)


def test_non_utf8_file(tmp_path: Path) -> None:
    e = load_error(write(tmp_path, "a,y\n1,0\ncaf\xe9,1\n".encode("latin-1")))
    assert (e.line, e.column) == (3, 4)
    assert "UTF-8" in str(e) and "0xe9" in str(e)


def test_missing_cell(tmp_path: Path) -> None:
    e = load_error(write(tmp_path, "a,b,y\n1,2,0\n3,,1\n"))
    assert (e.line, e.column, e.column_name) == (3, 2, "b")
    assert "line 3, column 2 ('b')" in str(e) and "missing value" in str(e)


def test_non_numeric_cell(tmp_path: Path) -> None:
    e = load_error(write(tmp_path, "a,b,y\n1,2,0\n3,4,1\nx7,4,1\n"))
    assert (e.line, e.column) == (4, 1)
    assert "line 4, column 1 ('a')" in str(e) and "non-numeric value 'x7'" in str(e)


def test_long_non_numeric_cell_is_shortened(tmp_path: Path) -> None:
    e = load_error(write(tmp_path, "a,y\n" + "z" * 500 + ",1\n"))
    assert len(str(e)) < 250


def test_ragged_row(tmp_path: Path) -> None:
    e = load_error(write(tmp_path, "a,b,y\n1,2,0\n3,4\n"))
    assert e.line == 3
    assert "line 3" in str(e) and "2 fields" in str(e) and "3 columns" in str(e)


def test_too_many_fields(tmp_path: Path) -> None:
    e = load_error(write(tmp_path, "a,b,y\n1,2,0,9\n"))
    assert "line 2" in str(e) and "4 fields" in str(e)


def test_unknown_target_lists_available_columns(tmp_path: Path) -> None:
    e = load_error(write(tmp_path, "a,b,label\n1,2,0\n"), target="y")
    assert "line 1" in str(e)
    assert "'y'" in str(e) and "available columns: a, b, label" in str(e)


@pytest.mark.parametrize("label", ["2", "-1", "1.0001", "-0.5"])
def test_label_outside_unit_interval(tmp_path: Path, label: str) -> None:
    e = load_error(write(tmp_path, f"a,y\n1,0\n2,{label}\n"))
    assert (e.line, e.column, e.column_name) == (3, 2, "y")
    assert "outside [0, 1]" in str(e)


@pytest.mark.parametrize(
    ("cell", "word"),
    [("nan", "NaN"), ("NaN", "NaN"), ("inf", "infinite"), ("-Infinity", "infinite")],
)
def test_nan_and_inf_cells(tmp_path: Path, cell: str, word: str) -> None:
    e = load_error(write(tmp_path, f"a,b,y\n1,2,0\n3,{cell},1\n"))
    assert (e.line, e.column, e.column_name) == (3, 2, "b")
    assert word in str(e)


def test_nan_label(tmp_path: Path) -> None:
    e = load_error(write(tmp_path, "a,y\n1,nan\n"))
    assert (e.line, e.column) == (2, 2) and "NaN" in str(e)


def test_value_too_large_for_float32(tmp_path: Path) -> None:
    e = load_error(write(tmp_path, "a,y\n1e39,0\n"))
    assert (e.line, e.column) == (2, 1) and "float32" in str(e)


def test_line_numbers_count_blank_lines(tmp_path: Path) -> None:
    e = load_error(write(tmp_path, "a,y\n\n1,0\n\n\nbad,1\n"))
    assert e.line == 6


def test_duplicate_column_names(tmp_path: Path) -> None:
    e = load_error(write(tmp_path, "a,b,a,y\n1,2,3,0\n"))
    assert (e.line, e.column) == (1, 3)
    assert "duplicate column name 'a'" in str(e) and "column 1" in str(e)


def test_empty_column_name(tmp_path: Path) -> None:
    e = load_error(write(tmp_path, "a,,y\n1,2,0\n"))
    assert (e.line, e.column) == (1, 2) and "empty column name" in str(e)


def test_single_column(tmp_path: Path) -> None:
    e = load_error(write(tmp_path, "y\n1\n0\n"))
    assert "single column" in str(e)


def test_malformed_quoting(tmp_path: Path) -> None:
    e = load_error(write(tmp_path, 'a,y\n1,0\n"2"x,1\n'))
    assert e.line == 3 and "malformed CSV" in str(e)


def test_target_must_be_a_string(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="column name"):
        load_csv(write(tmp_path, "a,y\n1,0\n"), target=1)  # type: ignore[arg-type]


# --- fuzzing -------------------------------------------------------------------


def check_valid(ds: Dataset) -> None:
    n, d = ds.X.shape
    assert n >= 1 and d >= 1
    assert ds.X.dtype == np.float32 and ds.y.dtype == np.float32
    assert ds.y.shape == (n,)
    assert np.isfinite(ds.X).all() and np.isfinite(ds.y).all()
    assert ((ds.y >= 0) & (ds.y <= 1)).all()
    assert len(ds.feature_names) == d and ds.target not in ds.feature_names
    assert len(set(ds.feature_names)) == d


def parse_or_data_error(data: bytes, target: str) -> None:
    try:
        ds = parse_csv_bytes(data, target=target, source="fuzz.csv")
    except DataError as e:
        message = str(e)
        assert message.startswith("fuzz.csv") and "\n" not in message
    else:
        check_valid(ds)


@settings(max_examples=150)
@given(data=st.binary(max_size=200))
@example(data=b"")
@example(data=b"\x00")
@example(data=b"y,a\n")
@example(data=b'a,y\n"1\n')  # unterminated quote at end of file
@example(data=b"a,y\n1,0\r\r\n\r2,1")
@example(data=b"\xef\xbb\xbf")  # a byte order mark alone
@example(data=b"\xef\xbb\xbfy,a\n0,1\n")
def test_fuzz_random_bytes(data: bytes) -> None:
    parse_or_data_error(data, target="y")


_CELL = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-3, 3).map(str),
    st.sampled_from(["", " ", "nan", "1e39", "-1e-50", "0x1p3", '"1"', '"', "1_0"]),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=5),
)


@st.composite
def csv_texts(draw) -> str:
    ncols = draw(st.integers(1, 4))
    header = draw(
        st.lists(
            st.sampled_from(["a", "b", "y", " y", "", '"y"']),
            min_size=ncols,
            max_size=ncols,
        )
    )
    rows = draw(
        st.lists(
            st.lists(_CELL, min_size=max(ncols - 1, 0), max_size=ncols + 1),
            max_size=5,
        )
    )
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return newline.join([",".join(header)] + [",".join(r) for r in rows])


@settings(max_examples=150)
@given(text=csv_texts())
@example(text="a,y\n1,0")
@example(text="a,y\n1_0,0")  # underscores are valid in Python float syntax
@example(text='a,y\n"1,0')
@example(text="a,y\n0x1p3,0")
def test_fuzz_csv_like_text(text: str) -> None:
    parse_or_data_error(text.encode("utf-8"), target="y")


def test_fuzz_through_a_real_file(tmp_path: Path) -> None:
    # load_csv adds only the file read to parse_csv_bytes; check it once for real.
    path = write(tmp_path, b"a,y\n1,\x00\n")
    e = load_error(path)
    assert os.fspath(path) in str(e) and not math.isnan(e.line)


def test_target_defaults_to_the_last_column(tmp_path: Path) -> None:
    ds = load_csv(write(tmp_path, "a,b,label\n1,2,0\n"))
    assert ds.target == "label" and ds.feature_names == ("a", "b")
