"""PyTorch's CPU samplers on a :class:`~funcgrad.torch._random.Generator`, number
for number: NumPy in, NumPy out (the facade's functions wrap them in tensors).

Each sampler takes the generator's words in the order PyTorch's serial CPU kernel
takes them (row-major over the output):

* ``random_(from, to)`` / ``randint``: ``(word % (to - from)) + from``, the word one
  ``random()`` (32 bits), or one ``random64()`` (two words, the first high) when
  the range is 2**28 or more (so that the modulo's bias stays small);
  ``random_()`` without bounds: ``random64() % 2**63`` for int64 and
  ``% (2**53 + 1)`` for float64, ``random() % (max + 1)`` for the smaller
  integers, ``% (2**24 + 1)`` for float32, ``& 1`` for bool;
* ``bernoulli(p)`` with a tensor ``p``: ``u < p`` with ``u`` a float32 uniform
  (24 bits) for float32 ``p``, a float64 one (53 bits) for float64 ``p``;
  ``bernoulli_(p)`` with a number: a float64 uniform per element;
* ``exponential_(lambda)``: ``(-1 / lambda) * log1p(-u)`` in float64 (libm's
  ``log1p``), rounded to the tensor's dtype;
* ``cauchy_(median, sigma)``: ``median + sigma * tan(pi * (u - 0.5))``,
  ``log_normal_(mean, std)``: ``exp(z * std + mean)`` (one rounding) with ``z``
  the scalar Box-Muller normals (the cached second one included),
  ``geometric_(p)``: ``ceil(log(u) / log(1 - p))``; all in float64 with libm,
  ``u`` a float64 uniform;
* ``randperm(n)``: Fisher-Yates, ``i <-> i + random() % (n - i)`` for ``i`` from 0
  (PyTorch's algorithm below 2**32 / 20 elements);
* ``multinomial``: without replacement, or one sample, ``argmax``/``topk`` of
  ``p / q`` with ``q`` exponential(1) draws in ``p``'s dtype (equal ratios, as
  zero weights give, in the order PyTorch's ``topk`` leaves them); with replacement,
  a float64 uniform per sample searched in the row's cumulative sums (summed
  and normalised in ``p``'s dtype, the last one set to 1).

Not reproduced: an Intel CPU running PyTorch with MKL draws ``bernoulli_(p)``
with a number ``p`` from MKL's own stream; there the facade's numbers differ
(same distribution, checked statistically in the tests).
"""

from __future__ import annotations

import math

import numpy as np

from ._random import Generator, _fma64
from ._topk_order import topk_indices

_F32, _F64 = np.float32, np.float64
_WIDE = 2**28  # ranges this large or larger take random64()
RANDPERM_LIMIT = 2**32 // 20


def from_to(g: Generator, n: int, low: int, high: int) -> np.ndarray:
    """``n`` integers of ``random_(low, high)`` (int64; the caller casts).

    >>> from_to(Generator().manual_seed(0), 4, 0, 10).tolist()
    [4, 9, 3, 0]
    """
    span = (high - low) % 2**64
    with g._lock:
        words = g._u64(n) if span >= _WIDE else g._u32(n)
    wrapped = (words % np.uint64(span) + np.uint64(low % 2**64)).astype(np.uint64)
    return wrapped.view(np.int64)


def full_range(g: Generator, n: int, dtype: str) -> np.ndarray:
    """``n`` values of ``random_()`` without bounds for ``dtype``.

    >>> full_range(Generator().manual_seed(0), 3, "bool").tolist()
    [0, 1, 1]
    """
    if dtype in ("int64", "float64"):
        with g._lock:
            words = g._u64(n)
        mod = 2**63 if dtype == "int64" else 2**53 + 1
    else:
        with g._lock:
            words = g._u32(n)
        mod = {
            "bool": 2,
            "uint8": 2**8,
            "int8": 2**7,
            "int16": 2**15,
            "int32": 2**31,
            "float16": 2**11 + 1,
            "bfloat16": 2**8 + 1,
            "float32": 2**24 + 1,
        }[dtype]
    return (words % np.uint64(mod)).astype(np.int64)


def bernoulli_tensor(g: Generator, p: np.ndarray) -> np.ndarray:
    """One draw per element of ``p`` (booleans): ``u < p``, ``u`` uniform of
    ``p``'s precision (float64 for float64 ``p``, float32 otherwise).

    >>> bernoulli_tensor(Generator().manual_seed(0), np.array([0.0, 1.0])).tolist()
    [False, True]
    """
    kind = _F64 if p.dtype == _F64 else _F32
    with g._lock:
        u = g._unit(p.size, kind)
    return (u < p.reshape(-1).astype(kind)).reshape(p.shape)


def bernoulli_scalar(g: Generator, n: int, p: float) -> np.ndarray:
    """``n`` draws of ``bernoulli_(p)`` (booleans), a float64 uniform each.

    >>> bernoulli_scalar(Generator().manual_seed(0), 3, 0.5).tolist()
    [False, False, True]
    """
    with g._lock:
        return g._unit(n, _F64) < float(p)


