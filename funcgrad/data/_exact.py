"""The exact reader: Python's ``csv`` module and ``float``, row by row.

Slow, but it knows the line of every row and the column of every cell. It reads the
header, the chunks the fast reader (``_fast``) refuses, and the chunk an error was
found in, to name the bad cell and say what is wrong with it.
"""

from __future__ import annotations

import csv
import io
import re
from array import array
from typing import NamedTuple, NoReturn

import numpy as np

from ._errors import DataError
from ._labels import Key, class_key, class_name

DELIMITERS = (",", ";", "\t")
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")


class Header(NamedTuple):
    """The column names, the line they are on, and the byte offset of the data."""

    names: list[str]
    line: int
    end: int


class Rows(NamedTuple):
    """Rows read exactly: ``table`` (float64, the label column holds 0), the label
    cells as written and the line of each row."""

    table: np.ndarray
    labels: list[str]
    lines: np.ndarray


def reader(text: str, delimiter: str):
    """A strict ``csv`` reader over ``text`` (spaces after a delimiter skipped)."""
    return csv.reader(
        io.StringIO(text, newline=""),
        delimiter=delimiter,
        strict=True,
        skipinitialspace=True,
    )


def sniff_delimiter(text: str) -> str:
    """The delimiter of ``text`` among ``,`` ``;`` and tab, from its first lines.

    The one that splits the header into the most columns and every sampled line
    into as many; failing that, the one that splits the header most; ``,`` when
    none splits it.

    >>> sniff_delimiter("a;b;y\\n1,5;2;0\\n"), sniff_delimiter("a\\tb\\n1\\t2\\n")
    (';', '\\t')
    >>> sniff_delimiter("a,b\\n1,2\\n"), sniff_delimiter("y\\n1\\n")
    (',', ',')
    """
    lines = [line for line in text[:65536].splitlines()[:64] if line.strip()][:6]
    best, best_score = ",", (False, 1)
    for d in DELIMITERS:
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=d)]
        except csv.Error:
            continue
        if not counts or counts[0] < 2:
            continue
        score = (all(c == counts[0] for c in counts), counts[0])
        if score > best_score:
            best, best_score = d, score
    return best


def read_header(data: bytes, delimiter: str, source: str) -> Header | None:
    """The header of the chunk ``data`` (the file's first), ``None`` if all blank."""
    text = data.decode("utf-8")
    rows = reader(text, delimiter)
    try:
        for row in rows:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # blank line
            line = rows.line_num
            names = _check_names(row, line, source, delimiter)
            breaks = _LINE_BREAK.finditer(data)
            ends = [m.end() for _, m in zip(range(line), breaks, strict=False)]
            return Header(names, line, ends[-1] if len(ends) == line else len(data))
    except csv.Error as e:
        raise DataError(
            f"malformed CSV ({e}); check the quoting on this line",
            path=source,
            line=rows.line_num,
        ) from None
    return None


def _check_names(row: list[str], line: int, source: str, delimiter: str) -> list[str]:
    names = [cell.strip() for cell in row]
    seen: dict[str, int] = {}
    for j, name in enumerate(names):
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
    if len(names) < 2:
        separated = (
            "commas, semicolons or tabs" if delimiter == "," else repr(delimiter)
        )
        raise DataError(
            f"the header has a single column ({names[0]!r}); expected feature "
            f"columns and a label column separated by {separated}",
            path=source,
            line=line,
        )
    return names


def read_rows(
    data: bytes, line: int, names: list[str], target: int, delimiter: str, source: str
) -> Rows:
    """Every row of the chunk ``data`` (starting on ``line``), read exactly.

    Raises :class:`DataError` for the first ragged row, malformed quoting, or cell
    that is not a number (the label column may hold names, but no empty cell).
    """
    ncols = len(names)
    rows = reader(data.decode("utf-8"), delimiter)
    values = array("d")
    labels: list[str] = []
    lines = array("q")
    extend = values.extend
    offset = line - 1
    try:
        for row in rows:
            if len(row) != ncols:
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue  # blank line
                raise DataError(
                    f"ragged row: {len(row)} fields, but the header has {ncols} "
                    "columns",
                    path=source,
                    line=offset + rows.line_num,
                )
            label = row[target]
            row[target] = "0"
            try:
                extend(map(float, row))
            except ValueError:
                row[target] = label
                _raise_bad_cell(row, names, target, source, offset + rows.line_num)
            if not label.strip():
                row[target] = label
                _raise_bad_cell(row, names, target, source, offset + rows.line_num)
            labels.append(label)
            lines.append(offset + rows.line_num)
    except csv.Error as e:
        raise DataError(
            f"malformed CSV ({e}); check the quoting on this line",
            path=source,
            line=offset + rows.line_num,
        ) from None
    table = np.frombuffer(values, dtype=np.float64).reshape(len(labels), ncols)
    return Rows(table, labels, np.frombuffer(lines, dtype=np.int64))


def _raise_bad_cell(
    row: list[str], names: list[str], target: int, source: str, line: int
) -> NoReturn:
    for j, cell in enumerate(row):
        if not cell.strip():
            reason = "missing value (empty cell); fill it in or drop the row"
        elif j == target:
            continue  # a class name
        else:
            try:
                float(cell)
                continue
            except ValueError:
                shown = cell if len(cell) <= 40 else cell[:37] + "..."
                reason = f"non-numeric value {shown!r}; every cell must be a number"
        raise DataError(
            reason, path=source, line=line, column=j + 1, column_name=names[j]
        )
    raise AssertionError("unreachable: no bad cell in a row that failed to parse")


# --- errors found after reading: located in the rows of one chunk -----------------


def raise_non_finite(
    rows: Rows, names: list[str], target: int, numeric: bool, source: str
) -> None:
    """Raise for the first NaN, infinite or float32-overflowing cell of ``rows``
    (the label column too when the labels are numbers)."""
    table = rows.table.copy()
    if numeric:
        table[:, target] = [float(c) for c in rows.labels]
    with np.errstate(over="ignore", invalid="ignore"):
        bad = ~np.isfinite(table.astype(np.float32))
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
        reason, path=source, line=int(rows.lines[i]), column=j + 1, column_name=names[j]
    )


def raise_label_range(rows: Rows, names: list[str], target: int, source: str) -> None:
    """Raise for the first numeric label outside ``[0, 1]``."""
    y = np.array([float(c) for c in rows.labels], np.float32)
    bad = (y < 0) | (y > 1)
    if not bad.any():
        return
    i = int(np.flatnonzero(bad)[0])
    raise DataError(
        f"label {float(y[i])!r} is outside [0, 1]; the target column must hold 0/1 "
        "labels (or probabilities), or two classes with the positive one named",
        path=source,
        line=int(rows.lines[i]),
        column=target + 1,
        column_name=names[target],
    )


def raise_third_class(
    rows: Rows, known: list[Key], names: list[str], target: int, source: str
) -> None:
    """Raise at the first label of ``rows`` that makes a third class after
    ``known`` (the classes of the chunks before)."""
    seen = list(known)
    for cell, line in zip(rows.labels, rows.lines, strict=True):
        key = class_key(cell)
        if key in seen:
            continue
        seen.append(key)
        if len(seen) > 2:
            first, second = (repr(class_name(k)) for k in seen[:2])
            raise DataError(
                f"a third class {class_name(key)!r} in the target column, after "
                f"{first} and {second}; labels must be 0/1 numbers or two classes",
                path=source,
                line=int(line),
                column=target + 1,
                column_name=names[target],
            )
