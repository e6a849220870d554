"""Elementwise functions: the trigonometric, hyperbolic, exponential and
logarithmic families, ``sqrt rsqrt erf erfc sigmoid logit``, rounding (``floor
ceil round trunc frac``), ``abs sign relu softplus``, and the many-input ones:
``atan2 hypot maximum minimum fmod remainder lerp clamp where``.

Where JAX's derivative and PyTorch's differ at an edge (``abs`` at 0, ``clamp``
at its bounds, ``maximum`` of NaN, ``atan2`` at the origin...), the forward
carries PyTorch's formula as its derivative (``derivative``).
"""

from __future__ import annotations

import functools
import numbers
from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np

from .. import checks, dtypes
from ._registry import (
    SAME,
    aligned,
    broadcast_shapes,
    derivative,
    floating,
    register,
    unary,
)


def _integral(a) -> bool:
    return not jnp.issubdtype(jnp.result_type(a), jnp.inexact)


def _keep_integers(fn: Callable) -> Callable:
    """A rounding function that returns integer input unchanged, as PyTorch's."""

    def forward(a):
        return a if _integral(a) else fn(a)

    forward.__name__ = fn.__name__
    return forward


def _sign(a):
    """``sign`` as PyTorch computes it: NaN and -0.0 give 0, bool stays bool."""
    if jnp.result_type(a) == jnp.bool_:
        return a
    one = jnp.ones((), jnp.result_type(a))
    return (a > 0).astype(one.dtype) * one - (a < 0).astype(one.dtype) * one


# --- one input, floating result (integer and bool input: the default dtype) --------
floating("sin", jnp.sin, "SinBackward0", saves=(0,))
floating("cos", jnp.cos, "CosBackward0", saves=(0,))
floating("tan", jnp.tan, "TanBackward0", saves=(-1,))
floating("asin", jnp.arcsin, "AsinBackward0", saves=(0,), aliases=("arcsin",))
floating("acos", jnp.arccos, "AcosBackward0", saves=(0,), aliases=("arccos",))
floating("atan", jnp.arctan, "AtanBackward0", saves=(0,), aliases=("arctan",))
floating("sinh", jnp.sinh, "SinhBackward0", saves=(0,))
floating("cosh", jnp.cosh, "CoshBackward0", saves=(0,))
floating("tanh", jnp.tanh, "TanhBackward0", saves=(-1,))
floating("asinh", jnp.arcsinh, "AsinhBackward0", saves=(0,), aliases=("arcsinh",))
floating("acosh", jnp.arccosh, "AcoshBackward0", saves=(0,), aliases=("arccosh",))
floating("atanh", jnp.arctanh, "AtanhBackward0", saves=(0,), aliases=("arctanh",))
floating("exp", jnp.exp, "ExpBackward0", saves=(-1,))
floating("exp2", jnp.exp2, "Exp2Backward0", saves=(-1,))
floating("expm1", jnp.expm1, "Expm1Backward0", saves=(-1,))
floating("log", jnp.log, "LogBackward0", saves=(0,))
floating("log2", jnp.log2, "Log2Backward0", saves=(0,))
floating("log10", jnp.log10, "Log10Backward0", saves=(0,))
floating("log1p", jnp.log1p, "Log1PBackward0", saves=(0,))
floating("sqrt", jnp.sqrt, "SqrtBackward0", saves=(-1,))
floating("rsqrt", jax.lax.rsqrt, "RsqrtBackward0", saves=(-1,))
floating("erf", jax.lax.erf, "ErfBackward0", saves=(0,))
floating("erfc", jax.lax.erfc, "ErfcBackward0", saves=(0,))
floating("sigmoid", jax.nn.sigmoid, "SigmoidBackward0", saves=(-1,))


@functools.lru_cache(maxsize=64)
def _logit_of(eps: float | None) -> Callable:
    def value(x):
        z = x if eps is None else jnp.clip(x, eps, 1 - eps)
        return jnp.log(z / (1 - z))

    def partial(x):
        if eps is None:
            outside, fill = (x < 0) | (x > 1), jnp.nan
        else:
            outside, fill = (x < eps) | (x > 1 - eps), 0
        return jnp.where(outside, fill, 1 / (x * (1 - x)))

    return derivative(value, partial)


def _logit_signature(input, eps=None):  # noqa: A002
    return (input,), ({} if eps is None else {"eps": float(eps)})


floating(
    "logit",
    lambda x, eps=None: _logit_of(eps)(x),
    "LogitBackward0",
    saves=(0,),
    signature=_logit_signature,
)


