"""Checks in the manner of PyTorch's autograd test suite: each prints what it
observed (gradients, graph names, hook calls, errors), so a run under torch and
one under the facade can be compared line by line."""

import torch
from torch.autograd import Function


def report(name, *values):
    print(f"{name}:", *values)


def error_of(fn):
    try:
        fn()
    except (RuntimeError, TypeError) as e:
        return f"{type(e).__name__}: {str(e).splitlines()[0][:90]}"
    return "no error"


torch.manual_seed(0)

# gradients accumulate, and retain_graph lets a graph run twice
x = torch.randn(3, 3, requires_grad=True)
y = x * 3 + 1
y.backward(torch.ones(3, 3), retain_graph=True)
first = x.grad.clone()
y.backward(torch.ones(3, 3))
report("accumulate", torch.equal(x.grad, first * 2), first[0])
report("second time", error_of(lambda: y.backward(torch.ones(3, 3))))

# a Hessian-vector product by differentiating a gradient
a = torch.randn(2, 2, requires_grad=True)
b = torch.randn(2, 2, requires_grad=True)
z = a**2 + b * a + b**2
z.backward(torch.ones(2, 2), create_graph=True)
combo = 2 * a.grad + b.grad
(hv,) = torch.autograd.grad(combo, a, grad_outputs=torch.ones(2, 2))
report("hessian-vector", hv)
report(
    "grad_outputs shape",
    error_of(lambda: torch.autograd.grad(combo, a, grad_outputs=torch.ones(3))),
)

# autograd.grad leaves .grad alone and follows a non-leaf input
p = torch.randn(2, requires_grad=True)
q = torch.randn(2, requires_grad=True)
start = p
for _ in range(3):
    (gp,) = torch.autograd.grad((p**2 + q * p).sum(), p, create_graph=True)
    p = p + 0.1 * gp
report("grad of non-leaf", q.grad, start.grad, p.grad_fn)
p.sum().backward()
report("then backward", start.grad is not None, q.grad is not None)

# unreachable inputs, allow_unused and materialize_grads
u = torch.ones(2, requires_grad=True)
v = torch.ones(2, requires_grad=True)
report("unused", torch.autograd.grad((u * 2).sum(), [u, v], allow_unused=True))
report("unused error", error_of(lambda: torch.autograd.grad((u * 2).sum(), [u, v])))
report(
    "materialized",
    torch.autograd.grad((u * 2).sum(), [u, v], materialize_grads=True)[1],
)

# hooks: counted, removed, and one that rescales the gradient
counter = []
w = torch.ones(2, 2, requires_grad=True)
s = w**2 + w * 3
handle = s.register_hook(lambda g: counter.append("s"))
w.register_hook(lambda g: counter.append("w"))
s.backward(torch.ones(2, 2), retain_graph=True)
handle.remove()
s.register_hook(lambda g: g * 10)
s.backward(torch.ones(2, 2))
report("hooks", counter, w.grad[0])

# a hook on one piece of a split sees only its own gradient
whole = torch.randn(4, 2, requires_grad=True)
top, bottom = whole.split(2)
seen = []
whole.register_hook(lambda g: seen.append(tuple(g.shape)))
ga, gb = torch.autograd.grad(top + 2 * bottom, [top, bottom], torch.ones(2, 2))
report("pieces", ga.sum().item(), gb.sum().item(), seen, whole.grad)

# retain_grad on intermediates, is_leaf, requires_grad flags
m = torch.tensor([1.0, 2.0], requires_grad=True)
n = m * m
n.retain_grad()
n.sum().backward()
report("retain_grad", n.grad, n.is_leaf, m.is_leaf, n.requires_grad)

# no_grad, set_grad_enabled, enable_grad inside no_grad, detach
with torch.no_grad():
    k = m * 2
    with torch.enable_grad():
        kk = m * 2
with torch.set_grad_enabled(False):
    off = m * 2
