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


def involvement_report(*, organisation: Organisation, start: date, end: date) -> InvolvementReport:
    """Unique people with lived experience and carers involved, by activity type, sessions, hours, new
    voices and active volunteers, for a period and the one before. Someone at three meetings counts once;
    someone who is both counts where their attendance says. A fixed number of queries, whatever the data."""
    previous_start, previous_end = previous_period(start, end)
    now_from, now_to = day_start(start), day_start(end + timedelta(days=1))
    before_from, before_to = day_start(previous_start), day_start(previous_end + timedelta(days=1))
    in_now = Q(activity__starts_at__gte=now_from, activity__starts_at__lt=now_to)
    in_before = Q(activity__starts_at__gte=before_from, activity__starts_at__lt=before_to)
    as_le = Q(taking_part_as=TakingPartAs.LIVED_EXPERIENCE)
    as_carer = Q(taking_part_as=TakingPartAs.CARER)

    attended = Attendance.objects.filter(
        activity__organisation=organisation,
        status=AttendanceStatus.ATTENDED,
        activity__starts_at__gte=before_from,
        activity__starts_at__lt=now_to,
    )

    def people(condition: Q) -> Count:
        return Count("person", distinct=True, filter=condition)

    totals = attended.aggregate(
        le_now=people(in_now & as_le),
        le_before=people(in_before & as_le),
        carers_now=people(in_now & as_carer),
        carers_before=people(in_before & as_carer),
        people_now=people(in_now),
        people_before=people(in_before),
        hours_now=Sum("hours", filter=in_now),
        hours_before=Sum("hours", filter=in_before),
    )

    # A new voice took part in the period but not in the twelve months before it.
    # An uncorrelated subquery: PostgreSQL hashes it once (a correlated EXISTS ran per row: 20 s -> 1.7 s
    # for a quarter over 2 million attendance rows).
    def new_voices(period: Q, period_from: datetime) -> Count:
        earlier = (
            Attendance.objects.filter(
                activity__organisation=organisation,
                status=AttendanceStatus.ATTENDED,
                activity__starts_at__gte=period_from - NEW_VOICE_LOOKBACK,
                activity__starts_at__lt=period_from,
            )
            .values("person")
            .distinct()
        )
        return Count("person", distinct=True, filter=period & ~Q(person__in=earlier))

    voices = attended.aggregate(now=new_voices(in_now, now_from), before=new_voices(in_before, before_from))

    by_type_people = {
        row["activity__activity_type"]: row
        for row in attended.values("activity__activity_type").annotate(
            le_now=people(in_now & as_le),
            le_before=people(in_before & as_le),
            carers_now=people(in_now & as_carer),
            carers_before=people(in_before & as_carer),
            hours_now=Sum("hours", filter=in_now),
            hours_before=Sum("hours", filter=in_before),
        )
    }
    activity_now = Q(starts_at__gte=now_from, starts_at__lt=now_to)
    activity_before = Q(starts_at__gte=before_from, starts_at__lt=before_to)
    sessions = {
        row["activity_type"]: row
        for row in Activity.objects.filter(
            organisation=organisation, starts_at__gte=before_from, starts_at__lt=now_to
        )
        .values("activity_type")
        .annotate(now=Count("id", filter=activity_now), before=Count("id", filter=activity_before))
    }
    type_ids = set(by_type_people) | set(sessions)
    types = {t.pk: t for t in ActivityType.objects.filter(pk__in=type_ids)}
    zero = {
        "le_now": 0,
        "le_before": 0,
        "carers_now": 0,
        "carers_before": 0,
        "hours_now": None,
        "hours_before": None,
    }
    by_type = []
    for type_id in sorted(type_ids, key=lambda pk: (types[pk].position, types[pk].name)):
        p = by_type_people.get(type_id, zero)
        s = sessions.get(type_id, {"now": 0, "before": 0})
        by_type.append(
            TypeRow(
                activity_type=types[type_id],
                lived_experience=Figure(p["le_now"], p["le_before"]),
                carers=Figure(p["carers_now"], p["carers_before"]),
                sessions=Figure(s["now"], s["before"]),
                hours=Figure(p["hours_now"] or Decimal("0"), p["hours_before"] or Decimal("0")),
            )
        )

    def active(period_start: date, period_end: date) -> Q:
        return Q(starts_on__lte=period_end) & (Q(ends_on__isnull=True) | Q(ends_on__gte=period_start))

    placements = Placement.objects.filter(organisation=organisation)
    volunteer_totals = placements.aggregate(
        now=Count("person", distinct=True, filter=active(start, end)),
        before=Count("person", distinct=True, filter=active(previous_start, previous_end)),
    )
    by_role = placements.values("role").annotate(
        now=Count("person", distinct=True, filter=active(start, end)),
        before=Count("person", distinct=True, filter=active(previous_start, previous_end)),
    )
    roles = {r.pk: r for r in VolunteerRole.objects.filter(pk__in=[row["role"] for row in by_role])}
    volunteers_by_role = sorted(
        (
            (roles[row["role"]], Figure(row["now"], row["before"]))
            for row in by_role
            if row["now"] or row["before"]
        ),
        key=lambda pair: (-pair[1].current, str(pair[0])),
    )

    return InvolvementReport(
        start=start,
        end=end,
        previous_start=previous_start,
        previous_end=previous_end,
        lived_experience=Figure(totals["le_now"], totals["le_before"]),
        carers=Figure(totals["carers_now"], totals["carers_before"]),
        people=Figure(totals["people_now"], totals["people_before"]),
        new_voices=Figure(voices["now"], voices["before"]),
        sessions=Figure(
            sum(s["now"] for s in sessions.values()), sum(s["before"] for s in sessions.values())
        ),
        hours=Figure(totals["hours_now"] or Decimal("0"), totals["hours_before"] or Decimal("0")),
        volunteers=Figure(volunteer_totals["now"], volunteer_totals["before"]),
        by_type=by_type,
        volunteers_by_role=volunteers_by_role,
    )
