"""The ``torch.*`` reductions and sorting functions that are not generated from
the registry: each forwards to the Tensor method of its name (``prod``,
``median``, ``argsort``...), or pairs two registry results (``var_mean``)."""

from __future__ import annotations

from ..autograd import Tensor, dispatch
from ..autograd import norm as norm
from ..autograd import unique as unique
from ..autograd.ops import reductions as _reductions


def _t(x) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


@_reductions.numpy_names
def prod(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Product of all elements, or along one ``dim``.

    >>> from funcgrad.torch import tensor
    >>> prod(tensor([[1, 2], [3, 4]])), prod(tensor([[1.0, 2.0], [3.0, 4.0]]), 0)
    (tensor(24), tensor([3., 8.]))
    """
    return _t(input).prod(dim, keepdim, dtype=dtype)


@_reductions.numpy_names
def median(input: Tensor, dim=None, keepdim: bool = False):
    """The lower median, of all elements or along ``dim`` (with its indices).

    >>> from funcgrad.torch import tensor
    >>> median(tensor([[1.0, 5.0, 2.0]]), 1)
    torch.return_types.median(
    values=tensor([2.]),
    indices=tensor([2]))
    """
    return _t(input).median(dim, keepdim)


@_reductions.numpy_names
def argsort(input: Tensor, dim: int = -1, descending: bool = False, *, stable=False):
    """Positions that sort ``input`` along ``dim``.

    >>> from funcgrad.torch import tensor
    >>> argsort(tensor([2.0, 3.0, 1.0]))
    tensor([2, 0, 1])
    """
    return _t(input).argsort(dim, descending, stable=stable)


def sort(input: Tensor, *args, **kwargs):
    """``(values, indices)`` of ``input`` sorted along ``dim``.

    >>> from funcgrad.torch import tensor
    >>> sort(tensor([2.0, 3.0, 1.0]), stable=True).indices
    tensor([2, 0, 1])
    """
    return _t(input).sort(*args, **kwargs)


def msort(input: Tensor) -> Tensor:
    """``input`` sorted along its first dimension.

    >>> from funcgrad.torch import tensor
    >>> msort(tensor([2.0, 3.0, 1.0]))
    tensor([1., 2., 3.])
    """
    return _t(input).msort()


@_reductions.numpy_names
def all(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:  # noqa: A001
    """Whether all elements (along ``dim``) are nonzero.

    >>> from funcgrad.torch import tensor
    >>> all(tensor([1.0, 2.0])), all(tensor([[1, 0], [1, 1]]), 1)
    (tensor(True), tensor([False,  True]))
    """
    return _t(input).all(dim, keepdim)


@_reductions.numpy_names
def any(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:  # noqa: A001
    """Whether any element (along ``dim``) is nonzero.

    >>> from funcgrad.torch import tensor
    >>> any(tensor([0.0, 0.0])), any(tensor([[1, 0], [0, 0]]), 0)
    (tensor(False), tensor([ True, False]))
    """
    return _t(input).any(dim, keepdim)


@_reductions.numpy_names
def count_nonzero(input: Tensor, dim=None) -> Tensor:
    """How many elements (along ``dim``) are nonzero.

    >>> from funcgrad.torch import tensor
    >>> count_nonzero(tensor([[0.0, 1.0], [2.0, 3.0]]))
    tensor(3)
    """
    return _t(input).count_nonzero(dim)


def _paired(name: str, input: Tensor, args: tuple, kwargs: dict):
    (x,), options = _reductions.spread_args(name)(_t(input), *args, **kwargs)
    return dispatch(name, x, **options), dispatch(name, x, part=1, **options)


def var_mean(input: Tensor, *args, **kwargs) -> tuple[Tensor, Tensor]:
    """``(var, mean)`` over ``dim`` (``unbiased``/``correction`` as for ``var``),
    both recorded as ``VarMeanBackward0``.

    >>> from funcgrad.torch import tensor
    >>> var_mean(tensor([1.0, 2.0, 3.0, 4.0]))
    (tensor(1.6667), tensor(2.5000))
    """
    return _paired("var_mean", input, args, kwargs)


def std_mean(input: Tensor, *args, **kwargs) -> tuple[Tensor, Tensor]:
    """``(std, mean)`` over ``dim``, both recorded as ``StdMeanBackward0``.

    >>> from funcgrad.torch import tensor
    >>> std_mean(tensor([[1.0, 3.0]]), dim=1, correction=0)
    (tensor([1.]), tensor([2.]))
    """
    return _paired("std_mean", input, args, kwargs)


__all__ = [
    "all",
    "any",
    "argsort",
    "count_nonzero",
    "median",
    "msort",
    "norm",
    "prod",
    "sort",
    "std_mean",
    "unique",
    "var_mean",
]