# --- one input, the input's dtype ---------------------------------------------------
unary(
    "abs",
    derivative(jnp.abs, _sign),
    "AbsBackward0",
    saves=(0,),
    check=checks.kernel("abs_cpu", "nonbool"),
    aliases=("absolute",),
)
unary("sign", _sign, "SignBackward0")
unary("relu", jax.nn.relu, "ReluBackward0", saves=(-1,), check=checks.no_bool("relu"))
unary("floor", _keep_integers(jnp.floor), "FloorBackward0",
      check=checks.kernel("floor_vml_cpu", "nonbool"))  # fmt: skip
unary("ceil", _keep_integers(jnp.ceil), "CeilBackward0",
      check=checks.kernel("ceil_vml_cpu", "nonbool"))  # fmt: skip
unary("trunc", _keep_integers(jnp.trunc), "TruncBackward0",
      check=checks.kernel("trunc_vml_cpu", "nonbool"), aliases=("fix",))  # fmt: skip
unary("frac", lambda a: a - jnp.trunc(a), "FracBackward0",
      check=checks.kernel("frac_cpu"))  # fmt: skip


def _round_signature(input, *args, decimals=None):  # noqa: A002
    if args:
        raise _invalid("round", input, *args)
    if decimals is None:
        return (input,), {}
    decimals = checks.integer(decimals, "decimals")
    d = input.dtype
    if not (d.is_floating_point or d.is_complex):
        kernel = "round_cpu" if decimals else "round_vml_cpu"
        raise NotImplementedError(
            f"\"{kernel}\" not implemented for '{checks.SCALAR_NAMES[d.name]}'"
        )
    return (input,), {"decimals": decimals}, "round.decimals"


def _round_decimals(a, decimals: int = 0):
    """PyTorch's rounding to ``decimals`` places: scaled by a power of ten in the
    input's dtype, rounded half to even, scaled back."""
    ten = jnp.asarray(10.0 ** abs(decimals), jnp.result_type(a))
    if decimals < 0:
        return jnp.round(a / ten) * ten
    return jnp.round(a * ten) / ten


unary(
    "round",
    _keep_integers(jnp.round),
    "RoundBackward0",
    check=checks.kernel("round_vml_cpu", "nonbool"),
    signature=_round_signature,
)
register("round.decimals", _round_decimals, "RoundBackward1", layout=SAME)


# --- several inputs -----------------------------------------------------------------
def _tensor_other(name: str) -> Callable:
    """Torch's argument list ``(input, other)`` where ``other`` must be a tensor."""

    def signature(input, other):  # noqa: A002
        if not hasattr(other, "grad_fn"):
            raise TypeError(
                f"{name}(): argument 'other' (position 1) must be Tensor, not "
                f"{type(other).__name__}"
            )
        return (input, other), {}

    return signature


def _atan2_partials():
    def recip(a, b):
        den = a * a + b * b
        return jnp.where(den == 0, 0, 1 / jnp.where(den == 0, 1, den))

    return (lambda a, b: b * recip(a, b), lambda a, b: -a * recip(a, b))


register(
    "atan2",
    aligned(derivative(jnp.arctan2, *_atan2_partials())),
    "Atan2Backward0",
    layout=SAME,
    saves=(0, 1),
    method="atan2",
    function="atan2",
    aliases=("arctan2",),
    signature=_tensor_other("atan2"),
)


def _hypot_partial(first: bool) -> Callable:
    return lambda a, b: (a if first else b) / jnp.hypot(a, b)


register(
    "hypot",
    aligned(derivative(jnp.hypot, _hypot_partial(True), _hypot_partial(False))),
    "HypotBackward0",
    layout=SAME,
    saves=(0, 1, -1),
    method="hypot",
    function="hypot",
    check=checks.kernel("hypot_cpu", promoted=True),
    signature=_tensor_other("hypot"),
)


def _extreme_partials(first_wins: Callable) -> tuple[Callable, Callable]:
    """PyTorch's ``maximum``/``minimum`` derivative: the winner takes the
    gradient, a tie splits it, and a NaN passes it to both."""

    def part(a, b, mine):
        return jnp.where(a == b, 0.5, jnp.where(mine(a, b), 0.0, 1.0))

    return (
        lambda a, b: part(a, b, lambda a, b: first_wins(b, a)),
        lambda a, b: part(a, b, first_wins),
    )


register(
    "maximum",
    aligned(derivative(jnp.maximum, *_extreme_partials(jnp.greater))),
    "MaximumBackward0",
    layout=SAME,
    saves=(0, 1),
    method="maximum",
    function="maximum",
    inplace=False,
    signature=_tensor_other("maximum"),
)
register(
    "minimum",
    aligned(derivative(jnp.minimum, *_extreme_partials(jnp.less))),
    "MinimumBackward0",
    layout=SAME,
    saves=(0, 1),
    method="minimum",
    function="minimum",
    inplace=False,
    signature=_tensor_other("minimum"),
)


