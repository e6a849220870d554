"""Differential cases of the shape and linear-algebra family: the registry entries
of ``ops/shapes.py``, ``ops/linalg.py`` and ``ops/writes.py`` through the public
API, including the composite functions that record them (``hstack`` records
``cat``, ``einsum`` records ``bmm``...)."""

from __future__ import annotations

from .op_cases import Case


def _idx(M, rows):
    return M.tensor(rows)


def _mask(a):
    return a > 0


CASES: dict[str, list[Case]] = {
    "repeat": [
        Case(lambda M, a: a.repeat(2, 1), ((2, 3),)),
        Case(lambda M, a: a.repeat(2, 1, 3), ((2, 3),)),
        Case(lambda M, a: M.tile(a, (2,)), ((2, 3),)),
        Case(lambda M, a: a.tile(2, 1, 1), ((3,),)),
    ],
    "roll": [
        Case(lambda M, a: a.roll(1, 0), ((3, 4),)),
        Case(lambda M, a: M.roll(a, (1, -2), (1, 0)), ((3, 4),)),
        Case(lambda M, a: a.roll(5), ((3, 4),)),
    ],
    "flip": [
        Case(lambda M, a: a.flip(0), ((3, 4),)),
        Case(lambda M, a: M.flip(a, (0, -1)), ((2, 3, 4),)),
        Case(lambda M, a: M.fliplr(a), ((2, 3),)),
        Case(lambda M, a: a.flipud(), ((2, 3),)),
    ],
    "rot90": [
        Case(lambda M, a: a.rot90(), ((2, 3),)),
        Case(lambda M, a: M.rot90(a, 2, (1, 2)), ((2, 3, 4),)),
        Case(lambda M, a: a.rot90(-1, (1, 0)), ((2, 3),)),
        Case(lambda M, a: a.rot90(1).reshape(-1), ((2, 3),)),
        Case(lambda M, a: a.rot90(4), ((2, 3),)),
    ],
    "tril": [
        Case(lambda M, a: a.tril(), ((3, 3),)),
        Case(lambda M, a: M.tril(a, -1), ((2, 3, 4),)),
        Case(lambda M, a: (a * 1).tril_(1), ((3, 4),)),
    ],
    "triu": [
        Case(lambda M, a: a.triu(), ((3, 3),)),
        Case(lambda M, a: M.triu(a, 2), ((3, 5),)),
    ],
    "trace": [
        Case(lambda M, a: a.trace(), ((3, 3),)),
        Case(lambda M, a: M.trace(a), ((2, 4),)),
    ],
    "diag_embed": [
        Case(lambda M, a: M.diag_embed(a), ((2, 3),)),
        Case(lambda M, a: a.diag_embed(1, 0, 2), ((2, 3),)),
        Case(lambda M, a: M.diag(a), ((3,),)),
        Case(lambda M, a: M.diag(a, -1), ((3,),)),
        Case(lambda M, a: M.diagflat(a), ((2, 2),)),
        Case(lambda M, a: a.t().diagflat(1), ((2, 3),)),
    ],
    "diagonal_copy": [
        Case(lambda M, a: M.diag(a), ((3, 4),)),
        Case(lambda M, a: a.diag(-1), ((3, 3),)),
    ],
    "take": [
        Case(lambda M, a: a.take(_idx(M, [0, 5, -1])), ((2, 3),)),
        Case(lambda M, a: M.take(a, _idx(M, [[1, 1], [0, 2]])), ((3,),)),
    ],
    "masked_select": [
        Case(lambda M, a: a.masked_select(_mask(a)), ((3, 4),)),
        Case(lambda M, a, b: M.masked_select(a, _mask(b)), ((4,), (2, 4))),
    ],
    "index_select": [
        Case(lambda M, a: a.index_select(1, _idx(M, [2, 0, 2])), ((2, 3),)),
        Case(lambda M, a: M.index_select(a, -1, _idx(M, [1])), ((4,),)),
    ],
    "gather": [
        Case(lambda M, a: a.gather(1, _idx(M, [[0, 2], [1, 1]])), ((2, 3),)),
        Case(lambda M, a: M.gather(a, 0, _idx(M, [[1, 0, 1]])), ((2, 3),)),
        Case(lambda M, a: M.take_along_dim(a, _idx(M, [[0], [2]]), 1), ((2, 3),)),
        Case(lambda M, a: a.take_along_dim(_idx(M, [[1, 0, 1]]), 0), ((2, 3),)),
        Case(lambda M, a: M.take_along_dim(a, _idx(M, [4, 0])), ((2, 3),)),
    ],
    "scatter": [
        Case(lambda M, a, s: a.scatter(0, _idx(M, [[1, 0, 1]]), s), ((2, 3), (1, 3))),
        Case(lambda M, a, s: M.scatter(a, 1, _idx(M, [[2], [0]]), s), ((2, 3), (2, 1))),
    ],
    "scatter.value": [
        Case(lambda M, a: a.scatter(1, _idx(M, [[2], [0]]), 1.5), ((2, 3),)),
    ],
    "scatter_add": [
        Case(
            lambda M, a, s: a.scatter_add(0, _idx(M, [[1, 0, 1], [1, 1, 0]]), s),
            ((2, 3), (2, 3)),
        ),
        Case(
            lambda M, a, s: (a * 1).scatter_add_(1, _idx(M, [[0, 0]]), s),
            ((2, 3), (1, 2)),
        ),
    ],
    "baddbmm": [
        Case(lambda M, c, a, b: M.baddbmm(c, a, b), ((2, 3, 4), (2, 3, 5), (2, 5, 4))),
        Case(
            lambda M, c, a, b: c.baddbmm(a, b, beta=0.5, alpha=2),
            ((3, 1), (2, 3, 2), (2, 2, 4)),
        ),
    ],
    "addbmm": [
        Case(lambda M, c, a, b: M.addbmm(c, a, b), ((3, 4), (2, 3, 5), (2, 5, 4))),
        Case(lambda M, c, a, b: c.addbmm(a, b, alpha=-1), ((4,), (2, 3, 5), (2, 5, 4))),
    ],
    "addmv": [
        Case(lambda M, c, a, v: M.addmv(c, a, v), ((3,), (3, 4), (4,))),
        Case(lambda M, c, a, v: c.addmv(a, v, beta=2, alpha=0.5), ((1,), (3, 4), (4,))),
    ],
    "linalg_cross": [
        Case(lambda M, a, b: M.cross(a, b, dim=1), ((2, 3), (2, 3))),
        Case(lambda M, a, b: a.cross(b, -2), ((3, 4), (3, 1))),
    ],
}

