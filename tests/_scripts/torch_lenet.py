"""A LeNet in the manner of PyTorch's 60-minute blitz: the network printed,
its parameters counted, a backward from random gradients, the loss's graph
walked by hand, one SGD step; then an image-classifier loop over a DataLoader
of random images, per-class accuracy and a state_dict saved and reloaded."""

import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3)
        self.conv2 = nn.Conv2d(4, 8, 3)
        self.fc1 = nn.Linear(8 * 2 * 2, 16)
        self.fc2 = nn.Linear(16, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2, ceil_mode=True)
        x = x.view(-1, self.num_flat_features(x))
        x = F.relu(self.fc1(x))
        return self.fc2(x)

    def num_flat_features(self, x):
        n = 1
        for s in x.size()[1:]:
            n *= s
        return n


torch.manual_seed(0)
net = Net()
print(net)
params = list(net.parameters())
print(len(params), params[0].size())
inp = torch.randn(1, 1, 14, 14)
out = net(inp)
print(out)
net.zero_grad()
out.backward(torch.randn(1, 10))
target = torch.arange(1, 11).view(1, -1).float()
criterion = nn.MSELoss()
loss = criterion(net(inp), target)
print(loss)
print(loss.grad_fn)
print(loss.grad_fn.next_functions[0][0])
print(loss.grad_fn.next_functions[0][0].next_functions[0][0])
net.zero_grad()
print("conv1.bias.grad before backward", net.conv1.bias.grad)
loss.backward()
print("conv1.bias.grad after backward", net.conv1.bias.grad)
optimizer = optim.SGD(net.parameters(), lr=0.01)
optimizer.zero_grad()
loss = criterion(net(inp), target)
loss.backward()
optimizer.step()
print(criterion(net(inp), target))

# an image classifier on random "images" of three classes
classes = ("plane", "car", "bird")
images = torch.randn(24, 1, 14, 14)
labels = torch.tensor([0, 1, 2] * 8)
images = images + labels.view(-1, 1, 1, 1).float()
data = torch.utils.data.TensorDataset(images, labels)
loader = torch.utils.data.DataLoader(
    data, batch_size=6, shuffle=True, generator=torch.Generator().manual_seed(0)
)
net = Net()
optimizer = optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
criterion = nn.CrossEntropyLoss()
for epoch in range(3):
    running_loss = 0.0
    for i, (inputs, targets) in enumerate(loader, 0):
        optimizer.zero_grad()
        loss = criterion(net(inputs), targets)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
        if i % 2 == 1:
            print(f"[{epoch + 1}, {i + 1:5d}] loss: {running_loss / 2:.3f}")
            running_loss = 0.0
print("Finished Training")

path = os.path.join(tempfile.mkdtemp(), "net.pth")
torch.save(net.state_dict(), path)
net = Net()
print(net.load_state_dict(torch.load(path, weights_only=True)))
dataiter = iter(loader)
inputs, targets = next(dataiter)
print("GroundTruth: ", " ".join(f"{classes[targets[j]]:5s}" for j in range(4)))
_, predicted = torch.max(net(inputs), 1)
print("Predicted: ", " ".join(f"{classes[predicted[j]]:5s}" for j in range(4)))
correct_pred = {name: 0 for name in classes}
total_pred = {name: 0 for name in classes}
with torch.no_grad():
    for inputs, targets in loader:
        _, predictions = torch.max(net(inputs), 1)
        for label, prediction in zip(targets, predictions, strict=True):
            if label == prediction:
                correct_pred[classes[label]] += 1
            total_pred[classes[label]] += 1
for name, count in correct_pred.items():
    accuracy = 100 * float(count) / total_pred[name]
    print(f"Accuracy for class: {name:5s} is {accuracy:.1f} %")
