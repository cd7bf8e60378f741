"""Importing responses from a spreadsheet: the same reader and preview as the other imports, every row
checked first, each response tagged with its mode, the same file twice adding nothing, nothing lost."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from openpyxl import Workbook

from coproduce.core.models import AuditEvent
from coproduce.feedback.models import Response
from coproduce.feedback.response_import import responses_check, responses_import
from coproduce.feedback.services import survey_create_from_template
from coproduce.people.imports.files import Spreadsheet

pytestmark = pytest.mark.django_db

FFT = "Overall, how was your experience of our service?"
WHY = "Please can you tell us why you gave your answer?"


@pytest.fixture
def fft(organisation, lead):
    return survey_create_from_template(
        organisation=organisation,
        actor=lead,
        template="fft",
        status="open",
        service_choices=["Ward 3", "Crisis team"],
    )


def url(survey) -> str:
    return f"/o/demo/feedback/{survey.public_id}/import/"


def csv_file(text: str, name: str = "forms.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


GOOD_AND_BAD = (
    f'"{FFT}",{WHY},How it was given,Sent,Service,Happy to be contacted,Email\n'
    "Very good,Kind nurses,,2026-03-02,Ward 3,,\n"
    "good,,Assisted,31/03/2026,,yes,jo@example.com\n"
    "Grate,Typo,,,,,\n"
    ",No rating,paper,,,,\n"
    "Poor,Long wait,Online,,Nowhere,,\n"
)


def test_the_preview_lists_every_problem_by_row_and_saves_nothing(client, fft, staff):
    client.force_login(staff)

    response = client.post(url(fft), {"sheet": csv_file(GOOD_AND_BAD)})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Row 4: &#x27;Grate&#x27; is not an answer to" in page
    assert "Row 5: Choose an answer to: " + FFT.replace("'", "&#x27;") in page
    assert "Row 6: &#x27;Nowhere&#x27; is not one of this survey&#x27;s services" in page
    assert "2 of 5 rows can be saved." in page
    assert Response.objects.count() == 0


def test_valid_rows_are_saved_with_their_mode_date_service_and_consent(client, fft, staff):
    client.force_login(staff)
    preview = client.post(url(fft), {"sheet": csv_file(GOOD_AND_BAD)})
    data = preview.context["form"].initial["data"]

    response = client.post(url(fft), {"data": data, "mode": "valid_only"})

    assert response.status_code == 302
    saved = {r.mode: r for r in Response.objects.all()}
    assert set(saved) == {"paper", "assisted"}
    paper, assisted = saved["paper"], saved["assisted"]
    assert (paper.service, timezone.localdate(paper.submitted_at).isoformat(), paper.entered_by) == (
        "Ward 3",
        "2026-03-02",
        staff,
    )
    assert sorted((a.question.code, a.choices, a.text) for a in paper.answers.all()) == [
        ("fft", ["Very good"], ""),
        ("fft_why", [], "Kind nurses"),
    ]
    assert [a.choices for a in assisted.answers.all()] == [["Good"]]  # matched whatever the case
    assert (assisted.contact_ok, assisted.contact_email) == (True, "jo@example.com")
    assert timezone.localdate(assisted.submitted_at).isoformat() == "2026-03-31"  # British Summer Time
    audit = AuditEvent.objects.get(action="survey.responses_imported")
    assert audit.details == {"rows": 2, "created": 2}

    # The same confirmation again (a double click), or the same file next week: nothing is added.
    client.post(url(fft), {"data": data, "mode": "valid_only"})
    client.post(
        url(fft),
        {
            "data": client.post(url(fft), {"sheet": csv_file(GOOD_AND_BAD)}).context["form"].initial["data"],
            "mode": "valid_only",
        },
    )
    assert Response.objects.count() == 2


def test_all_or_nothing_saves_nothing_while_a_row_is_wrong(client, fft, staff):
    client.force_login(staff)
    data = client.post(url(fft), {"sheet": csv_file(GOOD_AND_BAD)}).context["form"].initial["data"]

    response = client.post(url(fft), {"data": data, "mode": "all_or_none"})

    assert "Nothing was saved: every row must be right first" in response.content.decode()
    assert Response.objects.count() == 0


def test_a_column_that_matches_no_question_stops_the_import_so_nothing_typed_is_lost(fft):
    check = responses_check(
        survey=fft,
        spreadsheet=Spreadsheet(header=[FFT, "Ward comments"], rows=[["Good", "Too noisy at night"]]),
    )

    assert check.rows == []
    assert check.problems == [
        "The column 'Ward comments' does not match a question of this survey. Head it with the "
        "question's words (or Q1, Q2 ...), or remove the column."
    ]


def test_question_numbers_our_own_export_and_an_excel_workbook_are_read(client, fft, lead):
    # Q1 and Q2 for the questions; the export's Response and Entered by columns are read past.
    check = responses_check(
        survey=fft,
        spreadsheet=Spreadsheet(
            header=["Response", "Entered by", "Q1", "Q2", "Happy to be contacted", "Name", "Email"],
            rows=[
                ["abc", "x@y.z", "Don't know", "", "No", "", ""],
                ["def", "", "Very poor", "Rude", "no", "Al", ""],
            ],
        ),
    )
    assert [row.problems for row in check.rows] == [
        [],
        [
            "Row 3: contact details are given without 'yes' in Happy to be contacted. Without consent they "
            "cannot be kept: check the paper form, then put yes or remove them"
        ],
    ]

    workbook = Workbook()
    workbook.active.append([FFT, WHY])
    workbook.active.append(["Neither good nor poor", "OK"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(lead)
    preview = client.post(url(fft), {"sheet": SimpleUploadedFile("forms.xlsx", buffer.getvalue())})
    assert "Every row can be saved." in preview.content.decode()
    client.post(url(fft), {"data": preview.context["form"].initial["data"], "mode": "all_or_none"})
    assert Response.objects.get().mode == "paper"


def test_a_language_column_says_which_language_to_write_back_in(fft, lead):
    check = responses_check(
        survey=fft,
        spreadsheet=Spreadsheet(
            header=["Q1", "Happy to be contacted", "Email", "Iaith"],
            rows=[
                ["Good", "yes", "a@example.org", "Cymraeg"],
                ["Good", "yes", "b@example.org", "English"],
                ["Good", "yes", "c@example.org", ""],
                ["Good", "yes", "d@example.org", "French"],
            ],
        ),
    )

    assert [row.contact["contact_language"] for row in check.rows] == ["cy", "en-gb", "", ""]
    assert [problem for row in check.rows for problem in row.problems] == [
        "Row 5: 'French' in Language is not English or Welsh"
    ]
    with translation.override("cy"):  # a Welsh-speaking lead imports: an empty cell is not Welsh
        responses_import(survey=fft, check=check, actor=lead)
    assert dict(Response.objects.values_list("contact_email", "contact_language")) == {
        "a@example.org": "cy",
        "b@example.org": "en-gb",
        "c@example.org": "",
    }


def test_bad_files_get_the_readers_messages_and_participants_cannot_import(client, fft, staff, member):
    client.force_login(staff)
    assert (
        "The file must be a CSV file or an Excel workbook"
        in client.post(url(fft), {"sheet": SimpleUploadedFile("forms.pdf", b"%PDF-1.7")}).content.decode()
    )
    dates = client.post(url(fft), {"sheet": csv_file(f'"{FFT}",Sent\nGood,2099-01-01\nGood,yesterday\n')})
    page = dates.content.decode()
    assert "the date &#x27;2099-01-01&#x27; is in the future" in page
    assert "&#x27;yesterday&#x27; is not a date" in page
    tampered = client.post(url(fft), {"data": json.dumps({"rows": 1}), "mode": "valid_only"})
    assert tampered.status_code == 200 and Response.objects.count() == 0

    client.force_login(member)
    assert client.get(url(fft)).status_code == 403


def test_a_file_too_big_to_preview_is_refused_with_what_to_do(client, fft, staff, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    client.force_login(staff)
    rows = "".join(f"Good,{'Kind staff. ' * 10}\n" for _ in range(20))

    response = client.post(url(fft), {"sheet": csv_file(f'"{FFT}",{WHY}\n' + rows)})

    assert "The file is too big to check in one go" in response.content.decode()
    assert Response.objects.count() == 0
