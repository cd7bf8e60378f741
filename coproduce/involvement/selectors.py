"""Reads for involvement, and the involvement report. Every figure is an aggregate in the database."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from coproduce.core.models import Organisation

from .models import (
    Activity,
    ActivityType,
    Attendance,
    AttendanceStatus,
    Placement,
    TakingPartAs,
    VolunteerRole,
)

NEW_VOICE_LOOKBACK = timedelta(days=365)


def activity_types_for(*, organisation: Organisation) -> QuerySet[ActivityType]:
    return ActivityType.objects.filter(Q(organisation__isnull=True) | Q(organisation=organisation))


def volunteer_roles_for(*, organisation: Organisation) -> QuerySet[VolunteerRole]:
    return VolunteerRole.objects.filter(Q(organisation__isnull=True) | Q(organisation=organisation))


def activity_list(
    *,
    organisation: Organisation,
    activity_type: ActivityType | None = None,
    start: date | None = None,
    end: date | None = None,
    search: str = "",
) -> QuerySet[Activity]:
    activities = (
        Activity.objects.filter(organisation=organisation)
        .select_related("activity_type", "organisation", "group")
        # A subquery per row, not a join: grouping every activity with all its attendance made the
        # list (and its count) take a second at 2 million rows.
        .annotate(
            attended_count=Coalesce(
                Subquery(
                    Attendance.objects.filter(activity=OuterRef("pk"), status=AttendanceStatus.ATTENDED)
                    .order_by()
                    .values("activity")
                    .annotate(n=Count("*"))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
        )
        .order_by("-starts_at", "-id")
    )
    if activity_type is not None:
        activities = activities.filter(activity_type=activity_type)
    if start:
        activities = activities.filter(starts_at__gte=day_start(start))
    if end:
        activities = activities.filter(starts_at__lt=day_start(end + timedelta(days=1)))
    if search:
        activities = activities.filter(title__icontains=search)
    return activities


def attendance_for(*, activity: Activity) -> QuerySet[Attendance]:
    return (
        Attendance.objects.filter(activity=activity)
        .select_related("person", "person__organisation")
        .order_by("person__full_name")
    )


def involvement_history(*, person) -> QuerySet[Attendance]:
    return (
        Attendance.objects.filter(person=person)
        .select_related("activity", "activity__activity_type", "activity__organisation")
        .order_by("-activity__starts_at")
    )


def involvement_totals(*, person, since: date | None = None) -> dict:
    attended = Attendance.objects.filter(person=person, status=AttendanceStatus.ATTENDED)
    if since:
        attended = attended.filter(activity__starts_at__gte=day_start(since))
    totals = attended.aggregate(sessions=Count("id"), hours=Sum("hours"))
    return {"sessions": totals["sessions"], "hours": totals["hours"] or Decimal("0")}


def placement_list(*, organisation: Organisation, current_only: bool = False) -> QuerySet[Placement]:
    placements = (
        Placement.objects.filter(organisation=organisation, person__erased_at__isnull=True)
        .select_related("person", "role", "organisation")
        .annotate(total_hours=Sum("hours_logged__hours"))
        .order_by("person__full_name", "-starts_on")
    )
    if current_only:
        today = timezone.localdate()
        placements = placements.filter(starts_on__lte=today).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=today)
        )
    return placements


# Periods.


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def quarter_of(day: date) -> tuple[date, date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    end = (date(day.year + (first_month + 3 > 12), (first_month + 2) % 12 + 1, 1)) - timedelta(days=1)
    return start, end


def last_complete_quarter(today: date) -> tuple[date, date]:
    start, _end = quarter_of(today)
    return quarter_of(start - timedelta(days=1))


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same kind just before: the previous quarter for a quarter, else the same length."""
    if (start, end) == quarter_of(start):
        return quarter_of(start - timedelta(days=1))
    length = end - start
    previous_end = start - timedelta(days=1)
    return previous_end - length, previous_end


