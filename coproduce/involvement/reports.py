"""The involvement report: one entry point for the page, the exports, the API and the bench, with the
figures of periods that have ended stored so the report opens at once; and its rows for CSV and XLSX
(the same figures as the page, nothing recomputed)."""

from dataclasses import asdict
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from coproduce.core.models import Organisation

from . import selectors
from .models import InvolvementChanged, StoredReport, refresh_previous_attendance
from .selectors import NEW_VOICE_LOOKBACK, InvolvementReport, PeriodFigures


def involvement_report(
    *, organisation: Organisation, start: date, end: date, today: date | None = None
) -> InvolvementReport:
    """The report for a period against the one before. Each period's figures are computed once from
    the records and stored until a change to its records forgets them; a period still running is
    computed every time (its records change every day), and only its own figures: the period before
    it has ended, so that half is usually stored already."""
    today = today or timezone.localdate()
    periods = [(start, end), selectors.previous_period(start, end)]
    ended = [(first, last) for first, last in periods if last < today]
    stored = {}
    if ended:
        which = Q()
        for first, last in ended:
            which |= Q(start=first, end=last)
        stored = {
            (row.start, row.end): _from_figures(row.figures)
            for row in StoredReport.objects.filter(which, organisation=organisation)
        }
    now, before = [
        stored.get(period) or _computed(organisation, *period, store=period in ended) for period in periods
    ]
    return selectors.report_from(now, before, start=start, end=end)


def _computed(organisation: Organisation, start: date, end: date, *, store: bool) -> PeriodFigures:
    started = timezone.now()
    figures = selectors.period_figures(organisation=organisation, start=start, end=end)
    if store:
        _store(organisation, start, end, figures, started)
    return figures


def forget_stored_reports(organisation: Organisation, first: date | None = None, last: date | None = None):
    """Called by every service that changes activities, attendance or placements dated `first` to
    `last` (None: no bound). Runs now and again after the change commits, so a report computed while
    the change was being made is never kept (see `_store`)."""

    def forget():
        InvolvementChanged.objects.update_or_create(
            organisation=organisation, defaults={"at": timezone.now()}
        )
        stored = StoredReport.objects.filter(organisation=organisation)
        if first is not None:
            stored = stored.filter(end__gte=first)
        if last is not None:
            stored = stored.filter(depends_from__lte=last)
        stored.delete()

    forget()
    transaction.on_commit(forget)


def attendance_written_in_bulk(organisation: Organisation) -> None:
    """For demo data written around the services: the new-voice dates they keep, then every period."""
    refresh_previous_attendance(organisation=organisation)
    forget_stored_reports(organisation)


def _store(organisation: Organisation, start: date, end: date, figures: PeriodFigures, started) -> None:
    StoredReport.objects.bulk_create(
        [
            StoredReport(
                organisation=organisation,
                start=start,
                end=end,
                depends_from=start - NEW_VOICE_LOOKBACK,
                figures=_to_json(figures),
            )
        ],
        ignore_conflicts=True,  # two people opening the same report at once store it once
    )
    # Kept only if no record changed since the computation began: otherwise it may miss that change.
    if InvolvementChanged.objects.filter(organisation=organisation, at__gte=started).exists():
        StoredReport.objects.filter(organisation=organisation, start=start, end=end).delete()


def _to_json(figures: PeriodFigures) -> dict:
    data = asdict(figures)
    data["hours"] = str(figures.hours)
    data["by_type"] = [
        [pk, le, carers, sessions, str(hours)]
        for pk, (le, carers, sessions, hours) in figures.by_type.items()
    ]
    data["by_role"] = [[pk, count] for pk, count in figures.by_role.items()]
    return data


def _from_figures(data: dict) -> PeriodFigures:
    return PeriodFigures(
        **{
            name: data[name]
            for name in ("lived_experience", "carers", "people", "new_voices", "sessions", "volunteers")
        },
        hours=Decimal(data["hours"]),
        by_type={
            pk: (le, carers, sessions, Decimal(hours)) for pk, le, carers, sessions, hours in data["by_type"]
        },
        by_role={pk: count for pk, count in data["by_role"]},
    )


def report_rows(report: InvolvementReport) -> tuple[list[str], list[list]]:
    header = [
        "Measure",
        "Activity type or role",
        f"{report.start} to {report.end}",
        f"{report.previous_start} to {report.previous_end}",
        "Change",
    ]
    rows = []

    def add(measure, subject, figure):
        rows.append([measure, subject, figure.current, figure.previous, figure.change])

    add("Unique people with lived experience involved", "All", report.lived_experience)
    add("Unique carers involved", "All", report.carers)
    add("Unique people involved", "All", report.people)
    add("New voices (not involved in the 12 months before)", "All", report.new_voices)
    add("Sessions", "All", report.sessions)
    add("Hours", "All", report.hours)
    for row in report.by_type:
        name = str(row.activity_type)
        add("Unique people with lived experience involved", name, row.lived_experience)
        add("Unique carers involved", name, row.carers)
        add("Sessions", name, row.sessions)
        add("Hours", name, row.hours)
    add("Active volunteers", "All", report.volunteers)
    for role, figure in report.volunteers_by_role:
        add("Active volunteers", str(role), figure)
    return header, rows
