"""The bytes of a CSV file as UTF-8 chunks that end on a record boundary.

UTF-8 (with or without a byte order mark) is read in chunks straight from the file;
UTF-16 and UTF-32 with a byte order mark, and UTF-16 without one, are decoded once
and re-encoded as UTF-8. A NUL byte anywhere in the file, or bytes that do not
decode, raise :class:`DataError` naming the line and column, before any other
error. Each :class:`Chunk` ends after a line break outside quotes, so chunks can be
parsed on their own; its ``line`` numbers lines as Python's ``csv`` module does
(``\\r\\n``, ``\\r`` and ``\\n`` each end a line).
"""

from __future__ import annotations

import io
import itertools
import os
from collections.abc import Iterator
from typing import BinaryIO, NamedTuple, NoReturn

import numpy as np

from ._errors import DataError

CHUNK_BYTES = 1 << 20

# Byte order marks, longest first (UTF-32's little-endian mark starts with UTF-16's).
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xef\xbb\xbf", "utf-8", "UTF-8"),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
)


class Chunk(NamedTuple):
    """UTF-8 bytes of whole records; ``line`` is the 1-based line they start on."""

    data: bytes
    line: int


def encoding_of(head: bytes) -> tuple[str, str, int]:
    """``(codec, name, bom_length)`` of a file that starts with ``head``.

    >>> encoding_of(b"\\xff\\xfea\\x00,\\x00")
    ('utf-16-le', 'UTF-16', 2)
    >>> encoding_of(b"a\\x00,\\x00b\\x00\\n\\x00")  # UTF-16 without a byte order mark
    ('utf-16-le', 'UTF-16', 0)
    >>> encoding_of(b"a,b\\n")
    ('utf-8', 'UTF-8', 0)
    """
    for bom, codec, name in _BOMS:
        if head.startswith(bom):
            return codec, name, len(bom)
    sample = head[: min(len(head), 1024) // 2 * 2]
    if len(sample) >= 4:
        even, odd = sample[0::2], sample[1::2]
        if not odd.strip(b"\x00") and b"\x00" not in even:
            return "utf-16-le", "UTF-16", 0
        if not even.strip(b"\x00") and b"\x00" not in odd:
            return "utf-16-be", "UTF-16", 0
    return "utf-8", "UTF-8", 0


def size_of(f: BinaryIO) -> int | None:
    """Bytes in ``f`` (``None`` where it cannot tell), to size the output."""
    try:
        return os.fstat(f.fileno()).st_size
    except (OSError, AttributeError, io.UnsupportedOperation):
        try:
            return len(f.getbuffer())  # type: ignore[attr-defined]
        except AttributeError:
            return None


def _transcode(data: bytes, codec: str, name: str, bom: int, source: str) -> bytes:
    try:
        text = data[bom:].decode(codec)
    except UnicodeDecodeError as e:
        before = data[bom : bom + e.start].decode(codec)
        line, column = _text_position(before, len(before))
        raise DataError(
            f"not {name} text ({e.reason} at byte {bom + e.start}), although the file "
            f"starts like {name}; save the file as UTF-8 CSV",
            path=source,
            line=line,
            column=column,
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        line, column = _text_position(text, nul)
        raise DataError(
            f"binary data (a NUL character in {name} text); expected a CSV text file",
            path=source,
            line=line,
            column=column,
        )
    return text.encode("utf-8")


def _text_position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


class _Scan:
    """Where the bytes checked so far end: offset, ``\\n`` count, first bad byte."""

    def __init__(self) -> None:
        self.offset = 0  # bytes of the file checked
        self.newlines = 0  # line feeds among them
        self.line_start = 0  # offset just after the last of them
        self.undecodable: DataError | None = None

    def position(self, piece: bytes, index: int) -> tuple[int, int]:
        """1-based (line, column) of ``piece[index]``; the column counts bytes."""
        last = piece.rfind(b"\n", 0, index)
        line = self.newlines + count(piece[:index], b"\n") + 1
        start = self.line_start if last < 0 else self.offset + last + 1
        return line, self.offset + index - start + 1

    def check(self, piece: bytes, source: str) -> None:
        """Raise for a NUL byte in ``piece`` (the next bytes of the file, ending on a
        character boundary); note its first undecodable byte; move past it."""
        nul = piece.find(b"\x00")
        if nul >= 0:
            line, column = self.position(piece, nul)
            raise DataError(
                "binary data (a NUL byte); expected a UTF-8 CSV text file",
                path=source,
                line=line,
                column=column,
            )
        if self.undecodable is None and not piece.isascii():
            try:
                piece.decode("utf-8")
            except UnicodeDecodeError as e:
                line, column = self.position(piece, e.start)
                self.undecodable = DataError(
                    f"not UTF-8 text (byte 0x{piece[e.start]:02x}; Latin-1 or "
                    "Windows-1252?); save the file as UTF-8 CSV (UTF-16 with a byte "
                    "order mark is read too)",
                    path=source,
                    line=line,
                    column=column,
                )
        last = piece.rfind(b"\n")
        if last >= 0:
            self.newlines += count(piece, b"\n")
            self.line_start = self.offset + last + 1
        self.offset += len(piece)


class ChunkReader:
    """The chunks of one CSV file (iterate once); :meth:`fail` raises errors.

    >>> reader = ChunkReader(io.BytesIO(b"a,b\\n1,2\\r\\n3,4"), "d.csv", chunk_bytes=6)
    >>> [tuple(c) for c in reader]
    [(b'a,b\\n', 1), (b'1,2\\r\\n', 2), (b'3,4', 3)]
    """

    def __init__(
        self, f: BinaryIO, source: str, chunk_bytes: int = CHUNK_BYTES
    ) -> None:
        self.source = source
        self._chunk_bytes = chunk_bytes
        self._scan = _Scan()
        self._carry = b""
        head = f.read(chunk_bytes)
        codec, name, bom = encoding_of(head)
        self.size = size_of(f)
        if codec != "utf-8":
            data = _transcode(head + f.read(), codec, name, bom, source)
            self.size = len(data)
            self._blocks: Iterator[bytes] = iter([data])
        else:
            self._scan.check(head[:bom], source)
            rest = iter(lambda: f.read(chunk_bytes), b"")
            self._blocks = itertools.chain([head[bom:]], rest)

    def __iter__(self) -> Iterator[Chunk]:
        line = 1
        for block in self._blocks:
            data = self._carry + block
            cut = _cut(data)
            self._carry = data[cut:]
            if cut:
                yield self._checked(data[:cut], line)
                line += _line_breaks(data[:cut])
        data, self._carry = self._carry, b""
        if data:
            yield self._checked(data, line)

    def fail(self, error: DataError | None = None) -> NoReturn:
        """Raise ``error``, unless the unread rest of the file has a NUL byte or an
        undecodable byte: those errors come first, as they concern the whole file."""
        for block in self._blocks:
            data = self._carry + block
            cut = data.rfind(b"\n") + 1
            self._carry = data[cut:]
            self._scan.check(data[:cut], self.source)
        self._scan.check(self._carry, self.source)
        self._carry = b""
        raise self._scan.undecodable or error or AssertionError("no error to raise")

    def _checked(self, chunk: bytes, line: int) -> Chunk:
        self._scan.check(chunk, self.source)
        if self._scan.undecodable is not None:
            self.fail()
        return Chunk(chunk, line)


def count(data: bytes, byte: bytes) -> int:
    """How many times the one byte ``byte`` occurs in ``data`` (faster than
    ``bytes.count`` for long data).

    >>> count(b"a\\nb\\n", b"\\n")
    2
    """
    if data.find(byte) < 0:
        return 0
    return int(np.count_nonzero(np.frombuffer(data, np.uint8) == ord(byte)))


def _cut(data: bytes) -> int:
    """Length of the longest prefix of ``data`` (which starts a record) that ends a
    record: after a line break with an even number of quotes before it. 0: none."""
    parity = count(data, b'"') % 2
    end = len(data)
    while True:
        cut = data.rfind(b"\n", 0, end) + 1
        if cut == 0:
            cut = data.rfind(b"\r", 0, max(end - 1, 0)) + 1  # a final \r: \r\n?
            if cut == 0:
                return 0
        parity ^= count(data[cut:end], b'"') % 2
        if parity == 0:
            return cut
        end = cut - 1


def _line_breaks(chunk: bytes) -> int:
    n = count(chunk, b"\n")
    if b"\r" in chunk:
        n += count(chunk, b"\r") - chunk.count(b"\r\n")
    return n
