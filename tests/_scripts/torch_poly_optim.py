"""The cubic with an optimizer (RMSprop) and a learning-rate schedule."""

import torch

torch.manual_seed(0)
x = torch.linspace(-1, 1, 200)
y = torch.exp(x)
xx = x.unsqueeze(-1).pow(torch.tensor([1, 2, 3]))

model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
loss_fn = torch.nn.MSELoss(reduction="sum")
optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-2)
scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.99)
print(optimizer)

for t in range(200):
    y_pred = model(xx)
    loss = loss_fn(y_pred, y)
    if t % 40 == 39:
        print(t, loss.item(), scheduler.get_last_lr())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    scheduler.step()

w = model[0].weight
print(f"Result: y = {model[0].bias.item()} + {w[:, 0].item()} x + {w[:, 1].item()} x^2")
