"""In the manner of an open textbook's autograd and MLP chapters: gradients of
a dot product, resetting them, non-scalar backward, detaching, piecewise-linear
control flow, then an MLP from scratch and a concise one with lazy layers."""

import torch
from torch import nn
from torch.nn import functional as F

x = torch.arange(4.0)
x.requires_grad_(True)
print(x.grad)
y = 2 * torch.dot(x, x)
y.backward()
print(y, x.grad, x.grad == 4 * x)
x.grad.zero_()
y = x.sum()
y.backward()
print(x.grad)
x.grad.zero_()
y = x * x
y.backward(gradient=torch.ones(len(y)))
print(x.grad)
x.grad.zero_()
y = x * x
u = y.detach()
z = u * x
z.sum().backward()
print(x.grad == u)
x.grad.zero_()
y.sum().backward()
print(x.grad == 2 * x)


def f(a):
    b = a * 2
    while (b * b).sum() < 1000**2:
        b = b * 2
    return b if b.sum() > 0 else 100 * b


torch.manual_seed(0)
a = torch.randn((), requires_grad=True)
d = f(a)
d.backward()
print(a.grad == d / a, a.grad)


# an MLP from scratch on fixed random data
def relu(X):
    return torch.max(X, torch.zeros_like(X))


torch.manual_seed(1)
X = torch.rand(32, 1, 4, 4)
Y = torch.tensor([i % 3 for i in range(32)])
W1 = nn.Parameter(torch.randn(16, 8) * 0.1)
b1 = nn.Parameter(torch.zeros(8))
W2 = nn.Parameter(torch.randn(8, 3) * 0.1)
b2 = nn.Parameter(torch.zeros(3))
params = [W1, b1, W2, b2]
for epoch in range(5):
    H = relu(torch.matmul(X.reshape((-1, 16)), W1) + b1)
    loss = F.cross_entropy(H @ W2 + b2, Y, reduction="none").mean()
    for p in params:
        p.grad = None
    loss.backward()
    with torch.no_grad():
        for p in params:
            p -= 0.5 * p.grad
    print(epoch, f"{loss.item():.6f}")

# the concise version: lazy layers sized by the first batch
torch.manual_seed(2)
net = nn.Sequential(nn.Flatten(), nn.LazyLinear(8), nn.ReLU(), nn.LazyLinear(3))
print(net)


def init_weights(m):
    if type(m) is nn.Linear:
        nn.init.normal_(m.weight, std=0.01)


net(X[:2])
net.apply(init_weights)
print(net, [tuple(p.shape) for p in net.parameters()])
trainer = torch.optim.SGD(net.parameters(), lr=0.5)
for epoch in range(5):
    loss = F.cross_entropy(net(X), Y)
    trainer.zero_grad()
    loss.backward()
    trainer.step()
    accuracy = (net(X).argmax(dim=1) == Y).float().mean()
    print(epoch, f"{loss.item():.6f}", f"{accuracy.item():.4f}")
