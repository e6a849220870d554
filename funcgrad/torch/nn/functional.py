"""``torch.nn.functional``: losses and activations over the registry.

The losses call the functional core's pure functions (one copy of the maths).
"""

from __future__ import annotations

from ...autograd.tensor import Tensor, dispatch


def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
    pos_weight: Tensor | None = None,
) -> Tensor:
    """Binary cross-entropy on logits (``funcgrad.binary_cross_entropy_with_logits``).

    >>> import funcgrad.torch as torch
    >>> z = torch.zeros(3, requires_grad=True)
    >>> binary_cross_entropy_with_logits(z, torch.ones(3))
    tensor(0.6931, grad_fn=<BinaryCrossEntropyWithLogitsBackward0>)
    """
    if target.shape != input.shape:
        raise ValueError(
            f"Target size ({target.shape}) must be the same as input size ({input.shape})"
        )
    return dispatch(
        "binary_cross_entropy_with_logits",
        input,
        target,
        weight,
        pos_weight,
        reduction=reduction,
    )
