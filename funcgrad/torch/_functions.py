"""The ``torch.<op>`` functions: each forwards to the Tensor method or the registry."""

from __future__ import annotations

import jax
import numpy as np

from ..autograd import Tensor, dispatch, torch_functions
from ..autograd import check_mm as _check_mm
from ..autograd import wrap_dim as _wrap_dim
from ..autograd import write_out as write_out
from ..autograd.checks import expand as _expand_check
from ..autograd.dtypes import bool as bool_
from ..autograd.dtypes import get_default_dtype, int64
from ..autograd.matmul import matmul as matmul
from ..autograd.ops import OPS
from ..autograd.ops.reductions import numpy_names as _numpy_names
from . import _checks

# ``torch.exp`` and the other one-input registry ops: generated from the registry.
globals().update(torch_functions())


def _t(x) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def add(input, other, *, alpha=1) -> Tensor:
    """``input + alpha * other``.

    >>> from funcgrad.torch import tensor
    >>> add(tensor([1.0]), tensor([2.0]), alpha=3)
    tensor([7.])
    """
    return _t(input).add(other, alpha=alpha)


def sub(input, other, *, alpha=1) -> Tensor:
    """``input - alpha * other``.

    >>> from funcgrad.torch import tensor
    >>> sub(tensor([1.0]), 2)
    tensor([-1.])
    """
    return _t(input).sub(other, alpha=alpha)


def mul(input, other) -> Tensor:
    """Elementwise product.

    >>> from funcgrad.torch import tensor
    >>> mul(tensor([2.0]), 3)
    tensor([6.])
    """
    return _t(input) * other


def div(input, other) -> Tensor:
    """Elementwise quotient.

    >>> from funcgrad.torch import tensor
    >>> div(tensor([3.0]), 2)
    tensor([1.5000])
    """
    return _t(input) / other


def pow(input, exponent) -> Tensor:
    """``input ** exponent`` (either may be a scalar).

    >>> from funcgrad.torch import tensor
    >>> pow(tensor([3.0]), 2), pow(2, tensor([3.0]))
    (tensor([9.]), tensor([8.]))
    """
    if not isinstance(input, Tensor):
        return exponent.__rpow__(input)
    return input**exponent


def _unary(name: str):
    def fn(input: Tensor) -> Tensor:
        return getattr(_t(input), name)()

    fn.__name__ = name
    fn.__doc__ = f"""Elementwise ``{name}``.

    >>> from funcgrad.torch import tensor
    >>> {name}(tensor([1.0])).shape
    torch.Size([1])
    """
    return fn


t = _unary("t")
clone = _unary("clone")
detach = _unary("detach")


