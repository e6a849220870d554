"""train_test_split and standardize."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from funcgrad.data import (
    DataError,
    Standardizer,
    check_split,
    load_breast_cancer,
    standardize,
    train_test_split,
)


def rows_of(X: np.ndarray) -> set[tuple[float, ...]]:
    return {tuple(r) for r in X.tolist()}


def numbered(n: int) -> tuple[np.ndarray, np.ndarray]:
    X = np.arange(n, dtype=np.float32)[:, None] * np.ones((1, 3), np.float32)
    y = (np.arange(n) % 3 == 0).astype(np.float32)
    return X, y


def test_same_seed_same_split() -> None:
    X, y = numbered(100)
    a = train_test_split(X, y, seed=7)
    b = train_test_split(X, y, seed=7)
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)


def test_different_seed_different_split() -> None:
    X, y = numbered(100)
    a = train_test_split(X, y, seed=0)[1]
    b = train_test_split(X, y, seed=1)[1]
    assert rows_of(a) != rows_of(b)


@given(
    n=st.integers(2, 60),
    fraction=st.floats(0.01, 0.99),
    seed=st.integers(0, 2**32 - 1),
    stratify=st.booleans(),
)
def test_disjoint_and_complete(n: int, fraction: float, seed: int, stratify: bool):
    X, y = numbered(n)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_fraction=fraction, seed=seed, stratify=stratify
    )
    assert len(X_train) >= 1 and len(X_test) >= 1
    assert len(X_train) + len(X_test) == n
    ids_train, ids_test = set(X_train[:, 0]), set(X_test[:, 0])
    assert not ids_train & ids_test
    assert ids_train | ids_test == set(range(n))
    # labels travel with their rows
    np.testing.assert_array_equal(y_train, (X_train[:, 0] % 3 == 0))
    np.testing.assert_array_equal(y_test, (X_test[:, 0] % 3 == 0))


def test_sizes_follow_the_fraction() -> None:
    X, y = numbered(569)
    X_train, X_test, _, _ = train_test_split(X, y, test_fraction=0.2)
    assert (len(X_train), len(X_test)) == (455, 114)


def test_stratified_keeps_class_balance() -> None:
    ds = load_breast_cancer()
    _, _, y_train, y_test = train_test_split(ds.X, ds.y, stratify=True)
    assert abs(y_train.mean() - ds.y.mean()) < 0.01
    assert abs(y_test.mean() - ds.y.mean()) < 0.01


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1, 1.5, float("nan")])
def test_bad_fraction(fraction: float) -> None:
    X, y = numbered(10)
    with pytest.raises(DataError, match="test_fraction"):
        train_test_split(X, y, test_fraction=fraction)


def test_length_mismatch() -> None:
    with pytest.raises(DataError, match="X has 10 rows but y has 9"):
        train_test_split(np.zeros((10, 2)), np.zeros(9))


def test_too_few_rows() -> None:
    with pytest.raises(DataError, match="at least 2 rows"):
        train_test_split(np.zeros((1, 2)), np.zeros(1))


def test_standardize_uses_training_statistics_only() -> None:
    rng = np.random.default_rng(0)
    X_train = rng.normal(3.0, 2.0, size=(200, 4)).astype(np.float32)
    X_test = rng.normal(-50.0, 9.0, size=(30, 4)).astype(np.float32)
    train, test, scaler = standardize(X_train, X_test)
    assert isinstance(scaler, Standardizer)
    np.testing.assert_allclose(scaler.mean, X_train.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(scaler.std, X_train.std(axis=0), rtol=1e-5)
    np.testing.assert_allclose(train.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(train.std(axis=0), 1.0, rtol=1e-5)
    np.testing.assert_allclose(test, (X_test - scaler.mean) / scaler.std, rtol=1e-5)
    # a different test split changes nothing about the statistics
    _, _, again = standardize(X_train, X_test * 100)
    np.testing.assert_array_equal(again.mean, scaler.mean)
    np.testing.assert_array_equal(again.std, scaler.std)
    assert train.dtype == test.dtype == np.float32


def test_constant_column_has_unit_std() -> None:
    X_train = np.array([[1.0, 7.0], [3.0, 7.0]], np.float32)
    train, test, scaler = standardize(X_train, np.array([[2.0, 9.0]], np.float32))
    assert scaler.std[1] == 1.0
    assert np.isfinite(train).all() and np.isfinite(test).all()
    np.testing.assert_array_equal(train[:, 1], [0.0, 0.0])
    np.testing.assert_array_equal(test[0], [0.0, 2.0])


def test_integer_input_becomes_float32() -> None:
    train, test, _ = standardize(np.array([[1], [3]]), np.array([[2]]))
    assert train.dtype == np.float32 and test.dtype == np.float32


def test_shape_mismatch() -> None:
    with pytest.raises(DataError, match=r"shape \(N, 2\)"):
        standardize(np.zeros((3, 2)), np.zeros((3, 5)))


# --- check_split: splits a classifier can be trained and tested on --------------


def test_too_few_rows_names_the_file() -> None:
    with pytest.raises(DataError) as info:
        train_test_split(np.zeros((1, 2)), np.zeros(1), source="one.csv")
    assert str(info.value).startswith("one.csv: need at least 2 rows")


def test_check_split_accepts_two_classes_each() -> None:
    check_split(np.array([0.0, 1.0, 1.0]), np.array([1.0, 0.0]), source="d.csv")


@pytest.mark.parametrize(
    ("y_train", "y_test", "words"),
    [
        ([0.0, 1.0], [1.0], "the test split has 1 row (of 3)"),
        ([1.0], [0.0, 1.0], "the training split has 1 row (of 3)"),
        ([1.0, 1.0, 0.75], [0.0, 1.0], "single class (all 3 labels are 1)"),
        ([0.0, 0.0], [0.0, 1.0], "single class (all 2 labels are 0)"),
    ],
)
def test_check_split_errors_name_the_file(y_train, y_test, words) -> None:
    with pytest.raises(DataError) as info:
        check_split(np.array(y_train), np.array(y_test), source="d.csv")
    assert str(info.value).startswith("d.csv: ") and words in str(info.value)


def test_single_class_test_split_warns() -> None:
    with pytest.warns(UserWarning, match=r"^d.csv: the test split holds a single"):
        check_split(np.array([0.0, 1.0, 0.0]), np.array([1.0, 1.0]), source="d.csv")


def test_stratified_split_of_a_small_file_is_checked() -> None:
    # 6 rows, one of them positive: the stratified split keeps it for training
    # and the test split has one class only.
    X, y = np.zeros((6, 1)), np.array([0, 0, 0, 0, 0, 1], np.float32)
    _, _, y_train, y_test = train_test_split(X, y, test_fraction=0.34, stratify=True)
    assert y_train.sum() == 1 and y_test.sum() == 0
    with pytest.warns(UserWarning, match="single class"):
        check_split(y_train, y_test)
