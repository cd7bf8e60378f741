"""The involvement report against small, hand-counted records."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coproduce.involvement.selectors import (
    involvement_report,
    last_complete_quarter,
    previous_period,
    quarter_of,
)
from coproduce.involvement.tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    PlacementFactory,
    builtin_role,
    builtin_type,
)
from coproduce.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

Q1 = (date(2019, 1, 1), date(2019, 3, 31))


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def activity(organisation, day, code="meeting", hours=2):
    return ActivityFactory(
        organisation=organisation,
        activity_type=builtin_type(code),
        starts_at=at(day),
        ends_at=at(day, 10 + hours),
    )


def test_unique_people_are_counted_once_and_by_how_they_took_part(organisation):
    pat, chris, dee = (PersonFactory(organisation=organisation) for _ in range(3))
    meetings = [activity(organisation, date(2019, 1, d)) for d in (5, 12, 19)]
    audit = activity(organisation, date(2019, 2, 1), "audit_inspection")
    for meeting in meetings:  # Pat at three meetings counts once
        AttendanceFactory(activity=meeting, person=pat)
    AttendanceFactory(activity=audit, person=pat)
    AttendanceFactory(activity=meetings[0], person=chris, taking_part_as="carer")
    AttendanceFactory(activity=audit, person=chris, taking_part_as="lived_experience")  # both: counts in each
    AttendanceFactory(activity=meetings[1], person=dee, status="apologies", hours=0)  # not involved
    report = involvement_report(organisation=organisation, start=Q1[0], end=Q1[1])
    assert report.lived_experience.current == 2
    assert report.carers.current == 1
    assert report.people.current == 2
    assert report.sessions.current == 4
    assert report.hours.current == Decimal("12")
    rows = {row.activity_type.code: row for row in report.by_type}
    assert rows["meeting"].lived_experience.current == 1
    assert rows["meeting"].carers.current == 1
    assert rows["meeting"].sessions.current == 3
    assert rows["audit_inspection"].lived_experience.current == 2


def test_adding_an_attendance_changes_the_report(organisation):
    meeting = activity(organisation, date(2019, 3, 1))
    AttendanceFactory(activity=meeting)
    before = involvement_report(organisation=organisation, start=Q1[0], end=Q1[1])
    AttendanceFactory(activity=meeting, taking_part_as="carer")
    after = involvement_report(organisation=organisation, start=Q1[0], end=Q1[1])
    assert (before.carers.current, after.carers.current) == (0, 1)
    assert after.people.current == before.people.current + 1


def test_the_period_before_and_new_voices(organisation):
    regular, newcomer = PersonFactory(organisation=organisation), PersonFactory(organisation=organisation)
    AttendanceFactory(activity=activity(organisation, date(2018, 11, 1)), person=regular)
    q1 = activity(organisation, date(2019, 2, 1))
    AttendanceFactory(activity=q1, person=regular)
    AttendanceFactory(activity=q1, person=newcomer)
    report = involvement_report(organisation=organisation, start=Q1[0], end=Q1[1])
    assert (report.previous_start, report.previous_end) == (date(2018, 10, 1), date(2018, 12, 31))
    assert report.lived_experience.previous == 1
    assert report.new_voices.current == 1  # the regular was involved in the 12 months before
    assert report.lived_experience.change == 1


def test_another_organisations_records_never_count(organisation, other_organisation):
    AttendanceFactory(activity=activity(other_organisation, date(2019, 2, 1)))
    report = involvement_report(organisation=organisation, start=Q1[0], end=Q1[1])
    assert report.people.current == 0 and report.by_type == []


def test_active_volunteers_by_role(organisation):
    PlacementFactory(organisation=organisation, role=builtin_role("peer_mentor"), starts_on=date(2018, 5, 1))
    PlacementFactory(organisation=organisation, role=builtin_role("peer_mentor"), starts_on=date(2019, 3, 31))
    PlacementFactory(
        organisation=organisation,
        role=builtin_role("activity_assistant"),
        starts_on=date(2018, 1, 1),
        ends_on=date(2018, 12, 31),
    )
    PlacementFactory(organisation=organisation, role=builtin_role("befriender"), starts_on=date(2019, 4, 1))
    report = involvement_report(organisation=organisation, start=Q1[0], end=Q1[1])
    assert report.volunteers.current == 2
    assert report.volunteers.previous == 2  # the peer mentor from 2018 and the assistant who ended in 2018
    assert {str(role): figure.current for role, figure in report.volunteers_by_role} == {
        "Peer mentor": 2,
        "Activity assistant": 0,
    }


def test_the_report_uses_the_same_number_of_queries_for_1_and_200_activities(organisation):
    def add(count):
        for n in range(count):
            a = activity(
                organisation, date(2019, 1, 1) + timedelta(days=n % 80), code=["meeting", "event"][n % 2]
            )
            AttendanceFactory(activity=a)
        PlacementFactory(organisation=organisation, starts_on=date(2019, 1, 1))

    add(1)
    with CaptureQueriesContext(connection) as few:
        involvement_report(organisation=organisation, start=Q1[0], end=Q1[1])
    add(199)
    with CaptureQueriesContext(connection) as many:
        involvement_report(organisation=organisation, start=Q1[0], end=Q1[1])
    assert len(few) == len(many)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    records=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=5),  # person
            st.integers(min_value=0, max_value=3),  # activity
            st.sampled_from(["lived_experience", "carer", "staff"]),
            st.sampled_from(["attended", "attended", "apologies"]),
        ),
        max_size=25,
        unique_by=lambda r: (r[0], r[1]),
    )
)
def test_unique_counts_match_a_hand_count(organisation, records):
    from coproduce.involvement.models import Activity, Attendance

    Attendance.objects.filter(activity__organisation=organisation).delete()
    Activity.objects.filter(organisation=organisation).delete()
    people = [PersonFactory(organisation=organisation) for _ in range(6)]
    activities = [activity(organisation, date(2019, 1, 10 + n)) for n in range(4)]
    for p, a, as_, status in records:
        AttendanceFactory(activity=activities[a], person=people[p], taking_part_as=as_, status=status)
    report = involvement_report(organisation=organisation, start=Q1[0], end=Q1[1])
    attended = [r for r in records if r[3] == "attended"]
    assert report.lived_experience.current == len(
        {p for p, _a, as_, _s in attended if as_ == "lived_experience"}
    )
    assert report.carers.current == len({p for p, _a, as_, _s in attended if as_ == "carer"})
    assert report.people.current == len({p for p, *_ in attended})


def test_quarters():
    assert quarter_of(date(2019, 2, 14)) == (date(2019, 1, 1), date(2019, 3, 31))
    assert quarter_of(date(2019, 12, 31)) == (date(2019, 10, 1), date(2019, 12, 31))
    assert last_complete_quarter(date(2026, 11, 25)) == (date(2026, 7, 1), date(2026, 9, 30))
    assert previous_period(date(2019, 1, 1), date(2019, 3, 31)) == (date(2018, 10, 1), date(2018, 12, 31))
    assert previous_period(date(2019, 2, 1), date(2019, 2, 10)) == (date(2019, 1, 22), date(2019, 1, 31))


def test_the_demo_reproduces_the_seed_figures_from_raw_records(db):
    from django.core.management import call_command

    from coproduce.core.models import Organisation

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    demo = Organisation.objects.get(slug="demo")
    report = involvement_report(organisation=demo, start=Q1[0], end=Q1[1])
    assert (report.lived_experience.current, report.carers.current) == (317, 80)
    assert {row.activity_type.code for row in report.by_type} == {
        "meeting",
        "audit_inspection",
        "recruitment_selection",
        "training_delivered",
    }
    roles = {str(role): figure.current for role, figure in report.volunteers_by_role}
    assert report.volunteers.current == 119
    assert (roles["Activity assistant"], roles["Peer mentor"]) == (41, 34)
