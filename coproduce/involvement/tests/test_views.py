import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from coproduce.core.models import AuditEvent
from coproduce.involvement import services
from coproduce.involvement.models import Activity, Attendance, Placement
from coproduce.involvement.tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    PlacementFactory,
    builtin_type,
)
from coproduce.involvement.views import person_label
from coproduce.people.tests.factories import CheckFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_an_activity_cannot_end_before_it_starts(client, lead):
    client.force_login(lead)
    response = client.post(
        "/o/demo/activities/add/",
        {
            "activity_type": builtin_type().pk,
            "title": "Forum",
            "starts_at": "2026-03-01T14:00",
            "ends_at": "2026-03-01T13:00",
        },
    )
    assert "The end must be the same as or after the start" in response.text
    assert not Activity.objects.exists()


def test_a_lead_adds_an_activity_and_records_the_register_in_one_grid(client, lead, organisation):
    client.force_login(lead)
    response = client.post(
        "/o/demo/activities/add/",
        {
            "activity_type": builtin_type("recruitment_selection").pk,
            "title": "Interview panel for ward manager",
            "starts_at": "2026-03-01T10:00",
            "ends_at": "2026-03-01T12:30",
        },
    )
    activity = Activity.objects.get()
    assert response["Location"] == f"/o/demo/activities/{activity.public_id}/register/"
    people = [PersonFactory(organisation=organisation) for _ in range(20)]
    page = client.get(response["Location"])
    assert page.text.count('list="register-people"') == 20
    names = page.text.split('<datalist id="register-people">')[1].split("</datalist>")[0]
    assert names.count("<option") == 20  # the names are listed once, for every row
    assert "hx-get" not in page.text  # all listed already: typing asks the server for nothing
    data = {"rows-TOTAL_FORMS": "20", "rows-INITIAL_FORMS": "0"}
    for n, person in enumerate(people):
        data[f"rows-{n}-person"] = person_label(person)
        data[f"rows-{n}-taking_part_as"] = "carer" if n % 4 == 0 else "lived_experience"
        data[f"rows-{n}-status"] = "apologies" if n == 19 else "attended"
        data[f"rows-{n}-hours"] = "" if n else "1.5"
    response = client.post(f"/o/demo/activities/{activity.public_id}/register/", data)
    assert response.status_code == 302
    assert Attendance.objects.filter(activity=activity).count() == 20
    assert Attendance.objects.get(activity=activity, person=people[0]).hours == Decimal("1.5")
    assert Attendance.objects.get(activity=activity, person=people[1]).hours == Decimal(
        "2.5"
    )  # length of activity
    assert Attendance.objects.get(activity=activity, person=people[19]).hours == Decimal("0")
    assert AuditEvent.objects.get(action="attendance.recorded").details == {"rows": 20}
    detail = client.get(activity.get_absolute_url())
    assert "19 attended" in detail.text


def test_the_grid_refuses_the_same_person_twice_and_bad_hours_and_saves_nothing(client, lead, organisation):
    activity = ActivityFactory(organisation=organisation)
    person = PersonFactory(organisation=organisation, full_name="Twice Over")
    client.force_login(lead)
    url = f"/o/demo/activities/{activity.public_id}/register/"
    base = {"rows-TOTAL_FORMS": "2", "rows-INITIAL_FORMS": "0"}
    row = {"taking_part_as": "lived_experience", "status": "attended", "hours": "2"}
    data = base | {
        f"rows-{n}-{k}": v for n in range(2) for k, v in (row | {"person": person_label(person)}).items()
    }
    response = client.post(url, data)
    assert "Row 2: Twice Over is already in this register. Record each person once." in response.text
    data["rows-1-person"] = ""
    data["rows-0-hours"] = "25"
    response = client.post(url, data)
    assert "Hours must be 24 or fewer" in response.text
    data["rows-0-hours"] = "2"
    data["rows-0-person"] = "Nobody Known"
    response = client.post(url, data)
    assert "Choose a person from the list: start typing their name" in response.text
    assert not Attendance.objects.exists()