def _no_zero_divisor(name: str) -> Callable[..., None]:
    """``fmod``/``remainder``: their kernels take every dtype but bool (judged
    on the promoted dtype), and an integer division by zero raises, as
    PyTorch's CPU kernels do (checked on concrete values)."""

    @checks.dtype_rule  # every floating call passes
    def check(a, other, *args, **options) -> None:
        d = dtypes.result_type(a, other)
        if d.name == "bool":
            raise NotImplementedError(f"\"{name}_cpu\" not implemented for 'Bool'")
        if d.is_floating_point or d.is_complex:
            return
        raw = getattr(other, "_val", other)
        if not isinstance(raw, jax.core.Tracer) and not np.all(np.asarray(raw) != 0):
            raise RuntimeError("ZeroDivisionError")

    return check


def _divisor_signature(name: str) -> Callable:
    def signature(input, other):  # noqa: A002
        if hasattr(other, "grad_fn"):
            return (input, other), {}, f"{name}.Tensor"
        if not isinstance(other, numbers.Number):
            raise TypeError(
                f"{name}(): argument 'other' (position 1) must be Tensor or Number, "
                f"not {type(other).__name__}"
            )
        return (input, other), {}

    return signature


for _name, _fn in (("fmod", jnp.fmod), ("remainder", jnp.remainder)):
    _node = "Fmod" if _name == "fmod" else "Remainder"
    register(
        f"{_name}.Scalar",
        aligned(_fn),
        f"{_node}Backward0",
        inputs=1,
        layout=SAME,
        method=_name,
        function=_name,
        check=_no_zero_divisor(_name),
        signature=_divisor_signature(_name),
    )
    register(
        f"{_name}.Tensor",
        aligned(_fn),
        f"{_node}Backward1",
        layout=SAME,
        saves=(0, 1),
        check=_no_zero_divisor(_name),
    )


def _lerp(start, end, weight):
    """PyTorch's ``lerp``: from ``start`` for small weights, from ``end`` else."""
    small = jnp.abs(weight) < 0.5
    diff = end - start
    return jnp.where(small, start + weight * diff, end - diff * (1 - weight))


def _lerp_signature(input, end, weight):  # noqa: A002
    if not hasattr(end, "grad_fn"):
        raise _invalid("lerp", input, end, weight)
    tensor = hasattr(weight, "grad_fn")
    kernel = "lerp_kernel_tensor" if tensor else "lerp_kernel_scalar"
    checks.kernel(kernel)(input)
    for what, t in (("end", end), ("weight", weight)):
        if hasattr(t, "grad_fn") and t.dtype is not input.dtype:
            raise RuntimeError(
                f"expected dtype {checks.CPP_NAMES[input.dtype.name]} for `{what}` "
                f"but got dtype {checks.CPP_NAMES[t.dtype.name]}"
            )
    if tensor:
        return (input, end, weight), {}, "lerp.Tensor"
    if not isinstance(weight, numbers.Number):
        raise TypeError(
            "lerp(): argument 'weight' (position 2) must be Number, not "
            f"{type(weight).__name__}"
        )
    return (input, end, weight), {}


register(
    "lerp.Scalar",
    aligned(_lerp),
    "LerpBackward0",
    inputs=2,
    layout=SAME,
    method="lerp",
    function="lerp",
    signature=_lerp_signature,
)
register("lerp.Tensor", aligned(_lerp), "LerpBackward1", layout=SAME,
         saves=(0, 1, 2))  # fmt: skip


# ``clamp`` and its one-sided forms. The bounds are inclusive for the input's
# gradient; a bound takes the gradient where it is the result (``max`` wins when
# the bounds cross), as PyTorch's derivative says.
def _clamp_value(x, lo, hi):
    if lo is not None:
        x = jnp.maximum(x, lo)
    return x if hi is None else jnp.minimum(x, hi)


def _clamp_partials():
    def self_part(x, lo, hi):
        inside = jnp.ones(jnp.shape(x), bool)
        if lo is not None:
            inside = inside & (x >= lo)
        if hi is not None:
            inside = inside & (x <= hi)
        return inside

    def lo_part(x, lo, hi):
        return (x < lo) if hi is None else (x < lo) & (lo < hi)

    def hi_part(x, lo, hi):
        return (x > hi) if lo is None else (x > hi) | (hi < lo)

    return self_part, lo_part, hi_part


_clamp = derivative(_clamp_value, *_clamp_partials())


