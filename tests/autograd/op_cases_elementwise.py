"""Differential cases of the elementwise family (``ops/elementwise.py`` and the
arithmetic entries it shares names with): every method, function, alias and
in-place form, on random inputs; edges and dtypes are in ``test_elementwise.py``.
"""

from __future__ import annotations

from .op_cases import Case, _inplace


def _unit(a):
    """Inputs inside (-0.8, 0.8), where ``asin``/``acos``/``atanh`` are defined."""
    return a.tanh() * 0.8


def _away(b):
    """A divisor at least 0.5 from zero, with either sign."""
    return b.sign() * (b.abs() + 0.5)


def _F(M):
    return M.nn.functional


CASES: dict[str, list[Case]] = {
    "sin": [
        Case(lambda M, a: a.sin(), ((2, 3),)),
        Case(lambda M, a: M.sin(a), ((),)),
        Case(lambda M, a: _inplace(a, lambda c: c.sin_()), ((3,),)),
    ],
    "cos": [Case(lambda M, a: M.cos(a), ((2, 3),))],
    "tan": [Case(lambda M, a: (a * 0.5).tan(), ((4,),))],
    "asin": [
        Case(lambda M, a: _unit(a).asin(), ((2, 3),)),
        Case(lambda M, a: M.arcsin(_unit(a)), ((3,),)),
    ],
    "acos": [
        Case(lambda M, a: _unit(a).acos(), ((2, 3),)),
        Case(lambda M, a: _unit(a).arccos(), ((3,),)),
    ],
    "atan": [
        Case(lambda M, a: M.atan(a), ((2, 3),)),
        Case(lambda M, a: a.arctan(), ((3,),)),
    ],
    "sinh": [Case(lambda M, a: a.sinh(), ((2, 3),))],
    "cosh": [Case(lambda M, a: M.cosh(a), ((2, 3),))],
    "asinh": [
        Case(lambda M, a: a.asinh(), ((2, 3),)),
        Case(lambda M, a: M.arcsinh(a), ((3,),)),
    ],
    "acosh": [
        Case(lambda M, a: M.acosh(a + 1), ((2, 3),), positive=True),
        Case(lambda M, a: (a + 1).arccosh(), ((3,),), positive=True),
    ],
    "atanh": [
        Case(lambda M, a: _unit(a).atanh(), ((2, 3),)),
        Case(lambda M, a: M.arctanh(_unit(a)), ((3,),)),
    ],
    "exp2": [Case(lambda M, a: M.exp2(a), ((2, 3),))],
    "expm1": [
        Case(lambda M, a: a.expm1(), ((2, 3),)),
        Case(lambda M, a: _inplace(a, lambda c: c.expm1_()), ((3,),)),
    ],
    "log2": [Case(lambda M, a: a.log2(), ((2, 3),), positive=True)],
    "log10": [Case(lambda M, a: M.log10(a), ((2, 3),), positive=True)],
    "log1p": [Case(lambda M, a: a.log1p(), ((2, 3),), positive=True)],
    "rsqrt": [
        Case(lambda M, a: M.rsqrt(a), ((2, 3),), positive=True),
        Case(lambda M, a: _inplace(a, lambda c: c.rsqrt_()), ((3,),), positive=True),
    ],
    "erf": [
        Case(lambda M, a: M.erf(a), ((2, 3),)),
        Case(lambda M, a: M.special.erf(a), ((3,),)),
    ],
    "erfc": [Case(lambda M, a: a.erfc(), ((2, 3),))],
    "logit": [
        Case(lambda M, a: a.sigmoid().logit(), ((2, 3),)),
        Case(lambda M, a: M.logit(a.sigmoid(), eps=0.3), ((8,),)),
        Case(lambda M, a: M.logit(a, 0.25), ((8,),)),
        Case(lambda M, a: M.special.logit(a.sigmoid(), eps=0.1), ((8,),)),
    ],
    "sign": [
        Case(lambda M, a: a.sign(), ((2, 3),)),
        Case(lambda M, a: M.sign(a) * a, ((3,),)),
    ],
    "floor": [Case(lambda M, a: M.floor(a * 3) + a, ((2, 3),))],
    "ceil": [Case(lambda M, a: (a * 3).ceil() * a, ((2, 3),))],
    "trunc": [
        Case(lambda M, a: M.trunc(a * 3) + a, ((2, 3),)),
        Case(lambda M, a: (a * 3).fix() + a, ((3,),)),
    ],
    "frac": [Case(lambda M, a: (a * 3).frac(), ((2, 3),))],
    "round": [
        Case(lambda M, a: (a * 3).round() + a, ((2, 3),)),
        Case(lambda M, a: _inplace(a, lambda c: c.round_()), ((3,),)),
    ],
    "round.decimals": [
        Case(lambda M, a: M.round(a * 10, decimals=1) * a, ((2, 3),)),
        Case(lambda M, a: (a * 500).round(decimals=-2) + a, ((4,),)),
        Case(lambda M, a: a.round(decimals=0) + a, ((4,),)),
        Case(lambda M, a: M.special.round(a * 3) + a, ((4,),)),
    ],
    "square": [
        Case(lambda M, a: a.square(), ((2, 3),)),
        Case(lambda M, a: M.square(a), ((3,),)),
        Case(lambda M, a: _inplace(a, lambda c: c.square_()), ((3,),)),
    ],
    "atan2": [
        Case(lambda M, a, b: M.atan2(a, b), ((2, 3), (3,))),
        Case(lambda M, a, b: a.arctan2(b), ((3,), (2, 1))),
        Case(lambda M, a, b: _inplace(a, lambda c: c.atan2_(b)), ((2, 3), (3,))),
    ],
    "hypot": [
        Case(lambda M, a, b: M.hypot(a, b), ((2, 3), (3,))),
        Case(lambda M, a, b: a.hypot(b), ((2, 1), (4,))),
    ],
    "fmod.Scalar": [
        Case(lambda M, a: M.fmod(a * 3, 1.5), ((2, 3),)),
        Case(lambda M, a: (a * 3).fmod(-2), ((4,),)),
    ],
    "fmod.Tensor": [
        Case(lambda M, a, b: M.fmod(a * 3, _away(b)), ((2, 3), (3,))),
        Case(lambda M, a, b: _inplace(a, lambda c: c.fmod_(_away(b))), ((4,), (4,))),
    ],
    "remainder.Scalar": [
        Case(lambda M, a: M.remainder(a * 3, 1.5), ((2, 3),)),
        Case(lambda M, a: (a * 3).remainder(-2), ((4,),)),
        Case(lambda M, a: (a * 3) % 1.5, ((4,),)),
    ],
    "remainder.Tensor": [
        Case(lambda M, a, b: M.remainder(a * 3, _away(b)), ((2, 3), (3,))),
        Case(lambda M, a, b: (a * 3).remainder(_away(b)), ((4,), (4,))),
    ],
    "lerp.Scalar": [
        Case(lambda M, a, b: M.lerp(a, b, 0.3), ((2, 3), (3,))),
        Case(lambda M, a, b: a.lerp(b, 0.75), ((4,), (4,))),
        Case(lambda M, a, b: _inplace(a, lambda c: c.lerp_(b, -0.5)), ((4,), (4,))),
    ],
    "lerp.Tensor": [
        Case(lambda M, a, b, w: M.lerp(a, b, w), ((2, 3), (3,), (2, 1))),
        Case(lambda M, a, b, w: a.lerp(b, w.sigmoid()), ((4,), (4,), (4,))),
    ],
    "clamp.Tensor": [
        Case(lambda M, a, lo, hi: a.clamp(lo, hi), ((2, 3), (3,), (2, 1))),
        Case(lambda M, a, lo: M.clamp(a, min=lo), ((2, 3), (3,))),
        Case(lambda M, a, hi: M.clip(a, max=hi), ((2, 3), (2, 3))),
        Case(lambda M, a, lo: _inplace(a, lambda c: c.clamp_(lo)), ((2, 3), (3,))),
    ],
    "clamp_min": [
        Case(lambda M, a: a.clamp_min(0.1), ((2, 3),)),
        Case(lambda M, a: M.clamp_min(a, -0.2), ((4,),)),
    ],
    "clamp_min.Tensor": [Case(lambda M, a, b: a.clamp_min(b), ((2, 3), (3,)))],
    "clamp_max": [
        Case(lambda M, a: M.clamp_max(a, 0.1), ((2, 3),)),
        Case(lambda M, a: _inplace(a, lambda c: c.clamp_max_(0.3)), ((4,),)),
    ],
    "clamp_max.Tensor": [Case(lambda M, a, b: M.clamp_max(a, b), ((2, 3), (2, 3)))],
    "softplus": [
        Case(lambda M, a: _F(M).softplus(a), ((2, 3),)),
        Case(lambda M, a: _F(M).softplus(a, beta=2, threshold=1), ((8,),)),
        Case(lambda M, a: _F(M).softplus(a * 20, 0.5), ((8,),)),
    ],
    # Entries of other families, through the forms this family added.
    "abs": [
        Case(lambda M, a: M.absolute(a), ((2, 3),)),
        Case(lambda M, a: _inplace(a, lambda c: c.abs_()), ((3,),)),
    ],
    "neg": [Case(lambda M, a: M.negative(a), ((3,),))],
    "reciprocal": [
        Case(lambda M, a: a.reciprocal(), ((2, 3),), positive=True),
        Case(lambda M, a: M.reciprocal(a), ((3,),), positive=True),
    ],
    "pow.Tensor_Scalar": [
        Case(lambda M, a: a.pow(3), ((2, 3),)),
        Case(lambda M, a: M.pow(a, 0), ((3,),)),
        Case(lambda M, a: _inplace(a, lambda c: c.pow_(2)), ((3,),)),
    ],
    "pow.Tensor_Tensor": [
        Case(lambda M, a, b: a.pow(b), ((2, 3), (3,)), positive=True),
        Case(lambda M, a, b: _inplace(a, lambda c: c.pow_(b)), ((3,), (3,))),
    ],
    "maximum": [Case(lambda M, a, b: a.maximum(b), ((2, 3), (2, 1)))],
    "minimum": [Case(lambda M, a, b: a.minimum(b), ((3,), (2, 3)))],
    "clamp": [
        Case(lambda M, a: M.clip(a, -0.5, 0.5), ((2, 3),)),
        Case(lambda M, a: _inplace(a, lambda c: c.clamp_(max=0.2)), ((3,),)),
        Case(lambda M, a: a.clamp(0.5, -0.5), ((3,),)),
    ],
    "where": [
        Case(lambda M, a, b: a.where(a > 0, b), ((2, 3), (3,))),
        Case(lambda M, a: a.where(a < 0, 1.5), ((4,),)),
        Case(lambda M, a: M.where(a > 0, 2.0, a), ((4,),)),
        Case(lambda M, a: M.where(a > 0, a, 1.0).sqrt(), ((4,),)),
    ],
    "relu": [Case(lambda M, a: _inplace(a, lambda c: c.relu_()), ((3,),))],
    "tanh": [Case(lambda M, a: _inplace(a, lambda c: c.tanh_()), ((3,),))],
    "sigmoid": [Case(lambda M, a: M.special.expit(a), ((2, 3),))],
}