report("grad modes", k.requires_grad, kk.requires_grad, off.requires_grad)
d = (m * 2).detach()
report("detach", d.requires_grad, d.grad_fn, d.is_leaf)

# in-place change of a tensor saved for backward is caught
leaf = torch.ones(3, requires_grad=True)
inter = leaf * 2
out = inter**2
inter.add_(1)
report("inplace", inter._version, error_of(lambda: out.sum().backward()))


# custom Functions: None gradients, non-differentiable outputs, materialize
class Drop(Function):
    @staticmethod
    def forward(ctx, t):
        return t * 2

    @staticmethod
    def backward(ctx, g):
        return None


r = torch.ones(2, requires_grad=True)
Drop.apply(r).sum().backward()
report("None grad", r.grad)


class ArgMaxToo(Function):
    @staticmethod
    def forward(ctx, t):
        idx = t.argmax().reshape(1)
        ctx.mark_non_differentiable(idx)
        return t * 1, idx

    @staticmethod
    def backward(ctx, g, g_idx):
        return g * 3


value, index = ArgMaxToo.apply(torch.tensor([1.0, 5.0, 2.0], requires_grad=True))
report("non-differentiable", index, index.requires_grad, value.grad_fn.name())


class Lazy(Function):
    @staticmethod
    def forward(ctx, t):
        ctx.set_materialize_grads(False)
        return t.clone(), t.clone()

    @staticmethod
    def backward(ctx, g1, g2):
        report("materialize off", g1 is None, g2 is None)
        return g1 if g1 is not None else g2


first_out, _ = Lazy.apply(torch.ones(2, requires_grad=True))
first_out.sum().backward()


class Twice(Function):
    @staticmethod
    def forward(ctx, t):
        ctx.save_for_backward(t)
        return t**2

    @staticmethod
    def backward(ctx, g):
        (t,) = ctx.saved_tensors
        return 2 * t * g


tt = torch.tensor([3.0], requires_grad=True)
(g1,) = torch.autograd.grad(Twice.apply(tt), tt, create_graph=True)
(g2,) = torch.autograd.grad(g1, tt)
report("double backward", g1, g2)
report("bad gradient count", error_of(lambda: Drop.apply(r).backward(torch.ones(2))))

# backward through views and an in-place write on a view
base = torch.zeros(4, requires_grad=True).clone()
view = base[1:3]
view.mul_(0).add_(torch.tensor([5.0, 6.0]))
report("view write", base, base.grad_fn.name())

# torch.autograd.backward with several roots, and the inputs= argument
e = torch.ones(2, requires_grad=True)
f = torch.ones(2, requires_grad=True)
torch.autograd.backward([(e * 2).sum(), (e * f).sum()])
report("multi-root", e.grad, f.grad)
e.grad = None
f.grad = None
(e * f * 3).sum().backward(inputs=[f])
report("inputs=", e.grad, f.grad)
report("no grad_fn", error_of(lambda: torch.ones(1).backward()))
report("non-scalar", error_of(lambda: (e * 2).backward()))

# the blitz's external gradient and frozen layers of a "pretrained" model
qa = torch.tensor([2.0, 3.0], requires_grad=True)
qb = torch.tensor([6.0, 4.0], requires_grad=True)
Q = 3 * qa**3 - qb**2
Q.backward(gradient=torch.tensor([1.0, 1.0]))
report("external gradient", 9 * qa**2 == qa.grad, -2 * qb == qb.grad)
model = torch.nn.Sequential(
    torch.nn.Linear(4, 6), torch.nn.ReLU(), torch.nn.Linear(6, 3)
)
for param in model.parameters():
    param.requires_grad = False
model[2] = torch.nn.Linear(6, 2)
opt = torch.optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
model(torch.randn(5, 4)).sum().backward()
opt.step()
report(
    "frozen",
    [p.grad is None for p in model.parameters()],
    model[2].weight.requires_grad,
)