def _clamp_forward(x, lo=None, hi=None):
    """``_clamp`` with PyTorch's broadcasting of tensor bounds (``None``: none)."""
    given = [v for v in (x, lo, hi) if v is not None]
    broadcast_shapes(*(jnp.shape(v) for v in given))
    ndim = max(jnp.ndim(v) for v in given)

    def lift(v):
        if v is None or isinstance(v, int | float) or jnp.ndim(v) == ndim:
            return v
        return jnp.reshape(v, (1,) * (ndim - jnp.ndim(v)) + jnp.shape(v))

    return _clamp(lift(x), lift(lo), lift(hi))


def _invalid(name: str, *args) -> TypeError:
    got = ", ".join(type(a).__name__ if a is not None else "NoneType" for a in args)
    return TypeError(
        f"{name}() received an invalid combination of arguments - got ({got}), "
        "but expected one of:"
    )


def _clamp_signature(name: str, sides: str) -> Callable:
    """``clamp(input, min=None, max=None)`` (and the one-sided ``clamp_min``,
    ``clamp_max``): scalar bounds, or tensor bounds (the ``.Tensor`` entry)."""

    def signature(input, *bounds, **named):  # noqa: A002
        if not named and len(bounds) == len(sides):
            if all(type(b) is float or type(b) is int for b in bounds):
                return (input, *bounds), {}  # the common case, checked quickly
        if len(bounds) > len(sides):
            raise _invalid(name, input, *bounds)
        given = dict(zip(sides, bounds, strict=False))
        for k, v in named.items():
            if k not in sides or k in given:
                raise _invalid(name, input, *bounds, *named.values())
            given[k] = v
        lo, hi = given.get("min"), given.get("max")
        if len(sides) == 2 and lo is None and hi is None:
            raise RuntimeError(
                "torch.clamp: At least one of 'min' or 'max' must not be None"
            )
        args = [given.get(k) for k in sides]
        tensors = [hasattr(v, "grad_fn") for v in args if v is not None]
        if any(tensors) and not all(tensors):
            raise _invalid(name, input, *args)
        if not all(
            v is None or hasattr(v, "grad_fn") or isinstance(v, numbers.Number)
            for v in args
        ):
            raise _invalid(name, input, *args)
        if any(tensors):
            return (input, *args), {}, f"{name}.Tensor"
        return (input, *args), {}

    return signature


register(
    "clamp",
    _clamp_forward,
    "ClampBackward1",
    inputs=1,
    layout=SAME,
    saves=(0,),
    method="clamp",
    function="clamp",
    aliases=("clip",),
    signature=_clamp_signature("clamp", ("min", "max")),
)
register("clamp.Tensor", _clamp_forward, "ClampBackward0", layout=SAME,
         saves=(0, 1, 2))  # fmt: skip
for _side in ("min", "max"):
    _node = "ClampMin" if _side == "min" else "ClampMax"
    _forward = (
        (lambda x, lo: _clamp_forward(x, lo, None))
        if _side == "min"
        else (lambda x, hi: _clamp_forward(x, None, hi))
    )
    register(
        f"clamp_{_side}",
        _forward,
        f"{_node}Backward0",
        inputs=1,
        layout=SAME,
        saves=(0,),
        method=f"clamp_{_side}",
        function=f"clamp_{_side}",
        signature=_clamp_signature(f"clamp_{_side}", (_side,)),
    )
    register(f"clamp_{_side}.Tensor", _forward, f"{_node}Backward1", layout=SAME,
             saves=(0, 1))  # fmt: skip


def _where_signature(input, condition, other):  # noqa: A002
    if not hasattr(condition, "grad_fn") or condition.dtype.name != "bool":
        name = condition.dtype.name if hasattr(condition, "grad_fn") else None
        raise RuntimeError(
            "where expected condition to be a boolean tensor, but got a tensor with "
            f"dtype {checks.SCALAR_NAMES.get(name, name)}"
        )
    return (input, other, condition), {}


register(
    "where",
    aligned(lambda a, b, condition: jnp.where(condition, a, b)),
    "WhereBackward0",
    inputs=2,
    layout=SAME,
    method="where",
    inplace=False,
    signature=_where_signature,
)


@functools.lru_cache(maxsize=64)
def _softplus_of(beta: float, threshold: float) -> Callable:
    def value(x):
        scaled = x * beta
        linear = scaled > threshold
        soft = jnp.log1p(jnp.exp(jnp.where(linear, 0, scaled))) / beta
        return jnp.where(linear, x, soft)

    return value


register(
    "softplus",
    lambda x, beta=1.0, threshold=20.0: _softplus_of(beta, threshold)(x),
    "SoftplusBackward0",
    layout=SAME,
    saves=(0,),
    check=checks.kernel("softplus_cpu"),
)
