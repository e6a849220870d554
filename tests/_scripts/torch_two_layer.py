"""A two-layer net as an nn.Module subclass: SGD with momentum, then eval."""

import torch
from torch import nn


class TwoLayerNet(nn.Module):
    def __init__(self, d_in, hidden, d_out):
        super().__init__()
        self.linear1 = nn.Linear(d_in, hidden)
        self.act = nn.ReLU()
        self.drop = nn.Dropout(0.0)
        self.linear2 = nn.Linear(hidden, d_out)

    def forward(self, x):
        return self.linear2(self.drop(self.act(self.linear1(x))))


torch.manual_seed(0)
N, D_in, H, D_out = 64, 20, 32, 3
x = torch.randn(N, D_in)
y = torch.randn(N, D_out)

model = TwoLayerNet(D_in, H, D_out)
print(model)
criterion = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
for t in range(100):
    loss = criterion(model(x), y)
    if t % 20 == 19:
        print(t, loss.item())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

model.eval()
with torch.no_grad():
    print("eval loss", criterion(model(x), y).item(), model.training)
print([name for name, _ in model.named_parameters()])
print(sum(p.numel() for p in model.parameters()))
