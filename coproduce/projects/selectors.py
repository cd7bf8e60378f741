"""Reads for projects. Counts run in the database; the scorecard's facts for any number of projects come
from a fixed number of queries.

Ladder ratings are read only as aggregates: ``ladder_result`` is the one way any page, export or API may
show what people rated, and it returns medians and counts, never who rated what. The one exception is a
member's own latest rating, shown to that member alone (``my_latest_rating``).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.core.models import Membership, Organisation, Role
from coproduce.involvement.models import Attendance, AttendanceStatus, TakingPartAs

from . import integrity, permissions
from .models import (
    LIVED_EXPERIENCE_ROLES,
    Decision,
    LadderDeclaration,
    LadderRating,
    Project,
    ProjectActivity,
    ProjectStatus,
    ProjectUpdate,
    RatingSide,
    Stage,
    TeamMember,
    TeamRole,
)

NEW_VOICE_WINDOW = timedelta(days=365)
LE_TAKING_PART = (TakingPartAs.LIVED_EXPERIENCE, TakingPartAs.CARER)


def visible_projects(*, organisation: Organisation, membership: Membership) -> QuerySet[Project]:
    """Every project for people who see them all; otherwise the person's own teams and public projects."""
    projects = Project.objects.filter(organisation=organisation)
    if permissions.can_view_all_projects(membership):
        return projects
    mine = TeamMember.objects.filter(
        project=OuterRef("pk"), person__user=membership.user_id, left_on__isnull=True
    )
    return projects.filter(Q(is_public=True) | Q(Exists(mine)))


def project_list(
    *, organisation: Organisation, membership: Membership, status: str = "", stage: str = ""
) -> QuerySet[Project]:
    projects = (
        visible_projects(organisation=organisation, membership=membership)
        .select_related("organisation", "lead__user")
        .annotate(
            team_size=Count("team_members", filter=Q(team_members__left_on__isnull=True), distinct=True),
            le_members=Count(
                "team_members",
                filter=Q(team_members__left_on__isnull=True, team_members__role__in=LIVED_EXPERIENCE_ROLES),
                distinct=True,
            ),
        )
        .order_by("title", "pk")
    )
    if status:
        projects = projects.filter(status=status)
    if stage:
        projects = projects.filter(current_stage=stage)
    return projects


def team_for(*, project: Project, include_past: bool = True) -> QuerySet[TeamMember]:
    members = TeamMember.objects.filter(project=project).select_related("person")
    if not include_past:
        members = members.filter(left_on__isnull=True)
    return members.order_by(F("left_on").desc(nulls_first=True), "person__full_name", "joined_on")


def team_counts(*, project: Project) -> dict[str, int]:
    """Current team members by role, as numbers (for pages and the public page)."""
    counts = dict(
        TeamMember.objects.filter(project=project, left_on__isnull=True)
        .values_list("role")
        .annotate(n=Count("id"))
        .values_list("role", "n")
    )
    return {role: counts.get(role, 0) for role in TeamRole.values}


def sponsor_choices(*, organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation, role_set__role=Role.EXECUTIVE)
        .select_related("user")
        .distinct()
    )


def lead_choices(*, organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(
            organisation=organisation, role_set__role__in=[Role.ADMIN, Role.LEAD, Role.STAFF]
        )
        .select_related("user")
        .distinct()
    )


def linked_activities(*, project: Project) -> QuerySet[ProjectActivity]:
    return (
        ProjectActivity.objects.filter(project=project)
        .select_related("activity", "activity__activity_type", "activity__organisation")
        .annotate(
            attended=Count(
                "activity__attendances",
                filter=Q(activity__attendances__status=AttendanceStatus.ATTENDED),
                distinct=True,
            ),
            le_attended=Count(
                "activity__attendances",
                filter=Q(
                    activity__attendances__status=AttendanceStatus.ATTENDED,
                    activity__attendances__taking_part_as__in=LE_TAKING_PART,
                ),
                distinct=True,
            ),
        )
        .order_by("activity__starts_at", "pk")
    )


def _member_count(relation: str, condition: Q | None = None) -> Subquery:
    members = TeamMember.objects.filter(**{relation: OuterRef("pk")})
    if condition is not None:
        members = members.filter(condition)
    return Subquery(members.order_by().values(relation).annotate(n=Count("pk")).values("n")[:1])


def with_provenance(decisions: QuerySet[Decision]) -> QuerySet[Decision]:
    """Annotate who was there: team members present and deciding, and how many of them are
    lived-experience or carer members."""
    le = Q(role__in=LIVED_EXPERIENCE_ROLES)
    return decisions.annotate(
        present_count=_member_count("decisions_present"),
        le_present_count=_member_count("decisions_present", le),
        deciders_count=_member_count("decisions_deciding"),
        le_deciders_count=_member_count("decisions_deciding", le),
    )