# ``addmm`` gains ``beta``/``alpha``; composites over existing entries.
CASES_MORE: dict[str, list[Case]] = {
    "addmm": [
        Case(
            lambda M, c, a, b: M.addmm(c, a, b, beta=0.5, alpha=2),
            ((3,), (2, 4), (4, 3)),
        ),
    ],
    "cat": [
        Case(lambda M, a, b: M.hstack([a, b]), ((3,), (2,))),
        Case(lambda M, a, b: M.hstack((a, b)), ((2, 3), (2, 1))),
        Case(lambda M, a, b: M.vstack([a, b]), ((3,), (3,))),
        Case(lambda M, a, b: M.vstack([a, b]), ((2, 3), (1, 3))),
        Case(lambda M, a, b: M.dstack([a, b]), ((3,), (3,))),
        Case(lambda M, a, b: M.dstack([a, b]), ((2, 3), (2, 3))),
        Case(lambda M, a, b: M.column_stack([a, b]), ((3,), (3, 2))),
        Case(lambda M, a, b: M.hstack([a, b]), ((), ())),
    ],
    "mm": [
        Case(lambda M, a, b: M.tensordot(a, b, dims=1), ((2, 3), (3, 4))),
        Case(
            lambda M, a, b: M.tensordot(a, b, dims=([1, 2], [1, 0])),
            ((2, 3, 4), (4, 3)),
        ),
        Case(lambda M, a, b: M.inner(a, b), ((2, 3), (4, 3))),
        Case(lambda M, a, b: M.tensordot(a, b, dims=0), ((2,), (3,))),
    ],
    "bmm": [
        Case(lambda M, a, b: M.einsum("ij,kj", a, b), ((2, 3), (4, 3))),
        Case(lambda M, a, b: M.einsum("ij,jk->ik", a, b), ((2, 3), (3, 4))),
        Case(lambda M, a, b: M.einsum("bij,bjk->bik", a, b), ((2, 3, 4), (2, 4, 5))),
        Case(lambda M, a, b: M.einsum("...ij,...jk", a, b), ((2, 3, 4), (4, 5))),
        Case(lambda M, a, b, c: M.einsum("i,ij,j->", a, b, c), ((3,), (3, 4), (4,))),
        Case(
            lambda M, a, b, c: M.einsum("ab,bc,cd->ad", a, b, c),
            ((2, 3), (3, 4), (4, 5)),
        ),
        Case(lambda M, a, b: M.einsum("i,i->", a, b), ((3,), (3,))),
        Case(lambda M, a, b: M.einsum(a, [0, 1], b, [1, 2], [0, 2]), ((2, 3), (3, 4))),
        Case(lambda M, a, b: M.einsum(a, [..., 1], b, [1]), ((2, 3), (3,))),
        Case(lambda M, a, b: M.einsum("ij,ij->i", a, b), ((2, 3), (2, 3))),
    ],
    "mul": [
        Case(lambda M, a, b: M.einsum("i,j->ij", a, b), ((2,), (3,))),
        Case(lambda M, a, b: M.outer(a, b), ((2,), (3,))),
        Case(lambda M, a, b: a.ger(b), ((3,), (2,))),
        Case(lambda M, a, b: M.kron(a, b), ((2, 3), (2, 2))),
        Case(lambda M, a, b: a.kron(b), ((3,), (2, 2))),
        Case(lambda M, a, b: M.inner(a, b), ((), (3,))),
    ],
    "dot": [
        Case(lambda M, a, b: M.inner(a, b), ((3,), (3,))),
        Case(lambda M, a, b: M.tensordot(a, b, dims=2), ((2, 3), (2, 3))),
        Case(lambda M, a, b: M.tensordot(a, b, ([1], [0])), ((1, 3), (3,))),
    ],
    "sum.dim": [
        Case(lambda M, a: M.einsum("ii", a), ((3, 3),)),
        Case(lambda M, a: M.einsum("ij->", a), ((2, 3),)),
        Case(lambda M, a: M.einsum("...i->...", a), ((2, 3, 4),)),
    ],
    "sum": [
        Case(lambda M, a, b: M.tensordot(a, b, ([0, 1], [1, 0])), ((3, 3), (3, 3))),
    ],
    "diagonal": [
        Case(lambda M, a: M.einsum("ii->i", a), ((3, 3),)),
        Case(lambda M, a: M.einsum("bii->bi", a), ((2, 3, 3),)),
    ],
    "permute": [
        Case(lambda M, a: M.einsum("ij->ji", a), ((2, 3),)),
        Case(lambda M, a: M.movedim(a, 0, 2), ((2, 3, 4),)),
        Case(lambda M, a: a.moveaxis((0, 1), (2, 0)), ((2, 3, 4),)),
        Case(lambda M, a: M.movedim(a, -1, 0).reshape(-1), ((2, 3, 4),)),
    ],
    "transpose": [
        Case(lambda M, a: M.swapaxes(a, 0, 2), ((2, 3, 4),)),
        Case(lambda M, a: a.swapdims(-1, 0), ((2, 3),)),
    ],
    "view": [
        Case(lambda M, a: a.unflatten(1, (2, 2)), ((3, 4),)),
        Case(lambda M, a: M.unflatten(a, -1, (-1, 2)), ((3, 4),)),
        Case(lambda M, a: a.t().unflatten(0, (1, 3)), ((3, 3),)),
        Case(lambda M, a: M.atleast_2d(a), ((),)),
        Case(lambda M, a, b: M.meshgrid(a, b, indexing="ij")[0], ((2,), (3,))),
        Case(lambda M, a, b: M.meshgrid(a, b, indexing="xy")[1], ((2,), (3,))),
    ],
    "unsqueeze": [
        Case(lambda M, a: M.atleast_3d(a), ((3,),)),
        Case(lambda M, a: M.atleast_2d(a)[0], ((3,),)),
    ],
    "expand": [
        Case(lambda M, a: M.broadcast_to(a, (2, 3)), ((3,),)),
        Case(lambda M, a: a.broadcast_to((2, 1, 3)), ((1, 3),)),
    ],
    "split": [
        Case(lambda M, a: M.split(a, 2)[1], ((5, 2),)),
        Case(lambda M, a: M.chunk(a, 3, 1)[0], ((2, 5),)),
    ],
    "split_with_sizes": [Case(lambda M, a: M.split(a, [1, 4])[1], ((5, 2),))],
    "unbind": [Case(lambda M, a: M.unbind(a, 1)[2], ((2, 3),))],
    "_softmax": [
        Case(lambda M, a: M.softmax(a, 1), ((2, 3),)),
        Case(lambda M, a: a.softmax(-1), ((2, 3),)),
        Case(lambda M, a: M.softmax(a, 0, dtype=M.float64), ((3,),)),
    ],
    "_log_softmax": [
        Case(lambda M, a: M.log_softmax(a, 1), ((2, 3),)),
        Case(lambda M, a: a.log_softmax(0), ((2, 3),)),
    ],
}
