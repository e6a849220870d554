"""The facade's random generators: PyTorch's CPU generator, number for number.

``manual_seed(s)`` followed by ``randn``/``rand`` (and the ``nn.init`` functions
that ``nn.Linear`` uses) gives the numbers PyTorch's CPU generator gives for the
same seed, so seeded programs print what torch prints. How PyTorch makes them:

* The engine is MT19937, seeded with the standard ``init_genrand`` on the low 32
  bits of the seed. ``random()`` is one 32-bit output, ``random64()`` two of them,
  the first one the high word. NumPy's ``MT19937`` bit generator runs the engine;
  this module only seeds it (``init_genrand`` is written out below).
* A uniform float32 is ``(random() & (2**24 - 1)) * 2**-24``, a float64 one
  ``(random64() & (2**53 - 1)) * 2**-53``; ``uniform_(a, b)`` maps ``x`` to
  ``x * (b - a) + a`` with one rounding (PyTorch's build contracts it to an FMA).
* ``normal_`` has three paths:

  - fewer than 16 elements: scalar Box-Muller in float64 (two uniform float64
    draws ``u1, u2``; ``r = sqrt(-2 log1p(-u2))``, ``theta = 2 pi u1``; returns
    ``r cos(theta)`` and keeps ``r sin(theta)`` in the generator for the next
    scalar draw, until the generator is re-seeded), cast to the tensor's dtype;
  - float32 with 16 elements or more: all uniforms first, then Box-Muller 16 at a
    time over the pairs ``(j, j + 8)`` with PyTorch's AVX2 kernel (the Cephes
    float32 ``log``/``sincos`` polynomials of ``avx_mathfun.h``, with the FMA
    contractions its compiler makes); when the size is not a multiple of 16,
    the last 16 values are recomputed from 16 fresh uniforms;
  - float64 with 16 elements or more: the same blocking with libm's double
    ``log``, ``cos`` and ``sin`` (Python's ``math``).

Checked against torch 2.13 (CPU, AVX2/AVX512 machine): every size from 1 to
100 and larger ones, 2-D shapes, float32 and float64, ``rand`` and ``randn``,
consecutive and interleaved draws, and ``nn.init.uniform_``/``normal_`` with
bounds, for many seeds: bit-for-bit equal. A torch build without AVX2 uses libm
``logf``/``cosf``/``sinf`` for the float32 path instead, which differs from
these numbers in the last bit for a fraction of a percent of the values.
float16/bfloat16 are drawn in float32 and rounded: PyTorch's numbers for
``rand``/``uniform_``, and for ``randn``/``normal_`` of up to 16 elements or a
multiple of 16; the last 16 of other sizes can differ (PyTorch recomputes them in
half precision).

:func:`next_key` is separate: a JAX PRNG key stream for code that needs a JAX
key, seeded by the same ``manual_seed`` but never consuming the torch stream.
"""

from __future__ import annotations

import math
import struct
import threading
from collections.abc import Sequence
from typing import Any

import jax.numpy as jnp
import numpy as np

from ..autograd import dtypes as _dt
from ..autograd.tensor import Tensor
from . import _device

_DEFAULT_SEED = 67280421310721  # PyTorch's default CPU seed (torch.initial_seed())
# PyTorch's CPUGeneratorImplState: seed, left, seeded, next, 624 state words (as
# uint64), three unused doubles but the cached normal in the middle, its flag,
# padding, then a float normal cache and its flag: 5056 bytes in all.
_STATE = struct.Struct("<QiiQ624QdddiifB3x")
STATE_SIZE = _STATE.size
_sample_hooks: list = []  # called before every draw (transforms that forbid draws)
_F32, _F64 = np.float32, np.float64


def _init_genrand(seed: int) -> np.ndarray:
    """MT19937's standard seeding of its 624-word state from a 32-bit seed.

    >>> _init_genrand(5489)[:2]
    array([      5489, 1301868182], dtype=uint32)
    """
    s = int(seed) & 0xFFFFFFFF
    key = np.empty(624, np.uint32)
    key[0] = s
    for i in range(1, 624):
        s = (1812433253 * (s ^ (s >> 30)) + i) & 0xFFFFFFFF
        key[i] = s
    return key


# --- exact fused multiply-add -------------------------------------------------------


