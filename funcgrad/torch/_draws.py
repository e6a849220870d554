"""Random tensors beyond ``rand``/``randn``: ``randint``, ``randperm``, ``normal``,
``bernoulli``, ``multinomial``, the ``*_like`` and in-place forms, and the
generator state (``get_rng_state``/``set_rng_state``), with PyTorch's CPU
numbers (see :mod:`~funcgrad.torch._sampling` for how each one is drawn).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import jax.numpy as jnp
import numpy as np

from ..autograd import dtypes as _dt
from ..autograd.grad_mode import is_grad_enabled
from ..autograd.ops import broadcast_shapes
from ..autograd.tensor import Size, Tensor, dispatch
from . import _checks, _random, _sampling
from ._factories import _make, out_dtype, write_out

__all__ = [
    "bernoulli",
    "extend_tensor",
    "get_rng_state",
    "multinomial",
    "normal",
    "randint",
    "randint_like",
    "randperm",
    "set_rng_state",
]

# C++ type names in PyTorch's range messages, and its randperm limits.
_CNAMES = {
    "bool": "bool",
    "uint8": "unsigned char",
    "int8": "signed char",
    "int16": "short int",
    "int32": "int",
    "int64": "long int",
}
_INT_RANGE = {
    "bool": (0, 1),
    "uint8": (0, 255),
    "int8": (-128, 127),
    "int16": (-(2**15), 2**15 - 1),
    "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1),
}


def _cfmt(x: float) -> str:
    """A number as PyTorch's C++ stream prints it (``-1``, ``0.5``, ``1e-07``)."""
    return format(float(x), "g") if isinstance(x, float) else str(x)


def _values(d: _dt.dtype, values: np.ndarray, shape, requires_grad: bool) -> Tensor:
    arr = np.asarray(values).reshape(tuple(shape))
    return _make(lambda store: jnp.asarray(arr, store), d, requires_grad)


def _fill_(t: Tensor, values: np.ndarray, op: str, *inputs: Tensor) -> Tensor:
    """Overwrite ``t`` in place with ``values`` (its shape), as the random ``*_``
    op ``op`` does: recorded (``UniformBackward0``..., a zero gradient, PyTorch's
    errors for leaves and views) when ``t`` or ``inputs`` require grad."""
    values = np.asarray(values).reshape(tuple(t.shape)).astype(t.dtype._np)
    if t._records(*inputs):
        return t._inplace(op, *inputs, values)
    with _dt.scope(t.dtype.x64):
        value = jnp.asarray(values, t._value.dtype)
    t._write(value)
    return t


def _recorded(op: str, inputs: tuple, result: Tensor) -> Tensor:
    """``result`` (drawn) as the output of ``op`` on ``inputs`` when one of them
    requires grad: PyTorch's node, with zero gradients."""
    if not is_grad_enabled() or not any(
        isinstance(t, Tensor) and t.requires_grad for t in inputs
    ):
        return result
    with _dt.scope(result.dtype.x64):
        noise = np.asarray(result._value)
    return dispatch(op, *inputs, noise)


# --- integers ------------------------------------------------------------------------


def _warn_float_range(low: int, high: int, d: _dt.dtype) -> None:
    """PyTorch's warning for float bounds beyond the exactly representable ints."""
    digits, cname = {"float32": (24, "float"), "float64": (53, "double")}.get(
        d.name, (None, None)
    )
    if digits is None:
        return
    for name, v in (("from", low), ("to - 1", high - 1)):
        if not -(2**digits) <= v <= 2**digits:
            warnings.warn(
                f"{name} is out of bounds [-(2^{digits}), 2^{digits}]. Due to "
                f"precision limitations {cname} can support discrete uniform "
                "distribution only within this range. This warning will become an "
                "error in version 1.7 release, please fix the code in advance",
                stacklevel=4,
            )


def _check_range(low: int, high: int, d: _dt.dtype) -> None:
    if low >= high:
        raise RuntimeError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= "
            f"to={high}"
        )
    bounds = _INT_RANGE.get(d.name)
    if bounds is None:
        _warn_float_range(low, high, d)
        return
    lo, hi = bounds
    if not lo <= low <= hi:
        raise RuntimeError(f"from is out of bounds for {_CNAMES[d.name]}")
    if not lo <= high - 1 <= hi:
        raise RuntimeError(f"to - 1 is out of bounds for {_CNAMES[d.name]}")