def exponential(g: Generator, n: int, lambd: float) -> np.ndarray:
    """``n`` float64 draws of ``exponential_(lambd)``.

    >>> exponential(Generator().manual_seed(0), 2, 1.0).round(4).tolist()
    [3.5083, 1.2304]
    """
    with g._lock:
        u = g._unit(n, _F64)
    scale = -1.0 / float(lambd)
    logs = np.fromiter(map(math.log1p, (-u).tolist()), _F64, n)
    return scale * logs


def _libm(fn, values: np.ndarray) -> np.ndarray:
    return np.fromiter(map(fn, values.tolist()), _F64, values.size)


def cauchy(g: Generator, n: int, median: float, sigma: float) -> np.ndarray:
    """``n`` float64 draws of ``cauchy_(median, sigma)``.

    >>> cauchy(Generator().manual_seed(0), 2, 0.0, 1.0).round(4).tolist()
    [10.5977, 0.7648]
    """
    with g._lock:
        u = g._unit(n, _F64)
    t = _libm(math.tan, math.pi * (u - 0.5))
    return float(median) + float(sigma) * t


def log_normal(g: Generator, n: int, mean: float, std: float) -> np.ndarray:
    """``n`` float64 draws of ``log_normal_(mean, std)``.

    >>> log_normal(Generator().manual_seed(0), 2, 0.0, 1.0).round(4).tolist()
    [4.6692, 0.7457]
    """
    with g._lock:
        z = g._scalar_normals(n)
    return _libm(math.exp, _fma64(z, float(std), float(mean)))


def geometric(g: Generator, n: int, p: float) -> np.ndarray:
    """``n`` draws of ``geometric_(p)`` (float64 whole numbers).

    >>> geometric(Generator().manual_seed(0), 4, 0.5).tolist()
    [1.0, 1.0, 2.0, 1.0]
    """
    with g._lock:
        u = g._unit(n, _F64)
    return np.ceil(_libm(math.log, u) / math.log(1.0 - float(p)))


def randperm(g: Generator, n: int) -> np.ndarray:
    """A permutation of ``range(n)`` (int64), as PyTorch's CPU ``randperm``.

    >>> randperm(Generator().manual_seed(0), 5).tolist()
    [4, 0, 1, 3, 2]
    """
    if n >= RANDPERM_LIMIT:
        raise NotImplementedError(
            f"randperm of {RANDPERM_LIMIT} or more elements (PyTorch's random64 "
            "variant) is not supported"
        )
    with g._lock:
        words = g._u32(max(n - 1, 0)).tolist()
    order = list(range(n))
    for i, r in enumerate(words):
        z = i + r % (n - i)
        order[i], order[z] = order[z], order[i]
    return np.asarray(order, np.int64)


def _compute_dtype(p: np.ndarray) -> type:
    return _F64 if p.dtype == _F64 else _F32


def multinomial_fast(g: Generator, p: np.ndarray, n_sample: int) -> np.ndarray:
    """Samples without replacement (or a single one) from the rows of ``p``
    (2-D, already checked): the ``n_sample`` largest ``p / q``, ``q`` exponential.

    >>> g = Generator().manual_seed(0)
    >>> multinomial_fast(g, np.array([[0.1, 0.2, 0.3, 0.4]], np.float32), 1)
    array([[2]])
    """
    kind = p.dtype if p.dtype in (_F32, _F64) else _F32
    q = exponential(g, p.size, 1.0).astype(p.dtype).astype(kind).reshape(p.shape)
    ratio = p.astype(kind) / q
    if n_sample == 1:
        return np.argmax(ratio, axis=-1)[:, None].astype(np.int64)
    return np.stack([_top(row, n_sample) for row in ratio])


def _top(row: np.ndarray, k: int) -> np.ndarray:
    """``topk(row, k)``'s indices: a NumPy sort when the top ``k`` are distinct
    values, PyTorch's selection order (see ``_topk_order``) when some tie."""
    order = np.argsort(-row, kind="stable")
    top = row[order[:k]]
    if np.isnan(row).any() or (row >= top[-1]).sum() > k or np.unique(top).size < k:
        return topk_indices(row, k)
    return order[:k].astype(np.int64)


def multinomial_replacement(g: Generator, p: np.ndarray, n_sample: int) -> np.ndarray:
    """``n_sample`` samples with replacement from each row of ``p`` (2-D)."""
    kind = _compute_dtype(p)
    out = np.empty((p.shape[0], n_sample), np.int64)
    for i, row in enumerate(p.astype(kind)):
        cum = np.cumsum(row, dtype=kind)
        cum = cum / cum[-1]
        cum[-1] = 1
        with g._lock:
            u = g._unit(n_sample, _F64)
        out[i] = np.searchsorted(cum.astype(_F64), u, side="left")
    return out
