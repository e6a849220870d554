"""``torch.linalg``: the vector and matrix norms and the singular values.

>>> import funcgrad.torch as torch
>>> torch.linalg.norm(torch.tensor([[3.0, 0.0], [0.0, 4.0]]), 2)
tensor(4.)
"""

from __future__ import annotations

from ..autograd import Tensor, dispatch
from ..autograd import linalg_norm as norm
from ..autograd import matrix_norm as matrix_norm
from ..autograd import vector_norm as vector_norm
from ..autograd.checks import SCALAR_NAMES


def svdvals(A: Tensor) -> Tensor:
    """The singular values of the matrices in ``A``'s last two dims, descending.

    >>> import funcgrad.torch as torch
    >>> svdvals(torch.tensor([[0.0, 2.0], [1.0, 0.0]]))
    tensor([2., 1.])
    """
    if A.ndim < 2:
        raise RuntimeError(
            "linalg.svd: The input tensor A must have at least 2 dimensions."
        )
    if not (A.dtype.is_floating_point or A.dtype.is_complex):
        raise RuntimeError(
            "linalg.svd: Expected a floating point or complex tensor as input. Got "
            f"{SCALAR_NAMES[A.dtype.name]}"
        )
    return dispatch("_linalg_svd", A)


__all__ = ["matrix_norm", "norm", "svdvals", "vector_norm"]
