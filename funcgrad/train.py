"""The compiled training loop: ``TrainState``, ``make_train_step`` and ``fit``.

``fit`` trains the functional core's model (``linear`` + BCE-with-logits) with an
optax optimizer. Its minibatch loop is a ``jax.lax.scan``, and several epochs run in
one compiled call whenever nothing has to happen on the host in between (a callback
or a checkpoint), so a step costs well under a microsecond for small models.

Conventions, in one place:

* **Shapes.** ``X`` is ``(N, D)``; ``Y`` is ``(N,)`` or ``(N, k)``; ``params.w`` is
  ``(D, k)``. A 1-D ``Y`` is one output (``k = 1``): it is read as ``(N, 1)``, so
  ``init_linear(key, D, 1)`` suits both ``(N,)`` and ``(N, 1)`` labels.
* **Batches.** Each epoch visits every example once, in a pseudo-random order drawn
  from ``jax.random.fold_in(key, epoch)`` (or ``0..N-1`` with ``shuffle=False``).
  The order depends only on ``key`` and the epoch number, which makes runs
  reproducible bit for bit and lets a resumed run continue exactly. When
  ``batch_size`` does not divide ``N`` the last batch is padded and the padding
  masked: the loss of a batch is the mean over its real rows only.
* **Epochs** (``callback``'s first argument, checkpoint numbers, error messages)
  count from 0 for the epoch being run; a checkpoint named ``e`` holds the state after
  ``e`` completed epochs, and ``resumed_from_epoch == e`` means training resumed with
  epoch ``e``.
* **Metrics.** ``history["loss"]`` and ``history["accuracy"]`` are each epoch's
  example-weighted means over the batches, measured at the step that trained on them
  (as Keras reports them); ``history["val_loss"]`` and ``history["val_accuracy"]``
  are measured on the whole validation set with the parameters at the end of the
  epoch. Accuracy is ``mean((logits > 0) == (Y > 0.5))``.
* **Devices.** ``devices`` builds a one-axis ``jax.sharding.Mesh``; each batch is
  split along its rows over it (padded with masked rows to a multiple of the device
  count) and the parameters are replicated. Results equal the one-device results up
  to float summation order.
* **Several processes** (after :func:`initialize_distributed`): every process calls
  ``fit`` with the same full ``X``, ``Y``, ``key`` and options; each process computes
  the same batch order and places only the rows of each global batch that its own
  devices hold (``jax.make_array_from_process_local_data``). ``devices=None`` then
  means every device of every process.
"""

from __future__ import annotations

import functools
import hashlib
import math
import types
from collections.abc import Callable, Sequence
from typing import Any, Literal, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax
from jax.sharding import Mesh

from . import _distributed as dist
from ._checkpoint import CheckpointError, Store
from .functional import binary_cross_entropy_with_logits, linear, loss

__all__ = [
    "CheckpointError",
    "FitResult",
    "NonFiniteLossError",
    "TrainState",
    "fit",
    "initialize_distributed",
    "make_train_step",
]


class TrainState(NamedTuple):
    """Everything a training step updates: parameters, optimizer state, step count.

    ``step`` is an ``int32`` scalar array counting the updates applied.

    >>> import jax, jax.numpy as jnp, optax
    >>> import funcgrad as fg
    >>> params = fg.init_linear(jax.random.key(0), 3, 1)
    >>> opt = optax.sgd(0.1)
    >>> state = TrainState(params, opt.init(params), jnp.zeros((), jnp.int32))
    >>> state.step
    Array(0, dtype=int32)
    """

    params: Any
    opt_state: optax.OptState
    step: jax.Array


class FitResult(NamedTuple):
    """What :func:`fit` returns.

    ``history`` maps ``"loss"`` and ``"accuracy"`` (and ``"val_loss"``,
    ``"val_accuracy"`` with validation data, ``"skipped"`` with
    ``on_nonfinite="skip"``) to one float per epoch, from epoch 0 even when the run
    resumed from a checkpoint. ``resumed_from_epoch`` is the number of epochs the
    resumed checkpoint had completed, or ``None`` for a fresh run.

    >>> import jax, jax.numpy as jnp, optax
    >>> import funcgrad as fg
    >>> X = jnp.array([[0.0], [1.0], [2.0], [3.0]]); Y = jnp.array([0.0, 0.0, 1.0, 1.0])
    >>> r = fg.fit(fg.init_linear(jax.random.key(0), 1, 1), X, Y,
    ...            optimizer=optax.sgd(0.5), epochs=2, batch_size=2,
    ...            key=jax.random.key(1))
    >>> sorted(r.history), len(r.history["loss"]), r.resumed_from_epoch
    (['accuracy', 'loss'], 2, None)
    """

    params: Any
    opt_state: optax.OptState
    history: dict[str, list[float]]
    resumed_from_epoch: int | None


