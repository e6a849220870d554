"""``torch.utils.data`` against real PyTorch: the same batches, in the same
shuffled order for the same generator, with the same collation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import funcgrad.torch as ft
from funcgrad.torch.utils.data import sampler as _sampler


def _batches(torch, n: int, batch_size: int, shuffle: bool, drop_last: bool,
             seed: int | None):  # fmt: skip
    data = torch.utils.data
    ds = data.TensorDataset(torch.arange(n * 2.0).view(n, 2), torch.arange(n))
    gen = None if seed is None else torch.Generator().manual_seed(seed)
    torch.manual_seed(3)
    loader = data.DataLoader(ds, batch_size=batch_size, shuffle=shuffle,
                             drop_last=drop_last, generator=gen)  # fmt: skip
    out = [len(loader)]
    for _ in range(2):  # two epochs: a fresh order each
        out.append([(x.tolist(), y.tolist()) for x, y in loader])
    return out


@settings(max_examples=12)
@given(
    st.integers(1, 23), st.integers(1, 6), st.booleans(), st.booleans(),
    st.one_of(st.none(), st.integers(0, 2**31)),
)  # fmt: skip
def test_dataloader_matches_torch(n, batch_size, shuffle, drop_last, seed) -> None:
    torch = pytest.importorskip("torch")
    args = (n, batch_size, shuffle, drop_last, seed)
    assert _batches(ft, *args) == _batches(torch, *args)


@settings(max_examples=20)
@given(st.integers(0, 60), st.integers(0, 2**40))
def test_randperm_is_torchs(n: int, seed: int) -> None:
    torch = pytest.importorskip("torch")
    ours = _sampler.randperm(n, ft.Generator().manual_seed(seed))
    theirs = torch.randperm(n, generator=torch.Generator().manual_seed(seed)).tolist()
    assert ours == theirs


def test_collate_of_tuples_dicts_and_numbers_matches_torch() -> None:
    torch = pytest.importorskip("torch")

    class Pairs(torch.utils.data.Dataset):
        pass

    def run(m):
        class Samples(m.utils.data.Dataset):
            def __len__(self):
                return 5

            def __getitem__(self, i):
                return {"x": m.ones(2) * i, "y": i, "w": i / 2, "name": f"s{i}"}, (
                    m.tensor([i, i + 1]), float(i),
                )  # fmt: skip

        loader = m.utils.data.DataLoader(Samples(), batch_size=2)
        return [repr(batch) for batch in loader]

    assert run(ft) == run(torch)


def test_random_split_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    for lengths in ([3, 7], [0.3, 0.7], [0.25, 0.25, 0.5]):
        ours = ft.utils.data.random_split(
            range(10), lengths, ft.Generator().manual_seed(42)
        )
        theirs = torch.utils.data.random_split(
            range(10), lengths, torch.Generator().manual_seed(42)
        )
        assert [list(s) for s in ours] == [list(s) for s in theirs]


def test_data_pinned_and_errors() -> None:
    data = ft.utils.data
    ds = data.TensorDataset(ft.arange(4), ft.zeros(4, 2))
    assert len(ds) == 4 and ds[2][0].item() == 2
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        data.TensorDataset(ft.zeros(3), ft.zeros(4))
    with pytest.raises(ValueError, match="batch_size should be a positive integer"):
        data.DataLoader(ds, batch_size=0)
    with pytest.raises(ValueError, match="does not equal the length"):
        data.random_split(ds, [1, 1])
    loader = data.DataLoader(ds, batch_size=3, drop_last=True)
    assert len(loader) == 1 and [y.shape for _, y in loader] == [(3, 2)]
    first = next(iter(data.DataLoader(ds, batch_size=None)))
    assert first[0].item() == 0
    assert np.array_equal(
        next(iter(data.DataLoader([np.ones(2), np.zeros(2)], batch_size=2))).numpy(),
        [[1.0, 1.0], [0.0, 0.0]],
    )
