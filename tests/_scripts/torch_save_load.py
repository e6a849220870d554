"""Train, save model and optimizer state, load into fresh objects, continue:
the continued run prints the same as the uninterrupted one."""

import os
import sys
import tempfile

import torch
from torch import nn

torch.manual_seed(0)
X = torch.randn(32, 4)
Y = (X.sum(1) > 0).long()


def make():
    model = nn.Sequential(nn.Linear(4, 8), nn.GELU(), nn.LayerNorm(8), nn.Linear(8, 2))
    return model, torch.optim.Adam(model.parameters(), lr=0.02)


def train(model, optimizer, steps):
    for _ in range(steps):
        optimizer.zero_grad()
        loss = nn.CrossEntropyLoss(label_smoothing=0.1)(model(X), Y)
        loss.backward()
        optimizer.step()
    return loss.item()


model, optimizer = make()
print("first", train(model, optimizer, 10))
path = os.path.join(tempfile.mkdtemp(), "checkpoint.pt")
torch.save(
    {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": 10},
    path,
)
print("continued", train(model, optimizer, 10))

model2, optimizer2 = make()
state = torch.load(path)
print(model2.load_state_dict(state["model"]))
optimizer2.load_state_dict(state["optimizer"])
print("resumed at", state["epoch"], "->", train(model2, optimizer2, 10))
print(sorted(state["model"].keys()))
print(len(sys.argv))