class NonFiniteLossError(FloatingPointError):
    """A training step produced a non-finite loss (or gradient); training stopped.

    The step's update was not applied. ``epoch``, ``batch`` (within the epoch) and
    ``step`` (``epoch * batches_per_epoch + batch``) count from 0 and are named in
    the message. Checkpoints written before the failure are left as they were.

    >>> import jax, jax.numpy as jnp, optax
    >>> import funcgrad as fg
    >>> X = jnp.array([[1.0], [3e38]]); Y = jnp.array([1.0, 1.0])
    >>> params = fg.LinearParams(w=jnp.full((1, 1), 10.0), b=jnp.zeros(1))
    >>> fg.fit(params, X, Y, optimizer=optax.sgd(0.1), epochs=1, batch_size=1,
    ...        key=jax.random.key(0), shuffle=False)
    Traceback (most recent call last):
    ...
    funcgrad.train.NonFiniteLossError: non-finite loss or gradient at epoch 0, ...
    """

    def __init__(self, message: str, *, epoch: int, batch: int, step: int) -> None:
        super().__init__(message)
        self.epoch, self.batch, self.step = epoch, batch, step


def _apply_gradients(
    optimizer: optax.GradientTransformation, state: TrainState, grads: Any
) -> TrainState:
    updates, opt_state = optimizer.update(grads, state.opt_state, state.params)
    params = optax.apply_updates(state.params, updates)
    return TrainState(params, opt_state, state.step + 1)


def make_train_step(
    optimizer: optax.GradientTransformation,
    loss_fn: Callable[..., jax.Array] = loss,
) -> Callable[[TrainState, jax.Array, jax.Array], tuple[TrainState, jax.Array]]:
    """Build a jitted, pure training step ``step_fn(state, x, y) -> (state, loss)``.

    The step evaluates ``loss_fn(state.params, x, y)``, differentiates it with
    ``jax.value_and_grad`` and applies ``optimizer``'s update. ``x`` and ``y`` go to
    ``loss_fn`` as they are (for the default ``funcgrad.loss``, ``y`` has the shape
    of the model's output).

    >>> import jax, jax.numpy as jnp, optax
    >>> import funcgrad as fg
    >>> opt = optax.sgd(0.5)
    >>> params = fg.LinearParams(w=jnp.zeros((2, 1)), b=jnp.zeros(1))
    >>> state = fg.TrainState(params, opt.init(params), jnp.zeros((), jnp.int32))
    >>> step = fg.make_train_step(opt)
    >>> x = jnp.array([[1.0, 2.0], [-1.0, 0.5]]); y = jnp.array([[1.0], [0.0]])
    >>> state, value = step(state, x, y)
    >>> value, state.step
    (Array(0.6931472, dtype=float32), Array(1, dtype=int32))
    """

    def step_fn(state: TrainState, x: jax.Array, y: jax.Array):
        value, grads = jax.value_and_grad(loss_fn)(state.params, x, y)
        return _apply_gradients(optimizer, state, grads), value

    return jax.jit(step_fn)


# --------------------------------------------------------------------------------------
# The compiled epoch loop.


class _Plan(NamedTuple):
    """Static shape of a run: one compiled program per distinct plan."""

    n: int  # examples
    batch: int  # real rows per batch (the last batch may have fewer)
    padded: int  # rows per batch after padding to a multiple of the devices
    num_batches: int
    shuffle: bool
    skip: bool  # on_nonfinite == "skip"
    has_val: bool
    fed: bool  # batches fed by the host (several processes) or gathered on device
    key_impl: str | None  # implementation of raw key data (None: JAX default)
    mesh: Mesh | None


def _shuffle(key: jax.Array, n: int, rounds: int = 4) -> jax.Array:
    """A pseudo-random permutation of ``0..n-1`` drawn from ``key``, without sorting.

    ``jax.random.permutation`` sorts, which costs more than a whole epoch of small
    steps on a CPU. Here ``f`` is a keyed bijection of the ``m``-bit integers
    (``2**m >= n``): rounds of add-a-key, multiply-by-an-odd-key and xor-shift, each
    invertible modulo ``2**m``. Cycle walking (apply ``f`` again while the value is
    ``>= n``; fewer than two tries on average, since ``2**m < 2 * n``) restricts it
    to a bijection of ``0..n-1``.
    """
    m = max(1, math.ceil(math.log2(max(n, 2))))
    mask = jnp.uint32((1 << m) - 1)
    keys = jax.random.bits(key, (rounds, 2), jnp.uint32)
    shift = (m + 1) // 2

    def f(x: jax.Array) -> jax.Array:
        for r in range(rounds):
            x = (x + keys[r, 0]) & mask
            x = (x * (keys[r, 1] | 1)) & mask  # odd, hence invertible mod 2**m
            x = x ^ (x >> shift)
        return x

    x = f(jnp.arange(n, dtype=jnp.uint32))
    x = jax.lax.while_loop(
        lambda x: jnp.any(x >= n), lambda x: jnp.where(x >= n, f(x), x), x
    )
    return x.astype(jnp.int32)