def test_attendance_service_rejects_people_from_another_register(organisation, other_organisation, lead):
    activity = ActivityFactory(organisation=organisation)
    stranger = PersonFactory(organisation=other_organisation)
    with pytest.raises(ValidationError, match="not on your register"):
        services.attendance_record(
            activity=activity,
            rows=[
                services.AttendanceRow(
                    person=stranger, taking_part_as="carer", status="attended", hours=Decimal("1")
                )
            ],
            actor=lead,
        )


@pytest.mark.parametrize("role", ["member", "carer", "finance"])
def test_participants_and_finance_cannot_see_activities_or_the_report(client, everyone, role, organisation):
    activity = ActivityFactory(organisation=organisation)
    client.force_login(everyone[role])
    for url in [
        "/o/demo/activities/",
        activity.get_absolute_url(),
        "/o/demo/reports/involvement/",
        "/o/demo/volunteers/",
    ]:
        assert client.get(url).status_code == 403, url


def test_executives_see_the_report_and_activity_numbers_but_not_names(client, exec_, organisation):
    attendance = AttendanceFactory(
        activity=ActivityFactory(organisation=organisation), person__full_name="Private Person"
    )
    client.force_login(exec_)
    assert client.get("/o/demo/reports/involvement/").status_code == 200
    detail = client.get(attendance.activity.get_absolute_url())
    assert "1 attended" in detail.text
    assert "Private Person" not in detail.text


