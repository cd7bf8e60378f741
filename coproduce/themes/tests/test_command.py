"""themes_evaluate: per-theme scores, and JSON as its last line."""

import csv
import json

import pytest
from django.core.management import CommandError, call_command

ROWS = [
    ("The food was cold", 1, 0, 0),
    ("Dinner was tasty and hot", 1, 0, 0),
    ("Lunch had no choice at all", 1, 0, 0),
    ("The meals were lovely", 1, 0, 0),
    ("Breakfast was late and cold", 1, 0, 0),
    ("The nurse was kind to me", 0, 1, 0),
    ("Staff were rude and dismissive", 0, 1, 0),
    ("A lovely caring nurse", 0, 1, 0),
    ("The doctor was kind and listened", 0, 1, 0),
    ("Rude staff on the night shift", 0, 1, 0),
    ("I waited months for an appointment", 0, 0, 1),
    ("The waiting list is far too long", 0, 0, 1),
    ("Long wait to be seen", 0, 0, 1),
    ("My appointment was quick to arrange", 0, 0, 1),
    ("Waited weeks for a referral", 0, 0, 1),
    ("The nurse brought my food while I waited", 1, 1, 1),
]


@pytest.fixture
def labelled(tmp_path):
    path = tmp_path / "labelled.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["comment", "food", "staff", "waiting", "theme"])
        for text, food, staff, waiting in ROWS * 3:
            theme = "food" if food else "staff" if staff else "waiting"
            writer.writerow([text, food, staff, waiting, theme])
    return path


def run(*args) -> list[str]:
    from io import StringIO

    out = StringIO()
    call_command("themes_evaluate", *args, stdout=out)
    return out.getvalue().strip().splitlines()


def test_multilabel_prints_per_theme_scores_and_json_last(labelled):
    lines = run(
        str(labelled), "--text-column", "comment", "--label-columns", "food,staff,waiting", "--seed", "1"
    )

    result = json.loads(lines[-1])
    assert set(result) == {"micro_f1", "macro_f1", "train_seconds", "comments_per_second"}
    assert 0 <= result["macro_f1"] <= 1 and 0 < result["micro_f1"] <= 1
    assert result["comments_per_second"] > 0
    rows = [line.split() for line in lines if line.split()[0] in {"food", "staff", "waiting"}]
    assert [row[0] for row in rows] == ["food", "staff", "waiting"]
    assert all(len(row) == 5 for row in rows)  # theme, precision, recall, f1, support


def test_single_label_works_too(labelled):
    lines = run(str(labelled), "--text-column", "comment", "--label-column", "theme", "--test-size", "0.3")
    assert json.loads(lines[-1])["micro_f1"] > 0.5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--text-column", "nope", "--label-column", "theme"], "has no column nope"),
        (["--text-column", "comment", "--label-column", "theme", "--test-size", "2"], "between 0 and 1"),
    ],
)
def test_bad_input_gets_a_clear_message(labelled, args, message):
    with pytest.raises(CommandError, match=message):
        run(str(labelled), *args)


def test_a_label_column_must_hold_0_or_1(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("comment,food\nCold food,maybe\n", encoding="utf-8")
    with pytest.raises(CommandError, match="write 0 or 1"):
        run(str(path), "--text-column", "comment", "--label-columns", "food")