def decision_list(*, project: Project, published_only: bool = False) -> QuerySet[Decision]:
    """Decisions with their provenance computed: lived-experience members present and deciding."""
    decisions = with_provenance(
        Decision.objects.filter(project=project).select_related("project", "project__organisation")
    ).order_by("-decided_on", "-id")
    if published_only:
        decisions = decisions.filter(is_published=True)
    return decisions


def updates_for(*, project: Project) -> QuerySet[ProjectUpdate]:
    return ProjectUpdate.objects.filter(project=project).order_by("-posted_at", "-id")


def declarations_for(*, project: Project) -> QuerySet[LadderDeclaration]:
    return LadderDeclaration.objects.filter(project=project).select_related("declared_by")


# --- The ladder: aggregates only -------------------------------------------------------------------


def _current_ratings(project_ids) -> QuerySet:
    """(project id, side, rung) of each current team member's latest rating; no one's identity."""
    latest = (
        LadderRating.objects.filter(rater=OuterRef("rater")).order_by("-rated_at", "-id").values("id")[:1]
    )
    return (
        LadderRating.objects.filter(project_id__in=project_ids, rater__left_on__isnull=True)
        .annotate(latest_id=Subquery(latest))
        .filter(id=F("latest_id"))
        .values_list("project_id", "side", "rung")
    )


def ladder_result(*, project: Project) -> integrity.LadderSummary:
    """The ladder as the team experiences it: medians per side and the power gap, only when at least
    K_ANONYMITY people on each side have rated. The only selector that reads other people's ratings."""
    le, staff = [], []
    for _project, side, rung in _current_ratings([project.pk]):
        (le if side == RatingSide.LIVED_EXPERIENCE else staff).append(rung)
    return integrity.ladder_summary(le, staff)


@dataclass
class LadderQuarter:
    label: str
    result: integrity.LadderSummary


def ladder_trend(*, project: Project, today: date) -> list[LadderQuarter]:
    """How the team's view has moved, quarter by quarter: at each quarter's end, every member then on
    the team counts with their latest rating so far; a quarter shows medians only when at least
    K_ANONYMITY people on each side count, like the current result. Quarters, not single ratings, so a
    change cannot be pinned to one rating. With ladder_result, the only reader of others' ratings."""
    from coproduce.involvement.selectors import quarter_label, quarter_of

    ratings = list(
        LadderRating.objects.filter(project=project)
        .order_by("rated_at", "id")
        .values_list("rater_id", "side", "rung", "rated_at", "rater__left_on")
    )
    if not ratings:
        return []
    quarters = []
    start, _end = quarter_of(timezone.localtime(ratings[0][3]).date())
    while start <= today:
        quarter_start, quarter_end = quarter_of(start)
        latest: dict[int, tuple[str, int]] = {}
        for rater_id, side, rung, rated_at, left_on in ratings:
            if timezone.localtime(rated_at).date() > quarter_end:
                break
            if left_on is None or left_on > quarter_end:
                latest[rater_id] = (side, rung)
            else:
                latest.pop(rater_id, None)
        le = [rung for side, rung in latest.values() if side == RatingSide.LIVED_EXPERIENCE]
        staff = [rung for side, rung in latest.values() if side != RatingSide.LIVED_EXPERIENCE]
        quarters.append(LadderQuarter(quarter_label(quarter_start), integrity.ladder_summary(le, staff)))
        start = quarter_end + timedelta(days=1)
    return quarters


def my_latest_rating(*, team_member: TeamMember) -> LadderRating | None:
    """A member's own latest rating, for that member alone."""
    return LadderRating.objects.filter(rater=team_member).order_by("-rated_at", "-id").first()


# --- The scorecard's facts -------------------------------------------------------------------------