def quarter_label(start: date) -> str:
    return f"{start.year} Q{(start.month - 1) // 3 + 1}"


def quarter_choices(*, organisation: Organisation, today: date) -> list[tuple[str, str]]:
    """Every quarter from the first recorded activity to now, newest first."""
    first = (
        Activity.objects.filter(organisation=organisation)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    start = quarter_of(timezone.localtime(first).date())[0] if first else quarter_of(today)[0]
    choices = []
    current = quarter_of(today)[0]
    while current >= start:
        choices.append((current.isoformat(), quarter_label(current)))
        current = quarter_of(current - timedelta(days=1))[0]
    return choices


# The involvement report.


@dataclass
class Figure:
    current: int | Decimal
    previous: int | Decimal

    @property
    def change(self):
        return self.current - self.previous


@dataclass
class TypeRow:
    activity_type: ActivityType
    lived_experience: Figure
    carers: Figure
    sessions: Figure
    hours: Figure


@dataclass
class InvolvementReport:
    start: date
    end: date
    previous_start: date
    previous_end: date
    lived_experience: Figure
    carers: Figure
    people: Figure
    new_voices: Figure
    sessions: Figure
    hours: Figure
    volunteers: Figure
    by_type: list[TypeRow] = field(default_factory=list)
    volunteers_by_role: list[tuple[VolunteerRole, Figure]] = field(default_factory=list)


@dataclass
class PeriodFigures:
    """One period's figures, by id of type and role: the report sets two side by side. Plain values,
    so a period that has ended can be stored as they are (reports.py)."""

    lived_experience: int
    carers: int
    people: int
    new_voices: int
    sessions: int
    hours: Decimal
    volunteers: int
    # type id: (lived experience, carers, sessions, hours)
    by_type: dict[int, tuple[int, int, int, Decimal]] = field(default_factory=dict)
    by_role: dict[int, int] = field(default_factory=dict)  # role id: active volunteers


def period_figures(*, organisation: Organisation, start: date, end: date) -> PeriodFigures:
    """Unique people with lived experience and carers involved, by activity type, sessions, hours, new
    voices and active volunteers for one period. Someone at three meetings counts once; someone who is
    both counts where their attendance says. Four queries, whatever the data."""
    period_from, period_to = day_start(start), day_start(end + timedelta(days=1))
    attended = Attendance.objects.filter(
        activity__organisation=organisation,
        status=AttendanceStatus.ATTENDED,
        activity__starts_at__gte=period_from,
        activity__starts_at__lt=period_to,
    )
    as_le = Q(taking_part_as=TakingPartAs.LIVED_EXPERIENCE)
    as_carer = Q(taking_part_as=TakingPartAs.CARER)

    def dated_before(field: str, moment: datetime) -> Q:
        return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": moment})

    # Each attended row knows when its person last took part before it (at all, the same way, the same
    # way in the same type: models.PreviousAttendance). Only a person's first row in the period is dated
    # before the period began, so counting those rows counts each person once: no DISTINCT, no sorting,
    # and a new voice (no part in the twelve months before) is a first row dated before the year began.
    def first_rows(field: str) -> Q:
        return dated_before(field, period_from)

    per_type = list(
        attended.values("activity__activity_type").annotate(
            people=Count("id", filter=first_rows("previous_attended_at")),
            new_voices=Count(
                "id", filter=dated_before("previous_attended_at", period_from - NEW_VOICE_LOOKBACK)
            ),
            lived_experience=Count("id", filter=as_le & first_rows("previous_same_part_at")),
            carers=Count("id", filter=as_carer & first_rows("previous_same_part_at")),
            type_lived_experience=Count("id", filter=as_le & first_rows("previous_same_type_and_part_at")),
            type_carers=Count("id", filter=as_carer & first_rows("previous_same_type_and_part_at")),
            hours=Sum("hours"),
        )
    )
    # Each person's first row falls in one type, so the types' first rows add up to the totals.
    totals = {
        name: sum(row[name] for row in per_type)
        for name in ("people", "new_voices", "lived_experience", "carers")
    }
    by_type_people = {row["activity__activity_type"]: row for row in per_type}
    sessions = dict(
        Activity.objects.filter(
            organisation=organisation, starts_at__gte=period_from, starts_at__lt=period_to
        )
        .values("activity_type")
        .annotate(count=Count("id"))
        .values_list("activity_type", "count")
    )
    by_type = {}
    for type_id in set(by_type_people) | set(sessions):
        row = by_type_people.get(type_id, {})
        by_type[type_id] = (
            row.get("type_lived_experience", 0),
            row.get("type_carers", 0),
            sessions.get(type_id, 0),
            row.get("hours") or Decimal("0"),
        )

    placements = Placement.objects.filter(organisation=organisation, starts_on__lte=end).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=start)
    )
    by_role = dict(
        placements.values("role").annotate(count=Count("person", distinct=True)).values_list("role", "count")
    )
    return PeriodFigures(
        lived_experience=totals["lived_experience"],
        carers=totals["carers"],
        people=totals["people"],
        new_voices=totals["new_voices"],
        sessions=sum(sessions.values()),
        hours=sum((row["hours"] or Decimal("0") for row in per_type), Decimal("0")),
        volunteers=placements.aggregate(count=Count("person", distinct=True))["count"],
        by_type=by_type,
        by_role=by_role,
    )