def _two_sum_err(a: np.ndarray, b: np.ndarray, s: np.ndarray) -> np.ndarray:
    """The exact error of ``s = a + b`` (Knuth's TwoSum)."""
    bb = s - a
    return (a - (s - bb)) + (b - bb)


def _round_to_odd(s: np.ndarray, err: np.ndarray) -> np.ndarray:
    """``s + err`` rounded to odd, where ``s`` is ``s + err`` rounded to nearest."""
    bits = s.view(np.int64 if s.dtype == _F64 else np.int32)
    fix = (err != 0) & ((bits & 1) == 0)
    if not fix.any():
        return s
    return np.where(fix, np.nextafter(s, np.where(err > 0, np.inf, -np.inf)), s)


def _fma32(a, b, c) -> np.ndarray:
    """``a * b + c`` in float32 with a single rounding.

    The float64 product of two float32 values is exact; the float64 sum is
    rounded to odd so that the final rounding to float32 is correct.

    >>> bool(_fma32(np.float32(0.1), np.float32(10), np.float32(-1)) != 0)
    True
    """
    a, b, c = (np.asarray(v, _F32).astype(_F64) for v in (a, b, c))
    p = a * b
    s = p + c
    return _round_to_odd(s, _two_sum_err(p, c, s)).astype(_F32)


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    t = 134217729.0 * a  # 2**27 + 1: Veltkamp's split into two 26-bit halves
    hi = t - (t - a)
    return hi, a - hi


def _fma64(a, b, c) -> np.ndarray:
    """``a * b + c`` in float64 with a single rounding (Boldo and Melquiond's
    emulation: exact product, TwoSum, a sum rounded to odd, a last rounding).

    >>> float(_fma64(0.1, 10.0, -1.0))
    5.551115123125783e-17
    """
    a, b, c = (np.asarray(v, _F64) for v in (a, b, c))
    uh = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    ul = ((ah * bh - uh) + ah * bl + al * bh) + al * bl
    th = c + uh
    tl = _two_sum_err(c, uh, th)
    v = tl + ul
    v = _round_to_odd(v, _two_sum_err(tl, ul, v))
    return th + v


# --- PyTorch's AVX2 float32 Box-Muller ----------------------------------------------

_LOG_P = tuple(
    _F32(c)
    for c in (
        7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1,
        1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1,
        3.3333331174e-1,
    )
)  # fmt: skip


def _log_ps(x: np.ndarray) -> np.ndarray:
    """Cephes' float32 natural log, as PyTorch's AVX2 kernel evaluates it
    (``x`` in (0, 1] here, so no special cases)."""
    bits = x.view(np.int32)
    e = ((bits >> 23) - 0x7F).astype(_F32) + _F32(1)
    m = ((bits & ~0x7F800000) | 0x3F000000).view(_F32)  # mantissa in [0.5, 1)
    small = m < _F32(0.707106781186547524)
    e = e - small.astype(_F32)
    m = (m - _F32(1)) + np.where(small, m, _F32(0))
    z = m * m
    y = np.full_like(m, _LOG_P[0])
    for c in _LOG_P[1:]:
        y = _fma32(y, m, c)
    y = _fma32(y * m, z, e * _F32(-2.12194440e-4))
    y = _fma32(-z, _F32(0.5), y)
    return _fma32(e, _F32(0.693359375), m + y)


_DP = (
    _F32(-0.78515625),
    _F32(-2.4187564849853515625e-4),
    _F32(-3.77489497744594108e-8),
)


