"""axe and the console on every page of the involvement register the header does not reach.

Each test signs in once as the role that can open the pages and visits them with records on them
(tables, tags, expired checks, an erasure request), then the error state of the main forms.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coproduce.core.models import Membership
from coproduce.involvement.tests.factories import ActivityFactory, AttendanceFactory
from coproduce.people import services
from coproduce.people.models import Person, PersonImport

pytestmark = pytest.mark.browser

CSV = (
    b"Name,Email address,Mobile,How involved,Skills,OK to email\n"
    b'Ada Lovelace,ada@example.test,07700 900001,Carer,"maths, poetry",yes\n'
    b"Ruth Ellis,ruth@example.test,07700 900002,Lived experience,,yes\n"
    b"No Email,not-an-email,,Nobody knows,,yes\n"
    b"Ruth Ellis,ruth@example.test,,,,\n"
)


@pytest.fixture
def register(organisation, admin, lead, member, built_in_kinds):
    """A register with everything its pages show: tags, access needs, checks in every state, consents,
    equality answers, a group with a connector, involvement history and an erasure request."""
    Membership.objects.filter(user=admin, organisation=organisation).update(can_see_equality_data=True)
    today = timezone.localdate()
    people = {}
    for name, email, identity in [
        ("Priya Shah", "priya@example.test", "lived_experience"),
        ("Tom Evans", "tom@example.test", "carer"),
        ("Grace Okafor", "grace@example.test", "both"),
    ]:
        people[name] = services.person_create(
            organisation=organisation,
            actor=lead,
            tags=["public speaking", "art"],
            full_name=name,
            email=email,
            phone="07700 900123",
            identity=identity,
            contact_by_email=True,
            preferred_contact="email",
        )
    priya = people["Priya Shah"]
    services.person_create(
        organisation=organisation,
        actor=lead,
        full_name="Mary Jones",
        address="1 High Street\nCardiff",
        contact_by_post=True,
        preferred_contact="post",
        is_managed=True,
    )
    services.access_needs_update(
        person=priya, actor=lead, needs=["bsl", "breaks", "step_free"], other="Morning sessions are hard."
    )
    services.check_record(
        person=priya, actor=lead, kind="dbs", done_on=today - timedelta(days=1100), expires_on=today
    )
    services.check_record(
        person=priya,
        actor=lead,
        kind="safeguarding",
        done_on=today - timedelta(days=700),
        expires_on=today - timedelta(days=5),
    )
    services.check_record(
        person=people["Tom Evans"],
        actor=lead,
        kind="induction",
        done_on=today - timedelta(days=30),
        expires_on=None,
        reference="IND-42",
    )
    for purpose in ["opportunities", "newsletter", "photos"]:
        services.consent_set(person=priya, actor=lead, purpose=purpose, given=True, note="By phone")
    services.consent_set(person=priya, actor=lead, purpose="photos", given=False)
    for person in people.values():
        services.equality_update(
            person=person, actor=admin, age_band="25_34", sex="female", ethnicity="asian", disability="yes"
        )
    group = services.group_create(
        organisation=organisation,
        actor=lead,
        name="Carers' forum",
        purpose="Carers shaping the services their families use.",
        who_can_join="carers",
        meeting_pattern="First Tuesday of the month, 2pm",
    )
    services.group_member_add(group=group, person=priya, role="connector", actor=lead)
    services.group_member_add(group=group, person=people["Tom Evans"], role="chair", actor=lead)
    activity = ActivityFactory(organisation=organisation, title="Ward 3 redesign workshop")
    AttendanceFactory(activity=activity, person=priya)
    services.person_request_erasure(person=people["Grace Okafor"], actor=lead)
    return {"people": people, "group": group, "priya": priya}


def test_each_person_s_pages_are_accessible(tab, register, admin):
    tab.sign_in(admin.email)
    tab.visit("/o/demo/people/")
    expect(tab.page.get_by_role("row").filter(has_text="Priya Shah")).to_be_visible()
    tab.visit("/o/demo/people/?q=priya&check_status=expired&sort=-name")
    expect(tab.page.get_by_role("row").filter(has_text="Priya Shah")).to_be_visible()

    person = register["priya"].get_absolute_url()
    tab.visit(person)
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("Priya Shah")
    expect(tab.page.get_by_text("Ward 3 redesign workshop")).to_be_visible()
    for page in ["edit/", "access-needs/", "checks/?kind=dbs", "consents/", "equality/", "erase/"]:
        tab.visit(person + page)
    tab.visit(Person.objects.get(full_name="Mary Jones").get_absolute_url())
    expect(tab.page.get_by_role("heading", level=1)).to_contain_text("managed by the team")


def test_the_register_s_own_lists_and_groups_are_accessible(tab, register, admin):
    tab.sign_in(admin.email)
    tab.visit("/o/demo/people/checks-due/")
    expect(tab.page.get_by_role("row").filter(has_text="Safeguarding training")).to_contain_text("Priya Shah")
    tab.visit("/o/demo/people/erasure-requests/")
    expect(tab.page.get_by_role("link", name="Grace Okafor", exact=True)).to_be_visible()
    tab.visit("/o/demo/people/equality/")

    tab.visit("/o/demo/groups/")
    tab.page.get_by_role("link", name="Carers' forum").click()
    tab.page.wait_for_load_state("load")
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("Carers' forum")
    tab.check()
    group = register["group"].get_absolute_url()
    for page in ["edit/", "members/add/"]:
        tab.visit(group + page)
    tab.visit("/o/demo/groups/add/")


def test_the_register_forms_with_errors_are_accessible(tab, register, lead):
    tab.sign_in(lead.email)
    page = tab.page

    tab.visit("/o/demo/people/add/")
    page.get_by_label("Full name").fill("Dana Rivers")
    page.get_by_label("Email address").fill("dana at example")
    page.get_by_role("button", name="Add to the register").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary.get_by_role("link", name="Enter an email address in the correct format")).to_be_visible()
    expect(summary).to_be_focused()
    tab.check()

    tab.visit(register["priya"].get_absolute_url() + "checks/")
    page.get_by_label("Date done").fill("2025-06-01")
    page.get_by_label("Expiry date").fill("2025-05-01")
    page.get_by_role("button", name="Save check").click()
    expect(summary.get_by_role("link", name="The expiry date must be the same as or after")).to_be_visible()
    expect(page.locator("#id_expires_on-error")).to_be_visible()
    tab.check()

    tab.visit("/o/demo/groups/add/")
    page.get_by_role("button", name="Save group").click()
    expect(summary.get_by_role("link", name="Enter the group's name")).to_be_visible()
    tab.check()

    tab.visit(register["group"].get_absolute_url() + "members/add/")
    page.get_by_role("button", name="Add to group").click()
    expect(summary.get_by_role("link", name="Choose a person from the register")).to_be_visible()
    tab.check()


def test_a_participant_s_own_profile_pages_are_accessible(tab, member):
    tab.sign_in(member.email)
    tab.visit("/o/demo/me/")
    tab.page.get_by_role("button", name="Add me to the register").click()
    expect(tab.page.get_by_role("status")).to_contain_text("You are on the register")
    tab.check()

    for link in ["Change your details", "Change what helps you take part", "Change what you agree to"]:
        tab.page.get_by_role("link", name=link).click()
        tab.page.wait_for_load_state("load")
        tab.check()
        tab.page.go_back()

    tab.visit("/o/demo/me/edit/")
    tab.page.get_by_label("Your full name").fill("")
    tab.page.get_by_role("button", name="Save your details").click()
    expect(tab.page.locator(".nhsuk-error-summary")).to_be_visible()
    tab.check()

    tab.visit("/o/demo/me/")
    with tab.page.expect_download() as download:
        tab.page.get_by_role("link", name="Download everything we hold about you").click()
    assert download.value.suggested_filename == "my-data-demo.zip"
    tab.visit("/o/demo/me/delete/")
    tab.visit("/o/demo/me/involvement/")
    tab.assert_no_console_problems()


def test_importing_a_spreadsheet_is_accessible_at_every_step(tab, register, lead):
    tab.sign_in(lead.email)
    page = tab.page
    tab.visit("/o/demo/people/import/")
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Choose a CSV or Excel file to upload")
    tab.check()

    page.get_by_label("Spreadsheet file").set_input_files(
        files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": CSV}]
    )
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Match the columns to the register")
    tab.check()

    page.get_by_role("button", name="Check the rows").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the rows before importing")
    tab.check()
    problems_and_duplicates = page.get_by_role("navigation", name="Problems and duplicates")
    problems_and_duplicates.get_by_role("link", name="1 duplicate", exact=True).click()
    page.wait_for_load_state("load")
    tab.check()

    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Choose how to import")
    tab.check()
    page.get_by_label("Import all valid rows").check()
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import finished")
    tab.check()
    expect(page.get_by_role("link", name="Go to the register")).to_be_visible()

    # A long import in the background: the page polls a live region (htmx, within our CSP) until it is done.
    finished = PersonImport.objects.get()
    PersonImport.objects.filter(pk=finished.pk).update(status="importing", total_rows=3000, progress=1000)
    tab.visit(page.url)
    status = page.get_by_role("status")
    expect(status).to_contain_text("1,000 of 3,000 rows checked")
    PersonImport.objects.filter(pk=finished.pk).update(status="done", progress=3000)
    expect(status.get_by_role("link", name="See what was imported")).to_be_visible()
    tab.check()
    tab.visit("/o/demo/people/import/")
    expect(page.get_by_role("row").filter(has_text="people.csv")).to_be_visible()
