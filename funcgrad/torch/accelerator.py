"""``torch.accelerator``: the JAX accelerator present, as the facade's ``cuda``."""

from __future__ import annotations

from ._device import accelerators, device

__all__ = [
    "current_accelerator",
    "current_device_index",
    "device_count",
    "is_available",
    "synchronize",
]


def is_available() -> bool:
    """Whether JAX sees a GPU or TPU.

    >>> is_available() == (device_count() > 0)
    True
    """
    return bool(accelerators())


def device_count() -> int:
    """How many accelerator devices JAX sees.

    >>> device_count() >= 0
    True
    """
    return len(accelerators())


def current_accelerator(check_available: bool = False) -> device | None:
    """``device(type='cuda')`` when JAX has an accelerator, else ``None``.

    >>> current_accelerator() is None or current_accelerator().type == "cuda"
    True
    """
    return device("cuda") if accelerators() else None


def current_device_index() -> int:
    """The current accelerator's index: 0, or -1 without one.

    >>> current_device_index() in (-1, 0)
    True
    """
    return 0 if accelerators() else -1


def synchronize(device: object = None) -> None:
    """Nothing is queued once a value is read.

    >>> synchronize()
    """
