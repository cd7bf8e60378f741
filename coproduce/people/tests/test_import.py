import csv
import io
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from coproduce.core.models import AuditEvent
from coproduce.people import imports
from coproduce.people.models import AccessNeeds, Person, PersonImport, Tag
from coproduce.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

HEADER = ["Name", "Email address", "Mobile", "How involved", "Skills", "OK to email"]


def csv_file(rows, name="people.csv", encoding="utf-8-sig", delimiter=","):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")


def xlsx_file(rows, name="people.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def upload(client, user, file) -> PersonImport:
    client.force_login(user)
    response = client.post("/o/demo/people/import/", {"file": file})
    assert response.status_code == 302, response.content.decode()
    person_import = PersonImport.objects.latest("created_at")
    assert response["Location"] == f"/o/demo/people/import/{person_import.public_id}/"
    return person_import


def url(person_import, page=""):
    return f"/o/demo/people/import/{person_import.public_id}/{page}"


def check(client, person_import, mapping=None):
    """Post the mapping (the guessed one unless given) and return the import, checked."""
    mapping = person_import.mapping if mapping is None else mapping
    client.post(url(person_import), {f"column_{i}": name for i, name in enumerate(mapping)})
    person_import.refresh_from_db()
    return person_import


def run(client, person_import, mode="valid_only", **choices):
    return client.post(url(person_import, "run/"), {"mode": mode, **choices})


def messages(person_import):
    return [error["message"] for error in person_import.errors]


# --- Reading files ---------------------------------------------------------------------------------


def test_a_csv_upload_is_read_and_its_columns_guessed(client, lead):
    rows = [HEADER, ["Pat Jones", "Pat@Example.org", "07700 900123", "Carer", "art, baking", "yes"]]

    person_import = upload(client, lead, csv_file(rows))

    assert person_import.header == HEADER
    assert person_import.rows == [rows[1]]
    assert person_import.mapping == ["full_name", "email", "phone", "identity", "tags", "contact_by_email"]
    assert person_import.total_rows == 1
    page = client.get(url(person_import)).content.decode()
    assert "Column B: Email address" in page
    assert '<option value="email" selected>' in page
    assert "For example: Pat@Example.org" in page


def test_an_xlsx_upload_reads_the_first_sheet_as_text(client, lead):
    rows = [
        ["Full name", "Phone", "Date joined", "Managed"],
        ["Siân Evans", 7700900123, datetime(2024, 3, 1), True],
        [None, None, None, None],
        ["Dev Patel", "+44 7700 900124", date(2025, 1, 2), False],
    ]

    person_import = upload(client, lead, xlsx_file(rows))

    assert person_import.rows == [
        ["Siân Evans", "7700900123", "2024-03-01", "yes"],
        [],
        ["Dev Patel", "+44 7700 900124", "2025-01-02", "no"],
    ]
    assert person_import.mapping == ["full_name", "phone", "", "is_managed"]
    assert person_import.total_rows == 2


def test_a_windows_csv_with_semicolons_is_read():
    data = "Name;Email\r\nSiân Evans;sian@example.org\r\n".encode("cp1252")

    spreadsheet = imports.spreadsheet_read(SimpleUploadedFile("export.csv", data))

    assert spreadsheet.header == ["Name", "Email"]
    assert spreadsheet.rows == [["Siân Evans", "sian@example.org"]]


def test_a_tab_separated_file_and_our_own_formula_guard_are_read():
    data = b"Name\tPhone\nPat\t'+44 7700 900123\n"

    spreadsheet = imports.spreadsheet_read(SimpleUploadedFile("people.txt", data))

    assert spreadsheet.rows == [["Pat", "+44 7700 900123"]]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("people.xls", b"\xd0\xcf\x11\xe0", "Older Excel files (.xls) cannot be read."),
        ("people.pdf", b"%PDF-1.4", "The file must be a CSV file or an Excel workbook (.xlsx)."),
        ("people.xlsx", b"Name,Email\nPat,pat@example.org\n", "could not be opened as an Excel workbook"),
        ("people.csv", b"   \n", "The file is empty. Choose a file with rows of people."),
        ("people.csv", b"Name,Email\n", "The file has no rows of people under the column headings."),
        ("people.csv", b",,\nPat,pat@example.org\n", "The first row of the file is empty."),
        ("people.csv", b"Name\n\xff\xfePat\x81\n", "Save it as &#x27;CSV UTF-8&#x27;"),
    ],
)
def test_files_that_cannot_be_imported_are_refused_with_a_reason(client, lead, name, content, message):
    client.force_login(lead)

    response = client.post("/o/demo/people/import/", {"file": SimpleUploadedFile(name, content)})

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert message in response.content.decode()
    assert not PersonImport.objects.exists()


