"""Anomaly detection: find the forward line whose backward produced NaN.

While anomaly mode is on, every recorded node keeps the Python stack of the forward
call that created it (``node.metadata["traceback_"]``, as PyTorch keeps it), and
the backward sweep checks each node's input gradients: a NaN raises PyTorch's
``RuntimeError("Function 'SqrtBackward0' returned nan values in its 0th
output.")`` after warning ``Error detected in SqrtBackward0. Traceback of forward
call that caused the error:`` with that stack. Like PyTorch's, the mode is one
process-wide switch (not per thread), off by default; when off, the engine and
``dispatch`` pay one attribute check (``anomaly.enabled``).
"""

from __future__ import annotations

import functools
import os
import sys
import traceback
import warnings
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

__all__ = [
    "detect_anomaly",
    "is_anomaly_check_nan_enabled",
    "is_anomaly_enabled",
    "set_detect_anomaly",
]

enabled: bool = False
"""Whether anomaly mode is on: read directly (one attribute check) by the engine."""

_check_nan: bool = True

TRACE_KEY = "traceback_"
ENABLED_WARNING = (
    "Anomaly Detection has been enabled. This mode will increase the runtime and "
    "should only be enabled for debugging."
)

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

F = TypeVar("F", bound=Callable[..., Any])


def is_anomaly_enabled() -> bool:
    """Whether anomaly detection is on (PyTorch's ``torch.is_anomaly_enabled``).

    >>> is_anomaly_enabled()
    False
    >>> with set_detect_anomaly(True):
    ...     print(is_anomaly_enabled())
    True
    """
    return enabled


def is_anomaly_check_nan_enabled() -> bool:
    """Whether anomaly mode also checks backward outputs for NaN.

    >>> is_anomaly_check_nan_enabled()
    True
    >>> with set_detect_anomaly(True, check_nan=False):
    ...     print(is_anomaly_check_nan_enabled())
    False
    """
    return _check_nan


def _set(mode: bool, check_nan: bool) -> None:
    global enabled, _check_nan
    enabled = bool(mode)
    _check_nan = bool(check_nan)


