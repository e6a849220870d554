"""A strict CSV loader: a header row of column names, numeric cells, one label column.

Chunks of the file go through pyarrow's C++ parser (``_fast``); a chunk it refuses,
and the chunk an error was found in, go through the exact reader (``_exact``,
Python's ``csv`` module), which names the file, line and column of the problem.
Both read the same numbers, so the result does not depend on which one read a chunk.
"""

from __future__ import annotations

import io
import os
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import BinaryIO, NamedTuple

import numpy as np

from . import _exact, _fast
from ._errors import DataError
from ._labels import (
    Key,
    LabelPart,
    class_key,
    class_name,
    keys_of,
    merge_keys,
    part_from_cells,
    sorted_keys,
    to_binary,
)
from ._text import CHUNK_BYTES, Chunk, ChunkReader


class Dataset(NamedTuple):
    """Features, labels and column names of a binary classification data set.

    ``X`` is float32 with shape ``(N, D)``, ``y`` is float32 with shape ``(N,)`` and
    values in ``[0, 1]``; ``feature_names`` names the ``D`` columns of ``X`` and
    ``target`` the label column. ``classes`` maps each class name to its label
    where the file names classes (``{"B": 0, "M": 1}``), ``None`` for numbers.

    >>> import numpy as np
    >>> ds = Dataset(X=np.zeros((2, 3), np.float32), y=np.array([0, 1], np.float32),
    ...              feature_names=("a", "b", "c"), target="label")
    >>> ds.X.shape, ds.y.shape, ds.target, ds.classes
    ((2, 3), (2,), 'label', None)
    """

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...]
    target: str
    classes: dict[str, int] | None = None


def load_csv(
    path: str | os.PathLike[str],
    target: str | None = None,
    *,
    delimiter: str | None = None,
    positive: str | None = None,
) -> Dataset:
    """Load a CSV file with a header row; the column named ``target`` is the label.

    Every other column is a feature; ``target=None`` picks the last column. Cells
    must be numbers (Python ``float`` syntax; surrounding spaces are ignored),
    finite, and representable in float32; blank lines are skipped. The delimiter
    is ``,``, ``;`` or tab, whichever splits the first lines into columns, unless
    ``delimiter`` names it. The text is UTF-8 (a byte order mark is allowed) or
    UTF-16 (with a byte order mark).

    Labels are numbers in ``[0, 1]``, or two classes named in the file (``M`` and
    ``B``, ``yes`` and ``no``): ``positive`` names the class labelled 1; without it
    the names are sorted and the second is labelled 1 (``B`` -> 0, ``M`` -> 1;
    ``no`` -> 0, ``yes`` -> 1), and :attr:`Dataset.classes` says which. With
    ``positive``, numeric labels are classes too (``2``/``4``, ``positive="4"``).

    Anything else raises :class:`DataError` naming the file, line and column, and
    saying what is wrong. A file that cannot be opened raises the usual ``OSError``.

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
    with open(path, "rb") as f:
        return _read(f, os.fspath(path), target, delimiter, positive)


def parse_csv_bytes(
    data: bytes,
    *,
    target: str | None = None,
    source: str = "<data>",
    delimiter: str | None = None,
    positive: str | None = None,
) -> Dataset:
    """Parse CSV ``data`` (bytes) as :func:`load_csv` does; errors name ``source``.

    >>> parse_csv_bytes(b"x,y\\n0.5,1\\n", target="y").X
    array([[0.5]], dtype=float32)
    >>> parse_csv_bytes(b"x,y\\n0.5,1\\n").target  # the last column by default
    'y'
    >>> ds = parse_csv_bytes(b"x;diagnosis\\n0.5;M\\n0.7;B\\n")
    >>> ds.y, ds.classes
    (array([1., 0.], dtype=float32), {'B': 0, 'M': 1})
    >>> parse_csv_bytes(b"x,y\\n0.5,2\\n", target="y", source="s.csv")
    Traceback (most recent call last):
    ...
    funcgrad.data.DataError: s.csv, line 2, column 2 ('y'): label 2.0 is \
