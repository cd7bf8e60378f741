import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from coproduce.involvement.models import Attendance
from coproduce.involvement.tests.factories import ActivityFactory
from coproduce.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def sheet_csv(rows) -> SimpleUploadedFile:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return SimpleUploadedFile("sign-in.csv", buffer.getvalue().encode(), content_type="text/csv")


def sheet_xlsx(rows) -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("sign-in.xlsx", buffer.getvalue())


@pytest.fixture
def register(organisation):
    activity = ActivityFactory(organisation=organisation)
    people = {
        "pat": PersonFactory(organisation=organisation, full_name="Pat Jones", email="pat@example.org"),
        "chris": PersonFactory(organisation=organisation, full_name="Chris Carer", identity="carer"),
        "sam": PersonFactory(organisation=organisation, full_name="Sam Same"),
        "sam2": PersonFactory(organisation=organisation, full_name="Sam Same"),
    }
    return activity, people


def test_a_sheet_is_checked_row_by_row_before_anything_is_saved(client, lead, register):
    activity, people = register
    client.force_login(lead)
    url = f"/o/demo/activities/{activity.public_id}/register/import/"
    response = client.post(
        url,
        {
            "sheet": sheet_csv(
                [
                    ["Name", "Email", "Attendance", "Hours"],
                    ["", "PAT@example.org", "attended", "1.5"],
                    ["Chris Carer", "", "", ""],
                    ["Pat Smyth", "", "attended", ""],
                    ["Sam Same", "", "yes", ""],
                    ["Chris Carer", "", "apologies", "30"],
                ]
            )
        },
    )
    text = response.text
    assert (
        "Row 4: &#x27;Pat Smyth&#x27; is not on the register. Add them first, or check the spelling." in text
    )
    assert (
        "Row 5: more than one person on the register is called &#x27;Sam Same&#x27;. Add their email." in text
    )
    assert "Row 6: Chris Carer is already on row 3. Record each person once." in text
    assert "Row 6: &#x27;30&#x27; is not a number of hours from 0 to 24, for example 2.5" in text
    assert not Attendance.objects.exists()
    data = response.context["form"]["data"].value()
    response = client.post(url, {"data": data, "mode": "all_or_none"})
    assert not Attendance.objects.exists()
    response = client.post(url, {"data": data, "mode": "valid_only"})
    assert response.status_code == 302
    saved = {a.person.full_name: a for a in Attendance.objects.select_related("person")}
    assert set(saved) == {"Pat Jones", "Chris Carer"}
    assert saved["Pat Jones"].hours == Decimal("1.5")
    assert saved["Chris Carer"].taking_part_as == "carer"  # from how they are involved
    assert saved["Chris Carer"].hours == activity.duration_hours


def test_an_excel_sheet_works_too_and_bad_files_are_explained(client, lead, register):
    activity, people = register
    client.force_login(lead)
    url = f"/o/demo/activities/{activity.public_id}/register/import/"
    response = client.post(
        url, {"sheet": sheet_xlsx([["Email", "Taking part as"], ["pat@example.org", "Carer"]])}
    )
    assert "Every row matches someone on the register." in response.text
    response = client.post(url, {"sheet": SimpleUploadedFile("notes.pdf", b"%PDF-1.4")})
    assert "The file must be a CSV file or an Excel workbook (.xlsx)." in response.text
    response = client.post(url, {"sheet": sheet_csv([["Colour"], ["blue"]])})
    assert "The sheet needs a column headed &#x27;Name&#x27; or &#x27;Email&#x27;" in response.text


def test_only_leads_can_import_a_sheet(client, member, register):
    activity, _people = register
    client.force_login(member)
    assert client.get(f"/o/demo/activities/{activity.public_id}/register/import/").status_code == 403