class _Restoring:
    """Restores the mode saved at construction when a ``with`` block ends, and
    wraps functions (``@detect_anomaly()``) so each call runs in the mode."""

    _prev: bool
    _prev_check_nan: bool
    _mode: bool
    _nan: bool

    def __enter__(self) -> None:
        _set(self._mode, self._nan)

    def __exit__(self, *exc: object) -> None:
        _set(self._prev, self._prev_check_nan)

    def __call__(self, func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            prev, prev_nan = enabled, _check_nan
            _set(self._mode, self._nan)
            try:
                return func(*args, **kwargs)
            finally:
                _set(prev, prev_nan)

        return wrapper  # type: ignore[return-value]


class detect_anomaly(_Restoring):
    """Turn anomaly detection on for a block or, as a decorator, for each call.

    Nodes created inside remember the stack of their forward call; a backward
    node that returns NaN (with ``check_nan``) raises ``RuntimeError`` naming it,
    after warning with that stack. Constructing it warns, as PyTorch does, that
    the mode is slow.

    >>> import warnings
    >>> import funcgrad.torch as torch
    >>> x = torch.tensor([0.0, 4.0], requires_grad=True)
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     with detect_anomaly():
    ...         y = torch.sqrt(x)  # sqrt'(0) = inf, and inf * 0 is nan
    ...         try:
    ...             (y * 0).sum().backward()
    ...         except RuntimeError as e:
    ...             print(e)
    Function 'SqrtBackward0' returned nan values in its 0th output.
    >>> print(caught[0].message)
    Anomaly Detection has been enabled. This mode will increase the runtime and \
should only be enabled for debugging.
    >>> print(str(caught[1].message).splitlines()[0])
    Error detected in SqrtBackward0. Traceback of forward call that caused the error:
    >>> is_anomaly_enabled()
    False
    """

    def __init__(self, check_nan: bool = True) -> None:
        self._prev = enabled
        self._prev_check_nan = _check_nan
        self._mode = True
        self._nan = bool(check_nan)
        warnings.warn(ENABLED_WARNING, UserWarning, stacklevel=2)


class set_detect_anomaly(_Restoring):
    """Set anomaly detection on or off: at once when called, and back to the
    previous setting when used as a context manager and the block ends.

    >>> _ = set_detect_anomaly(True)
    >>> is_anomaly_enabled()
    True
    >>> _ = set_detect_anomaly(False)
    >>> with set_detect_anomaly(True):
    ...     print(is_anomaly_enabled())
    True
    >>> is_anomaly_enabled()
    False
    """

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self._prev = enabled
        self._prev_check_nan = _check_nan
        self._mode = bool(mode)
        self._nan = bool(check_nan)
        _set(self._mode, self._nan)


# --- the engine's side ---------------------------------------------------------------


def _in_package(filename: str) -> bool:
    return os.path.abspath(filename).startswith(_PACKAGE_DIR + os.sep)


def record(node: Any) -> None:
    """Remember, on ``node``, the stack of the forward call creating it.

    Called by ``dispatch`` only while anomaly mode is on. The frames inside
    funcgrad itself (``dispatch`` and the torch-namespace wrapper) are left out,
    so the stack ends at the caller's line, as PyTorch's does.

    >>> class N:
    ...     metadata = {}
    >>> record(N)
    >>> N.metadata["traceback_"][-1].startswith('  File "')
    True
    """
    frames = traceback.extract_stack(sys._getframe(1))
    end = len(frames)
    while end > 1 and _in_package(frames[end - 1].filename):
        end -= 1
    node.metadata[TRACE_KEY] = traceback.format_list(frames[:end])


def _has_nan(value: Any) -> bool:
    import jax
    import numpy as np

    value = getattr(value, "_value", value)
    if isinstance(value, jax.core.Tracer):
        return False  # under a JAX transform: nothing concrete to check
    arr = np.asarray(value)
    return arr.dtype.kind in "fc" and bool(np.isnan(arr).any())


def check(node: Any, input_cts: Sequence[Any]) -> None:
    """Raise PyTorch's error if ``node`` returned NaN, after warning with the
    stack of the forward call that created it.

    Called by the engine right after ``node`` computed its input gradients, only
    while anomaly mode is on.

    >>> class N:
    ...     metadata = {}
    ...     def name(self):
    ...         return "LogBackward0"
    >>> check(N(), [None, 1.0])
    >>> check(N(), [float("nan")])
    Traceback (most recent call last):
    ...
    RuntimeError: Function 'LogBackward0' returned nan values in its 0th output.
    """
    if not _check_nan:
        return
    for i, ct in enumerate(input_cts):
        if ct is not None and _has_nan(ct):
            print_stack(node)
            raise RuntimeError(
                f"Function '{node.name()}' returned nan values in its {i}th output."
            )


def print_stack(node: Any) -> None:
    """Warn ``Error detected in <node>`` with the forward stack recorded on it.

    It is a ``UserWarning``, as in PyTorch; where warnings are turned into
    errors, the text is written to stderr instead so the error that follows is
    not lost.
    """
    name = node.name()
    stack = node.metadata.get(TRACE_KEY)
    if stack is None:
        message = (
            f"Error detected in {name}. No forward pass information available. "
            "Enable detect anomaly during forward pass for more information."
        )
    else:
        message = (
            f"Error detected in {name}. Traceback of forward call that caused the "
            "error:\n" + "".join(stack).rstrip("\n")
        )
    level, frame = 1, sys._getframe(0)
    while frame is not None and _in_package(frame.f_code.co_filename):
        frame, level = frame.f_back, level + 1
    try:
        warnings.warn(message, UserWarning, stacklevel=level)
    except UserWarning:
        sys.stderr.write(f"UserWarning: {message}\n")
        sys.stderr.flush()
