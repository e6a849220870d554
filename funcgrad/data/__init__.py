"""Data for funcgrad: the embedded data set, a strict CSV loader, splits, scaling.

Errors in the data raise :class:`DataError` (a ``ValueError``) naming the file, line
and column.
"""

from ._csv import Dataset as Dataset
from ._csv import load_csv as load_csv
from ._csv import parse_csv_bytes as parse_csv_bytes
from ._datasets import load_breast_cancer as load_breast_cancer
from ._errors import DataError as DataError
from ._split import Standardizer as Standardizer
from ._split import check_split as check_split
from ._split import standardize as standardize
from ._split import train_test_split as train_test_split

__all__ = [
    "DataError",
    "Dataset",
    "Standardizer",
    "check_split",
    "load_breast_cancer",
    "load_csv",
    "parse_csv_bytes",
    "standardize",
    "train_test_split",
]
