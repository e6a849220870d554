"""The factories with ``device=``: each one from ``_factories``, placed on the
requested (or default) device by :func:`~funcgrad.torch._device.on_device`."""

from . import _factories
from ._device import on_device

__all__ = [
    "arange",
    "as_tensor",
    "empty",
    "empty_like",
    "eye",
    "full",
    "full_like",
    "linspace",
    "ones",
    "ones_like",
    "rand",
    "rand_like",
    "randn",
    "randn_like",
    "tensor",
    "zeros",
    "zeros_like",
]

arange = on_device(_factories.arange)
as_tensor = on_device(_factories.as_tensor)
empty = on_device(_factories.empty)
empty_like = on_device(_factories.empty_like, like=True)
eye = on_device(_factories.eye)
full = on_device(_factories.full)
full_like = on_device(_factories.full_like, like=True)
linspace = on_device(_factories.linspace)
ones = on_device(_factories.ones)
ones_like = on_device(_factories.ones_like, like=True)
rand = on_device(_factories.rand)
rand_like = on_device(_factories.rand_like, like=True)
randn = on_device(_factories.randn)
randn_like = on_device(_factories.randn_like, like=True)
tensor = on_device(_factories.tensor)
zeros = on_device(_factories.zeros)
zeros_like = on_device(_factories.zeros_like, like=True)
