"""`funcgrad train --data`: class names with --positive, --delimiter, and splits
too small to train or test on."""

from __future__ import annotations

import csv
import io
from importlib import resources
from pathlib import Path

import pytest

from .test_train import assert_one_line_error, invoke, last_json


def mb_csv(path: Path, delimiter: str = ",") -> Path:
    """The embedded data with the label written as the original WDBC's M/B."""
    text = resources.files("funcgrad.data").joinpath("breast_cancer.csv").read_text()
    rows = list(csv.reader(io.StringIO(text)))
    t = rows[0].index("benign")
    rows[0][t] = "diagnosis"
    for row in rows[1:]:
        row[t] = "B" if row[t] == "1" else "M"
    with open(path, "w", newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


def test_m_b_labels_with_positive(tmp_path: Path) -> None:
    path = mb_csv(tmp_path / "mb.csv")
    argv = ("--data", str(path), "--target", "diagnosis", "--epochs", "20")
    code, out, err = invoke(*argv, "--positive", "M", "--json")
    assert code == 0, err
    result = last_json(out)
    assert result["n_features"] == 30 and result["n_train"] + result["n_test"] == 569
    assert result["test_accuracy"] > 0.9
    assert "labels: B -> 0, M -> 1\n" in err and "--positive" not in err
    # Without --positive the mapping is the same (sorted), and the line says how to
    # choose; --positive B flips every label and the learnt model with it.
    code, out, err = invoke(*argv, "--json")
    assert "labels: B -> 0, M -> 1 (choose with --positive)" in err
    assert last_json(out)["params_sha256"] == result["params_sha256"]
    code, out, err = invoke(*argv, "--positive", "B", "--json")
    assert "labels: M -> 0, B -> 1\n" in err
    assert last_json(out)["params_sha256"] != result["params_sha256"]


def test_semicolons_sniffed_or_given(tmp_path: Path) -> None:
    path = mb_csv(tmp_path / "mb.csv", delimiter=";")
    argv = ("--data", str(path), "--epochs", "1", "--json")
    code, out, err = invoke(*argv)
    assert code == 0, err and last_json(out)["target"] == "diagnosis"
    code, out, err = invoke(*argv, "--delimiter", "tab")
    assert "single column" in assert_one_line_error(code, err)


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--positive", "M"], "--positive needs --data"),
        (["--delimiter", ";"], "--delimiter needs --data"),
        (["--data", "x.csv", "--delimiter", "ab"], "expected one character"),
    ],
)
def test_bad_arguments(argv: list[str], words: str) -> None:
    code, _, err = invoke(*argv)
    assert words in assert_one_line_error(code, err)


SMALL = {
    "one row": ("a,y\n1,0\n", "need at least 2 rows"),
    "one row per split": ("a,y\n1,0\n2,1\n3,0\n", "the test split has 1 row"),
    "one class": ("a,y\n" + "1,1\n" * 12, "training split holds a single class"),
    "missing positive": ("a,d\n1,M\n2,B\n", "positive class 'Q' is not in"),
}


@pytest.mark.parametrize("case", sorted(SMALL))
def test_small_data_errors_name_the_file(tmp_path: Path, case: str) -> None:
    text, words = SMALL[case]
    path = tmp_path / "small.csv"
    path.write_text(text)
    extra = ["--positive", "Q"] if case == "missing positive" else []
    code, out, err = invoke("--data", str(path), "--epochs", "1", *extra)
    line = assert_one_line_error(code, err)
    assert str(path) in line and words in line and out == ""


def test_single_class_test_split_warns(tmp_path: Path) -> None:
    path = tmp_path / "few.csv"
    path.write_text("a,y\n" + "".join(f"{i},{int(i == 0)}\n" for i in range(12)))
    code, out, err = invoke("--data", str(path), "--epochs", "1", "--json")
    assert code == 0, err
    assert f"funcgrad: warning: {path}: the test split holds a single class" in err
