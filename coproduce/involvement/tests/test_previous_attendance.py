"""The report counts unique people, carers, people with lived experience (overall and by type) and new
voices by counting each person's first row in the period, using the dates every attended row keeps of
its person's previous part (models.PreviousAttendance). Whatever the services do (record, remove, move
an activity, change its type), the dates are already right afterwards and the counts match counts made
the long way, with sets."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from coproduce.core.tests.factories import OrganisationFactory
from coproduce.involvement import services
from coproduce.involvement.models import PREVIOUS_FIELDS, Attendance, refresh_previous_attendance
from coproduce.involvement.selectors import NEW_VOICE_LOOKBACK, day_start, period_figures
from coproduce.involvement.tests.factories import builtin_type
from coproduce.involvement.tests.test_report import activity, at
from coproduce.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

FIRST_DAY = date(2018, 1, 1)
PARTS = ("lived_experience", "carer")
TYPES = ("meeting", "audit_inspection")
PERIODS = [
    (date(2018, 10, 1), date(2018, 12, 31)),
    (date(2019, 1, 1), date(2019, 3, 31)),
    (date(2019, 2, 10), date(2019, 8, 20)),
]


def counted_the_long_way(organisation, start: date, end: date) -> dict:
    """The figures period_figures counts from the kept dates, counted with sets instead."""
    attended = Attendance.objects.filter(activity__organisation=organisation, status="attended")
    period_from, period_to = day_start(start), day_start(end + timedelta(days=1))
    rows = list(
        attended.filter(activity__starts_at__gte=period_from, activity__starts_at__lt=period_to).values_list(
            "person_id", "taking_part_as", "activity__activity_type_id"
        )
    )
    before = set(
        attended.filter(
            activity__starts_at__gte=period_from - NEW_VOICE_LOOKBACK, activity__starts_at__lt=period_from
        ).values_list("person_id", flat=True)
    )
    people = {person for person, _part, _type in rows}
    by_type = {}
    for type_id in {type_id for _person, _part, type_id in rows}:
        by_type[type_id] = tuple(
            len({person for person, part, t in rows if t == type_id and part == wanted})
            for wanted in ("lived_experience", "carer")
        )
    return {
        "people": len(people),
        "new_voices": len(people - before),
        "lived_experience": len({person for person, part, _type in rows if part == "lived_experience"}),
        "carers": len({person for person, part, _type in rows if part == "carer"}),
        "by_type": by_type,
    }


def counted_from_kept_dates(organisation, start: date, end: date) -> dict:
    figures = period_figures(organisation=organisation, start=start, end=end)
    return {
        "people": figures.people,
        "new_voices": figures.new_voices,
        "lived_experience": figures.lived_experience,
        "carers": figures.carers,
        "by_type": {  # types with sessions but nobody taking part have no rows to count the long way
            pk: (le, carers)
            for pk, (le, carers, _sessions, hours) in figures.by_type.items()
            if hours or le or carers
        },
    }


steps = st.lists(
    st.one_of(
        # record: (activity, person, attended?, taking part as)
        st.tuples(
            st.just("record"), st.integers(0, 2), st.integers(0, 1), st.booleans(), st.sampled_from(PARTS)
        ),
        # move an activity to another day
        st.tuples(st.just("move"), st.integers(0, 2), st.integers(0, 600)),
        # change an activity's type
        st.tuples(st.just("retype"), st.integers(0, 2), st.sampled_from(TYPES)),
        # remove someone from an activity's register
        st.tuples(st.just("remove"), st.integers(0, 2), st.integers(0, 1)),
    ),
    max_size=25,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(days=st.lists(st.integers(0, 600), min_size=3, max_size=3), steps=steps)
# Each service's part, for certain: a later attendance, a moved activity, a removed attendance.
@example(days=[300, 500, 0], steps=[("record", 1, 0, True, "carer"), ("record", 0, 0, True, "carer")])
@example(
    days=[300, 500, 0],
    steps=[("record", 0, 0, True, "carer"), ("record", 1, 0, True, "carer"), ("move", 0, 550)],
)
@example(
    days=[300, 500, 0],
    steps=[("record", 0, 0, True, "carer"), ("record", 1, 0, True, "carer"), ("remove", 0, 0)],
)
@example(
    days=[300, 500, 0],
    steps=[
        ("record", 0, 0, True, "carer"),
        ("record", 1, 0, True, "carer"),
        ("retype", 0, "audit_inspection"),
    ],
)
def test_counts_match_counts_made_the_long_way(lead, days, steps):
    organisation = OrganisationFactory()  # each example starts with nothing
    activities = [activity(organisation, FIRST_DAY + timedelta(days=day)) for day in days]
    people = [PersonFactory(organisation=organisation) for _ in range(2)]
    for step in steps:
        if step[0] == "record":
            _kind, a, p, attended, part = step
            row = services.AttendanceRow(
                people[p], part, "attended" if attended else "apologies", Decimal("1")
            )
            services.attendance_record(activity=activities[a], rows=[row], actor=lead)
        elif step[0] == "move":
            _kind, a, day = step
            moved = FIRST_DAY + timedelta(days=day)
            activities[a] = services.activity_update(
                activity=activities[a], actor=lead, starts_at=at(moved), ends_at=at(moved, 12)
            )
        elif step[0] == "retype":
            _kind, a, code = step
            activities[a] = services.activity_update(
                activity=activities[a], actor=lead, activity_type=builtin_type(code)
            )
        else:
            _kind, a, p = step
            row = Attendance.objects.filter(activity=activities[a], person=people[p]).first()
            if row is not None:
                services.attendance_remove(attendance=row, actor=lead)
        # After every change the kept dates are already right: putting them right changes nothing.
        assert refresh_previous_attendance(organisation=organisation) == 0, step
    for start, end in PERIODS:
        assert counted_from_kept_dates(organisation, start, end) == counted_the_long_way(
            organisation, start, end
        )


def test_the_migration_fills_what_the_services_keep(organisation, lead):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "coproduce.involvement.migrations.0007_attendance_previous_attendance"
    )
    people = [PersonFactory(organisation=organisation) for _ in range(3)]
    for day in (3, 40, 41, 400, 400):
        meeting = activity(organisation, FIRST_DAY + timedelta(days=day))
        rows = [services.AttendanceRow(p, "carer", "attended", Decimal("1")) for p in people]
        rows[2].status = "did_not_attend"
        services.attendance_record(activity=meeting, rows=rows, actor=lead)
    kept = {row[0]: row[1:] for row in Attendance.objects.values_list("id", *PREVIOUS_FIELDS)}
    assert sum(dates[0] is not None for dates in kept.values()) == 8  # 4 each for the two who attended
    Attendance.objects.update(**dict.fromkeys(PREVIOUS_FIELDS))
    migration.fill_previous_attendance(apps, None)
    assert {row[0]: row[1:] for row in Attendance.objects.values_list("id", *PREVIOUS_FIELDS)} == kept
