"""What ``fit`` checks before it trains: options, parameters, data and key.

Every check raises ``ValueError`` with a one-line message naming the argument; what
passes comes back as NamedTuples (:class:`Settings`, :class:`Data`) that the rest of
the loop reads.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax

from ._identity import canonical
from ._sources import Source, open_source

__all__ = [
    "Data",
    "Settings",
    "as_data",
    "check_data",
    "check_key",
    "check_params",
    "check_settings",
    "data_digest",
    "key_parts",
    "positive_int",
    "streamed",
]


class Settings(NamedTuple):
    """The options of a run that shape its training, checked."""

    optimizer: optax.GradientTransformation
    epochs: int
    batch_size: int
    key: jax.Array | np.ndarray  # a typed key, or legacy uint32 key data
    key_data: np.ndarray  # the key's raw data, to save or to send to processes
    key_impl: str
    shuffle: bool
    callback: Callable[[int, dict[str, float]], Any] | None
    skip: bool  # on_nonfinite == "skip"
    # progress(epoch, rows, total) on the host while data streams from a file.
    progress: Callable[[int, int, int], Any] | None = None


class Data(NamedTuple):
    """Training (and validation) arrays, checked: ``(N, D)`` and ``(N, k)``; or,
    for data streamed from a file, ``X`` a :class:`Source` and ``Y`` ``None``."""

    X: np.ndarray | Source
    Y: np.ndarray | None
    val: tuple[np.ndarray, np.ndarray] | None
    y_shape: tuple[int, ...]  # Y's shape as given


def check_settings(
    optimizer: Any,
    epochs: Any,
    batch_size: Any,
    key: Any,
    shuffle: Any,
    callback: Any,
    on_nonfinite: Any,
) -> Settings:
    epochs = positive_int("epochs", epochs)
    batch_size = positive_int("batch_size", batch_size)
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
    key = check_key(key)
    key_data, key_impl = key_parts(key)
    return Settings(
        optimizer=canonical(optimizer),
        epochs=epochs,
        batch_size=batch_size,
        key=key,
        key_data=key_data,
        key_impl=key_impl,
        shuffle=bool(shuffle),
        callback=callback,
        skip=on_nonfinite == "skip",
    )


def check_data(params: Any, X: Any, Y: Any, validation: Any) -> Data:
    features, outputs, dtype = check_params(params)
    if streamed(X):
        source = open_source(X, Y)
        _check_source(source, features, outputs, dtype)
        X, Y, y_shape = source, None, (source.n, source.outputs)
    else:
        y_shape = tuple(np.shape(Y))
        X, Y = as_data(X, Y, features, outputs, dtype, "X/Y")
    val = None
    if validation is not None:
        try:
            vx, vy = validation
        except (TypeError, ValueError):
            raise ValueError(
                "validation must be a pair (X_val, Y_val) or None"
            ) from None
        val = as_data(vx, vy, features, outputs, dtype, "X_val/Y_val")
    return Data(X, Y, val, y_shape)


def positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {value}")
    return int(value)


def streamed(X: Any) -> bool:
    """Whether ``fit`` streams ``X`` (a path or a memory map) rather than load it."""
    return isinstance(X, (str, os.PathLike, np.memmap))


def _check_source(source: Source, features: int, outputs: int, dtype: Any) -> None:
    if source.features != features:
        raise ValueError(
            f"{source.name} has {source.features} features but params.w expects "
            f"{features}"
        )
    if source.outputs != outputs:
        raise ValueError(
            f"{source.name} has {source.outputs} label column(s) but the model has "
            f"{outputs} output(s) (params.w is (D, {outputs}))"
        )
    if source.n == 0:
        raise ValueError(f"{source.name} has no rows")
    if np.dtype(dtype) != np.float32:
        raise ValueError(
            f"data streamed from a file trains float32 params, got {dtype}"
        )


def data_digest(data: Data) -> str:
    """What identifies the training data for a checkpoint: the bytes of arrays in
    memory; a file's path, size and modification time (reading a file too big for
    memory only to hash it would cost an epoch)."""
    if isinstance(data.X, Source):
        text = json.dumps(data.X.fingerprint(), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()
    digest = hashlib.sha256()
    for a in (data.X, data.Y):
        digest.update(np.ascontiguousarray(a).tobytes())
    return digest.hexdigest()


def check_params(params: Any) -> tuple[int, int, np.dtype]:
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


def as_data(
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


def check_key(key: Any) -> jax.Array | np.ndarray:
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


def key_parts(key: jax.Array | np.ndarray) -> tuple[np.ndarray, str]:
    """The key's raw data and implementation name, to save or to send to processes."""
    if isinstance(key, np.ndarray):
        key = jax.random.wrap_key_data(key)
    return np.asarray(jax.random.key_data(key)), str(jax.random.key_impl(key))
