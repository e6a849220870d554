"""``torch.autograd.Variable``: the legacy wrapper, now a plain tensor."""

from __future__ import annotations

from typing import Any

from ...autograd.tensor import Tensor

__all__ = ["Variable"]


class _VariableMeta(type):
    def __instancecheck__(cls, instance: Any) -> bool:
        return isinstance(instance, Tensor)


class Variable(metaclass=_VariableMeta):
    """``Variable(t, requires_grad=...)`` returns a tensor sharing ``t``'s value
    (every tensor is an instance of ``Variable``, as in PyTorch).

    >>> import funcgrad.torch as torch
    >>> x = torch.ones(2)
    >>> v = Variable(x, requires_grad=True)
    >>> v, v is x, isinstance(x, Variable)
    (tensor([1., 1.], requires_grad=True), False, True)
    """

    def __new__(  # type: ignore[misc]
        cls, data: Any = None, requires_grad: bool = False, volatile: bool = False
    ) -> Tensor:
        if data is None:
            data = Tensor([])
        if not isinstance(data, Tensor):
            raise TypeError(
                f"Variable data has to be a tensor, but got {type(data).__name__}"
            )
        return data.detach().requires_grad_(requires_grad)