def _as_key(key: jax.Array, plan: _Plan) -> jax.Array:
    """A typed PRNG key from a typed key or raw key data (traceable)."""
    if jnp.issubdtype(key.dtype, jax.dtypes.prng_key):
        return key
    return jax.random.wrap_key_data(key, impl=plan.key_impl)


def _epoch_indices(key: jax.Array, epoch: jax.Array, plan: _Plan) -> jax.Array:
    """Row indices ``(num_batches, padded)`` of an epoch; padding slots hold ``n``.

    Row ``n`` of the stacked data is all zeros, so padded slots gather zeros, and
    ``idx < n`` is the mask of real rows.
    """
    n, nb, b = plan.n, plan.num_batches, plan.batch
    if plan.shuffle:
        order = _shuffle(jax.random.fold_in(_as_key(key, plan), epoch), n)
    else:
        order = jnp.arange(n, dtype=jnp.int32)
    idx = jnp.pad(order, (0, nb * b - n), constant_values=n).reshape(nb, b)
    return jnp.pad(idx, ((0, 0), (0, plan.padded - b)), constant_values=n)


_host_epoch_indices = jax.jit(_epoch_indices, static_argnames=("plan",))


def _masked_loss(
    params: Any,
    x: jax.Array,
    y: jax.Array,
    mask: jax.Array,
    real: jax.Array | None = None,
) -> tuple[jax.Array, jax.Array]:
    """Mean BCE over the rows where ``mask`` holds (``real`` of them, if known)."""
    logits = linear(params, x)
    per_element = binary_cross_entropy_with_logits(logits, y, reduction="none")
    # where (not multiply) so a masked row can never leak inf * 0 = nan; the mean is
    # over the real rows only, so padding changes neither loss nor gradient.
    total = jnp.sum(jnp.where(mask[:, None], per_element, 0.0))
    if real is None:
        real = jnp.sum(mask)
    count = jnp.maximum(real, 1) * per_element.shape[1]
    return total / count.astype(total.dtype), logits


def _all_finite(tree: Any) -> jax.Array:
    leaves = [jnp.all(jnp.isfinite(leaf)) for leaf in jax.tree.leaves(tree)]
    return jnp.all(jnp.stack(leaves)) if leaves else jnp.asarray(True)


def _select(ok: jax.Array, new: Any, old: Any) -> Any:
    return jax.tree.map(lambda a, b: jnp.where(ok, a, b), new, old)


def _constrain(x: jax.Array, plan: _Plan, axis: int = 0) -> jax.Array:
    if plan.mesh is None:
        return x
    sharding = dist.batch_sharding(plan.mesh, x.ndim, axis)
    return jax.lax.with_sharding_constraint(x, sharding)