outside [0, 1]; the target column must hold 0/1 labels (or probabilities), or two \
classes with the positive one named
    """
    return _read(io.BytesIO(data), source, target, delimiter, positive)


def _read(
    f: BinaryIO,
    source: str,
    target: str | None,
    delimiter: str | None,
    positive: str | None,
    *,
    fast: bool = True,
    chunk_bytes: int = CHUNK_BYTES,
) -> Dataset:
    """Read the CSV file ``f``; ``fast=False`` reads every chunk exactly (the
    reference the fast reader must agree with)."""
    _check_options(target, delimiter, positive)
    chunks = ChunkReader(f, source, chunk_bytes)
    state = None
    workers = min(2, os.cpu_count() or 1) if fast else 0
    with ThreadPoolExecutor(max(workers, 1)) as pool:
        parsing: deque[tuple[Chunk, Future]] = deque()
        for chunk in chunks:
            if state is None:
                state = _start(chunk, chunks, target, delimiter, positive, fast)
                if state is None:
                    continue  # blank lines so far
                chunk = state.first
            if chunk.data:
                parsing.append((chunk, pool.submit(state.parse, chunk)))
            if len(parsing) > workers:
                done, rows = parsing.popleft()
                state.add(done, rows.result())
        while parsing:
            done, rows = parsing.popleft()
            state.add(done, rows.result())
    if state is None:
        raise DataError(
            "the file is empty; expected a header row of column names and at least "
            "one row of numbers",
            path=source,
        )
    return state.finish()


def _check_options(
    target: str | None, delimiter: str | None, positive: str | None
) -> None:
    if target is not None and not isinstance(target, str):
        raise TypeError(f"target must be a column name (str), got {target!r}")
    if positive is not None and not isinstance(positive, str):
        raise TypeError(f"positive must be a class name (str), got {positive!r}")
    if delimiter is not None and (
        not isinstance(delimiter, str)
        or len(delimiter) != 1
        or delimiter in '"\r\n\x00'
    ):
        raise ValueError(
            f"delimiter must be one character other than a quote or a line break, "
            f"got {delimiter!r}"
        )


def _start(
    chunk: Chunk,
    chunks: ChunkReader,
    target: str | None,
    delimiter: str | None,
    positive: str | None,
    fast: bool,
) -> _Reading | None:
    """Read the header from the first chunk; ``None`` if it is all blank lines."""
    source = chunks.source
    if delimiter is None:
        delimiter = _exact.sniff_delimiter(chunk.data[:65536].decode("utf-8", "ignore"))
    try:
        header = _exact.read_header(chunk.data, delimiter, source)
    except DataError as e:
        chunks.fail(e)
    if header is None:
        return None
    line = chunk.line - 1 + header.line
    names = header.names
    if target is None:
        t = len(names) - 1
    elif target.strip() in names:
        t = names.index(target.strip())
    else:
        chunks.fail(
            DataError(
                f"no target column {target!r} in the header; available columns: "
                f"{', '.join(names)}",
                path=source,
                line=line,
            )
        )
    first = Chunk(chunk.data[header.end :], line + 1)
    return _Reading(chunks, names, t, delimiter, positive, fast, line, first)


class _Flagged(NamedTuple):
    """A chunk with a problem found after reading it, kept to be read exactly."""

    chunk: Chunk
    known: list[Key]


class _Reading:
    """The state of one read: the output so far and the chunks with problems."""

    def __init__(
        self,
        chunks: ChunkReader,
        names: list[str],
        target: int,
        delimiter: str,
        positive: str | None,
        fast: bool,
        header_line: int,
        first: Chunk,
    ) -> None:
        self.chunks, self.names, self.target = chunks, names, target
        self.delimiter, self.positive, self.fast = delimiter, positive, fast
        self.header_line, self.first = header_line, first
        self.source = chunks.source
        self.X = np.empty((0, len(names) - 1), np.float32)
        self.n = 0
        self.bytes_read = 0
        self.label_text = False
        self.parts: list[LabelPart | None] = []
        self.keys: list[Key] = []
        self.flags: dict[str, _Flagged] = {}

    # -- reading ---------------------------------------------------------------

    def parse(self, chunk: Chunk) -> _fast.FastRows | None:
        """The fast reader's rows of ``chunk``, or ``None`` (in a worker thread)."""
        if not self.fast:
            return None
        args = (chunk.data, len(self.names), self.target, self.delimiter)
        return _fast.read_chunk(*args, self.label_text)

    def add(self, chunk: Chunk, rows: _fast.FastRows | None) -> None:
        """Add the rows of ``chunk`` (as :meth:`parse` read them) to the output."""
        if rows is None and self.fast and not self.label_text:
            rows = _fast.read_chunk(
                chunk.data, len(self.names), self.target, self.delimiter, True
            )
            if rows is not None and rows.labels.values is None:
                self.label_text = True  # class names: read the next ones as text
        if rows is None:
            exact = self._exact(chunk)
            n, part = len(exact.labels), part_from_cells(exact.labels)
            self._reserve(n, len(chunk.data))
            with np.errstate(over="ignore", invalid="ignore"):  # found by _check
                self.X[self.n : self.n + n] = np.delete(exact.table, self.target, 1)
        else:
            n, part = rows.n, rows.labels
            self._reserve(n, len(chunk.data))
            self._write(rows)
        self._check(chunk, self.X[self.n : self.n + n], part)
        self.parts.append(part)
        self.n += n

    def _exact(self, chunk: Chunk) -> _exact.Rows:
        try:
            return _exact.read_rows(
                chunk.data,
                chunk.line,
                self.names,
                self.target,
                self.delimiter,
                self.source,
            )
        except DataError as e:
            self.chunks.fail(e)

    def _reserve(self, n: int, nbytes: int) -> None:
        """Room for ``n`` more rows; sized from the rows per byte read so far."""
        self.bytes_read += nbytes
        need = self.n + n
        if need <= len(self.X):
            return
        size = self.chunks.size or 0
        guess = int(need * max(size / max(self.bytes_read, 1), 1.0) * 1.02) + 64
        shape = (max(need, guess), self.X.shape[1])
        if self.n == 0:
            self.X = np.empty(shape, np.float32)
        else:
            self.X.resize(shape, refcheck=False)

    @np.errstate(over="ignore", invalid="ignore")  # found by _check
    def _write(self, rows: _fast.FastRows) -> None:
        start = self.n
        for batch in rows.batches:
            m = 0
            for j, column in enumerate(batch):
                if column is not None:
                    jj = j if j < self.target else j - 1
                    self.X[start : start + len(column), jj] = column
                    m = len(column)
            start += m

    def _check(self, chunk: Chunk, X: np.ndarray, part: LabelPart) -> None:
        """Note (for later) the first chunk with each kind of problem."""
        flags = self.flags
        if "features" not in flags and not np.isfinite(X).all():
            flags["features"] = _Flagged(chunk, [])
        if part.values is not None:
            with np.errstate(over="ignore", invalid="ignore"):
                y = part.values.astype(np.float32)
                if "label_value" not in flags and not np.isfinite(y).all():
                    flags["label_value"] = _Flagged(chunk, [])
                if "label_range" not in flags and ((y < 0) | (y > 1)).any():
                    flags["label_range"] = _Flagged(chunk, [])
        if "classes" not in flags:
            keys = merge_keys(self.keys, keys_of(part, self.keys))
            if len(keys) > 2:
                flags["classes"] = _Flagged(chunk, self.keys)
            else:
                self.keys = keys

    # -- the end: errors in file order, then the labels --------------------------

    def finish(self) -> Dataset:
        if self.n == 0:
            raise DataError(
                f"no data rows: the file has a header (line {self.header_line}) but "
                "no rows of values after it",
                path=self.source,
            )
        numeric = self.positive is None and all(
            p.values is not None for p in self.parts
        )
        if numeric:
            bad = [
                self.flags[k] for k in ("features", "label_value") if k in self.flags
            ]
            if bad:
                self._raise("non_finite", min(bad, key=lambda f: f.chunk.line), True)
            if "label_range" in self.flags:
                self._raise("label_range", self.flags["label_range"])
            y = self._labels(lambda part: part.values)
            classes = None
        else:
            if "features" in self.flags:
                self._raise("non_finite", self.flags["features"], False)
            if "classes" in self.flags:
                self._raise("third_class", self.flags["classes"])
            y, classes = self._classes()
        self.X.resize((self.n, self.X.shape[1]), refcheck=False)
        names = tuple(name for j, name in enumerate(self.names) if j != self.target)
        return Dataset(self.X, y, names, self.names[self.target], classes)

    def _raise(self, kind: str, flagged: _Flagged, numeric: bool = True) -> None:
        rows = self._exact(flagged.chunk)
        args = (self.names, self.target)
        if kind == "non_finite":
            _exact.raise_non_finite(rows, *args, numeric, self.source)
        elif kind == "label_range":
            _exact.raise_label_range(rows, *args, self.source)
        else:
            _exact.raise_third_class(rows, flagged.known, *args, self.source)
        raise AssertionError(f"the exact reader found no {kind} problem")

    def _labels(self, convert) -> np.ndarray:
        """float32 labels: ``convert(part)`` for each part, freed as it goes."""
        y = np.empty(self.n, np.float32)
        start = 0
        for i, part in enumerate(self.parts):
            values = convert(part)
            y[start : start + len(values)] = values
            start += len(values)
            self.parts[i] = None
        return y

    def _classes(self) -> tuple[np.ndarray, dict[str, int]]:
        keys = self.keys
        if self.positive is not None:
            positive = class_key(self.positive)
            if positive not in keys:
                shown = " and ".join(repr(class_name(k)) for k in sorted_keys(keys))
                raise DataError(
                    f"positive class {self.positive!r} is not in the target column, "
                    f"which holds {shown}",
                    path=self.source,
                    column=self.target + 1,
                    column_name=self.names[self.target],
                )
            order = [k for k in keys if k != positive] + [positive]
        else:
            order = sorted_keys(keys)
            positive = order[1] if len(order) == 2 else None
        y = self._labels(lambda part: to_binary(part, positive))
        if len(order) == 1 and positive is not None:
            return y, {class_name(positive): 1}
        return y, {class_name(k): i for i, k in enumerate(order)}