def test_no_file_is_asked_for(client, lead):
    client.force_login(lead)
    response = client.post("/o/demo/people/import/", {})
    assert "Choose a CSV or Excel file to upload" in response.content.decode()


def test_files_over_the_size_and_row_limits_are_refused(client, lead, monkeypatch):
    client.force_login(lead)
    monkeypatch.setattr(imports.files, "MAX_ROWS", 2)
    response = client.post("/o/demo/people/import/", {"file": csv_file([["Name"], ["A"], ["B"], ["C"]])})
    assert "The file has more than 2 rows. Split it into smaller files." in response.content.decode()

    monkeypatch.setattr(imports.files, "MAX_UPLOAD_BYTES", 1024 * 1024)
    big = csv_file([["Name"], *([f"Person {n:07d}"] for n in range(70_000))])
    response = client.post("/o/demo/people/import/", {"file": big})
    assert "The file is larger than 1 MB. Split it into smaller files." in response.content.decode()
    assert not PersonImport.objects.exists()


# --- Mapping ---------------------------------------------------------------------------------------


def test_headings_are_matched_to_fields_whatever_their_case_and_punctuation():
    header = ["E-mail", "First Name", "Surname", "Work mobile", "Pronouns", "Interests", "Skills", "Notes"]

    assert imports.mapping_guess(header) == [
        "email",
        "first_name",
        "last_name",
        "phone",
        "pronouns",
        "tags",
        "tags",
        "",
    ]


def test_the_register_export_maps_back_onto_the_register():
    from coproduce.people.views import EXPORT_HEADER

    assert imports.mapping_guess(EXPORT_HEADER) == [
        "full_name",
        "preferred_name",
        "pronouns",
        "identity",
        "email",
        "phone",
        "contact_methods",
        "preferred_contact",
        "language",
        "times_to_avoid",
        "is_managed",
        "tags",
        "",
    ]


def test_the_mapping_needs_a_full_name_and_each_field_once(client, lead):
    file = csv_file([["Who", "Email", "Email 2"], ["Pat", "a@b.org", "c@d.org"]])
    person_import = upload(client, lead, file)

    response = client.post(url(person_import), {"column_0": "", "column_1": "email", "column_2": "email"})

    page = response.content.decode()
    assert "Choose the column that holds each person&#x27;s full name" in page
    assert "Email address is already chosen for Email. Choose it for one column only" in page
    person_import.refresh_from_db()
    assert person_import.status == PersonImport.Status.UPLOADED


def test_first_and_last_name_columns_make_the_full_name(client, lead):
    person_import = upload(client, lead, csv_file([["First name", "Surname"], ["Pat", "Jones"]]))

    person_import = check(client, person_import)

    assert person_import.status == PersonImport.Status.VALIDATED
    run(client, person_import)
    assert Person.objects.get().full_name == "Pat Jones"


# --- Checking rows ---------------------------------------------------------------------------------


