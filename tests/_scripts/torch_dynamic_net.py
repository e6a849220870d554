"""Control flow and weight sharing in the manner of PyTorch's examples: each
forward pass picks (with Python's seeded random) how many higher orders reuse
one shared parameter; MSELoss(reduction="sum") and SGD with momentum."""

import math
import random

import torch


class DynamicNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))
        self.e = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        y = self.a + self.b * x + self.c * x**2 + self.d * x**3
        for exp in range(4, random.randint(4, 6)):
            y = y + self.e * x**exp
        return y

    def string(self):
        return (
            f"y = {self.a.item():.4f} + {self.b.item():.4f} x + {self.c.item():.4f} "
            f"x^2 + {self.d.item():.4f} x^3 + {self.e.item():.4f} x^4 ?"
        )


random.seed(0)
torch.manual_seed(0)
x = torch.linspace(-math.pi / 2, math.pi / 2, 200)
y = torch.exp(x) - 1
model = DynamicNet()
print(model, [n for n, _ in model.named_parameters()])
criterion = torch.nn.MSELoss(reduction="sum")
optimizer = torch.optim.SGD(model.parameters(), lr=1e-5, momentum=0.9)
for t in range(600):
    loss = criterion(model(x), y)
    if t % 100 == 99:
        print(t, f"{loss.item():.4f}")
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(f"Result: {model.string()}")
print(optimizer.state_dict()["param_groups"][0]["momentum"], len(optimizer.state))
