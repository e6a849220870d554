"""``torch.utils.data``: datasets, samplers and the ``DataLoader``."""

from ... import _missing
from .dataloader import DataLoader as DataLoader
from .dataloader import default_collate as default_collate
from .dataset import Dataset as Dataset
from .dataset import Subset as Subset
from .dataset import TensorDataset as TensorDataset
from .dataset import random_split as random_split
from .sampler import BatchSampler as BatchSampler
from .sampler import RandomSampler as RandomSampler
from .sampler import SequentialSampler as SequentialSampler

__getattr__ = _missing.missing(__name__)

__all__ = [
    "BatchSampler",
    "DataLoader",
    "Dataset",
    "RandomSampler",
    "SequentialSampler",
    "Subset",
    "TensorDataset",
    "default_collate",
    "random_split",
]
