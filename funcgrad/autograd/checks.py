"""Argument checks of indexing and hooks, with PyTorch's exception types and words.

JAX clamps out-of-range indices and broadcasts what it can; PyTorch raises. These
checks run on concrete index values before JAX sees them (a traced index cannot be
checked without a host round trip), so a wrong index is an error, never a number.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import numpy as np

BAD_INDEX_DTYPE = "tensors used as indices must be long, int, byte or bool tensors"


def scalar_key(key: Any) -> None:
    """Reject a key that is neither an int, a slice, ``...``, ``None`` nor an array.

    >>> scalar_key(1.5)
    Traceback (most recent call last):
    ...
    IndexError: only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices (got float)
    """  # noqa: E501
    if isinstance(key, str | bytes):
        raise TypeError(f"new(): invalid data type '{type(key).__name__}'")
    if isinstance(key, bool | np.bool_):
        return
    if isinstance(key, float | complex | np.floating):
        raise IndexError(
            "only integers, slices (`:`), ellipsis (`...`), None and long or byte "
            f"Variables are valid indices (got {type(key).__name__})"
        )


def index_array(a: Any, shape: tuple[int, ...], dim: int, ordinal: int) -> None:
    """Check one array index ``a`` against ``shape[dim:]``: integer or bool dtype,
    a mask's shape equal to the dimensions it covers, integers in bounds.
    ``ordinal`` is the index's position among the key's arrays (torch's
    "dimension" in its bounds message).

    >>> index_array(np.array([0, 5]), (3,), 0, 0)
    Traceback (most recent call last):
    ...
    IndexError: index 5 is out of bounds for dimension 0 with size 3
    >>> index_array(np.array([True, False]), (3,), 0, 0)
    Traceback (most recent call last):
    ...
    IndexError: The shape of the mask [2] at index 0 does not match the shape of the indexed tensor [3] at index 0
    """  # noqa: E501
    kind = np.dtype(a.dtype).kind
    if kind not in "biu":
        raise IndexError(BAD_INDEX_DTYPE)
    if isinstance(a, jax.core.Tracer):
        return
    if kind == "b":
        covered = shape[dim : dim + a.ndim]
        for j, (m, s) in enumerate(zip(a.shape, covered, strict=False)):
            if m != s:
                raise IndexError(
                    f"The shape of the mask {list(a.shape)} at index {j} does not "
                    f"match the shape of the indexed tensor {list(shape)} at index "
                    f"{dim + j}"
                )
        if len(covered) < a.ndim:
            raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
        return
    if dim >= len(shape):
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
    size = shape[dim]
    values = np.asarray(a)
    bad = values[(values < -size) | (values >= size)]
    if bad.size:
        raise IndexError(
            f"index {int(bad.flat[0])} is out of bounds for dimension {ordinal} with "
            f"size {size}"
        )


def broadcast_indices(shapes: list[tuple[int, ...]]) -> None:
    """The index arrays of one key must broadcast together.

    >>> broadcast_indices([(2,), (3,)])
    Traceback (most recent call last):
    ...
    IndexError: shape mismatch: indexing tensors could not be broadcast together with shapes [2], [3]
    """  # noqa: E501
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        listed = ", ".join(str(list(s)) for s in shapes)
        raise IndexError(
            "shape mismatch: indexing tensors could not be broadcast together with "
            f"shapes {listed}"
        ) from None


def hook_result(
    hook: Callable, grad: Any, out: Any, is_tensor: Callable[[Any], bool]
) -> None:
    """What a tensor hook returned must be ``None`` or a tensor of the gradient's
    size and type, as PyTorch checks it before using it.

    >>> import numpy as np
    >>> def double(g): ...
    >>> hook_result(double, np.ones(3), np.ones(2), lambda x: True)
    Traceback (most recent call last):
    ...
    RuntimeError: hook 'double' has changed the size of value
    """
    if out is None:
        return
    if not is_tensor(out):
        raise TypeError(f"expected Variable, but hook returned '{type(out).__name__}'")
    name = getattr(hook, "__name__", "<unknown>")
    if tuple(out.shape) != tuple(grad.shape):
        raise RuntimeError(f"hook '{name}' has changed the size of value")
    if out.dtype != grad.dtype:
        raise RuntimeError(
            f"hook '{name}' has changed the type of value (was {grad.type()} got "
            f"{out.type()})"
        )