_DIGITS = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}


def _representable(d: _dt.dtype, low: int, high: int) -> tuple[int, int]:
    """PyTorch's adjustment of float bounds: ``low`` up, ``high`` down to the
    nearest values the dtype holds (so that every draw lies in the range)."""
    digits = _DIGITS.get(d.name)
    if digits is None:
        return low, high
    as_float = np.dtype(d._np).type
    up = int(as_float(low + 1))
    if up < low:
        low = up + (1 << (abs(low + 1).bit_length() - 1 - digits + 1))
    down = int(as_float(high - 1))
    if down >= high:
        high = down - (1 << (abs(high - 1).bit_length() - 1 - digits + 1))
    return low, high


def _ints(g, d: _dt.dtype, shape, low: int, high: int) -> np.ndarray:
    _check_range(low, high, d)
    low, high = _representable(d, low, high)
    return _sampling.from_to(g, math.prod(shape), low, high)


def _invalid(fname: str, args: tuple, keywords: dict) -> TypeError:
    """PyTorch's argument-parser error, naming the types it was given."""
    got = [type(a).__name__ for a in args]
    got += [f"{k}={type(v).__name__}" for k, v in sorted(keywords.items())]
    return TypeError(
        f"{fname}() received an invalid combination of arguments - got "
        f"({', '.join(got)}), but expected one of:"
    )


def _randint_args(args: tuple, keywords: dict) -> tuple[int, int, Any]:
    """``(low, high, size)`` from ``randint``'s forms, or PyTorch's TypeError."""
    given = {k: v for k, v in keywords.items() if v is not None}
    rest = list(args)
    size = given.get("size")
    if size is None and rest and not _checks._is_int(rest[-1]):
        size = rest.pop()
    low, high = given.get("low"), given.get("high")
    if len(rest) == 2 and low is None and high is None:
        low, high = rest
    elif len(rest) == 1 and high is None:
        high = rest[0]
    elif rest:
        raise _invalid("randint", args, given)
    ints = all(v is None or _checks._is_int(v) for v in (low, high))
    if high is None or not isinstance(size, tuple | list | Size) or not ints:
        raise _invalid("randint", args, given)
    return int(low or 0), int(high), _checks.size("randint", (size,))


def randint(
    *args: Any,
    low: int | None = None,
    high: int | None = None,
    size=None,
    generator=None,
    out: Tensor | None = None,
    dtype=None,
    device=None,
    requires_grad: bool = False,
) -> Tensor:
    """Integers drawn uniformly from ``[low, high)``: ``randint(high, size)`` or
    ``randint(low, high, size)``, PyTorch's numbers for the same seed.

    >>> _ = _random.manual_seed(0)
    >>> randint(0, 10, (5,))
    tensor([4, 9, 3, 0, 3])
    """
    keywords = dict(low=low, high=high, size=size)
    if generator is not None and not isinstance(generator, _random.Generator):
        keywords["generator"] = generator
        raise _invalid("randint", args, {k: v for k, v in keywords.items() if v})
    low, high, shape = _randint_args(args, keywords)
    d = out_dtype("randint", out, _checks.dtype("randint", dtype)) or _dt.int64
    g = _random.draw(generator)
    result = _values(d, _ints(g, d, shape, low, high), shape, requires_grad)
    return write_out(out, result, "randint")


def randint_like(
    input: Tensor,
    *args: int,
    low: int | None = None,
    high: int | None = None,
    dtype=None,
    device=None,
    requires_grad: bool = False,
    generator=None,
) -> Tensor:
    """``randint`` with the shape (and dtype) of ``input``.

    >>> _ = _random.manual_seed(0)
    >>> randint_like(Tensor(jnp.zeros(3)), 10)
    tensor([4., 9., 3.])
    """
    d = _checks.dtype("randint_like", dtype) or input.dtype
    keywords = dict(low=low, high=high, size=tuple(input.shape))
    low, high, shape = _randint_args(args, keywords)
    result = _ints(_random.draw(generator), d, shape, low, high)
    return _values(d, result, shape, requires_grad)


