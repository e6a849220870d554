"""A strict CSV loader: a header row of column names, numeric cells, one label column.

Parsed with the standard library's ``csv`` module so that every error can name the
file, the line and the column it is about.
"""

from __future__ import annotations

import csv
import io
import os
from array import array
from typing import NamedTuple

import numpy as np

from ._errors import DataError


class Dataset(NamedTuple):
    """Features, labels and column names of a binary classification data set.

    ``X`` is float32 with shape ``(N, D)``, ``y`` is float32 with shape ``(N,)`` and
    values in ``[0, 1]``; ``feature_names`` names the ``D`` columns of ``X`` and
    ``target`` the label column.

    >>> import numpy as np
    >>> ds = Dataset(X=np.zeros((2, 3), np.float32), y=np.array([0, 1], np.float32),
    ...              feature_names=("a", "b", "c"), target="label")
    >>> ds.X.shape, ds.y.shape, ds.target
    ((2, 3), (2,), 'label')
    """

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...]
    target: str


def load_csv(path: str | os.PathLike[str], target: str | None = None) -> Dataset:
    """Load a CSV file with a header row; the column named ``target`` is the label.

    Every other column is a feature; ``target=None`` picks the last column. Cells
    must be numbers (Python ``float`` syntax; surrounding spaces are ignored),
    finite, and representable in float32; labels must lie in ``[0, 1]``; blank
    lines are skipped. The file must be UTF-8 text (a
    byte order mark is allowed). Anything else raises :class:`DataError` naming the
    file, line and column, and saying what is wrong. A file that cannot be opened
    raises the usual ``OSError``.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "tiny.csv")
    >>> with open(path, "w") as f:
    ...     _ = f.write("height,weight,sick\\n1.5,60,0\\n1.8,90,1\\n")
    >>> ds = load_csv(path, target="sick")
    >>> ds.X
    array([[ 1.5, 60. ],
           [ 1.8, 90. ]], dtype=float32)
    >>> ds.y, ds.feature_names
    (array([0., 1.], dtype=float32), ('height', 'weight'))
    >>> with open(path, "a") as f:
    ...     _ = f.write("1.7,seventy,0\\n")
    >>> load_csv(path, target="sick")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    funcgrad.data.DataError: ...tiny.csv, line 4, column 2 ('weight'): \
non-numeric value 'seventy'; ...
    """
    source = os.fspath(path)
    with open(path, "rb") as f:
        data = f.read()
    return parse_csv_bytes(data, target=target, source=source)


def parse_csv_bytes(
    data: bytes, *, target: str | None = None, source: str = "<data>"
) -> Dataset:
    """Parse CSV ``data`` (bytes) as :func:`load_csv` does; errors name ``source``.

    >>> parse_csv_bytes(b"x,y\\n0.5,1\\n", target="y").X
    array([[0.5]], dtype=float32)
    >>> parse_csv_bytes(b"x,y\\n0.5,1\\n").target  # the last column by default
    'y'
    >>> parse_csv_bytes(b"x,y\\n0.5,2\\n", target="y", source="s.csv")
    Traceback (most recent call last):
    ...
    funcgrad.data.DataError: s.csv, line 2, column 2 ('y'): label 2.0 is \
outside [0, 1]; the target column must hold 0/1 labels (or probabilities)
    """
    if target is not None and not isinstance(target, str):
        raise TypeError(f"target must be a column name (str), got {target!r}")
    text = _decode(data, source)
    reader = csv.reader(
        io.StringIO(text, newline=""), strict=True, skipinitialspace=True
    )
    try:
        header, header_line = _read_header(reader, source)
        ncols = len(header)
        t = _target_index(header, target, source, header_line)
        values, lines = _read_rows(reader, header, source)
    except csv.Error as e:
        raise DataError(
            f"malformed CSV ({e}); check the quoting on this line",
            path=source,
            line=reader.line_num,
        ) from None
    if not lines:
        raise DataError(
            f"no data rows: the file has a header (line {header_line}) but no rows of "
            "values after it",
            path=source,
        )
    table = np.frombuffer(values, dtype=np.float64).reshape(len(lines), ncols)
    with np.errstate(over="ignore", invalid="ignore"):
        table32 = table.astype(np.float32)
    _check_finite(table, table32, header, lines, source)
    y = np.ascontiguousarray(table32[:, t])
    _check_labels(y, t, header, lines, source)
    X = np.ascontiguousarray(np.delete(table32, t, axis=1))
    names = tuple(name for j, name in enumerate(header) if j != t)
    return Dataset(X=X, y=y, feature_names=names, target=header[t])


