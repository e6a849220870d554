"""One or more cases for every entry of the op registry.

A case is a function of a torch-shaped module (real ``torch`` or
``funcgrad.torch``) and input tensors that exercises the op through the public
API, plus the shapes of its float inputs. The differential suite runs each case
on both modules with the same inputs; ``test_every_op_has_a_case`` fails when an
entry is registered without one.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Case(NamedTuple):
    fn: Any  # (module, *tensors) -> tensor, or a (values, indices) pair
    shapes: tuple[tuple[int, ...], ...]
    positive: bool = False  # draw inputs in [0.5, 2) (log, sqrt, powers)
    grad: bool = True  # False: the op has no derivative (backward raises)


def _bce(M, z, y):
    return M.nn.functional.binary_cross_entropy_with_logits(z, y.sigmoid())


def _bce_weighted(M, z, y, w, pw):
    return M.nn.functional.binary_cross_entropy_with_logits(
        z, y.sigmoid(), weight=w.detach(), pos_weight=pw.detach(), reduction="sum"
    )


def _F(M):
    return M.nn.functional


def _inplace(a, write, view=None):
    """``write`` applied to a non-leaf copy of ``a``; the copy (or the view the
    write went through, ``view=1``) is the result."""
    c = a * 1
    out = write(c)
    return out if view else c


def _targets(M):
    return M.tensor([0, 2, 1, 2])


_BCE_CASES = [
    Case(_bce, ((4,), (4,))),
    Case(_bce_weighted, ((2, 3), (2, 3), (3,), (3,))),
]

CASES: dict[str, list[Case]] = {
    "add": [
        Case(lambda M, a, b: a + b, ((2, 3), (3,))),
        Case(lambda M, a: a + 2, ((2, 3),)),
        Case(lambda M, a: 2.5 + a, ((3,),)),
        Case(lambda M, a, b: M.add(a, b, alpha=2), ((2, 1), (1, 3))),
    ],
    "sub": [
        Case(lambda M, a, b: a - b, ((2, 3), (2, 3))),
        Case(lambda M, a: a - 1.5, ((4,),)),
        Case(lambda M, a, b: a.sub(b, alpha=3), ((3,), ())),
    ],
    "rsub": [Case(lambda M, a: 2 - a, ((2, 3),))],
    "mul": [
        Case(lambda M, a, b: a * b, ((4, 1), (3,))),
        Case(lambda M, a: 3 * a, ((2,),)),
    ],
    "div": [
        Case(lambda M, a, b: a / b, ((2, 3), (3,)), positive=True),
        Case(lambda M, a: a / 4, ((3,),)),
    ],
    "reciprocal": [Case(lambda M, a: 2 / a, ((2, 3),), positive=True)],
    "neg": [Case(lambda M, a: -a, ((2, 3),)), Case(lambda M, a: M.neg(a), ((3,),))],
    "pow.Tensor_Scalar": [
        Case(lambda M, a: a**2, ((2, 3),)),
        Case(lambda M, a: a**0.5, ((3,),), positive=True),
    ],
    "pow.Tensor_Tensor": [Case(lambda M, a, b: a**b, ((2, 3), (3,)), positive=True)],
    "pow.Scalar": [Case(lambda M, a: 2**a, ((2, 3),))],
    "exp": [Case(lambda M, a: a.exp(), ((2, 3),)), Case(lambda M, a: M.exp(a), ((),))],
    "log": [Case(lambda M, a: a.log(), ((2, 3),), positive=True)],
    "sqrt": [Case(lambda M, a: M.sqrt(a), ((4,),), positive=True)],
    "abs": [Case(lambda M, a: a.abs(), ((2, 3),)), Case(lambda M, a: abs(a), ((3,),))],
    "sigmoid": [Case(lambda M, a: a.sigmoid(), ((2, 3),))],
    "tanh": [Case(lambda M, a: M.tanh(a), ((2, 3),))],
    "relu": [Case(lambda M, a: a.relu(), ((2, 3),))],
    "clamp": [
        Case(lambda M, a: a.clamp(-0.5, 0.5), ((2, 3),)),
        Case(lambda M, a: M.clamp(a, min=0), ((5,),)),
        Case(lambda M, a: a.clamp(max=0.1), ((5,),)),
    ],
    "maximum": [Case(lambda M, a, b: M.maximum(a, b), ((2, 3), (3,)))],
    "minimum": [Case(lambda M, a, b: M.min(a, b), ((2, 3), (2, 3)))],
    "where": [
        Case(lambda M, a, b: M.where(a > 0, a, b), ((2, 3), (3,))),
        Case(lambda M, a: M.where(a > 0, a, 0.0), ((4,),)),
    ],
    "sum": [Case(lambda M, a: a.sum(), ((2, 3),))],
    "sum.dim": [
        Case(lambda M, a: a.sum(1), ((2, 3),)),
        Case(lambda M, a: a.sum((0, 2), keepdim=True), ((2, 3, 4),)),
        Case(lambda M, a: M.sum(a, dim=-1), ((3,),)),
    ],
    "mean": [Case(lambda M, a: a.mean(), ((2, 3),))],
    "mean.dim": [Case(lambda M, a: a.mean(0, keepdim=True), ((2, 3),))],
    "max": [Case(lambda M, a: a.max(), ((2, 3),))],
    "max.dim": [
        Case(lambda M, a: a.max(1), ((2, 3),)),
        Case(lambda M, a: M.max(a, dim=0, keepdim=True), ((3, 2),)),
    ],
    "min": [Case(lambda M, a: M.min(a), ((2, 3),))],
    "min.dim": [Case(lambda M, a: a.min(-1), ((2, 3),))],
    "mm": [
        Case(lambda M, a, b: a.mm(b), ((2, 3), (3, 4))),
        Case(lambda M, a, b: a @ b, ((2, 3), (3, 4))),
        Case(lambda M, a, b: M.matmul(a, b), ((5,), (5, 3))),
        Case(lambda M, a, b: M.matmul(a, b), ((4, 2, 5), (5, 3))),
        Case(lambda M, a, b: M.matmul(a, b), ((2, 5), (4, 5, 3))),
    ],
    "mv": [
        Case(lambda M, a, b: M.mv(a, b), ((2, 3), (3,))),
        Case(lambda M, a, b: a @ b, ((4, 2, 3), (3,))),
        Case(lambda M, a, b: M.matmul(a, b), ((3,), (4, 3, 2))),
    ],
    "dot": [Case(lambda M, a, b: M.dot(a, b), ((3,), (3,)))],
    "bmm": [
        Case(lambda M, a, b: M.bmm(a, b), ((4, 2, 3), (4, 3, 2))),
        Case(lambda M, a, b: a @ b, ((2, 1, 2, 3), (4, 3, 2))),
        Case(lambda M, a, b: M.matmul(a, b), ((1, 2, 5), (1, 5, 3))),
    ],
    "addmm": [Case(lambda M, b, x, w: M.addmm(b, x, w), ((3,), (2, 4), (4, 3)))],
    "t": [Case(lambda M, a: a.t(), ((2, 3),)), Case(lambda M, a: M.t(a), ((3,),))],
    "transpose": [
        Case(lambda M, a: a.transpose(0, 2), ((2, 3, 4),)),
        Case(lambda M, a: a.mT, ((2, 3, 4),)),
    ],
    "permute": [
        Case(lambda M, a: a.permute(2, 0, 1), ((2, 3, 4),)),
        Case(lambda M, a: a.T, ((2, 3),)),
    ],
    "view": [
        Case(lambda M, a: a.view(3, 2), ((2, 3),)),
        Case(lambda M, a: a.reshape(-1), ((2, 3),)),
        Case(lambda M, a: a.flatten(1), ((2, 3, 2),)),
        Case(lambda M, a: a.t().view(3, 2, 1), ((2, 3),)),
    ],
    "_unsafe_view": [Case(lambda M, a: a.t().reshape(6), ((2, 3),))],
    "_reshape_alias": [Case(lambda M, a: a.t().reshape(3, 1, 2), ((2, 3),))],
    "expand": [
        Case(lambda M, a: a.expand(4, 2, 3), ((2, 1),)),
        Case(lambda M, a: a.expand(-1, 3), ((2, 1),)),
    ],
    "squeeze": [Case(lambda M, a: a.squeeze(), ((1, 3, 1),))],
    "squeeze.dim": [
        Case(lambda M, a: a.squeeze(0), ((1, 3),)),
        Case(lambda M, a: M.squeeze(a, 1), ((1, 3),)),
    ],
    "squeeze.dims": [Case(lambda M, a: a.squeeze((0, 2)), ((1, 3, 1),))],
    "squeeze_.dim": [Case(lambda M, a, b: M.matmul(a, b), ((3,), (3, 2)))],
    "unsqueeze": [
        Case(lambda M, a: a.unsqueeze(-1), ((2, 3),)),
        Case(lambda M, a: a[None, :, None], ((3,),)),
    ],
    "select": [
        Case(lambda M, a: a[1], ((2, 3),)),
        Case(lambda M, a: a[:, -1], ((2, 3),)),
        Case(lambda M, a: a[..., 0], ((2, 3, 4),)),
    ],
    "slice": [
        Case(lambda M, a: a[:], ((3, 2),)),
        Case(lambda M, a: a.narrow(0, 0, 3), ((3, 2),)),
        Case(lambda M, a: a[1:], ((3, 2),)),
        Case(lambda M, a: a[:, ::2], ((2, 5),)),
        Case(lambda M, a: a[0, 1:3], ((2, 4),)),
    ],
    # ``torch.nn``'s layer entries, through ``torch.nn.functional``.
    "nn.adaptive_avg_pool2d": [
        Case(lambda M, a: _F(M).adaptive_avg_pool2d(a, (2, 2)), ((1, 2, 4, 4),))
    ],
    "nn.avg_pool2d": [Case(lambda M, a: _F(M).avg_pool2d(a, 2), ((1, 2, 4, 4),))],
    "nn.max_pool2d": [Case(lambda M, a: _F(M).max_pool2d(a, 2), ((1, 2, 4, 4),))],
    "nn.batch_norm.eval": [
        Case(
            lambda M, a: _F(M).batch_norm(a, M.zeros(3), M.ones(3), training=False),
            ((2, 3),),
        )
    ],
    "nn.batch_norm.train": [
        Case(
            lambda M, a, w: _F(M).batch_norm(
                a, M.zeros(3), M.ones(3), w, None, training=True
            ),
            ((4, 3), (3,)),
        )
    ],
    "nn.convolution": [
        Case(lambda M, a, w: _F(M).conv2d(a, w), ((1, 2, 5, 5), (3, 2, 3, 3))),
        Case(lambda M, a, w: _F(M).conv1d(a, w, padding=1), ((2, 2, 6), (1, 2, 3))),
    ],
    "nn.elu": [Case(lambda M, a: _F(M).elu(a), ((2, 3),))],
    "nn.gelu": [Case(lambda M, a: _F(M).gelu(a), ((2, 3),))],
    "nn.silu": [Case(lambda M, a: _F(M).silu(a), ((2, 3),))],
    "nn.leaky_relu": [Case(lambda M, a: _F(M).leaky_relu(a, 0.1), ((2, 3),))],
    "nn.embedding": [
        Case(lambda M, w: _F(M).embedding(M.tensor([[0, 2], [1, 0]]), w), ((3, 4),))
    ],
    "nn.layer_norm": [
        Case(
            lambda M, a, w, b: _F(M).layer_norm(a, (3,), w, b),
            ((2, 3), (3,), (3,)),
        )
    ],
    "nn.huber_loss": [Case(lambda M, a, b: _F(M).huber_loss(a, b), ((2, 3), (2, 3)))],
    "nn.smooth_l1_loss": [
        Case(lambda M, a, b: _F(M).smooth_l1_loss(a, b), ((2, 3), (2, 3)))
    ],
    "nn.nll_loss2d": [
        Case(
            lambda M, a: _F(M).cross_entropy(a, M.tensor([[[0, 2], [1, 1]]])),
            ((1, 3, 2, 2),),
        )
    ],
    "nn.mul.Scalar": [
        Case(
            lambda M, a: _F(M).cross_entropy(a, _targets(M)[:2], label_smoothing=0.1),
            ((2, 3),),
        )
    ],
    "nn.masked_fill.Scalar": [
        Case(
            lambda M, a: _F(M).cross_entropy(
                a, M.tensor([0, -100]), label_smoothing=0.2
            ),
            ((2, 3),),
        )
    ],
    "nn.add.Scalar": [
        Case(
            lambda M, a, p: _F(M).cross_entropy(a, p.softmax(1), label_smoothing=0.2),
            ((2, 3), (2, 3)),
        )
    ],
    "nn.div.Scalar": [
        Case(
            lambda M, a, p: _F(M).cross_entropy(a, p.softmax(1), label_smoothing=0.1),
            ((2, 3), (2, 3)),
        )
    ],
    "index_select": [
        Case(lambda M, a: a.index_select(1, M.tensor([2, 0, 2])), ((2, 3),)),
        Case(lambda M, a: M.index_select(a, 0, M.tensor([1])), ((2, 3),)),
    ],
    "gather": [
        Case(lambda M, a: M.gather(a, 1, M.tensor([[0, 2], [1, 1]])), ((2, 3),)),
        Case(lambda M, a: a.gather(0, M.tensor([[1, 0, 1]])), ((2, 3),)),
    ],
    "index.Tensor": [
        Case(lambda M, a: a[[0, 2]], ((3, 2),)),
        Case(lambda M, a: a[a > 0], ((3, 4),)),
        Case(lambda M, a: a[0, [0, 2]], ((2, 3),)),
        Case(lambda M, a: a[:, M.tensor([1, 0, 1])], ((2, 3),)),
    ],
    "cat": [
        Case(lambda M, a, b: M.cat([a, b]), ((2, 3), (1, 3))),
        Case(lambda M, a, b: M.cat((a, b), dim=-1), ((2, 3), (2, 1))),
    ],
    "stack": [Case(lambda M, a, b: M.stack([a, b], 1), ((2, 3), (2, 3)))],
    "clone": [
        Case(lambda M, a: a.clone(), ((2, 3),)),
        Case(lambda M, a: a.t().contiguous(), ((2, 3),)),
    ],
    "_to_copy": [
        Case(lambda M, a: a.double(), ((2, 3),)),
        Case(lambda M, a: a.double().exp().float(), ((3,),)),
    ],
    "alias": [
        Case(lambda M, a: a[...], ((2, 3),)),
        Case(lambda M, a: a[:, :], ((2, 3),)),
    ],
    "diagonal": [
        Case(lambda M, a: a.diagonal(), ((3, 3),)),
        Case(lambda M, a: a.diagonal(1, 0, 2), ((2, 3, 4),)),
    ],
    "unfold": [Case(lambda M, a: a.unfold(1, 2, 1), ((2, 5),))],
    "unbind": [Case(lambda M, a: a.unbind(1)[1], ((2, 3),))],
    "split": [
        Case(lambda M, a: a.split(2)[1], ((5, 3),)),
        Case(lambda M, a: a.chunk(2, 1)[0], ((2, 3),)),
    ],
    "split_with_sizes": [Case(lambda M, a: a.split([1, 2], 1)[1], ((2, 3),))],
    # In-place writes, on a non-leaf (``a * 1``) and through its views.
    "fill": [
        Case(lambda M, a: _inplace(a, lambda c: c.fill_(2.0)), ((2, 3),)),
    ],
    "zero": [
        Case(lambda M, a: _inplace(a, lambda c: c.zero_()), ((3,),)),
    ],
    "copy_": [
        Case(lambda M, a, b: _inplace(a, lambda c: c.copy_(b)), ((2, 3), (3,))),
    ],
    "copy_slices": [
        Case(lambda M, a, b: _inplace(a, lambda c: c[0:2].mul_(b)), ((3, 4), (4,))),
        Case(lambda M, a: _inplace(a, lambda c: c.t()[1].exp_()), ((3, 2),)),
        Case(lambda M, a: _inplace(a, lambda c: c[0].fill_(1.0)), ((2, 3),)),
        Case(lambda M, a: _inplace(a, lambda c: c[:, 1].zero_()), ((2, 3),)),
        Case(
            lambda M, a, b: _inplace(a, lambda c: c.__setitem__(0, b)), ((2, 3), (3,))
        ),
    ],
    "as_strided": [
        Case(
            lambda M, a, b: _inplace(a, lambda c: c[1].add_(b), view=1), ((2, 3), (3,))
        ),
    ],
    "index_put": [
        Case(
            lambda M, a, b: _inplace(a, lambda c: c.__setitem__(M.tensor([0, 2]), b)),
            ((3, 2), (2,)),
        ),
        Case(lambda M, a: _inplace(a, lambda c: c.__setitem__(a > 0, 0.5)), ((3, 2),)),
    ],
    "masked_fill": [
        Case(lambda M, a: _inplace(a, lambda c: c.masked_fill_(a > 0, 1.5)), ((2, 3),))
    ],
    "index_add": [
        Case(
            lambda M, a, b: _inplace(
                a, lambda c: c.index_add_(0, M.tensor([0, 2, 0]), b)
            ),
            ((3, 2), (3, 2)),
        )
    ],
    "scatter": [
        Case(
            lambda M, a, b: _inplace(
                a, lambda c: c.scatter_(1, M.tensor([[1], [0]]), b)
            ),
            ((2, 3), (2, 1)),
        )
    ],
    # ``torch.nn.functional``'s entries, through its public functions.
    "binary_cross_entropy_with_logits": _BCE_CASES,
    "binary_cross_entropy": [
        Case(
            lambda M, p, y: M.nn.functional.binary_cross_entropy(
                p.sigmoid(), y.sigmoid().detach()
            ),
            ((2, 3), (2, 3)),
        )
    ],
    "mse_loss": [
        Case(lambda M, a, b: M.nn.functional.mse_loss(a, b), ((2, 3), (2, 3))),
        Case(
            lambda M, a, b: M.nn.functional.mse_loss(a, b, reduction="sum"),
            ((4,), (4,)),
        ),
    ],
    "_softmax": [Case(lambda M, a: M.nn.functional.softmax(a, dim=1), ((2, 3),))],
    "_log_softmax": [
        Case(lambda M, a: M.nn.functional.log_softmax(a, dim=-1), ((2, 3),))
    ],
    "nll_loss": [
        Case(lambda M, a: M.nn.functional.cross_entropy(a, _targets(M)), ((4, 3),)),
        Case(
            lambda M, a: M.nn.functional.nll_loss(
                M.nn.functional.log_softmax(a, dim=1), _targets(M), reduction="sum"
            ),
            ((4, 3),),
        ),
    ],
}

from . import op_cases_elementwise  # noqa: E402

CASES.update({k: CASES.get(k, []) + v for k, v in op_cases_elementwise.CASES.items()})
from . import op_cases_reductions  # noqa: E402

CASES.update({k: CASES.get(k, []) + v for k, v in op_cases_reductions.CASES.items()})
from . import op_cases_shapes  # noqa: E402

CASES.update({k: CASES.get(k, []) + v for k, v in op_cases_shapes.CASES.items()})
for _name, _cases in op_cases_shapes.CASES_MORE.items():
    CASES[_name] = CASES[_name] + _cases
from . import op_cases_draws  # noqa: E402

CASES.update({k: CASES.get(k, []) + v for k, v in op_cases_draws.CASES.items()})
from . import op_cases_pool  # noqa: E402

CASES.update({k: CASES.get(k, []) + v for k, v in op_cases_pool.CASES.items()})