def test_every_problem_is_listed_with_its_row_before_anything_is_saved(client, lead):
    rows = [
        ["Name", "Email", "Phone", "How involved", "OK to text", "Pronouns", "Preferred contact"],
        ["Pat Jones", "pat@example.org", "", "carer", "no", "", ""],
        ["Sam Smith", "pat@@example", "", "", "", "", ""],
        ["", "no-name@example.org", "", "", "", "", ""],
        ["Jo Bloggs", "", "", "Gardener", "", "", ""],
        ["Al Day", "", "", "", "maybe", "", ""],
        ["Bo Peep", "", "", "", "yes", "", ""],
        ["Cy Twombly", "", "", "", "", "x" * 41, ""],
        ["Di Lane", "", "07700 900123", "", "no", "", "Text"],
        ["Ed Fox", "", "", "", "", "", "pigeon"],
    ]
    person_import = upload(client, lead, csv_file(rows))

    person_import = check(client, person_import)

    assert messages(person_import) == [
        "Row 3: 'pat@@example' is not an email address",
        "Row 4: the full name is empty",
        "Row 5: 'Gardener' is not a way of being involved. Use one of: Person with lived experience, "
        "Carer, Lived experience and carer, Staff with lived experience, Staff",
        "Row 6: 'maybe' in OK to text is not yes or no",
        "Row 7: they may be contacted by phone or text message, but there is no phone number",
        "Row 8: the text in Pronouns is too long: it has 41 characters, and the most is 40",
        "Row 9: the preferred way to contact them is Text message (SMS), but another column says no to it",
        "Row 10: 'pigeon' is not a way to contact. Use email, text, phone or post",
    ]
    assert [e["column"] for e in person_import.errors[:2]] == ["Email", "Name"]
    assert (person_import.total_rows, person_import.valid_rows, person_import.invalid_rows) == (9, 1, 8)
    assert not Person.objects.exists()
    page = client.get(url(person_import, "preview/")).content.decode()
    assert "Row 3: &#x27;pat@@example&#x27; is not an email address" in page
    assert "Row 10: &#x27;pigeon&#x27; is not a way to contact" in page


def test_choices_accept_their_labels_and_codes_in_any_case(organisation):
    header = ["Name", "How involved", "Email ok", "SMS ok", "Managed", "Preferred contact", "Ways to contact"]
    header += ["Email", "Phone", "Address"]
    rows = [
        ["A", "Carer", "Yes", "n", "TRUE", "", "", "a@example.org", "", ""],
        ["B", "lived experience and carer", "y", "", "0", "E-mail", "post", "b@example.org", "", "1 High St"],
        ["C", "STAFF_LIVED_EXPERIENCE", "1", "", "", "phone call", "phone, text", "c@example.org", "01", ""],
    ]
    mapping = imports.mapping_guess(header)
    assert mapping == [
        "full_name",
        "identity",
        "contact_by_email",
        "contact_by_sms",
        "is_managed",
        "preferred_contact",
        "contact_methods",
        "email",
        "phone",
        "address",
    ]

    checked = imports.rows_check(organisation=organisation, header=header, rows=rows, mapping=mapping)

    assert checked.errors == []
    a, b, c = (row.fields for row in checked.valid)
    assert (a["identity"], a["contact_by_email"], a["contact_by_sms"], a["is_managed"]) == (
        "carer",
        True,
        False,
        True,
    )
    assert (b["identity"], b["contact_by_email"], b["preferred_contact"], b["contact_by_post"]) == (
        "both",
        True,
        "email",
        True,
    )
    assert (c["identity"], c["contact_by_phone"], c["contact_by_sms"], c["is_managed"]) == (
        "staff_lived_experience",
        True,
        True,
        False,
    )