def _position(data: bytes, index: int) -> tuple[int, int]:
    """1-based (line, column) of byte ``index``; the column counts bytes."""
    line = data.count(b"\n", 0, index) + 1
    column = index - (data.rfind(b"\n", 0, index) + 1) + 1
    return line, column


def _decode(data: bytes, source: str) -> str:
    if not data.strip():
        raise DataError(
            "the file is empty; expected a header row of column names and at least "
            "one row of numbers",
            path=source,
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        line, column = _position(data, nul)
        raise DataError(
            "binary data (a NUL byte); expected a UTF-8 CSV text file",
            path=source,
            line=line,
            column=column,
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line, column = _position(data, e.start)
        raise DataError(
            f"not UTF-8 text (byte 0x{data[e.start]:02x}); save the file as UTF-8 CSV",
            path=source,
            line=line,
            column=column,
        ) from None


def _read_header(reader, source: str) -> tuple[list[str], int]:
    for row in reader:
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # blank line
        line = reader.line_num
        header = [cell.strip() for cell in row]
        seen: dict[str, int] = {}
        for j, name in enumerate(header):
            if not name:
                raise DataError(
                    "empty column name in the header; every column needs a name",
                    path=source,
                    line=line,
                    column=j + 1,
                )
            if name in seen:
                raise DataError(
                    f"duplicate column name {name!r} (also column {seen[name] + 1}); "
                    "column names must be unique",
                    path=source,
                    line=line,
                    column=j + 1,
                )
            seen[name] = j
        if len(header) < 2:
            raise DataError(
                f"the header has a single column ({header[0]!r}); expected feature "
                "columns and a label column separated by commas",
                path=source,
                line=line,
            )
        return header, line
    raise DataError(
        "the file is empty; expected a header row of column names and at least one "
        "row of numbers",
        path=source,
    )


def _target_index(header: list[str], target: str | None, source: str, line: int) -> int:
    if target is None:
        return len(header) - 1
    try:
        return header.index(target.strip())
    except ValueError:
        available = ", ".join(header)
        raise DataError(
            f"no target column {target!r} in the header; available columns: "
            f"{available}",
            path=source,
            line=line,
        ) from None


def _read_rows(reader, header: list[str], source: str) -> tuple[array, array]:
    ncols = len(header)
    values = array("d")
    lines = array("q")
    extend = values.extend
    for row in reader:
        if len(row) != ncols:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # blank line
            raise DataError(
                f"ragged row: {len(row)} fields, but the header has {ncols} columns",
                path=source,
                line=reader.line_num,
            )
        try:
            extend(map(float, row))
        except ValueError:
            _raise_bad_cell(row, header, source, reader.line_num)
        lines.append(reader.line_num)
    return values, lines


def _raise_bad_cell(row: list[str], header: list[str], source: str, line: int):
    for j, cell in enumerate(row):
        try:
            float(cell)
        except ValueError:
            if not cell.strip():
                reason = "missing value (empty cell); fill it in or drop the row"
            else:
                shown = cell if len(cell) <= 40 else cell[:37] + "..."
                reason = f"non-numeric value {shown!r}; every cell must be a number"
            raise DataError(
                reason, path=source, line=line, column=j + 1, column_name=header[j]
            ) from None
    raise AssertionError("unreachable: no bad cell in a row that failed to parse")


def _check_finite(
    table: np.ndarray,
    table32: np.ndarray,
    header: list[str],
    lines: array,
    source: str,
) -> None:
    bad = ~np.isfinite(table32)
    if not bad.any():
        return
    i, j = divmod(int(np.flatnonzero(bad)[0]), table.shape[1])
    value = table[i, j]
    if np.isnan(value):
        reason = "NaN value; remove or impute it"
    elif np.isinf(value):
        reason = "infinite value; remove or replace it"
    else:
        reason = f"value {value:g} is too large for float32; rescale the column"
    raise DataError(
        reason, path=source, line=int(lines[i]), column=j + 1, column_name=header[j]
    )


def _check_labels(
    y: np.ndarray, t: int, header: list[str], lines: array, source: str
) -> None:
    bad = (y < 0) | (y > 1)
    if not bad.any():
        return
    i = int(np.flatnonzero(bad)[0])
    raise DataError(
        f"label {float(y[i])!r} is outside [0, 1]; the target column must hold 0/1 "
        "labels (or probabilities)",
        path=source,
        line=int(lines[i]),
        column=t + 1,
        column_name=header[t],
    )