def involvement_report(*, organisation: Organisation, start: date, end: date) -> InvolvementReport:
    """The period's figures against the period before, computed from the records. (reports.py is the
    entry point for pages, exports and the API: it keeps figures of periods that have ended.)"""
    previous_start, previous_end = previous_period(start, end)
    return report_from(
        period_figures(organisation=organisation, start=start, end=end),
        period_figures(organisation=organisation, start=previous_start, end=previous_end),
        start=start,
        end=end,
    )


def report_from(now: PeriodFigures, before: PeriodFigures, *, start: date, end: date) -> InvolvementReport:
    """Two periods' figures side by side, with the names of their activity types and roles (two queries)."""
    previous_start, previous_end = previous_period(start, end)
    types = ActivityType.objects.in_bulk(set(now.by_type) | set(before.by_type))
    roles = VolunteerRole.objects.in_bulk(set(now.by_role) | set(before.by_role))
    none = (0, 0, 0, Decimal("0"))
    by_type = []
    for type_id in sorted(types, key=lambda pk: (types[pk].position, types[pk].name)):
        current, previous = now.by_type.get(type_id, none), before.by_type.get(type_id, none)
        by_type.append(
            TypeRow(
                activity_type=types[type_id],
                lived_experience=Figure(current[0], previous[0]),
                carers=Figure(current[1], previous[1]),
                sessions=Figure(current[2], previous[2]),
                hours=Figure(current[3], previous[3]),
            )
        )
    volunteers_by_role = sorted(
        (
            (roles[role_id], Figure(now.by_role.get(role_id, 0), before.by_role.get(role_id, 0)))
            for role_id in roles
        ),
        key=lambda pair: (-pair[1].current, str(pair[0])),
    )
    return InvolvementReport(
        start=start,
        end=end,
        previous_start=previous_start,
        previous_end=previous_end,
        lived_experience=Figure(now.lived_experience, before.lived_experience),
        carers=Figure(now.carers, before.carers),
        people=Figure(now.people, before.people),
        new_voices=Figure(now.new_voices, before.new_voices),
        sessions=Figure(now.sessions, before.sessions),
        hours=Figure(now.hours, before.hours),
        volunteers=Figure(now.volunteers, before.volunteers),
        by_type=by_type,
        volunteers_by_role=volunteers_by_role,
    )
