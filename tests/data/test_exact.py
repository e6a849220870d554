"""The delimiter: sniffed among comma, semicolon and tab, or given."""

from __future__ import annotations

import numpy as np
import pytest

from funcgrad.data import DataError, parse_csv_bytes
from funcgrad.data._exact import sniff_delimiter


@pytest.mark.parametrize("d", [",", ";", "\t"])
def test_sniffed(d: str) -> None:
    text = d.join(["a", "b", "y"]) + "\n" + d.join(["1.5", "2", "1"]) + "\n"
    ds = parse_csv_bytes(text.encode())
    np.testing.assert_array_equal(ds.X, [[1.5, 2]])
    assert ds.feature_names == ("a", "b")


def test_semicolon_with_decimal_commas_is_still_semicolon() -> None:
    assert sniff_delimiter("a;b;y\n1,5;2,25;0\n") == ";"
    with pytest.raises(DataError, match=r"line 2, column 1 \('a'\): non-numeric"):
        parse_csv_bytes(b"a;b;y\n1,5;2,25;0\n")


def test_given_delimiter() -> None:
    ds = parse_csv_bytes(b"a|b|y\n1|2|0\n", delimiter="|")
    assert ds.X.tolist() == [[1.0, 2.0]]
    # A comma file read with ';' has one column.
    with pytest.raises(DataError, match="single column"):
        parse_csv_bytes(b"a,b,y\n1,2,0\n", delimiter=";")


@pytest.mark.parametrize("bad", ["", ",,", '"', "\n", 1])
def test_bad_delimiter(bad) -> None:
    with pytest.raises((ValueError, TypeError), match="delimiter"):
        parse_csv_bytes(b"a,y\n1,0\n", delimiter=bad)


def test_sniffing_prefers_consistent_rows() -> None:
    # The header splits on ',' and ';' alike; only ';' splits every row alike.
    assert sniff_delimiter("a,b;c;y\n1;2;0\n3;4;1\n") == ";"
