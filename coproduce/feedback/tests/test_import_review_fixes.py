"""Review fixes to importing responses: who entered them, row keys that survive a corrected file, one
themes hook per import, exports' apostrophes, and formula-safe export headers."""

import csv
import io

import pytest
from openpyxl import load_workbook

from coproduce.feedback.models import Response
from coproduce.feedback.response_import import responses_check, responses_import
from coproduce.feedback.services import survey_create_from_template
from coproduce.lib.exports import csv_response, xlsx_response
from coproduce.notifications.models import Notification
from coproduce.people.imports.files import Spreadsheet
from coproduce.themes import services as theme_services
from coproduce.themes.models import Comment

pytestmark = pytest.mark.django_db

FFT = "Overall, how was your experience of our service?"
WHY = "Please can you tell us why you gave your answer?"
HEADER = [FFT, WHY, "How it was given"]


@pytest.fixture
def fft(organisation, lead):
    return survey_create_from_template(organisation=organisation, actor=lead, template="fft", status="open")


def _import(survey, rows, actor):
    check = responses_check(survey=survey, spreadsheet=Spreadsheet(header=HEADER, rows=rows))
    assert check.problems == []
    return responses_import(survey=survey, check=check, actor=actor)


def test_imported_rows_record_who_imported_them_whatever_the_mode(fft, staff):
    _import(fft, [["Good", "Fine", "Online"], ["Poor", "Slow", "Signed in"], ["Good", "", "Paper"]], staff)

    assert sorted(Response.objects.values_list("mode", flat=True)) == ["online", "paper", "signed_in"]
    assert set(Response.objects.values_list("entered_by", flat=True)) == {staff.pk}


def test_a_corrected_file_saves_only_the_corrected_row(fft, staff):
    first = [["Good", "Kind", ""], ["Grate", "Typo", ""], ["Poor", "Slow", ""]]
    check = responses_check(survey=fft, spreadsheet=Spreadsheet(header=HEADER, rows=first))
    assert responses_import(survey=fft, check=check, actor=staff) == (2, 0)

    corrected = [["Good", "Kind", ""], ["Very good", "Typo", ""], ["Poor", "Slow", ""]]
    assert _import(fft, corrected, staff) == (1, 2)
    assert Response.objects.count() == 3
    # A changed row is a new response, not the old one found again.
    assert _import(fft, [["Good", "Kind now", ""], *corrected[1:]], staff) == (1, 2)


def test_an_import_runs_one_themes_hook_one_risk_notice_and_one_suggestion_task(
    fft, staff, lead, django_capture_on_commit_callbacks, monkeypatch
):
    theme_services.themes_setup_organisation(fft.organisation)
    queued = []

    class Task:
        def enqueue(self, **kwargs):
            queued.append(kwargs)

    monkeypatch.setattr("coproduce.themes.tasks.suggest_comments", Task())
    rows = [["Poor", f"I want to kill myself {n}", ""] for n in range(3)] + [
        ["Good", f"The food was nice {n}", ""] for n in range(3)
    ]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert _import(fft, rows, staff) == (6, 0)

    hooks = [c for c in callbacks if getattr(c, "func", None) is theme_services._after_responses]
    assert len(hooks) == 1
    assert Comment.objects.filter(survey=fft).count() == 6
    assert Comment.objects.filter(survey=fft, risk=Comment.Risk.FLAGGED).count() == 3
    assert Notification.objects.filter(recipient=lead).count() == 1
    assert len(queued) == 1 and len(queued[0]["comment_ids"]) == 6


def test_exported_answers_imported_back_lose_the_exports_apostrophe(fft, staff):
    _import(
        fft, [["Poor", "'- not enough staff", ""], ["Good", "'=fine", ""], ["Good", "'tis fine", ""]], staff
    )

    texts = sorted(Response.objects.values_list("answers__text", flat=True))
    assert "- not enough staff" in texts and "=fine" in texts and "'tis fine" in texts


def test_export_headers_are_made_safe_like_the_cells():
    header = ['=HYPERLINK("http://x")', "Name"]

    text = csv_response("a.csv", header, [["=1+1", "Al"]]).content.decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text))) == ['\'=HYPERLINK("http://x")', "Name"]

    sheet = load_workbook(io.BytesIO(xlsx_response("a.xlsx", "Sheet", header, []).content)).active
    assert sheet["A1"].value == '\'=HYPERLINK("http://x")' and sheet["A1"].data_type == "s"