def _run_epochs(
    state: TrainState,
    key: jax.Array,
    first_epoch: jax.Array,
    data: jax.Array | None,
    fed: tuple[jax.Array, jax.Array] | None,
    val: tuple[jax.Array, jax.Array] | None,
    *,
    optimizer: optax.GradientTransformation,
    plan: _Plan,
    num_epochs: int,
):
    """Train ``num_epochs`` epochs from ``first_epoch`` in one compiled program.

    ``data`` is ``[X | Y]`` stacked column-wise with a row of zeros appended (row
    ``n``); with several processes ``fed`` holds each epoch's batches instead, as
    ``(rows, mask)`` of shapes ``(E, num_batches, padded, D + k)`` and
    ``(E, num_batches, padded)``. Returns the new state, the global step of the
    first non-finite loss (-1 if none), and per-epoch metrics
    (arrays of length ``num_epochs``).
    """
    nb = plan.num_batches
    dtype = state.params[0].dtype
    features, outputs = state.params[0].shape

    def train_step(carry, inputs):
        state, bad, sums = carry
        step_index, rows, mask, real = inputs
        rows, mask = _constrain(rows, plan), _constrain(mask, plan)
        x, y = rows[:, :features], rows[:, features:]
        (value, logits), grads = jax.value_and_grad(_masked_loss, has_aux=True)(
            state.params, x, y, mask, real
        )
        finite = jnp.isfinite(value) & _all_finite(grads)
        if plan.skip:
            ok = finite
        else:
            # After the first failure nothing more is applied: the host raises.
            bad = jnp.where((bad < 0) & ~finite, step_index, bad)
            ok = finite & (bad < 0)
        state = _select(ok, _apply_gradients(optimizer, state, grads), state)
        rows = real.astype(dtype)
        hits = jnp.sum(mask[:, None] & ((logits > 0) == (y > 0.5))).astype(dtype)
        zero, one = jnp.zeros((), dtype), jnp.ones((), dtype)
        # One vector of sums (loss * rows, hits, rows, skipped), not four scalars:
        # in a loop of tiny steps every separate scalar op costs a kernel launch.
        sums = sums + jnp.where(
            ok,
            jnp.stack([value * rows, hits, rows, zero]),
            jnp.stack([zero, zero, zero, one]),
        )
        return (state, bad, sums), None

    def train_epoch(carry, inputs):
        state, bad = carry
        epoch, fed_epoch = inputs
        if plan.fed:
            rows, mask = fed_epoch
        else:
            # The epoch's batches gathered in one go, (num_batches, padded, D + k):
            # one big gather is far cheaper than a small gather in every step.
            idx = _epoch_indices(key, epoch, plan)
            rows, mask = data[idx], idx < plan.n
        rows, mask = _constrain(rows, plan, axis=1), _constrain(mask, plan, axis=1)
        steps = epoch * nb + jnp.arange(nb, dtype=jnp.int32)
        # Real rows per batch, counted for the whole epoch at once.
        real = jnp.sum(mask, axis=1, dtype=jnp.int32)
        (state, bad, sums), _ = jax.lax.scan(
            train_step,
            (state, bad, jnp.zeros((4,), dtype)),
            (steps, rows, mask, real),
            unroll=_UNROLL,
        )
        metrics = {
            "loss": sums[0] / sums[2],
            "accuracy": sums[1] / (sums[2] * outputs),
        }
        if plan.skip:
            metrics["skipped"] = sums[3].astype(jnp.int32)
        if plan.has_val:
            vx, vy = val
            logits = linear(state.params, vx)
            metrics["val_loss"] = binary_cross_entropy_with_logits(logits, vy)
            metrics["val_accuracy"] = jnp.mean(
                ((logits > 0) == (vy > 0.5)).astype(dtype)
            )
        return (state, bad), metrics

    epochs = first_epoch + jnp.arange(num_epochs, dtype=jnp.int32)
    init = (state, jnp.asarray(-1, jnp.int32))
    (state, bad), metrics = jax.lax.scan(train_epoch, init, (epochs, fed))
    return state, bad, metrics


# Two steps per iteration of the compiled loop: measured about 15 % faster per step
# than one for small models on CPU; more unrolling compiled slower and ran no faster.
_UNROLL = 2

_run_epochs_jit = jax.jit(
    _run_epochs, static_argnames=("optimizer", "plan", "num_epochs")
)


# --------------------------------------------------------------------------------------
# Input checks.


def _positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {value}")
    return int(value)


def _check_params(params: Any) -> tuple[int, int, np.dtype]:
    try:
        w, b = params
        w_shape, b_shape = np.shape(w), np.shape(b)
    except (TypeError, ValueError):
        raise ValueError(
            "params must be LinearParams(w, b) (see funcgrad.init_linear), got "
            f"{type(params).__name__}"
        ) from None
    if len(w_shape) != 2 or b_shape != w_shape[1:]:
        raise ValueError(
            f"params must have w of shape (D, k) and b of shape (k,), got w "
            f"{tuple(w_shape)} and b {tuple(b_shape)}"
        )
    dtype = np.dtype(jnp.result_type(w))
    if not np.issubdtype(dtype, np.floating):
        raise ValueError(f"params must be floating point, got {dtype}")
    return w_shape[0], w_shape[1], dtype


def _as_data(
    X: Any, Y: Any, features: int, outputs: int, dtype: np.dtype, names: str
) -> tuple[np.ndarray, np.ndarray]:
    """Check ``X``/``Y`` and return them as ``(N, D)`` and ``(N, k)`` host arrays."""
    xname, yname = names.split("/")
    X, Y = np.asarray(X), np.asarray(Y)
    for name, a in ((xname, X), (yname, Y)):
        if a.dtype == object or not (
            np.issubdtype(a.dtype, np.number) or a.dtype == bool
        ):
            raise ValueError(f"{name} must be numeric, got dtype {a.dtype}")
    if X.ndim != 2:
        raise ValueError(f"{xname} must be 2-D (N, D), got shape {X.shape}")
    if Y.ndim not in (1, 2):
        raise ValueError(f"{yname} must be (N,) or (N, k), got shape {Y.shape}")
    if len(X) != len(Y):
        raise ValueError(
            f"{xname} and {yname} have different lengths: {xname} has {len(X)} rows, "
            f"{yname} has {len(Y)}"
        )
    if len(X) == 0:
        raise ValueError(f"{xname} and {yname} are empty")
    if X.shape[1] != features:
        raise ValueError(
            f"{xname} has {X.shape[1]} features but params.w expects {features}"
        )
    y_outputs = 1 if Y.ndim == 1 else Y.shape[1]
    if y_outputs != outputs:
        raise ValueError(
            f"{yname} has {y_outputs} column(s) (shape {Y.shape}) but the model has "
            f"{outputs} output(s) (params.w is (D, {outputs}))"
        )
    X = X.astype(dtype, copy=False)
    Y = Y.astype(dtype, copy=False).reshape(len(Y), outputs)
    for name, a in ((xname, X), (yname, Y)):
        bad = ~np.isfinite(a)
        if bad.any():
            row, col = np.argwhere(bad)[0]
            raise ValueError(
                f"{name} contains non-finite values (NaN or inf), first at row "
                f"{row}, column {col}"
            )
    outside = (Y < 0) | (Y > 1)
    if outside.any():
        row, col = np.argwhere(outside)[0]
        raise ValueError(
            f"{yname} must hold labels in [0, 1]; row {row}, column {col} is "
            f"{Y[row, col]}"
        )
    return X, Y


