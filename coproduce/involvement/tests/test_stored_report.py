"""The figures of an ended period are stored once computed, and forgotten by any change to their records.
A report reads two periods' figures: the period's and the one before's."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coproduce.involvement import reports, selectors, services
from coproduce.involvement.models import StoredReport
from coproduce.involvement.tests.factories import AttendanceFactory, builtin_role
from coproduce.involvement.tests.test_report import Q1, activity, at
from coproduce.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

TODAY = date(2019, 6, 1)  # Q1 2019 has ended


def report(organisation, period=Q1, today=TODAY):
    return reports.involvement_report(organisation=organisation, start=period[0], end=period[1], today=today)


def stored_periods(organisation=None):
    rows = StoredReport.objects.filter(organisation=organisation) if organisation else StoredReport.objects
    return {(row.start, row.end) for row in rows.all()}


Q4_2018 = (date(2018, 10, 1), date(2018, 12, 31))


def record(meeting, person, lead, taking_part_as="lived_experience"):
    services.attendance_record(
        activity=meeting,
        rows=[services.AttendanceRow(person, taking_part_as, "attended", Decimal("2"))],
        actor=lead,
    )


@pytest.fixture
def records(organisation):
    meeting = activity(organisation, date(2019, 2, 4))
    audit = activity(organisation, date(2019, 3, 4), "audit_inspection")
    for person in (PersonFactory(organisation=organisation) for _ in range(3)):
        AttendanceFactory(activity=meeting, person=person)
    AttendanceFactory(activity=audit, taking_part_as="carer")
    AttendanceFactory(activity=activity(organisation, date(2018, 11, 1)))
    services.placement_create(
        organisation=organisation,
        actor=None,
        person=PersonFactory(organisation=organisation),
        role=builtin_role("peer_mentor"),
        team="Ward 3",
        starts_on=date(2018, 6, 1),
    )
    return meeting


def test_an_ended_periods_figures_are_stored_and_read_back_the_same(organisation, records):
    computed = selectors.involvement_report(organisation=organisation, start=Q1[0], end=Q1[1])
    first = report(organisation)
    assert stored_periods(organisation) == {Q1, Q4_2018}
    with CaptureQueriesContext(connection) as queries:
        again = report(organisation)
    assert first == computed == again
    assert (again.lived_experience.current, again.carers.current, again.volunteers.current) == (3, 1, 1)
    assert len(queries) <= 3  # both periods' stored figures, then the names of their types and roles


def test_a_period_still_running_is_never_stored_but_the_one_before_it_is(organisation, records):
    running = report(organisation, today=Q1[1])
    assert stored_periods() == {Q4_2018}
    with CaptureQueriesContext(connection) as queries:
        again = report(organisation, today=Q1[1])
    assert again == running
    # The running period's four queries, the period before's stored figures, the names.
    assert len(queries) == 7


def test_recording_attendance_in_the_period_forgets_the_stored_figures(organisation, lead, records):
    assert report(organisation).people.current == 4
    record(records, PersonFactory(organisation=organisation), lead)
    assert stored_periods() == {Q4_2018}  # a February change leaves the quarter before alone
    assert report(organisation).people.current == 5


def test_a_change_long_after_the_period_keeps_them(organisation, lead, records):
    report(organisation)
    later = activity(organisation, date(2021, 5, 5))
    record(later, PersonFactory(organisation=organisation), lead)
    assert stored_periods() == {Q1, Q4_2018}


def test_a_change_in_the_twelve_months_before_forgets_them_for_new_voices(organisation, lead, records):
    before = report(organisation)
    earlier = activity(organisation, date(2018, 1, 10))
    regular = records.attendances.first().person
    record(earlier, regular, lead)
    assert not StoredReport.objects.exists()  # January 2018 is in the year before both quarters
    # The regular was involved in the 12 months before Q1 2019 now, so is no longer a new voice in it.
    assert report(organisation).new_voices.current == before.new_voices.current - 1


def activity_on(organisation, day):
    from coproduce.involvement.models import Activity

    return Activity.objects.get(organisation=organisation, starts_at__date=day)


def test_moving_or_removing_an_activity_or_attendance_forgets_them(organisation, lead, records):
    report(organisation)
    services.activity_update(
        activity=records, actor=lead, starts_at=at(date(2019, 4, 2)), ends_at=at(date(2019, 4, 2), 12)
    )
    assert report(organisation).lived_experience.current == 0
    audit = selectors.attendance_for(activity=activity_on(organisation, date(2019, 3, 4)))
    services.attendance_remove(attendance=audit.get(), actor=lead)
    assert stored_periods() == {Q4_2018}
    assert report(organisation).carers.current == 0


def test_placements_forget_the_periods_they_overlap(organisation, lead, records):
    report(organisation)
    placement = services.placement_create(
        organisation=organisation,
        actor=lead,
        person=PersonFactory(organisation=organisation),
        role=builtin_role("befriender"),
        team="Ward 7",
        starts_on=date(2019, 2, 1),
    )
    assert report(organisation).volunteers.current == 2
    services.placement_update(placement=placement, actor=lead, starts_on=date(2020, 1, 1))
    assert report(organisation).volunteers.current == 1


def test_figures_computed_while_records_changed_are_not_kept(organisation, lead, records, monkeypatch):
    compute = selectors.period_figures

    def computed_while_someone_records(**kwargs):
        figures = compute(**kwargs)
        if kwargs["start"] == Q1[0]:
            record(activity(organisation, date(2019, 3, 20)), PersonFactory(organisation=organisation), lead)
        return figures

    monkeypatch.setattr(selectors, "period_figures", computed_while_someone_records)
    report(organisation)
    assert stored_periods() == {Q4_2018}  # computed after the change
    monkeypatch.setattr(selectors, "period_figures", compute)
    assert report(organisation).people.current == 5


def test_another_organisations_changes_keep_them(organisation, other_organisation, lead, records):
    report(organisation)
    services.activity_create(
        organisation=other_organisation,
        actor=lead,
        activity_type=records.activity_type,
        title="Theirs",
        starts_at=at(date(2019, 2, 1)),
        ends_at=at(date(2019, 2, 1), 12),
    )
    assert stored_periods(organisation) == {Q1, Q4_2018}
    assert report(other_organisation).people.current == 0
    assert report(organisation).people.current == 4


def test_the_report_page_shows_figures_recorded_after_it_was_first_opened(
    client, lead, organisation, records
):
    client.force_login(lead)
    url = f"/o/{organisation.slug}/reports/involvement/?start=2019-01-01&end=2019-03-31"
    assert client.get(url).context["report"].people.current == 4
    record(records, PersonFactory(organisation=organisation), lead)
    assert client.get(url).context["report"].people.current == 5


def test_the_previous_period_days_are_kept(organisation, records):
    stored = report(organisation)
    assert (stored.previous_start, stored.previous_end) == (date(2018, 10, 1), date(2018, 12, 31))
    assert report(organisation).previous_end + timedelta(days=1) == Q1[0]
