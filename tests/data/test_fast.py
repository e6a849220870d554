"""The fast reader (pyarrow, chunk by chunk) and the exact reader (the csv module,
the whole file at once) agree: on random valid files they read the same numbers, and
on random corruptions of them they raise the same error, word for word."""

from __future__ import annotations

import io

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from funcgrad.data import DataError, Dataset, _csv


def read(data: bytes, fast: bool, chunk_bytes: int = 1 << 30, **options):
    """The Dataset, or the error's text."""
    try:
        return _csv._read(
            io.BytesIO(data),
            "f.csv",
            options.get("target"),
            options.get("delimiter"),
            options.get("positive"),
            fast=fast,
            chunk_bytes=chunk_bytes,
        )
    except DataError as e:
        return str(e)


def assert_same(a: Dataset | str, b: Dataset | str) -> None:
    if isinstance(a, str) or isinstance(b, str):
        assert a == b
        return
    np.testing.assert_array_equal(a.X, b.X, strict=True)
    np.testing.assert_array_equal(a.y, b.y, strict=True)
    assert a[2:] == b[2:]


def agree(data: bytes, chunk_bytes: int, **options) -> Dataset | str:
    exact = read(data, fast=False, **options)
    assert_same(read(data, fast=True, chunk_bytes=chunk_bytes, **options), exact)
    assert_same(read(data, fast=True, **options), exact)  # one chunk
    return exact


_NUMBER = st.one_of(
    st.floats(-1e6, 1e6, allow_nan=False, width=32).map(repr),
    st.integers(-1000, 1000).map(str),
    st.floats(-1e3, 1e3, allow_nan=False).map(lambda v: f"{v:.3e}"),
)


@st.composite
def valid_files(draw) -> tuple[bytes, dict, np.ndarray, list[str]]:
    """A valid file, the options to read it, its features and its label cells."""
    ncols = draw(st.integers(2, 5))
    n = draw(st.integers(1, 25))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    kind = draw(st.sampled_from(["binary", "soft", "names", "numbered"]))
    names = draw(st.sampled_from([("B", "M"), ("no", "yes"), (" x", "y ")]))
    if kind in ("names", "numbered"):
        n = max(n, 2)
        names = names if kind == "names" else ("2", "4")
    cells = [[draw(_NUMBER) for _ in range(ncols)] for _ in range(n)]
    labels = []
    for i, row in enumerate(cells):
        if kind == "binary":
            row[-1] = draw(st.sampled_from(["0", "1", "1.0", " 0"]))
        elif kind == "soft":
            row[-1] = repr(draw(st.floats(0, 1)))
        else:
            row[-1] = names[i] if i < 2 else draw(st.sampled_from(names))
        labels.append(row[-1])
    quote = draw(st.booleans())
    lines = [delimiter.join(f"c{j}" for j in range(ncols))]
    for row in cells:
        if quote:
            row = [f'"{c}"' if draw(st.booleans()) else c for c in row]
        lines.append(delimiter.join(row))
        if draw(st.integers(0, 9)) == 0:
            lines.append("")  # a blank line
    text = newline.join(lines) + draw(st.sampled_from(["", newline]))
    options = {"delimiter": delimiter} if draw(st.booleans()) else {}
    if kind == "numbered" or (kind == "names" and draw(st.booleans())):
        options["positive"] = draw(st.sampled_from(names))
    X = np.array([[float(c) for c in row[:-1]] for row in cells], np.float32)
    return text.encode(), options, X, labels


@settings(max_examples=60, deadline=None)
@given(file=valid_files(), chunk_bytes=st.integers(16, 400))
def test_valid_files_read_alike(file, chunk_bytes: int) -> None:
    data, options, X, labels = file
    ds = agree(data, chunk_bytes, **options)
    assert isinstance(ds, Dataset), ds
    np.testing.assert_array_equal(ds.X, X)
    if ds.classes is None:
        np.testing.assert_array_equal(ds.y, np.float32([float(c) for c in labels]))
    else:  # the positive class, or the second in sorted order
        positive = options.get("positive", max(labels, key=str.strip)).strip()
        np.testing.assert_array_equal(ds.y, [c.strip() == positive for c in labels])
        assert ds.classes[positive] == 1 and len(ds.classes) == 2


_BAD = [
    "",
    " ",
    "nan",
    "-inf",
    "1e39",
    "x7",
    '"',
    '"1" ',
    ' "1"',
    '"1"5',
    "1_0",
    "\u00a01",
    "\u0661",
    "2",
    "-0.5",
    "Q",
    "yes",
    '"a\nb"',
    "1,5",
    "\x00",
    "caf\udce9",
]


@st.composite
def corrupted_files(draw) -> tuple[bytes, dict]:
    data, options, _, _ = draw(valid_files())
    text = data.decode()
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        end = draw(st.integers(at, min(at + 6, len(text))))
        text = text[:at] + draw(st.sampled_from(_BAD)) + text[end:]
    if draw(st.booleans()):
        options.pop("positive", None)
        if draw(st.integers(0, 3)) == 0:
            options["positive"] = draw(st.sampled_from(["M", "4", "Q"]))
    return text.encode("utf-8", "surrogateescape"), options


@settings(max_examples=100, deadline=None)
@given(file=corrupted_files(), chunk_bytes=st.integers(16, 400))
@example(file=(b"a,y\n1,0\n2,0\n\x00", {}), chunk_bytes=4)
@example(file=(b"a,y\n1,0\n2,nan\nx,0\n", {}), chunk_bytes=6)  # non-numeric first
@example(file=(b"a,y\n1,2\n2,nan\n", {}), chunk_bytes=6)  # NaN before the range
@example(file=(b"a,y\n1,M\n2,B\n3,Q\n", {}), chunk_bytes=6)
@example(file=(b"a,y\n1,M\n2,B\n", {"positive": "Q"}), chunk_bytes=6)
@example(file=(b'a,y\n"1\n",0\n2,1\n', {}), chunk_bytes=5)
def test_corruptions_raise_alike(file, chunk_bytes: int) -> None:
    data, options = file
    agree(data, chunk_bytes, **options)
