"""Scalar expressions checked the way tiny autograd engines check themselves
against torch: legacy ``torch.Tensor([...]).double()`` leaves, ``.data``,
``.item()``, unbound ``torch.Tensor`` methods, gradients printed in full."""

import torch


def leaf(v):
    t = torch.Tensor([v]).double()
    t.requires_grad = True
    return t


x = leaf(-4.0)
z = 2 * x + 2 + x
q = z.relu() + z * x
h = (z * z).relu()
y = h + q + q * x
y.backward()
print("expression", y.data.item(), x.grad.item(), y.dtype, x.grad.dtype)

a, b = leaf(-4.0), leaf(2.0)
c = a + b
d = a * b + b**3
c = c + c + 1
c = c + 1 + c + (-a)
d = d + d * 2 + (b + a).relu()
d = d + 3 * d + (b - a).relu()
e = c - d
f = e**2
g = f / 2.0
g = g + 10.0 / f
g.backward()
print(
    "more ops",
    f"{g.data.item():.10f}",
    f"{a.grad.item():.10f}",
    f"{b.grad.item():.10f}",
)

for name, fn in (
    ("tanh", torch.Tensor.tanh),
    ("exp", torch.Tensor.exp),
    ("sigmoid", torch.Tensor.sigmoid),
    ("relu", torch.Tensor.relu),
):
    for v in (-1.0, 0.123, 2.0):
        t = leaf(v)
        out = fn(t)
        out.backward()
        print(name, v, f"{out.item():.12f}", f"{t.grad.item():.12f}")

w = torch.Tensor(2, 3)
print("legacy sizes", w.shape, w.dtype, torch.Tensor([1, 2]).dtype)
print(torch.FloatTensor([1, 2]), torch.LongTensor([1, 2]), torch.DoubleTensor([0.5]))
