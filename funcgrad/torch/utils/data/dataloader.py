"""``DataLoader`` and ``default_collate``: batches of a dataset, in order or
shuffled by PyTorch's sampler (the same order for the same generator)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import jax.numpy as jnp
import numpy as np

from ....autograd.tensor import Tensor
from ... import _random
from ..._functions import stack
from .sampler import BatchSampler, RandomSampler, SequentialSampler

__all__ = ["DataLoader", "default_collate"]


def default_collate(batch: Sequence[Any]) -> Any:
    """Stack a list of samples into a batch: tensors are stacked, numbers become
    a tensor, and tuples/lists/dicts are collated field by field.

    >>> import funcgrad.torch as torch
    >>> default_collate([(torch.ones(2), 1), (torch.zeros(2), 0)])
    [tensor([[1., 1.],
            [0., 0.]]), tensor([1, 0])]
    >>> default_collate([{"x": 0.5}, {"x": 1.5}])
    {'x': tensor([0.5000, 1.5000], dtype=torch.float64)}
    """
    first = batch[0]
    if isinstance(first, Tensor):
        return stack(list(batch))
    if isinstance(first, np.ndarray):
        return Tensor(jnp.asarray(np.stack(batch)))
    if isinstance(first, bool | int | float) and not isinstance(first, bool):
        kind = "int64" if isinstance(first, int) else "float64"
        return Tensor(np.asarray(batch), dtype=kind)
    if isinstance(first, bool):
        return Tensor(np.asarray(batch), dtype="bool")
    if isinstance(first, str | bytes):
        return list(batch)
    if isinstance(first, Mapping):
        return {
            key: default_collate([sample[key] for sample in batch]) for key in first
        }
    if isinstance(first, tuple) and hasattr(first, "_fields"):
        return type(first)(
            *(default_collate(list(f)) for f in zip(*batch, strict=True))
        )
    if isinstance(first, Sequence):
        if any(len(sample) != len(first) for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        return [default_collate(list(field)) for field in zip(*batch, strict=True)]
    raise TypeError(
        "default_collate: batch must contain tensors, numpy arrays, numbers, dicts "
        f"or lists; found {type(first)}"
    )


class DataLoader:
    """Iterate over ``dataset`` in batches of ``batch_size`` (``shuffle`` with an
    optional seeded ``generator``; ``drop_last``; ``collate_fn``). Loading runs in
    this process (``num_workers`` is accepted and ignored).

    >>> import funcgrad.torch as torch
    >>> from funcgrad.torch.utils.data import TensorDataset
    >>> ds = TensorDataset(torch.arange(5.0), torch.arange(5))
    >>> [y.tolist() for _, y in DataLoader(ds, batch_size=2)]
    [[0, 1], [2, 3], [4]]
    >>> len(DataLoader(ds, batch_size=2, drop_last=True))
    2
    """

    def __init__(
        self, dataset: Any, batch_size: int | None = 1, shuffle: bool | None = None,
        sampler: Any = None, batch_sampler: Any = None, num_workers: int = 0,
        collate_fn: Callable[[list], Any] | None = None, pin_memory: bool = False,
        drop_last: bool = False, timeout: float = 0, worker_init_fn: Any = None,
        multiprocessing_context: Any = None,
        generator: _random.Generator | None = None, *, prefetch_factor: Any = None,
        persistent_workers: bool = False, pin_memory_device: str = "",
        in_order: bool = True,
    ) -> None:  # fmt: skip
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None and (
            batch_size != 1 or shuffle or sampler is not None or drop_last
        ):
            raise ValueError(
                "batch_sampler option is mutually exclusive with batch_size, "
                "shuffle, sampler, and drop_last"
            )
        self.dataset, self.num_workers = dataset, num_workers
        self.batch_size, self.drop_last, self.generator = (
            batch_size,
            drop_last,
            generator,
        )
        if sampler is None:
            sampler = (
                RandomSampler(dataset, generator=generator) if shuffle
                else SequentialSampler(dataset)
            )  # fmt: skip
        self.sampler = sampler
        if batch_sampler is None and batch_size is not None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_sampler = batch_sampler
        if collate_fn is None:
            collate_fn = default_collate if batch_sampler is not None else _identity
        self.collate_fn = collate_fn

    def __iter__(self) -> Iterator[Any]:
        return self._batches(_base_seed(self.generator))

    def _batches(self, base_seed: int) -> Iterator[Any]:
        """The batches of one pass (PyTorch draws ``base_seed`` for its workers
        when a pass starts, before the sampler draws; it is drawn here too, so
        the generators advance as PyTorch's do)."""
        if self.batch_sampler is None:
            for idx in self.sampler:
                yield self.collate_fn(self.dataset[idx])
            return
        for indices in self.batch_sampler:
            yield self.collate_fn([self.dataset[i] for i in indices])

    def __len__(self) -> int:
        if self.batch_sampler is None:
            return len(self.sampler)
        return len(self.batch_sampler)


def _base_seed(generator: _random.Generator | None) -> int:
    g = _random.default_generator if generator is None else generator
    with g._lock:
        hi, lo = g._u32(2).tolist()
    return ((hi << 32) | lo) & (2**63 - 1)


def _identity(x: Any) -> Any:
    return x
