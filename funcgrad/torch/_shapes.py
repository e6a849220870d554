"""The shape and linear-algebra functions that PyTorch builds from other ops:
``hstack vstack dstack column_stack atleast_*d meshgrid einsum`` and the
``torch.*`` forms of the composite Tensor methods (``movedim``, ``outer``, ...).

Each records the nodes PyTorch records for it (``hstack`` is a ``CatBackward0``
over views; ``einsum`` permutes, reshapes and calls ``bmm`` as torch does).
"""

from __future__ import annotations

import warnings

import opt_einsum

from ..autograd import Tensor, tensordot
from . import _checks
from ._functions import cat
from .nn import functional as _F

__all__ = [
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "broadcast_to",
    "chunk",
    "column_stack",
    "diag",
    "diagflat",
    "dstack",
    "einsum",
    "fliplr",
    "flipud",
    "ger",
    "hstack",
    "inner",
    "kron",
    "log_softmax",
    "meshgrid",
    "moveaxis",
    "movedim",
    "outer",
    "rot90",
    "scatter",
    "softmax",
    "split",
    "swapaxes",
    "swapdims",
    "take_along_dim",
    "tensordot",
    "tile",
    "unbind",
    "unflatten",
    "vstack",
]


def _t(x) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def _of_method(name: str, example: str, shape: str, pick: str = ""):
    """``torch.<name>(input, ...)``: the Tensor method of that name."""

    def function(input: Tensor, *args, **kwargs):  # noqa: A002 - torch's name
        return getattr(_t(input), name)(*args, **kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"""``Tensor.{name}`` as a function.

    >>> import funcgrad.torch as torch
    >>> torch.{name}({example}){pick}.shape
    torch.Size({shape})
    """
    return function


movedim = _of_method("movedim", "torch.zeros(2, 3, 4), 0, -1", "[3, 4, 2]")
moveaxis = _of_method("moveaxis", "torch.zeros(2, 3, 4), (0, 1), (2, 0)", "[3, 4, 2]")
swapaxes = _of_method("swapaxes", "torch.zeros(2, 3), 0, 1", "[3, 2]")
swapdims = _of_method("swapdims", "torch.zeros(2, 3), 0, 1", "[3, 2]")
unflatten = _of_method("unflatten", "torch.zeros(6), 0, (2, 3)", "[2, 3]")
broadcast_to = _of_method("broadcast_to", "torch.zeros(3), (2, 3)", "[2, 3]")
tile = _of_method("tile", "torch.zeros(2, 3), (2,)", "[2, 6]")
fliplr = _of_method("fliplr", "torch.zeros(2, 3)", "[2, 3]")
flipud = _of_method("flipud", "torch.zeros(2, 3)", "[2, 3]")
rot90 = _of_method("rot90", "torch.zeros(2, 3), 1, (0, 1)", "[3, 2]")
diag = _of_method("diag", "torch.zeros(3)", "[3, 3]")
diagflat = _of_method("diagflat", "torch.zeros(2, 2)", "[4, 4]")
outer = _of_method("outer", "torch.zeros(2), torch.zeros(3)", "[2, 3]")
ger = _of_method("ger", "torch.zeros(2), torch.zeros(3)", "[2, 3]")
inner = _of_method("inner", "torch.zeros(2, 3), torch.zeros(4, 3)", "[2, 4]")
kron = _of_method("kron", "torch.zeros(2, 2), torch.zeros(3, 3)", "[6, 6]")
take_along_dim = _of_method(
    "take_along_dim", "torch.zeros(2, 3), torch.tensor([[0], [2]]), 1", "[2, 1]"
)
scatter = _of_method(
    "scatter", "torch.zeros(2, 3), 1, torch.tensor([[0], [2]]), 1.0", "[2, 3]"
)
unbind = _of_method("unbind", "torch.zeros(2, 3), 1", "[2]", "[0]")
split = _of_method("split", "torch.zeros(5, 2), [2, 3]", "[3, 2]", "[1]")
chunk = _of_method("chunk", "torch.zeros(5, 2), 2", "[3, 2]", "[0]")


def softmax(input: Tensor, dim: int, dtype=None) -> Tensor:  # noqa: A002
    """Softmax along ``dim`` (in ``dtype`` when given: a ``ToCopyBackward0`` first).

    >>> import funcgrad.torch as torch
    >>> torch.softmax(torch.zeros(2), 0)
    tensor([0.5000, 0.5000])
    """
    return _F.softmax(input, dim, dtype=dtype)


def log_softmax(input: Tensor, dim: int, dtype=None) -> Tensor:  # noqa: A002
    """Log of the softmax along ``dim``.

    >>> import funcgrad.torch as torch
    >>> torch.log_softmax(torch.zeros(2), 0)
    tensor([-0.6931, -0.6931])
    """
    return _F.log_softmax(input, dim, dtype=dtype)


# --- stacking -------------------------------------------------------------------------
def _listed(args: tuple) -> tuple:
    return (
        tuple(args[0]) if len(args) == 1 and isinstance(args[0], list | tuple) else args
    )


def _atleast(ndim: int, x: Tensor) -> Tensor:
    if x.ndim >= ndim:
        return x
    if x.ndim == 0:
        return x.reshape((1,) * ndim)
    if ndim == 2 or x.ndim == 2:  # (n,) -> (1, n); (m, n) -> (m, n, 1)
        x = x.unsqueeze(0) if x.ndim == 1 else x
        return x if ndim == 2 else x.unsqueeze(-1)
    return x.unsqueeze(0).unsqueeze(-1)


def _atleast_fn(ndim: int):
    def function(*tensors):
        tensors = _listed(tensors)
        out = tuple(_atleast(ndim, _t(x)) for x in tensors)
        return out[0] if len(out) == 1 else out

    function.__name__ = function.__qualname__ = f"atleast_{ndim}d"
    function.__doc__ = f"""Each tensor viewed with at least {ndim} dimensions.

    >>> import funcgrad.torch as torch
    >>> torch.atleast_{ndim}d(torch.tensor(1.0)).shape
    torch.Size({[1] * ndim})
    """
    return function


atleast_1d = _atleast_fn(1)
atleast_2d = _atleast_fn(2)
atleast_3d = _atleast_fn(3)


def _stacked(name: str, tensors, ndim: int, dim: int) -> Tensor:
    tensors = _checks.tensor_list(name, tensors)
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return cat([_atleast(ndim, x) for x in tensors], dim)


def hstack(tensors) -> Tensor:
    """Concatenated column-wise (along dim 0 for 1-D tensors).

    >>> import funcgrad.torch as torch
    >>> torch.hstack([torch.zeros(2), torch.ones(1)])
    tensor([0., 0., 1.])
    """
    tensors = _checks.tensor_list("hstack", tensors)
    dim = 0 if tensors and _atleast(1, tensors[0]).ndim == 1 else 1
    return _stacked("hstack", tensors, 1, dim)


def vstack(tensors) -> Tensor:
    """Concatenated row-wise, 1-D tensors as rows.

    >>> import funcgrad.torch as torch
    >>> torch.vstack([torch.zeros(2), torch.ones(2)]).shape
    torch.Size([2, 2])
    """
    return _stacked("vstack", tensors, 2, 0)


def dstack(tensors) -> Tensor:
    """Concatenated depth-wise (along dim 2, after ``atleast_3d``).

    >>> import funcgrad.torch as torch
    >>> torch.dstack([torch.zeros(2), torch.ones(2)]).shape
    torch.Size([1, 2, 2])
    """
    return _stacked("dstack", tensors, 3, 2)


def column_stack(tensors) -> Tensor:
    """1-D and 0-D tensors as columns, then concatenated along dim 1.

    >>> import funcgrad.torch as torch
    >>> torch.column_stack([torch.zeros(2), torch.ones(2, 2)]).shape
    torch.Size([2, 3])
    """
    tensors = _checks.tensor_list("column_stack", tensors)
    if not tensors:
        raise RuntimeError("column_stack expects a non-empty TensorList")
    return cat([x.reshape(x.numel(), 1) if x.ndim <= 1 else x for x in tensors], 1)


def meshgrid(*tensors, indexing: str | None = None) -> tuple[Tensor, ...]:
    """Coordinate grids: each 0-D/1-D tensor viewed along its axis and expanded
    (views of the inputs, as in PyTorch).

    >>> import funcgrad.torch as torch
    >>> x, y = torch.meshgrid(torch.arange(2), torch.arange(3), indexing="ij")
    >>> x.shape, y[1]
    (torch.Size([2, 3]), tensor([0, 1, 2]))
    """
    tensors = _checks.tensor_list("meshgrid", list(_listed(tensors)))
    if indexing is None:
        warnings.warn(
            "torch.meshgrid: in an upcoming release, it will be required to pass the "
            "indexing argument.",
            UserWarning,
            stacklevel=2,
        )
        indexing = "ij"
    if indexing not in ("xy", "ij"):
        raise RuntimeError(
            'torch.meshgrid: indexing must be one of "xy" or "ij", but received: '
            f"{indexing}"
        )
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for x in tensors:
        if x.ndim > 1:
            raise RuntimeError(
                "torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: "
                f"{x}"
            )
    axes = list(range(len(tensors)))
    if indexing == "xy" and len(axes) >= 2:
        axes[0], axes[1] = 1, 0
    shape = [1] * len(tensors)
    for x, ax in zip(tensors, axes, strict=True):
        shape[ax] = x.numel()
    out = []
    for x, ax in zip(tensors, axes, strict=True):
        view = [1] * len(tensors)
        view[ax] = -1
        out.append(x.view(view).expand(shape))
    return tuple(out)


# --- einsum ---------------------------------------------------------------------------
_ELLIPSIS = 52  # labels are 0..51: A-Z then a-z


def _label(c: str) -> int:
    return ord(c) - ord("A") if c.isupper() else ord(c) - ord("a") + 26


def _letter(s: int) -> str:
    return chr(ord("A") + s) if s < 26 else chr(ord("a") + s - 26)


def _parse_operands(lhs: str, num_ops: int) -> list[list[int]]:
    labels: list[list[int]] = [[]]
    i, seen_ellipsis = 0, False
    while i < len(lhs):
        c = lhs[i]
        if c == ".":
            if seen_ellipsis:
                raise RuntimeError(
                    f"einsum(): found '.' for operand {len(labels) - 1} for which an "
                    "ellipsis was already found"
                )
            if lhs[i : i + 3] != "...":
                raise RuntimeError(
                    f"einsum(): found '.' for operand {len(labels) - 1} that is not "
                    "part of any ellipsis"
                )
            labels[-1].append(_ELLIPSIS)
            seen_ellipsis, i = True, i + 2
        elif c == ",":
            labels.append([])
            seen_ellipsis = False
            if len(labels) > num_ops:
                raise RuntimeError(
                    "einsum(): fewer operands were provided than specified in the "
                    "equation"
                )
        elif c != " ":
            if not (c.isascii() and c.isalpha()):
                raise RuntimeError(
                    f"einsum(): invalid subscript given at index {i} in the equation "
                    "string, subscripts must be in [a-zA-Z]"
                )
            labels[-1].append(_label(c))
        i += 1
    if len(labels) != num_ops:
        raise RuntimeError(
            "einsum(): more operands were provided than specified in the equation"
        )
    return labels


def _output(equation: str, lhs: str, counts: list[int], ell_ndim: int):
    """Positions of the labels in the aligned shape: the output's first (ellipsis
    where the output puts it), then the summed labels in alphabetical order.
    Returns ``(position of each label, ellipsis start, output ndim, total ndim)``."""
    where = [-1] * _ELLIPSIS
    n, ell_at, ell_out = 0, 0, False
    arrow = equation.find("->")
    if arrow < 0:  # implicit: ellipsis, then the labels seen once
        n, ell_out = ell_ndim, True
        for s in range(_ELLIPSIS):
            if counts[s] == 1:
                where[s], n = n, n + 1
    else:
        rhs, i = equation[arrow + 2 :], 0
        while i < len(rhs):
            c = rhs[i]
            if c == ".":
                if ell_out:
                    raise RuntimeError(
                        "einsum(): found '.' for output but an ellipsis (...) was "
                        "already found"
                    )
                if rhs[i : i + 3] != "...":
                    raise RuntimeError(
                        "einsum(): found '.' for output that is not part of any "
                        "ellipsis (...)"
                    )
                ell_at, n, ell_out, i = n, n + ell_ndim, True, i + 2
            elif c != " ":
                if not (c.isascii() and c.isalpha()):
                    raise RuntimeError(
                        f"einsum(): invalid subscript given at index {len(lhs) + 2 + i}"
                        " in the equation string, subscripts must be in [a-zA-Z]"
                    )
                s = _label(c)
                if counts[s] == 0 or where[s] != -1:
                    why = (
                        "appears more than once in the output"
                        if where[s] != -1
                        else "does not appear in the equation for any input operand"
                    )
                    raise RuntimeError(f"einsum(): output subscript {c} {why}")
                where[s], n = n, n + 1
            i += 1
    out_ndim = n
    if not ell_out:
        ell_at, n = n, n + ell_ndim
    for s in range(_ELLIPSIS):
        if counts[s] and where[s] == -1:
            where[s], n = n, n + 1
    return where, ell_at, out_ndim, n


def _aligned(i: int, op: Tensor, labels: list[int], plan, sizes, counts) -> Tensor:
    """Operand ``i`` with a diagonal taken for each repeated label, unit axes for
    its missing labels, permuted to the common order (torch's node sequence)."""
    where, ell_at, ell_ndim, total = plan
    label_size, ell_size = sizes
    order, dim = [-1] * total, 0
    for s in labels:
        if s == _ELLIPSIS:
            covered = op.ndim - (len(labels) - 1)
            for j in range(ell_ndim - covered, ell_ndim):
                if op.shape[dim] != 1:
                    if ell_size[j] not in (1, op.shape[dim]):
                        raise RuntimeError(
                            f"einsum(): dimension {dim} covered by ellipsis in operand "
                            f"{i}has size {op.shape[dim]} which does not broadcast "
                            f"with previously seen ellipsis with size {ell_size[j]} "
                            "for the respective dimension"
                        )
                    ell_size[j] = op.shape[dim]
                    counts[ell_at + j] += 1
                order[ell_at + j], dim = dim, dim + 1
        elif order[where[s]] == -1:
            if op.shape[dim] != 1:
                if label_size[s] not in (1, op.shape[dim]):
                    raise RuntimeError(
                        f"einsum(): subscript {_letter(s)} has size {op.shape[dim]} "
                        f"for operand {i} which does not broadcast with previously "
                        f"seen size {label_size[s]}"
                    )
                label_size[s] = op.shape[dim]
                counts[where[s]] += 1
            order[where[s]], dim = dim, dim + 1
        else:  # a repeated label: its diagonal, where the label first stood
            prev = order[where[s]]
            if op.shape[dim] != op.shape[prev]:
                raise RuntimeError(
                    f"einsum(): subscript {_letter(s)} is repeated for operand {i} but "
                    f"the sizes don't match, {op.shape[dim]} != {op.shape[prev]}"
                )
            op = op.diagonal(0, prev, dim).movedim(-1, prev)
    for k in range(total):
        if order[k] == -1:
            op = op.unsqueeze(dim)
            order[k], dim = dim, dim + 1
    return op.permute(order)


def _sumproduct(left: Tensor, right: Tensor, summed: list[int]) -> Tensor:
    """``(left * right).sum(summed, keepdim=True)`` as torch computes it: permute
    both to (both, left only, summed) and (both, summed, right only), ``bmm``,
    view and permute back."""
    if not summed:
        return left * right
    both, lonly, ronly = [], [], []
    sizes = {"both": 1, "l": 1, "r": 1, "sum": 1}
    for i in range(left.ndim):
        sl, sr = left.shape[i] != 1, right.shape[i] != 1
        if i in summed:
            if sl and sr:
                if left.shape[i] != right.shape[i]:
                    raise RuntimeError("non-broadcast dimensions must match")
                sizes["sum"] *= left.shape[i]
            elif sl:
                left = left.sum(i, keepdim=True)
            elif sr:
                right = right.sum(i, keepdim=True)
        elif sl and sr:
            if left.shape[i] != right.shape[i]:
                raise RuntimeError("non-broadcast dimensions must match")
            both.append(i)
            sizes["both"] *= left.shape[i]
        elif sl:
            lonly.append(i)
            sizes["l"] *= left.shape[i]
        else:
            ronly.append(i)
            sizes["r"] *= right.shape[i]
    out_shape = [left.shape[d] for d in both + lonly] + [1] * len(summed)
    out_shape += [right.shape[d] for d in ronly]
    lorder = both + lonly + summed + ronly
    rorder = both + summed + ronly + lonly
    back = [0] * len(lorder)
    for k, d in enumerate(lorder):
        back[d] = k
    a = left.permute(lorder).reshape(sizes["both"], sizes["l"], sizes["sum"])
    b = right.permute(rorder).reshape(sizes["both"], sizes["sum"], sizes["r"])
    return a.bmm(b).view(out_shape).permute(back)


def _path(equation: str, operands: list[Tensor]) -> list[tuple[int, int]] | None:
    """The contraction order torch asks of ``opt_einsum`` for three or more
    operands (its default strategy, ``auto``); ``None``: left to right."""
    if len(operands) < 3:
        return None
    shapes = [tuple(x.shape) for x in operands]
    return list(opt_einsum.contract_path(equation, *shapes, shapes=True)[0])


def einsum(equation: str, *operands) -> Tensor:
    """Einstein summation, recorded as PyTorch records it: diagonals, unsqueezes
    and permutes to align the operands, then ``sum``/``mul``/``bmm`` pairwise (in
    ``opt_einsum``'s order for three or more operands, as torch's default).

    >>> import funcgrad.torch as torch
    >>> a = torch.arange(6.0).reshape(2, 3).requires_grad_()
    >>> torch.einsum("ij,kj->ik", a, a)
    tensor([[ 5., 14.],
            [14., 50.]], grad_fn=<ViewBackward0>)
    """
    if not isinstance(equation, str):  # the sublist format: op, [0, 1], op, [1, 2]
        equation, operands = _from_sublists((equation, *operands))
    operands = list(_listed(operands))
    if not operands:
        raise RuntimeError("einsum(): must provide at least one operand")
    operands = _checks.tensor_list("einsum", operands)
    arrow = equation.find("->")
    lhs = equation if arrow < 0 else equation[:arrow]
    labels = _parse_operands(lhs, len(operands))
    counts, ell_ndim = [0] * _ELLIPSIS, 0
    for i, (op, labs) in enumerate(zip(operands, labels, strict=True)):
        named = [s for s in labs if s != _ELLIPSIS]
        has_ell = len(named) != len(labs)
        if has_ell:
            ell_ndim = max(ell_ndim, op.ndim - len(named))
        for s in named:
            counts[s] += 1
        if (len(named) > op.ndim) if has_ell else (len(named) != op.ndim):
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({len(named)}) "
                + ("is more than" if has_ell else "does not match")
                + f" the number of dimensions ({op.ndim}) for operand {i}"
                + ("" if has_ell else " and no ellipsis was given")
            )
    where, ell_at, out_ndim, total = _output(equation, lhs, counts, ell_ndim)
    plan = (where, ell_at, ell_ndim, total)
    sizes = ([1] * _ELLIPSIS, [1] * ell_ndim)
    dim_counts = [0] * total
    ops = [
        _aligned(i, op, labs, plan, sizes, dim_counts)
        for i, (op, labs) in enumerate(zip(operands, labels, strict=True))
    ]
    return _contract(ops, _path(equation, operands), out_ndim, total, dim_counts)


