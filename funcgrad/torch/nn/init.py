"""``torch.nn.init``: in-place initialisers drawing from the global generator.

They draw exactly what PyTorch's initialisers draw for the same seed (see
``funcgrad.torch._random``), so a seeded ``nn.Linear`` equals PyTorch's.
"""

from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np

from ...autograd import Tensor
from ...autograd import dtypes as _dt
from .. import _random

__all__ = [
    "calculate_gain",
    "constant_",
    "kaiming_normal_",
    "kaiming_uniform_",
    "normal_",
    "ones_",
    "uniform_",
    "xavier_normal_",
    "xavier_uniform_",
    "zeros_",
]


def _set(tensor: Tensor, values) -> Tensor:
    """Overwrite ``tensor``'s values in place, outside the graph (as under
    ``no_grad``), bumping its version."""
    with _dt.scope(tensor.dtype.x64):
        value = jnp.asarray(values, tensor._value.dtype).reshape(tensor.shape)
    tensor._value = value
    tensor._version += 1
    return tensor


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator=None) -> Tensor:
    """Fill with ``U(a, b)`` samples.

    >>> import funcgrad.torch as torch
    >>> _ = torch.manual_seed(0)
    >>> uniform_(torch.empty(3), -1.0, 1.0)
    tensor([-0.0075,  0.5364, -0.8230])
    """
    values = _random.uniform(tensor.shape, tensor.dtype, a, b, generator)
    return _set(tensor, values)


def normal_(
    tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator=None
) -> Tensor:
    """Fill with ``N(mean, std**2)`` samples.

    >>> import funcgrad.torch as torch
    >>> _ = torch.manual_seed(0)
    >>> normal_(torch.empty(2), 0.0, 2.0)
    tensor([ 3.0820, -0.5869])
    """
    values = _random.normal(tensor.shape, tensor.dtype, mean, std, generator)
    return _set(tensor, values)


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with ``val``.

    >>> import funcgrad.torch as torch
    >>> constant_(torch.empty(2), 0.5)
    tensor([0.5000, 0.5000])
    """
    return _set(tensor, np.full(tensor.shape, val))


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with zeros.

    >>> import funcgrad.torch as torch
    >>> zeros_(torch.ones(2))
    tensor([0., 0.])
    """
    return constant_(tensor, 0.0)


def ones_(tensor: Tensor) -> Tensor:
    """Fill with ones.

    >>> import funcgrad.torch as torch
    >>> ones_(torch.zeros(2))
    tensor([1., 1.])
    """
    return constant_(tensor, 1.0)


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """PyTorch's recommended gain for a nonlinearity.

    >>> calculate_gain("relu"), calculate_gain("leaky_relu", math.sqrt(5))
    (1.4142135623730951, 0.5773502691896257)
    """
    linear = (
        "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
        "conv_transpose2d", "conv_transpose3d", "sigmoid",
    )  # fmt: skip
    if nonlinearity in linear:
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, bool) or not isinstance(param, int | float):
            raise ValueError(f"negative_slope {param} not a valid number")
        else:
            slope = param
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight laid out ``(out, in, *kernel)``.

    >>> import funcgrad.torch as torch
    >>> _calculate_fan_in_and_fan_out(torch.empty(3, 5))
    (5, 3)
    """
    if tensor.ndim < 2:
        raise ValueError(
            "Fan in and fan out can not be computed for tensor with fewer than 2 "
            "dimensions"
        )
    receptive = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _fan(tensor: Tensor, mode: str) -> int:
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(
            f"Mode {mode} not supported, please use one of fan_in, fan_out"
        )
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def kaiming_uniform_(
    tensor: Tensor,
    a: float = 0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator=None,
) -> Tensor:
    """He initialisation, uniform: ``U(-bound, bound)``,
    ``bound = gain * sqrt(3 / fan)`` (computed in the same order as PyTorch, so
    the bound is the same double).

    >>> import funcgrad.torch as torch
    >>> _ = torch.manual_seed(0)
    >>> w = kaiming_uniform_(torch.empty(3, 5), a=math.sqrt(5))
    >>> import numpy as np
    >>> bool(np.all(np.abs(w.numpy()) <= 1 / math.sqrt(5)))
    True
    """
    if 0 in tensor.shape:
        return tensor
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(
    tensor: Tensor,
    a: float = 0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator=None,
) -> Tensor:
    """He initialisation, normal: ``N(0, (gain / sqrt(fan))**2)``.

    >>> import funcgrad.torch as torch
    >>> kaiming_normal_(torch.empty(4, 2)).shape
    torch.Size([4, 2])
    """
    if 0 in tensor.shape:
        return tensor
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    return normal_(tensor, 0.0, std, generator)


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    """Glorot initialisation, uniform: ``bound = gain * sqrt(6 / (fan_in + fan_out))``.

    >>> import funcgrad.torch as torch
    >>> xavier_uniform_(torch.empty(2, 3)).shape
    torch.Size([2, 3])
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std
    return uniform_(tensor, -a, a, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    """Glorot initialisation, normal: ``std = gain * sqrt(2 / (fan_in + fan_out))``.

    >>> import funcgrad.torch as torch
    >>> xavier_normal_(torch.empty(2, 3)).shape
    torch.Size([2, 3])
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)