def _check_key(key: Any) -> jax.Array | np.ndarray:
    """A typed PRNG key as given, or a legacy ``uint32`` key as a NumPy array."""
    dtype = getattr(key, "dtype", None)
    if dtype is not None and jnp.issubdtype(dtype, jax.dtypes.prng_key):
        if key.shape != ():
            raise ValueError(f"key must be a single PRNG key, got shape {key.shape}")
        return key
    raw = np.asarray(key)
    if raw.dtype != np.uint32 or raw.ndim != 1:
        raise ValueError(
            f"key must be a PRNG key (jax.random.key(seed)), got {raw.dtype} of "
            f"shape {raw.shape}"
        )
    return raw


def _key_parts(key: jax.Array | np.ndarray) -> tuple[np.ndarray, str]:
    """The key's raw data and implementation name, to save or to send to processes."""
    if isinstance(key, np.ndarray):
        key = jax.random.wrap_key_data(key)
    return np.asarray(jax.random.key_data(key)), str(jax.random.key_impl(key))


# --------------------------------------------------------------------------------------
# Run identity, for checkpoints.


class _Describer:
    """A stable text for an optimizer: its functions, their code and closures.

    optax transformations are closures, so the code they run and the values they
    captured (learning rates, betas) identify them; object addresses never appear.
    ``complete`` stays true while everything met was described in full, in which
    case two optimizers with equal texts compute the same thing.
    """

    def __init__(self) -> None:
        self.complete = True

    def __call__(self, obj: Any, depth: int = 0, seen: frozenset = frozenset()) -> str:
        if depth > 16:
            self.complete = False
            return "..."
        if obj is None or isinstance(obj, (bool, int, float, complex, str, bytes)):
            return repr(obj)
        if isinstance(obj, (np.ndarray, np.generic, jax.Array)):
            a = np.asarray(obj)
            digest = hashlib.sha256(a.tobytes()).hexdigest()[:16]
            return f"array{a.shape}{a.dtype}:{digest}"
        if id(obj) in seen:
            return "<cycle>"
        seen = seen | {id(obj)}
        inner = lambda x: self(x, depth + 1, seen)  # noqa: E731
        if isinstance(obj, types.FunctionType):
            cells = []
            for cell in obj.__closure__ or ():
                try:
                    cells.append(inner(cell.cell_contents))
                except ValueError:  # an empty cell
                    cells.append("<empty>")
            defaults = inner(obj.__defaults__)
            kwdefaults = inner(obj.__kwdefaults__)
            name = f"{obj.__module__}.{obj.__qualname__}"
            code = self._code(obj.__code__)
            return f"{name}[{code}]({','.join(cells)};{defaults};{kwdefaults})"
        if isinstance(obj, (tuple, list)):
            return f"{type(obj).__name__}({','.join(inner(x) for x in obj)})"
        if isinstance(obj, dict):
            items = sorted((repr(k), inner(v)) for k, v in obj.items())
            return f"dict({','.join(f'{k}:{v}' for k, v in items)})"
        if isinstance(obj, functools.partial):
            return f"partial({inner((obj.func, obj.args, obj.keywords))})"
        if isinstance(obj, types.ModuleType):
            return obj.__name__
        if isinstance(obj, (type, types.BuiltinFunctionType)):
            return f"{obj.__module__}.{obj.__qualname__}"
        if hasattr(obj, "__wrapped__"):
            return f"wraps({inner(obj.__wrapped__)})"
        self.complete = False
        return type(obj).__qualname__

    def _code(self, code: types.CodeType) -> str:
        h = hashlib.sha256(code.co_code)
        h.update(repr(code.co_names).encode())
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                h.update(self._code(const).encode())
            else:
                h.update(repr(const).encode())
        return h.hexdigest()[:16]


def _optimizer_identity(optimizer: optax.GradientTransformation) -> tuple[str, bool]:
    describe = _Describer()
    text = describe(tuple(optimizer))
    return hashlib.sha256(text.encode()).hexdigest()[:16], describe.complete


