"""New voices are read from each attended row's `previous_attended_at`, which the services keep. Whatever
the services do to attendance and activity times, the count matches a count made the long way: people
who took part in the period and not in the 365 days before it."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from coproduce.core.tests.factories import OrganisationFactory
from coproduce.involvement import services
from coproduce.involvement.models import Attendance, refresh_previous_attendance
from coproduce.involvement.selectors import NEW_VOICE_LOOKBACK, day_start, period_figures
from coproduce.involvement.tests.test_report import activity, at
from coproduce.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

FIRST_DAY = date(2018, 1, 1)
PERIODS = [
    (date(2018, 10, 1), date(2018, 12, 31)),
    (date(2019, 1, 1), date(2019, 3, 31)),
    (date(2019, 2, 10), date(2019, 8, 20)),
]


def counted_the_long_way(organisation, start: date, end: date) -> int:
    attended = Attendance.objects.filter(activity__organisation=organisation, status="attended")
    period_from, period_to = day_start(start), day_start(end + timedelta(days=1))
    in_period = set(
        attended.filter(activity__starts_at__gte=period_from, activity__starts_at__lt=period_to).values_list(
            "person_id", flat=True
        )
    )
    before = set(
        attended.filter(
            activity__starts_at__gte=period_from - NEW_VOICE_LOOKBACK, activity__starts_at__lt=period_from
        ).values_list("person_id", flat=True)
    )
    return len(in_period - before)


steps = st.lists(
    st.one_of(
        # record: (activity, person, attended?)
        st.tuples(st.just("record"), st.integers(0, 2), st.integers(0, 1), st.booleans()),
        # move an activity to another day
        st.tuples(st.just("move"), st.integers(0, 2), st.integers(0, 600)),
        # remove someone from an activity's register
        st.tuples(st.just("remove"), st.integers(0, 2), st.integers(0, 1)),
    ),
    max_size=25,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(days=st.lists(st.integers(0, 600), min_size=3, max_size=3), steps=steps)
# Each service's part, for certain: a later attendance, a moved activity, a removed attendance.
@example(days=[300, 500, 0], steps=[("record", 1, 0, True), ("record", 0, 0, True)])
@example(days=[300, 500, 0], steps=[("record", 0, 0, True), ("record", 1, 0, True), ("move", 0, 550)])
@example(days=[300, 500, 0], steps=[("record", 0, 0, True), ("record", 1, 0, True), ("remove", 0, 0)])
def test_new_voices_match_a_count_made_the_long_way(lead, days, steps):
    organisation = OrganisationFactory()  # each example starts with nothing
    activities = [activity(organisation, FIRST_DAY + timedelta(days=day)) for day in days]
    people = [PersonFactory(organisation=organisation) for _ in range(2)]
    for step in steps:
        if step[0] == "record":
            _kind, a, p, attended = step
            row = services.AttendanceRow(
                people[p], "lived_experience", "attended" if attended else "apologies", Decimal("1")
            )
            services.attendance_record(activity=activities[a], rows=[row], actor=lead)
        elif step[0] == "move":
            _kind, a, day = step
            moved = FIRST_DAY + timedelta(days=day)
            activities[a] = services.activity_update(
                activity=activities[a], actor=lead, starts_at=at(moved), ends_at=at(moved, 12)
            )
        else:
            _kind, a, p = step
            row = Attendance.objects.filter(activity=activities[a], person=people[p]).first()
            if row is not None:
                services.attendance_remove(attendance=row, actor=lead)
        # After every change the kept dates are already right: putting them right changes nothing.
        assert refresh_previous_attendance(organisation=organisation) == 0, step
    for start, end in PERIODS:
        figures = period_figures(organisation=organisation, start=start, end=end)
        assert figures.new_voices == counted_the_long_way(organisation, start, end), (start, end)


def test_the_migration_fills_what_the_services_keep(organisation, lead):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "coproduce.involvement.migrations.0007_attendance_previous_attended_at"
    )
    people = [PersonFactory(organisation=organisation) for _ in range(3)]
    for day in (3, 40, 41, 400, 400):
        meeting = activity(organisation, FIRST_DAY + timedelta(days=day))
        rows = [services.AttendanceRow(p, "carer", "attended", Decimal("1")) for p in people]
        rows[2].status = "did_not_attend"
        services.attendance_record(activity=meeting, rows=rows, actor=lead)
    kept = dict(Attendance.objects.values_list("id", "previous_attended_at"))
    assert sum(value is not None for value in kept.values()) == 8  # 4 each for the two who attended
    Attendance.objects.update(previous_attended_at=None)
    migration.fill_previous_attended_at(apps, None)
    assert dict(Attendance.objects.values_list("id", "previous_attended_at")) == kept
