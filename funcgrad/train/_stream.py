"""Training on data bigger than memory: batches streamed from a file, prefetched.

**Shards.** With ``S`` devices (1 without ``devices``) the file's rows are cut into
``S`` contiguous, equal ranges, one per device; device ``s`` trains on rows of its
own range only, ``b_s = batch_size // S (+1 for the first batch_size % S)`` of them
in each global batch. A process therefore reads only the ranges of its own devices.

**The epoch's order** (``shuffle=True``), for each shard, from ``key``, the epoch
and the shard's number alone (so bitwise reproducible, and resumable from any
epoch): the shard's range is cut into groups (a Parquet row group, or ``chunk``
rows of an array) and the groups are visited in a random order; the rows read are
collected into windows of ``4 * chunk`` rows and each window is permuted in runs
of about 16 KiB of consecutive rows (so it copies near memory speed) before its
rows are cut into batches. Runs therefore mix within a window (a few groups from all
over the shard), and every batch holds rows of every shard. With
``shuffle=False`` rows go in file order. The last batch of an epoch is padded and
masked as in memory; so is a shard's share of any batch once its rows run out.

**Memory.** A background thread reads, checks, shuffles and places the next
segments of batches (about 16 MiB each) while the compiled loop trains on the
current one; at most two segments wait, so memory is a few windows and segments
whatever the size of the file.
"""

from __future__ import annotations

import collections
import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import jax
import numpy as np

from .. import _distributed as dist
from ._checkpointing import Checkpoints, Resumed
from ._epochs import Plan, epoch_metrics_jit, run_segment_jit
from ._loop import _python_number, _raise_if_bad
from ._sources import Source
from ._step import TrainState
from ._validate import Data, Settings

__all__ = ["CHUNK_BYTES", "Layout", "make_layout", "run", "run_rows", "segments"]

