"""fit on data streamed from files: .npy memory maps, Parquet, CSV; the epoch's
order (every row once, deterministic from the key), shards, errors, resuming."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import jax
import numpy as np
import optax
import pytest

import funcgrad as fg
from funcgrad.data import DataError
from funcgrad.train import _epochs, _sources, _stream

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

SCRIPTS = Path(__file__).parent / "_scripts"


def make_data(n=1003, d=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)).astype(np.float32)
    Y = ((X @ np.arange(1, d + 1) + rng.standard_normal(n)) > 0).astype(np.float32)
    return X, Y


def write_parquet(path, X, Y, row_group_size):
    cols = {f"f{i}": X[:, i] for i in range(X.shape[1])}
    cols["label"] = Y
    pq.write_table(pa.table(cols), path, row_group_size=row_group_size)


def train(X, Y, **kw):
    args = dict(
        optimizer=optax.adam(0.05), epochs=3, batch_size=64, key=jax.random.key(3)
    )
    args.update(kw)
    params = fg.init_linear(jax.random.key(0), 5, 1)
    return fg.fit(params, X, Y, **args)


def assert_same(a, b):
    for x, y in zip(jax.tree.leaves(a.params), jax.tree.leaves(b.params), strict=True):
        np.testing.assert_array_equal(np.asarray(x), np.asarray(y))
    assert a.history == b.history


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stream")
    X, Y = make_data()
    np.save(tmp / "x.npy", X)
    np.save(tmp / "y.npy", Y)
    np.save(tmp / "xy.npy", np.concatenate([X, Y[:, None]], axis=1))
    write_parquet(tmp / "d.parquet", X, Y, row_group_size=100)
    (tmp / "parts").mkdir()
    write_parquet(tmp / "parts" / "a.parquet", X[:500], Y[:500], 128)
    write_parquet(tmp / "parts" / "b.parquet", X[500:], Y[500:], 128)
    header = ",".join([f"f{i}" for i in range(5)] + ["label"])
    rows = np.concatenate([X, Y[:, None]], axis=1)
    np.savetxt(
        tmp / "d.csv", rows, delimiter=",", header=header, comments="", fmt="%.9g"
    )
    return tmp, X, Y


def test_in_file_order_every_source_equals_fit_in_memory(files):
    # shuffle=False: the same batches in the same order, so bit for bit the same,
    # including the masked last batch (1003 = 15 * 64 + 43).
    tmp, X, Y = files
    ref = train(X, Y, shuffle=False)
    for x, y in [
        (np.load(tmp / "x.npy", mmap_mode="r"), np.load(tmp / "y.npy", mmap_mode="r")),
        (str(tmp / "x.npy"), str(tmp / "y.npy")),
        (tmp / "xy.npy", -1),
        (tmp / "d.parquet", "label"),
        (tmp / "parts", "label"),
    ]:
        assert_same(train(x, y, shuffle=False), ref)
    csv = train(tmp / "d.csv", "label", shuffle=False)
    # The CSV holds X printed to 9 significant digits: float32 exactly.
    assert_same(csv, ref)


def test_a_run_takes_over_the_buffers_of_the_last_and_trains_alike(files):
    tmp = files[0]
    first = train(tmp / "xy.npy", -1)
    (kept,) = _stream._SPARE.values()
    addresses = sorted(b.ctypes.data for b in kept)
    again = train(tmp / "xy.npy", -1)
    assert_same(again, first)
    (kept,) = _stream._SPARE.values()
    assert sorted(b.ctypes.data for b in kept) == addresses


def test_shuffled_runs_are_deterministic_and_depend_on_the_key(files):
    tmp, X, Y = files
    a = train(tmp / "d.parquet", "label")
    assert_same(a, train(tmp / "d.parquet", "label"))
    c = train(tmp / "d.parquet", "label", key=jax.random.key(4))
    assert not np.array_equal(np.asarray(a.params.w), np.asarray(c.params.w))
    # It learns as the in-memory fit does.
    ref = train(X, Y)
    assert abs(a.history["loss"][-1] - ref.history["loss"][-1]) < 0.05


@pytest.mark.parametrize("shards", [1, 3])
@pytest.mark.parametrize("units", [None, 37])  # an array, or row groups of 37
def test_an_epoch_visits_every_row_once_in_a_fresh_order(shards, units, tmp_path):
    n = 1000
    ids = np.arange(n, dtype=np.float32)
    table = np.stack([ids, np.zeros(n, np.float32)], axis=1)
    if units is None:
        source = _sources.ArraySource(table, -1)
    else:
        write_parquet(tmp_path / "ids.parquet", table[:, :1], table[:, 1], units)
        source = _sources.ParquetSource(tmp_path / "ids.parquet", "label")
    layout = _stream.make_layout(source, 48, shards)
    # Small chunks, windows and segments, so that the file spans many of them.
    layout = layout._replace(chunk_rows=50, window_rows=200, segment=4)
    key = np.array([0, 9], np.uint32)
    orders = []
    for epoch in range(2):
        # Segments may be views of reused buffers: copied as fit copies them.
        segments = _stream.segments(
            source, layout, list(range(shards)), key, epoch, True
        )
        rows, mask = zip(*((r.copy(), m) for r, m in segments), strict=True)
        rows, mask = np.concatenate(rows), np.concatenate(mask)
        assert mask.shape == (layout.num_batches, layout.slot * shards)
        # Each batch holds 48 rows (the last fewer), each shard its share.
        real = mask.sum(axis=1)
        assert (real[:-1] == 48).all() and real.sum() == n
        seen = rows[..., 0][mask]
        assert sorted(seen.tolist()) == ids.tolist()
        for s, (lo, hi) in enumerate(layout.ranges):
            part = rows[:, s * layout.slot : (s + 1) * layout.slot, 0]
            got = part[mask[:, s * layout.slot : (s + 1) * layout.slot]]
            assert ((got >= lo) & (got < hi)).all()  # a shard reads its own rows
        orders.append(seen.tolist())
    assert orders[0] != orders[1] and orders[0] != ids.tolist()
    # The same key and epoch give the same order again.
    again = _stream.segments(source, layout, list(range(shards)), key, 1, True)
    again = np.concatenate([r.copy() for r, _ in again])
    np.testing.assert_array_equal(again[..., 0][mask], orders[1])


def test_bad_files_give_clear_errors(files, tmp_path):
    tmp, X, Y = files
    bad = X.copy()
    bad[700, 2] = np.nan
    write_parquet(tmp_path / "nan.parquet", bad, Y, 100)
    with pytest.raises(DataError, match=r"column 3 \('f2'\).*row 700"):
        train(tmp_path / "nan.parquet", "label")
    Y3 = Y.copy()
    Y3[901] = -1.0
    write_parquet(tmp_path / "y3.parquet", X, Y3, 100)
    with pytest.raises(DataError, match=r"label -1 is outside \[0, 1\] at row 901"):
        train(tmp_path / "y3.parquet", "label")
    Y2 = Y.copy()
    Y2[5] = 2.0
    np.save(tmp_path / "y2.npy", Y2)
    with pytest.raises(DataError, match=r"label 2 is outside \[0, 1\] at row 5"):
        train(str(tmp / "x.npy"), str(tmp_path / "y2.npy"))
    bad_csv = tmp_path / "bad.csv"
    lines = (tmp / "d.csv").read_text().splitlines()
    lines[4] = lines[4].rsplit(",", 1)[0] + ",1.5"  # row 3 of the data, line 5
    bad_csv.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError, match=r"line 5, column 6 \('label'\): label 1.5"):
        train(bad_csv, "label")
    with pytest.raises(DataError, match="no column named 'y'"):
        train(tmp / "d.parquet", "y")
    with pytest.raises(ValueError, match="has 5 features but params.w expects 4"):
        fg.fit(
            fg.init_linear(jax.random.key(0), 4, 1),
            tmp / "d.parquet",
            "label",
            optimizer=optax.sgd(0.1),
            epochs=1,
            batch_size=8,
            key=jax.random.key(0),
        )
    with pytest.raises(ValueError, match="cannot stream a .txt2 file"):
        (tmp_path / "d.txt2").write_text("x")
        train(tmp_path / "d.txt2", "label")
    with pytest.raises(FileNotFoundError):
        train(tmp_path / "missing.parquet", "label")


def test_resume_after_sigkill_ends_bit_identical(files, tmp_path):
    tmp, _, _ = files
    script = SCRIPTS / "fit_stream_checkpoint.py"
    ckpt, out = tmp_path / "ckpt", tmp_path / "out.npz"
    data = str(tmp / "d.parquet")
    # A run killed after its second epoch's checkpoint ...
    p = subprocess.Popen(
        [sys.executable, str(script), data, str(ckpt), str(out), "kill-after-2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    output, _ = p.communicate(timeout=300)
    assert p.returncode == -signal.SIGKILL, output.decode(errors="replace")[-2000:]
    # ... resumed, ends where an uninterrupted run ends.
    subprocess.run(
        [sys.executable, str(script), data, str(ckpt), str(out), "run"],
        check=True,
        timeout=300,
    )
    resumed = np.load(out)
    assert int(resumed["resumed_from"]) >= 1
    whole = train(tmp / "d.parquet", "label", epochs=4)
    np.testing.assert_array_equal(resumed["w"], np.asarray(whole.params.w))
    np.testing.assert_array_equal(resumed["loss"], whole.history["loss"])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_processes(num: int, devices: int, data: Path, tmp_path: Path) -> list:
    env = dict(
        os.environ, XLA_FLAGS=f"--xla_force_host_platform_device_count={devices}"
    )
    address = f"127.0.0.1:{_free_port()}"
    outs = [tmp_path / f"out{num}_{pid}.npz" for pid in range(num)]
    script = str(SCRIPTS / "fit_stream_multiprocess.py")
    procs = [
        subprocess.Popen(
            [sys.executable, script, address, str(num), str(pid), str(data), str(out)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for pid, out in enumerate(outs)
    ]
    try:
        for p in procs:
            output, _ = p.communicate(timeout=240)
            assert p.returncode == 0, output.decode(errors="replace")[-3000:]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    return [np.load(out) for out in outs]


def test_two_processes_read_their_own_halves_and_train_like_one(tmp_path):
    X, Y = make_data(n=2000)
    data = tmp_path / "d.parquet"
    write_parquet(data, X, Y, row_group_size=250)
    (one,) = _run_processes(1, 4, data, tmp_path)
    two = _run_processes(2, 2, data, tmp_path)
    assert int(one["devices"]) == 4 and [int(r["devices"]) for r in two] == [4, 4]
    # One process with four devices reads the whole file each epoch; each of two
    # processes (two devices each) reads its own half.
    assert int(one["rows_read"]) == 2 * 2000
    assert [int(r["rows_read"]) for r in two] == [2 * 1000, 2 * 1000]
    for r in two:
        np.testing.assert_array_equal(r["w"], one["w"])
        np.testing.assert_array_equal(r["b"], one["b"])
        np.testing.assert_array_equal(r["loss"], one["loss"])


@pytest.mark.parametrize("batch_rows", [None, 20])  # row groups whole, or in batches
def test_a_parquet_file_read_as_columns_trains_on_the_rows_of_the_row_reader(
    files, batch_rows, monkeypatch
):
    # Columns as read plus their order, turned into rows by the compiled loop,
    # are the rows the row reader places: the same segments, the same training.
    # (Parquet is read as columns where OpenBLAS's transpose is not at hand.)
    monkeypatch.setattr(_sources.ParquetSource, "columnar", True)
    tmp = files[0]
    source = _sources.open_source(tmp / "d.parquet", "label")
    if batch_rows:
        source.batch_rows = batch_rows  # 100-row groups, now more than 4 batches
    layout = _stream.make_layout(source, 48, 1)
    layout = layout._replace(chunk_rows=50, window_rows=192, segment=4)
    assert _stream.segment_columnar(source, layout, [0])
    key = np.array([0, 5], np.uint32)
    params = fg.init_linear(jax.random.key(0), 5, 1)
    opt = optax.adam(0.05)
    state = fg.TrainState(params, opt.init(params), jax.numpy.zeros((), "int32"))
    plan = _epochs.Plan(
        n=source.n, batch=48, padded=48, num_batches=layout.num_batches,
        shuffle=True, skip=False, has_val=False, fed=True, key_impl=None, mesh=None,
    )  # fmt: skip
    for epoch, shuffle in [(0, True), (1, True), (0, False)]:
        rows = [
            (r.copy(), m.copy())
            for r, m in _stream.segments(source, layout, [0], key, epoch, shuffle)
        ]
        columns = [
            (c.copy(), m, o)
            for c, m, o in _stream.segments(
                source, layout, [0], key, epoch, shuffle, columnar=True
            )
        ]
        assert len(rows) == len(columns)
        for (r, m), (c, mc, order) in zip(rows, columns, strict=True):
            assert (order is None) == (not shuffle)
            np.testing.assert_array_equal(mc, m)
            host = c.T if order is None else c.T[order]
            np.testing.assert_array_equal(host.reshape(r.shape), r)
            sums = np.zeros(_epochs.SUMS, np.float32)
            common = (state, np.int32(-1), sums, np.int32(0))
            a = _epochs.run_segment_jit(*common, r, m, optimizer=opt, plan=plan)
            b = _epochs.run_segment_jit(
                *common, c, mc, order, optimizer=opt, plan=plan, columnar=True
            )
            for x, y in zip(jax.tree.leaves(a), jax.tree.leaves(b), strict=True):
                np.testing.assert_array_equal(np.asarray(x), np.asarray(y))


@pytest.mark.parametrize("window_rows", [192, 200])  # a window is a segment, or not
@pytest.mark.parametrize("preadv", ["C", "os"])  # the C library's, or Python's
def test_reading_a_npy_file_in_place_gives_the_order_of_the_copies(
    window_rows, preadv, tmp_path, monkeypatch
):
    # A .npy file's rows go straight to their shuffled places; an array in memory
    # is read as it comes and its runs are copied to their places: the same rows,
    # in the same order, from the same key.
    if preadv == "os":
        monkeypatch.setattr(_sources, "_LIBC_PREADV", None)
    else:
        assert _sources._LIBC_PREADV is not None or sys.platform == "win32"
    n = 1000
    table = np.stack([np.arange(n, dtype=np.float32), np.zeros(n, np.float32)], 1)
    np.save(tmp_path / "t.npy", table)
    in_place = _sources.ArraySource(np.load(tmp_path / "t.npy", mmap_mode="r"), -1)
    gathered = _sources.ArraySource(table, -1)
    assert in_place.scatters and not gathered.scatters
    layout = _stream.make_layout(in_place, 48, 1)
    layout = layout._replace(chunk_rows=50, window_rows=window_rows, segment=4)
    key = np.array([0, 5], np.uint32)
    for epoch in range(2):
        got, want = (
            [
                (r.copy(), m.copy())
                for r, m in _stream.segments(source, layout, [0], key, epoch, True)
            ]
            for source in (in_place, gathered)
        )
        assert len(got) == len(want) == -(-layout.num_batches // 4)
        for (a, ma), (b, mb) in zip(got, want, strict=True):
            np.testing.assert_array_equal(a, b)
            np.testing.assert_array_equal(ma, mb)
        rows = np.concatenate([r for r, _ in got])[..., 0]
        mask = np.concatenate([m for _, m in got])
        assert sorted(rows[mask].tolist()) == list(range(n))
        assert rows[mask].tolist() != list(range(n))


def test_reading_in_place_refuses_places_outside_the_buffer(files):
    # The kernel writes straight to the addresses computed from the ops: one past
    # the end, or a buffer that is not one block of memory, is refused first.
    source = _sources.ArraySource(np.load(files[0] / "xy.npy", mmap_mode="r"), -1)
    out = np.zeros((100, 6), np.float32)
    source.read_scattered(np.array([[0, 10, 90]]), out)
    np.testing.assert_array_equal(out[90:], np.load(files[0] / "xy.npy")[:10])
    with pytest.raises(ValueError, match="outside a C-contiguous out"):
        source.read_scattered(np.array([[0, 10, 91]]), out)
    with pytest.raises(ValueError, match="outside a C-contiguous out"):
        source.read_scattered(np.array([[0, 10, 0]]), np.zeros((6, 100), np.float32).T)


def test_a_bad_value_read_in_place_is_named_by_its_row(files, tmp_path):
    tmp, X, Y = files
    rows = np.concatenate([X, Y[:, None]], axis=1)
    rows[613, 4] = np.inf
    np.save(tmp_path / "bad.npy", rows)
    with pytest.raises(DataError, match=r"X column 4.*non-finite value .* row 613"):
        train(tmp_path / "bad.npy", -1)
    rows[613, 4], rows[77, 5] = 0.0, -1.0
    np.save(tmp_path / "bad.npy", rows)
    with pytest.raises(DataError, match=r"label -1 is outside \[0, 1\] at row 77"):
        train(tmp_path / "bad.npy", -1)


@pytest.fixture
def small_segments(monkeypatch):
    """Segments of 2 KiB (a few batches of 64 rows of 6 floats): a 1003-row file
    makes many, so a bad row lies in a late one."""
    monkeypatch.setattr(_stream, "SEGMENT_BYTES", 2 << 10)
    checks = []
    real = _stream.check_again
    monkeypatch.setattr(
        _stream,
        "check_again",
        lambda source, pieces: (checks.append(pieces), real(source, pieces)),
    )
    return checks


@pytest.mark.parametrize("on_nonfinite", ["raise", "skip"])
@pytest.mark.parametrize("kind", ["npy", "parquet", "x_and_y"])
@pytest.mark.parametrize(
    ("row", "column", "value", "message"),
    [
        (941, 3, np.nan, r"column 4 \('(X column 3|f3)'\): non-finite .* row 941"),
        (877, 1, -np.inf, r"column 2 \('(X column 1|f1)'\): non-finite .* row 877"),
        (990, 5, 1.5, r"column [61] .*: label 1.5 is outside \[0, 1\] at row 990"),
        (640, 5, np.nan, r"column [61] \('(X column 5|label|Y column 0)'\): non-fin"),
    ],
)
def test_rows_read_unchecked_are_named_when_the_loop_finds_them_unfit(
    files, tmp_path, small_segments, on_nonfinite, kind, row, column, value, message
):
    # One device reads whole segments unchecked; the compiled loop flags a batch
    # with a NaN, an inf or a label outside [0, 1], applies none of it, and the
    # host reads that segment again to name the row: skipping non-finite losses
    # never skips bad data.
    _, X, Y = files
    rows = np.concatenate([X, Y[:, None]], axis=1)
    rows[row, column] = value
    if kind == "npy":
        np.save(tmp_path / "bad.npy", rows)
        args = (str(tmp_path / "bad.npy"), -1)
    elif kind == "parquet":
        write_parquet(tmp_path / "bad.parquet", rows[:, :5], rows[:, 5], 100)
        args = (tmp_path / "bad.parquet", "label")
    else:
        np.save(tmp_path / "x.npy", rows[:, :5])
        np.save(tmp_path / "y.npy", rows[:, 5])
        args = (str(tmp_path / "x.npy"), str(tmp_path / "y.npy"))
    with pytest.raises(DataError, match=message):
        train(*args, on_nonfinite=on_nonfinite)
    assert len(small_segments) == 1  # only the segment that held it, once
    assert any(a <= row < b for a, b in small_segments[0])


def test_clean_rows_are_never_read_twice(files, small_segments):
    tmp, _, _ = files
    streamed = train(str(tmp / "xy.npy"), -1)
    assert small_segments == []
    assert np.isfinite(streamed.history["loss"]).all()


def test_a_loss_that_diverges_on_fit_rows_is_not_a_data_error(
    files, tmp_path, small_segments
):
    # Huge (finite) features overflow the loss: the loop flags the batch, the host
    # finds every row fit, and the run stops (or skips) as for any non-finite loss.
    _, X, Y = files
    big = X * np.float32(1e37)
    path = str(tmp_path / "big.npy")
    np.save(path, np.concatenate([big, Y[:, None]], axis=1))
    # In file order (shuffle=False) the batches are those of fit in memory.
    kw = dict(optimizer=optax.sgd(1e30), shuffle=False)
    with pytest.raises(fg.NonFiniteLossError, match="non-finite loss") as in_memory:
        train(big, Y, **kw)
    with pytest.raises(fg.NonFiniteLossError, match="non-finite loss") as streamed:
        train(path, -1, **kw)
    assert str(streamed.value) == str(in_memory.value)  # the same step
    assert len(small_segments) >= 1
    skipped = train(path, -1, epochs=1, on_nonfinite="skip", **kw)
    alike = train(big, Y, epochs=1, on_nonfinite="skip", **kw)
    assert_same(skipped, alike)
    assert skipped.history["skipped"][0] > 0


@pytest.mark.parametrize("row_group_size", [64, 100, 1003])
def test_parquet_row_groups_are_decoded_ahead_once_each_in_the_order_to_come(
    files, tmp_path, row_group_size, monkeypatch
):
    _, X, Y = files
    path = tmp_path / "g.parquet"
    write_parquet(path, X, Y, row_group_size)
    decoded, threads = [], set()
    real = _sources.ParquetSource._decode

    def decode(self, k):
        decoded.append(k)
        threads.add(threading.current_thread().name)
        return real(self, k)

    monkeypatch.setattr(_sources.ParquetSource, "_decode", decode)
    source = _sources.open_source(path, "label")
    units = source.units()
    order = np.random.default_rng(1).permutation(len(units))
    plain = np.empty((source.n, 6), np.float32)
    source.reader().read_into(0, source.n, plain)  # without will_read: one by one
    np.testing.assert_array_equal(plain, np.concatenate([X, Y[:, None]], axis=1))
    decoded.clear()
    reader = source.reader()
    reader.will_read([units[k] for k in order])
    for i, k in enumerate(order):  # each group in two pieces, as windows may cut it
        lo, hi = units[k]
        mid = (lo + hi) // 2
        for a, b in ((lo, mid), (mid, hi)):
            out = np.empty((b - a, 6), np.float32)
            reader.read_into(a, b, out)
            np.testing.assert_array_equal(out, plain[a:b])
            # The next group is on its way while this one's rows are used.
            assert list(reader._ahead) == [int(x) for x in order[i + 1 : i + 2]]
    assert decoded == order.tolist()  # each once; the last has none after it
    assert threads == {"funcgrad-parquet_0"}  # one thread reads the file
