"""Devices: ``torch.device``, the default device, and placement on JAX devices.

The facade's devices are the JAX devices actually present: the host is ``cpu``,
and a JAX GPU (or TPU) is the facade's ``cuda`` accelerator, numbered in JAX's
order. Asking for a device kind that the backend lacks raises PyTorch's error for
it (``AssertionError: Torch not compiled with CUDA enabled``), never a silent CPU
tensor. Tensors get ``device``, ``to(device)``, ``cpu()``, ``cuda()`` and
``is_cuda`` from :func:`extend_tensor` (the engine's Tensor knows nothing of
torch devices).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

import jax

from ..autograd import dtypes as _dt
from ..autograd.tensor import Tensor, dispatch

__all__ = [
    "device",
    "extend_tensor",
    "get_default_device",
    "move_",
    "on_device",
    "set_default_device",
]

NO_CUDA = "Torch not compiled with CUDA enabled"
_KNOWN = (
    "cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, maia, xla, "
    "lazy, vulkan, mps, meta, hpu, mtia, privateuseone"
)
_ACCELERATORS = ("gpu", "cuda", "rocm", "tpu")


class device:  # noqa: N801 - torch's name
    """``torch.device``: a device type and an optional index.

    >>> device("cuda:1"), device("cpu").type, device("cpu").index
    (device(type='cuda', index=1), 'cpu', None)
    >>> print(device("cpu", 0))
    cpu:0
    >>> device("tpu")
    Traceback (most recent call last):
    ...
    RuntimeError: Expected one of cpu, cuda, ... device string: tpu
    """

    __slots__ = ("type", "index", "_prev")

    def __init__(self, type: Any, index: int | None = None) -> None:  # noqa: A002
        if isinstance(type, device):
            type, index = type.type, type.index if index is None else index
        elif not isinstance(type, str):
            raise RuntimeError(
                "Cannot access accelerator device when none is available."
            )
        elif ":" in type:
            if index is not None:
                raise RuntimeError(
                    "type (string) must not include an index because index was "
                    f"passed explicitly: {type}"
                )
            type, _, text = type.partition(":")
            if not text.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}:{text}'")
            index = int(text)
        if type not in _KNOWN.split(", "):
            raise RuntimeError(
                f"Expected one of {_KNOWN} device type at start of device string: "
                f"{type}"
            )
        if index is not None and index < 0:
            raise RuntimeError("Device index must not be negative")
        object.__setattr__(self, "type", type)
        object.__setattr__(self, "index", index)

    def __setattr__(self, name: str, value: Any) -> None:
        if name != "_prev":
            raise AttributeError(f"attribute '{name}' of 'torch.device' is read-only")
        object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, device):
            return False
        return (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))

    def __enter__(self) -> device:
        self._prev = _state.default
        set_default_device(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        _state.default = self._prev


# --- the JAX devices behind the facade's device names ------------------------------


def accelerators() -> list[jax.Device]:
    """The JAX accelerator devices present (GPUs or TPUs): the facade's ``cuda``.

    >>> accelerators() == [d for d in jax.devices() if d.platform != "cpu"]
    True
    """
    return [d for d in jax.devices() if d.platform in _ACCELERATORS]


@functools.cache
def _cpu() -> jax.Device:
    return jax.devices("cpu")[0]


def to_jax(dev: Any) -> jax.Device:
    """The JAX device behind a facade device (a string, ``device`` or index).

    >>> to_jax("cpu").platform
    'cpu'
    """
    if isinstance(dev, int):
        dev = device("cuda", dev)
    dev = device(dev)
    if dev.type == "cpu":
        return _cpu()
    if dev.type != "cuda":
        raise RuntimeError(
            f"funcgrad.torch has no {dev.type} device (only cpu and cuda)"
        )
    found = accelerators()
    if not found:
        raise AssertionError(NO_CUDA)
    index = 0 if dev.index is None else dev.index
    if index >= len(found):
        raise RuntimeError(
            "CUDA error: invalid device ordinal\nCUDA kernel errors might be "
            "asynchronously reported at some other API call, so the stacktrace "
            "below might be incorrect."
        )
    return found[index]


def from_jax(jdev: jax.Device) -> device:
    """The facade device of a JAX device: ``cpu``, or ``cuda:N``.

    >>> from_jax(jax.devices("cpu")[0])
    device(type='cpu')
    """
    if jdev.platform == "cpu":
        return device("cpu")
    return device("cuda", accelerators().index(jdev))


# --- the default device --------------------------------------------------------------


class _State(threading.local):
    default: device | None = None


_state = _State()


def set_default_device(device: Any) -> None:  # noqa: A002 - torch's name
    """Set the device that factories without ``device=`` create tensors on
    (``None``: JAX's default device). As in PyTorch, an absent device kind is
    reported when a tensor is created there.

    >>> set_default_device("cpu"); get_default_device()
    device(type='cpu')
    >>> set_default_device(None)
    """
    _state.default = None if device is None else _device_arg(device)


def get_default_device() -> device:
    """The device factories create tensors on.

    >>> get_default_device().type in ("cpu", "cuda")
    True
    """
    if _state.default is not None:
        return _state.default
    jdev = jax.devices()[0]
    return device("cpu") if jdev.platform == "cpu" else device("cuda", 0)


def _device_arg(dev: Any) -> device:
    if isinstance(dev, int):
        return device("cuda", dev)
    return device(dev)


def move_(t: Tensor, dev: Any) -> None:
    """Move ``t``'s value to device ``dev`` in place (a parameter stays the same
    object, as ``Module.to`` keeps it).

    >>> x = Tensor(jax.numpy.ones(2)); move_(x, "cpu"); x.device
    device(type='cpu')
    """
    target = to_jax(dev)
    value = t._value
    if not isinstance(value, jax.core.Tracer) and target not in value.devices():
        t._value = jax.device_put(value, target)
        if t._grad is not None:
            move_(t._grad, dev)


def place(t: Tensor, dev: Any) -> Tensor:
    """``t`` on device ``dev``: itself when it is there already, else a copy on
    that JAX device (``ToCopyBackward0`` when it requires grad).

    >>> x = Tensor(jax.numpy.ones(2))
    >>> place(x, "cpu") is x
    True
    """
    target = to_jax(dev)
    value = t._value
    if isinstance(value, jax.core.Tracer) or target in value.devices():
        return t
    out = dispatch("_to_copy", t, dtype=value.dtype)
    out._value = jax.device_put(out._value, target)
    return out


def on_device(
    factory: Callable[..., Tensor], *, like: bool = False
) -> Callable[..., Tensor]:
    """Give a factory ``device=``: the tensor is made, then placed on ``device``
    (or on the default device set by :func:`set_default_device`; for a ``like``
    factory, on its input's device).

    >>> import funcgrad.torch as torch
    >>> torch.zeros(2, device="cpu").device
    device(type='cpu')
    """

    @functools.wraps(factory)
    def make(*args: Any, device: Any = None, **kwargs: Any) -> Tensor:
        dev = device
        if dev is None:
            dev = args[0].device if like and args else _state.default
        if dev is not None:
            to_jax(dev)  # an absent device kind fails before any work
        out = factory(*args, **kwargs)
        if dev is None:
            return out
        placed = place(out, dev)
        if placed is not out:  # a fresh leaf, not a copy node
            placed = Tensor._wrap(placed._value, out.dtype)
            placed.requires_grad = out.requires_grad
        return placed

    return make


# --- Tensor methods ------------------------------------------------------------------


def split_to_args(args: tuple, kwargs: dict) -> tuple[Any, Any]:
    """``(device, dtype)`` from ``Tensor.to``'s forms: ``to(device)``,
    ``to(dtype)``, ``to(device, dtype)``, ``to(other)``, keywords."""
    dev, dt = kwargs.get("device"), kwargs.get("dtype")
    for a in args:
        if isinstance(a, Tensor):
            dev, dt = a.device, a.dtype
        elif isinstance(a, _dt.dtype):
            dt = a
        elif isinstance(a, str | device | int) and not isinstance(a, bool):
            dev = a
        elif a is not None:
            raise TypeError(
                f"to() received an invalid combination of arguments - got "
                f"({type(a).__name__})"
            )
    return dev, dt


def _tensor_device(self: Tensor) -> device:
    value = self._value
    if isinstance(value, jax.core.Tracer):
        return get_default_device()
    return from_jax(next(iter(value.devices())))


def extend_tensor(cls: type[Tensor]) -> None:
    """Give ``cls`` the device-aware ``device``/``to``/``cpu``/``cuda``/``is_cuda``
    (``to`` keeps its dtype conversions and adds device moves).

    >>> import funcgrad.torch as torch
    >>> torch.ones(1).to("cpu", torch.float64).dtype
    torch.float64
    """
    if getattr(cls, "_device_aware", False):
        return
    to_dtype = cls.to

    def to(self, *args: Any, non_blocking: bool = False, copy: bool = False, **kw):
        dev, dt = split_to_args(args, kw)
        out = self if dt is None else to_dtype(self, dt)
        if dev is not None:
            out = place(out, dev)
        return out.clone() if copy and out is self else out

    def cuda(self, device: Any = None, non_blocking: bool = False) -> Tensor:
        return place(self, "cuda" if device is None else _device_arg(device))

    def cpu(self, memory_format: Any = None) -> Tensor:
        return place(self, "cpu")

    def get_device(self) -> int:
        d = self.device
        return -1 if d.type == "cpu" else d.index

    cls.device = property(_tensor_device)
    cls.is_cuda = property(lambda self: self.device.type == "cuda")
    cls.is_cpu = property(lambda self: self.device.type == "cpu")
    cls.to = to
    cls.cuda = cuda
    cls.cpu = cpu
    cls.get_device = get_device
    cls._device_aware = True


extend_tensor(Tensor)