@_numpy_names
def sum(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:  # noqa: A001
    """Sum of all elements, or over ``dim``.

    >>> from funcgrad.torch import ones
    >>> sum(ones(2, 3), dim=1)
    tensor([3., 3.])
    """
    return _t(input).sum(dim, keepdim, dtype=dtype)


@_numpy_names
def mean(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Mean of all elements, or over ``dim``.

    >>> from funcgrad.torch import ones
    >>> mean(ones(2, 3))
    tensor(1.)
    """
    return _t(input).mean(dim, keepdim, dtype=dtype)


@_numpy_names
def max(input: Tensor, dim=None, keepdim: bool = False):  # noqa: A001
    """Maximum of all elements, or over ``dim``; of two tensors, elementwise.

    >>> from funcgrad.torch import tensor
    >>> max(tensor([1.0, 3.0])), max(tensor([1.0, 3.0]), tensor([2.0, 2.0]))
    (tensor(3.), tensor([2., 3.]))
    """
    if isinstance(dim, Tensor):
        return _t(input).maximum(dim)
    return _t(input).max(dim, keepdim)


@_numpy_names
def min(input: Tensor, dim=None, keepdim: bool = False):  # noqa: A001
    """Minimum of all elements, or over ``dim``; of two tensors, elementwise.

    >>> from funcgrad.torch import tensor
    >>> min(tensor([1.0, 3.0]))
    tensor(1.)
    """
    if isinstance(dim, Tensor):
        return _t(input).minimum(dim)
    return _t(input).min(dim, keepdim)


@_numpy_names
def argmax(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """Index of the largest element (flattened), or along ``dim``.

    >>> from funcgrad.torch import tensor
    >>> argmax(tensor([1.0, 3.0, 2.0]))
    tensor(1)
    """
    return _t(input).argmax(dim, keepdim)


@_numpy_names
def argmin(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """Index of the smallest element (flattened), or along ``dim``.

    >>> from funcgrad.torch import tensor
    >>> argmin(tensor([[1.0, 0.0], [3.0, 4.0]]), dim=1)
    tensor([1, 0])
    """
    return _t(input).argmin(dim, keepdim)


def where(condition: Tensor, input=None, other=None, *, out=None):  # noqa: A002
    """``input`` where ``condition`` holds, else ``other`` (either may be a
    number); ``where(condition)`` alone gives the indices where it holds.

    >>> from funcgrad.torch import tensor
    >>> where(tensor([True, False]), tensor([1.0, 2.0]), 0.0)
    tensor([1., 0.])
    >>> where(tensor([True, False]), 1.0, 0.0), where(tensor([False, True]))
    (tensor([1., 0.]), (tensor([1]),))
    """
    # raw arrays (``torch.func`` traces) are tensors here
    condition, input, other = (
        Tensor(a) if isinstance(a, jax.Array | np.ndarray) else a
        for a in (condition, input, other)
    )
    if not isinstance(condition, Tensor):
        got = ", ".join(type(a).__name__ for a in (condition, input, other))
        raise TypeError(
            f"where() received an invalid combination of arguments - got ({got}), "
            "but expected one of:"
        )
    if input is None and other is None and out is None:
        found = np.nonzero(np.asarray(condition._value))
        return tuple(Tensor(i, dtype=int64) for i in found)
    for position, (what, v) in enumerate((("input", input), ("other", other)), 2):
        if out is not None and not isinstance(v, Tensor):
            raise TypeError(
                f"where(): argument '{what}' (position {position}) must be Tensor, "
                f"not {type(v).__name__}"
            )
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        input, other = _scalar_pair(input, other)
    where_op = OPS["where"]
    args, _ = where_op.signature(input, condition, other)
    if out is not None:
        return write_out("where", out, lambda: dispatch(where_op, *args), args)
    return dispatch(where_op, *args)


def _scalar_pair(a, b) -> tuple[Tensor, Tensor]:
    """Two numbers as ``where`` takes them: tensors of their promoted dtype."""
    for v in (a, b):
        if not isinstance(v, bool | int | float):
            raise TypeError(
                f"where(): argument 'other' must be Number, not {type(v).__name__}"
            )
    if isinstance(a, float) or isinstance(b, float):
        dtype = get_default_dtype()
    elif isinstance(a, bool) and isinstance(b, bool):
        dtype = bool_
    else:
        dtype = int64
    return Tensor(a, dtype=dtype), Tensor(b, dtype=dtype)


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    """Matrix product of two 2-D tensors.

    >>> from funcgrad.torch import ones
    >>> mm(ones(2, 3), ones(3, 4)).shape
    torch.Size([2, 4])
    """
    return _t(input).mm(mat2)


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta=1, alpha=1) -> Tensor:
    """``beta * input + alpha * (mat1 @ mat2)`` (``input`` broadcast), one
    ``AddmmBackward0`` node.

    >>> from funcgrad.torch import ones
    >>> addmm(ones(3), ones(2, 4), ones(4, 3), alpha=2)
    tensor([[9., 9., 9.],
            [9., 9., 9.]])
    """
    mat1, mat2 = _t(mat1), _t(mat2)
    _check_mm(mat1, mat2)
    bias = _t(input)
    _expand_check((mat1.shape[0], mat2.shape[1]), tuple(bias.shape))
    scales = {k: v for k, v in (("beta", beta), ("alpha", alpha)) if v != 1}
    return dispatch("addmm", bias, mat1, mat2, **scales)


def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    """Batched matrix product of two 3-D tensors.

    >>> from funcgrad.torch import ones
    >>> bmm(ones(4, 2, 3), ones(4, 3, 5)).shape
    torch.Size([4, 2, 5])
    """
    return _t(input).bmm(mat2)


def mv(input: Tensor, vec: Tensor) -> Tensor:
    """Matrix-vector product.

    >>> from funcgrad.torch import ones
    >>> mv(ones(2, 3), ones(3))
    tensor([3., 3.])
    """
    return _t(input).mv(vec)


def dot(input: Tensor, other: Tensor) -> Tensor:
    """Dot product of two 1-D tensors.

    >>> from funcgrad.torch import ones
    >>> dot(ones(3), ones(3))
    tensor(3.)
    """
    return _t(input).dot(other)


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two dimensions.

    >>> from funcgrad.torch import ones
    >>> transpose(ones(2, 3), 0, 1).shape
    torch.Size([3, 2])
    """
    return _t(input).transpose(dim0, dim1)


def permute(input: Tensor, dims) -> Tensor:
    """Reorder dimensions.

    >>> from funcgrad.torch import ones
    >>> permute(ones(2, 3, 4), (2, 0, 1)).shape
    torch.Size([4, 2, 3])
    """
    return _t(input).permute(dims)


def reshape(input: Tensor, shape) -> Tensor:
    """A tensor with the same data and a new shape.

    >>> from funcgrad.torch import ones
    >>> reshape(ones(2, 3), (3, -1)).shape
    torch.Size([3, 2])
    """
    return _t(input).reshape(shape)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Flatten dimensions ``start_dim`` to ``end_dim`` into one.

    >>> from funcgrad.torch import ones
    >>> flatten(ones(2, 3)).shape
    torch.Size([6])
    """
    return _t(input).flatten(start_dim, end_dim)


def squeeze(input: Tensor, dim=None) -> Tensor:
    """Remove dimensions of size 1.

    >>> from funcgrad.torch import ones
    >>> squeeze(ones(1, 3)).shape
    torch.Size([3])
    """
    return _t(input).squeeze(dim)


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """Insert a dimension of size 1 at ``dim``.

    >>> from funcgrad.torch import ones
    >>> unsqueeze(ones(3), 0).shape
    torch.Size([1, 3])
    """
    return _t(input).unsqueeze(dim)


def cat(tensors, dim: int = 0) -> Tensor:
    """Concatenate along ``dim``.

    >>> from funcgrad.torch import ones
    >>> cat([ones(2), ones(3)]).shape
    torch.Size([5])
    """
    tensors = _checks.tensor_list("cat", tensors)
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    for i, x in enumerate(tensors):
        if x.ndim == 0:
            raise RuntimeError(
                f"zero-dimensional tensor (at position {i}) cannot be concatenated"
            )
    # torch skips legacy empty 1-D tensors (``zeros(0)``) in the shape checks
    tensors = [x for x in tensors if tuple(x.shape) != (0,)] or tensors[:1]
    first = tensors[0]
    d = _wrap_dim(dim, first.ndim)
    for i, x in enumerate(tensors[1:], start=1):
        if x.ndim != first.ndim:
            raise RuntimeError(
                "Tensors must have same number of dimensions: got "
                f"{first.ndim} and {x.ndim}"
            )
        for k in range(first.ndim):
            if k != d and x.shape[k] != first.shape[k]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected "
                    f"size {first.shape[k]} but got size {x.shape[k]} for tensor "
                    f"number {i} in the list."
                )
    return dispatch("cat", *tensors, dim=d)


concat = concatenate = cat


def stack(tensors, dim: int = 0) -> Tensor:
    """Stack along a new dimension ``dim``.

    >>> from funcgrad.torch import ones
    >>> stack([ones(2), ones(2)]).shape
    torch.Size([2, 2])
    """
    tensors = _checks.tensor_list("stack", tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    for i, x in enumerate(tensors):
        if x.shape != tensors[0].shape:
            raise RuntimeError(
                "stack expects each tensor to be equal size, but got "
                f"{list(tensors[0].shape)} at entry 0 and {list(x.shape)} at entry {i}"
            )
    return dispatch("stack", *tensors, dim=_wrap_dim(dim, tensors[0].ndim + 1))


def equal(input: Tensor, other: Tensor) -> bool:
    """Same shape and same values.

    >>> from funcgrad.torch import ones
    >>> equal(ones(2), ones(2))
    True
    """
    return _t(input).equal(other)


def allclose(
    input: Tensor, other: Tensor, rtol=1e-05, atol=1e-08, equal_nan=False
) -> bool:
    """All elements close within ``atol + rtol * |other|``.

    >>> from funcgrad.torch import ones
    >>> allclose(ones(2), ones(2) + 1e-9)
    True
    """
    return _t(input).allclose(other, rtol, atol, equal_nan)


def numel(input: Tensor) -> int:
    """The number of elements.

    >>> from funcgrad.torch import ones
    >>> numel(ones(2, 3))
    6
    """
    return _t(input).numel()


def is_tensor(obj) -> bool:
    """Whether ``obj`` is a facade Tensor.

    >>> from funcgrad.torch import ones
    >>> is_tensor(ones(1)), is_tensor([1])
    (True, False)
    """
    return isinstance(obj, Tensor)