def test_a_language_column_takes_english_and_welsh_names_and_refuses_others(organisation):
    header = ["Name", "Iaith"]
    rows = [["A", "Cymraeg"], ["B", "welsh"], ["C", "English"], ["D", ""], ["E", "French"]]
    mapping = imports.mapping_guess(header)
    assert mapping == ["full_name", "language"]

    checked = imports.rows_check(organisation=organisation, header=header, rows=rows, mapping=mapping)

    assert [row.fields.get("language", "") for row in checked.valid] == ["cy", "cy", "en-gb", ""]
    assert [error["message"] for error in checked.errors] == [
        "Row 6: 'French' is not a language we write in. Use English or Welsh"
    ]


# --- Importing -------------------------------------------------------------------------------------


def _people_file():
    return csv_file(
        [
            HEADER,
            ["Pat Jones", "pat@example.org", "07700 900123", "Carer", "art, Baking", "yes"],
            ["Sam Smith", "sam@@example", "", "", "", ""],
            ["Jo Bloggs", "", "", "", "baking; walking", ""],
        ]
    )


def test_all_or_nothing_saves_nothing_when_one_row_is_bad(client, lead):
    person_import = check(client, upload(client, lead, _people_file()))

    response = run(client, person_import, mode="all_or_none")

    assert "Nothing would be imported, because some rows have problems." in response.content.decode()
    assert not Person.objects.exists()
    # The service refuses too, should the rows go bad between the check and the import.
    person_import.mode = PersonImport.Mode.ALL_OR_NONE
    person_import.status = PersonImport.Status.IMPORTING
    person_import.save()
    imports.person_import_run(person_import=person_import, actor=lead)
    person_import.refresh_from_db()
    assert person_import.status == PersonImport.Status.FAILED
    assert person_import.failure == "Nothing was imported, because 1 row has a problem."
    assert not Person.objects.exists()
    assert not Tag.objects.exists()
    assert not AuditEvent.objects.filter(action="people.imported").exists()


def test_all_or_nothing_imports_everything_when_every_row_is_valid(client, lead):
    file = csv_file([HEADER, ["Pat Jones", "pat@example.org", "", "", "", "yes"]])
    person_import = check(client, upload(client, lead, file))

    run(client, person_import, mode="all_or_none")

    assert list(Person.objects.values_list("full_name", "contact_by_email")) == [("Pat Jones", True)]


def test_importing_the_valid_rows_saves_them_with_access_needs_and_tags(client, lead, organisation):
    Tag.objects.create(organisation=organisation, name="baking")
    person_import = check(client, upload(client, lead, _people_file()))

    response = run(client, person_import)

    assert response.status_code == 302
    assert response["Location"] == url(person_import, "progress/")
    pat = Person.objects.get(email="pat@example.org")
    assert (pat.full_name, pat.phone, pat.identity, pat.contact_by_email) == (
        "Pat Jones",
        "07700 900123",
        "carer",
        True,
    )
    assert sorted(t.name for t in pat.tags.all()) == ["art", "baking"]
    jo = Person.objects.get(full_name="Jo Bloggs")
    assert sorted(t.name for t in jo.tags.all()) == ["baking", "walking"]
    assert jo.identity == "lived_experience"
    assert Person.objects.count() == 2
    assert AccessNeeds.objects.filter(person__organisation=organisation).count() == 2
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["art", "baking", "walking"]
    person_import.refresh_from_db()
    assert person_import.status == PersonImport.Status.DONE
    assert (person_import.created_count, person_import.invalid_rows) == (2, 1)
    assert person_import.rows == []
    page = client.get(url(person_import, "progress/")).content.decode()
    assert "Import finished" in page
    assert "Row 3: &#x27;sam@@example&#x27; is not an email address" in page
    assert client.get(f"/o/demo/people/{pat.public_id}/").status_code == 200


