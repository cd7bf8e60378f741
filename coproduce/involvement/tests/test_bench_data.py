"""Benchmark volume (bench_data, seed_demo --scale) and the bench's hand-written report query."""

import importlib.util
import os
from collections import Counter
from datetime import date
from pathlib import Path

from django.db import connection
from django.db.models import Count

from coproduce.core.tests.factories import OrganisationFactory
from coproduce.involvement import bench_data
from coproduce.involvement.models import Activity, Attendance, refresh_previous_attendance
from coproduce.people.models import AccessNeeds, Person

BENCH = Path(__file__).resolve().parents[3] / "scripts" / "bench.py"


def load_bench():
    """scripts/bench.py as a module, without letting it change this process's settings variable."""
    saved = os.environ.get("DJANGO_SETTINGS_MODULE")
    spec = importlib.util.spec_from_file_location("bench", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    os.environ["DJANGO_SETTINGS_MODULE"] = saved
    return bench


def test_build_adds_a_register_and_realistic_attendance(db):
    # The generator seeds itself from the slug: a fixed slug makes the shares below repeatable,
    # whichever tests ran before (a factory's slug counts up across the session).
    organisation = OrganisationFactory(slug="bench-shares")
    built = bench_data.build(organisation, people=400, attendances=8000, seed=1, today=date(2026, 11, 25))

    people = Person.objects.filter(organisation=organisation)
    assert (
        built.people
        == people.count()
        == AccessNeeds.objects.filter(person__organisation=organisation).count()
    )
    attendance = Attendance.objects.filter(activity__organisation=organisation)
    assert built.attendances == attendance.count()
    assert 7000 <= built.attendances <= 8500
    assert built.activities == Activity.objects.filter(organisation=organisation).count()
    first = Activity.objects.filter(organisation=organisation).order_by("starts_at").first().starts_at.date()
    assert (date(2026, 11, 25) - first).days <= 731

    parts = Counter(attendance.values_list("taking_part_as", flat=True))
    # About four in five attendances are lived experience; with 400 people a few very active ones
    # move the share by several points (0.70 to 0.82 across 13 slugs), hence the width.
    assert 0.66 <= parts["lived_experience"] / built.attendances <= 0.88
    assert 0.12 <= parts["carer"] / built.attendances <= 0.34
    statuses = Counter(attendance.values_list("status", flat=True))
    assert 0.04 <= statuses["apologies"] / built.attendances <= 0.12
    assert not attendance.exclude(status="attended").exclude(hours=0).exists()

    # Most people take part a few times, a few very often, some never.
    per_person = sorted(people.annotate(n=Count("attendances")).values_list("n", flat=True), reverse=True)
    assert per_person[len(per_person) // 2] < built.attendances / built.people
    assert per_person[0] > 5 * built.attendances / built.people
    assert 0 in per_person

    # The generator sets each row's previous_attended_at itself, as the services would have.
    assert attendance.exclude(previous_attended_at=None).count() > built.attendances / 2
    assert refresh_previous_attendance(organisation=organisation) == 0


def test_build_adds_more_each_time(db):
    organisation = OrganisationFactory()
    bench_data.build(organisation, people=30, attendances=300, seed=1)
    bench_data.build(organisation, people=30, attendances=300, seed=1)
    assert Person.objects.filter(organisation=organisation).count() == 60


def test_the_bench_query_computes_the_selectors_figures(db):
    """The bench compares the selector with one hand-written PostgreSQL query; they must agree."""
    bench = load_bench()
    organisation = OrganisationFactory()
    other = OrganisationFactory()
    bench_data.build(organisation, people=300, attendances=6000, seed=2)
    bench_data.build(other, people=30, attendances=600, seed=3)
    for _label, start, end in [*bench.report_periods(), ("custom", date(2025, 2, 10), date(2025, 8, 20))]:
        figures = bench.selector_figures(organisation, start, end)
        assert figures[0][2][0] or figures[0][2][1]  # someone took part
        if connection.vendor == "postgresql":  # the hand-written query is PostgreSQL's dialect
            assert bench.hand_written_figures(organisation, start, end) == figures
            assert bench.hand_written_figures(organisation, start, end, bench.CHECK_REPORT) == figures
