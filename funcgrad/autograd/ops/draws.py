"""Random draws in the graph: ``uniform_ normal_ exponential_ cauchy_
log_normal_ geometric_ random_ bernoulli_`` on a tensor that requires grad, and
``normal``/``bernoulli`` of tensors that do.

The numbers are drawn outside, by the facade's generator, and reach the forward
as its last argument (a constant, not a graph input); the forward returns them in
the input's dtype and shape. PyTorch defines these ops' gradients as zero, and the
VJP of a forward that ignores its graph inputs is exactly that.
"""

from __future__ import annotations

import jax.numpy as jnp

from ._registry import register


def _drawn(a, noise):
    """The drawn ``noise`` in the place of ``a`` (its shape and dtype)."""
    return jnp.broadcast_to(jnp.asarray(noise).astype(a.dtype), jnp.shape(a))


def _drawn_for(a, b, noise):
    """``noise`` drawn for the broadcast of ``a`` and ``b`` (``normal``)."""
    return jnp.asarray(noise).astype(jnp.result_type(a, b))


for _name, _node in (
    ("uniform_", "UniformBackward0"),
    ("normal_", "NormalBackward0"),
    ("exponential_", "ExponentialBackward0"),
    ("cauchy_", "CauchyBackward0"),
    ("log_normal_", "LogNormalBackward0"),
    ("geometric_", "GeometricBackward0"),
    ("random_.from", "RandomBackward0"),
    ("random_.to", "RandomBackward1"),
    ("random_", "RandomBackward2"),
    ("bernoulli_.float", "BernoulliBackward2"),
    ("bernoulli", "BernoulliBackward0"),
    ("normal.Tensor_float", "NormalBackward1"),
    ("normal.float_Tensor", "NormalBackward2"),
):
    register(_name, _drawn, _node, inputs=1)
register(
    "bernoulli_.Tensor",
    lambda a, p, noise: _drawn(a, noise),
    "BernoulliBackward1",
    inputs=2,
)
register("normal.Tensor_Tensor", _drawn_for, "NormalBackward3", inputs=2)