def test_the_report_page_and_downloads_show_the_same_figures(client, lead, organisation):
    meeting = ActivityFactory(
        organisation=organisation,
        starts_at=timezone.make_aware(timezone.datetime(2019, 2, 1, 10)),
        ends_at=timezone.make_aware(timezone.datetime(2019, 2, 1, 12)),
    )
    AttendanceFactory(activity=meeting)
    AttendanceFactory(activity=meeting, taking_part_as="carer")
    client.force_login(lead)
    page = client.get("/o/demo/reports/involvement/", {"quarter": "2019-01-01"})
    assert "1 people with lived experience and 1 carers were involved" in page.text
    assert "<svg" in page.text and "Unique people, sessions and hours by type of activity" in page.text
    rows = list(
        csv.reader(
            io.StringIO(
                client.get("/o/demo/reports/involvement.csv", {"quarter": "2019-01-01"}).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert rows[1] == ["Unique people with lived experience involved", "All", "1", "0", "1"]
    book = load_workbook(
        io.BytesIO(client.get("/o/demo/reports/involvement.xlsx", {"quarter": "2019-01-01"}).content)
    )
    sheet = book.active
    assert [c.value for c in sheet[3]][:3] == ["Unique carers involved", "All", 1]


def test_the_report_explains_bad_dates(client, lead):
    client.force_login(lead)
    response = client.get("/o/demo/reports/involvement/", {"start": "2019-03-01", "end": "2019-01-01"})
    assert "The end date must be the same as or after the start date" in response.text
    response = client.get("/o/demo/reports/involvement/", {"start": "2019-03-01"})
    assert "Enter both dates, or choose a quarter" in response.text


@pytest.mark.parametrize("url", ["/o/demo/activities/", "/o/demo/volunteers/", "/o/demo/me/involvement/"])
def test_activity_and_volunteer_lists_use_the_same_queries_for_1_and_50_rows(client, lead, organisation, url):
    from coproduce.people import services as people

    me = people.person_for_user(organisation=organisation, user=lead)

    def add(count):
        for _ in range(count):
            activity = ActivityFactory(organisation=organisation)
            AttendanceFactory(activity=activity, person=me)
            placement = PlacementFactory(organisation=organisation)
            services.volunteer_hours_log(
                placement=placement, actor=lead, worked_on=timezone.localdate(), hours=Decimal("2")
            )

    client.force_login(lead)
    add(1)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(49)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few) == len(many)


def test_placements_flag_expired_or_missing_required_checks(client, lead, organisation):
    person = PersonFactory(organisation=organisation, full_name="Val Volunteer")
    CheckFactory(person=person, kind="dbs", done_on=date(2020, 1, 1), expires_on=date(2021, 1, 1))
    client.force_login(lead)
    response = client.post(
        "/o/demo/volunteers/add/",
        {
            "person": str(person.public_id),
            "role": Placement._meta.get_field("role").related_model.objects.get(code="peer_mentor").pk,
            "team": "Ward 3",
            "starts_on": "2026-01-01",
        },
    )
    placement = Placement.objects.get()
    assert response["Location"] == placement.get_absolute_url()
    page = client.get(placement.get_absolute_url())
    assert "Checks need attention" in page.text
    assert "DBS check: Expired" in page.text
    assert "Safeguarding training: Missing" in page.text
    response = client.post(placement.get_absolute_url(), {"worked_on": "2025-12-01", "hours": "3"})
    assert "The date must be on or after the placement started" in response.text
    response = client.post(placement.get_absolute_url(), {"worked_on": "2026-01-05", "hours": "30"})
    assert "Hours must be 24 or fewer" in response.text
    client.post(placement.get_absolute_url(), {"worked_on": "2026-01-05", "hours": "3.5"})
    assert placement.hours_logged.get().hours == Decimal("3.5")


def test_my_involvement_shows_my_own_history(client, member, organisation):
    from coproduce.people import services as people

    me = people.person_for_user(organisation=organisation, user=member)
    AttendanceFactory(
        activity=ActivityFactory(organisation=organisation, title="Carers' forum"),
        person=me,
        hours=Decimal("2.5"),
    )
    AttendanceFactory(activity=ActivityFactory(organisation=organisation, title="Someone else's panel"))
    client.force_login(member)
    response = client.get("/o/demo/me/involvement/")
    assert "Carers&#x27; forum" in response.text
    assert "Someone else" not in response.text
    assert response.context["totals"]["hours"] == Decimal("2.5")


def test_organisations_can_add_their_own_activity_types(client, lead, organisation, other_organisation):
    client.force_login(lead)
    client.post("/o/demo/activities/types/", {"name": "Ward round"})
    response = client.post("/o/demo/activities/types/", {"name": "Meeting"})
    assert "There is already an activity type called Meeting" in response.text
    assert "Ward round" in client.get("/o/demo/activities/add/").text
    start = timezone.now() - timedelta(days=1)
    from coproduce.involvement.models import ActivityType

    theirs = ActivityType.objects.create(organisation=other_organisation, code="secret", name="Secret type")
    with pytest.raises(ValidationError):
        services.activity_create(
            organisation=organisation,
            actor=lead,
            activity_type=theirs,
            title="x",
            starts_at=start,
            ends_at=start,
        )


def test_a_volunteer_logs_their_own_hours_but_not_someone_elses(client, member, organisation):
    from coproduce.people import services as people

    me = people.person_for_user(organisation=organisation, user=member)
    mine = PlacementFactory(organisation=organisation, person=me)
    theirs = PlacementFactory(organisation=organisation)
    client.force_login(member)
    page = client.get("/o/demo/me/involvement/")
    assert "Volunteering: Peer mentor, Ward 3" in page.text
    client.post(
        f"/o/demo/me/involvement/hours/{mine.public_id}/",
        {"worked_on": timezone.localdate().isoformat(), "hours": "2.5"},
    )
    assert mine.hours_logged.get().hours == Decimal("2.5")
    assert mine.hours_logged.get().logged_by == member
    response = client.post(
        f"/o/demo/me/involvement/hours/{theirs.public_id}/", {"worked_on": "2026-01-01", "hours": "1"}
    )
    assert response.status_code == 404
    assert not theirs.hours_logged.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/o/demo/reports/involvement/?start=0001-01-01&end=0001-01-02",
        "/o/demo/reports/involvement/?start=9999-12-30&end=9999-12-31",
        "/o/demo/activities/?end=9999-12-31",
    ],
)
def test_dates_far_outside_the_records_get_a_message_not_an_error(client, lead, url):
    client.force_login(lead)
    response = client.get(url)
    assert response.status_code == 200
    assert "Enter a real date" in response.text


