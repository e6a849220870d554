"""Samplers: the index orders a ``DataLoader`` walks, drawn as PyTorch draws
them (``randperm``: Fisher-Yates over the generator's 32-bit outputs)."""

from __future__ import annotations

from collections.abc import Iterator, Sized

from ... import _random, _sampling

__all__ = ["BatchSampler", "RandomSampler", "SequentialSampler", "randperm"]


def randperm(n: int, generator: _random.Generator | None = None) -> list[int]:
    """A random permutation of ``range(n)``: ``torch.randperm(n, generator=g)``'s
    numbers (for ``n`` below 2**32 / 20), as a list of indices.

    >>> import funcgrad.torch as torch
    >>> randperm(5, torch.Generator().manual_seed(0))
    [4, 0, 1, 3, 2]
    """
    g = _random.default_generator if generator is None else generator
    return _sampling.randperm(g, n).tolist()


class SequentialSampler:
    """Indices ``0, 1, ..., len(data) - 1``.

    >>> list(SequentialSampler("abc"))
    [0, 1, 2]
    """

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler:
    """A fresh random order each pass: from ``generator``, or, without one, from
    a generator seeded by one 63-bit draw of the default generator (as PyTorch;
    the draws happen when the first index is taken).

    >>> import funcgrad.torch as torch
    >>> list(RandomSampler(range(4), generator=torch.Generator().manual_seed(1)))
    [1, 3, 2, 0]
    """

    def __init__(self, data_source: Sized, replacement: bool = False,
                 num_samples: int | None = None,
                 generator: _random.Generator | None = None) -> None:  # fmt: skip
        if replacement or num_samples is not None:
            raise NotImplementedError(
                "RandomSampler: replacement and num_samples are not supported"
            )
        self.data_source, self.generator = data_source, generator
        self.replacement, self._num_samples = replacement, num_samples

    @property
    def num_samples(self) -> int:
        return len(self.data_source)

    def __iter__(self) -> Iterator[int]:
        g = self.generator
        if g is None:
            default = _random.default_generator
            with default._lock:
                hi, lo = default._u32(2).tolist()
            g = _random.Generator().manual_seed(((hi << 32) | lo) & (2**63 - 1))
        n = len(self.data_source)
        yield from randperm(n, g)
        # PyTorch then draws one more permutation for the ``num_samples % n``
        # remainder (empty here); drawn too, so the generator advances the same.
        randperm(n, g)

    def __len__(self) -> int:
        return len(self.data_source)


class BatchSampler:
    """Group a sampler's indices into lists of ``batch_size``.

    >>> list(BatchSampler(range(5), 2, drop_last=False))
    [[0, 1], [2, 3], [4]]
    """

    def __init__(self, sampler, batch_size: int, drop_last: bool) -> None:
        if (
            not isinstance(batch_size, int)
            or isinstance(batch_size, bool)
            or (batch_size <= 0)
        ):
            raise ValueError(
                "batch_size should be a positive integer value, but got "
                f"batch_size={batch_size}"
            )
        self.sampler, self.batch_size, self.drop_last = sampler, batch_size, drop_last

    def __iter__(self) -> Iterator[list[int]]:
        batch: list[int] = []
        for idx in self.sampler:
            batch.append(idx)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