def project_facts(projects: list[Project]) -> dict[int, integrity.ProjectFacts]:
    """The facts every measure needs, for many projects at once, in six queries whatever their number."""
    ids = [p.pk for p in projects]
    facts = {p.pk: integrity.ProjectFacts(status=p.status, declared_rung=p.declared_rung) for p in projects}
    if not ids:
        return facts
    link = "activity__project_link"
    for row in (
        ProjectActivity.objects.filter(project_id__in=ids).values("project", "stage").annotate(n=Count("id"))
    ):
        facts[row["project"]].stages[row["stage"]].activities = row["n"]
    le_attended = Attendance.objects.filter(
        **{f"{link}__project__in": ids},
        status=AttendanceStatus.ATTENDED,
        taking_part_as__in=LE_TAKING_PART,
    )
    for row in le_attended.values(f"{link}__project", f"{link}__stage").annotate(
        n=Count("person", distinct=True)
    ):
        facts[row[f"{link}__project"]].stages[row[f"{link}__stage"]].le_attendees = row["n"]

    for decision in decision_list_for_projects(ids):
        f = facts[decision.project_id]
        d = integrity.DecisionFacts(
            present=decision.present_count or 0,
            le_present=decision.le_present_count or 0,
            deciders=decision.deciders_count or 0,
            le_deciders=decision.le_deciders_count or 0,
        )
        f.decisions.append(d)
        stage = f.stages[decision.stage]
        stage.decisions += 1
        stage.decisions_le_deciding += bool(d.le_deciders)

    for project_id, side, rung in _current_ratings(ids):
        f = facts[project_id]
        (f.le_ratings if side == RatingSide.LIVED_EXPERIENCE else f.staff_ratings).append(rung)

    per_person = list(
        le_attended.values(f"{link}__project", "person").annotate(
            hours=Sum("hours"), first=Min("activity__starts_at")
        )
    )
    first_ever = dict(
        Attendance.objects.filter(
            person__in={row["person"] for row in per_person}, status=AttendanceStatus.ATTENDED
        )
        .values("person")
        .annotate(first=Min("activity__starts_at"))
        .values_list("person", "first")
    )
    for row in sorted(per_person, key=lambda r: (r[f"{link}__project"], r["person"])):
        f = facts[row[f"{link}__project"]]
        f.hours.append(row["hours"])
        if first_ever.get(row["person"]) and first_ever[row["person"]] >= row["first"] - NEW_VOICE_WINDOW:
            f.new_voices += 1
    return facts


def decision_list_for_projects(project_ids) -> QuerySet[Decision]:
    return with_provenance(Decision.objects.filter(project_id__in=project_ids)).only(
        "id", "project_id", "stage"
    )


def project_scorecard(*, project: Project) -> integrity.Scorecard:
    return integrity.scorecard(project_facts([project])[project.pk])


def scorecards_for(projects: list[Project]) -> dict[int, integrity.Scorecard]:
    return {pk: integrity.scorecard(f) for pk, f in project_facts(projects).items()}


def integrity_overview(*, organisation: Organisation, membership: Membership) -> list[dict]:
    """One row per project the person may see, with the headline of each measure and its flags."""
    projects = list(
        visible_projects(organisation=organisation, membership=membership)
        .select_related("organisation")
        .order_by("title", "pk")
    )
    cards = scorecards_for(projects)
    return [{"project": p, "scorecard": cards[p.pk]} for p in projects]


def integrity_overview_table(
    *, organisation: Organisation, membership: Membership
) -> tuple[list, list[list]]:
    """The overview as a table for CSV and XLSX: one row per project, a column with each measure's plain
    summary (whatever measures the scorecard has), the headline figures, and the flags. A figure a measure
    cannot support is left empty; its summary says why."""
    rows = integrity_overview(organisation=organisation, membership=membership)
    titles = [m.title for m in integrity.scorecard(integrity.ProjectFacts()).measures]
    figures = [
        # (column, measure, value)
        (_("Stages with records"), "stage_coverage", "stages_with_records"),
        (_("Stages with lived-experience members present"), "stage_coverage", "present"),
        (_("Stages with lived-experience members deciding"), "stage_coverage", "deciding"),
        (_("Decisions"), "decision_share", "total"),
        (_("Decisions with lived-experience members present"), "decision_share", "with_present"),
        (_("Decisions with lived-experience members deciding"), "decision_share", "with_deciding"),
        (_("Decisions with lived-experience members deciding (%)"), "decision_share", "share_deciding"),
        (_("Median rung, lived-experience and carer members"), "power_gap", "le_median"),
        (_("Median rung, staff"), "power_gap", "staff_median"),
        (_("Power gap"), "power_gap", "gap"),
        (_("Voice equity (Gini coefficient)"), "voice_equity", "gini"),
        (_("New voices (%)"), "voice_equity", "new_share"),
    ]
    header = [
        _("Project"),
        _("Service or area"),
        _("Status"),
        _("Current stage"),
        _("Declared rung"),
        *titles,
        *(column for column, _key, _value in figures),
        _("Number of flags"),
        _("Flags"),
    ]
    table = []
    for row in rows:
        project, card = row["project"], row["scorecard"]
        measures = {m.key: m for m in card.measures}

        def figure(key: str, value: str, measures=measures):
            measure = measures.get(key)
            if measure is None or not measure.enough_data:
                return ""
            found = measure.values.get(value)
            return "" if found is None else found

        table.append(
            [
                project.title,
                project.service_area,
                str(ProjectStatus(project.status).label),
                str(Stage(project.current_stage).label),
                integrity.rung_name(project.declared_rung) if project.declared_rung else "",
                *(str(m.summary) for m in card.measures),
                *(figure(key, value) for _column, key, value in figures),
                len(card.flags),
                "; ".join(str(flag.message) for flag in card.flags),
            ]
        )
    return [str(h) for h in header], table
