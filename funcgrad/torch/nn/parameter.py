"""``torch.nn.Parameter``: a leaf tensor that a :class:`~funcgrad.torch.nn.Module`
registers as one of its parameters."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from ...autograd import Tensor, register_pytree
from ...autograd import dtypes as _dt


class Parameter(Tensor):
    """A leaf tensor that requires grad by default and prints as a parameter.

    >>> import funcgrad.torch as torch
    >>> p = Parameter(torch.ones(2))
    >>> p
    Parameter containing:
    tensor([1., 1.], requires_grad=True)
    >>> p.is_leaf, p.requires_grad, isinstance(p, torch.Tensor)
    (True, True, True)
    """

    _is_parameter = True

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            data = jnp.zeros((0,), jnp.float32)
        dtype = data.dtype if isinstance(data, Tensor) else None
        super().__init__(data, dtype=dtype, requires_grad=requires_grad)

    def __reduce_ex__(self, protocol):
        return (_rebuild, (self.detach(), self.requires_grad))

    def __deepcopy__(self, memo: dict) -> Parameter:
        out = Parameter(self.detach(), self.requires_grad)
        memo[id(self)] = out
        return out


class UninitializedParameter(Parameter):
    """A parameter whose shape is not known yet (a lazy module's, until its
    first call): :meth:`materialize` turns it into a :class:`Parameter`.

    >>> p = UninitializedParameter()
    >>> p
    <UninitializedParameter>
    >>> p.materialize((2,)); p
    Parameter containing:
    tensor([0., 0.], requires_grad=True)
    """

    def __repr__(self) -> str:
        return "<UninitializedParameter>"

    def materialize(self, shape: tuple[int, ...], dtype: Any = None) -> None:
        """Become a zero :class:`Parameter` of ``shape`` (in place: the object
        stays the one modules and optimizers hold)."""
        d = _dt.to_dtype(dtype) if dtype is not None else _dt.get_default_dtype()
        self._init(jnp.zeros(tuple(shape), d.storage()), d)
        self._requires_grad = True
        self.__class__ = Parameter


def _rebuild(data: Tensor, requires_grad: bool) -> Parameter:
    return Parameter(data, requires_grad)


register_pytree(Parameter)
register_pytree(UninitializedParameter)