def test_one_audit_row_records_the_import_with_counts_and_no_personal_data(client, lead):
    person_import = check(client, upload(client, lead, _people_file()))

    run(client, person_import)

    event = AuditEvent.objects.get(action="people.imported")
    assert AuditEvent.objects.filter(action__startswith="person").count() == 0
    assert event.actor == lead
    assert event.details == {
        "mode": "valid_only",
        "rows": 3,
        "created": 2,
        "merged": 0,
        "skipped": 0,
        "invalid": 1,
    }
    everything = f"{event.details} {event.target_label} {event.target_id}"
    for personal in ("Pat", "Jones", "pat@example.org", "people.csv", "sam@@example"):
        assert personal not in everything


def test_a_second_click_does_not_import_twice(client, lead):
    person_import = check(client, upload(client, lead, _people_file()))

    run(client, person_import)
    response = run(client, person_import)

    assert response.status_code == 302
    assert Person.objects.count() == 2
    assert AuditEvent.objects.filter(action="people.imported").count() == 1


# --- Duplicates ------------------------------------------------------------------------------------


@pytest.fixture
def pat(organisation):
    person = PersonFactory(
        organisation=organisation,
        full_name="Pat Jones",
        email="pat@example.org",
        phone="",
        pronouns="",
        contact_by_email=False,
        preferred_contact="",
    )
    person.tags.add(Tag.objects.create(organisation=organisation, name="art"))
    return person


@pytest.fixture
def sam(organisation):
    return PersonFactory(
        organisation=organisation,
        full_name="Sam Smith",
        email="",
        phone="+44 7700 900555",
        contact_by_email=False,
        preferred_contact="",
        contact_by_sms=True,
    )


DUPLICATES = [
    ["Name", "Email", "Phone", "Pronouns", "Skills", "OK to email", "OK to text"],
    ["pat jones", "PAT@example.org", "07700 900123", "they/them", "Gardening", "yes", ""],
    ["Sam  SMITH", "sam@example.org", "07700900555", "he/him", "", "yes", "no"],
    ["Jo Bloggs", "jo@example.org", "01234 567890", "", "", "", ""],
    ["Jo Bloggs", "", "01234567890", "she/her", "walking", "", ""],
    ["Jo Bloggs", "JO@example.org", "", "", "cooking", "", ""],
]


def test_duplicates_of_the_register_and_of_earlier_rows_are_shown(client, lead, pat, sam):
    person_import = check(client, upload(client, lead, csv_file(DUPLICATES)))

    assert person_import.duplicates == [
        {"row": 2, "reason": "email", "person": str(pat.public_id), "other_row": None},
        {"row": 3, "reason": "name_phone", "person": str(sam.public_id), "other_row": None},
        {"row": 5, "reason": "name_phone", "person": "", "other_row": 4},
        {"row": 6, "reason": "email", "person": "", "other_row": 4},
    ]
    assert (person_import.new_rows, person_import.duplicate_rows) == (1, 4)
    page = client.get(url(person_import, "preview/")).content.decode()
    assert "Row 2: pat jones" in page
    assert "It has the same email address as Pat Jones, who is already on the register." in page
    assert "It has the same name and phone number as Sam Smith, who is already on the register." in page
    assert "It has the same name and phone number as row 4 of this file." in page


def test_merging_fills_only_empty_fields_and_adds_tags_and_never_doubles(client, lead, pat, sam):
    person_import = check(client, upload(client, lead, csv_file(DUPLICATES)))

    run(client, person_import)

    assert Person.objects.count() == 3
    pat.refresh_from_db()
    assert (pat.full_name, pat.phone, pat.pronouns) == ("Pat Jones", "07700 900123", "they/them")
    # Pat had no ways to contact recorded, so the spreadsheet's are taken.
    assert pat.contact_by_email is True
    assert sorted(t.name for t in pat.tags.all()) == ["Gardening", "art"]
    sam.refresh_from_db()
    assert (sam.email, sam.pronouns, sam.phone) == ("sam@example.org", "he/him", "+44 7700 900555")
    # Sam already said how they may be contacted: a spreadsheet never overrides that.
    assert (sam.contact_by_sms, sam.contact_by_email) == (True, False)
    jo = Person.objects.get(full_name="Jo Bloggs")
    assert (jo.email, jo.phone, jo.pronouns) == ("jo@example.org", "01234 567890", "she/her")
    assert sorted(t.name for t in jo.tags.all()) == ["cooking", "walking"]
    person_import.refresh_from_db()
    assert (person_import.created_count, person_import.merged_count, person_import.skipped_count) == (1, 4, 0)


