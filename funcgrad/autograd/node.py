"""Backward nodes: the ``grad_fn`` objects of the facade's graph.

A :class:`Node` is one recorded op: its registry entry, its static options, the
input values it saved, and ``next_functions`` (one ``(node, 0)`` edge per input, as
PyTorch builds them: ``None`` for an input without grad, the leaf's
:class:`AccumulateGrad` for a leaf). ``apply`` pulls a cotangent back through the op
with a VJP that JAX derives from the op's forward and compiles once per op, options
and shapes. Before pulling back, a node checks that the tensors PyTorch would
have saved for it (``OpDef.saves``) were not changed in place since.
"""

from __future__ import annotations

import functools
import weakref
from typing import Any

import jax

from .ops import OpDef

FREED_GRAPH = (
    "Trying to backward through the graph a second time (or directly access saved "
    "tensors after they have already been freed). Saved intermediate values of the "
    "graph are freed when you call .backward() or autograd.grad(). Specify "
    "retain_graph=True if you need to backward through the graph a second time or if "
    "you need to access saved tensors after calling backward."
)

_VJP_CACHE_SIZE = 1024

MODIFIED = (
    "one of the variables needed for gradient computation has been modified by an "
    "inplace operation: [{what}]{output} is at version {now}; expected version "
    "{then} instead. Hint: enable anomaly detection to find the operation that "
    "failed to compute its gradient, with torch.autograd.set_detect_anomaly(True, "
    "check_nan=False)."
)


@functools.lru_cache(maxsize=_VJP_CACHE_SIZE)
def vjp_of(op: OpDef, options: tuple, diff: tuple[bool, ...]):
    """The compiled VJP of ``op``: ``(inputs, cotangent) -> input cotangents``.

    Only the inputs flagged in ``diff`` are differentiated; the others (wrapped
    numbers, integer indices, masks) are closed over as constants. ``jax.jit``
    specialises the result per input shapes and dtypes.

    >>> from .ops import OPS
    >>> vjp = vjp_of(OPS["mul"], (), (True, False))
    >>> vjp((2.0, 3.0), 1.0)
    (Array(3., dtype=float32, weak_type=True),)
    """
    kwargs = dict(options)

    def pullback(inputs, ct):
        def f(*diff_inputs):
            it = iter(diff_inputs)
            full = [next(it) if d else x for x, d in zip(inputs, diff, strict=True)]
            return op.forward(*full, **kwargs)

        _, vjp = jax.vjp(f, *[x for x, d in zip(inputs, diff, strict=True) if d])
        return vjp(ct)

    return jax.jit(pullback)


def short_name(fn) -> str:
    """A node's name as reprs print it (``CopySlices``, not
    ``torch::autograd::CopySlices``).

    >>> from .ops import OPS
    >>> short_name(Node(OPS["copy_slices"], (), (), (), ()))
    'CopySlices'
    """
    return fn.name().rpartition("::")[2]


class Node:
    """A recorded op: PyTorch's ``grad_fn`` (``<MulBackward0 object at 0x...>``)."""

    __slots__ = (
        "op",
        "options",
        "saved",
        "next_functions",
        "inputs",
        "pre_hooks",
        "retained",
        "metadata",
        "versions",
        "__weakref__",
    )

    def __init__(self, op: OpDef, options: tuple, saved, next_functions, inputs):
        self.op = op
        self.options = options
        self.saved = saved  # the input values, or None once the graph is freed
        self.next_functions = next_functions
        self.inputs = inputs  # the input tensors (for versions and create_graph)
        self.pre_hooks: list | None = None
        self.retained = None  # weakref to the output tensor that retains its grad
        self.metadata: dict[str, Any] = {}
        self.versions: tuple = ()  # (tensor or weakref, version, its grad_fn)

    def name(self) -> str:
        return self.op.node_name

    def check_versions(self) -> None:
        """Raise PyTorch's error when a tensor saved for this node was changed in
        place since it was recorded."""
        for ref, then, fn in self.versions:
            t = ref() if type(ref) is weakref.ref else ref
            if t is None or t._version == then:
                continue
            output = ""
            if fn is not None:
                name = short_name(fn).split("Backward")[0]
                output = f", which is output 0 of {name},"
            raise RuntimeError(
                MODIFIED.format(
                    what=t._type_name(), output=output, now=t._version, then=then
                )
            )

    def diff_mask(self) -> tuple[bool, ...]:
        """Which saved values get a gradient: the inputs with a ``next_functions``
        edge; the constants saved after them (``where``'s condition) never do."""
        edges = tuple(fn is not None for fn, _ in self.next_functions)
        return edges + (False,) * (len(self.saved or ()) - len(edges))

    def release(self) -> None:
        self.saved = None
        self.inputs = ()
        self.versions = ()

    def __repr__(self) -> str:
        return f"<{short_name(self)} object at {id(self):#x}>"

    def __call__(self, *grads):
        return self.apply(*grads)

    def apply(self, ct):
        """Pull ``ct`` back to the inputs that need grad (``None`` for the others)."""
        if self.saved is None:
            raise RuntimeError(FREED_GRAPH)
        if self.versions:
            self.check_versions()
        mask = self.diff_mask()
        it = iter(vjp_of(self.op, self.options, mask)(self.saved, ct))
        return tuple(next(it) if d else None for d in mask[: len(self.next_functions)])


class AccumulateGrad:
    """The node of a leaf that requires grad: adds incoming gradients to ``.grad``."""

    __slots__ = ("variable", "next_functions", "metadata", "__weakref__")

    def __init__(self, variable) -> None:
        self.variable = variable
        self.next_functions = ()
        self.metadata: dict[str, Any] = {}

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {id(self):#x}>"
