"""Differential cases of the random-draw entries: each case seeds both modules'
generators, so the drawn values agree to the bit and the suite compares values,
the zero gradients and the node structure as for any other op."""

from __future__ import annotations

from .op_cases import Case


def _seeded(draw):
    def case(M, *tensors):
        M.manual_seed(0)
        return draw(M, *tensors)

    return case


def _nonleaf(a):
    return a * 1


CASES: dict[str, list[Case]] = {
    "uniform_": [Case(_seeded(lambda M, a: _nonleaf(a).uniform_(-1, 2)), ((2, 3),))],
    "normal_": [Case(_seeded(lambda M, a: _nonleaf(a).normal_(1.0, 0.5)), ((17,),))],
    "exponential_": [
        Case(_seeded(lambda M, a: _nonleaf(a).exponential_(2.0)), ((4,),))
    ],
    "cauchy_": [Case(_seeded(lambda M, a: _nonleaf(a).cauchy_(0.5, 2.0)), ((4,),))],
    "log_normal_": [
        Case(_seeded(lambda M, a: _nonleaf(a).log_normal_(0.1, 0.5)), ((5,),))
    ],
    "geometric_": [Case(_seeded(lambda M, a: _nonleaf(a).geometric_(0.3)), ((6,),))],
    "random_.from": [Case(_seeded(lambda M, a: _nonleaf(a).random_(2, 9)), ((5,),))],
    "random_.to": [Case(_seeded(lambda M, a: _nonleaf(a).random_(7)), ((5,),))],
    "random_": [Case(_seeded(lambda M, a: _nonleaf(a).random_()), ((3,),))],
    "bernoulli_.float": [
        Case(_seeded(lambda M, a: _nonleaf(a).bernoulli_(0.3)), ((6,),))
    ],
    "bernoulli_.Tensor": [
        Case(_seeded(lambda M, a: _nonleaf(a).bernoulli_(M.linspace(0, 1, 6))), ((6,),))
    ],
    "bernoulli": [Case(_seeded(lambda M, a: M.bernoulli(a.sigmoid())), ((2, 3),))],
    "normal.Tensor_float": [Case(_seeded(lambda M, a: M.normal(a, 0.5)), ((3, 2),))],
    "normal.float_Tensor": [
        Case(_seeded(lambda M, a: M.normal(1.5, a)), ((20,),), positive=True)
    ],
    "normal.Tensor_Tensor": [
        Case(_seeded(lambda M, a, b: M.normal(a, b)), ((2, 3), (3,)), positive=True)
    ],
}
