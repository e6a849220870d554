"""Datasets: ``Dataset``, ``TensorDataset``, ``Subset``, ``random_split``."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ....autograd.tensor import Tensor
from ... import _random
from .sampler import randperm

__all__ = ["Dataset", "Subset", "TensorDataset", "random_split"]


class Dataset:
    """A map-style dataset: subclasses define ``__getitem__`` (and ``__len__``).

    >>> class Squares(Dataset):
    ...     def __len__(self):
    ...         return 3
    ...     def __getitem__(self, i):
    ...         return i * i
    >>> [Squares()[i] for i in range(3)]
    [0, 1, 4]
    """

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other: Dataset) -> Any:
        raise NotImplementedError("dataset concatenation is not supported")


class TensorDataset(Dataset):
    """Samples are the ``i``-th rows of each tensor (all the same length).

    >>> import funcgrad.torch as torch
    >>> ds = TensorDataset(torch.arange(3), torch.zeros(3, 2))
    >>> len(ds), ds[1]
    (3, (tensor(1), tensor([0., 0.])))
    """

    def __init__(self, *tensors: Tensor) -> None:
        if any(t.shape[0] != tensors[0].shape[0] for t in tensors):
            raise AssertionError("Size mismatch between tensors")
        self.tensors = tensors

    def __getitem__(self, index: int) -> tuple[Tensor, ...]:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``.

    >>> Subset([10, 11, 12], [2, 0])[0]
    12
    """

    def __init__(self, dataset: Any, indices: Sequence[int]) -> None:
        self.dataset, self.indices = dataset, indices

    def __getitem__(self, idx: int) -> Any:
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __len__(self) -> int:
        return len(self.indices)


def random_split(
    dataset: Any,
    lengths: Sequence[int | float],
    generator: _random.Generator | None = None,
) -> list[Subset]:
    """Split into non-overlapping subsets of the given lengths (or fractions), in
    the random order PyTorch's ``randperm`` gives for the same generator.

    >>> import funcgrad.torch as torch
    >>> a, b = random_split(range(5), [3, 2], torch.Generator().manual_seed(0))
    >>> list(a), list(b)
    ([4, 0, 1], [3, 2])
    """
    n = len(dataset)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        counts = [int(math.floor(n * frac)) for frac in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        lengths = counts
    if sum(lengths) != n:
        raise ValueError(
            "Sum of input lengths does not equal the length of the input dataset!"
        )
    order = randperm(n, generator)
    out, start = [], 0
    for length in lengths:
        out.append(Subset(dataset, order[start : start + length]))
        start += length
    return out
