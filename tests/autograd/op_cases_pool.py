"""Differential cases of the pooling entries: ``ceil_mode``, ``return_indices``,
dilation, the 1-D forms (the 2-D op between an unsqueeze and a squeeze) and
``max_unpool2d``; the base cases of ``op_cases`` are kept."""

from __future__ import annotations

from .op_cases import CASES as _BASE
from .op_cases import Case


def _F(M):
    return M.nn.functional


def _unpool(M, a):
    values, indices = _F(M).max_pool2d(a, 2, return_indices=True)
    return _F(M).max_unpool2d(values, indices, 2)


CASES: dict[str, list[Case]] = {
    "nn.max_pool2d": _BASE["nn.max_pool2d"]
    + [
        Case(lambda M, a: _F(M).max_pool2d(a, 2, ceil_mode=True), ((2, 2, 5, 5),)),
        Case(
            lambda M, a: _F(M).max_pool2d(a, 3, 2, 1, return_indices=True),
            ((1, 2, 6, 7),),
        ),
        Case(
            lambda M, a: _F(M).max_pool2d(
                a, (3, 2), (2, 1), (1, 0), (1, 2), ceil_mode=True, return_indices=True
            ),
            ((2, 7, 6),),
        ),
        Case(lambda M, a: _F(M).max_pool1d(a, 3, 2, 1, ceil_mode=True), ((2, 3, 8),)),
        Case(lambda M, a: _F(M).max_pool1d(a, 2, return_indices=True), ((3, 7),)),
    ],
    "nn.avg_pool2d": _BASE["nn.avg_pool2d"]
    + [
        Case(lambda M, a: _F(M).avg_pool2d(a, 3, 2, 1, True), ((2, 2, 6, 6),)),
        Case(lambda M, a: _F(M).avg_pool2d(a, 3, 2, 1, True, False), ((1, 2, 6, 7),)),
        Case(lambda M, a: _F(M).avg_pool2d(a, 2, None, 0, True, True, 3), ((2, 5, 5),)),
        Case(lambda M, a: _F(M).avg_pool1d(a, 3, 2, 1, True, False), ((2, 3, 8),)),
    ],
    "nn.max_unpool2d": [
        Case(_unpool, ((1, 2, 4, 4),)),
        Case(
            lambda M, a, b: _F(M).max_unpool2d(
                a, _F(M).max_pool2d(b, 2, return_indices=True)[1], 2, output_size=(5, 5)
            ),
            ((2, 2, 2), (2, 5, 5)),
        ),
    ],
}
