"""Deterministic train/test splits and standardisation from training statistics."""

from __future__ import annotations

import warnings
from typing import NamedTuple

import numpy as np

from ._errors import DataError


def train_test_split(
    X: np.ndarray,
    y: np.ndarray,
    *,
    test_fraction: float = 0.2,
    seed: int = 0,
    stratify: bool = False,
    source: str | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split ``X`` and ``y`` into ``(X_train, X_test, y_train, y_test)``.

    The rows are shuffled by a NumPy ``Generator`` seeded with ``seed``, so the same
    inputs and seed always give the same split; the two parts are disjoint and
    together hold every row. ``round(N * test_fraction)`` rows (at least one, and
    leaving at least one for training) go to the test part. With
    ``stratify=True`` each class (``y >= 0.5`` versus ``y < 0.5``) is split
    separately, so both parts keep the class balance. Errors name ``source`` (the
    data's file) where given.

    >>> import numpy as np
    >>> X = np.arange(20, dtype=np.float32).reshape(10, 2)
    >>> y = np.array([0, 1] * 5, dtype=np.float32)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=0.2)
    >>> X_train.shape, X_test.shape, y_train.shape, y_test.shape
    ((8, 2), (2, 2), (8,), (2,))
    >>> again = train_test_split(X, y, test_fraction=0.2)
    >>> bool((again[1] == X_test).all())
    True
    >>> _, _, _, y_test = train_test_split(X, y, test_fraction=0.4, stratify=True)
    >>> sorted(y_test.tolist())
    [0.0, 0.0, 1.0, 1.0]
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim < 1 or y.ndim < 1:
        raise DataError("X and y must have a leading row dimension", path=source)
    n = X.shape[0]
    if y.shape[0] != n:
        raise DataError(
            f"X has {n} rows but y has {y.shape[0]}; they must have the same length",
            path=source,
        )
    if n < 2:
        raise DataError(
            f"need at least 2 rows to split into train and test, got {n}", path=source
        )
    fraction = float(test_fraction)
    if not 0.0 < fraction < 1.0:
        raise DataError(
            f"test_fraction must be strictly between 0 and 1, got {fraction}"
        )
    rng = np.random.default_rng(seed)
    if stratify:
        test_parts, train_parts = [], []
        positive = y >= 0.5
        for mask in (~positive, positive):
            idx = rng.permutation(np.flatnonzero(mask))
            k = int(round(idx.size * fraction))
            test_parts.append(idx[:k])
            train_parts.append(idx[k:])
        test_idx = np.concatenate(test_parts)
        train_idx = np.concatenate(train_parts)
        if test_idx.size == 0 or train_idx.size == 0:
            stratify = False  # too few rows per class: fall back to a plain split
        else:
            test_idx = rng.permutation(test_idx)
            train_idx = rng.permutation(train_idx)
    if not stratify:
        perm = rng.permutation(n)
        k = min(max(int(round(n * fraction)), 1), n - 1)
        test_idx, train_idx = perm[:k], perm[k:]
    return X[train_idx], X[test_idx], y[train_idx], y[test_idx]


def check_split(
    y_train: np.ndarray,
    y_test: np.ndarray,
    *,
    source: str | None = None,
    min_rows: int = 2,
) -> None:
    """Check that a train/test split can train and test a binary classifier.

    Raises :class:`DataError` (naming ``source``, the data's file) when either part
    has fewer than ``min_rows`` rows, or the training part holds a single class
    (labels ``>= 0.5`` are one class, the rest the other): nothing could be
    learnt, as scikit-learn's classifiers refuse such data. A test part with a
    single class only warns (``UserWarning``): its accuracy says little.

    >>> import numpy as np
    >>> check_split(np.array([0.0, 1.0, 1.0]), np.array([1.0, 0.0]))
    >>> check_split(np.ones(4), np.array([0.0, 1.0]), source="d.csv")
    Traceback (most recent call last):
    ...
    funcgrad.data.DataError: d.csv: the training split holds a single class (all \
4 labels are 1); a classifier needs both classes: check the target column
    """
    y_train, y_test = np.asarray(y_train), np.asarray(y_test)
    for part, rows in (("training", len(y_train)), ("test", len(y_test))):
        if rows < min_rows:
            raise DataError(
                f"the {part} split has {rows} row{'s' if rows != 1 else ''} (of "
                f"{len(y_train) + len(y_test)}); each split needs at least "
                f"{min_rows}: use more data",
                path=source,
            )
    only = _single_class(y_train)
    if only is not None:
        raise DataError(
            f"the training split holds a single class (all {len(y_train)} labels "
            f"are {only}); a classifier needs both classes: check the target column",
            path=source,
        )
    only = _single_class(y_test)
    if only is not None:
        where = f"{source}: " if source is not None else ""
        warnings.warn(
            f"{where}the test split holds a single class (all {len(y_test)} labels "
            f"are {only}); its accuracy says little: use more data",
            UserWarning,
            stacklevel=2,
        )


def _single_class(y: np.ndarray) -> int | None:
    positive = y >= 0.5
    if positive.all():
        return 1
    if not positive.any():
        return 0
    return None


class Standardizer(NamedTuple):
    """Per-column ``mean`` and ``std`` learnt from training data.

    ``transform(X)`` returns ``(X - mean) / std``. Constant columns have ``std`` 1,
    so they map to 0 instead of dividing by zero.

    >>> import numpy as np
    >>> s = Standardizer(mean=np.array([1.0, 2.0]), std=np.array([2.0, 1.0]))
    >>> s.transform(np.array([[3.0, 2.0]]))
    array([[1., 0.]])
    """

    mean: np.ndarray
    std: np.ndarray

    def transform(self, X: np.ndarray) -> np.ndarray:
        """Standardise ``X`` with these statistics (same dtype as ``mean``).

        >>> import numpy as np
        >>> Standardizer(np.zeros(1), np.full(1, 4.0)).transform(np.array([[2.0]]))
        array([[0.5]])
        """
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.mean.shape[0]:
            raise DataError(
                f"expected an array of shape (N, {self.mean.shape[0]}), got {X.shape}"
            )
        return ((X - self.mean) / self.std).astype(self.mean.dtype, copy=False)


def standardize(
    X_train: np.ndarray, X_test: np.ndarray
) -> tuple[np.ndarray, np.ndarray, Standardizer]:
    """Standardise both splits with the mean and std of ``X_train`` only.

    Returns ``(X_train_std, X_test_std, standardizer)``. The test split never
    influences the statistics, so no information leaks from it. Float inputs keep
    their dtype; anything else becomes float32. Columns that are constant in the
    training split get ``std`` 1.

    >>> import numpy as np
    >>> X_train = np.array([[0.0, 5.0], [2.0, 5.0]], dtype=np.float32)
    >>> X_test = np.array([[4.0, 7.0]], dtype=np.float32)
    >>> train, test, s = standardize(X_train, X_test)
    >>> train
    array([[-1.,  0.],
           [ 1.,  0.]], dtype=float32)
    >>> test
    array([[3., 2.]], dtype=float32)
    >>> s.mean, s.std
    (array([1., 5.], dtype=float32), array([1., 1.], dtype=float32))
    """
    X_train = np.asarray(X_train)
    X_test = np.asarray(X_test)
    if X_train.ndim != 2 or X_train.shape[0] == 0:
        raise DataError(
            f"X_train must have shape (N, D) with N >= 1, got {X_train.shape}"
        )
    dtype = X_train.dtype if np.issubdtype(X_train.dtype, np.floating) else np.float32
    wide = X_train.astype(np.float64)
    mean = wide.mean(axis=0)
    std = wide.std(axis=0)
    std = np.where(std > 1e-12 * np.maximum(np.abs(mean), 1.0), std, 1.0)
    scaler = Standardizer(mean=mean.astype(dtype), std=std.astype(dtype))
    return scaler.transform(X_train), scaler.transform(X_test), scaler
