"""Sources of data too big for memory: NumPy memory maps, Parquet, big CSV files.

A source knows its size (``n`` rows, ``features`` + ``outputs`` columns) and reads
any row range ``[lo, hi)`` as consecutive float32 pieces of ``[X | Y]`` rows, each
checked as it is read (finite values, labels in ``[0, 1]``; a ``DataError`` names the
file, row and column) unless the reader is unchecked (``reader(checked=False)``).
``units`` are the ranges the file is cheapest to read by (a Parquet file's row
groups). Nothing is read until asked: a process reads only the rows it trains on.

* :class:`ArraySource`: ``X`` and ``Y`` arrays, typically ``np.load(path,
  mmap_mode="r")`` memory maps, or one ``.npy`` whose column ``target`` holds the
  labels.
* :class:`ParquetSource`: a Parquet file or a directory of them (read in name
  order), the ``target`` column as labels and every other column as a feature;
  read as rows or, cheaper, as columns (:meth:`Source.read_columns_into`).
* A CSV file is converted once, streaming (``pyarrow.csv.open_csv``), into a
  temporary ``.npy`` file (like Vowpal Wabbit's cache file) and read from there.
"""

from __future__ import annotations

import bisect
import copy
import ctypes
import mmap
import os
import shutil
import tempfile
import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from ..data import DataError
from ._transpose import fast, transpose_into

__all__ = [
    "ArraySource",
    "ParquetSource",
    "Source",
    "csv_to_npy",
    "open_source",
    "outside_01",
    "rows_finite",
]


class Source:
    """The interface ``fit`` streams from (see the module documentation)."""

    name: str  # for messages: a file name, or "X/Y"
    n: int
    features: int
    outputs: int
    random_access = False  # any row range reads as fast as a whole unit
    dtype = np.dtype(np.float32)
    #: Whether reads check what they read; a reader from ``reader(checked=False)``
    #: leaves that to its caller (see :meth:`check`).
    checked = True

    def __len__(self) -> int:
        return self.n

    @property
    def shape(self) -> tuple[int, int]:
        """``(N, D)``, like the ``X`` it stands for."""
        return (self.n, self.features)

    def units(self) -> list[tuple[int, int]]:
        return [(0, self.n)]

    def read_into(self, lo: int, hi: int, out: np.ndarray) -> None:
        """Fill ``out`` (``hi - lo`` rows of ``[X | Y]``) with rows ``[lo, hi)``."""
        raise NotImplementedError

    def fingerprint(self) -> dict[str, Any]:
        raise NotImplementedError

    #: Whether :meth:`read_scattered` copies rows straight from the file (one copy).
    scatters = False
    #: Whether :meth:`read_columns_into` is the cheap way in (a columnar file:
    #: turning its columns into rows costs more than reading them).
    columnar = False

    def read_columns_into(self, lo: int, hi: int, out: np.ndarray) -> None:
        """Fill ``out`` (``D + k`` by ``hi - lo``: one row of ``out`` per column)
        with rows ``[lo, hi)``, checked."""
        raise NotImplementedError

    def read_scattered(self, ops: np.ndarray, out: np.ndarray) -> None:
        """Rows ``[lo, hi)`` to ``out[at : at + hi - lo]`` for each ``(lo, hi, at)``
        of ``ops`` (sorted by ``lo``), unchecked: :meth:`check` them afterwards."""
        raise NotImplementedError

    def will_read(self, ranges: list[tuple[int, int]]) -> None:
        """The row ranges this reader will be asked for next, in order (each a
        range of :meth:`units` or part of one): it may prepare them ahead."""

    def check(self, rows: np.ndarray, first: int) -> None:
        """``DataError`` unless ``rows`` (rows ``first, first + 1, ...``) are fit
        to train on."""
        check_rows(rows, first, self.features, self.name, self._column_of)

    def _read_check(self, rows: np.ndarray, first: int) -> None:
        """:meth:`check` rows just read, unless this reader is unchecked."""
        if self.checked:
            self.check(rows, first)

    def _column_of(self, j: int) -> tuple[int, str]:
        return j + 1, f"column {j}"

    def reader(self, checked: bool = True) -> Source:
        """A reader of its own (one per shard stream): reads that go on from
        where the last ended are cheap. Unless ``checked``, its reads are not
        checked: the caller checks them (or what they lead to) itself."""
        if checked == self.checked:
            return self
        other = copy.copy(self)
        other.checked = checked
        return other

    def close(self) -> None:
        pass

    @property
    def columns(self) -> int:
        return self.features + self.outputs