def test_an_organisations_own_type_never_takes_a_built_in_code(organisation, lead):
    from coproduce.involvement.models import ActivityType

    own = services.activity_type_create(organisation=organisation, actor=lead, name="Meeting!")
    again = services.activity_type_create(organisation=organisation, actor=lead, name="Meeting?")
    builtin_codes = set(ActivityType.objects.filter(organisation__isnull=True).values_list("code", flat=True))
    assert {own.code, again.code}.isdisjoint(builtin_codes)
    assert own.code != again.code
    with pytest.raises(ValidationError, match="already an activity type called meeting!"):
        services.activity_type_create(organisation=organisation, actor=lead, name="meeting!")


def test_an_activity_cannot_take_another_organisations_group_or_type(organisation, other_organisation, lead):
    from coproduce.involvement.models import ActivityType
    from coproduce.people.tests.factories import GroupFactory

    start = timezone.now() - timedelta(days=1)
    theirs = GroupFactory(organisation=other_organisation)
    with pytest.raises(ValidationError) as refused:
        services.activity_create(
            organisation=organisation,
            actor=lead,
            activity_type=builtin_type(),
            group=theirs,
            title="x",
            starts_at=start,
            ends_at=start,
        )
    assert "Choose one of your organisation's groups" in str(refused.value)
    activity = ActivityFactory(organisation=organisation)
    their_type = ActivityType.objects.create(organisation=other_organisation, code="secret", name="Secret")
    for fields in ({"group": theirs}, {"activity_type": their_type}):
        with pytest.raises(ValidationError):
            services.activity_update(activity=activity, actor=lead, **fields)
    activity.refresh_from_db()
    assert (activity.group_id, activity.activity_type.organisation_id) == (None, None)


def test_a_big_register_is_not_listed_whole_and_names_are_suggested_as_someone_types(
    client, lead, organisation, other_organisation, monkeypatch
):
    from coproduce.people import selectors as people_selectors

    monkeypatch.setattr(people_selectors, "CHOOSER_LIST_ALL_UP_TO", 3)
    for name in ("Priya Shah", "Priyanka Rao", "Sam Lee", "Jo Bloggs"):
        PersonFactory(organisation=organisation, full_name=name)
    PersonFactory(organisation=other_organisation, full_name="Priya Elsewhere")
    activity = ActivityFactory(organisation=organisation)
    client.force_login(lead)
    page = client.get(f"/o/demo/activities/{activity.public_id}/register/")
    names = page.text.split('<datalist id="register-people">')[1].split("</datalist>")[0]
    assert names.count("<option") == 0
    assert 'hx-get="/o/demo/people/choose/"' in page.text

    suggested = client.get("/o/demo/people/choose/", {"rows-3-person": "pri"}).text
    assert "Priya Shah (" in suggested and "Priyanka Rao (" in suggested
    assert "Sam Lee" not in suggested and "Elsewhere" not in suggested
    assert "<option" not in client.get("/o/demo/people/choose/", {"rows-0-person": "p"}).text


def test_a_plain_name_is_enough_unless_two_people_share_it(client, lead, organisation):
    sam = PersonFactory(organisation=organisation, full_name="Sam Lee")
    PersonFactory(organisation=organisation, full_name="Jo Twin")
    PersonFactory(organisation=organisation, full_name="Jo Twin")
    activity = ActivityFactory(organisation=organisation)
    client.force_login(lead)
    url = f"/o/demo/activities/{activity.public_id}/register/"
    base = {"rows-TOTAL_FORMS": "1", "rows-INITIAL_FORMS": "0", "rows-0-taking_part_as": "lived_experience"}
    base["rows-0-status"] = "attended"
    refused = client.post(url, base | {"rows-0-person": "jo twin"})
    assert "2 people are called jo twin" in refused.text
    assert client.post(url, base | {"rows-0-person": "sam lee"}).status_code == 302
    assert Attendance.objects.get(activity=activity).person == sam


def test_the_name_suggestions_are_for_leads_only(client, member, organisation):
    client.force_login(member)
    assert client.get("/o/demo/people/choose/", {"q": "pri"}).status_code == 403