def randperm(
    n: int,
    *,
    generator=None,
    out: Tensor | None = None,
    dtype=None,
    device=None,
    requires_grad: bool = False,
) -> Tensor:
    """A random permutation of ``0 .. n - 1`` (PyTorch's Fisher-Yates draws).

    >>> _ = _random.manual_seed(0)
    >>> randperm(6)
    tensor([2, 5, 3, 0, 1, 4])
    """
    n = _checks.integer("randperm", "n", 1, n)
    if n < 0:
        raise RuntimeError(
            f"Trying to create tensor with negative dimension {n}: [{n}]"
        )
    d = out_dtype("randperm", out, _checks.dtype("randperm", dtype)) or _dt.int64
    _check_randperm_dtype(n, d)
    values = _sampling.randperm(_random.draw(generator), n)
    return write_out(out, _values(d, values, (n,), requires_grad), "randperm")


def _check_randperm_dtype(n: int, d: _dt.dtype) -> None:
    if d.name == "bool":
        raise NotImplementedError("\"randperm\" not implemented for 'Bool'")
    limits = {"float32": (2**24 + 1, "2^24+1"), "float16": (2049, "2049")}
    limit, text = limits.get(d.name, (None, ""))
    if limit is not None and n > limit:
        raise RuntimeError(
            f"n cannot be greater than {text} for {_checks.scalar_name(d)} type."
        )
    bounds = _INT_RANGE.get(d.name)
    if bounds is not None and n - 1 > bounds[1]:
        raise RuntimeError(
            f"value cannot be converted to type {d.name}_t without overflow"
        )


# --- normal --------------------------------------------------------------------------


def _float_dtype(d: _dt.dtype, kernel: str = "normal_kernel_cpu") -> _dt.dtype:
    if not d.is_floating_point:
        raise NotImplementedError(
            f"\"{kernel}\" not implemented for '{_checks.scalar_name(d)}'"
        )
    return d


def normal(
    mean: Any,
    std: Any = 1.0,
    size=None,
    *,
    generator=None,
    out: Tensor | None = None,
    dtype=None,
    device=None,
    requires_grad: bool = False,
) -> Tensor:
    """Normal samples: ``normal(mean, std, size)`` with numbers, or element-wise
    means and/or standard deviations as tensors (broadcast together).

    >>> _ = _random.manual_seed(0)
    >>> normal(2.0, 3.0, (3,))
    tensor([ 6.6230,  1.1197, -4.5364])
    >>> _ = _random.manual_seed(0)
    >>> normal(Tensor(jnp.arange(3.0)), 0.5)
    tensor([0.7705, 0.8533, 0.9106])
    """
    g = _random.draw(generator)
    if not isinstance(mean, Tensor) and not isinstance(std, Tensor):
        return _normal_numbers(mean, std, size, g, out, dtype, requires_grad)
    if isinstance(std, Tensor):
        if (np.asarray(std._value) < 0).any():
            raise RuntimeError("normal expects all elements of std >= 0.0")
    elif std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_cfmt(std)}")
    ref = mean if isinstance(mean, Tensor) else std
    d = out_dtype("normal", out, None) or ref.dtype
    if isinstance(mean, Tensor) and isinstance(std, Tensor):
        shape = broadcast_shapes(tuple(mean.shape), tuple(std.shape))
    else:
        shape = tuple(ref.shape)
    kind = np.float64 if d.name == "float64" else np.float32
    _float_dtype(d)
    if isinstance(std, Tensor):
        x = g.normal(shape, kind)
        x = (x * np.asarray(std._value, kind)).astype(kind)
    else:
        x = g.normal(shape, kind, 0.0, float(std))
    x = x + np.asarray(mean._value if isinstance(mean, Tensor) else mean, kind)
    result = _values(d, x.astype(kind), shape, False)
    if out is None:
        inputs = tuple(a for a in (mean, std) if isinstance(a, Tensor))
        names = {(True, True): "Tensor_Tensor", (True, False): "Tensor_float"}
        variant = names.get((isinstance(mean, Tensor), isinstance(std, Tensor)))
        result = _recorded(f"normal.{variant or 'float_Tensor'}", inputs, result)
    return write_out(out, result, "normal")


def _normal_numbers(mean, std, size, g, out, dtype, requires_grad) -> Tensor:
    if size is None:
        raise TypeError(
            "normal() received an invalid combination of arguments - got "
            f"({type(mean).__name__}, {type(std).__name__}), but expected one of:"
        )
    shape = _checks.size("normal", (size,))
    mean = _checks.number("normal", "mean", 1, mean)
    std = _checks.number("normal", "std", 2, std)
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_cfmt(std)}")
    d = out_dtype("normal", out, _checks.dtype("normal", dtype))
    d = _float_dtype(d or _dt.get_default_dtype())
    values = g.normal(shape, d, float(mean), float(std))
    return write_out(out, _values(d, values, shape, requires_grad), "normal")