_EQUIVALENT_OPTIMIZERS: dict[str, optax.GradientTransformation] = {}


def _canonical(optimizer: optax.GradientTransformation) -> optax.GradientTransformation:
    """An earlier, equivalent optimizer object, so its compiled loop is reused.

    jit caches by the optimizer object; ``optax.sgd(0.1)`` called twice gives two
    objects. When both are described in full and alike, they compute the same.
    """
    identity, complete = _optimizer_identity(optimizer)
    if not complete:
        return optimizer
    if identity not in _EQUIVALENT_OPTIMIZERS and len(_EQUIVALENT_OPTIMIZERS) >= 64:
        _EQUIVALENT_OPTIMIZERS.pop(next(iter(_EQUIVALENT_OPTIMIZERS)))
    return _EQUIVALENT_OPTIMIZERS.setdefault(identity, optimizer)


def _shapes(tree: Any) -> str:
    leaves = jax.tree.leaves(tree)
    shapes = ",".join(
        f"{np.dtype(jnp.result_type(x)).name}{list(np.shape(x))}" for x in leaves
    )
    return f"{jax.tree.structure(tree)} [{shapes}]"


def _run_options(
    *,
    params: Any,
    opt_state: Any,
    optimizer: optax.GradientTransformation,
    X: np.ndarray,
    Y: np.ndarray,
    y_shape: tuple[int, ...],
    batch_size: int,
    shuffle: bool,
    key_data: np.ndarray,
    key_impl: str,
    validation: tuple[np.ndarray, np.ndarray] | None,
) -> dict[str, Any]:
    data = hashlib.sha256()
    for a in (X, Y):
        data.update(np.ascontiguousarray(a).tobytes())
    return {
        "examples": int(X.shape[0]),
        "features": int(X.shape[1]),
        "y_shape": list(y_shape),
        "dtype": X.dtype.name,
        "params": _shapes(params),
        "opt_state": _shapes(opt_state),
        "optimizer": _optimizer_identity(optimizer)[0],
        "batch_size": int(batch_size),
        "shuffle": bool(shuffle),
        "key": [int(v) for v in key_data.ravel()],
        "key_impl": key_impl,
        "data_sha256": data.hexdigest(),
        "validation": None if validation is None else list(validation[0].shape),
    }


# --------------------------------------------------------------------------------------
# fit.


