"""Computation graphs as Graphviz pictures: the facade's and JAX's.

:func:`make_dot` (:mod:`funcgrad.viz.facade`) draws the backward graph of a facade
tensor in the manner of torchviz. :func:`jaxpr_dot` (:mod:`funcgrad.viz.jaxpr`)
draws the other side of the story: the jaxpr of a JAX function such as
``jax.grad(funcgrad.loss)``, one box per equation and one edge per variable, with
``jit`` calls drawn as nested clusters.

Both return a :class:`DotGraph`: the DOT text is written here (no Python Graphviz
package needed); rendering to SVG or PNG runs the ``dot`` program (Debian/Ubuntu
package ``graphviz``).
"""

from ._dot import INSTALL_HINT as INSTALL_HINT
from ._dot import DotGraph as DotGraph
from ._dot import GraphvizNotFoundError as GraphvizNotFoundError
from .facade import make_dot as make_dot
from .jaxpr import jaxpr_dot as jaxpr_dot

__all__ = [
    "INSTALL_HINT",
    "DotGraph",
    "GraphvizNotFoundError",
    "jaxpr_dot",
    "make_dot",
]
