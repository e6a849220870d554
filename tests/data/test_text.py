"""Encodings and chunks: UTF-8 (with or without a byte order mark), UTF-16 and
UTF-32 are read; bad bytes are named by line and column wherever they are."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from funcgrad.data import DataError, _csv, load_csv, parse_csv_bytes
from funcgrad.data._text import ChunkReader, encoding_of

TEXT = "größe,wert,y\n1.5,2,0\n3,4.25,1\n"


def check(ds) -> None:
    np.testing.assert_array_equal(ds.X, [[1.5, 2], [3, 4.25]])
    np.testing.assert_array_equal(ds.y, [0, 1])
    assert ds.feature_names == ("größe", "wert")


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"]
)
def test_encodings_are_read(tmp_path: Path, encoding: str) -> None:
    data = TEXT.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):  # with the byte order mark
        data = "\ufeff".encode(encoding) + data
    path = tmp_path / "d.csv"
    path.write_bytes(data)
    check(load_csv(path, target="y"))


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark(encoding: str) -> None:
    assert encoding_of(TEXT.encode(encoding))[:2] == (encoding, "UTF-16")
    check(parse_csv_bytes(TEXT.encode(encoding), target="y"))


def test_utf16_is_not_binary_data() -> None:
    # Before, the NUL bytes of UTF-16 made it "binary data".
    ds = parse_csv_bytes("a,y\n1,0\n".encode("utf-16"), source="u.csv")
    assert ds.X.tolist() == [[1.0]]


def test_broken_utf16_names_the_encoding() -> None:
    data = "a,y\n1,0\n2,1\n".encode("utf-16") + b"\x00\xd8"  # a lone surrogate
    with pytest.raises(DataError) as info:
        parse_csv_bytes(data, source="u.csv")
    message = str(info.value)
    assert message.startswith("u.csv, line 4, column 1: not UTF-16 text")
    assert "save the file as UTF-8" in message


def test_nul_in_utf16_text() -> None:
    data = "a,y\n1,0\n2,\x001\n".encode("utf-16")
    with pytest.raises(DataError, match=r"line 3, column 3: binary data"):
        parse_csv_bytes(data, source="u.csv")


def test_latin1_error_suggests_the_encoding() -> None:
    with pytest.raises(DataError) as info:
        parse_csv_bytes("a,y\ncafé,1\n".encode("cp1252"), source="l.csv")
    assert (info.value.line, info.value.column) == (2, 4)
    assert "not UTF-8 text (byte 0xe9; Latin-1 or Windows-1252?)" in str(info.value)


# --- errors in late chunks keep the whole-file order ---------------------------


def big(rows: int = 2000) -> bytearray:
    return bytearray(b"a,b,y\n" + b"1.5,2,0\n" * rows)


def read_chunked(data: bytes, chunk_bytes: int = 512):
    return _csv._read(
        io.BytesIO(data), "c.csv", None, None, None, fast=True, chunk_bytes=chunk_bytes
    )


def test_chunked_read_equals_one_read() -> None:
    data = bytes(big())
    a, b = read_chunked(data), parse_csv_bytes(data)
    np.testing.assert_array_equal(a.X, b.X)
    assert a.X.shape == (2000, 2)


def test_bad_bytes_late_in_the_file_come_first() -> None:
    # A non-numeric cell early, a NUL byte 15 kB later: the NUL is reported, as
    # when the whole file was decoded first.
    data = big()
    data[6:9] = b"x,5"
    data[-5] = 0
    with pytest.raises(DataError, match=r"line 2001, column 4: binary data"):
        read_chunked(bytes(data))
    data[-5] = 0xE9
    with pytest.raises(DataError, match=r"line 2001, column 4: not UTF-8"):
        read_chunked(bytes(data))


def test_structure_errors_come_before_values() -> None:
    data = big()
    data[6:9] = b"nan"  # line 2
    data[-8:-1] = b"1,2,3,4"  # line 2001: ragged
    with pytest.raises(DataError, match=r"line 2001: ragged row"):
        read_chunked(bytes(data))


def test_late_nan_is_located() -> None:
    data = big()
    data[-8:-5] = b"nan"
    with pytest.raises(DataError, match=r"line 2001, column 1 \('a'\): NaN"):
        read_chunked(bytes(data))


def test_chunks_end_outside_quotes() -> None:
    data = b'a,"b\nc"\n1,2\n"3","4"\n'
    chunks = [c.data for c in ChunkReader(io.BytesIO(data), "q.csv", chunk_bytes=4)]
    assert b"".join(chunks) == data
    assert chunks[0] == b'a,"b\nc"\n'  # not cut inside the quoted header name
