"""One training step: ``TrainState``, ``make_train_step`` and the masked batch loss.

The pieces the compiled epoch loop is built from: the state a step updates, how a
step applies an optax update, and the loss of a padded batch (mean over its real
rows only).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax

from ..functional import binary_cross_entropy_with_logits, linear, loss

__all__ = [
    "TrainState",
    "all_finite",
    "apply_gradients",
    "make_train_step",
    "masked_loss",
    "select",
]


class TrainState(NamedTuple):
    """Everything a training step updates: parameters, optimizer state, step count.

    ``step`` is an ``int32`` scalar array counting the updates applied.

    >>> import jax, jax.numpy as jnp, optax
    >>> import funcgrad as fg
    >>> params = fg.init_linear(jax.random.key(0), 3, 1)
    >>> opt = optax.sgd(0.1)
    >>> state = fg.TrainState(params, opt.init(params), jnp.zeros((), jnp.int32))
    >>> state.step
    Array(0, dtype=int32)
    """

    params: Any
    opt_state: optax.OptState
    step: jax.Array


def apply_gradients(
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
        return apply_gradients(optimizer, state, grads), value

    return jax.jit(step_fn)


def masked_loss(
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
    # Flat, like the loss itself (elementwise work on an (N, 1) array is slow on CPU).
    keep = jnp.broadcast_to(mask[:, None], per_element.shape).reshape(-1)
    total = jnp.sum(jnp.where(keep, per_element.reshape(-1), 0.0))
    if real is None:
        real = jnp.sum(mask)
    count = jnp.maximum(real, 1) * per_element.shape[1]
    return total / count.astype(total.dtype), logits


def all_finite(tree: Any) -> jax.Array:
    leaves = [jnp.all(jnp.isfinite(leaf)) for leaf in jax.tree.leaves(tree)]
    return jnp.all(jnp.stack(leaves)) if leaves else jnp.asarray(True)


def select(ok: jax.Array, new: Any, old: Any) -> Any:
    return jax.tree.map(lambda a, b: jnp.where(ok, a, b), new, old)
