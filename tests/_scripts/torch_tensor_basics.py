"""Tensor basics in the manner of PyTorch's tensor tutorials: creation from
data, NumPy and other tensors; attributes; indexing and slice assignment; cat;
matmul two ways; item(); in-place ops; to and from NumPy (whose memory the
facade does not share: JAX arrays are immutable, so the tutorial's bridge
section is left out)."""

import numpy as np
import torch

torch.manual_seed(0)
data = [[1, 2], [3, 4]]
x_data = torch.tensor(data)
x_np = torch.from_numpy(np.array(data))
print(x_data, x_np, torch.equal(x_data, x_np))
x_ones = torch.ones_like(x_data)
print(f"Ones Tensor: \n {x_ones} \n")
x_rand = torch.rand_like(x_data, dtype=torch.float)
print(f"Random Tensor: \n {x_rand} \n")
shape = (2, 3)
print(torch.rand(shape), torch.ones(shape), torch.zeros(shape), sep="\n")
tensor = torch.rand(3, 4)
print(f"Shape of tensor: {tensor.shape}")
print(f"Datatype of tensor: {tensor.dtype}")
print(f"Device tensor is stored on: {tensor.device}")
if torch.cuda.is_available():
    tensor = tensor.to("cuda")
tensor = torch.ones(4, 4)
print("First row: ", tensor[0])
print("First column: ", tensor[:, 0])
print("Last column:", tensor[..., -1])
tensor[:, 1] = 0
print(tensor)
t1 = torch.cat([tensor, tensor, tensor], dim=1)
print(t1, t1.shape)
y1 = tensor @ tensor.T
y2 = tensor.matmul(tensor.T)
print(y1, torch.equal(y1, y2))
z1 = tensor * tensor
z2 = tensor.mul(tensor)
print(z1, torch.equal(z1, z2))
agg = tensor.sum()
agg_item = agg.item()
print(agg_item, type(agg_item))
print(tensor, "\n")
tensor.add_(5)
print(tensor)
t = torch.ones(5)
n = t.numpy()
print(f"t: {t}", f"n: {n}", type(n).__name__, n.dtype)
t = torch.from_numpy(np.arange(3.0))
print(f"t: {t}")
x = torch.randn(4, 4)
print(x.size(), x.view(16).size(), x.view(-1, 8).size(), x[1, 1].item())
print(torch.tensor([1.5]).item(), x.T.shape, x.t().is_contiguous())