# --- bernoulli -----------------------------------------------------------------------


def _check_p(p: Any) -> float:
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    return float(p)


def _bernoulli_values(g, shape, p: Any) -> np.ndarray:
    """Booleans drawn as ``bernoulli_(p)`` on a tensor of ``shape``."""
    if not isinstance(p, Tensor):
        return _sampling.bernoulli_scalar(g, math.prod(shape), _check_p(p))
    if not p.dtype.is_floating_point:
        raise NotImplementedError(
            f'"bernoulli_tensor_cpu_p_" not implemented for '
            f"'{_checks.scalar_name(p.dtype)}'"
        )
    probs = np.broadcast_to(np.asarray(p._value), tuple(shape))
    if not ((probs >= 0) & (probs <= 1)).all():
        raise RuntimeError(
            "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could "
            "this error message be improved?  If so, please report an enhancement "
            "request to PyTorch.)"
        )
    return _sampling.bernoulli_tensor(g, np.ascontiguousarray(probs))


def bernoulli(
    input: Tensor,
    p: float | None = None,
    *,
    generator=None,
    out: Tensor | None = None,
) -> Tensor:
    """0/1 samples with the probabilities in ``input`` (or ``p`` for every
    element), in ``input``'s dtype.

    >>> _ = _random.manual_seed(0)
    >>> bernoulli(Tensor(jnp.array([0.1, 0.5, 0.9, 1.0])))
    tensor([0., 0., 1., 1.])
    """
    d = out_dtype("bernoulli", out, None) or input.dtype
    g = _random.draw(generator)
    values = _bernoulli_values(g, input.shape, input if p is None else p)
    result = _values(d, values, input.shape, False)
    if out is None and p is None:
        result = _recorded("bernoulli", (input,), result)
    return write_out(out, result, "bernoulli")


# --- multinomial ---------------------------------------------------------------------


def _check_multinomial(input: Tensor, n: int, replacement: bool, out) -> None:
    if not 1 <= input.ndim <= 2:
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if not input.dtype.is_floating_point:
        raise RuntimeError(
            "multinomial only supports floating-point dtypes for input, got: "
            f"{_checks.scalar_name(input.dtype)}"
        )
    if out is not None and out.dtype is not _dt.int64:
        raise RuntimeError(
            "multinomial expects Long tensor out, got: "
            f"{_checks.scalar_name(out.dtype)}"
        )
    if n <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and n > input.shape[-1]:
        raise RuntimeError(
            "cannot sample n_sample > prob_dist.size(-1) samples without replacement"
        )
    if input.shape[-1] > 2**24:
        raise RuntimeError("number of categories cannot exceed 2^24")


def _check_rows(p: np.ndarray, fast: bool) -> None:
    if fast:
        if not (np.isfinite(p) & (p >= 0)).all() and p.size:
            raise RuntimeError(
                "probability tensor contains either `inf`, `nan` or element < 0"
            )
    else:
        for row in p:
            for v in row.tolist():
                if not v >= 0:
                    raise RuntimeError(
                        "invalid multinomial distribution (encountering "
                        "probability entry < 0)"
                    )
                if not math.isfinite(v):
                    raise RuntimeError(
                        "invalid multinomial distribution (encountering "
                        "probability entry = infinity or NaN)"
                    )
            if not row.sum() > 0:
                break
    if (p.sum(axis=-1) <= 0).any():
        raise RuntimeError(
            "invalid multinomial distribution (sum of probabilities <= 0)"
        )


def multinomial(
    input: Tensor,
    num_samples: int,
    replacement: bool = False,
    *,
    generator=None,
    out: Tensor | None = None,
) -> Tensor:
    """Indices drawn from the categories weighted by each row of ``input``.

    >>> _ = _random.manual_seed(0)
    >>> multinomial(Tensor(jnp.array([0.1, 0.2, 0.3, 0.4])), 2)
    tensor([2, 1])
    """
    n = _checks.integer("multinomial", "num_samples", 2, num_samples)
    _check_multinomial(input, n, replacement, out)
    p = np.atleast_2d(np.asarray(input._value))
    fast = not replacement or n == 1
    _check_rows(p, fast)
    g = _random.draw(generator)
    if fast:
        idx = _sampling.multinomial_fast(g, p, n)
    else:
        idx = _sampling.multinomial_replacement(g, p, n)
    shape = (n,) if input.ndim == 1 else (p.shape[0], n)
    return write_out(out, _values(_dt.int64, idx, shape, False), "multinomial")


