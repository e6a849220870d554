"""The fast reader: pyarrow's CSV parser on one chunk, all or nothing.

It accepts a chunk only where the exact reader (``_exact``) would read the same
numbers: pyarrow's number syntax is a subset of Python's ``float`` (and gives the
same value), and chunks whose quoting pyarrow reads more leniently than the
``csv`` module are left to the exact reader. ``None`` means "not this chunk".
"""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ._labels import LabelPart, part_from_codes

BLOCK_BYTES = 1 << 20


class FastRows(NamedTuple):
    """The rows of a chunk: ``columns[j]`` holds column ``j`` as float64 record
    batches (the label column excepted: ``None``); ``labels`` its labels."""

    batches: list[list[np.ndarray | None]]
    n: int
    labels: LabelPart


def read_chunk(
    data: bytes, ncols: int, target: int, delimiter: str, label_text: bool
) -> FastRows | None:
    """The rows of ``data`` (whole records, no header) or ``None``.

    ``label_text`` reads the label column as text (class names); otherwise it must
    hold numbers, or the chunk is refused.

    >>> rows = read_chunk(b"1,0.5\\n2,1\\n", 2, 1, ",", False)
    >>> rows.n, rows.batches[0][0], rows.labels.values
    (2, array([1., 2.]), array([0.5, 1. ]))
    >>> read_chunk(b"1,0\\n2\\n", 2, 1, ",", False) is None  # a ragged row
    True
    """
    if len(delimiter.encode()) != 1:
        return None
    if b'"' in data and not _simple_quotes(data, delimiter):
        return None
    names = [f"c{j}" for j in range(ncols)]
    types = {name: pa.float64() for name in names}
    if label_text:
        types[names[target]] = pa.string()
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(
                column_names=names, use_threads=False, block_size=BLOCK_BYTES
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=b'"' in data
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=types,
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=False,
            ),
            memory_pool=pa.system_memory_pool(),
        )
    except pa.ArrowException:  # a parse or conversion error: the exact reader's turn
        return None
    labels = _labels(table.column(target), label_text)
    if labels is None:
        return None
    batches = [
        [
            None if j == target else col.to_numpy(zero_copy_only=False)
            for j, col in enumerate(batch.columns)
        ]
        for batch in table.to_batches()
    ]
    return FastRows(batches, table.num_rows, labels)


def _labels(column: pa.ChunkedArray, label_text: bool) -> LabelPart | None:
    if not label_text:
        values = column.to_numpy()
        return LabelPart(values, None, ())
    encoded = pc.dictionary_encode(column.combine_chunks())
    cells = encoded.dictionary.to_pylist()
    if any(not c.strip() for c in cells):
        return None  # an empty label cell: the exact reader names it
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    return part_from_codes(codes, cells)


_QUOTED = {}


def _simple_quotes(data: bytes, delimiter: str) -> bool:
    """Whether every quote in ``data`` belongs to a field quoted from end to end,
    which both parsers read alike (the ``csv`` module refuses ``"1" ,``, pyarrow
    does not)."""
    pattern = _QUOTED.get(delimiter)
    if pattern is None:
        d = re.escape(delimiter.encode())
        pattern = re.compile(
            rb"(?:(?<=[" + d + rb'\r\n])|\A)"(?:[^"]|"")*"(?=[' + d + rb"\r\n]|\Z)"
        )
        _QUOTED[delimiter] = pattern
    return b'"' not in pattern.sub(b"", data)