class ArraySource(Source):
    """``X`` (N, D) and ``Y`` (N,) or (N, k) arrays (memory maps are read lazily);
    with ``Y`` an int, column ``Y`` of ``X`` holds the labels."""

    random_access = True

    def __init__(
        self,
        X: np.ndarray,
        Y: np.ndarray | int,
        name: str = "X/Y",
        identity: dict[str, Any] | None = None,
    ) -> None:
        self.identity = identity
        if X.ndim != 2:
            raise ValueError(f"{name}: X must be 2-D (N, D), got shape {X.shape}")
        self.X, self.name = X, name
        if isinstance(Y, (int, np.integer)):
            if not -X.shape[1] <= Y < X.shape[1]:
                raise ValueError(
                    f"{name}: target column {Y} is outside the {X.shape[1]} columns"
                )
            self.target = int(Y) % X.shape[1]
            self.Y = None
            self.features, self.outputs = X.shape[1] - 1, 1
        else:
            if Y.ndim not in (1, 2) or len(Y) != len(X):
                raise ValueError(
                    f"{name}: Y must be (N,) or (N, k) with N = {len(X)} rows of X, "
                    f"got shape {Y.shape}"
                )
            self.Y = Y.reshape(len(Y), -1)
            self.features, self.outputs = X.shape[1], self.Y.shape[1]
        for label, a in (("X", X), ("Y", self.Y)):
            if a is not None and not (
                np.issubdtype(a.dtype, np.number) or a.dtype == bool
            ):
                raise ValueError(f"{name}: {label} must be numeric, got {a.dtype}")
        self.n = len(X)
        self._file = (
            _rows_of_file(X)
            if self.Y is None and self.target == self.features
            else None
        )
        self.scatters = self._file is not None
        self._fd: int | None = None

    def reader(self, checked: bool = True) -> Source:
        other = super().reader(checked)
        if other is not self:
            other._fd = None  # its own descriptor, closed with it
        return other

    def _descriptor(self) -> int:
        if self._fd is None:
            self._fd = os.open(self._file[0], os.O_RDONLY)
            weakref.finalize(self, os.close, self._fd)
        return self._fd

    def read_scattered(self, ops: np.ndarray, out: np.ndarray) -> None:
        # The file's rows are [X | Y] rows: the kernel copies them from the page
        # cache straight to their places, a file stretch at a time (no mapping, so
        # nothing to unmap and no page faults).
        _, offset, row = self._file
        fd, ops = self._descriptor(), np.asarray(ops, np.int64)
        # The kernel writes to the addresses below: they must lie within out.
        if not out.flags.c_contiguous or (
            len(ops) and int((ops[:, 2] + ops[:, 1] - ops[:, 0]).max()) > len(out)
        ):
            raise ValueError("read_scattered: ops outside a C-contiguous out")
        # Every op's (place in out, bytes) at once, in the iovec layout.
        iov = np.empty((len(ops), 2), np.uint64)
        iov[:, 0] = out.ctypes.data + ops[:, 2] * row
        iov[:, 1] = (ops[:, 1] - ops[:, 0]) * row
        # Stretches of the file read in one call: ops whose rows follow on.
        breaks = np.flatnonzero(ops[1:, 0] != ops[:-1, 1]) + 1
        edges = [0, *breaks.tolist(), len(ops)]
        for first, end in zip(edges[:-1], edges[1:], strict=True):
            for a in range(first, end, _IOV_MAX):
                b = min(end, a + _IOV_MAX)
                want = int(iov[a:b, 1].sum())
                got = _preadv(fd, iov[a:b], offset + int(ops[a, 0]) * row, out)
                if got != want:
                    raise DataError(
                        f"the file ended early: {got} of {want} bytes read at row "
                        f"{int(ops[a, 0])}",
                        path=self.name,
                    )

    def read_into(self, lo: int, hi: int, out: np.ndarray) -> None:
        if self.scatters and out.flags.c_contiguous:
            self.read_scattered(np.array([[lo, hi, 0]]), out)
            self._read_check(out, lo)
            return
        # Pieces of about 4 MiB: each is checked while it is still in cache.
        step = max(1, (4 << 20) // (4 * self.columns))
        for a in range(lo, hi, step):
            b = min(hi, a + step)
            piece = out[a - lo : b - lo]
            if self.Y is None:
                x, t = self.X[a:b], self.target
                if t == self.features:  # the labels are the last column
                    piece[:] = x
                else:
                    piece[:, :t], piece[:, t : self.features] = x[:, :t], x[:, t + 1 :]
                    piece[:, self.features] = x[:, t]
            else:
                piece[:, : self.features] = self.X[a:b]
                piece[:, self.features :] = self.Y[a:b]
            for array in (self.X, self.Y):
                _drop_pages(array, a, b)
            self._read_check(piece, a)

    def _column_of(self, j: int) -> tuple[int, str]:
        """Column ``j`` of ``[X | Y]``: its 1-based number in ``X`` (or ``Y``)."""
        if self.Y is None:
            k = self.target if j >= self.features else j + (j >= self.target)
            return k + 1, f"X column {k}"
        if j >= self.features:
            return j - self.features + 1, f"Y column {j - self.features}"
        return j + 1, f"X column {j}"

    def fingerprint(self) -> dict[str, Any]:
        if self.identity is not None:
            return self.identity
        parts = []
        for a in (self.X, self.Y):
            if a is None:
                continue
            path = getattr(a, "filename", None)
            if path is not None:
                parts.append(_stat(Path(path)))
            else:  # an in-memory array: its bytes
                parts.append(_digest(a))
        return {
            "kind": "arrays",
            "files": parts,
            "target": getattr(self, "target", None),
        }


class ParquetSource(Source):
    """A Parquet file or directory of Parquet files; ``target`` names the label
    column and every other column is a feature, in the file's order.

    A row group is decoded whole on a thread of its own (pyarrow's decoding uses
    its own pool; the thread only waits), and, once :meth:`will_read` has said
    which comes next, the next one is decoded there while this one's rows are
    copied and turned into rows: 1M x 65 float32 trained in 249-265 ms against
    294-327 ms.
    """

    @property
    def columnar(self) -> bool:
        """Read as rows where the columns become rows fast (OpenBLAS's
        transpose); else as columns, for the compiled loop to turn into rows."""
        return not fast()

    def __init__(self, path: str | os.PathLike[str], target: str) -> None:
        import pyarrow.parquet as pq

        self.path, self.name = Path(path), os.fspath(path)
        files = (
            sorted(p for p in self.path.iterdir() if p.suffix == ".parquet")
            if self.path.is_dir()
            else [self.path]
        )
        if not files:
            raise DataError("no .parquet files in the directory", path=self.name)
        self.files = [pq.ParquetFile(f) for f in files]
        self.paths = files
        schema = self.files[0].schema_arrow
        names = list(schema.names)
        if target not in names:
            raise DataError(
                f"no column named {target!r}; the columns are {', '.join(names)}",
                path=os.fspath(files[0]),
            )
        for f, p in zip(self.files[1:], files[1:], strict=True):
            if list(f.schema_arrow.names) != names:
                raise DataError(
                    f"columns {f.schema_arrow.names} differ from {names} of "
                    f"{files[0].name}",
                    path=os.fspath(p),
                )
        for field in schema:
            if not (_numeric(field.type)):
                raise DataError(
                    f"column {field.name!r} has type {field.type}; numbers only",
                    path=os.fspath(files[0]),
                )
        self.order = [c for c in names if c != target] + [target]
        self.file_columns = names
        self.features, self.outputs = len(names) - 1, 1
        # (file, row group, first row, rows) for every row group, in order.
        self.groups, start = [], 0
        for i, f in enumerate(self.files):
            for g in range(f.metadata.num_row_groups):
                rows = f.metadata.row_group(g).num_rows
                if rows:
                    self.groups.append((i, g, start, rows))
                start += rows
        self.n = start
        self.groups_rows = {(i, g): r for i, g, _, r in self.groups}
        self.starts = [s for _, _, s, _ in self.groups]  # first rows, ascending
        # Rows decoded at a time: about 16 MiB of [X | Y] (pyarrow decodes big
        # batches faster, its columns on all cores).
        self.batch_rows = max(1024, (16 << 20) // (4 * self.columns))
        self._held = self._cursor = None
        self._after: dict[int, int] = {}  # group -> the group read after it
        self._ahead: dict[int, Future] = {}  # groups being decoded ahead

    def units(self) -> list[tuple[int, int]]:
        return [(s, s + r) for _, _, s, r in self.groups]

    def reader(self, checked: bool = True) -> ParquetSource:
        import pyarrow.parquet as pq

        other = copy.copy(self)
        other.checked = checked
        other.files = [pq.ParquetFile(p) for p in self.paths]
        other._held = other._cursor = None
        other._after, other._ahead = {}, {}
        return other

    def will_read(self, ranges: list[tuple[int, int]]) -> None:
        order = [self._group_of(lo) for lo, _ in ranges]
        self._after = dict(zip(order[:-1], order[1:], strict=True))

    def _group_of(self, row: int) -> int:
        """The index in ``groups`` of the row group holding ``row``."""
        return bisect.bisect_right(self.starts, row) - 1

    def _whole(self, k: int) -> bool:
        """Whether row group ``k`` is read whole: up to 64 MiB decoded, which
        pyarrow decodes faster so (164-183 ms per 1M x 65 against 201-345 in
        batches); bigger ones go in batches, so memory stays bounded."""
        return self.groups[k][3] <= 4 * self.batch_rows

    def _decode(self, k: int) -> list[Any]:
        i, g, _, _ = self.groups[k]
        group = self.files[i].read_row_group(g, columns=self.order)
        return group.combine_chunks().to_batches()

    def _decoded(self, k: int) -> list[Any]:
        """Row group ``k``'s batches, decoded on the decoding thread, which then
        goes on to the group read after it (one at a time: a file is never
        read by two threads at once)."""
        pending = self._ahead.pop(k, None) or _DECODER.submit(self._decode, k)
        after = self._after.get(k)
        if after is not None and after not in self._ahead and self._whole(after):
            self._ahead[after] = _DECODER.submit(self._decode, after)
        return pending.result()

    def read_into(self, lo: int, hi: int, out: np.ndarray) -> None:
        for batch, row in self._slices(lo, hi):
            self._rows(batch, row, out[row - lo : row - lo + batch.num_rows])

    def read_columns_into(self, lo: int, hi: int, out: np.ndarray) -> None:
        for batch, row in self._slices(lo, hi):
            piece = out[:, row - lo : row - lo + batch.num_rows]
            for j, col in enumerate(self._columns(batch, row)):
                piece[j] = col
            self._read_check(piece.T, row)

    def _slices(self, lo: int, hi: int) -> Iterator[tuple[Any, int]]:
        """Rows ``[lo, hi)`` as slices of record batches, each with its first row."""
        done = lo
        while done < hi:
            batch, first = self._batch_at(done)
            a, b = done - first, min(hi - first, batch.num_rows)
            yield batch.slice(a, b - a), done
            done += b - a

    def _batch_at(self, row: int) -> tuple[Any, int]:
        """The record batch holding ``row`` and its first row. Reading on from
        where the last read ended continues the open row group (no re-reading)."""
        held = self._held
        if held is not None and held[1] <= row < held[1] + held[0].num_rows:
            return held
        if self._cursor is None or self._cursor[1] != row:
            k = self._group_of(row)
            i, g, start, rows = self.groups[k]
            if self._whole(k):
                batches = iter(self._decoded(k))
            else:
                batches = self.files[i].iter_batches(
                    batch_size=self.batch_rows, row_groups=[g], columns=self.order
                )
            self._cursor = (batches, start, start + self.groups_rows[i, g])
        batches, at, end = self._cursor
        while True:
            batch = next(batches)
            self._held = (batch, at)
            at += batch.num_rows
            self._cursor = (batches, at, end) if at < end else None
            if row < at:
                return self._held

    def _columns(self, batch: Any, first: int) -> Iterator[np.ndarray]:
        """The batch's columns as NumPy arrays (no copy where pyarrow can), in
        order; a ``DataError`` for a missing value."""
        for j in range(self.columns):
            col = batch.column(j)
            if col.null_count:
                row = first + int(np.flatnonzero(col.is_null().to_numpy(False))[0])
                raise DataError(
                    f"missing value at row {row}",
                    path=self.name,
                    column_name=self.order[j],
                    column=j + 1,
                )
            yield col.to_numpy(zero_copy_only=False)

    def _rows(self, batch: Any, first: int, out: np.ndarray) -> None:
        # Columns copied whole side by side, then turned into rows with one
        # transposing copy: twice as fast as writing each column across the rows
        # with NumPy, ten times with OpenBLAS.
        columns = np.empty((self.columns, len(out)), np.float32)
        for j, col in enumerate(self._columns(batch, first)):
            columns[j] = col
        transpose_into(columns, out)
        self._read_check(out, first)

    def _column_of(self, j: int) -> tuple[int, str]:
        return self.file_columns.index(self.order[j]) + 1, self.order[j]

    def fingerprint(self) -> dict[str, Any]:
        files = [_stat(p) for p in self.paths]
        return {"kind": "parquet", "files": files, "columns": self.order}


#: The thread Parquet row groups are decoded on (see :class:`ParquetSource`).
_DECODER = ThreadPoolExecutor(1, thread_name_prefix="funcgrad-parquet")

#: Most buffers one ``preadv`` call takes (Linux's IOV_MAX).
_IOV_MAX = 1024


def _libc_preadv() -> Callable[..., int] | None:
    """The C library's ``preadv`` (``preadv64`` where both exist), where pointers
    are 64-bit so that an ``(n, 2)`` uint64 array is an ``iovec`` array."""
    if ctypes.sizeof(ctypes.c_void_p) != 8:  # pragma: no cover - 32-bit
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:  # pragma: no cover - no C library to open
        return None
    fn = getattr(libc, "preadv64", None) or getattr(libc, "preadv", None)
    if fn is None:  # pragma: no cover
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_int64]
    fn.restype = ctypes.c_ssize_t
    return fn


_LIBC_PREADV = _libc_preadv()


def _preadv(fd: int, iov: np.ndarray, position: int, out: np.ndarray) -> int:
    """Read at ``position`` into the ``(address, length)`` pieces of ``out`` that
    ``iov`` lists; the bytes read.

    The C call takes the array as it is and lets go of the GIL: building a
    memoryview per piece for ``os.preadv`` cost 16 ms of Python an epoch of 1M
    rows (16,000 pieces), a fifth of the epoch.
    """
    if _LIBC_PREADV is None:
        view, base = memoryview(out).cast("B"), out.ctypes.data
        pieces = [view[a - base : a - base + n] for a, n in iov.tolist()]
        return os.preadv(fd, pieces, position)
    got = _LIBC_PREADV(fd, iov.ctypes.data, len(iov), position)
    if got < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return int(got)


def _rows_of_file(X: np.ndarray) -> tuple[str, int, int] | None:
    """``(path, offset, row bytes)`` when ``X`` is a whole C-order float32 memory map
    of a file (a ``.npy`` loaded with ``mmap_mode``): its rows can then be read
    from the file itself."""
    mm, path = getattr(X, "_mmap", None), getattr(X, "filename", None)
    if mm is None or path is None or X.dtype != np.dtype("<f4"):
        return None
    if not X.flags.c_contiguous or X.ndim != 2:
        return None
    offset = int(getattr(X, "offset", -1))
    # A slice of a memory map keeps the map's offset: only the whole array's start
    # sits at that offset within the mapping.
    start = X.ctypes.data - np.frombuffer(mm, np.uint8).ctypes.data
    if offset < 0 or start != offset % mmap.ALLOCATIONGRANULARITY:
        return None
    return os.fspath(path), offset, X.strides[0]


def _drop_pages(array: np.ndarray | None, lo: int, hi: int) -> None:
    """Unmap the pages of rows ``[lo, hi)`` of a memory map once they are copied.

    A memory map's pages count in the process's resident memory while mapped:
    without this, streaming a file would end holding all of it. They stay in the
    page cache, so a later read costs no disk access.
    """
    mm = getattr(array, "_mmap", None)
    if mm is None or hi <= lo or not array.flags.c_contiguous:
        return
    base = np.frombuffer(mm, np.uint8).ctypes.data
    row = array.strides[0]
    first = array.ctypes.data + lo * row - base
    last = array.ctypes.data + hi * row - base
    page = mmap.PAGESIZE
    start, end = first // page * page, min(len(mm), -(-last // page) * page)
    if end > start:
        mm.madvise(mmap.MADV_DONTNEED, start, end - start)


def _numeric(t: Any) -> bool:
    import pyarrow as pa

    return pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_boolean(t)


def _digest(a: np.ndarray) -> str:
    import hashlib

    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()


def outside_01(labels: np.ndarray) -> bool:
    """Whether any of ``labels`` is below 0 or above 1."""
    return bool(labels.size) and (labels.min() < 0 or labels.max() > 1)


def rows_finite(rows: np.ndarray) -> bool:
    """Whether every value is finite, in one pass: a NaN or an inf makes the sum
    non-finite (a sum of huge finite values may overflow too: the caller then
    searches and finds nothing wrong).

    NumPy's sum runs on the calling thread; a BLAS product (threads that wait for
    each other) ran 20x slower on a loaded machine.
    """
    return bool(np.isfinite(rows.sum()))


def check_rows(
    rows: np.ndarray,
    first: int,
    features: int,
    name: str,
    column_of: Callable[[int], tuple[int, str]],
    line_of_row: int | None = None,
) -> None:
    """Finite values, labels in [0, 1]; else a ``DataError`` naming the row (or,
    for a CSV file, the line: row ``r`` is on line ``r + line_of_row``) and the
    column (``column_of(j)`` is the file's 1-based number and name of column ``j``
    of ``rows``).

    One summation proves a piece finite (a NaN or inf makes the sum non-finite),
    and its labels' minimum and maximum prove them in range; only then is it
    searched for the culprit.
    """
    found = None
    if not rows_finite(rows):
        bad = ~np.isfinite(rows)
        if bad.any():
            found = np.argwhere(bad)[0], "non-finite value (NaN or inf)"
    if found is None and outside_01(rows[:, features:]):
        outside = (rows[:, features:] < 0) | (rows[:, features:] > 1)
        (row, col), value = np.argwhere(outside)[0], None
        value = rows[row, features + col]
        found = (row, features + col), f"label {value:g} is outside [0, 1]"
    if found is None:
        return
    (row, col), reason = found
    number, column = column_of(int(col))
    row = first + int(row)
    if line_of_row is None:
        raise DataError(
            f"{reason} at row {row}", path=name, column=number, column_name=column
        )
    raise DataError(
        reason, path=name, line=row + line_of_row, column=number, column_name=column
    )


def csv_to_npy(path: str | os.PathLike[str], target: str, directory: str) -> str:
    """Convert a CSV file, streaming, into ``directory/data.npy`` ([X | y] float32,
    ``target`` last); returns the new file's path. Memory: one block of the CSV."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    name = os.fspath(path)
    read_options = pcsv.ReadOptions(block_size=16 << 20)
    with pcsv.open_csv(name, read_options=read_options) as first:
        names = list(first.schema.names)
    if target not in names:
        raise DataError(
            f"no column named {target!r}; the columns are {', '.join(names)}",
            path=name,
        )
    order = [c for c in names if c != target] + [target]

    def column_of(j: int) -> tuple[int, str]:
        return names.index(order[j]) + 1, order[j]

    # Every column read as float32: a column of integers in its first block and a
    # decimal later is still one column of numbers.
    convert = pcsv.ConvertOptions(column_types={c: pa.float32() for c in names})
    npy = os.path.join(directory, "data.npy")
    rows = 0
    try:
        with (
            open(npy, "wb") as f,
            pcsv.open_csv(
                name, read_options=read_options, convert_options=convert
            ) as reader,
        ):
            f.write(_npy_header(0, len(order)))
            for batch in reader:
                out = np.empty((batch.num_rows, len(order)), np.float32)
                for j, c in enumerate(order):
                    out[:, j] = batch.column(c).to_numpy(zero_copy_only=False)
                # Rows count from 0 on line 2, after the header line.
                check_rows(out, rows, len(order) - 1, name, column_of, 2)
                f.write(out.tobytes())
                rows += batch.num_rows
            f.seek(0)
            f.write(_npy_header(rows, len(order)))
    except pa.ArrowInvalid as e:
        raise DataError(str(e).splitlines()[0], path=name) from None
    return npy


#: Bytes of the .npy header csv_to_npy writes: fixed, so the row count can be
#: filled in at the end.
_NPY_HEADER = 128


def _npy_header(rows: int, columns: int) -> bytes:
    """A version 1.0 ``.npy`` header for a C-order float32 ``(rows, columns)``."""
    text = f"{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {columns}), }}"
    text = text.ljust(_NPY_HEADER - 10 - 1) + "\n"
    return b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text.encode()


def open_source(X: Any, Y: Any) -> Source:
    """The source for ``fit(params, X, Y)`` when ``X`` is a path or a memory map."""
    if isinstance(X, np.memmap):
        return ArraySource(X, Y if isinstance(Y, int) else np.asarray(Y))
    path = Path(X)
    suffix = path.suffix.lower()
    if not path.exists():
        raise FileNotFoundError(f"no such file or directory: {os.fspath(path)!r}")
    if path.is_dir() or suffix == ".parquet":
        if not isinstance(Y, str):
            raise ValueError(
                f"Y must name the label column of {os.fspath(path)}, got {Y!r}"
            )
        return ParquetSource(path, Y)
    if suffix == ".npy":
        X_map = np.load(path, mmap_mode="r")
        if isinstance(Y, (str, os.PathLike)):
            Y = np.load(Y, mmap_mode="r")
        elif not isinstance(Y, (int, np.integer)):
            raise ValueError(
                f"Y must be the label column's index in {os.fspath(path)} or a "
                f".npy file of labels, got {Y!r}"
            )
        return ArraySource(X_map, Y, name=os.fspath(path))
    if suffix in (".csv", ".txt", ".tsv"):
        if not isinstance(Y, str):
            raise ValueError(f"Y must name the label column of {X}, got {Y!r}")
        # The cache lives as long as the source: removed by close(), or when the
        # source is collected, or at exit.
        tmp = tempfile.mkdtemp(prefix="funcgrad-csv-")
        try:
            npy = csv_to_npy(path, Y, tmp)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        identity = {"kind": "csv", "file": _stat(path), "target": Y}
        source = ArraySource(np.load(npy, mmap_mode="r"), -1, os.fspath(path), identity)
        source.close = weakref.finalize(source, shutil.rmtree, tmp, True)
        return source
    raise ValueError(
        f"{os.fspath(path)}: cannot stream a {suffix or 'suffix-less'} file; "
        "use .npy, .parquet (or a directory of them) or .csv"
    )


def _stat(path: Path) -> list[Any]:
    stat = os.stat(path)
    return [os.fspath(path), stat.st_size, stat.st_mtime_ns]
