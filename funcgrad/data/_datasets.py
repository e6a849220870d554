"""Data sets embedded in the package."""

from __future__ import annotations

from importlib import resources

from ._csv import Dataset, parse_csv_bytes

BREAST_CANCER_FILE = "breast_cancer.csv"


def load_breast_cancer() -> Dataset:
    """The Wisconsin Diagnostic Breast Cancer data embedded in funcgrad.

    569 rows, 30 real-valued features, label ``benign`` (1 = benign, 0 = malignant).
    Origin: UCI Machine Learning Repository, CC BY 4.0; see
    ``funcgrad/data/breast_cancer.PROVENANCE.md``.

    >>> ds = load_breast_cancer()
    >>> ds.X.shape, ds.X.dtype, ds.y.shape, ds.target
    ((569, 30), dtype('float32'), (569,), 'benign')
    >>> ds.feature_names[:2], int(ds.y.sum())
    (('mean_radius', 'mean_texture'), 357)
    """
    data = resources.files(__package__).joinpath(BREAST_CANCER_FILE).read_bytes()
    return parse_csv_bytes(
        data, target="benign", source=f"{BREAST_CANCER_FILE} (embedded)"
    )