def test_skipped_duplicates_leave_the_register_as_it_was(client, lead, pat, sam):
    person_import = check(client, upload(client, lead, csv_file(DUPLICATES)))
    client.post(url(person_import, "preview/?show=duplicates"), {"all": "skip"})
    client.post(url(person_import, "preview/?show=duplicates"), {"row_4": "merge", "row_5": "merge"})
    person_import.refresh_from_db()
    assert person_import.duplicate_decisions == {"2": "skip", "3": "skip", "5": "merge", "6": "skip"}

    run(client, person_import, row_6="merge", row_2="skip")

    assert Person.objects.count() == 3
    pat.refresh_from_db()
    assert (pat.phone, pat.pronouns, pat.contact_by_email) == ("", "", False)
    assert not Tag.objects.filter(name="Gardening").exists()
    jo = Person.objects.get(full_name="Jo Bloggs")
    assert sorted(t.name for t in jo.tags.all()) == ["cooking", "walking"]
    person_import.refresh_from_db()
    assert (person_import.created_count, person_import.merged_count, person_import.skipped_count) == (1, 2, 2)
    assert AuditEvent.objects.get(action="people.imported").details["skipped"] == 2


def test_the_choices_on_the_page_are_kept_when_the_import_form_has_a_problem(client, lead, pat, sam):
    person_import = check(client, upload(client, lead, csv_file(DUPLICATES)))

    response = client.post(url(person_import, "run/?show=duplicates"), {"row_2": "skip"})

    page = response.content.decode()
    assert "Choose how to import: all valid rows, or only if every row is valid" in page
    assert 'href="#id_mode_0"' in page
    person_import.refresh_from_db()
    assert person_import.duplicate_decisions == {"2": "skip"}
    assert not Person.objects.filter(full_name="Jo Bloggs").exists()


def test_a_register_change_after_the_check_sends_the_lead_back_to_the_duplicates(client, lead, organisation):
    file = csv_file([["Name", "Email"], ["Pat Jones", "pat@example.org"]])
    person_import = check(client, upload(client, lead, file))
    assert person_import.duplicates == []
    PersonFactory(organisation=organisation, full_name="Pat Jones", email="pat@example.org")

    response = run(client, person_import)

    person_import.refresh_from_db()
    assert person_import.status == PersonImport.Status.VALIDATED
    assert len(person_import.duplicates) == 1
    assert Person.objects.count() == 1
    page = client.get(response["Location"], follow=True).content.decode()
    assert "The register changed after the file was checked" in page


def test_re_importing_the_register_export_finds_everyone_as_duplicates(client, lead, pat, sam):
    client.force_login(lead)
    exported = client.get("/o/demo/people/export.csv").content

    person_import = check(client, upload(client, lead, SimpleUploadedFile("register.csv", exported)))

    assert person_import.errors == []
    assert person_import.duplicate_rows == 2
    run(client, person_import)
    assert Person.objects.count() == 2


# --- Large files -----------------------------------------------------------------------------------


