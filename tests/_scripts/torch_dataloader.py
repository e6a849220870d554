"""A DataLoader loop (shuffled with a seeded generator) with a scheduler and
gradient clipping."""

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset, random_split

torch.manual_seed(0)
X = torch.randn(100, 5)
w_true = torch.randn(5, 1)
Y = X @ w_true + 0.1 * torch.randn(100, 1)
train, test = random_split(
    TensorDataset(X, Y), [80, 20], generator=torch.Generator().manual_seed(1)
)
loader = DataLoader(
    train, batch_size=16, shuffle=True, generator=torch.Generator().manual_seed(2)
)
model = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 1))
optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.5)
loss_fn = nn.SmoothL1Loss()
for epoch in range(6):
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        total += loss.item() * len(xb)
    scheduler.step()
    print(epoch, total / len(train), scheduler.get_last_lr())
with torch.no_grad():
    xt, yt = next(iter(DataLoader(test, batch_size=20)))
    print("test", loss_fn(model(xt), yt).item())
print(torch.randn(2))
