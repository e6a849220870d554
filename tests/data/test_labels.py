"""Two-class labels named in the file: M/B, yes/no, or numbers with ``positive``."""

from __future__ import annotations

import numpy as np
import pytest

from funcgrad.data import DataError, load_breast_cancer, parse_csv_bytes


def parse(text: str, **options):
    return parse_csv_bytes(text.encode(), source="l.csv", **options)


def error(text: str, **options) -> DataError:
    with pytest.raises(DataError) as info:
        parse(text, **options)
    assert str(info.value).startswith("l.csv")
    return info.value


@pytest.mark.parametrize(
    ("names", "expected"),
    [(("M", "B"), {"B": 0, "M": 1}), (("yes", "no"), {"no": 0, "yes": 1})],
)
def test_sorted_order_without_positive(names, expected) -> None:
    a, b = names
    ds = parse(f"x,d\n1,{a}\n2,{b}\n3, {a} \n")
    assert ds.classes == expected
    np.testing.assert_array_equal(ds.y, [expected[a], expected[b], expected[a]])


def test_positive_names_class_one() -> None:
    ds = parse("x,d\n1,M\n2,B\n", positive="B")
    assert ds.classes == {"M": 0, "B": 1}
    np.testing.assert_array_equal(ds.y, [0, 1])


def test_numbers_as_classes() -> None:
    # The original Wisconsin data codes benign 2, malignant 4.
    ds = parse("x,class\n1,2\n2,4\n3,4.0\n", positive="4")
    np.testing.assert_array_equal(ds.y, [0, 1, 1])
    assert ds.classes == {"2": 0, "4": 1}
    e = error("x,class\n1,2\n2,4\n")  # without positive they are numbers
    assert "outside [0, 1]" in str(e) and "positive" in str(e)


def test_quoted_class_names() -> None:
    ds = parse('x,d\n1,"M"\n2,"B"\n')
    np.testing.assert_array_equal(ds.y, [1, 0])


def test_third_class_is_located() -> None:
    e = error("x,d\n1,M\n2,B\n3,M\n4,Q\n")
    assert (e.line, e.column, e.column_name) == (5, 2, "d")
    assert "third class 'Q'" in str(e) and "'M' and 'B'" in str(e)


def test_typo_in_numeric_labels_is_a_third_class() -> None:
    e = error("x,y\n1,0\n2,1\n3,l\n")
    assert (e.line, e.column) == (4, 2) and "third class 'l'" in str(e)


def test_positive_not_present() -> None:
    e = error("x,d\n1,M\n2,B\n", positive="malignant")
    assert e.column == 2 and e.line is None
    assert "positive class 'malignant' is not in the target column" in str(e)
    assert "'B' and 'M'" in str(e)


def test_empty_label_is_missing() -> None:
    e = error("x,d\n1,M\n2,\n")
    assert (e.line, e.column) == (3, 2) and "missing value" in str(e)


def test_single_class() -> None:
    assert parse("x,d\n1,M\n2,M\n").classes == {"M": 0}
    ds = parse("x,d\n1,M\n2,M\n", positive="M")
    assert ds.classes == {"M": 1} and ds.y.tolist() == [1, 1]


def test_breast_cancer_with_names() -> None:
    # The embedded data with its label written as M/B reads back the same.
    ds = load_breast_cancer()
    rows = [
        ",".join([*map(repr, x.tolist()), "B" if y else "M"])
        for x, y in zip(ds.X, ds.y, strict=True)
    ]
    text = ",".join([*ds.feature_names, "diagnosis"]) + "\n" + "\n".join(rows)
    named = parse(text, positive="B")
    np.testing.assert_array_equal(named.X, ds.X)
    np.testing.assert_array_equal(named.y, ds.y)
