"""``parameters_to_vector`` and ``vector_to_parameters``."""

from __future__ import annotations

from collections.abc import Iterable

from ....autograd import dtypes as _dt
from ....autograd.tensor import Tensor
from ..._functions import cat

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """The parameters flattened and concatenated (``CatBackward0`` over views).

    >>> import funcgrad.torch as torch
    >>> parameters_to_vector([torch.ones(2, 2), torch.zeros(1)])
    tensor([1., 1., 1., 1., 0.])
    """
    return cat([p.view(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive slices of ``vec`` into the parameters' data.

    >>> import funcgrad.torch as torch
    >>> ps = [torch.zeros(2), torch.zeros(1)]
    >>> vector_to_parameters(torch.tensor([1.0, 2.0, 3.0]), ps); ps
    [tensor([1., 2.]), tensor([3.])]
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    values = vec.detach()._value
    parameters = list(parameters)
    with _dt.scope(_dt.wide(vec, parameters)):
        _copy_slices(values, parameters)


def _copy_slices(values, parameters) -> None:
    start = 0
    for p in parameters:
        n = p.numel()
        p.data = (
            values[start : start + n].reshape(tuple(p.shape)).astype(p._value.dtype)
        )
        start += n