def test_ten_thousand_rows_are_checked_and_imported_in_the_background(
    client, lead, organisation, django_capture_on_commit_callbacks
):
    PersonFactory(organisation=organisation, full_name="Already Here", email="person5@example.org")
    rows = [["Full name", "Email", "Phone", "Skills", "Preferred contact"]]
    rows += [
        [f"Person {n}", f"person{n}@example.org", f"07700 9{n:05d}", f"skill {n % 20}, art", "email"]
        for n in range(10_000)
    ]
    person_import = upload(client, lead, csv_file(rows))
    mapping = person_import.mapping

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url(person_import), {f"column_{i}": f for i, f in enumerate(mapping)})
    assert len(callbacks) == 1
    assert response["Location"] == url(person_import, "progress/")
    person_import.refresh_from_db()
    assert person_import.status == PersonImport.Status.VALIDATED
    assert (person_import.valid_rows, person_import.duplicate_rows) == (10_000, 1)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run(client, person_import)
    assert len(callbacks) == 1

    person_import.refresh_from_db()
    assert person_import.status == PersonImport.Status.DONE
    assert (person_import.created_count, person_import.merged_count) == (9_999, 1)
    assert Person.objects.filter(organisation=organisation).count() == 10_000
    assert AccessNeeds.objects.filter(person__organisation=organisation).count() == 10_000
    assert Person.tags.through.objects.count() == 20_000
    assert Tag.objects.filter(organisation=organisation).count() == 21


# --- Progress --------------------------------------------------------------------------------------


def test_the_progress_page_polls_a_fragment_and_works_without_javascript(client, lead):
    person_import = upload(client, lead, _people_file())
    PersonImport.objects.filter(pk=person_import.pk).update(
        status=PersonImport.Status.IMPORTING, total_rows=3000, progress=1000
    )

    page = client.get(url(person_import, "progress/")).content.decode()

    assert "<h1>Importing people</h1>" in page
    assert f'hx-get="{url(person_import, "progress/")}"' in page
    assert 'hx-trigger="every 2s"' in page
    assert 'role="status"' in page
    assert "1,000 of 3,000 rows checked" in page
    assert 'value="33"' in page
    assert f'<a href="{url(person_import, "progress/")}">Refresh to see the latest progress</a>' in page

    fragment = client.get(url(person_import, "progress/"), headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<h1>" not in fragment.content.decode()
    assert "1,000 of 3,000 rows checked" in fragment.content.decode()
    assert "HX-Request" in fragment["Vary"]

    PersonImport.objects.filter(pk=person_import.pk).update(status=PersonImport.Status.DONE)
    fragment = client.get(url(person_import, "progress/"), headers={"HX-Request": "true"})
    assert fragment.status_code == 286  # htmx stops polling
    assert "See what was imported" in fragment.content.decode()


def test_the_upload_page_lists_recent_imports(client, lead):
    person_import = upload(client, lead, _people_file())
    page = client.get("/o/demo/people/import/").content.decode()
    assert f'<a href="{url(person_import)}">people.csv</a>' in page
    assert "Sam Lead" in page


# --- Who may import --------------------------------------------------------------------------------


def _import_urls(person_import):
    return ["/o/demo/people/import/"] + [
        url(person_import, page) for page in ("", "preview/", "run/", "progress/")
    ]


@pytest.mark.parametrize("role", ["member", "carer", "staff", "exec", "finance"])
def test_people_without_the_register_role_get_403_on_every_import_page(client, everyone, lead, role):
    person_import = upload(client, lead, _people_file())
    client.force_login(everyone[role])

    for address in _import_urls(person_import):
        assert client.get(address).status_code == 403, address
        assert client.post(address, {"mode": "valid_only"}).status_code == 403, address


def test_an_outsider_gets_404_on_every_import_page(client, lead, outsider):
    person_import = upload(client, lead, _people_file())
    client.force_login(outsider)

    for address in _import_urls(person_import):
        assert client.get(address).status_code == 404, address
        assert client.post(address, {"mode": "valid_only"}).status_code == 404, address
        other = address.replace("/o/demo/", "/o/other/")
        if other != "/o/other/people/import/":
            assert client.get(other).status_code == 404, other
    assert not Person.objects.exists()


def test_an_admin_may_import(client, admin):
    person_import = check(client, upload(client, admin, _people_file()))
    run(client, person_import)
    assert Person.objects.count() == 2


def test_a_clash_while_saving_imports_nothing_and_says_so(client, lead, monkeypatch):
    from django.db import IntegrityError

    from coproduce.people.imports import services

    def clash(*args, **kwargs):
        Person.objects.create(organisation=lead.memberships.get().organisation, full_name="Half saved")
        raise IntegrityError("person_unique_email_in_organisation")

    monkeypatch.setattr(services, "_write", clash)
    person_import = check(client, upload(client, lead, _people_file()))

    run(client, person_import)

    person_import.refresh_from_db()
    assert person_import.status == PersonImport.Status.FAILED
    assert "nothing was imported. Check the file again." in person_import.failure
    assert not Person.objects.exists()
    assert not AuditEvent.objects.filter(action="people.imported").exists()
    page = client.get(url(person_import, "progress/")).content.decode()
    assert "<h1>Nothing was imported</h1>" in page
    assert f'href="{url(person_import)}">Check the file again' in page


def test_a_big_file_is_checked_in_the_background_and_the_fragment_says_when(
    client, lead, django_capture_on_commit_callbacks
):
    rows = [["Name", "Email"]] + [
        [f"Person {n}", f"p{n}@example.org"] for n in range(imports.BACKGROUND_ROWS + 1)
    ]
    person_import = upload(client, lead, csv_file(rows))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url(person_import), {"column_0": "full_name", "column_1": "email"})
    assert response["Location"] == url(person_import, "progress/")
    page = client.get(url(person_import, "progress/")).content.decode()
    assert "<h1>Checking the rows</h1>" in page
    assert "0 of 501 rows checked" in page

    callbacks[0]()

    fragment = client.get(url(person_import, "progress/"), headers={"HX-Request": "true"})
    assert fragment.status_code == 286
    assert f'<a href="{url(person_import, "preview/")}">See the problems and duplicates</a>' in fragment.text
    assert client.get(url(person_import, "progress/"))["Location"] == url(person_import, "preview/")


