"""``torch.cuda``: answers for the JAX accelerators actually present (a JAX GPU or
TPU is the facade's ``cuda`` device)."""

from __future__ import annotations

from typing import Any

from ._device import NO_CUDA, accelerators, device, to_jax

__all__ = [
    "current_device",
    "device_count",
    "get_device_name",
    "is_available",
    "manual_seed",
    "manual_seed_all",
    "synchronize",
]


def is_available() -> bool:
    """Whether JAX sees a GPU or TPU.

    >>> is_available() == bool(device_count())
    True
    """
    return bool(accelerators())


def device_count() -> int:
    """How many JAX accelerator devices there are.

    >>> device_count() >= 0
    True
    """
    return len(accelerators())


def current_device() -> int:
    """The index of the current accelerator (always 0), or PyTorch's error.

    >>> current_device() if is_available() else 0
    0
    """
    if not accelerators():
        raise AssertionError(NO_CUDA)
    return 0


def get_device_name(device: Any = None) -> str:
    """The JAX device's kind (``"NVIDIA H100 80GB HBM3"``, ...).

    >>> isinstance(get_device_name(), str) if is_available() else True
    True
    """
    return to_jax(_cuda(device)).device_kind


def synchronize(device: Any = None) -> None:
    """Wait for the accelerator's queued work (JAX: ``block_until_ready`` is per
    array; nothing is pending here once a value is read).

    >>> synchronize() if is_available() else None
    """
    to_jax(_cuda(device))


def manual_seed(seed: int) -> None:
    """Seed the accelerator's generators: the facade draws every random number
    from the CPU generator (``torch.manual_seed``), so this does nothing.

    >>> manual_seed(0)
    """


manual_seed_all = manual_seed


def _cuda(dev: Any) -> device:
    if dev is None:
        return device("cuda", 0)
    return device("cuda", dev) if isinstance(dev, int) else device(dev)
