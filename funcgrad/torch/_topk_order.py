"""The order PyTorch's CPU ``topk`` leaves equal values in.

PyTorch's CPU ``topk`` selects with the C++ library's ``nth_element`` (then sorts
the first ``k - 1``), or with ``partial_sort`` when ``64 * k <= n``, comparing
values only. Equal values come out in whatever order those algorithms leave
them, which is not index order. ``multinomial`` without replacement takes its
samples with that ``topk``, so to give PyTorch's indices when weights tie (zero
weights, when more samples are asked for than there are nonzero weights) this
module replays the GNU C++ library's algorithms step by step: introselect with a
median-of-three pivot and an unguarded partition, insertion sort below 16
elements (3 for the selection), heap selection as the fallback.

Written from the algorithms' published descriptions; only the positions matter
here, so each function moves ``(value, index)`` pairs in a Python list.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

Less = Callable[[tuple, tuple], bool]
_THRESHOLD = 16


def _greater(x: tuple, y: tuple) -> bool:
    """``x`` before ``y`` for ``largest=True``: NaN first, then larger values."""
    xn, yn = x[0] != x[0], y[0] != y[0]
    return (xn and not yn) or x[0] > y[0]


def _linear_insert(a: list, last: int, less: Less) -> None:
    value = a[last]
    prev = last - 1
    while less(value, a[prev]):
        a[last] = a[prev]
        last, prev = prev, prev - 1
    a[last] = value


def _insertion_sort(a: list, first: int, last: int, less: Less) -> None:
    for i in range(first + 1, last):
        value = a[i]
        if less(value, a[first]):
            a[first + 1 : i + 1] = a[first:i]
            a[first] = value
        else:
            _linear_insert(a, i, less)


def _median_to_first(a: list, result: int, x: int, y: int, z: int, less) -> None:
    if less(a[x], a[y]):
        pick = y if less(a[y], a[z]) else (z if less(a[x], a[z]) else x)
    elif less(a[x], a[z]):
        pick = x
    else:
        pick = z if less(a[y], a[z]) else y
    a[result], a[pick] = a[pick], a[result]


def _partition(a: list, first: int, last: int, less: Less) -> int:
    """Median-of-three pivot moved to ``first``; the unguarded partition of the
    rest around it; returns the cut."""
    mid = first + (last - first) // 2
    _median_to_first(a, first, first + 1, mid, last - 1, less)
    pivot, lo, hi = a[first], first + 1, last
    while True:
        while less(a[lo], pivot):
            lo += 1
        hi -= 1
        while less(pivot, a[hi]):
            hi -= 1
        if not lo < hi:
            return lo
        a[lo], a[hi] = a[hi], a[lo]
        lo += 1


def _sift_down(a: list, first: int, hole: int, length: int, value, less) -> None:
    """Fill ``hole`` of the heap at ``first`` with ``value``: down by the larger
    child to a leaf, then back up while the parent is less."""
    top, child = hole, hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if less(a[first + child], a[first + child - 1]):
            child -= 1
        a[first + hole] = a[first + child]
        hole = child
    if length % 2 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        a[first + hole] = a[first + child - 1]
        hole = child - 1
    parent = (hole - 1) // 2
    while hole > top and less(a[first + parent], value):
        a[first + hole] = a[first + parent]
        hole, parent = parent, (parent - 1) // 2
    a[first + hole] = value


def _make_heap(a: list, first: int, last: int, less: Less) -> None:
    length = last - first
    for parent in range((length - 2) // 2, -1, -1):
        _sift_down(a, first, parent, length, a[first + parent], less)


def _pop_to(a: list, first: int, last: int, result: int, less: Less) -> None:
    value = a[result]
    a[result] = a[first]
    _sift_down(a, first, 0, last - first, value, less)


def _heap_select(a: list, first: int, middle: int, last: int, less: Less) -> None:
    _make_heap(a, first, middle, less)
    for i in range(middle, last):
        if less(a[i], a[first]):
            _pop_to(a, first, middle, i, less)


def partial_sort(a: list, first: int, middle: int, last: int, less: Less) -> None:
    """``std::partial_sort``: the smallest ``middle - first`` (by ``less``), sorted."""
    _heap_select(a, first, middle, last, less)
    while middle - first > 1:
        middle -= 1
        _pop_to(a, first, middle, middle, less)


def _depth(n: int) -> int:
    return 2 * int(math.log2(n)) if n > 0 else 0


def sort(a: list, first: int, last: int, less: Less) -> None:
    """``std::sort``: introsort, then a final insertion sort.

    >>> a = [(2, 0), (1, 1), (3, 2)]; sort(a, 0, 3, _greater); a
    [(3, 2), (2, 0), (1, 1)]
    """
    if last - first < 2:
        return
    _introsort(a, first, last, _depth(last - first), less)
    if last - first > _THRESHOLD:
        _insertion_sort(a, first, first + _THRESHOLD, less)
        for i in range(first + _THRESHOLD, last):
            _linear_insert(a, i, less)
    else:
        _insertion_sort(a, first, last, less)


def _introsort(a: list, first: int, last: int, depth: int, less: Less) -> None:
    while last - first > _THRESHOLD:
        if depth == 0:
            partial_sort(a, first, last, last, less)
            return
        depth -= 1
        cut = _partition(a, first, last, less)
        _introsort(a, cut, last, depth, less)
        last = cut


def nth_element(a: list, first: int, nth: int, last: int, less: Less) -> None:
    """``std::nth_element``: introselect, insertion sort for the last few."""
    if first == last or nth == last:
        return
    depth = _depth(last - first)
    while last - first > 3:
        if depth == 0:
            _heap_select(a, first, nth + 1, last, less)
            a[first], a[nth] = a[nth], a[first]
            return
        depth -= 1
        cut = _partition(a, first, last, less)
        if cut <= nth:
            first = cut
        else:
            last = cut
    _insertion_sort(a, first, last, less)


def topk_indices(values: np.ndarray, k: int) -> np.ndarray:
    """The indices of the ``k`` largest of the 1-D ``values`` in the order
    PyTorch's CPU ``topk(k, sorted=True)`` gives them, ties included.

    >>> topk_indices(np.array([0.0, 1.0, 0.0, 2.0, 0.0]), 5).tolist()
    [3, 1, 4, 0, 2]
    """
    a = [(v, i) for i, v in enumerate(values.tolist())]
    n = len(a)
    if k * 64 <= n:
        partial_sort(a, 0, k, n, _greater)
    else:
        nth_element(a, 0, k - 1, n, _greater)
        sort(a, 0, k - 1, _greater)
    return np.array([i for _, i in a[:k]], np.int64)
