"""Labels: numbers in ``[0, 1]``, or two classes named in the file (``M``/``B``).

A chunk's labels are a :class:`LabelPart`: the numbers when every cell is one,
otherwise codes into the chunk's distinct cells. Whether the whole column is read
as numbers or as classes is decided once every chunk is read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np

Key = float | str


class LabelPart(NamedTuple):
    """The labels of one chunk: ``values`` (float64) if all are numbers, otherwise
    ``codes`` into ``cells`` (the chunk's distinct label cells, as written)."""

    values: np.ndarray | None
    codes: np.ndarray | None
    cells: tuple[str, ...]


def class_key(cell: str) -> Key:
    """The class a label cell names: its number if it is one, else its text.

    >>> class_key(" 4.0"), class_key(" M "), class_key("NaN")
    (4.0, 'M', 'nan')
    """
    try:
        value = float(cell)
    except ValueError:
        return cell.strip()
    return value if value == value else "nan"


def class_name(key: Key) -> str:
    """How a class is shown: the text, or the shortest form of the number.

    >>> class_name(4.0), class_name(0.25), class_name("M")
    ('4', '0.25', 'M')
    """
    if isinstance(key, str):
        return key
    return np.format_float_positional(key, trim="-")


def part_from_cells(cells: Sequence[str]) -> LabelPart:
    """A :class:`LabelPart` from label cells as the ``csv`` module read them.

    >>> part_from_cells(["1", "0"]).values
    array([1., 0.])
    >>> part_from_cells(["M", "B", "M"])[1:]
    (array([0, 1, 0], dtype=int32), ('M', 'B'))
    """
    try:
        return LabelPart(np.array([float(c) for c in cells]), None, ())
    except ValueError:
        index: dict[str, int] = {}
        codes = np.fromiter(
            (index.setdefault(c, len(index)) for c in cells), np.int32, len(cells)
        )
        return LabelPart(None, codes, tuple(index))


def part_from_codes(codes: np.ndarray, cells: Sequence[str]) -> LabelPart:
    """A :class:`LabelPart` from codes into distinct ``cells`` (as ``part_from_cells``
    would make from ``[cells[c] for c in codes]``).

    >>> part_from_codes(np.array([1, 0, 1]), ["2", "0.5"]).values
    array([0.5, 2. , 0.5])
    """
    try:
        numbers = np.array([float(c) for c in cells])
    except ValueError:
        return LabelPart(None, np.asarray(codes, np.int32), tuple(cells))
    return LabelPart(numbers[codes], None, ())


def keys_of(part: LabelPart, known: Sequence[Key] = (), most: int = 3) -> list[Key]:
    """The classes of ``part`` not in ``known``, in order of first appearance (the
    first ``most`` of them).

    >>> keys_of(part_from_cells(["1", "0", "1.0"]))
    [1.0, 0.0]
    >>> keys_of(part_from_cells(["M", "B", "X"]), known=["B"])
    ['M', 'X']
    """
    if part.values is None:
        seen: dict[Key, None] = {}
        for cell in part.cells:
            key = class_key(cell)
            if key not in known:
                seen.setdefault(key, None)
        return list(seen)[:most]
    values = part.values
    new = [float(v) for v in np.unique(values[~np.isnan(values)])[: len(known) + most]]
    if np.isnan(values).any():
        new.append("nan")
    new = [k for k in new if k not in known][:most]
    first = {
        k: int(np.argmax(np.isnan(values) if k == "nan" else values == k)) for k in new
    }
    return sorted(new, key=first.__getitem__)


def merge_keys(known: list[Key], new: Iterable[Key]) -> list[Key]:
    """``known`` followed by the keys of ``new`` it lacks, in order.

    >>> merge_keys(["B"], ["M", "B"])
    ['B', 'M']
    """
    out = list(known)
    for key in new:
        if key not in out:
            out.append(key)
    return out


def sorted_keys(keys: Iterable[Key]) -> list[Key]:
    """Numbers first (by value), then names (alphabetical).

    >>> sorted_keys(["yes", "no"]), sorted_keys([1.0, "M", 0.0])
    (['no', 'yes'], [0.0, 1.0, 'M'])
    """
    return sorted(keys, key=lambda k: (isinstance(k, str), k))


def to_binary(part: LabelPart, positive: Key) -> np.ndarray:
    """float32 labels of ``part``: 1 where the class is ``positive``, 0 elsewhere.

    >>> to_binary(part_from_cells(["M", "B", " M"]), "M")
    array([1., 0., 1.], dtype=float32)
    """
    if part.values is not None:
        if positive == "nan":
            return np.isnan(part.values).astype(np.float32)
        return (part.values == positive).astype(np.float32)
    lut = np.array([class_key(c) == positive for c in part.cells], np.float32)
    return lut[part.codes]