def _sincos_ps(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cephes' float32 sine and cosine together, as PyTorch's AVX2 kernel
    evaluates them (``x`` in [0, 2 pi) here)."""
    sin_negative = np.signbit(x)
    x = np.abs(x)
    j = (x * _F32(1.27323954473516)).astype(np.int32)  # truncation, as cvttps
    j = (j + 1) & ~1
    y = j.astype(_F32)
    sin_negative = sin_negative ^ ((j & 4) != 0)
    cos_negative = (~(j - 2) & 4) != 0
    use_sin_poly = (j & 2) == 0
    for dp in _DP:
        x = _fma32(y, dp, x)
    z = x * x
    yc = _fma32(_F32(2.443315711809948e-5), z, _F32(-1.388731625493765e-3))
    yc = _fma32(yc, z, _F32(4.166664568298827e-2))
    yc = _fma32(yc * z, z, -(z * _F32(0.5))) + _F32(1)
    ys = _fma32(_F32(-1.9515295891e-4), z, _F32(8.3321608736e-3))
    ys = _fma32(ys, z, _F32(-1.6666654611e-1))
    ys = _fma32(ys * z, x, x)
    s = np.where(use_sin_poly, ys, yc)
    c = np.where(use_sin_poly, yc, ys)
    return np.where(sin_negative, -s, s), np.where(cos_negative, -c, c)


def _box_muller_16_f32(u: np.ndarray, mean: float, std: float) -> np.ndarray:
    """Blocks of 16 float32 uniforms -> 16 normals each, pairs ``(j, j + 8)``."""
    u = u.reshape(-1, 16)
    radius = np.sqrt(_F32(-2) * _log_ps(_F32(1) - u[:, :8]))
    s, c = _sincos_ps(_F32(2.0 * math.pi) * u[:, 8:])
    out = np.concatenate([radius * c, radius * s], axis=1).reshape(-1)
    return _fma32(out, _F32(std), _F32(mean))


def _box_muller_16_f64(u: np.ndarray, mean: float, std: float) -> np.ndarray:
    """The float64 blocks, with libm's ``log``/``cos``/``sin``."""
    u = u.reshape(-1, 16)
    n = u.shape[0] * 8
    u1 = (1.0 - u[:, :8]).reshape(-1)
    theta = (2.0 * math.pi * u[:, 8:]).reshape(-1)
    radius = np.sqrt(-2.0 * np.fromiter(map(math.log, u1.tolist()), _F64, n))
    c = np.fromiter(map(math.cos, theta.tolist()), _F64, n)
    s = np.fromiter(map(math.sin, theta.tolist()), _F64, n)
    out = np.concatenate(
        [(radius * c).reshape(-1, 8), (radius * s).reshape(-1, 8)], axis=1
    ).reshape(-1)
    return _fma64(out, std, mean)


# --- generators ---------------------------------------------------------------------


class Generator:
    """A random generator with PyTorch's CPU generator's numbers.

    ``torch.Generator()`` makes an independent one; the functions of this module
    (and ``rand``/``randn`` without ``generator=``) use the default one, which
    :func:`manual_seed` seeds and returns.

    >>> g = Generator().manual_seed(0)
    >>> g.initial_seed()
    0
    >>> g.uniform((3,)).tolist()  # torch.rand(3, generator=g) after seed 0
    [0.49625658988952637, 0.7682217955589294, 0.08847743272781372]
    """

    def __init__(self, device: Any = "cpu") -> None:
        self._lock = threading.RLock()
        self.device = _device.device(device)
        self.manual_seed(_DEFAULT_SEED)

    def manual_seed(self, seed: int) -> Generator:
        """Re-seed (PyTorch accepts any int in [-2**63, 2**64)); returns self."""
        seed = int(seed)
        if not -(2**63) <= seed < 2**64:
            raise ValueError("Overflow when unpacking long long")
        with self._lock:
            self._seed = seed % 2**64
            self._bits = np.random.MT19937()
            self._bits.state = {
                "bit_generator": "MT19937",
                "state": {"key": _init_genrand(self._seed), "pos": 624},
            }
            self._normal_cache: float | None = None
            self._jax_key = None
            self._fresh = True  # no word drawn since seeding (PyTorch's next = 0)
        return self

    def initial_seed(self) -> int:
        """The seed last given to :meth:`manual_seed`."""
        return self._seed

    def seed(self) -> int:
        """Seed from fresh entropy (a 64-bit non-deterministic seed); returns it."""
        s = int.from_bytes(
            np.random.SeedSequence().generate_state(2).tobytes(), "little"
        )
        self.manual_seed(s)
        return s

    def get_state(self) -> Tensor:
        """The state as a uint8 tensor of PyTorch's 5056 bytes and layout.

        >>> Generator().manual_seed(7).get_state()[:8].tolist()
        [7, 0, 0, 0, 0, 0, 0, 0]
        """
        return Tensor._wrap(jnp.asarray(self.state_bytes()), _dt.uint8)

    def state_bytes(self) -> np.ndarray:
        """The state as PyTorch's 5056 bytes, in NumPy."""
        with self._lock:
            st = self._bits.state["state"]
            pos = int(st["pos"])
            cache = self._normal_cache
            raw = _STATE.pack(
                self._seed, 625 - pos, 1, 0 if self._fresh else pos,
                *(int(w) for w in st["key"]), 0.0,
                0.0 if cache is None else cache, 0.0, cache is not None, 0, 0.0, 0,
            )  # fmt: skip
        return np.frombuffer(raw, np.uint8).copy()

    def set_state(self, state: Tensor) -> Generator:
        """Restore a state from :meth:`get_state` (or from real torch); returns self.

        >>> g = Generator(); s = g.get_state(); a = g.uniform((2,))
        >>> bool((g.set_state(s).uniform((2,)) == a).all())
        True
        """
        if not isinstance(state, Tensor) or state.dtype is not _dt.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        return self.load_state_bytes(np.asarray(state._value))

    def load_state_bytes(self, state: np.ndarray) -> Generator:
        """Restore a state from PyTorch's 5056 bytes, in NumPy; returns self."""
        raw = np.asarray(state, np.uint8).tobytes()
        if len(raw) != STATE_SIZE:
            raise RuntimeError(
                f"Expected a CPUGeneratorImplState of size {STATE_SIZE} but found "
                f"the input RNG state size to be {len(raw)}"
            )
        fields = _STATE.unpack(raw)
        seed, left, _, nxt = fields[:4]
        key = np.array(fields[4:628], np.uint64).astype(np.uint32)
        normal_y, valid = fields[629], fields[631]
        if not 1 <= left <= 624 or not 0 <= nxt <= 624:
            raise RuntimeError("The RNG state is corrupt (left or next out of range)")
        with self._lock:
            self._seed = seed
            self._bits.state = {
                "bit_generator": "MT19937",
                "state": {"key": key, "pos": 625 - left},
            }
            self._normal_cache = normal_y if valid else None
            self._fresh = nxt == 0 and left == 1
        return self

    # The raw streams.
    def _u32(self, n: int) -> np.ndarray:
        """``n`` outputs of PyTorch's ``random()`` (32 bits each, as uint64)."""
        if n:
            self._fresh = False
        return self._bits.random_raw(n).astype(np.uint64)

    def _u64(self, n: int) -> np.ndarray:
        """``n`` outputs of PyTorch's ``random64()``: two words, the first high."""
        r = self._u32(2 * n).reshape(n, 2)
        return (r[:, 0] << np.uint64(32)) | r[:, 1]

    def _unit(self, n: int, dtype) -> np.ndarray:
        """``n`` uniforms in [0, 1) as PyTorch's ``uniform_real_distribution``."""
        if dtype == _F64:
            r = self._u32(2 * n).reshape(n, 2)
            v = ((r[:, 0] & np.uint64(2**21 - 1)) << np.uint64(32)) | r[:, 1]
            return v.astype(_F64) * 2.0**-53
        return (self._u32(n) & np.uint64(2**24 - 1)).astype(_F32) * _F32(2.0**-24)

    def _scalar_normals(self, n: int) -> np.ndarray:
        out = np.empty(n, _F64)
        for i in range(n):
            if self._normal_cache is not None:
                out[i], self._normal_cache = self._normal_cache, None
                continue
            u1, u2 = self._unit(2, _F64).tolist()
            r = math.sqrt(-2.0 * math.log1p(-u2))
            theta = 2.0 * math.pi * u1
            self._normal_cache = r * math.sin(theta)
            out[i] = r * math.cos(theta)
        return out

    # The distributions.
    def uniform(
        self, shape: Sequence[int], dtype: Any = np.float32, low=0.0, high=1.0
    ) -> np.ndarray:
        """A NumPy array of ``U(low, high)`` samples, as ``Tensor.uniform_``.

        >>> Generator().manual_seed(1).uniform((2,), np.float64).tolist()
        [0.06105327471962363, 0.2245545065676504]
        """
        shape = tuple(int(d) for d in shape)
        n = math.prod(shape)
        kind, final = _kind(dtype)
        with self._lock:
            x = self._unit(n, kind)
        if kind == _F64:
            lo, hi = float(low), float(high)
            out = x if (lo, hi) == (0.0, 1.0) else _fma64(x, hi - lo, lo)
        else:
            lo, hi = _F32(low), _F32(high)
            out = x if (lo, hi) == (0, 1) else _fma32(x, hi - lo, lo)
        return out.astype(final).reshape(shape)

    def normal(
        self, shape: Sequence[int], dtype: Any = np.float32, mean=0.0, std=1.0
    ) -> np.ndarray:
        """A NumPy array of ``N(mean, std**2)`` samples, as ``Tensor.normal_``.

        >>> Generator().manual_seed(0).normal((3,)).tolist()
        [1.5409960746765137, -0.293428897857666, -2.1787893772125244]
        """
        shape = tuple(int(d) for d in shape)
        n = math.prod(shape)
        kind, final = _kind(dtype)
        with self._lock:
            if n < 16:
                out = _fma64(self._scalar_normals(n), float(std), float(mean))
            else:
                fill = _box_muller_16_f32 if kind == _F32 else _box_muller_16_f64
                u = self._unit(n, kind)
                full = n - n % 16
                out = u.copy()
                out[:full] = fill(u[:full], mean, std)
                if n % 16:  # PyTorch recomputes the last 16 from fresh uniforms
                    out[n - 16 :] = fill(self._unit(16, kind), mean, std)
        return out.astype(final).reshape(shape)

    def next_key(self):
        """A fresh JAX PRNG key (a stream of its own, seeded with this generator).

        >>> Generator().manual_seed(0).next_key().shape
        ()
        """
        import jax

        with self._lock:
            if self._jax_key is None:
                self._jax_key = jax.random.key(self._seed % 2**32)
            self._jax_key, sub = jax.random.split(self._jax_key)
        return sub


def _kind(dtype: Any) -> tuple[type, np.dtype]:
    """(float32 or float64 to draw in, the dtype to return)."""
    d = np.dtype(getattr(dtype, "_np", dtype))
    if d.kind != "f" and d.name != "bfloat16":
        raise RuntimeError(f"\"normal_kernel_cpu\" not implemented for '{d.name}'")
    return (_F64 if d == _F64 else _F32), d


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the default generator, as ``torch.manual_seed``; returns it.

    >>> import funcgrad.torch as torch
    >>> _ = torch.manual_seed(0)
    >>> torch.randn(3)
    tensor([ 1.5410, -0.2934, -2.1788])
    """
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the default generator from fresh entropy; returns the seed.

    >>> isinstance(seed(), int)
    True
    """
    return default_generator.seed()


def initial_seed() -> int:
    """The default generator's seed (PyTorch's default before any ``manual_seed``).

    >>> _ = manual_seed(7); initial_seed()
    7
    """
    return default_generator.initial_seed()


def draw(generator: Generator | None = None) -> Generator:
    """The generator a draw uses (``generator`` or the default one), after the
    sample hooks have had their say.

    >>> draw() is default_generator
    True
    """
    for hook in _sample_hooks:
        hook()
    return generator or default_generator


def uniform(
    shape: Sequence[int],
    dtype: Any = np.float32,
    low: float = 0.0,
    high: float = 1.0,
    generator: Generator | None = None,
) -> np.ndarray:
    """``U(low, high)`` samples (NumPy) from ``generator`` or the default one.

    >>> _ = manual_seed(0); uniform((2,)).tolist()
    [0.49625658988952637, 0.7682217955589294]
    """
    return draw(generator).uniform(shape, dtype, low, high)


def normal(
    shape: Sequence[int],
    dtype: Any = np.float32,
    mean: float = 0.0,
    std: float = 1.0,
    generator: Generator | None = None,
) -> np.ndarray:
    """``N(mean, std**2)`` samples (NumPy) from ``generator`` or the default one.

    >>> _ = manual_seed(0); normal((2,)).tolist()
    [1.5409960746765137, -0.293428897857666]
    """
    return draw(generator).normal(shape, dtype, mean, std)


def next_key():
    """A fresh JAX PRNG key from the default generator's JAX key stream.

    >>> next_key().shape
    ()
    """
    return default_generator.next_key()


def add_sample_hook(hook) -> None:
    """Call ``hook()`` before every draw of :func:`uniform`/:func:`normal` (it may
    raise to forbid the draw) until :func:`remove_sample_hook`.

    >>> add_sample_hook(print); remove_sample_hook(print)
    """
    _sample_hooks.append(hook)


def remove_sample_hook(hook) -> None:
    """Undo one :func:`add_sample_hook`."""
    _sample_hooks.remove(hook)
