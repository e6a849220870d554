"""Training on data bigger than memory: batches streamed from a file.

**Shards.** With ``S`` devices (1 without ``devices``) the file's rows are cut into
``S`` contiguous, equal ranges, one per device; device ``s`` trains on rows of its
own range only, ``b_s = batch_size // S (+1 for the first batch_size % S)`` of them
in each global batch. A process therefore reads only the ranges of its own devices.

**The epoch's order** (``shuffle=True``), for each shard, from ``key``, the epoch
and the shard's number alone (so bitwise reproducible, and resumable from any
epoch): the shard's range is cut into groups (a Parquet row group, or ``chunk``
rows of an array) and the groups are visited in a random order; the rows read are
collected into windows (a segment's rows of a shard, four chunks) and each window
is permuted in runs of about 16 KiB of consecutive rows before its rows are cut
into batches. Runs therefore mix within a window (a few groups from all over the
shard), and every batch holds rows of every shard. With ``shuffle=False`` rows go
in file order. The last batch of an epoch is padded and masked as in memory; so is
a shard's share of any batch once its rows run out.

**Reading.** A ``.npy`` file's rows go from the page cache straight to their
shuffled places (one ``preadv`` per stretch of the file, each run its own buffer:
one copy, no memory map, no page faults); other sources read a window as it comes
and then copy its runs. Where a process trains one shard whose rows fill whole
batches (one device, or one per process) a window is a segment: the compiled loop
trains on the very buffer that was read (the CPU device uses it in place), and the
buffer is read into again only once the loop is done with it. A Parquet file's
columns become rows on the reading thread by OpenBLAS's transpose
(:mod:`._transpose`); where NumPy does not carry OpenBLAS, a window on one device
stays in columns as decoded (a column a row of the buffer), unpermuted, and the
compiled loop turns it into rows and puts them in the window's order, by the same
permutation (NumPy's transposing copy took twice as long as XLA's, on the reading
thread).

**Checking.** Rows must be finite, labels in [0, 1]. Where segments are whole
windows on one device, the reading thread does not check them: the compiled loop
finds an unfit batch at no cost (a NaN or an inf makes the loss non-finite; the
labels' range is one comparison) and never applies it, and the host then reads
that segment's rows again, checked, to name the culprit (:func:`check_again`).
Elsewhere each window is checked as it is read.

**Overlap and memory.** The host reads, shuffles and places the next
segment of batches (about 16 MiB) while the compiled loop trains on the ones
before it: JAX dispatches each segment's loop and returns at once, and the host
waits for a segment only when a third would be queued. Reading on the calling
thread rather than a thread of its own was measured faster (one epoch of 1M x 65
float32: Parquet 405-430 ms instead of 577-584, ``.npy`` 85-87 ms instead of
92-100; see docs/performance.md); only a Parquet file's next row group is
decoded ahead on a thread of its own (see ``ParquetSource``). Memory is four
segments (and one decoded row group ahead) whatever the size of the file. A run
that ends cleanly leaves its buffers to the next run of the same shape (64 MiB),
which so starts on memory already paged in.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import jax
import numpy as np

from .. import _distributed as dist
from ._checkpointing import Checkpoints, Resumed
from ._epochs import SUMS, Plan, epoch_metrics_jit, run_segment_jit
from ._loop import _python_number, _raise_if_bad
from ._sources import Source, outside_01, rows_finite
from ._step import TrainState
from ._validate import Data, Settings

__all__ = [
    "SEGMENT_BYTES",
    "Layout",
    "check_again",
    "make_layout",
    "run",
    "run_rows",
    "segments",
]

#: Bytes of a segment: the batches handed to the compiled loop in one call (and of
#: a window, which holds four chunks).
SEGMENT_BYTES = 16 << 20
_WINDOW_CHUNKS = 4
#: Bytes of rows that move together when a window is permuted (measured: 16 KiB
#: runs copy at half the speed of one contiguous copy, single rows at a sixth).
RUN_BYTES = 16 << 10


class Layout(NamedTuple):
    """How an epoch's batches are cut from the file (fixed for a run)."""

    shards: int
    slot: int  # rows of a batch each shard holds (padded // shards)
    rows_per_batch: tuple[int, ...]  # real rows each shard gives each batch
    ranges: tuple[tuple[int, int], ...]  # each shard's rows of the file
    num_batches: int
    segment: int  # batches per segment
    chunk_rows: int
    window_rows: int


