"""The embedded Wisconsin Diagnostic Breast Cancer data."""

from __future__ import annotations

from importlib import resources

import numpy as np

from funcgrad.data import load_breast_cancer


def test_shape_labels_and_names() -> None:
    ds = load_breast_cancer()
    assert ds.X.shape == (569, 30) and ds.X.dtype == np.float32
    assert ds.y.shape == (569,) and ds.y.dtype == np.float32
    assert ds.target == "benign"
    assert set(np.unique(ds.y).tolist()) == {0.0, 1.0}
    assert int(ds.y.sum()) == 357  # benign rows; 212 malignant
    assert ds.feature_names[0] == "mean_radius"
    assert ds.feature_names[-1] == "worst_fractal_dimension"
    assert len(ds.feature_names) == 30


def test_values_match_the_file() -> None:
    ds = load_breast_cancer()
    first = ds.X[0]
    assert first[0] == np.float32(17.99) and first[1] == np.float32(10.38)
    assert np.isfinite(ds.X).all()


def test_provenance_ships_beside_the_data() -> None:
    files = resources.files("funcgrad.data")
    text = files.joinpath("breast_cancer.PROVENANCE.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in text