# --- in-place methods ----------------------------------------------------------------


def uniform_(self: Tensor, from_: float = 0.0, to: float = 1.0, *, generator=None):
    """Fill with ``U(from, to)`` samples (``Tensor.uniform_``).

    >>> _ = _random.manual_seed(0)
    >>> Tensor(jnp.zeros(3)).uniform_(-1, 1)
    tensor([-0.0075,  0.5364, -0.8230])
    """
    _float_dtype(self.dtype, "check_uniform_bounds")
    if from_ > to:
        raise RuntimeError(
            "uniform_ expects to return a [from, to) range, but found "
            f"from={_cfmt(from_)} > to={_cfmt(to)}"
        )
    values = _random.draw(generator).uniform(self.shape, self.dtype, from_, to)
    return _fill_(self, values, "uniform_")


def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0, *, generator=None):
    """Fill with ``N(mean, std**2)`` samples (``Tensor.normal_``).

    >>> _ = _random.manual_seed(0)
    >>> Tensor(jnp.zeros(2)).normal_(0.0, 2.0)
    tensor([ 3.0820, -0.5869])
    """
    _float_dtype(self.dtype)
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_cfmt(std)}")
    values = _random.draw(generator).normal(self.shape, self.dtype, mean, std)
    return _fill_(self, values, "normal_")


def random_(self: Tensor, *args: int, generator=None, **bounds: Any) -> Tensor:
    """Fill with integers: ``random_()`` (``[0, 2**mantissa]`` or the dtype's
    non-negative range), ``random_(to)``, ``random_(from, to)``, ``random_(from,
    None)`` (up to the dtype's largest).

    >>> _ = _random.manual_seed(0)
    >>> Tensor(jnp.zeros(4, jnp.int32)).random_(0, 10)
    tensor([4, 9, 3, 0], dtype=torch.int32)
    """
    if len(args) == 1 and not bounds:
        low, high = 0, args[0]
    elif "from_" in bounds and "to" not in bounds and len(args) < 2:
        raise TypeError(
            "random_() received an invalid combination of arguments - got (from=int, "
            "), but expected one of:"
        )
    else:
        low, high = (*args, None, None)[:2] if args else (0, None)
        low, high = bounds.get("from_", low), bounds.get("to", high)
    g = _random.draw(generator)
    n, name = math.prod(self.shape), self.dtype.name
    if high is None and low == 0:
        return _fill_(self, _sampling.full_range(g, n, name), "random_")
    if high is None:
        top = _INT_RANGE.get(name, (0, 2**53 if name == "float64" else 2**24))[1]
        high = top + 1
    op = "random_.to" if len(args) == 1 and not bounds else "random_.from"
    return _fill_(self, _ints(g, self.dtype, self.shape, int(low), int(high)), op)


def bernoulli_(self: Tensor, p: Any = 0.5, *, generator=None) -> Tensor:
    """Fill with 0/1 draws of probability ``p`` (a number or a tensor).

    >>> _ = _random.manual_seed(0)
    >>> Tensor(jnp.zeros(4)).bernoulli_(0.5)
    tensor([0., 0., 1., 0.])
    """
    values = _bernoulli_values(_random.draw(generator), self.shape, p)
    if isinstance(p, Tensor):
        return _fill_(self, values, "bernoulli_.Tensor", p)
    return _fill_(self, values, "bernoulli_.float")


def exponential_(self: Tensor, lambd: float = 1.0, *, generator=None) -> Tensor:
    """Fill with exponential samples of rate ``lambd``.

    >>> _ = _random.manual_seed(0)
    >>> Tensor(jnp.zeros(2)).exponential_(2.0)
    tensor([1.7542, 0.6152])
    """
    if not self.dtype.is_floating_point:
        raise RuntimeError(
            "Exponential distribution is a continuous probability distribution. "
            f"dtype must be a floating point but you specified "
            f"{_checks.scalar_name(self.dtype)}"
        )
    if not lambd > 0:
        raise RuntimeError(
            f"exponential_ expects lambda > 0.0, but found lambda={_cfmt(lambd)}"
        )
    g = _random.draw(generator)
    values = _sampling.exponential(g, math.prod(self.shape), lambd)
    return _fill_(self, values, "exponential_")


