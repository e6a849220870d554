"""Thread-local grad mode: ``no_grad``, ``enable_grad``, ``set_grad_enabled``,
``inference_mode`` and ``is_grad_enabled``.

Each switch is a context manager and a decorator. Entering pushes the previous mode
on a per-thread stack and exiting pops it, so nesting, threads and exceptions raised
inside the block all restore the mode that was there before.
"""

from __future__ import annotations

import functools
import inspect
import threading
from typing import Any

_state = threading.local()


def is_grad_enabled() -> bool:
    """Whether operations on tensors are recorded for ``backward()`` in this thread.

    >>> is_grad_enabled()
    True
    >>> with no_grad():
    ...     is_grad_enabled()
    False
    """
    return getattr(_state, "enabled", True)


def _set(mode: bool) -> None:
    _state.enabled = bool(mode)


def _stack() -> list[bool]:
    stack = getattr(_state, "stack", None)
    if stack is None:
        stack = _state.stack = []
    return stack


class _GradModeSwitch:
    """Base of the switches: set a mode on enter, restore the previous on exit."""

    _mode: bool

    def __enter__(self) -> None:
        _stack().append(is_grad_enabled())
        _set(self._mode)

    def __exit__(self, *exc: Any) -> None:
        _set(_stack().pop())

    def clone(self) -> _GradModeSwitch:
        return type(self)()

    def __call__(self, func):
        """Use the switch as a decorator: a fresh switch for every call."""
        if inspect.isclass(func):
            raise TypeError(f"{type(self).__name__} cannot decorate a class")
        if inspect.isgeneratorfunction(func):

            @functools.wraps(func)
            def gen_wrapper(*args, **kwargs):
                gen = func(*args, **kwargs)
                value = None
                while True:
                    with self.clone():
                        try:
                            item = gen.send(value)
                        except StopIteration as stop:
                            return stop.value
                    value = yield item

            return gen_wrapper

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)

        return wrapper


class _DecoratorOrContext(type):
    """Lets ``@no_grad`` (without parentheses) work as ``@no_grad()`` does."""

    def __call__(cls, *args, **kwargs):
        if len(args) == 1 and not kwargs and callable(args[0]) and cls._bare_ok:
            return type.__call__(cls)(args[0])
        return type.__call__(cls, *args, **kwargs)


class no_grad(_GradModeSwitch, metaclass=_DecoratorOrContext):
    """Disable gradient recording: results get no ``grad_fn`` and
    ``requires_grad=False``, and their values pass through ``jax.lax.stop_gradient``,
    so the block is a stop-gradient scope under ``jax.grad`` too.

    >>> with no_grad():
    ...     print(is_grad_enabled())
    False
    >>> @no_grad()
    ... def infer():
    ...     return is_grad_enabled()
    >>> infer(), is_grad_enabled()
    (False, True)
    """

    _mode = False
    _bare_ok = True


class enable_grad(_GradModeSwitch, metaclass=_DecoratorOrContext):
    """Enable gradient recording, also inside a ``no_grad`` block.

    >>> with no_grad():
    ...     with enable_grad():
    ...         print(is_grad_enabled())
    True
    """

    _mode = True
    _bare_ok = True


class set_grad_enabled(_GradModeSwitch, metaclass=_DecoratorOrContext):
    """Set grad mode to ``mode``: at once as a function call, or for a block as a
    context manager (restoring the previous mode on exit), or as a decorator.

    >>> with set_grad_enabled(False):
    ...     print(is_grad_enabled())
    False
    >>> is_grad_enabled()
    True
    """

    _bare_ok = False

    def __init__(self, mode: bool) -> None:
        self._mode = bool(mode)
        self._prev = is_grad_enabled()
        _set(self._mode)

    def __enter__(self) -> None:
        _stack().append(self._prev)
        _set(self._mode)

    def clone(self) -> set_grad_enabled:
        prev = is_grad_enabled()
        clone = set_grad_enabled(self._mode)
        _set(prev)
        clone._prev = prev
        return clone


class inference_mode(_GradModeSwitch, metaclass=_DecoratorOrContext):
    """Like ``no_grad`` for this facade (``inference_mode(False)`` is a no-op).

    >>> with inference_mode():
    ...     print(is_grad_enabled())
    False
    """

    _bare_ok = True

    def __init__(self, mode: bool = True) -> None:
        self._enabled = bool(mode)
        self._mode = not self._enabled

    def __enter__(self) -> None:
        _stack().append(is_grad_enabled())
        if self._enabled:
            _set(False)

    def clone(self) -> inference_mode:
        return inference_mode(self._enabled)
