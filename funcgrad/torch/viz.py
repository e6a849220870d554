"""``funcgrad.torch.viz``: torchviz's ``make_dot`` for facade tensors.

>>> import funcgrad.torch as torch
>>> a = torch.ones(2, requires_grad=True)
>>> "MulBackward0" in torch.viz.make_dot(a * 2).source
True
"""

from ..viz import DotGraph as DotGraph
from ..viz import GraphvizNotFoundError as GraphvizNotFoundError
from ..viz import make_dot as make_dot

__all__ = ["DotGraph", "GraphvizNotFoundError", "make_dot"]