def _continuous(self: Tensor, name: str) -> None:
    if not self.dtype.is_floating_point:
        raise RuntimeError(
            f"{name} distribution is a continuous probability distribution. dtype "
            f"must be a floating point but you specified {_CNAMES[self.dtype.name]}"
        )


def cauchy_(
    self: Tensor, median: float = 0.0, sigma: float = 1.0, *, generator=None
) -> Tensor:
    """Fill with Cauchy samples (``Tensor.cauchy_``).

    >>> _ = _random.manual_seed(0)
    >>> Tensor(jnp.zeros(2)).cauchy_()
    tensor([10.5977,  0.7648])
    """
    _continuous(self, "Cauchy")
    if not sigma > 0:
        raise RuntimeError(
            f"cauchy_ expects sigma > 0.0, but found sigma={_cfmt(sigma)}"
        )
    g = _random.draw(generator)
    values = _sampling.cauchy(g, math.prod(self.shape), median, sigma)
    return _fill_(self, values, "cauchy_")


def log_normal_(
    self: Tensor, mean: float = 1.0, std: float = 2.0, *, generator=None
) -> Tensor:
    """Fill with samples whose logarithm is ``N(mean, std**2)``.

    >>> _ = _random.manual_seed(0)
    >>> Tensor(jnp.zeros(2)).log_normal_(0.0, 1.0)
    tensor([4.6692, 0.7457])
    """
    _float_dtype(self.dtype, "log_normal_cpu")
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={_cfmt(std)}")
    g = _random.draw(generator)
    values = _sampling.log_normal(g, math.prod(self.shape), mean, std)
    return _fill_(self, values, "log_normal_")


def geometric_(self: Tensor, p: float, *, generator=None) -> Tensor:
    """Fill with the number of trials to the first success of probability ``p``.

    >>> _ = _random.manual_seed(0)
    >>> Tensor(jnp.zeros(4)).geometric_(0.5)
    tensor([1., 1., 2., 1.])
    """
    if not 0 < p < 1:
        raise RuntimeError(
            f"geometric_ expects p to be in (0, 1), but got p={_cfmt(p)}"
        )
    if self.dtype.name == "bool":
        raise NotImplementedError("\"geometric_cpu\" not implemented for 'Bool'")
    g = _random.draw(generator)
    values = _sampling.geometric(g, math.prod(self.shape), p)
    return _fill_(self, values, "geometric_")


def _bernoulli_method(self: Tensor, p: Any = None, *, generator=None) -> Tensor:
    return bernoulli(self, p, generator=generator)


def _multinomial_method(self, num_samples, replacement=False, *, generator=None):
    return multinomial(self, num_samples, replacement, generator=generator)


def extend_tensor(cls: type[Tensor]) -> None:
    """Give ``cls`` the random in-place methods and ``bernoulli``/``multinomial``.

    >>> hasattr(Tensor, "uniform_")
    True
    """

    def wrap(fn, name):
        def method(self, *args, **kwargs):
            if "from" in kwargs:
                kwargs["from_"] = kwargs.pop("from")
            return fn(self, *args, **kwargs)

        method.__name__ = method.__qualname__ = name
        method.__doc__ = fn.__doc__
        return method

    draws = (uniform_, normal_, random_, bernoulli_, exponential_, cauchy_)
    for fn in (*draws, log_normal_, geometric_):
        setattr(cls, fn.__name__, wrap(fn, fn.__name__))
    cls.bernoulli = wrap(_bernoulli_method, "bernoulli")
    cls.multinomial = wrap(_multinomial_method, "multinomial")


extend_tensor(Tensor)


# --- state ---------------------------------------------------------------------------


def get_rng_state() -> Tensor:
    """The default generator's state as a uint8 tensor of PyTorch's layout.

    >>> get_rng_state().shape
    torch.Size([5056])
    """
    return _random.default_generator.get_state()


def set_rng_state(new_state: Tensor) -> None:
    """Restore the default generator from :func:`get_rng_state`'s tensor (or real
    PyTorch's).

    >>> s = get_rng_state(); a = normal(0.0, 1.0, (2,))
    >>> set_rng_state(s); normal(0.0, 1.0, (2,)).equal(a)
    True
    """
    _random.default_generator.set_state(new_state)
