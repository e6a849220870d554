# ruff: noqa: E501
"""Common mistakes of PyTorch users and what PyTorch 2.13 does with each.

Each case is code run with ``torch`` bound to a module; its last line is the
result. ``expected`` is what real PyTorch 2.13 (CPU) gives: ``("raise", type,
first line of the message)`` or ``("value", repr)``. ``tests/facade/test_misuse.py``
checks the facade against it, and against real torch when it is importable.
"""

from typing import NamedTuple


class Case(NamedTuple):
    category: str
    code: str
    expected: tuple


CASES = [
    Case(
        "index",
        "torch.arange(3)[torch.tensor([0, 5])]",
        ("raise", "IndexError", "index 5 is out of bounds for dimension 0 with size 3"),
    ),
    Case(
        "index",
        "torch.arange(3)[torch.tensor([-4])]",
        (
            "raise",
            "IndexError",
            "index -4 is out of bounds for dimension 0 with size 3",
        ),
    ),
    Case(
        "index",
        "torch.arange(3)[3]",
        ("raise", "IndexError", "index 3 is out of bounds for dimension 0 with size 3"),
    ),
    Case(
        "index",
        "torch.arange(3)[-4]",
        (
            "raise",
            "IndexError",
            "index -4 is out of bounds for dimension 0 with size 3",
        ),
    ),
    Case(
        "index",
        "torch.zeros(2, 3)[0, 3]",
        ("raise", "IndexError", "index 3 is out of bounds for dimension 1 with size 3"),
    ),
    Case(
        "index",
        "torch.zeros(2, 3)[2]",
        ("raise", "IndexError", "index 2 is out of bounds for dimension 0 with size 2"),
    ),
    Case(
        "index",
        "torch.zeros(2, 3)[0, 0, 0]",
        ("raise", "IndexError", "too many indices for tensor of dimension 2"),
    ),
    Case(
        "index",
        "torch.arange(3)[torch.tensor([True, False])]",
        (
            "raise",
            "IndexError",
            "The shape of the mask [2] at index 0 does not match the shape of the indexed tensor [3] at index 0",
        ),
    ),
    Case(
        "index",
        "torch.zeros(2, 3)[torch.ones(2, 2, dtype=torch.bool)]",
        (
            "raise",
            "IndexError",
            "The shape of the mask [2, 2] at index 1 does not match the shape of the indexed tensor [2, 3] at index 1",
        ),
    ),
    Case(
        "index",
        "torch.arange(3)[torch.tensor([0.0, 1.0])]",
        (
            "raise",
            "IndexError",
            "tensors used as indices must be long, int, byte or bool tensors",
        ),
    ),
    Case(
        "index",
        "torch.arange(3)[1.5]",
        (
            "raise",
            "IndexError",
            "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices (got float)",
        ),
    ),
    Case(
        "index",
        "torch.arange(3)['a']",
        ("raise", "TypeError", "new(): invalid data type 'str'"),
    ),
    Case(
        "index",
        "torch.arange(5)[torch.tensor([[0, 1], [7, 2]])]",
        ("raise", "IndexError", "index 7 is out of bounds for dimension 0 with size 5"),
    ),
    Case(
        "index",
        "torch.zeros(2, 3)[:, torch.tensor([3])]",
        ("raise", "IndexError", "index 3 is out of bounds for dimension 0 with size 3"),
    ),
    Case(
        "index",
        "torch.zeros(2, 3)[torch.tensor([1]), torch.tensor([0, 1, 2])]",
        ("value", "tensor([0., 0., 0.])"),
    ),
    Case(
        "index",
        "torch.zeros(2, 3)[torch.tensor([0, 1]), torch.tensor([0, 1, 2])]",
        (
            "raise",
            "IndexError",
            "shape mismatch: indexing tensors could not be broadcast together with shapes [2], [3]",
        ),
    ),
    Case(
        "index",
        "torch.arange(6).reshape(2, 3)[torch.tensor([1, -2])]",
        ("value", "tensor([[3, 4, 5],\n        [0, 1, 2]])"),
    ),
    Case(
        "index",
        "torch.arange(6).reshape(2, 3)[..., ...]",
        ("value", "tensor([[0, 1, 2],\n        [3, 4, 5]])"),
    ),
    Case(
        "index",
        "torch.arange(3)[torch.tensor([True, False, True])]",
        ("value", "tensor([0, 2])"),
    ),
    Case("index", "torch.arange(3)[None, 1]", ("value", "tensor([1])")),
    Case(
        "index",
        "torch.tensor(5)[0]",
        (
            "raise",
            "IndexError",
            "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number",
        ),
    ),
    Case(
        "index",
        "torch.arange(3).index_select(0, torch.tensor([3]))",
        ("raise", "IndexError", "index out of range in self"),
    ),
    Case(
        "index",
        "torch.arange(3).index_select(0, torch.tensor([0.0]))",
        (
            "raise",
            "RuntimeError",
            "index_select(): Expected dtype int32 or int64 for index",
        ),
    ),
    Case(
        "index",
        "torch.gather(torch.zeros(2, 2), 1, torch.tensor([[0, 2], [1, 0]]))",
        (
            "raise",
            "RuntimeError",
            "index 2 is out of bounds for dimension 1 with size 2",
        ),
    ),
    Case(
        "index",
        "torch.gather(torch.zeros(2, 2), 1, torch.tensor([[0, 1], [1, 0]]))",
        ("value", "tensor([[0., 0.],\n        [0., 0.]])"),
    ),
    Case(
        "index",
        "torch.zeros(3).narrow(0, 2, 2)",
        ("raise", "RuntimeError", "start (2) + length (2) exceeds dimension size (3)."),
    ),
    Case(
        "index",
        "torch.zeros(3).select(0, 3)",
        (
            "raise",
            "IndexError",
            "select(): index 3 out of range for tensor of size [3] at dimension 0",
        ),
    ),
    Case(
        "index",
        "torch.arange(3)[[0, 5]]",
        ("raise", "IndexError", "index 5 is out of bounds for dimension 0 with size 3"),
    ),
    Case(
        "index",
        "torch.arange(3)[[True, False]]",
        (
            "raise",
            "IndexError",
            "The shape of the mask [2] at index 0 does not match the shape of the indexed tensor [3] at index 0",
        ),
    ),
    Case(
        "index",
        "torch.arange(3)[torch.tensor(1.)]",
        (
            "raise",
            "IndexError",
            "tensors used as indices must be long, int, byte or bool tensors",
        ),
    ),
    Case(
        "index",
        "torch.tensor([[1, 2], [3, 4]])[torch.tensor([True, False]), 5]",
        ("raise", "IndexError", "index 5 is out of bounds for dimension 1 with size 2"),
    ),
    Case(
        "setitem", "x = torch.zeros(3)\nx[1] = 5\nx", ("value", "tensor([0., 5., 0.])")
    ),
    Case(
        "setitem",
        "x = torch.zeros(3)\nx[3] = 5\nx",
        ("raise", "IndexError", "index 3 is out of bounds for dimension 0 with size 3"),
    ),
    Case(
        "setitem",
        "x = torch.zeros(3)\nx[torch.tensor([0, 4])] = 1.0\nx",
        ("raise", "IndexError", "index 4 is out of bounds for dimension 0 with size 3"),
    ),
    Case(
        "setitem",
        "x = torch.zeros(3)\nx[torch.tensor([True, False])] = 1.0\nx",
        (
            "raise",
            "IndexError",
            "The shape of the mask [2] at index 0 does not match the shape of the indexed tensor [3] at index 0",
        ),
    ),
    Case(
        "setitem",
        "x = torch.zeros(3)\nx[x >= 0] = 2.0\nx",
        ("value", "tensor([2., 2., 2.])"),
    ),
    Case(
        "setitem",
        "x = torch.zeros(2, 3)\nx[0] = torch.ones(3)\nx",
        ("value", "tensor([[1., 1., 1.],\n        [0., 0., 0.]])"),
    ),
    Case(
        "setitem",
        "x = torch.zeros(2, 3)\nx[0] = torch.ones(4)\nx",
        (
            "raise",
            "RuntimeError",
            "The expanded size of the tensor (3) must match the existing size (4) at non-singleton dimension 0.  Target sizes: [3].  Tensor sizes: [4]",
        ),
    ),
    Case(
        "setitem",
        "x = torch.zeros(2, 3)\nx[:, 1] = torch.tensor([7.0, 8.0])\nx",
        ("value", "tensor([[0., 7., 0.],\n        [0., 8., 0.]])"),
    ),
    Case(
        "setitem",
        "x = torch.zeros(2, 3)\nx[1:, :2] = 3\nx",
        ("value", "tensor([[0., 0., 0.],\n        [3., 3., 0.]])"),
    ),
    Case(
        "setitem",
        "x = torch.arange(4)\nx[1] = 2.7\nx",
        ("value", "tensor([0, 2, 2, 3])"),
    ),
    Case(
        "setitem",
        "x = torch.zeros(3)\nx['a'] = 1\nx",
        ("raise", "TypeError", "new(): invalid data type 'str'"),
    ),
    Case(
        "setitem",
        "x = torch.zeros(3, requires_grad=True)\nx[0] = 1.0\nx",
        (
            "raise",
            "RuntimeError",
            "a view of a leaf Variable that requires grad is being used in an in-place operation.",
        ),
    ),
    Case(
        "setitem",
        "x = torch.zeros(3)\nx.masked_fill_(torch.tensor([True, False, True]), 4.0)\nx",
        ("value", "tensor([4., 0., 4.])"),
    ),
    Case(
        "setitem",
        "x = torch.zeros(3)\nx.masked_fill_(torch.tensor([1, 0, 1]), 4.0)\nx",
        (
            "raise",
            "RuntimeError",
            "masked_fill_ only supports boolean masks, but got mask with dtype long int",
        ),
    ),
    Case(
        "setitem",
        "x = torch.zeros(3)\nx.masked_fill_(torch.tensor([True, False]), 4.0)\nx",
        (
            "raise",
            "RuntimeError",
            "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0",
        ),
    ),
    Case(
        "setitem",
        "x = torch.zeros(3)\nx.index_add_(0, torch.tensor([0, 0]), torch.ones(2))\nx",
        ("value", "tensor([2., 0., 0.])"),
    ),
    Case(
        "setitem",
        "x = torch.zeros(3)\nx.index_add_(0, torch.tensor([0, 5]), torch.ones(2))\nx",
        ("raise", "IndexError", "index out of range in self"),
    ),
    Case(
        "setitem",
        "x = torch.zeros(3)\nx.scatter_(0, torch.tensor([2, 0]), torch.tensor([1.0, 2.0]))\nx",
        ("value", "tensor([2., 0., 1.])"),
    ),
    Case(
        "setitem",
        "x = torch.zeros(3)\nx.scatter_(0, torch.tensor([3]), torch.tensor([1.0]))\nx",
        (
            "raise",
            "RuntimeError",
            "index 3 is out of bounds for dimension 0 with size 3",
        ),
    ),
    Case(
        "setitem",
        "x = torch.zeros(3)\nx[torch.tensor([0, 1])] = torch.tensor([1.0, 2.0, 3.0])\nx",
        (
            "raise",
            "RuntimeError",
            "shape mismatch: value tensor of shape [3] cannot be broadcast to indexing result of shape [2]",
        ),
    ),
    Case(
        "factory",
        "torch.zeros(5 / 2)",
        (
            "raise",
            "TypeError",
            "zeros(): argument 'size' (position 1) must be tuple of ints, not float",
        ),
    ),
    Case(
        "factory",
        "torch.zeros(-1)",
        ("raise", "RuntimeError", "zeros: Dimension size must be non-negative."),
    ),
    Case(
        "factory",
        "torch.ones(2, -3)",
        (
            "raise",
            "RuntimeError",
            "Trying to create tensor with negative dimension -3: [2, -3]",
        ),
    ),
    Case(
        "factory",
        "torch.randn(-1, 3)",
        (
            "raise",
            "RuntimeError",
            "Trying to create tensor with negative dimension -1: [-1, 3]",
        ),
    ),
    Case(
        "factory",
        "torch.rand(2.0)",
        (
            "raise",
            "TypeError",
            "rand(): argument 'size' (position 1) must be tuple of ints, not float",
        ),
    ),
    Case(
        "factory",
        "torch.zeros('3')",
        (
            "raise",
            "TypeError",
            "zeros(): argument 'size' (position 1) must be tuple of ints, not str",
        ),
    ),
    Case(
        "factory",
        "torch.zeros((2, 3))",
        ("value", "tensor([[0., 0., 0.],\n        [0., 0., 0.]])"),
    ),
    Case(
        "factory",
        "torch.zeros([2, 3])",
        ("value", "tensor([[0., 0., 0.],\n        [0., 0., 0.]])"),
    ),
    Case(
        "factory",
        "torch.zeros(torch.Size([2, 3]))",
        ("value", "tensor([[0., 0., 0.],\n        [0., 0., 0.]])"),
    ),
    Case(
        "factory",
        "torch.zeros(2, (3,))",
        (
            "raise",
            "TypeError",
            "zeros(): argument 'size' failed to unpack the object at pos 2 with error \"type must be tuple of ints,but got tuple\"",
        ),
    ),
    Case(
        "factory",
        "torch.zeros(None)",
        (
            "raise",
            "TypeError",
            "zeros(): argument 'size' (position 1) must be tuple of ints, not NoneType",
        ),
    ),
    Case(
        "factory",
        "torch.zeros(2, 2.0)",
        (
            "raise",
            "TypeError",
            "zeros(): argument 'size' failed to unpack the object at pos 2 with error \"type must be tuple of ints,but got float\"",
        ),
    ),
    Case(
        "factory",
        "torch.ones(2.5)",
        (
            "raise",
            "TypeError",
            "ones(): argument 'size' (position 1) must be tuple of ints, not float",
        ),
    ),
    Case(
        "factory",
        "torch.zeros(True)",
        (
            "raise",
            "TypeError",
            "zeros(): argument 'size' (position 1) must be tuple of ints, not bool",
        ),
    ),
    Case(
        "factory",
        "torch.full(3, 1.0)",
        (
            "raise",
            "TypeError",
            "full(): argument 'size' (position 1) must be tuple of ints, not int",
        ),
    ),
    Case(
        "factory",
        "torch.full((2,), 'a')",
        (
            "raise",
            "TypeError",
            "full(): argument 'fill_value' (position 2) must be Number, not str",
        ),
    ),
    Case(
        "factory",
        "torch.randn(2, dtype=torch.int64)",
        (
            "raise",
            "NotImplementedError",
            "\"normal_kernel_cpu\" not implemented for 'Long'",
        ),
    ),
    Case(
        "factory",
        "torch.eye(2.5)",
        (
            "raise",
            "TypeError",
            "eye(): argument 'n' (position 1) must be int, not float",
        ),
    ),
    Case(
        "factory",
        "torch.arange('a')",
        (
            "raise",
            "TypeError",
            "arange(): argument 'end' (position 1) must be Number, not str",
        ),
    ),
    Case(
        "factory",
        "torch.arange(0, float('inf'))",
        ("raise", "RuntimeError", "unsupported range: 0 -> inf"),
    ),
    Case(
        "factory",
        "torch.ones(2, dtype='float32')",
        ("raise", "TypeError", "ones(): argument 'dtype' must be torch.dtype, not str"),
    ),
    Case(
        "factory",
        "torch.full((2,), 1.5, dtype=torch.int64)",
        ("value", "tensor([1, 1])"),
    ),
    Case(
        "factory",
        "torch.full((-2,), 1.5)",
        (
            "raise",
            "RuntimeError",
            "Trying to create tensor with negative dimension -2: [-2]",
        ),
    ),
    Case(
        "factory",
        "torch.arange(0, 10, 0)",
        ("raise", "RuntimeError", "step must be nonzero"),
    ),
    Case(
        "factory",
        "torch.arange(10, 0, 1)",
        (
            "raise",
            "RuntimeError",
            "upper bound and lower bound inconsistent with step sign",
        ),
    ),
    Case(
        "factory",
        "torch.arange(0, 3, -1)",
        (
            "raise",
            "RuntimeError",
            "upper bound and lower bound inconsistent with step sign",
        ),
    ),
    Case(
        "factory",
        "torch.linspace(0, 1, -1)",
        ("raise", "RuntimeError", "number of steps must be non-negative"),
    ),
    Case(
        "factory",
        "torch.eye(-2)",
        ("raise", "RuntimeError", "n must be greater or equal to 0, got -2"),
    ),
    Case(
        "factory",
        "torch.eye(2, -1)",
        ("raise", "RuntimeError", "m must be greater or equal to 0, got -1"),
    ),
    Case("factory", "torch.empty(2, 3).shape", ("value", "torch.Size([2, 3])")),
    Case(
        "factory",
        "torch.ones(2, 3, requires_grad=True, dtype=torch.int64)",
        (
            "raise",
            "RuntimeError",
            "Only Tensors of floating point and complex dtype can require gradients",
        ),
    ),
    Case(
        "factory",
        "torch.randn(2, generator=5)",
        (
            "raise",
            "TypeError",
            "randn() received an invalid combination of arguments - got (int, generator=int), but expected one of:",
        ),
    ),
    Case(
        "factory",
        "torch.zeros(2, 3).view(4)",
        ("raise", "RuntimeError", "shape '[4]' is invalid for input of size 6"),
    ),
    Case(
        "factory",
        "torch.zeros(2, 3).view(-1, -1)",
        ("raise", "RuntimeError", "only one dimension can be inferred"),
    ),
    Case(
        "factory",
        "torch.zeros(2, 3).reshape(7)",
        ("raise", "RuntimeError", "shape '[7]' is invalid for input of size 6"),
    ),
    Case(
        "factory",
        "torch.zeros(2, 3).expand(3, 3)",
        (
            "raise",
            "RuntimeError",
            "The expanded size of the tensor (3) must match the existing size (2) at non-singleton dimension 0.  Target sizes: [3, 3].  Tensor sizes: [2, 3]",
        ),
    ),
    Case(
        "factory",
        "torch.zeros(2, 3).permute(0, 0)",
        ("raise", "RuntimeError", "permute(): duplicate dims are not allowed."),
    ),
    Case(
        "factory",
        "torch.zeros(2, 3).transpose(0, 2)",
        (
            "raise",
            "IndexError",
            "Dimension out of range (expected to be in range of [-2, 1], but got 2)",
        ),
    ),
    Case(
        "factory",
        "torch.zeros(2, 3).sum(dim=2)",
        (
            "raise",
            "IndexError",
            "Dimension out of range (expected to be in range of [-2, 1], but got 2)",
        ),
    ),
    Case(
        "factory",
        "torch.zeros(2, 3).squeeze(3)",
        (
            "raise",
            "IndexError",
            "Dimension out of range (expected to be in range of [-2, 1], but got 3)",
        ),
    ),
    Case(
        "data",
        "torch.tensor(None)",
        ("raise", "RuntimeError", "Could not infer dtype of NoneType"),
    ),
    Case(
        "data",
        "torch.tensor([[1, 2], [3]])",
        ("raise", "ValueError", "expected sequence of length 2 at dim 1 (got 1)"),
    ),
    Case(
        "data",
        "torch.tensor(['a'])",
        ("raise", "ValueError", "too many dimensions 'str'"),
    ),
    Case(
        "data",
        "torch.tensor('a')",
        ("raise", "TypeError", "new(): invalid data type 'str'"),
    ),
    Case(
        "data",
        "torch.tensor([torch.tensor(1.0), torch.tensor(2.0)])",
        ("value", "tensor([1., 2.])"),
    ),
    Case(
        "data",
        "torch.tensor([torch.ones(2), torch.ones(2)])",
        (
            "raise",
            "ValueError",
            "only one element tensors can be converted to Python scalars",
        ),
    ),
    Case("data", "torch.tensor([1, 2.5])", ("value", "tensor([1.0000, 2.5000])")),
    Case("data", "torch.tensor([True, 2])", ("value", "tensor([1, 2])")),
    Case(
        "data",
        "torch.tensor([[1], [2, 3]])",
        ("raise", "ValueError", "expected sequence of length 1 at dim 1 (got 2)"),
    ),
    Case(
        "data",
        "torch.tensor({1: 2})",
        ("raise", "RuntimeError", "Could not infer dtype of dict"),
    ),
    Case(
        "data",
        "torch.tensor([1, None])",
        ("raise", "RuntimeError", "Could not infer dtype of NoneType"),
    ),
    Case("data", "torch.tensor([])", ("value", "tensor([])")),
    Case("data", "torch.tensor([[], []])", ("value", "tensor([], size=(2, 0))")),
    Case(
        "data",
        "torch.tensor(2**63)",
        ("raise", "ValueError", "Overflow when unpacking long long"),
    ),
    Case("data", "torch.tensor([1.0], dtype=torch.int64)", ("value", "tensor([1])")),
    Case(
        "data",
        "torch.tensor(3.0, requires_grad=True) + 1",
        ("value", "tensor(4., grad_fn=<AddBackward0>)"),
    ),
    Case(
        "data",
        "torch.tensor([1, 2], requires_grad=True)",
        (
            "raise",
            "RuntimeError",
            "Only Tensors of floating point and complex dtype can require gradients",
        ),
    ),
    Case("data", "torch.tensor(float('nan'))", ("value", "tensor(nan)")),
    Case(
        "data",
        "torch.tensor([1, 'a'])",
        ("raise", "TypeError", "new(): invalid data type 'str'"),
    ),
    Case("data", "torch.tensor([[1, 2], 3])", ("raise", "TypeError", "not a sequence")),
    Case(
        "data",
        "torch.tensor(object())",
        ("raise", "RuntimeError", "Could not infer dtype of object"),
    ),
    Case(
        "data",
        "torch.tensor([2**62, 2**63])",
        ("raise", "ValueError", "Overflow when unpacking long long"),
    ),
    Case(
        "data",
        "torch.tensor(b'ab')",
        ("raise", "TypeError", "new(): invalid data type 'bytes'"),
    ),
    Case("data", "torch.tensor(range(3))", ("value", "tensor([0, 1, 2])")),
    Case(
        "data",
        "torch.tensor(5, dtype='x')",
        (
            "raise",
            "TypeError",
            "tensor(): argument 'dtype' must be torch.dtype, not str",
        ),
    ),
    Case(
        "data",
        "torch.tensor([[torch.tensor(1.)], [2]])",
        ("value", "tensor([[1.],\n        [2.]])"),
    ),
    Case("data", "torch.tensor([1.0, float('inf')])", ("value", "tensor([1., inf])")),
    Case(
        "loss",
        "torch.nn.BCELoss()(torch.tensor([2.0, -1.0]), torch.tensor([1.0, 0.0]))",
        ("raise", "RuntimeError", "all elements of input should be between 0 and 1"),
    ),
    Case(
        "loss",
        "torch.nn.BCELoss()(torch.tensor([0.5, 0.2]), torch.tensor([1.0]))",
        (
            "raise",
            "ValueError",
            "Using a target size (torch.Size([1])) that is different to the input size (torch.Size([2])) is deprecated. Please ensure they have the same size.",
        ),
    ),
    Case(
        "loss",
        "torch.nn.functional.binary_cross_entropy(torch.tensor([0.5]), torch.tensor([2.0]))",
        ("raise", "RuntimeError", "all elements of target should be between 0 and 1"),
    ),
    Case(
        "loss",
        "torch.nn.functional.binary_cross_entropy(torch.tensor([0.5]), torch.tensor([1]))",
        ("raise", "RuntimeError", "Found dtype Long but expected Float"),
    ),
    Case(
        "loss",
        "torch.nn.BCEWithLogitsLoss()(torch.zeros(3), torch.zeros(2))",
        (
            "raise",
            "ValueError",
            "Target size (torch.Size([2])) must be the same as input size (torch.Size([3]))",
        ),
    ),
    Case(
        "loss",
        "torch.nn.BCEWithLogitsLoss()(torch.zeros(3), torch.zeros(3, dtype=torch.int64))",
        (
            "raise",
            "RuntimeError",
            "result type Float can't be cast to the desired output type Long",
        ),
    ),
    Case(
        "loss",
        "torch.nn.CrossEntropyLoss()(torch.zeros(2, 3), torch.tensor([0, 3]))",
        ("raise", "IndexError", "Target 3 is out of bounds."),
    ),
    Case(
        "loss",
        "torch.nn.CrossEntropyLoss()(torch.zeros(2, 3), torch.tensor([0.0, 1.0]))",
        (
            "raise",
            "RuntimeError",
            "expected target dtype to be Long or Byte, but got Float",
        ),
    ),
    Case(
        "loss",
        "torch.nn.CrossEntropyLoss()(torch.zeros(2, 3), torch.tensor([0, 1, 2]))",
        (
            "raise",
            "ValueError",
            "Expected input batch_size (2) to match target batch_size (3).",
        ),
    ),
    Case(
        "loss",
        "torch.nn.CrossEntropyLoss()(torch.zeros(2, 3), torch.tensor([-1, 0]))",
        ("raise", "IndexError", "Target -1 is out of bounds."),
    ),
    Case(
        "loss",
        "torch.nn.NLLLoss()(torch.zeros(2, 3), torch.tensor([0, 5]))",
        ("raise", "IndexError", "Target 5 is out of bounds."),
    ),
    Case(
        "loss",
        "torch.nn.functional.nll_loss(torch.zeros(2, 3), torch.tensor([1.0, 0.0]))",
        (
            "raise",
            "RuntimeError",
            "expected target dtype to be Long or Byte, but got Float",
        ),
    ),
    Case(
        "loss",
        "torch.nn.MSELoss()(torch.zeros(3), torch.zeros(2))",
        (
            "raise",
            "RuntimeError",
            "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0",
        ),
    ),
    Case(
        "loss",
        "torch.nn.MSELoss()(torch.zeros(3, 1), torch.zeros(3))",
        ("value", "tensor(0.)"),
    ),
    Case(
        "loss",
        "torch.nn.MSELoss(reduction='avg')(torch.zeros(3), torch.zeros(3))",
        ("raise", "ValueError", "avg is not a valid value for reduction"),
    ),
    Case(
        "loss",
        "torch.nn.functional.mse_loss(torch.zeros(3), torch.zeros(3, dtype=torch.int64))",
        ("value", "tensor(0.)"),
    ),
    Case(
        "loss",
        "torch.nn.functional.cross_entropy(torch.zeros(3), torch.tensor(1))",
        ("value", "tensor(1.0986)"),
    ),
    Case(
        "loss",
        "torch.nn.functional.binary_cross_entropy(torch.tensor([0.5]), torch.tensor([1.0], dtype=torch.float64))",
        ("raise", "RuntimeError", "Found dtype Double but expected Float"),
    ),
    Case(
        "loss",
        "torch.nn.functional.binary_cross_entropy(torch.tensor([float('nan')]), torch.tensor([1.0]))",
        ("raise", "RuntimeError", "all elements of input should be between 0 and 1"),
    ),
    Case(
        "loss",
        "torch.nn.functional.binary_cross_entropy_with_logits(torch.zeros(3), torch.zeros(3, dtype=torch.bool))",
        (
            "raise",
            "RuntimeError",
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.",
        ),
    ),
    Case(
        "loss",
        "torch.nn.functional.nll_loss(torch.zeros(2, 3), torch.tensor([0, 1], dtype=torch.int32))",
        (
            "raise",
            "RuntimeError",
            "expected target dtype to be Long or Byte, but got Int",
        ),
    ),
    Case(
        "loss",
        "torch.nn.functional.cross_entropy([[1.0]], torch.tensor([0]))",
        (
            "raise",
            "TypeError",
            "cross_entropy_loss(): argument 'input' (position 1) must be Tensor, not list",
        ),
    ),
    Case(
        "loss",
        "torch.nn.functional.mse_loss(torch.zeros(3), [1.0, 2.0, 3.0])",
        ("raise", "AttributeError", "'list' object has no attribute 'size'"),
    ),
    Case(
        "module",
        "torch.nn.Linear(3, 2)(torch.zeros(4, 5))",
        (
            "raise",
            "RuntimeError",
            "mat1 and mat2 shapes cannot be multiplied (4x5 and 3x2)",
        ),
    ),
    Case(
        "module",
        "torch.nn.Linear(3, 2)(torch.zeros(4, 3)).shape",
        ("value", "torch.Size([4, 2])"),
    ),
    Case(
        "module",
        "torch.nn.Linear(3, 2, bias=False)(torch.zeros(2, 3, dtype=torch.float64))",
        (
            "raise",
            "RuntimeError",
            "expected m1 and m2 to have the same dtype, but got: double != float",
        ),
    ),
    Case(
        "module",
        "torch.nn.Linear(3, 2)(torch.zeros(2, 2, 3, dtype=torch.float64))",
        (
            "raise",
            "RuntimeError",
            "mat1 and mat2 must have the same dtype, but got Double and Float",
        ),
    ),
    Case(
        "module",
        "torch.nn.functional.linear(torch.zeros(2, 3), torch.zeros(2, 3), torch.zeros(2, dtype=torch.float64))",
        (
            "raise",
            "RuntimeError",
            "self and mat2 must have the same dtype, but got Double and Float",
        ),
    ),
    Case(
        "module",
        "torch.nn.functional.relu([1.0])",
        (
            "raise",
            "TypeError",
            "relu(): argument 'input' (position 1) must be Tensor, not list",
        ),
    ),
    Case(
        "module",
        "torch.nn.functional.sigmoid(3.0)",
        ("raise", "AttributeError", "'float' object has no attribute 'sigmoid'"),
    ),
    Case(
        "module",
        "torch.nn.Linear(3, 2)(torch.zeros(4, 3, dtype=torch.float64))",
        (
            "raise",
            "RuntimeError",
            "mat1 and mat2 must have the same dtype, but got Double and Float",
        ),
    ),
    Case(
        "module",
        "torch.nn.Linear(3, 2)(torch.zeros(4, 3, dtype=torch.int64))",
        (
            "raise",
            "RuntimeError",
            "mat1 and mat2 must have the same dtype, but got Long and Float",
        ),
    ),
    Case(
        "module",
        "torch.nn.Linear(3, 2)(torch.tensor(1.0))",
        (
            "raise",
            "RuntimeError",
            "both arguments to linear need to be at least 1D, but they are 0D and 2D",
        ),
    ),
    Case(
        "module",
        "torch.nn.Linear(-1, 3)",
        (
            "raise",
            "RuntimeError",
            "Trying to create tensor with negative dimension -1: [3, -1]",
        ),
    ),
    Case(
        "module",
        "torch.nn.Linear(3, -2)",
        (
            "raise",
            "RuntimeError",
            "Trying to create tensor with negative dimension -2: [-2, 3]",
        ),
    ),
    Case(
        "module",
        "torch.nn.Linear(2.5, 3)",
        (
            "raise",
            "TypeError",
            "empty(): argument 'size' failed to unpack the object at pos 2 with error \"type must be tuple of ints,but got float\"",
        ),
    ),
    Case(
        "module",
        "torch.nn.Linear(3, 2)(torch.zeros(3)).shape",
        ("value", "torch.Size([2])"),
    ),
    Case(
        "module",
        "torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Linear(5, 1))(torch.zeros(2, 3))",
        (
            "raise",
            "RuntimeError",
            "mat1 and mat2 shapes cannot be multiplied (2x4 and 5x1)",
        ),
    ),
    Case(
        "module",
        "torch.nn.Linear(3, 2)([1.0, 2.0, 3.0])",
        (
            "raise",
            "TypeError",
            "linear(): argument 'input' (position 1) must be Tensor, not list",
        ),
    ),
    Case(
        "module",
        "m = torch.nn.Linear(3, 2)\nm.load_state_dict({'weight': torch.zeros(2, 3)})",
        ("raise", "RuntimeError", "Error(s) in loading state_dict for Linear:"),
    ),
    Case(
        "module",
        "m = torch.nn.Linear(3, 2)\nm.load_state_dict({'weight': torch.zeros(3, 3), 'bias': torch.zeros(2)})",
        ("raise", "RuntimeError", "Error(s) in loading state_dict for Linear:"),
    ),
    Case(
        "module",
        "torch.nn.ReLU()(3.0)",
        (
            "raise",
            "TypeError",
            "relu(): argument 'input' (position 1) must be Tensor, not float",
        ),
    ),
    Case(
        "module",
        "torch.nn.Module()(torch.zeros(1))",
        (
            "raise",
            "NotImplementedError",
            'Module [Module] is missing the required "forward" function',
        ),
    ),
    Case(
        "hook",
        "x = torch.ones(3, requires_grad=True)\nx.register_hook(lambda g: torch.ones(2))\n(x * 2).sum().backward()",
        ("raise", "RuntimeError", "hook '<lambda>' has changed the size of value"),
    ),
    Case(
        "hook",
        "x = torch.ones(3, requires_grad=True)\nx.register_hook(lambda g: g.double())\n(x * 2).sum().backward()\nx.grad.dtype",
        (
            "raise",
            "RuntimeError",
            "hook '<lambda>' has changed the type of value (was torch.FloatTensor got torch.DoubleTensor)",
        ),
    ),
    Case(
        "hook",
        "x = torch.ones(3)\nx.register_hook(lambda g: g)",
        (
            "raise",
            "RuntimeError",
            "cannot register a hook on a tensor that doesn't require gradient",
        ),
    ),
    Case(
        "hook",
        "x = torch.ones(3, requires_grad=True)\nx.register_hook(lambda g: [1, 2, 3])\n(x * 2).sum().backward()",
        ("raise", "TypeError", "expected Variable, but hook returned 'list'"),
    ),
    Case(
        "hook",
        "def myhook(g):\n    return torch.ones(2)\nx = torch.ones(3, requires_grad=True)\nx.register_hook(myhook)\n(x * 2).sum().backward()",
        ("raise", "RuntimeError", "hook 'myhook' has changed the size of value"),
    ),
    Case(
        "hook",
        "x = torch.ones(3, requires_grad=True)\nx.register_hook(lambda g: g * 2)\n(x * 2).sum().backward()\nx.grad",
        ("value", "tensor([4., 4., 4.])"),
    ),
    Case(
        "hook",
        "x = torch.ones(3, requires_grad=True)\nx.register_hook(lambda g: 5)\n(x * 2).sum().backward()",
        ("raise", "TypeError", "expected Variable, but hook returned 'int'"),
    ),
    Case(
        "hook",
        "x = torch.ones(3, requires_grad=True)\ny = x * 2\ny.register_hook(lambda g: torch.ones(2, 2))\ny.sum().backward()",
        ("raise", "RuntimeError", "hook '<lambda>' has changed the size of value"),
    ),
    Case(
        "grad",
        "x = torch.ones(3, requires_grad=True)\n(x * 2).backward()",
        (
            "raise",
            "RuntimeError",
            "grad can be implicitly created only for scalar outputs",
        ),
    ),
    Case(
        "grad",
        "x = torch.ones(3)\nx.sum().backward()",
        (
            "raise",
            "RuntimeError",
            "element 0 of tensors does not require grad and does not have a grad_fn",
        ),
    ),
    Case(
        "grad",
        "x = torch.ones(3, requires_grad=True)\ny = (x * x).sum()\ny.backward()\ny.backward()",
        (
            "raise",
            "RuntimeError",
            "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.",
        ),
    ),
    Case(
        "grad",
        "x = torch.ones(3, requires_grad=True)\n(x * 2).backward(torch.ones(2))",
        (
            "raise",
            "RuntimeError",
            "Mismatch in shape: grad_output[0] has a shape of torch.Size([2]) and output[0] has a shape of torch.Size([3]).",
        ),
    ),
    Case(
        "grad",
        "x = torch.ones(3, requires_grad=True)\nx.add_(1)",
        (
            "raise",
            "RuntimeError",
            "a leaf Variable that requires grad is being used in an in-place operation.",
        ),
    ),
    Case(
        "grad",
        "x = torch.ones(3, requires_grad=True)\ny = x * 2\ny.requires_grad = False",
        (
            "raise",
            "RuntimeError",
            "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().",
        ),
    ),
    Case(
        "grad",
        "torch.ones(3, dtype=torch.int64).requires_grad_()",
        (
            "raise",
            "RuntimeError",
            "only Tensors of floating point dtype can require gradients",
        ),
    ),
    Case(
        "grad",
        "x = torch.ones(3, requires_grad=True)\nx.grad = torch.ones(2)",
        (
            "raise",
            "RuntimeError",
            "attempting to assign a gradient of size '[2]' to a tensor of size '[3]'. Please ensure that the gradient and the tensor are the same size",
        ),
    ),
    Case(
        "grad",
        "x = torch.ones(3, requires_grad=True)\nx.grad = torch.ones(3, dtype=torch.float64)",
        (
            "raise",
            "RuntimeError",
            "attempting to assign a gradient with dtype 'double' to a tensor with grad_dtype 'Float'. The gradient must match the tensor's grad_dtype (defaults to the tensor's dtype). You can set the tensor's grad_dtype attribute with a specific dtype, or None to allow any dtype. Set grad_dtype with caution. Diverging the dtypes of a tensor and its gradient may break downstream systems that assume they match.",
        ),
    ),
    Case(
        "grad",
        "x = torch.ones(3, requires_grad=True)\nx.numpy()",
        (
            "raise",
            "RuntimeError",
            "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.",
        ),
    ),
    Case(
        "grad",
        "x = torch.ones(3, requires_grad=True)\ntorch.autograd.grad((x * 2).sum(), [torch.ones(3, requires_grad=True)])",
        (
            "raise",
            "RuntimeError",
            "The differentiated Tensor at index 0 appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.",
        ),
    ),
    Case(
        "grad",
        "x = torch.ones(3, requires_grad=True)\nfloat(x)",
        (
            "raise",
            "ValueError",
            "only one element tensors can be converted to Python scalars",
        ),
    ),
    Case(
        "grad",
        "bool(torch.ones(2))",
        (
            "raise",
            "RuntimeError",
            "Boolean value of Tensor with more than one value is ambiguous",
        ),
    ),
    Case(
        "grad",
        "torch.ones(2).item()",
        (
            "raise",
            "RuntimeError",
            "a Tensor with 2 elements cannot be converted to Scalar",
        ),
    ),
    Case(
        "grad",
        "with torch.no_grad():\n    y = torch.ones(2, requires_grad=True) * 2\ny.sum().backward()",
        (
            "raise",
            "RuntimeError",
            "element 0 of tensors does not require grad and does not have a grad_fn",
        ),
    ),
    Case(
        "ops",
        "torch.zeros(2, 3) + torch.zeros(4)",
        (
            "raise",
            "RuntimeError",
            "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1",
        ),
    ),
    Case(
        "ops",
        "torch.zeros(2, 3) @ torch.zeros(2, 3)",
        (
            "raise",
            "RuntimeError",
            "mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)",
        ),
    ),
    Case(
        "ops",
        "torch.matmul(torch.zeros(3), torch.zeros(4))",
        (
            "raise",
            "RuntimeError",
            "inconsistent tensor size, expected tensor [3] and src [4] to have the same number of elements, but got 3 and 4 elements respectively",
        ),
    ),
    Case(
        "ops",
        "torch.mm(torch.zeros(3), torch.zeros(3, 2))",
        ("raise", "RuntimeError", "self must be a matrix"),
    ),
    Case(
        "ops",
        "torch.zeros(2, 3).mm(torch.zeros(3, 2, dtype=torch.float64))",
        (
            "raise",
            "RuntimeError",
            "expected m1 and m2 to have the same dtype, but got: float != double",
        ),
    ),
    Case(
        "ops",
        "torch.cat([torch.zeros(2, 3), torch.zeros(2, 4)])",
        (
            "raise",
            "RuntimeError",
            "Sizes of tensors must match except in dimension 0. Expected size 3 but got size 4 for tensor number 1 in the list.",
        ),
    ),
    Case(
        "ops",
        "torch.cat([])",
        ("raise", "ValueError", "torch.cat(): expected a non-empty list of Tensors"),
    ),
    Case(
        "ops",
        "torch.stack([torch.zeros(2), torch.zeros(3)])",
        (
            "raise",
            "RuntimeError",
            "stack expects each tensor to be equal size, but got [2] at entry 0 and [3] at entry 1",
        ),
    ),
    Case(
        "ops",
        "torch.zeros(3).add_(torch.zeros(2, 3))",
        (
            "raise",
            "RuntimeError",
            "output with shape [3] doesn't match the broadcast shape [2, 3]",
        ),
    ),
    Case(
        "ops",
        "torch.arange(3).add_(1.5)",
        (
            "raise",
            "RuntimeError",
            "result type Float can't be cast to the desired output type Long",
        ),
    ),
    Case(
        "ops",
        "torch.zeros(3).sum(dim=1)",
        (
            "raise",
            "IndexError",
            "Dimension out of range (expected to be in range of [-1, 0], but got 1)",
        ),
    ),
    Case(
        "ops",
        "torch.zeros(3).softmax(dim=1)",
        (
            "raise",
            "IndexError",
            "Dimension out of range (expected to be in range of [-1, 0], but got 1)",
        ),
    ),
    Case(
        "ops",
        "torch.where(torch.tensor([1, 0]), torch.zeros(2), torch.ones(2))",
        (
            "raise",
            "RuntimeError",
            "where expected condition to be a boolean tensor, but got a tensor with dtype Long",
        ),
    ),
    Case(
        "ops",
        "torch.zeros(2) < 'a'",
        (
            "raise",
            "TypeError",
            "'<' not supported between instances of 'Tensor' and 'str'",
        ),
    ),
    Case(
        "ops",
        "torch.zeros(2) + 'a'",
        ("raise", "TypeError", "unsupported operand type(s) for +: 'Tensor' and 'str'"),
    ),
    Case(
        "ops",
        "torch.zeros(2, 3).max(dim=2)",
        (
            "raise",
            "IndexError",
            "Dimension out of range (expected to be in range of [-2, 1], but got 2)",
        ),
    ),
    Case(
        "ops",
        "torch.tensor([]).max()",
        (
            "raise",
            "RuntimeError",
            "max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.",
        ),
    ),
    Case(
        "ops",
        "torch.zeros(2).dot(torch.zeros(3))",
        (
            "raise",
            "RuntimeError",
            "inconsistent tensor size, expected tensor [2] and src [3] to have the same number of elements, but got 2 and 3 elements respectively",
        ),
    ),
    Case(
        "ops",
        "torch.zeros(3).dot(torch.zeros(3, dtype=torch.float64))",
        (
            "raise",
            "RuntimeError",
            "dot : expected both vectors to have same dtype, but found Float and Double",
        ),
    ),
    Case(
        "ops",
        "torch.zeros(2, 3).mv(torch.zeros(3, dtype=torch.float64))",
        (
            "raise",
            "RuntimeError",
            "addmv input tensors must have the same dtype, but got Double, Float, and Double",
        ),
    ),
    Case(
        "ops",
        "torch.zeros(2, 2, 3).bmm(torch.zeros(2, 3, 2, dtype=torch.float64))",
        ("raise", "RuntimeError", "expected scalar type Float but found Double"),
    ),
    Case(
        "ops",
        "torch.zeros(3, dtype=torch.int64) @ torch.zeros(3, 2)",
        (
            "raise",
            "RuntimeError",
            "expected m1 and m2 to have the same dtype, but got: long int != float",
        ),
    ),
    Case(
        "ops",
        "torch.ones(3, dtype=torch.bool).add_(1)",
        (
            "raise",
            "RuntimeError",
            "result type Long can't be cast to the desired output type Bool",
        ),
    ),
    Case(
        "ops",
        "torch.arange(3).div_(2)",
        (
            "raise",
            "RuntimeError",
            "result type Float can't be cast to the desired output type Long",
        ),
    ),
    Case(
        "ops",
        "torch.tensor([]).argmax()",
        (
            "raise",
            "IndexError",
            "argmax(): Expected reduction dim to be specified for input.numel() == 0.",
        ),
    ),
    Case(
        "ops",
        "torch.tensor([]).min()",
        (
            "raise",
            "RuntimeError",
            "min(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.",
        ),
    ),
    Case("ops", "torch.tensor([]).sum()", ("value", "tensor(0.)")),
    Case(
        "device",
        "torch.zeros(2).to('cuda')",
        ("raise", "AssertionError", "Torch not compiled with CUDA enabled"),
    ),
    Case(
        "device",
        "torch.zeros(2, device='cuda')",
        ("raise", "AssertionError", "Torch not compiled with CUDA enabled"),
    ),
    Case(
        "device",
        "torch.zeros(2).cuda()",
        ("raise", "AssertionError", "Torch not compiled with CUDA enabled"),
    ),
    Case(
        "device",
        "torch.zeros(2).to('tpu')",
        (
            "raise",
            "RuntimeError",
            "Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, maia, xla, lazy, vulkan, mps, meta, hpu, mtia, privateuseone device type at start of device string: tpu",
        ),
    ),
    Case("device", "torch.zeros(2).to('cpu').device", ("value", "device(type='cpu')")),
    Case("device", "torch.device('cpu')", ("value", "device(type='cpu')")),
    Case(
        "device",
        "torch.device('nonsense')",
        (
            "raise",
            "RuntimeError",
            "Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, maia, xla, lazy, vulkan, mps, meta, hpu, mtia, privateuseone device type at start of device string: nonsense",
        ),
    ),
    Case(
        "optim",
        "torch.optim.SGD([torch.ones(2, requires_grad=True)], lr=-1)",
        ("raise", "ValueError", "Invalid learning rate: -1"),
    ),
    Case(
        "optim",
        "torch.optim.SGD([], lr=0.1)",
        ("raise", "ValueError", "optimizer got an empty parameter list"),
    ),
    Case(
        "optim",
        "torch.optim.Adam([torch.ones(2, requires_grad=True)], lr=0.1, betas=(1.5, 0.9))",
        ("raise", "ValueError", "Invalid beta parameter at index 0: 1.5"),
    ),
    Case(
        "optim",
        "torch.optim.SGD(torch.ones(2, requires_grad=True), lr=0.1)",
        (
            "raise",
            "TypeError",
            "params argument given to the optimizer should be an iterable of Tensors or dicts, but got torch.FloatTensor",
        ),
    ),
    Case(
        "optim",
        "torch.optim.SGD([torch.ones(2, requires_grad=True)], lr=0.1, momentum=-0.5)",
        ("raise", "ValueError", "Invalid momentum value: -0.5"),
    ),
    Case(
        "optim",
        "torch.optim.Adam([torch.ones(2, requires_grad=True)], eps=-1.0)",
        ("raise", "ValueError", "Invalid epsilon value: -1.0"),
    ),
    Case(
        "ops",
        "torch.abs(torch.tensor([True, False]))",
        ("raise", "NotImplementedError", "\"abs_cpu\" not implemented for 'Bool'"),
    ),
    Case(
        "ops",
        "torch.frac(torch.tensor([1, 2]))",
        ("raise", "NotImplementedError", "\"frac_cpu\" not implemented for 'Long'"),
    ),
    Case(
        "ops",
        "torch.floor(torch.tensor([True]))",
        (
            "raise",
            "NotImplementedError",
            "\"floor_vml_cpu\" not implemented for 'Bool'",
        ),
    ),
    Case(
        "ops",
        "torch.round(torch.tensor([1, 2]), decimals=1)",
        ("raise", "NotImplementedError", "\"round_cpu\" not implemented for 'Long'"),
    ),
    Case(
        "ops",
        "torch.fmod(torch.tensor([1, 2]), 0)",
        ("raise", "RuntimeError", "ZeroDivisionError"),
    ),
    Case(
        "ops",
        "torch.remainder(torch.tensor([5, 6]), torch.tensor([2, 0]))",
        ("raise", "RuntimeError", "ZeroDivisionError"),
    ),
    Case(
        "ops",
        "torch.fmod(torch.tensor([True]), torch.tensor([True]))",
        ("raise", "NotImplementedError", "\"fmod_cpu\" not implemented for 'Bool'"),
    ),
    Case(
        "ops",
        "torch.pow(torch.tensor([2, 3]), -2)",
        (
            "raise",
            "RuntimeError",
            "Integers to negative integer powers are not allowed.",
        ),
    ),
    Case(
        "ops",
        "torch.hypot(torch.tensor([3]), torch.tensor([4]))",
        ("raise", "NotImplementedError", "\"hypot_cpu\" not implemented for 'Long'"),
    ),
    Case(
        "ops",
        "torch.atan2(torch.ones(2), 2.0)",
        (
            "raise",
            "TypeError",
            "atan2(): argument 'other' (position 2) must be Tensor, not float",
        ),
    ),
    Case(
        "ops",
        "torch.maximum(torch.ones(2), 0.0)",
        (
            "raise",
            "TypeError",
            "maximum(): argument 'other' (position 2) must be Tensor, not float",
        ),
    ),
    Case(
        "ops",
        "torch.lerp(torch.ones(2), torch.ones(2, dtype=torch.float64), 0.5)",
        (
            "raise",
            "RuntimeError",
            "expected dtype float for `end` but got dtype double",
        ),
    ),
    Case(
        "ops",
        "torch.lerp(torch.tensor([1, 2]), torch.tensor([3, 4]), 0.5)",
        (
            "raise",
            "NotImplementedError",
            "\"lerp_kernel_scalar\" not implemented for 'Long'",
        ),
    ),
    Case(
        "ops",
        "torch.clamp(torch.ones(2), torch.zeros(2), 1.0)",
        (
            "raise",
            "TypeError",
            "clamp() received an invalid combination of arguments - got (Tensor, Tensor, float), but expected one of:",
        ),
    ),
    Case(
        "ops",
        "torch.nn.functional.softplus(torch.tensor([1, 2]))",
        ("raise", "NotImplementedError", "\"softplus_cpu\" not implemented for 'Long'"),
    ),
    Case(
        "ops",
        "torch.tensor([1, 2]).sqrt_()",
        (
            "raise",
            "RuntimeError",
            "result type Float can't be cast to the desired output type Long",
        ),
    ),
    Case(
        "ops",
        "torch.exp(torch.ones(2, requires_grad=True), out=torch.empty(2))",
        (
            "raise",
            "RuntimeError",
            "exp(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.",
        ),
    ),
    Case(
        "ops",
        "torch.exp(torch.ones(2), out=torch.empty(2, dtype=torch.long))",
        (
            "raise",
            "RuntimeError",
            "result type Float can't be cast to the desired output type Long",
        ),
    ),
    Case(
        "ops",
        "torch.sin(1.0)",
        (
            "raise",
            "TypeError",
            "sin(): argument 'input' (position 1) must be Tensor, not float",
        ),
    ),
    Case(
        "ops",
        "torch.round(torch.ones(2), 1)",
        (
            "raise",
            "TypeError",
            "round() received an invalid combination of arguments - got (Tensor, int), but expected one of:",
        ),
    ),
    Case(
        "ops",
        "torch.logit(torch.tensor([0.25, 1.5]), eps=0.1)",
        ("value", "tensor([-1.0986,  2.1972])"),
    ),
    Case(
        "ops",
        "torch.sign(torch.tensor([float('nan'), -0.0, 3.0]))",
        ("value", "tensor([0., 0., 1.])"),
    ),
    Case(
        "ops",
        "torch.remainder(torch.tensor([-7, 7]), 3)",
        ("value", "tensor([2, 1])"),
    ),
    Case(
        "ops",
        "torch.fmod(torch.tensor([-7, 7]), 3)",
        ("value", "tensor([-1,  1])"),
    ),
    Case(
        "ops",
        "torch.where(torch.tensor([True, False]), 1, 0)",
        ("value", "tensor([1, 0])"),
    ),
    Case(
        "ops",
        "torch.clamp(torch.tensor([1, 5]), 0.5, 2)",
        ("value", "tensor([1., 2.])"),
    ),
    Case(
        "ops",
        "torch.atan2(torch.tensor([1]), torch.tensor([0]))",
        ("value", "tensor([1.5708])"),
    ),
    Case(
        "reduce",
        "torch.randn(3, 4).topk(5)",
        ("raise", "RuntimeError", "selected index k out of range"),
    ),
    Case(
        "reduce",
        "torch.randn(3, 4).topk(-1)",
        ("raise", "RuntimeError", "selected index k out of range"),
    ),
    Case(
        "reduce",
        "torch.randn(3, 4).topk(2, 2)",
        (
            "raise",
            "IndexError",
            "Dimension out of range (expected to be in range of [-2, 1], but got 2)",
        ),
    ),
    Case(
        "reduce",
        "torch.randn(3, 4).kthvalue(5)",
        (
            "raise",
            "RuntimeError",
            "kthvalue(): selected number k out of range for dimension 1",
        ),
    ),
    Case(
        "reduce",
        "torch.randn(3, 4).kthvalue(0)",
        (
            "raise",
            "RuntimeError",
            "kthvalue(): selected number k out of range for dimension 1",
        ),
    ),
    Case(
        "reduce",
        "torch.randn(3, 4).sort(2)",
        (
            "raise",
            "IndexError",
            "Dimension out of range (expected to be in range of [-2, 1], but got 2)",
        ),
    ),
    Case(
        "reduce",
        "torch.randn(3, 4).prod(2)",
        (
            "raise",
            "IndexError",
            "Dimension out of range (expected to be in range of [-2, 1], but got 2)",
        ),
    ),
    Case(
        "reduce",
        "torch.randn(3, 4).var(3)",
        (
            "raise",
            "IndexError",
            "Dimension out of range (expected to be in range of [-2, 1], but got 3)",
        ),
    ),
    Case(
        "reduce",
        "torch.randn(3, 4).cumsum(2)",
        (
            "raise",
            "IndexError",
            "Dimension out of range (expected to be in range of [-2, 1], but got 2)",
        ),
    ),
    Case(
        "reduce",
        "torch.randn(3, 4).amax(2)",
        (
            "raise",
            "IndexError",
            "Dimension out of range (expected to be in range of [-2, 1], but got 2)",
        ),
    ),
    Case(
        "reduce",
        "torch.randn(3, 4).amax((0, 0))",
        ("raise", "RuntimeError", "dim 0 appears multiple times in the list of dims"),
    ),
    Case(
        "reduce",
        "torch.randn(3, 4).sum((1, -1))",
        ("raise", "RuntimeError", "dim 1 appears multiple times in the list of dims"),
    ),
    Case(
        "reduce",
        "torch.randn(3, 4).norm(p='abc')",
        ("raise", "RuntimeError", "linalg.matrix_norm: Order abc not supported."),
    ),
    Case(
        "reduce",
        "torch.linalg.matrix_norm(torch.randn(3, 3), 3)",
        ("raise", "RuntimeError", "linalg.matrix_norm: Order 3 not supported."),
    ),
    Case(
        "reduce",
        "torch.linalg.matrix_norm(torch.randn(3))",
        (
            "raise",
            "RuntimeError",
            "linalg.matrix_norm: The input tensor A must have at least 2 dimensions.",
        ),
    ),
    Case(
        "reduce",
        "torch.linalg.norm(torch.randn(2, 2, 2), 2)",
        (
            "raise",
            "RuntimeError",
            "linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got 3D.",
        ),
    ),
    Case(
        "reduce",
        "torch.linalg.norm(torch.randn(3, 4), 'fro', dim=1)",
        ("raise", "RuntimeError", "linalg.matrix_norm: dim must be a 2-tuple. Got 1"),
    ),
    Case(
        "reduce",
        "torch.linalg.norm(torch.randn(3, 4), dim=(0, 1, 1))",
        (
            "raise",
            "RuntimeError",
            "linalg.norm: If dim is specified, it must be of length 1 or 2. Got [0, 1, 1]",
        ),
    ),
    Case(
        "reduce",
        "torch.linalg.matrix_norm(torch.randn(3, 4), 'fro', dim=(0, 0))",
        (
            "raise",
            "RuntimeError",
            "linalg.matrix_norm: dims must be different. Got (0, 0)",
        ),
    ),
    Case(
        "reduce",
        "torch.tensor([1, 2]).norm()",
        (
            "raise",
            "RuntimeError",
            "linalg.vector_norm: Expected a floating point or complex tensor as input. Got Long",
        ),
    ),
    Case(
        "reduce",
        "torch.linalg.vector_norm(torch.randn(3), dtype=torch.long)",
        (
            "raise",
            "RuntimeError",
            "linalg.vector_norm: dtype should be floating point or complex, but got Long",
        ),
    ),
    Case(
        "reduce",
        "torch.zeros(0, 3).max()",
        (
            "raise",
            "RuntimeError",
            "max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.",
        ),
    ),
    Case(
        "reduce",
        "torch.zeros(0, 3).amax()",
        (
            "raise",
            "RuntimeError",
            "amax(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.",
        ),
    ),
    Case(
        "reduce",
        "torch.zeros(0, 3).amax(0)",
        (
            "raise",
            "IndexError",
            "amax(): Expected reduction dim 0 to have non-zero size.",
        ),
    ),
    Case(
        "reduce",
        "torch.zeros(0, 3).argmax()",
        (
            "raise",
            "IndexError",
            "argmax(): Expected reduction dim to be specified for input.numel() == 0.",
        ),
    ),
    Case(
        "reduce",
        "torch.zeros(0, 3).argmax(0)",
        (
            "raise",
            "IndexError",
            "argmax(): Expected reduction dim 0 to have non-zero size.",
        ),
    ),
    Case(
        "reduce",
        "torch.zeros(0, 3).max(0)",
        (
            "raise",
            "IndexError",
            "max(): Expected reduction dim 0 to have non-zero size.",
        ),
    ),
    Case(
        "reduce",
        "torch.zeros(0, 3).prod()",
        ("value", "tensor(1.)"),
    ),
    Case(
        "reduce",
        "torch.zeros(0, 3).logsumexp(0)",
        ("value", "tensor([-inf, -inf, -inf])"),
    ),
    Case(
        "reduce",
        "torch.zeros(0, 3).norm()",
        ("value", "tensor(0.)"),
    ),
    Case(
        "reduce",
        "torch.linalg.vector_norm(torch.zeros(0, 3), float('inf'))",
        (
            "raise",
            "RuntimeError",
            "linalg.vector_norm cannot compute the inf norm on an empty tensor because the operation does not have an identity",
        ),
    ),
    Case(
        "reduce",
        "torch.linalg.vector_norm(torch.zeros(0, 3), float('inf'), dim=0)",
        (
            "raise",
            "RuntimeError",
            "linalg.vector_norm cannot compute the inf norm on the dimension 0because this dimension is empty and the operation does not have an identity",
        ),
    ),
    Case(
        "reduce",
        "torch.tensor([1, 2]).var()",
        (
            "raise",
            "RuntimeError",
            "std and var only support floating point and complex dtypes",
        ),
    ),
    Case(
        "reduce",
        "torch.tensor([1, 2]).mean()",
        (
            "raise",
            "RuntimeError",
            "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: Long",
        ),
    ),
    Case(
        "reduce",
        "torch.tensor([1, 2]).mean(dtype=torch.float32)",
        ("value", "tensor(1.5000)"),
    ),
    Case(
        "reduce",
        "torch.tensor([[1, 2], [3, 4]]).prod()",
        ("value", "tensor(24)"),
    ),
    Case(
        "reduce",
        "torch.tensor([True, False, True]).sum()",
        ("value", "tensor(2)"),
    ),
    Case(
        "reduce",
        "torch.tensor([1, 2], dtype=torch.int32).cumsum(0)",
        ("value", "tensor([1, 3])"),
    ),
    Case(
        "reduce",
        "torch.tensor([1, 2], dtype=torch.int32).amax()",
        ("value", "tensor(2, dtype=torch.int32)"),
    ),
    Case(
        "reduce",
        "torch.tensor([1, 0], dtype=torch.uint8).all()",
        ("value", "tensor(0, dtype=torch.uint8)"),
    ),
    Case(
        "reduce",
        "torch.randn(3, 4).count_nonzero(5)",
        (
            "raise",
            "IndexError",
            "Dimension out of range (expected to be in range of [-2, 1], but got 5)",
        ),
    ),
    Case(
        "reduce",
        "torch.randn(3, 4).argmax(3)",
        (
            "raise",
            "IndexError",
            "Dimension out of range (expected to be in range of [-2, 1], but got 3)",
        ),
    ),
    Case(
        "reduce",
        "torch.tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]]).max(1)",
        (
            "value",
            "torch.return_types.max(\nvalues=tensor([3., 2.]),\nindices=tensor([1, 0]))",
        ),
    ),
    Case(
        "reduce",
        "torch.tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]]).argmin()",
        ("value", "tensor(5)"),
    ),
    Case(
        "reduce",
        "torch.tensor([3.0, 1.0, 3.0, 1.0]).sort(descending=True)",
        (
            "value",
            "torch.return_types.sort(\nvalues=tensor([3., 3., 1., 1.]),\nindices=tensor([0, 2, 1, 3]))",
        ),
    ),
    Case(
        "reduce",
        "torch.tensor([2.0, float('nan'), 1.0]).sort()",
        (
            "value",
            "torch.return_types.sort(\nvalues=tensor([1., 2., nan]),\nindices=tensor([2, 0, 1]))",
        ),
    ),
    Case(
        "reduce",
        "torch.tensor([2.0, float('nan'), 1.0]).max()",
        ("value", "tensor(nan)"),
    ),
    Case(
        "reduce",
        "torch.tensor([2, 1, 2]).unique(return_inverse=True, return_counts=True)",
        ("value", "(tensor([1, 2]), tensor([1, 0, 1]), tensor([1, 2]))"),
    ),
    Case(
        "reduce",
        "torch.tensor([[1, 2], [0, 1], [1, 2]]).unique(dim=0, return_counts=True)",
        ("value", "(tensor([[0, 1],\n        [1, 2]]), tensor([1, 2]))"),
    ),
    Case(
        "reduce",
        "x = torch.tensor([2.0, 1.0, 2.0], requires_grad=True)\nx.unique().sum().backward()",
        (
            "raise",
            "NotImplementedError",
            "the derivative for '_unique2' is not implemented.",
        ),
    ),
    Case(
        "reduce",
        "torch.tensor(3.0).max(0)",
        ("value", "torch.return_types.max(\nvalues=tensor(3.),\nindices=tensor(0))"),
    ),
    Case(
        "reduce",
        "torch.tensor(3.0).sort()",
        ("value", "torch.return_types.sort(\nvalues=tensor(3.),\nindices=tensor(0))"),
    ),
    Case(
        "reduce",
        "torch.tensor([[2.0, 1.0]]).std(1)",
        ("value", "tensor([0.7071])"),
    ),
    Case(
        "reduce",
        "torch.ones(3).cumsum()",
        (
            "raise",
            "TypeError",
            'cumsum() missing 1 required positional arguments: "dim"',
        ),
    ),
    Case(
        "reduce",
        "torch.randn(3).sort(0, stable=True)",
        (
            "raise",
            "TypeError",
            "sort() received an invalid combination of arguments - got (int, stable=bool), but expected one of:",
        ),
    ),
    Case(
        "reduce",
        "torch.zeros(2, 0).mode(1)",
        (
            "raise",
            "IndexError",
            "mode(): Expected reduction dim 1 to have non-zero size.",
        ),
    ),
    Case(
        "reduce",
        "torch.tensor([[2.0, 1.0, 2.0, 1.0, 3.0], [5.0, 5.0, 4.0, 4.0, 0.0]]).mode(1)",
        (
            "value",
            "torch.return_types.mode(\nvalues=tensor([1., 4.]),\nindices=tensor([3, 3]))",
        ),
    ),
    Case(
        "reduce",
        "torch.tensor([[1.0, 2.0], [3.0, 4.0]]).sum(axis=1, keepdims=True)",
        ("value", "tensor([[3.],\n        [7.]])"),
    ),
    Case(
        "reduce",
        "torch.tensor([[1.0, 2.0], [3.0, 5.0]]).max(axis=0)",
        (
            "value",
            "torch.return_types.max(\nvalues=tensor([3., 5.]),\nindices=tensor([1, 1]))",
        ),
    ),
    Case(
        "reduce",
        "torch.std(torch.tensor([[1.0, 2.0], [3.0, 5.0]]), axis=0)",
        ("value", "tensor([1.4142, 2.1213])"),
    ),
    Case(
        "reduce",
        "torch.tensor([[1.0, 2.0], [3.0, 5.0]]).argmax(axis=1)",
        ("value", "tensor([1, 1])"),
    ),
    Case(
        "reduce",
        "torch.tensor([[1.0, 2.0], [3.0, 5.0]]).cumsum(axis=0)",
        ("value", "tensor([[1., 2.],\n        [4., 7.]])"),
    ),
    Case(
        "reduce",
        "torch.tensor([[3.0, 2.0], [1.0, 5.0]]).sort(axis=0)",
        (
            "value",
            "torch.return_types.sort(\nvalues=tensor([[1., 2.],\n        [3., 5.]]),\nindices=tensor([[1, 0],\n        [0, 1]]))",
        ),
    ),
    Case(
        "shapes",
        "torch.zeros(3, 3).repeat(2)",
        (
            "raise",
            "RuntimeError",
            "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor",
        ),
    ),
    Case(
        "shapes",
        "torch.zeros(3, 3).repeat(2, -1)",
        (
            "raise",
            "RuntimeError",
            "Trying to create tensor with negative dimension -3: [6, -3]",
        ),
    ),
    Case(
        "shapes",
        "torch.zeros(3, 3).roll((1, 2), (0,))",
        (
            "raise",
            "RuntimeError",
            "shifts and dimensions must align. shifts: 2, dims:1",
        ),
    ),
    Case(
        "shapes",
        "torch.zeros(3, 3).roll(1, 2)",
        (
            "raise",
            "IndexError",
            "Dimension out of range (expected to be in range of [-2, 1], but got 2)",
        ),
    ),
    Case(
        "shapes",
        "torch.zeros(3, 3).flip(0, 0)",
        ("raise", "RuntimeError", "dim 0 appears multiple times in the list of dims"),
    ),
    Case(
        "shapes",
        "torch.flip(torch.zeros(3, 3), (2,))",
        (
            "raise",
            "IndexError",
            "Dimension out of range (expected to be in range of [-2, 1], but got 2)",
        ),
    ),
    Case(
        "shapes",
        "torch.zeros(3).fliplr()",
        ("raise", "RuntimeError", "Input must be >= 2-d."),
    ),
    Case(
        "shapes",
        "torch.zeros(3).rot90()",
        ("raise", "RuntimeError", "expected total dims >= 2, but got total dims = 1"),
    ),
    Case(
        "shapes",
        "torch.zeros(3, 3).rot90(1, (0, 0))",
        (
            "raise",
            "RuntimeError",
            "expected rotation dims to be different, but got dim0 = 0 and dim1 = 0",
        ),
    ),
    Case(
        "shapes",
        "torch.zeros(3, 3).rot90(1, (0,))",
        (
            "raise",
            "RuntimeError",
            "expected total rotation dims == 2, but got dims = 1",
        ),
    ),
    Case(
        "shapes",
        "torch.zeros(3).tril()",
        ("raise", "RuntimeError", "tril: input tensor must have at least 2 dimensions"),
    ),
    Case(
        "shapes",
        "torch.zeros(3).triu()",
        ("raise", "RuntimeError", "triu: input tensor must have at least 2 dimensions"),
    ),
    Case(
        "shapes",
        "torch.zeros(2, 3, 3).trace()",
        (
            "raise",
            "RuntimeError",
            "trace: expected a matrix, but got tensor with dim 3",
        ),
    ),
    Case(
        "shapes",
        "torch.diag_embed(torch.zeros(3), 0, 0, 0)",
        ("raise", "RuntimeError", "diagonal dimensions cannot be identical 0, 0"),
    ),
    Case(
        "shapes",
        "torch.diag(torch.zeros(2, 3, 3))",
        ("raise", "RuntimeError", "diag(): Supports 1D or 2D tensors. Got 3D"),
    ),
    Case(
        "shapes",
        "torch.zeros(3, 3).take(torch.tensor([9]))",
        (
            "raise",
            "IndexError",
            "out of range: tried to access index 9 on a tensor of 9 elements.",
        ),
    ),
    Case(
        "shapes",
        "torch.zeros(3, 3).take(torch.tensor([1.0]))",
        (
            "raise",
            "RuntimeError",
            "take(): Expected a long tensor for index, but got Float",
        ),
    ),
    Case(
        "shapes",
        "torch.zeros(3, 3).masked_select(torch.zeros(3, 3))",
        ("raise", "RuntimeError", "masked_select: expected BoolTensor for mask"),
    ),
    Case(
        "shapes",
        "torch.zeros(3, 3).masked_select(torch.ones(2, dtype=torch.bool))",
        (
            "raise",
            "RuntimeError",
            "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 1",
        ),
    ),
    Case(
        "shapes",
        "torch.zeros(3, 3).scatter(0, torch.tensor([[0, 1, 2]]).float(), torch.zeros(3, 3))",
        ("raise", "RuntimeError", "scatter(): Expected dtype int32/int64 for index"),
    ),
    Case(
        "shapes",
        "torch.zeros(3, 3).scatter(0, torch.tensor([0, 1, 2]), torch.zeros(3, 3))",
        (
            "raise",
            "RuntimeError",
            "Index tensor must have the same number of dimensions as self tensor",
        ),
    ),
    Case(
        "shapes",
        "torch.zeros(3, 3).scatter(0, torch.zeros(4, 3, dtype=torch.long), torch.zeros(3, 3))",
        (
            "raise",
            "RuntimeError",
            "Expected index [4, 3] to be no larger than self [3, 3] apart from dimension 0 and to be no larger size than src [3, 3]",
        ),
    ),
    Case(
        "shapes",
        "torch.zeros(3, 3).scatter(0, torch.tensor([[5, 0, 0]]), 1.0)",
        (
            "raise",
            "RuntimeError",
            "index 5 is out of bounds for dimension 0 with size 3",
        ),
    ),
    Case(
        "shapes",
        "torch.zeros(3, 3).scatter_add(0, torch.zeros(2, 3, dtype=torch.long), torch.ones(1, 3))",
        (
            "raise",
            "RuntimeError",
            "Expected index [2, 3] to be no larger than self [3, 3] apart from dimension 0 and to be no larger size than src [1, 3]",
        ),
    ),
    Case(
        "shapes",
        "torch.zeros(3, 3).gather(0, torch.tensor([[0.0]]))",
        ("raise", "RuntimeError", "gather(): Expected dtype int32/int64 for index"),
    ),
    Case(
        "shapes",
        "torch.cross(torch.zeros(2, 4), torch.zeros(2, 4), dim=1)",
        (
            "raise",
            "RuntimeError",
            "linalg.cross: inputs dimension 1 must have length 3. Got 4 and 4",
        ),
    ),
    Case(
        "shapes",
        "torch.cross(torch.zeros(3, 3), torch.zeros(3, 2), dim=0)",
        (
            "raise",
            "RuntimeError",
            "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1",
        ),
    ),
    Case(
        "shapes",
        "torch.baddbmm(torch.zeros(2, 3), torch.zeros(2, 3, 3), torch.zeros(2, 3, 3))",
        (
            "raise",
            "RuntimeError",
            "The expanded size of the tensor (3) must match the existing size (2) at non-singleton dimension 1.  Target sizes: [2, 3, 3].  Tensor sizes: [2, 3]",
        ),
    ),
    Case(
        "shapes",
        "torch.baddbmm(torch.zeros(2, 3, 3), torch.zeros(2, 3, 3), torch.zeros(2, 4, 3))",
        (
            "raise",
            "RuntimeError",
            "Expected size for first two dimensions of batch2 tensor to be: [2, 3] but got: [2, 4].",
        ),
    ),
    Case(
        "shapes",
        "torch.addmv(torch.zeros(3), torch.zeros(3, 3), torch.zeros(4))",
        ("raise", "RuntimeError", "size mismatch, got input (3), mat (3x3), vec (4)"),
    ),
    Case(
        "shapes",
        "torch.addmv(torch.zeros(3), torch.zeros(3), torch.zeros(3))",
        ("raise", "RuntimeError", "vector + matrix @ vector expected, got 1, 1, 1"),
    ),
    Case(
        "shapes",
        "torch.addbmm(torch.zeros(3, 3), torch.zeros(2, 3, 3), torch.zeros(3, 3, 3))",
        (
            "raise",
            "RuntimeError",
            "batch1 and batch2 must have same number of batches, got 2 and 3",
        ),
    ),
    Case(
        "shapes",
        "torch.addbmm(torch.zeros(3, 3), torch.zeros(2, 3, 3), torch.zeros(2, 4, 3))",
        ("raise", "RuntimeError", "Incompatible matrix sizes for bmm (3x3 and 4x3)"),
    ),
    Case(
        "shapes",
        "torch.addmm(torch.zeros(2, 3), torch.zeros(3, 3), torch.zeros(3, 3))",
        (
            "raise",
            "RuntimeError",
            "The expanded size of the tensor (3) must match the existing size (2) at non-singleton dimension 0.  Target sizes: [3, 3].  Tensor sizes: [2, 3]",
        ),
    ),
    Case(
        "shapes",
        "torch.bmm(torch.zeros(2, 3, 3), torch.zeros(2, 4, 3))",
        (
            "raise",
            "RuntimeError",
            "Expected size for first two dimensions of batch2 tensor to be: [2, 3] but got: [2, 4].",
        ),
    ),
    Case(
        "shapes",
        "torch.outer(torch.zeros(3, 3), torch.zeros(3))",
        ("raise", "RuntimeError", "outer: Expected 1-D argument self, but got 2-D"),
    ),
    Case(
        "shapes",
        "torch.inner(torch.zeros(3), torch.zeros(4))",
        (
            "raise",
            "RuntimeError",
            "inner() the last dimension must match on both input tensors but got shapes [3] and [4]",
        ),
    ),
    Case(
        "shapes",
        "torch.tensordot(torch.zeros(3, 3), torch.zeros(3, 3), dims=([0], [0, 1]))",
        ("raise", "RuntimeError", "both dimension lists should have same length"),
    ),
    Case(
        "shapes",
        "torch.tensordot(torch.zeros(3, 3), torch.zeros(4, 4), dims=1)",
        (
            "raise",
            "RuntimeError",
            "contracted dimensions need to match, but first has size 3 in dim -1 and second has size 4 in dim 0",
        ),
    ),
    Case(
        "shapes",
        "torch.tensordot(torch.zeros(3, 3), torch.zeros(3, 3), dims=3)",
        (
            "raise",
            "RuntimeError",
            "tensordot expects dims < ndim_a or ndim_b, but got dims=3",
        ),
    ),
    Case(
        "shapes",
        "torch.tensordot(torch.zeros(3, 3), torch.zeros(3, 3), dims=-1)",
        ("raise", "RuntimeError", "tensordot expects dims >= 0, but got dims=-1"),
    ),
    Case(
        "shapes",
        'torch.einsum("ij,jk", torch.zeros(3, 3), torch.zeros(4, 4))',
        (
            "raise",
            "RuntimeError",
            "einsum(): subscript j has size 4 for operand 1 which does not broadcast with previously seen size 3",
        ),
    ),
    Case(
        "shapes",
        'torch.einsum("ij,jk->ik", torch.zeros(3, 3))',
        (
            "raise",
            "RuntimeError",
            "einsum(): fewer operands were provided than specified in the equation",
        ),
    ),
    Case(
        "shapes",
        'torch.einsum("ijk", torch.zeros(3, 3))',
        (
            "raise",
            "RuntimeError",
            "einsum(): the number of subscripts in the equation (3) does not match the number of dimensions (2) for operand 0 and no ellipsis was given",
        ),
    ),
    Case(
        "shapes",
        'torch.einsum("ij->ijk", torch.zeros(3, 3))',
        (
            "raise",
            "RuntimeError",
            "einsum(): output subscript k does not appear in the equation for any input operand",
        ),
    ),
    Case(
        "shapes",
        'torch.einsum("ij->ii", torch.zeros(3, 3))',
        (
            "raise",
            "RuntimeError",
            "einsum(): output subscript i appears more than once in the output",
        ),
    ),
    Case(
        "shapes",
        'torch.einsum("i1", torch.zeros(3, 3))',
        (
            "raise",
            "RuntimeError",
            "einsum(): invalid subscript given at index 1 in the equation string, subscripts must be in [a-zA-Z]",
        ),
    ),
    Case(
        "shapes",
        'torch.einsum("ii", torch.zeros(3, 4))',
        (
            "raise",
            "RuntimeError",
            "einsum(): subscript i is repeated for operand 0 but the sizes don't match, 4 != 3",
        ),
    ),
    Case(
        "shapes",
        'torch.einsum("...i,...i", torch.zeros(2, 3), torch.zeros(3, 3))',
        (
            "raise",
            "RuntimeError",
            "einsum(): dimension 0 covered by ellipsis in operand 1has size 3 which does not broadcast with previously seen ellipsis with size 2 for the respective dimension",
        ),
    ),
    Case(
        "shapes",
        "torch.cat([torch.zeros(3, 3), torch.zeros(3)])",
        (
            "raise",
            "RuntimeError",
            "Tensors must have same number of dimensions: got 2 and 1",
        ),
    ),
    Case(
        "shapes",
        "torch.cat([torch.zeros(3, 3), torch.zeros(3, 3)], dim=2)",
        (
            "raise",
            "IndexError",
            "Dimension out of range (expected to be in range of [-2, 1], but got 2)",
        ),
    ),
    Case(
        "shapes",
        "torch.stack([])",
        ("raise", "RuntimeError", "stack expects a non-empty TensorList"),
    ),
    Case(
        "shapes",
        "torch.stack([torch.zeros(3), torch.zeros(3)], dim=3)",
        (
            "raise",
            "IndexError",
            "Dimension out of range (expected to be in range of [-2, 1], but got 3)",
        ),
    ),
    Case(
        "shapes",
        "torch.hstack([])",
        ("raise", "RuntimeError", "hstack expects a non-empty TensorList"),
    ),
    Case(
        "shapes",
        "torch.vstack([torch.zeros(3, 3), torch.zeros(3, 4)])",
        (
            "raise",
            "RuntimeError",
            "Sizes of tensors must match except in dimension 0. Expected size 3 but got size 4 for tensor number 1 in the list.",
        ),
    ),
    Case(
        "shapes",
        "torch.dstack([torch.zeros(3), torch.zeros(4)])",
        (
            "raise",
            "RuntimeError",
            "Sizes of tensors must match except in dimension 2. Expected size 3 but got size 4 for tensor number 1 in the list.",
        ),
    ),
    Case(
        "shapes",
        "torch.column_stack([])",
        ("raise", "RuntimeError", "column_stack expects a non-empty TensorList"),
    ),
    Case(
        "shapes",
        "torch.movedim(torch.zeros(3, 3), 0, 5)",
        (
            "raise",
            "IndexError",
            "Dimension out of range (expected to be in range of [-2, 1], but got 5)",
        ),
    ),
    Case(
        "shapes",
        "torch.movedim(torch.zeros(3, 3), (0, 1), (1,))",
        (
            "raise",
            "RuntimeError",
            "movedim: Invalid source or destination dims: source ([0, 1] dims) should contain the same number of dims as destination ([1] dims)",
        ),
    ),
    Case(
        "shapes",
        "torch.movedim(torch.zeros(3, 3), (0, 0), (1, 0))",
        ("raise", "RuntimeError", "movedim: repeated dim in `source` ([0, 0])"),
    ),
    Case(
        "shapes",
        "torch.zeros(3, 3).unflatten(0, (2, 2))",
        (
            "raise",
            "RuntimeError",
            "unflatten: Provided sizes [2, 2] don't multiply up to the size of dim 0 (3) in the input tensor",
        ),
    ),
    Case(
        "shapes",
        "torch.zeros(3, 3).unflatten(0, ())",
        ("raise", "RuntimeError", "unflatten: sizes must be non-empty"),
    ),
    Case(
        "shapes",
        "torch.broadcast_to(torch.zeros(3, 3), (3,))",
        (
            "raise",
            "RuntimeError",
            "expand(torch.FloatTensor{[3, 3]}, size=[3]): the number of sizes provided (1) must be greater or equal to the number of dimensions in the tensor (2)",
        ),
    ),
    Case(
        "shapes",
        "torch.broadcast_to(torch.zeros(3, 3), (2, 4, 3))",
        (
            "raise",
            "RuntimeError",
            "The expanded size of the tensor (4) must match the existing size (3) at non-singleton dimension 1.  Target sizes: [2, 4, 3].  Tensor sizes: [3, 3]",
        ),
    ),
    Case(
        "shapes",
        'torch.meshgrid(torch.zeros(3), torch.zeros(3), indexing="xz")',
        (
            "raise",
            "RuntimeError",
            'torch.meshgrid: indexing must be one of "xy" or "ij", but received: xz',
        ),
    ),
    Case(
        "shapes",
        "torch.meshgrid()",
        ("raise", "RuntimeError", "meshgrid expects a non-empty TensorList"),
    ),
    Case(
        "shapes",
        "torch.take_along_dim(torch.zeros(3, 3), torch.tensor([[0]]).float(), 0)",
        (
            "raise",
            "RuntimeError",
            "torch.take_along_dim(): dtype of indices should be Long but got Float",
        ),
    ),
    Case(
        "shapes",
        "torch.take_along_dim(torch.zeros(3, 3), torch.tensor([0]), 1)",
        (
            "raise",
            "RuntimeError",
            "torch.take_along_dim(): input and indices should have the same number of dimensions, but got 2 dimensions for input, and 1 dimensions for indices",
        ),
    ),
    Case(
        "shapes",
        "torch.swapaxes(torch.zeros(3, 3), 0, 2)",
        (
            "raise",
            "IndexError",
            "Dimension out of range (expected to be in range of [-2, 1], but got 2)",
        ),
    ),
    Case(
        "shapes",
        "torch.chunk(torch.zeros(3, 3), 0)",
        (
            "raise",
            "RuntimeError",
            "chunk expects `chunks` to be greater than 0, got: 0",
        ),
    ),
    Case(
        "shapes",
        "torch.zeros(3, 3).split(0)",
        (
            "raise",
            "RuntimeError",
            "split_size can only be 0 if dimension size is 0, but got dimension size of 3",
        ),
    ),
    Case(
        "shapes",
        "torch.zeros(3, 3).split([1, 1])",
        (
            "raise",
            "RuntimeError",
            "split_with_sizes expects split_sizes to sum exactly to 3 (input tensor's size at dimension 0), but got split_sizes=[1, 1]",
        ),
    ),
    Case(
        "shapes",
        "torch.softmax(torch.zeros(3, 3), 5)",
        (
            "raise",
            "IndexError",
            "Dimension out of range (expected to be in range of [-2, 1], but got 5)",
        ),
    ),
    Case(
        "shapes",
        "torch.softmax(torch.arange(3), 0)",
        (
            "raise",
            "NotImplementedError",
            "\"softmax_lastdim_kernel_impl\" not implemented for 'Long'",
        ),
    ),
    Case(
        "shapes",
        "torch.index_select(torch.zeros(3, 3), 2, torch.tensor([0]))",
        (
            "raise",
            "IndexError",
            "Dimension out of range (expected to be in range of [-2, 1], but got 2)",
        ),
    ),
    Case(
        "random",
        "torch.randint(5, 5, (2,))",
        (
            "raise",
            "RuntimeError",
            "random_ expects 'from' to be less than 'to', but got from=5 >= to=5",
        ),
    ),
    Case(
        "random",
        "torch.randint(5, 2, (2,))",
        (
            "raise",
            "RuntimeError",
            "random_ expects 'from' to be less than 'to', but got from=5 >= to=2",
        ),
    ),
    Case(
        "random",
        "torch.randint(0, 300, (2,), dtype=torch.uint8)",
        ("raise", "RuntimeError", "to - 1 is out of bounds for unsigned char"),
    ),
    Case(
        "random",
        "torch.randint(-1, 3, (2,), dtype=torch.uint8)",
        ("raise", "RuntimeError", "from is out of bounds for unsigned char"),
    ),
    Case(
        "random",
        "torch.randint(0, 2**40, (2,), dtype=torch.int32)",
        ("raise", "RuntimeError", "to - 1 is out of bounds for int"),
    ),
    Case(
        "random",
        "torch.randint(0.5, 3, (2,))",
        (
            "raise",
            "TypeError",
            "randint() received an invalid combination of arguments - got (float, int, tuple), but expected one of:",
        ),
    ),
    Case(
        "random",
        "torch.randint(3)",
        (
            "raise",
            "TypeError",
            "randint() received an invalid combination of arguments - got (int), but expected one of:",
        ),
    ),
    Case(
        "random",
        "torch.randperm(-1)",
        (
            "raise",
            "RuntimeError",
            "Trying to create tensor with negative dimension -1: [-1]",
        ),
    ),
    Case(
        "random",
        "torch.randperm(3.5)",
        (
            "raise",
            "TypeError",
            "randperm(): argument 'n' (position 1) must be int, not float",
        ),
    ),
    Case(
        "random",
        "torch.randperm(300, dtype=torch.int8)",
        (
            "raise",
            "RuntimeError",
            "value cannot be converted to type int8_t without overflow",
        ),
    ),
    Case(
        "random",
        "torch.randperm(3, dtype=torch.bool)",
        ("raise", "NotImplementedError", "\"randperm\" not implemented for 'Bool'"),
    ),
    Case(
        "random",
        "torch.randperm(2**24 + 5, dtype=torch.float32)",
        ("raise", "RuntimeError", "n cannot be greater than 2^24+1 for Float type."),
    ),
    Case(
        "random",
        "torch.multinomial(torch.tensor([0.5, 0.5]), 3)",
        (
            "raise",
            "RuntimeError",
            "cannot sample n_sample > prob_dist.size(-1) samples without replacement",
        ),
    ),
    Case(
        "random",
        "torch.multinomial(torch.tensor([-0.5, 0.5]), 1)",
        (
            "raise",
            "RuntimeError",
            "probability tensor contains either `inf`, `nan` or element < 0",
        ),
    ),
    Case(
        "random",
        "torch.multinomial(torch.tensor([-0.5, 0.5]), 2, True)",
        (
            "raise",
            "RuntimeError",
            "invalid multinomial distribution (encountering probability entry < 0)",
        ),
    ),
    Case(
        "random",
        "torch.multinomial(torch.tensor([0., 0.]), 2, True)",
        (
            "raise",
            "RuntimeError",
            "invalid multinomial distribution (sum of probabilities <= 0)",
        ),
    ),
    Case(
        "random",
        "torch.multinomial(torch.tensor([0., 0.]), 1)",
        (
            "raise",
            "RuntimeError",
            "invalid multinomial distribution (sum of probabilities <= 0)",
        ),
    ),
    Case(
        "random",
        "torch.multinomial(torch.tensor([1, 2]), 1)",
        (
            "raise",
            "RuntimeError",
            "multinomial only supports floating-point dtypes for input, got: Long",
        ),
    ),
    Case(
        "random",
        "torch.multinomial(torch.tensor(1.), 1)",
        ("raise", "RuntimeError", "prob_dist must be 1 or 2 dim"),
    ),
    Case(
        "random",
        "torch.multinomial(torch.tensor([0.5]), 0)",
        ("raise", "RuntimeError", "cannot sample n_sample <= 0 samples"),
    ),
    Case(
        "random",
        "torch.multinomial(torch.tensor([float('inf'), 1.]), 1)",
        (
            "raise",
            "RuntimeError",
            "probability tensor contains either `inf`, `nan` or element < 0",
        ),
    ),
    Case(
        "random",
        "torch.multinomial(torch.tensor([float('nan'), 1.]), 2, True)",
        (
            "raise",
            "RuntimeError",
            "invalid multinomial distribution (encountering probability entry < 0)",
        ),
    ),
    Case(
        "random",
        "torch.multinomial(torch.tensor([1., float('inf')]), 2, True)",
        (
            "raise",
            "RuntimeError",
            "invalid multinomial distribution (encountering probability entry = infinity or NaN)",
        ),
    ),
    Case(
        "random",
        "torch.multinomial(torch.ones(2, 2, 2), 1)",
        ("raise", "RuntimeError", "prob_dist must be 1 or 2 dim"),
    ),
    Case(
        "random",
        "torch.bernoulli(torch.tensor([1.5]))",
        (
            "raise",
            "RuntimeError",
            "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)",
        ),
    ),
    Case(
        "random",
        "torch.bernoulli(torch.tensor([-0.5]))",
        (
            "raise",
            "RuntimeError",
            "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)",
        ),
    ),
    Case(
        "random",
        "torch.bernoulli(torch.tensor([1, 0]))",
        (
            "raise",
            "NotImplementedError",
            "\"bernoulli_tensor_cpu_p_\" not implemented for 'Long'",
        ),
    ),
    Case(
        "random",
        "torch.bernoulli(torch.zeros(2), 1.5)",
        (
            "raise",
            "RuntimeError",
            "bernoulli_ expects p to be in [0, 1], but got p=1.5",
        ),
    ),
    Case(
        "random",
        "torch.empty(2).bernoulli_(-0.1)",
        (
            "raise",
            "RuntimeError",
            "bernoulli_ expects p to be in [0, 1], but got p=-0.1",
        ),
    ),
    Case(
        "random",
        "torch.normal(0., -1., (2,))",
        ("raise", "RuntimeError", "normal expects std >= 0.0, but found std -1"),
    ),
    Case(
        "random",
        "torch.normal(torch.zeros(2), -1.)",
        ("raise", "RuntimeError", "normal expects std >= 0.0, but found std -1"),
    ),
    Case(
        "random",
        "torch.normal(torch.zeros(2), torch.tensor([-1., 1.]))",
        ("raise", "RuntimeError", "normal expects all elements of std >= 0.0"),
    ),
    Case(
        "random",
        "torch.normal(torch.zeros(2), torch.zeros(3))",
        (
            "raise",
            "RuntimeError",
            "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0",
        ),
    ),
    Case(
        "random",
        "torch.normal(0., 1.)",
        (
            "raise",
            "TypeError",
            "normal() received an invalid combination of arguments - got (float, float), but expected one of:",
        ),
    ),
    Case(
        "random",
        "torch.empty(3).exponential_(-1.)",
        (
            "raise",
            "RuntimeError",
            "exponential_ expects lambda > 0.0, but found lambda=-1",
        ),
    ),
    Case(
        "random",
        "torch.empty(3).exponential_(0.)",
        (
            "raise",
            "RuntimeError",
            "exponential_ expects lambda > 0.0, but found lambda=0",
        ),
    ),
    Case(
        "random",
        "torch.empty(3, dtype=torch.int32).exponential_()",
        (
            "raise",
            "RuntimeError",
            "Exponential distribution is a continuous probability distribution. dtype must be a floating point but you specified Int",
        ),
    ),
    Case(
        "random",
        "torch.empty(3).uniform_(2, 1)",
        (
            "raise",
            "RuntimeError",
            "uniform_ expects to return a [from, to) range, but found from=2 > to=1",
        ),
    ),
    Case(
        "random",
        "torch.empty(3, dtype=torch.int32).uniform_()",
        (
            "raise",
            "NotImplementedError",
            "\"check_uniform_bounds\" not implemented for 'Int'",
        ),
    ),
    Case(
        "random",
        "torch.empty(3, dtype=torch.int32).normal_()",
        (
            "raise",
            "NotImplementedError",
            "\"normal_kernel_cpu\" not implemented for 'Int'",
        ),
    ),
    Case(
        "random",
        "torch.empty(3).normal_(0, -1)",
        ("raise", "RuntimeError", "normal expects std >= 0.0, but found std -1"),
    ),
    Case(
        "random",
        "torch.empty(3).random_(5, 2)",
        (
            "raise",
            "RuntimeError",
            "random_ expects 'from' to be less than 'to', but got from=5 >= to=2",
        ),
    ),
    Case(
        "random",
        "torch.empty(3, dtype=torch.uint8).random_(-5, 5)",
        ("raise", "RuntimeError", "from is out of bounds for unsigned char"),
    ),
    Case(
        "random",
        "torch.rand_like(torch.zeros(2, dtype=torch.int64))",
        (
            "raise",
            "NotImplementedError",
            "\"check_uniform_bounds\" not implemented for 'Long'",
        ),
    ),
    Case(
        "random",
        "torch.randn(3, dtype=torch.int64)",
        (
            "raise",
            "NotImplementedError",
            "\"normal_kernel_cpu\" not implemented for 'Long'",
        ),
    ),
    Case(
        "random",
        "torch.set_rng_state(torch.zeros(10, dtype=torch.uint8))",
        (
            "raise",
            "RuntimeError",
            "Expected a CPUGeneratorImplState of size 5056 but found the input RNG state size to be 10",
        ),
    ),
    Case(
        "random",
        "torch.set_rng_state(torch.zeros(5056))",
        ("raise", "TypeError", "RNG state must be a torch.ByteTensor"),
    ),
    Case(
        "random",
        "torch.manual_seed(2**64)",
        ("raise", "ValueError", "Overflow when unpacking long long"),
    ),
    Case(
        "random",
        "torch.randint(5, size=(2,), generator=3)",
        (
            "raise",
            "TypeError",
            "randint() received an invalid combination of arguments - got (int, generator=int, size=tuple), but expected one of:",
        ),
    ),
    Case(
        "random",
        "torch.ones(2, requires_grad=True).uniform_()",
        (
            "raise",
            "RuntimeError",
            "a leaf Variable that requires grad is being used in an in-place operation.",
        ),
    ),
    Case(
        "random",
        "torch.empty(3).cauchy_(0, -1)",
        ("raise", "RuntimeError", "cauchy_ expects sigma > 0.0, but found sigma=-1"),
    ),
    Case(
        "random",
        "torch.empty(3).log_normal_(1, 0)",
        ("raise", "RuntimeError", "log_normal_ expects std > 0.0, but found std=0"),
    ),
    Case(
        "random",
        "torch.empty(3).geometric_(1.5)",
        (
            "raise",
            "RuntimeError",
            "geometric_ expects p to be in (0, 1), but got p=1.5",
        ),
    ),
    Case(
        "random",
        "torch.empty(3, dtype=torch.int32).cauchy_()",
        (
            "raise",
            "RuntimeError",
            "Cauchy distribution is a continuous probability distribution. dtype must be a floating point but you specified int",
        ),
    ),
    Case(
        "random",
        "torch.empty(3, dtype=torch.int32).log_normal_()",
        (
            "raise",
            "NotImplementedError",
            "\"log_normal_cpu\" not implemented for 'Int'",
        ),
    ),
    Case(
        "factory",
        "torch.zeros(3, out=torch.empty(3, dtype=torch.int32), dtype=torch.float32)",
        (
            "raise",
            "RuntimeError",
            "dtype Float does not match dtype of out parameter (Int)",
        ),
    ),
    Case(
        "factory",
        "torch.ones(2, out=torch.empty(2, requires_grad=True))",
        (
            "raise",
            "RuntimeError",
            "aten::ones(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.",
        ),
    ),
    Case(
        "factory",
        "torch.zeros(3, out=5)",
        ("raise", "TypeError", "zeros(): argument 'out' must be Tensor, not int"),
    ),
    Case(
        "factory",
        "torch.arange(0, 1, 0)",
        ("raise", "RuntimeError", "step must be nonzero"),
    ),
    Case(
        "factory",
        "torch.arange(0, 1, -1)",
        (
            "raise",
            "RuntimeError",
            "upper bound and lower bound inconsistent with step sign",
        ),
    ),
    Case(
        "factory",
        "torch.arange(1, 4, 0.5, dtype=torch.int64)",
        ("raise", "ValueError", "step must be nonzero"),
    ),
    Case(
        "factory",
        "torch.logspace(0, 1, -2)",
        ("raise", "RuntimeError", "number of steps must be non-negative"),
    ),
    Case(
        "factory",
        "torch.logspace(torch.zeros(2), 1, 3)",
        (
            "raise",
            "RuntimeError",
            "logspace only supports 0-dimensional start and end tensors, but got start with 1 dimension(s).",
        ),
    ),
    Case(
        "factory",
        "torch.arange(0, 1, 0.1)",
        (
            "value",
            "tensor([0.0000, 0.1000, 0.2000, 0.3000, 0.4000, 0.5000, 0.6000, 0.7000, 0.8000,\n        0.9000])",
        ),
    ),
    Case("factory", "torch.arange(0, 1, 0.1).shape", ("value", "torch.Size([10])")),
    Case(
        "factory",
        "torch.linspace(0, 1, 7).tolist()",
        (
            "value",
            "[0.0, 0.1666666716337204, 0.3333333432674408, 0.5, 0.6666666269302368, 0.8333333134651184, 1.0]",
        ),
    ),
    Case(
        "factory",
        "torch.logspace(0, 2, 5).tolist()",
        ("value", "[1.0, 3.1622776985168457, 10.0, 31.62277603149414, 100.0]"),
    ),
    Case("factory", "torch.tensor([1.5])", ("value", "tensor([1.5000])")),
]

# Cases the facade does not meet yet, each with why; strict, so a case that starts
# passing must leave this list.
PENDING = {}
