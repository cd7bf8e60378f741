"""The involvement report: one entry point for the page, the exports, the API and the bench, with the
figures of periods that have ended stored so the report opens at once; and its rows for CSV and XLSX
(the same figures as the page, nothing recomputed)."""

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from coproduce.core.models import Organisation

from . import selectors
from .models import ActivityType, InvolvementChanged, StoredReport, VolunteerRole
from .selectors import NEW_VOICE_LOOKBACK, Figure, InvolvementReport, TypeRow


def involvement_report(
    *, organisation: Organisation, start: date, end: date, today: date | None = None
) -> InvolvementReport:
    """The report for a period. A period still running is computed every time; one that has ended is
    computed once from the records and stored, until a change to its records forgets it."""
    today = today or timezone.localdate()
    if end >= today:
        return selectors.involvement_report(organisation=organisation, start=start, end=end)
    stored = StoredReport.objects.filter(organisation=organisation, start=start, end=end).first()
    if stored is not None:
        report = _from_figures(stored.figures, start=start, end=end)
        if report is not None:
            return report
    started = timezone.now()
    report = selectors.involvement_report(organisation=organisation, start=start, end=end)
    _store(organisation, report, started)
    return report


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


def _store(organisation: Organisation, report: InvolvementReport, started: datetime) -> None:
    StoredReport.objects.bulk_create(
        [
            StoredReport(
                organisation=organisation,
                start=report.start,
                end=report.end,
                depends_from=report.previous_start - NEW_VOICE_LOOKBACK,
                figures=_figures(report),
            )
        ],
        ignore_conflicts=True,  # two people opening the same report at once store it once
    )
    # Kept only if no record changed since the computation began: otherwise it may miss that change.
    if InvolvementChanged.objects.filter(organisation=organisation, at__gte=started).exists():
        StoredReport.objects.filter(organisation=organisation, start=report.start, end=report.end).delete()


def _pair(figure: Figure) -> list:
    return [str(figure.current), str(figure.previous)]


def _figures(report: InvolvementReport) -> dict:
    return {
        "previous": [report.previous_start.isoformat(), report.previous_end.isoformat()],
        "totals": {
            name: _pair(getattr(report, name))
            for name in (
                "lived_experience",
                "carers",
                "people",
                "new_voices",
                "sessions",
                "hours",
                "volunteers",
            )
        },
        "by_type": [
            [row.activity_type.pk, *_pair(row.lived_experience), *_pair(row.carers)]
            + [*_pair(row.sessions), *_pair(row.hours)]
            for row in report.by_type
        ],
        "by_role": [[role.pk, *_pair(figure)] for role, figure in report.volunteers_by_role],
    }


def _from_figures(figures: dict, *, start: date, end: date) -> InvolvementReport | None:
    """The stored report, with today's names for its types and roles; None if one has gone."""
    types = ActivityType.objects.in_bulk([row[0] for row in figures["by_type"]])
    roles = VolunteerRole.objects.in_bulk([row[0] for row in figures["by_role"]])
    if len(types) != len(figures["by_type"]) or len(roles) != len(figures["by_role"]):
        return None

    def whole(current, previous) -> Figure:
        return Figure(int(current), int(previous))

    def hours(current, previous) -> Figure:
        return Figure(Decimal(current), Decimal(previous))

    totals = {name: (hours if name == "hours" else whole)(*pair) for name, pair in figures["totals"].items()}
    return InvolvementReport(
        start=start,
        end=end,
        previous_start=date.fromisoformat(figures["previous"][0]),
        previous_end=date.fromisoformat(figures["previous"][1]),
        **totals,
        by_type=[
            TypeRow(
                activity_type=types[row[0]],
                lived_experience=whole(*row[1:3]),
                carers=whole(*row[3:5]),
                sessions=whole(*row[5:7]),
                hours=hours(*row[7:9]),
            )
            for row in figures["by_type"]
        ],
        volunteers_by_role=[(roles[pk], whole(now, before)) for pk, now, before in figures["by_role"]],
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