def make_layout(source: Source, batch: int, shards: int) -> Layout:
    n = source.n
    per = tuple(batch // shards + (s < batch % shards) for s in range(shards))
    ranges = tuple((s * n // shards, (s + 1) * n // shards) for s in range(shards))
    num_batches = max(
        -(-(hi - lo) // b) if b else 0 for b, (lo, hi) in zip(per, ranges, strict=True)
    )
    slot = -(-batch // shards)
    row_bytes = 4 * source.columns
    segment = max(1, min(num_batches, SEGMENT_BYTES // (row_bytes * slot * shards)))
    # A window is a segment's rows of a shard, so one shard's windows are read
    # straight into the segments handed to the device.
    window_rows = segment * slot
    chunk_rows = max(1, window_rows // _WINDOW_CHUNKS)
    return Layout(
        shards=shards,
        slot=slot,
        rows_per_batch=per,
        ranges=ranges,
        num_batches=max(1, num_batches),
        segment=segment,
        chunk_rows=chunk_rows,
        window_rows=window_rows,
    )


def _groups(source: Source, lo: int, hi: int, chunk_rows: int) -> list[tuple[int, int]]:
    """A shard's groups: the source's units cut to ``[lo, hi)``; random-access
    sources' also cut into chunks (the unit of the shuffled order)."""
    out = []
    for a, b in source.units():
        a, b = max(a, lo), min(b, hi)
        if a >= b:
            continue
        step = chunk_rows if source.random_access else b - a
        out += [(s, min(b, s + step)) for s in range(a, b, step)]
    return out


def _rng(key_data: np.ndarray, epoch: int, shard: int) -> np.random.Generator:
    words = [int(w) for w in np.asarray(key_data, np.uint32).ravel()]
    return np.random.default_rng(np.random.SeedSequence([*words, epoch, shard]))


def run_rows(columns: int) -> int:
    """Rows that move together when a window is permuted: about 16 KiB, so the
    permutation copies near memory speed rather than row by row."""
    return max(1, RUN_BYTES // (4 * columns))


def _window_pieces(
    groups: list, visit: Any, size: int
) -> Iterator[list[tuple[int, int]]]:
    """The file's row ranges of each window, in the window's order: the groups in
    the order of ``visit``, cut into windows of ``size`` rows (the last fewer)."""
    pieces, filled = [], 0
    for g in visit:
        lo, hi = groups[g]
        while lo < hi:
            take = min(hi - lo, size - filled)
            pieces.append((lo, lo + take))
            filled, lo = filled + take, lo + take
            if filled == size:
                yield pieces
                pieces, filled = [], 0
    if pieces:
        yield pieces


def _runs(rows: int, columns: int, rng: np.random.Generator) -> tuple[int, np.ndarray]:
    """A window's permutation: run ``i`` of the output is run ``order[i]`` of the
    rows as read (runs of ``run`` rows; the short last run stays last)."""
    run = max(1, min(run_rows(columns), rows // 64))  # 64 runs at least
    return run, rng.permutation(rows // run)


def _copy_ops(pieces: list[tuple[int, int]], run: int, order: np.ndarray) -> np.ndarray:
    """``(lo, hi, at)`` copies of file rows to window rows that put run ``order[i]``
    of the window as read at run ``i``, sorted by file row."""
    lengths = np.array([hi - lo for lo, hi in pieces], np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)])  # window row of each piece
    rows = int(starts[-1])
    full = len(order)
    src = np.append(order.astype(np.int64) * run, full * run)
    at = np.append(np.arange(full, dtype=np.int64) * run, full * run)
    size = np.append(np.full(full, run, np.int64), rows - full * run)
    keep = size > 0
    src, at, size = src[keep], at[keep], size[keep]
    first = np.searchsorted(starts, src, side="right") - 1
    last = np.searchsorted(starts, src + size - 1, side="right") - 1
    file_lo = np.array([lo for lo, _ in pieces], np.int64)
    ops = [np.stack([file_lo[first] + src - starts[first], size, at], axis=1)]
    ops[0] = ops[0][first == last]
    for i in np.flatnonzero(first != last).tolist():  # runs across a piece's end
        s, left, a = int(src[i]), int(size[i]), int(at[i])
        for k in range(int(first[i]), int(last[i]) + 1):
            take = min(left, int(starts[k + 1]) - s)
            ops.append(np.array([[pieces[k][0] + s - int(starts[k]), take, a]]))
            s, left, a = s + take, left - take, a + take
    ops = np.concatenate(ops)
    ops = ops[np.argsort(ops[:, 0], kind="stable")]
    ops[:, 1] += ops[:, 0]  # (lo, size, at) -> (lo, hi, at)
    return ops


def _fill(
    source: Source,
    pieces: list[tuple[int, int]],
    rng: np.random.Generator | None,
    out: np.ndarray,
    raw: np.ndarray | None,
) -> int:
    """Read a window's ``pieces`` into ``out`` (permuted with ``rng``); its rows.

    A source that scatters puts every row straight in its place: one copy, and
    one check of the window. Others read the window as it comes into ``raw``,
    checking each piece, and its runs are then copied to their places.
    """
    rows = sum(hi - lo for lo, hi in pieces)
    columns = out.shape[1]
    if rng is None:
        at = 0
        for lo, hi in pieces:
            source.read_into(lo, hi, out[at : at + hi - lo])
            at += hi - lo
        return rows
    run, order = _runs(rows, columns, rng)
    if source.scatters:
        ops = _copy_ops(pieces, run, order)
        source.read_scattered(ops, out)
        if not source.checked:
            return rows
        if not rows_finite(out[:rows]) or outside_01(out[:rows, source.features :]):
            for lo, hi, at in ops.tolist():  # find the culprit, in file order
                source.check(out[at : at + hi - lo], lo)
        return rows
    assert raw is not None
    at = 0
    for lo, hi in pieces:
        source.read_into(lo, hi, raw[at : at + hi - lo])
        at += hi - lo
    full = len(order)
    # A slice copy per run: at 16 KiB runs this is 1.5-2x as fast as np.take.
    for i, j in enumerate(order.tolist()):
        out[i * run : (i + 1) * run] = raw[j * run : (j + 1) * run]
    out[full * run : rows] = raw[full * run : rows]  # the short last run stays last
    return rows


def _fill_columns(
    source: Source,
    pieces: list[tuple[int, int]],
    rng: np.random.Generator | None,
    out: np.ndarray,
) -> tuple[int, np.ndarray | None]:
    """:func:`_fill` for a columnar source into ``out`` of ``D + k`` by rows (a
    column a row), as read; the rows and, when shuffling, the window's order:
    ``order[i]`` is the row of ``out`` that :func:`_fill` would have put at ``i``
    (the compiled loop gathers them, turning the columns into rows)."""
    rows = 0
    for lo, hi in pieces:
        source.read_columns_into(lo, hi, out[:, rows : rows + hi - lo])
        rows += hi - lo
    if rng is None:
        return rows, None
    run, runs = _runs(rows, out.shape[0], rng)
    order = np.arange(out.shape[1], dtype=np.int32)
    head = (runs[:, None] * run + np.arange(run)).reshape(-1)
    order[: len(head)] = head
    return rows, order


def _windows(
    source: Source, groups: list, rng: np.random.Generator | None, layout: Layout
) -> Iterator[np.ndarray]:
    """One shard's rows for an epoch, in order, as windows of ``window_rows``.

    The groups are visited in a random order and each window is permuted in runs
    of :func:`run_rows` rows. Buffers are reused: a window is overwritten two
    windows later, when its rows have long been copied to the device.
    """
    reader, columns = source.reader(), source.columns
    size = layout.window_rows
    shuffling = rng is not None
    raw = None
    if shuffling and not reader.scatters:
        raw = np.empty((size, columns), np.float32)
    outs = [np.empty((size, columns), np.float32) for _ in range(2)]
    visit = range(len(groups)) if rng is None else rng.permutation(len(groups))
    reader.will_read([groups[g] for g in visit])
    for count, pieces in enumerate(_window_pieces(groups, visit, size)):
        out = outs[count % 2]
        yield out[: _fill(reader, pieces, rng, out, raw)]


class _Cursor:
    """Takes rows, in order, from a shard's windows: a view where it can."""

    def __init__(self, windows: Iterator[np.ndarray], columns: int) -> None:
        self.windows, self.columns = windows, columns
        self.rows: np.ndarray | None = None
        self.at = 0

    def take(self, count: int) -> np.ndarray:
        parts = []
        while count:
            if self.rows is None or self.at == len(self.rows):
                # Rows of this window are copied before the next is read: buffers
                # are reused.
                parts = [np.concatenate(parts)] if len(parts) > 1 else parts
                parts = [p.copy() for p in parts]
                self.rows, self.at = next(self.windows, None), 0
                if self.rows is None:
                    break
            k = min(count, len(self.rows) - self.at)
            parts.append(self.rows[self.at : self.at + k])
            self.at, count = self.at + k, count - k
        if len(parts) == 1:
            return parts[0]
        if not parts:
            return np.empty((0, self.columns), np.float32)
        return np.concatenate(parts)


def segments(
    source: Source,
    layout: Layout,
    shards: list[int],
    key_data: np.ndarray,
    epoch: int,
    shuffle: bool,
    buffer: Callable[[], np.ndarray] | None = None,
    columnar: bool = False,
    unchecked: list | None = None,
) -> Iterator[tuple[Any, ...]]:
    """An epoch's segments for the given shards: ``rows (m, slot * len(shards),
    D + k)`` and ``mask (m, slot * len(shards))``, ``m <= layout.segment``.

    The rows may be views of buffers that are reused: copy them (to the device)
    before asking for the segment after next. Where one shard fills whole batches
    and a window is a segment, each segment's rows are read straight into a
    ``(window_rows, D + k)`` float32 array of ``buffer()`` (a new one by default),
    and are a view of it; there, with ``columnar``, a columnar source's segments
    are ``(columns, mask, order)`` instead (see :func:`segment_columnar`):
    ``(D + k, m * slot)`` as read, and the order of their rows (``None``
    unshuffled). There, given an ``unchecked`` list, the rows are read without
    being checked, and the file's row ranges of each segment are appended to it
    (see :func:`check_again`).
    """
    columns, slot = source.columns, layout.slot
    if _whole(layout, shards):
        yield from _whole_segments(
            source,
            layout,
            shards[0],
            key_data,
            epoch,
            shuffle,
            buffer,
            columnar,
            unchecked,
        )
        return
    assert unchecked is None, "only whole segments are read unchecked"
    cursors = []
    for s in shards:
        rng = _rng(key_data, epoch, s) if shuffle else None
        groups = _groups(source, *layout.ranges[s], layout.chunk_rows)
        cursors.append(_Cursor(_windows(source, groups, rng, layout), columns))
    width = slot * len(shards)
    for first in range(0, layout.num_batches, layout.segment):
        m = min(layout.segment, layout.num_batches - first)
        if len(shards) == 1 and layout.rows_per_batch[shards[0]] == slot:
            part = cursors[0].take(m * slot)
            mask = np.zeros(m * slot, bool)
            mask[: len(part)] = True
            if len(part) < m * slot:  # the epoch's end: pad
                part = np.concatenate(
                    [part, np.zeros((m * slot - len(part), columns), np.float32)]
                )
            yield part.reshape(m, slot, columns), mask.reshape(m, slot)
            continue
        rows = np.zeros((m, width, columns), np.float32)
        mask = np.zeros((m, width), bool)
        for j, (s, cursor) in enumerate(zip(shards, cursors, strict=True)):
            b, at = layout.rows_per_batch[s], j * slot
            part = cursor.take(m * b)
            got = len(part)
            whole, rest = divmod(got, b)
            rows[:whole, at : at + b] = part[: whole * b].reshape(whole, b, columns)
            if rest:
                rows[whole, at : at + rest] = part[whole * b :]
            mask[:, at : at + b] = (np.arange(m * b) < got).reshape(m, b)
        yield rows, mask


def segment_columnar(source: Source, layout: Layout, shards: list[int]) -> bool:
    """Whether :func:`segments` with ``columnar`` gives a column a row."""
    return source.columnar and _whole(layout, shards)


def _whole(layout: Layout, shards: list[int]) -> bool:
    """Whether each segment is one window of one shard's rows, as they come."""
    return (
        len(shards) == 1
        and layout.rows_per_batch[shards[0]] == layout.slot
        and layout.window_rows == layout.segment * layout.slot
    )


def _whole_segments(
    source: Source,
    layout: Layout,
    shard: int,
    key_data: np.ndarray,
    epoch: int,
    shuffle: bool,
    buffer: Callable[[], np.ndarray] | None,
    columnar: bool = False,
    unchecked: list | None = None,
) -> Iterator[tuple[Any, ...]]:
    """Segments that are whole windows: read (and permuted) into place, no copy.
    With ``columnar`` a columnar source's segments are ``D + k`` by ``m * slot``
    arrays (a column a row) as read, with their order (see :func:`segments`).
    With an ``unchecked`` list, see :func:`segments`."""
    reader = source.reader(checked=unchecked is None)
    columns, slot = source.columns, layout.slot
    size = layout.window_rows
    rng = _rng(key_data, epoch, shard) if shuffle else None
    groups = _groups(source, *layout.ranges[shard], layout.chunk_rows)
    visit = range(len(groups)) if rng is None else rng.permutation(len(groups))
    reader.will_read([groups[g] for g in visit])
    windows = _window_pieces(groups, visit, size)
    columnar = columnar and reader.columnar
    raw = None
    if rng is not None and not reader.scatters and not columnar:
        raw = np.empty((size, columns), np.float32)
    if buffer is None:
        buffer = lambda: np.empty((size, columns), np.float32)  # noqa: E731
    for first in range(0, layout.num_batches, layout.segment):
        m = min(layout.segment, layout.num_batches - first)
        out, rows, order = buffer(), 0, None
        if columnar:
            out = out.reshape(columns, size)
        pieces = next(windows, None)
        if unchecked is not None:
            unchecked.append(pieces or [])
        if pieces is not None and columnar:
            rows, order = _fill_columns(reader, pieces, rng, out)
        elif pieces is not None:
            rows = _fill(reader, pieces, rng, out, raw)
        mask = np.zeros(m * slot, bool)
        mask[:rows] = True
        if columnar:
            out[:, rows : m * slot] = 0  # the epoch's end: padding
            order = None if order is None else order[: m * slot]
            yield out[:, : m * slot], mask.reshape(m, slot), order
        else:
            out[rows : m * slot] = 0
            yield out[: m * slot].reshape(m, slot, columns), mask.reshape(m, slot)


def _local_shards(plan: Plan) -> list[int]:
    if plan.mesh is None:
        return [0]
    me = jax.process_index()
    devices = list(plan.mesh.devices.flat)
    return [s for s, d in enumerate(devices) if d.process_index == me]


class _Buffers:
    """Window buffers handed round: taken by the reader, given back once the
    compiled loop is done with the segment read into one (the device may use the
    host's memory in place).

    A run that ends cleanly leaves its buffers to the next run of the same shape
    (:data:`_SPARE`): fresh memory costs a page fault and the zeroing of each page
    on first touch, 15 ms for 64 MiB of buffers here, most of the time of one read
    of a 250 MB file.
    """

    def __init__(self, count: int, rows: int, columns: int) -> None:
        self.count, self.shape = count, (rows, columns)
        kept = _SPARE.pop(self.shape, [])
        self.free = kept + [_aligned(self.shape) for _ in range(count - len(kept))]

    def take(self) -> np.ndarray:
        # Never empty in a run (see _BUFFERS); a new buffer if it ever were.
        return self.free.pop() if self.free else _aligned(self.shape)

    def give(self, buffer: np.ndarray | None) -> None:
        if buffer is not None:
            self.free.append(buffer)

    def keep(self) -> None:
        """Leave the buffers to the next run, if every one is back (none in use)."""
        if len(self.free) >= self.count:
            _SPARE.clear()
            _SPARE[self.shape] = self.free[: self.count]


#: The buffers of the last run that ended cleanly, by shape (at most one run's).
_SPARE: dict[tuple[int, int], list[np.ndarray]] = {}


def _aligned(shape: tuple[int, int]) -> np.ndarray:
    """An empty float32 array at a 64-byte boundary (so the CPU device can use it
    in place rather than copy it)."""
    size = shape[0] * shape[1] * 4
    raw = np.empty(size + 64, np.uint8)
    skip = -raw.ctypes.data % 64
    return raw[skip : skip + size].view(np.float32).reshape(shape)


#: Window buffers of a run: the one being read and the two queued on the device,
#: and one spare.
_BUFFERS = 4


def _placer(plan: Plan) -> Callable:
    """Host segment -> device arrays, split over the mesh along the batch rows.
    On one device the rows are used in place (their buffer is not reused before
    the compiled loop is done with them)."""
    mesh = plan.mesh

    def place(item):
        rows, mask, *order = item
        count = int(np.count_nonzero(mask))
        if mesh is None:
            order = jax.device_put(order[0]) if order and order[0] is not None else None
            put = jax.device_put(rows, may_alias=True), jax.device_put(mask)
            return *put, count, order
        m = rows.shape[0]
        shapes = ((m, plan.padded, rows.shape[2]), (m, plan.padded))
        if dist.multiprocess(mesh):
            rows, mask = (
                dist.put_process_local(a, mesh, shape, axis=1)
                for a, shape in zip((rows, mask), shapes, strict=True)
            )
        else:
            rows, mask = (
                jax.device_put(a, dist.batch_sharding(mesh, a.ndim, 1))
                for a in (rows, mask)
            )
        return rows, mask, count, None

    return place


def check_again(source: Source, pieces: list[tuple[int, int]]) -> None:
    """Read the file's row ranges ``pieces`` again, checked, in file order: a
    ``DataError`` names the first row of them unfit to train on, if any.

    Whole segments are read unchecked (the reading thread's one pass over every
    row took a fifth of a ``.npy`` epoch): the compiled loop finds an unfit batch
    instead, at no cost (a NaN or an inf makes the loss non-finite, and it checks
    the labels) and applies none. Only then are the segment's rows read again
    here, to name the culprit; if all are fit, the loss itself was non-finite.
    """
    reader = source.reader()
    for lo, hi in sorted(pieces):
        reader.read_into(lo, hi, np.empty((hi - lo, source.columns), np.float32))


class _Waiting(NamedTuple):
    """A segment queued on the device: the sums after it, its rows' buffer and,
    read unchecked, the file's row ranges it holds."""

    sums: jax.Array
    held: np.ndarray | None
    pieces: list[tuple[int, int]] | None


def _release(pool: _Buffers, done: _Waiting, source: Source, unfit: float) -> float:
    """Wait for a segment's steps; free its rows. If it had an unfit batch (the
    count of them, ``sums[4]``, grew past ``unfit``), :func:`check_again`. The
    count of unfit batches so far."""
    done.sums.block_until_ready()  # the segment's steps are done: its rows are free
    pool.give(done.held)
    if done.pieces is None:
        return unfit
    count = float(np.asarray(done.sums)[4])
    if count > unfit:
        check_again(source, done.pieces)
    return count


def run(
    resumed: Resumed,
    data: Data,
    plan: Plan,
    settings: Settings,
    checkpoints: Checkpoints,
    on_phase: Callable[[str, int], Any] | None = None,
) -> tuple[TrainState, dict[str, list[float]]]:
    """Train from ``resumed`` to ``settings.epochs`` on ``data.X``, a source.

    ``on_phase("compile", epoch)`` comes before the first segment, ``"train"`` once
    it has run (its compilation included)."""
    source: Source = data.X
    mesh = plan.mesh
    layout = make_layout(source, plan.batch, 1 if mesh is None else mesh.size)
    plan = plan._replace(
        num_batches=layout.num_batches,
        exact_shards=0 if mesh is None else mesh.size,
        # One device: the rows go unchecked, the compiled loop flags unfit batches.
        unchecked=mesh is None and _whole(layout, [0]),
    )
    state, history = dist.put_replicated(resumed.state, mesh), resumed.history
    val = None if data.val is None else dist.put_replicated(data.val, mesh)
    pool = _Buffers(_BUFFERS, layout.window_rows, source.columns)
    try:
        phase = on_phase
        for epoch in range(resumed.start, settings.epochs):
            checkpoints.interrupted(epoch, state, history)
            if phase is not None:
                phase("compile", epoch)
            state, metrics = _epoch(
                state, val, epoch, source, layout, plan, settings, phase, pool
            )
            phase = None
            for name, values in history.items():
                values.append(_python_number(metrics[name]))
            checkpoints.after(epoch + 1, state, history)
            if settings.callback is not None:
                last = {name: values[-1] for name, values in history.items()}
                settings.callback(epoch, last)
        pool.keep()
    finally:
        source.close()
    return state, history


def _epoch(
    state: TrainState,
    val: Any,
    epoch: int,
    source: Source,
    layout: Layout,
    plan: Plan,
    settings: Settings,
    on_phase: Callable[[str, int], Any] | None,
    pool: _Buffers,
) -> tuple[TrainState, dict[str, np.ndarray]]:
    """One epoch: each segment read and placed while the ones before it train."""
    mesh = plan.mesh
    shards = _local_shards(plan)
    mine = sum(layout.ranges[s][1] - layout.ranges[s][0] for s in shards)
    place = _placer(plan)
    dtype = np.dtype(jax.numpy.result_type(state.params[0]))
    bad = dist.put_replicated(np.int32(-1), mesh)
    sums = dist.put_replicated(np.zeros(SUMS, dtype), mesh)
    # The file's row ranges of each segment read unchecked, in order.
    unchecked: list | None = [] if plan.unchecked else None
    unfit = 0.0  # unfit batches so far (sums[4] of the last segment released)

    taken: list[np.ndarray] = []

    def buffer() -> np.ndarray:
        taken.append(pool.take())
        return taken[-1]

    # Without OpenBLAS's transpose, a columnar file's segments go to the device as
    # columns (a column a row), as read, and the compiled loop turns them into rows
    # in the window's order: 6 ms for 16 MiB in XLA, against 12 ms for NumPy's
    # transposing copy and 2.5-5 ms to permute on the reading thread.
    columnar = mesh is None and segment_columnar(source, layout, shards)

    def produce() -> Iterator[Any]:
        items = segments(
            source,
            layout,
            shards,
            settings.key_data,
            epoch,
            settings.shuffle,
            buffer,
            columnar,
            unchecked,
        )
        for item in items:
            pieces = unchecked.pop() if unchecked else None
            yield (*place(item), taken.pop() if taken else None, pieces)

    waiting: collections.deque = collections.deque()
    done = 0
    for i, (rows, mask, count, order, held, pieces) in enumerate(produce()):
        step = np.int32(epoch * layout.num_batches + i * layout.segment)
        state, bad, sums = run_segment_jit(
            state,
            bad,
            sums,
            dist.put_replicated(step, mesh),
            rows,
            mask,
            order,
            optimizer=settings.optimizer,
            plan=plan,
            columnar=columnar,
        )
        if on_phase is not None and i == 0:
            sums.block_until_ready()  # compiled and run once
            on_phase("train", epoch)
        # Bounded memory: at most two segments queued on the device.
        del rows
        waiting.append(_Waiting(sums, held, pieces))
        if len(waiting) > 2:
            unfit = _release(pool, waiting.popleft(), source, unfit)
        done += count
        if settings.progress is not None:
            settings.progress(epoch, done, mine)
    while waiting:
        unfit = _release(pool, waiting.popleft(), source, unfit)
    metrics = epoch_metrics_jit(sums, state.params, val, plan=plan)
    bad, metrics = dist.to_host((bad, metrics))
    _raise_if_bad(int(bad), plan)
    return state, metrics