def _from_sublists(args: tuple) -> tuple[str, tuple]:
    def letters(sub) -> str:
        out = ""
        for n in sub:
            if n is Ellipsis:
                out += "..."
            elif not 0 <= n < _ELLIPSIS:
                raise ValueError(
                    "einsum(): subscript in subscript list is not within the valid "
                    "range [0, 52)"
                )
            else:
                out += _letter(n)
        return out

    equation = ",".join(letters(sub) for sub in args[1::2])
    if len(args) % 2:
        equation += "->" + letters(args[-1])
        return equation, args[:-1:2]
    return equation, args[::2]


def _contract(ops: list, path, out_ndim: int, total: int, dim_counts: list) -> Tensor:
    num_ops, steps = len(ops), iter(path or [])
    while len(ops) > 1:
        i, j = sorted(next(steps)) if path else (0, 1)
        a, b = ops[i], ops[j]
        del ops[j], ops[i]
        summed, a_only, b_only = [], [], []
        for d in range(out_ndim, total):
            if a.shape[d] != 1 and b.shape[d] != 1:
                dim_counts[d] -= 1
                if dim_counts[d] == 1:
                    summed.append(d)
                    dim_counts[d] = 0
            elif dim_counts[d] == 1:
                if a.shape[d] != 1:
                    a_only.append(d)
                    dim_counts[d] = 0
                elif b.shape[d] != 1:
                    b_only.append(d)
                    dim_counts[d] = 0
        if a_only:
            a = a.sum(a_only, keepdim=True)
        if b_only:
            b = b.sum(b_only, keepdim=True)
        result = _sumproduct(a, b, summed)
        if path:
            ops.append(result)
        else:
            ops.insert(0, result)
    (result,) = ops
    if total > out_ndim:
        if num_ops > 1:  # the summed axes are all 1 by now
            return result.view(result.shape[:out_ndim])
        return result.sum(list(range(out_ndim, total)))
    return result
