"""The factories with ``device=``: each one from ``_factories``, placed on the
requested (or default) device by :func:`~funcgrad.torch._device.on_device`."""

from . import _draws, _factories
from ._device import on_device

__all__ = [
    "arange",
    "as_tensor",
    "bernoulli",
    "empty",
    "empty_like",
    "eye",
    "full",
    "full_like",
    "linspace",
    "logspace",
    "multinomial",
    "normal",
    "ones",
    "ones_like",
    "rand",
    "rand_like",
    "randint",
    "randint_like",
    "randn",
    "randn_like",
    "randperm",
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
bernoulli = on_device(_draws.bernoulli, like=True)
logspace = on_device(_factories.logspace)
multinomial = on_device(_draws.multinomial, like=True)
normal = on_device(_draws.normal)
randint = on_device(_draws.randint)
randint_like = on_device(_draws.randint_like, like=True)
randperm = on_device(_draws.randperm)
