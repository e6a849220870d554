"""``torch.autograd.gradcheck`` and ``gradgradcheck``: the Jacobian from the
engine against central finite differences (computed in float64 with NumPy)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import jax.numpy as jnp
import numpy as np

from ...autograd import dtypes as _dt
from ...autograd.grad_mode import enable_grad, no_grad
from ...autograd.tensor import Tensor
from ...autograd.tensor import grad as _grad
from .functional import jacobian

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck"]


class GradcheckError(RuntimeError):
    """Raised by :func:`gradcheck` when the gradients do not match.

    >>> issubclass(GradcheckError, RuntimeError)
    True
    """


def _numerical(func, xs: tuple, i: int, eps: float) -> list[np.ndarray]:
    """d outputs / d xs[i] by central differences, one column per element."""
    x = xs[i]
    base = np.array(x._value, dtype=np.float64)
    columns = []
    for k in range(base.size):
        outs = []
        for sign in (1, -1):
            bumped = base.copy().reshape(-1)
            bumped[k] += sign * eps
            value = jnp.asarray(bumped.reshape(base.shape), x._value.dtype)
            args = list(xs)
            args[i] = Tensor._wrap(value, x.dtype).requires_grad_(x.requires_grad)
            with no_grad():
                out = func(*args)
            out = out if isinstance(out, tuple) else (out,)
            outs.append([np.array(o._value, dtype=np.float64) for o in out])
        columns.append([(a - b) / (2 * eps) for a, b in zip(*outs, strict=True)])
    return columns


@_dt.scoped
def gradcheck(
    func: Callable[..., Any],
    inputs: Any,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    nondet_tol: float = 0.0,
    check_undefined_grad: bool = True,
    check_grad_dtypes: bool = False,
    check_batched_grad: bool = False,
    check_batched_forward_grad: bool = False,
    check_forward_ad: bool = False,
    check_backward_ad: bool = True,
    fast_mode: bool = False,
    masked: bool | None = None,
) -> bool:
    """Check the analytical Jacobian of ``func`` against finite differences for
    every input that requires grad; ``True``, or ``GradcheckError``.

    >>> import funcgrad.torch as torch
    >>> x = torch.tensor([0.5, 1.5], requires_grad=True)
    >>> with warnings.catch_warnings(action="ignore"):  # float32: a coarser check
    ...     gradcheck(lambda t: t * t * t, (x,), eps=1e-3, atol=1e-3)
    True
    """
    xs = inputs if isinstance(inputs, tuple | list) else (inputs,)
    xs = tuple(xs)
    for i, x in enumerate(xs):
        if isinstance(x, Tensor) and x.requires_grad and x.dtype.name != "float64":
            warnings.warn(
                f"Input #{i} requires gradient and is not a double precision floating "
                "point or complex. This check will likely fail if all the inputs are "
                "not of double precision floating point or complex. ",
                UserWarning,
                stacklevel=2,
            )
    wanted = [i for i, x in enumerate(xs) if isinstance(x, Tensor) and x.requires_grad]
    if not wanted:
        raise ValueError(
            "gradcheck expects at least one input tensor to require gradient, but "
            "none of the them have requires_grad=True."
        )
    for i in wanted:
        numeric = _numerical(func, xs, i, eps)

        def partial(t, i=i):
            args = list(xs)
            args[i] = t
            return func(*args)

        analytic = jacobian(partial, xs[i])
        analytic = analytic if isinstance(analytic, tuple) else (analytic,)
        for o, a in enumerate(analytic):
            a = np.array(a._value, dtype=np.float64).reshape(-1, max(xs[i].numel(), 1))
            n = np.stack([col[o].reshape(-1) for col in numeric], axis=1)
            n = n.reshape(a.shape)
            if not np.allclose(a, n, rtol=rtol, atol=atol):
                if not raise_exception:
                    return False
                raise GradcheckError(
                    f"Jacobian mismatch for output {o} with respect to input {i},\n"
                    f"numerical:{Tensor(n.T.astype(a.dtype))}\n"
                    f"analytical:{Tensor(a.T)}\n"
                )
    return True


@_dt.scoped
def gradgradcheck(
    func: Callable[..., Any],
    inputs: Any,
    grad_outputs: Any = None,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    gen_non_contig_grad_outputs: bool = False,
    raise_exception: bool = True,
    nondet_tol: float = 0.0,
    check_undefined_grad: bool = True,
    check_grad_dtypes: bool = False,
    check_batched_grad: bool = False,
    check_fwd_over_rev: bool = False,
    check_rev_over_rev: bool = True,
    fast_mode: bool = False,
    masked: bool = False,
) -> bool:
    """Check second derivatives: :func:`gradcheck` of the map from inputs (and
    output gradients) to input gradients, built with ``create_graph=True``.

    >>> import funcgrad.torch as torch
    >>> x = torch.tensor([0.5, 1.5], requires_grad=True)
    >>> with warnings.catch_warnings(action="ignore"):  # float32: a coarser check
    ...     gradgradcheck(lambda t: t * t * t, (x,), eps=1e-3, atol=1e-3)
    True
    """
    xs = tuple(inputs) if isinstance(inputs, tuple | list) else (inputs,)
    with no_grad():
        out = func(*xs)
    outs = out if isinstance(out, tuple) else (out,)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        gos = tuple(
            Tensor(rng.standard_normal(o.shape), dtype=o.dtype, requires_grad=True)
            for o in outs
        )
    else:
        gos = (
            grad_outputs if isinstance(grad_outputs, tuple | list) else (grad_outputs,)
        )
        gos = tuple(g.detach().requires_grad_(True) for g in gos)
    n = len(xs)
    wanted = [i for i, x in enumerate(xs) if isinstance(x, Tensor) and x.requires_grad]

    def first_grads(*args):
        with enable_grad():
            ins = args[:n]
            res = func(*ins)
            res = res if isinstance(res, tuple) else (res,)
            gs = _grad(
                res, [ins[i] for i in wanted], args[n:], create_graph=True,
                allow_unused=True,
            )  # fmt: skip
        return tuple(
            Tensor._wrap(jnp.zeros_like(ins[i]._value), ins[i].dtype)
            if g is None
            else g
            for g, i in zip(gs, wanted, strict=True)
        )

    return gradcheck(
        first_grads, xs + gos, eps=eps, atol=atol, rtol=rtol,
        raise_exception=raise_exception,
    )  # fmt: skip
