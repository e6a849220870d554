"""A small CNN on random images: Conv2d, BatchNorm2d, MaxPool2d, Flatten,
Linear, CrossEntropyLoss, SGD with momentum."""

import torch
import torch.nn.functional as F
from torch import nn


class SmallCNN(nn.Module):
    def __init__(self, classes=4):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 4, kernel_size=3, padding=1),
            nn.BatchNorm2d(4),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(4, 8, kernel_size=3),
            nn.ReLU(),
            nn.AdaptiveAvgPool2d((2, 2)),
        )
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(32, classes))

    def forward(self, x):
        return self.head(self.features(x))


torch.manual_seed(0)
images = torch.randn(16, 1, 8, 8)
labels = torch.tensor([0, 1, 2, 3] * 4)
model = SmallCNN()
print(model)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
for step in range(20):
    logits = model(images)
    loss = F.cross_entropy(logits, labels)
    if step % 5 == 4:
        print(step, loss.item())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(loss.grad_fn)
model.eval()
with torch.no_grad():
    probs = nn.Softmax(dim=1)(model(images))
print(probs.shape, probs.sum(1))
print(model.features[1].running_mean)