#: Bytes of rows read at a time (a window holds four such chunks).
CHUNK_BYTES = 8 << 20
#: Bytes of a segment: the batches handed to the compiled loop in one call.
SEGMENT_BYTES = 16 << 20
_WINDOW_CHUNKS = 4
#: Bytes of rows that move together when a window is permuted (measured: 16 KiB
#: runs copy at half the speed of one contiguous copy, single rows at a sixth).
RUN_BYTES = 16 << 10
_PREFETCH = 2


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
    chunk_rows = max(batch, CHUNK_BYTES // row_bytes)
    segment = max(1, min(num_batches, SEGMENT_BYTES // (row_bytes * slot * shards)))
    return Layout(
        shards=shards,
        slot=slot,
        rows_per_batch=per,
        ranges=ranges,
        num_batches=max(1, num_batches),
        segment=segment,
        chunk_rows=chunk_rows,
        window_rows=_WINDOW_CHUNKS * chunk_rows,
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
    # Read into raw, permuted into mixed (shuffling: raw is free again at once).
    shuffling = rng is not None
    raw = [np.empty((size, columns), np.float32) for _ in range(2 - shuffling)]
    mixed = [np.empty((size, columns), np.float32) for _ in range(2 * shuffling)]
    visit = range(len(groups)) if rng is None else rng.permutation(len(groups))
    filled, count = 0, 0
    for g in visit:
        lo, hi = groups[g]
        while lo < hi:
            take = min(hi - lo, size - filled)
            buffer = raw[count % len(raw)]
            reader.read_into(lo, lo + take, buffer[filled : filled + take])
            filled, lo = filled + take, lo + take
            if filled == size:
                yield _permuted(buffer, mixed, count, rng, columns)
                filled, count = 0, count + 1
    if filled:
        yield _permuted(raw[count % len(raw)][:filled], mixed, count, rng, columns)


def _permuted(
    rows: np.ndarray,
    mixed: list[np.ndarray],
    count: int,
    rng: np.random.Generator | None,
    columns: int,
) -> np.ndarray:
    if rng is None:
        return rows
    out = mixed[count % 2][: len(rows)]
    run = max(1, min(run_rows(columns), len(rows) // 64))  # 64 runs at least
    full = len(rows) // run
    # A slice copy per run: at 16 KiB runs this is twice as fast as np.take.
    for i, j in enumerate(rng.permutation(full).tolist()):
        out[i * run : (i + 1) * run] = rows[j * run : (j + 1) * run]
    out[full * run :] = rows[full * run :]  # the short last run stays last
    return out


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
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """An epoch's segments for the given shards: ``rows (m, slot * len(shards),
    D + k)`` and ``mask (m, slot * len(shards))``, ``m <= layout.segment``.

    The rows may be views of buffers that are reused: copy them (to the device)
    before asking for the segment after next.
    """
    columns, slot = source.columns, layout.slot
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


class _Prefetch:
    """Runs ``produce`` on a background thread, ``depth`` items ahead."""

    _END = object()

    def __init__(self, produce: Callable[[], Iterator[Any]], depth: int) -> None:
        self.queue: queue.Queue = queue.Queue(depth)
        self.stop = threading.Event()
        self.thread = threading.Thread(
            target=self._work, args=(produce,), name="funcgrad-prefetch", daemon=True
        )
        self.thread.start()

    def _put(self, item: Any) -> bool:
        while not self.stop.is_set():
            try:
                self.queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _work(self, produce: Callable[[], Iterator[Any]]) -> None:
        try:
            for item in produce():
                if not self._put(item):
                    return
            self._put(self._END)
        except BaseException as e:  # handed to the consumer, raised there
            self._put(e)

    def __iter__(self) -> Iterator[Any]:
        while True:
            item = self.queue.get()
            if item is self._END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def close(self) -> None:
        self.stop.set()
        self.thread.join()


def _local_shards(plan: Plan) -> list[int]:
    if plan.mesh is None:
        return [0]
    me = jax.process_index()
    devices = list(plan.mesh.devices.flat)
    return [s for s, d in enumerate(devices) if d.process_index == me]


def _placer(plan: Plan) -> Callable:
    """Host segment -> device arrays, split over the mesh along the batch rows."""
    mesh = plan.mesh

    def place(item):
        rows, mask = item
        count = int(np.count_nonzero(mask))
        if mesh is None:
            return jax.device_put(rows), jax.device_put(mask), count
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
        return rows, mask, count

    return place


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
        num_batches=layout.num_batches, exact_shards=0 if mesh is None else mesh.size
    )
    state, history = dist.put_replicated(resumed.state, mesh), resumed.history
    val = None if data.val is None else dist.put_replicated(data.val, mesh)
    try:
        phase = on_phase
        for epoch in range(resumed.start, settings.epochs):
            checkpoints.interrupted(epoch, state, history)
            if phase is not None:
                phase("compile", epoch)
            state, metrics = _epoch(
                state, val, epoch, source, layout, plan, settings, phase
            )
            phase = None
            for name, values in history.items():
                values.append(_python_number(metrics[name]))
            checkpoints.after(epoch + 1, state, history)
            if settings.callback is not None:
                last = {name: values[-1] for name, values in history.items()}
                settings.callback(epoch, last)
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
) -> tuple[TrainState, dict[str, np.ndarray]]:
    """One epoch: segments read and placed on a background thread, trained here."""
    mesh = plan.mesh
    shards = _local_shards(plan)
    mine = sum(layout.ranges[s][1] - layout.ranges[s][0] for s in shards)
    place = _placer(plan)
    dtype = np.dtype(jax.numpy.result_type(state.params[0]))
    bad = dist.put_replicated(np.int32(-1), mesh)
    sums = dist.put_replicated(np.zeros(4, dtype), mesh)

    def produce() -> Iterator[Any]:
        items = segments(
            source, layout, shards, settings.key_data, epoch, settings.shuffle
        )
        for item in items:
            yield place(item)

    feed = _Prefetch(produce, _PREFETCH)
    waiting: collections.deque = collections.deque()
    done = 0
    try:
        for i, (rows, mask, count) in enumerate(feed):
            step = np.int32(epoch * layout.num_batches + i * layout.segment)
            state, bad, sums = run_segment_jit(
                state,
                bad,
                sums,
                dist.put_replicated(step, mesh),
                rows,
                mask,
                optimizer=settings.optimizer,
                plan=plan,
            )
            if on_phase is not None and i == 0:
                sums.block_until_ready()  # compiled and run once
                on_phase("train", epoch)
            # Bounded memory: at most two segments queued on the device.
            waiting.append(sums)
            if len(waiting) > 2:
                waiting.popleft().block_until_ready()
            done += count
            if settings.progress is not None:
                settings.progress(epoch, done, mine)
    finally:
        feed.close()
    metrics = epoch_metrics_jit(sums, state.params, val, plan=plan)
    bad, metrics = dist.to_host((bad, metrics))
    _raise_if_bad(int(bad), plan)
    return state, metrics