def fit(
    params: Any,
    X: Any,
    Y: Any,
    *,
    optimizer: optax.GradientTransformation,
    epochs: int,
    batch_size: int,
    key: jax.Array,
    shuffle: bool = True,
    validation: tuple[Any, Any] | None = None,
    devices: Sequence[Any] | int | None = None,
    callback: Callable[[int, dict[str, float]], Any] | None = None,
    checkpoint_dir: str | None = None,
    checkpoint_every: int = 1,
    max_to_keep: int = 3,
    on_nonfinite: Literal["raise", "skip"] = "raise",
) -> FitResult:
    """Train ``linear`` + BCE-with-logits on ``(X, Y)`` with ``optimizer``.

    Minibatches of ``batch_size`` rows (the last one padded and masked when it does
    not divide ``N``; a ``batch_size`` above ``N`` gives one batch) in an order drawn
    per epoch from ``key``; the same ``key`` gives bitwise the same result. See the
    module documentation for shapes, metrics, devices and several processes.

    Args:
      params: ``LinearParams`` with ``w`` of shape ``(D, k)``.
      X: ``(N, D)`` features. Y: ``(N,)`` or ``(N, k)`` labels in ``[0, 1]``.
      optimizer: an optax ``GradientTransformation``.
      epochs, batch_size: positive ints.
      key: a JAX PRNG key (``jax.random.key(seed)``).
      shuffle: draw a new order each epoch; if ``False``, rows go in order.
      validation: ``(X_val, Y_val)`` to measure after each epoch, or ``None``.
      devices: a list of JAX devices or a count to split each batch over.
      callback: ``callback(epoch, metrics)`` on the host after each epoch.
      checkpoint_dir: save a checkpoint every ``checkpoint_every`` epochs (and
        after the last), keeping ``max_to_keep``; a directory holding checkpoints
        of the same run resumes from the newest intact one. Checkpoints of a run
        with other data, shapes, batch size, shuffling, key, optimizer or
        validation set are refused with :class:`CheckpointError`.
      on_nonfinite: ``"raise"`` stops with :class:`NonFiniteLossError` at the
        first non-finite loss or gradient; ``"skip"`` leaves that batch's update
        out and counts it in ``history["skipped"]``.

    >>> import jax, jax.numpy as jnp, optax
    >>> import funcgrad as fg
    >>> X = jnp.array([[-2.0], [-1.0], [1.0], [2.0], [3.0]])
    >>> Y = jnp.array([0.0, 0.0, 1.0, 1.0, 1.0])
    >>> result = fg.fit(fg.init_linear(jax.random.key(0), 1, 1), X, Y,
    ...                 optimizer=optax.sgd(0.5), epochs=20, batch_size=2,
    ...                 key=jax.random.key(1))
    >>> result.history["accuracy"][-1]
    1.0
    >>> result.history["loss"][-1] < result.history["loss"][0]
    True
    """
    epochs = _positive_int("epochs", epochs)
    batch_size = _positive_int("batch_size", batch_size)
    checkpoint_every = _positive_int("checkpoint_every", checkpoint_every)
    max_to_keep = _positive_int("max_to_keep", max_to_keep)
    if on_nonfinite not in ("raise", "skip"):
        raise ValueError(
            f"on_nonfinite must be 'raise' or 'skip', got {on_nonfinite!r}"
        )
    if callback is not None and not callable(callback):
        raise ValueError(f"callback must be callable, got {callback!r}")
    if not (hasattr(optimizer, "init") and hasattr(optimizer, "update")):
        raise ValueError(
            f"optimizer must be an optax GradientTransformation, got {optimizer!r}"
        )
    optimizer = _canonical(optimizer)
    features, outputs, dtype = _check_params(params)
    y_shape = tuple(np.shape(Y))
    X, Y = _as_data(X, Y, features, outputs, dtype, "X/Y")
    val = None
    if validation is not None:
        try:
            vx, vy = validation
        except (TypeError, ValueError):
            raise ValueError(
                "validation must be a pair (X_val, Y_val) or None"
            ) from None
        val = _as_data(vx, vy, features, outputs, dtype, "X_val/Y_val")
    key = _check_key(key)

    mesh = dist.make_mesh(dist.resolve_devices(devices))
    n_devices = 1 if mesh is None else mesh.size
    fed = dist.multiprocess(mesh)
    key_data = key_impl = None
    if fed or checkpoint_dir is not None:
        key_data, key_impl = _key_parts(key)
    n = len(X)
    batch = min(batch_size, n)
    plan = _Plan(
        n=n,
        batch=batch,
        padded=-(-batch // n_devices) * n_devices,
        num_batches=-(-n // batch),
        shuffle=bool(shuffle),
        skip=on_nonfinite == "skip",
        has_val=val is not None,
        fed=fed,
        key_impl=key_impl if fed else None,
        mesh=mesh,
    )

    params = jax.tree.map(jnp.asarray, params)
    state = TrainState(params, optimizer.init(params), np.zeros((), np.int32))
    names = ["loss", "accuracy"]
    if plan.skip:
        names.append("skipped")
    if plan.has_val:
        names += ["val_loss", "val_accuracy"]
    history: dict[str, list[float]] = {name: [] for name in names}

    start, resumed_from, store, options = 0, None, None, {}
    if checkpoint_dir is not None:
        options = _run_options(
            params=state.params,
            opt_state=state.opt_state,
            optimizer=optimizer,
            X=X,
            Y=Y,
            y_shape=y_shape,
            batch_size=batch_size,
            shuffle=shuffle,
            key_data=key_data,
            key_impl=key_impl,
            validation=val,
        )
        store = Store(checkpoint_dir, max_to_keep)
    try:
        if store is not None:
            leaves, treedef = jax.tree.flatten(state)
            sharding = dist.replicated(mesh)
            abstract = [
                jax.ShapeDtypeStruct(np.shape(x), jnp.result_type(x), sharding=sharding)
                for x in [*leaves, key_data]
            ]
            restored = store.restore(options, abstract)
            if restored is not None:
                start, arrays, saved_history = restored
                if start > epochs:
                    raise CheckpointError(
                        f"checkpoint in {checkpoint_dir} has completed {start} epochs, "
                        f"more than the {epochs} asked for"
                    )
                state = jax.tree.unflatten(treedef, arrays[:-1])
                history = {
                    name: list(saved_history.get(name, [0.0] * start))[:start]
                    for name in names
                }
                resumed_from = start
        state = dist.put_replicated(state, mesh)
        return _train(
            state,
            X,
            Y,
            val,
            key_data if fed else key,
            plan,
            optimizer,
            start=start,
            epochs=epochs,
            history=history,
            callback=callback,
            store=store,
            options=options,
            checkpoint_every=checkpoint_every,
            resumed_from=resumed_from,
            key_data=key_data,
        )
    finally:
        if store is not None:
            store.close()


def _train(
    state: TrainState,
    X: np.ndarray,
    Y: np.ndarray,
    val: tuple[np.ndarray, np.ndarray] | None,
    key: jax.Array | np.ndarray,
    plan: _Plan,
    optimizer: optax.GradientTransformation,
    *,
    start: int,
    epochs: int,
    history: dict[str, list[float]],
    callback: Callable[[int, dict[str, float]], Any] | None,
    store: Store | None,
    options: dict[str, Any],
    checkpoint_every: int,
    resumed_from: int | None,
    key_data: np.ndarray | None,
) -> FitResult:
    mesh = plan.mesh
    # [X | Y] plus a row of zeros (row n), which the padding slots of a batch gather.
    rows = np.zeros((plan.n + 1, X.shape[1] + Y.shape[1]), X.dtype)
    rows[: plan.n, : X.shape[1]], rows[: plan.n, X.shape[1] :] = X, Y
    data = None if plan.fed else dist.put_replicated(rows, mesh)
    device_key = dist.put_replicated(key, mesh) if plan.fed else key
    device_val = None if val is None else dist.put_replicated(val, mesh)
    epoch = start
    while epoch < epochs:
        if callback is not None or plan.fed:
            stop = epoch + 1
        elif store is not None:
            stop = min(epochs, (epoch // checkpoint_every + 1) * checkpoint_every)
        else:
            stop = epochs
        fed = _feed(rows, key, epoch, plan) if plan.fed else None
        first = np.int32(epoch)
        if plan.fed:
            first = dist.put_replicated(first, mesh)
        state, bad, metrics = _run_epochs_jit(
            state,
            device_key,
            first,
            data,
            fed,
            device_val,
            optimizer=optimizer,
            plan=plan,
            num_epochs=stop - epoch,
        )
        bad, metrics = dist.to_host((bad, metrics))
        if bad >= 0:
            bad_epoch, bad_batch = divmod(int(bad), plan.num_batches)
            raise NonFiniteLossError(
                f"non-finite loss or gradient at epoch {bad_epoch}, batch "
                f"{bad_batch} of {plan.num_batches} (step {int(bad)}; counted from "
                f"0); training stopped before applying it",
                epoch=bad_epoch,
                batch=bad_batch,
                step=int(bad),
            )
        for name, values in history.items():
            values.extend(_python_number(v) for v in metrics[name])
        if store is not None and (stop % checkpoint_every == 0 or stop == epochs):
            store.save(stop, [*jax.tree.leaves(state), key_data], options, history)
        if callback is not None:
            callback(epoch, {name: values[-1] for name, values in history.items()})
        epoch = stop
    return FitResult(state.params, state.opt_state, history, resumed_from)


def _python_number(x: np.ndarray) -> float:
    value = x.item()
    return value if isinstance(value, int) else float(value)


def _feed(
    rows: np.ndarray, key_data: np.ndarray, epoch: int, plan: _Plan
) -> tuple[jax.Array, jax.Array]:
    """One epoch's batches as global arrays, built from this process's rows only."""
    mesh = plan.mesh
    local = jax.local_devices()[0]
    idx = _host_epoch_indices(
        jax.device_put(key_data, local), jax.device_put(np.int32(epoch), local), plan
    )
    idx = np.asarray(idx)
    nb, padded = idx.shape
    lo, hi = dist.local_block(mesh, (1, nb, padded), axis=2)
    mine = idx[None, :, lo:hi]
    return (
        dist.put_process_local(rows[mine], mesh, (1, nb, padded, rows.shape[1]), 2),
        dist.put_process_local(mine < plan.n, mesh, (1, nb, padded), axis=2),
    )


def initialize_distributed(
    coordinator_address: str, num_processes: int, process_id: int
) -> None:
    """Join a multi-process JAX run (``jax.distributed``); call before any JAX work.

    Selects gloo for CPU collectives (so processes on CPUs can all-reduce; GPU and
    TPU devices use their own), then connects to the coordinator at
    ``coordinator_address`` (``"host:port"``, served by process 0). Afterwards
    ``jax.devices()`` lists the devices of every process, and :func:`fit` trains
    over all of them when every process calls it with the same arguments.

    >>> initialize_distributed("127.0.0.1:12345", num_processes=2, process_id=2)
    Traceback (most recent call last):
    ...
    ValueError: process_id must be in [0, 2), got 2
    >>> initialize_distributed("127.0.0.1:12345", 2, 0)  # doctest: +SKIP
    """
    if not isinstance(coordinator_address, str) or ":" not in coordinator_address:
        raise ValueError(
            f"coordinator_address must be 'host:port', got {coordinator_address!r}"
        )
    num_processes = _positive_int("num_processes", num_processes)
    if (
        isinstance(process_id, bool)
        or not isinstance(process_id, (int, np.integer))
        or not 0 <= process_id < num_processes
    ):
        raise ValueError(
            f"process_id must be in [0, {num_processes}), got {process_id!r}"
        )
    jax.config.update("jax_cpu_collectives_implementation", "gloo")
    jax.distributed.initialize(
        coordinator_address=coordinator_address,
        num_processes=num_processes,
        process_id=int(process_id),
    )
