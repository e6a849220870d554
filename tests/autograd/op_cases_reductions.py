"""Differential cases of the reductions, norms and sorting (``ops.reductions``,
``ops.norms``, ``ops.sorting``).

Ties are built with a detached copy (``cat([a, a.detach()])``): the copy never
takes gradient, so where the gradient of a tied maximum goes (all to the index
for ``max(dim)``, split for ``amax``) shows in ``a.grad``.
"""

from __future__ import annotations

import math

from .op_cases import CASES as _BASE
from .op_cases import Case


def _tied(M, a, dim=1):
    return M.cat([a, a.detach()], dim)


def _with_zeros(M, a):
    """``a`` with some entries exactly zero (the gradient through them is kept;
    inputs are positive, so no zero is negative: the sign of a zero product is
    not compared)."""
    return a * (a > 1.0).float()


CASES: dict[str, list[Case]] = {
    "sum": _BASE["sum"]
    + [
        Case(lambda M, a: a.sum(dtype=M.float64), ((2, 3),)),
        Case(lambda M, a: a.double().sum(), ((4,),)),
    ],
    "sum.dim": _BASE["sum.dim"]
    + [
        Case(lambda M, a: M.sum(a, (0, -1), dtype=M.float64), ((2, 3, 2),)),
        Case(lambda M, a: a.sum(0), ((),)),
    ],
    "mean": _BASE["mean"] + [Case(lambda M, a: a.mean(dtype=M.float64), ((3,),))],
    "mean.dim": _BASE["mean.dim"]
    + [Case(lambda M, a: M.mean(a, (0, 2), True, dtype=M.float64), ((2, 3, 2),))],
    "prod": [
        Case(lambda M, a: a.prod(), ((2, 3),)),
        Case(lambda M, a: _with_zeros(M, a).prod(), ((5,),), positive=True),
        Case(lambda M, a: M.prod(a.double()), ((3,),)),
    ],
    "prod.dim_int": [
        Case(lambda M, a: a.prod(1), ((2, 3),)),
        Case(
            lambda M, a: M.prod(_with_zeros(M, a), 0, keepdim=True),
            ((4, 3),),
            positive=True,
        ),
        Case(lambda M, a: a.prod(-1, dtype=M.float64), ((2, 3),)),
    ],
    "max": _BASE["max"] + [Case(lambda M, a: _tied(M, a).max(), ((2, 3),))],
    "max.dim": _BASE["max.dim"]
    + [
        Case(lambda M, a: _tied(M, a).max(1), ((2, 3),)),
        Case(lambda M, a: _tied(M, a, 0).max(0, keepdim=True), ((2, 3),)),
        Case(lambda M, a: M.max(a.double(), -1), ((3, 4),)),
    ],
    "min": _BASE["min"] + [Case(lambda M, a: _tied(M, a, 0).min(), ((3,),))],
    "min.dim": _BASE["min.dim"]
    + [Case(lambda M, a: M.min(_tied(M, a), dim=1), ((2, 2),))],
    "amax": [
        Case(lambda M, a: a.amax(), ((2, 3),)),
        Case(lambda M, a: M.amax(a, (0, 2), keepdim=True), ((2, 3, 2),)),
        Case(lambda M, a: _tied(M, a).amax(1), ((2, 3),)),
        Case(lambda M, a: _tied(M, a).amax(), ((2, 3),)),
    ],
    "amin": [
        Case(lambda M, a: a.amin(-1), ((2, 3),)),
        Case(lambda M, a: M.amin(_tied(M, a, 0), 0), ((2, 3),)),
    ],
    "median": [
        Case(lambda M, a: a.median(), ((2, 3),)),
        Case(lambda M, a: M.median(_tied(M, a)), ((1, 3),)),
    ],
    "median.dim": [
        Case(lambda M, a: a.median(1), ((2, 5),)),
        Case(lambda M, a: M.median(a, 0, keepdim=True), ((4, 3),)),
    ],
    "var": [
        Case(lambda M, a: a.var(), ((2, 3),)),
        Case(lambda M, a: a.var(1), ((2, 3),)),
        Case(lambda M, a: M.var(a, (0, 2), keepdim=True, correction=0), ((2, 3, 2),)),
        Case(lambda M, a: a.var(0, False), ((4, 3),)),
        Case(lambda M, a: a.var(unbiased=False), ((5,),)),
        Case(lambda M, a: a.double().var(correction=2), ((6,),)),
    ],
    "std": [
        Case(lambda M, a: a.std(), ((2, 3),)),
        Case(lambda M, a: M.std(a, -1, keepdim=True), ((3, 4),)),
        Case(lambda M, a: (a * 0 + 1).std(1), ((2, 3),)),
        Case(lambda M, a: a.std(0, correction=0), ((1, 3),)),
    ],
    "var_mean": [
        Case(lambda M, a: _sum_pair(M.var_mean(a)), ((2, 3),)),
        Case(lambda M, a: _sum_pair(M.var_mean(a, 1, keepdim=True)), ((2, 3),)),
    ],
    "std_mean": [
        Case(lambda M, a: _sum_pair(M.std_mean(a, 0, correction=0)), ((3, 2),)),
    ],
    "logsumexp": [
        Case(lambda M, a: a.logsumexp(1), ((2, 3),)),
        Case(lambda M, a: M.logsumexp(a, (0, 1), keepdim=True), ((2, 3),)),
        Case(lambda M, a: (a * 30).double().logsumexp(-1), ((4,),)),
    ],
    "cumsum": [
        Case(lambda M, a: a.cumsum(1), ((2, 3),)),
        Case(lambda M, a: M.cumsum(a, dim=0, dtype=M.float64), ((4,),)),
    ],
    "cumprod": [
        Case(lambda M, a: a.cumprod(1), ((2, 3),)),
        Case(lambda M, a: M.cumprod(_with_zeros(M, a), 0), ((6,),), positive=True),
    ],
    "linalg_vector_norm": [
        Case(lambda M, a: a.norm(), ((2, 3),)),
        Case(lambda M, a: a.norm(1, dim=1), ((2, 3),)),
        Case(lambda M, a: M.norm(a, math.inf, 0, keepdim=True), ((3, 2),)),
        Case(lambda M, a: M.norm(_tied(M, a.abs()), -math.inf), ((2, 2),)),
        Case(lambda M, a: M.norm(a, p="fro", dim=(0, 1)), ((2, 3, 2),)),
        Case(lambda M, a: a.norm(3, dtype=M.float64), ((4,),)),
        Case(lambda M, a: a.norm(0.5, 1), ((2, 3),)),
        Case(lambda M, a: (a * 0).norm(), ((3,),)),
        Case(lambda M, a: (a * 0).norm(3), ((3,),)),
        Case(lambda M, a: (a * 0).norm(0.5), ((3,),)),
        Case(lambda M, a: _with_zeros(M, a).norm(1.5), ((5,),)),
        Case(lambda M, a: M.linalg.vector_norm(a, 4, (0, -1)), ((2, 3, 2),)),
        Case(lambda M, a: M.linalg.norm(a, dim=1), ((2, 3),)),
        Case(lambda M, a: M.linalg.norm(a, 1), ((4,),)),
        Case(lambda M, a: M.linalg.matrix_norm(a), ((2, 3, 3),)),
        Case(lambda M, a: M.linalg.matrix_norm(a, 1, keepdim=True), ((3, 3),)),
        Case(lambda M, a: M.linalg.matrix_norm(a, -math.inf, (0, 2)), ((2, 3, 4),)),
        Case(lambda M, a: M.linalg.norm(a, math.inf, dtype=M.float64), ((3, 3),)),
        Case(lambda M, a: M.linalg.norm(a, "fro", (1, 0)), ((3, 2),)),
        # ord=0: PyTorch leaves the gradient undefined (None); compared by value
        Case(lambda M, a: a.norm(0) + a.sum() * 0, ((2, 3),)),
    ],
    "_linalg_svd": [
        Case(lambda M, a: M.linalg.svdvals(a), ((3, 2),)),
        Case(lambda M, a: a.norm("nuc"), ((3, 3),)),
        Case(lambda M, a: M.linalg.matrix_norm(a, 2), ((2, 3, 3),)),
        Case(lambda M, a: M.linalg.matrix_norm(a, -2, keepdim=True), ((3, 4),)),
        Case(lambda M, a: M.linalg.matrix_norm(a, "nuc", (2, 0), True), ((2, 3, 4),)),
        Case(lambda M, a: M.linalg.norm(a, 2, dtype=M.float64), ((3, 3),)),
    ],
    "sort": [
        Case(lambda M, a: a.sort(), ((2, 3),)),
        Case(lambda M, a: M.sort(a, 0, descending=True), ((4, 3),)),
        Case(lambda M, a: _tied(M, a).sort(1, True), ((2, 3),)),
        Case(lambda M, a: (a.msort(), a.argsort(0)), ((4, 2),)),
        Case(lambda M, a: (M.msort(a), M.argsort(a, 0, descending=True)), ((3,),)),
    ],
    "sort.stable": [
        Case(lambda M, a: _tied(M, a).sort(stable=True, dim=1), ((2, 3),)),
        Case(
            lambda M, a: M.sort(_tied(M, a, 0), dim=0, descending=True, stable=False),
            ((2, 3),),
        ),
    ],
    "topk": [
        Case(lambda M, a: a.topk(2), ((2, 5),)),
        Case(lambda M, a: M.topk(a, 3, dim=0, largest=False), ((4, 3),)),
        Case(lambda M, a: a.topk(0), ((3,),)),
    ],
    "kthvalue": [
        Case(lambda M, a: a.kthvalue(2), ((2, 5),)),
        Case(lambda M, a: M.kthvalue(a, 4, 0, keepdim=True), ((4, 3),)),
    ],
    "mode": [
        Case(lambda M, a: _tied(M, a).mode(1), ((2, 3),)),
        Case(lambda M, a: M.mode(_tied(M, a, 0), 0, keepdim=True), ((2, 3),)),
        Case(lambda M, a: M.mode(M.cat([a, a.detach(), a], 1)), ((3, 2),)),
    ],
    "_unique2": [
        Case(lambda M, a: _tied(M, a).unique(), ((3, 2),), grad=False),
        Case(lambda M, a: M.unique(a, return_inverse=True)[0], ((5,),), grad=False),
    ],
    "unique_dim": [
        Case(lambda M, a: _tied(M, a, 0).unique(dim=0), ((2, 3),), grad=False),
    ],
}


def _sum_pair(pair):
    first, second = pair
    return first + second