def test_rows_of_an_import_left_for_a_week_are_deleted(client, lead, organisation):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    left = check(client, upload(client, lead, csv_file([HEADER, ["Pat Kaur", "pat@example.com"]])))
    done = upload(client, lead, csv_file([HEADER, ["Dee Ray", "dee@example.com"], ["Al Bad", "al@@example"]]))
    done = check(client, done)
    run(client, done)
    done.refresh_from_db()
    assert done.status == PersonImport.Status.DONE and done.errors
    fresh = upload(client, lead, csv_file([HEADER, ["Sam New", "sam@example.com"]]))
    week_ago = timezone.now() - timedelta(days=8)
    PersonImport.objects.filter(pk__in=[left.pk, done.pk]).update(created_at=week_ago)

    call_command("purge_imports", stdout=io.StringIO())

    left.refresh_from_db()
    done.refresh_from_db()
    fresh.refresh_from_db()
    assert (left.rows, left.errors, left.status) == ([], [], PersonImport.Status.FAILED)
    assert "Upload the file again" in left.failure
    assert done.status == PersonImport.Status.DONE and done.errors == []  # the problems quoted the cells
    assert fresh.rows == [["Sam New", "sam@example.com"]]


def test_erasure_blanks_the_persons_rows_in_an_unfinished_import(client, lead, admin, organisation):
    from coproduce.people import services

    pat = PersonFactory(organisation=organisation, full_name="Pat Kaur", email="pat@example.com")
    pending = upload(
        client,
        lead,
        csv_file([HEADER, ["Someone Else", "else@example.com"], ["pat kaur", "PAT@example.com"]]),
    )
    services.person_erase(person=pat, actor=admin)
    pending.refresh_from_db()
    assert pending.rows == [["Someone Else", "else@example.com"], []]
