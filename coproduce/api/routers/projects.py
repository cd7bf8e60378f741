"""Co-production projects: projects, their teams, decisions with provenance, the Ladder of Co-production
and the integrity scorecard. Thin: the same permission checks, access helpers, selectors and services as
the pages, so the API can never show or change more than the pages do.

Ladder ratings go in one at a time (your own) and come out only as aggregates, through the one selector
that reads them (``selectors.ladder_result``): no route and no response shape carries anyone's rating."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils.functional import Promise
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import AfterValidator, BeforeValidator, ConfigDict

from coproduce.core.models import Membership
from coproduce.people.models import Person
from coproduce.projects import integrity, permissions, selectors, services
from coproduce.projects.access import (
    ProjectAccess,
    get_decision_for,
    get_project_for,
    get_team_member_for,
    project_access,
)
from coproduce.projects.models import (
    RUNG_DESCRIPTIONS,
    Decision,
    DecisionMethod,
    Project,
    ProjectStage,
    ProjectStatus,
    Stage,
    TeamMember,
    TeamRole,
)

from ..access import organisation_door
from ..fields import (
    READ_ERRORS,
    WRITE_ERRORS,
    blank_as_none,
    date_field,
    named_choices,
    no_defaults_in_schema,
    required_text_field,
    text_field,
    unique,
)
from ..pagination import Pagination

router = Router(tags=["co-production projects"])

PROJECT_WRITE_REFUSAL = "Only organisation admins and involvement leads can add or change projects."
PROJECT_VIEW_REFUSAL = (
    "Only the project's team, organisation admins, involvement leads and executives can see this."
)
FLAG_REFUSAL = "Only organisation admins, involvement leads and executives can filter projects by flag."
RATE_REFUSAL = "Only current members of the project team rate the project."
NOT_ON_TEAM = "Choose people from the team list"
RUNG_MESSAGE = "Choose one of the seven rungs, from 1 (coercion) to 7 (co-production)"


# --- Input rules ---------------------------------------------------------------------------------

ProjectStatusName = named_choices(ProjectStatus, "ProjectStatus")
StageName = named_choices(Stage, "CoProductionStage")
TeamRoleName = named_choices(TeamRole, "TeamRole")
DecisionMethodName = named_choices(DecisionMethod, "DecisionMethod")
# Built from the scorecard's flag kinds, so a measure added later brings its flags to the filter.
FlagFilter = StrEnum(
    "ProjectFlagFilter", {"ANY": "any", **{kind.upper(): kind for kind in integrity.FLAG_KINDS}}
)


def _a_number(value):
    # A JSON number, such as 4 or 4.0; not "4" or true, which pydantic would otherwise take for one.
    if isinstance(value, bool | str):
        raise ValueError(RUNG_MESSAGE)
    return value


def _one_of_the_rungs(value: int) -> int:
    if not 1 <= value <= 7:
        raise ValueError(RUNG_MESSAGE)
    return value


RungIn = Annotated[
    int,
    BeforeValidator(_a_number),
    AfterValidator(_one_of_the_rungs),
    Field(
        description="A rung of the Ladder of Co-production: 1 coercion, 2 educating, 3 informing, "
        "4 consultation, 5 engagement, 6 co-design, 7 co-production",
        json_schema_extra={"minimum": 1, "maximum": 7},
    ),
]
Title = required_text_field(
    200, "At most 200 characters", "Enter a title, for example 'Redesigning the crisis line'"
)
Aim = required_text_field(
    10_000,
    "What it is trying to change, in a sentence or two; at most 10,000 characters",
    "Say what the project is trying to change, in a sentence or two",
)
ServiceArea = text_field(
    200, "The service or area, for example community mental health; at most 200 characters"
)
MembershipRef = Annotated[UUID | None, Field(description="A member of the organisation (their id), or null")]
Summary = required_text_field(
    10_000, "What was decided, at most 10,000 characters", "Say what was decided, in a sentence or two"
)
Options = text_field(10_000, "The other choices the team talked about, at most 10,000 characters")
Reason = required_text_field(
    2_000,
    "Why the project works at this rung, at most 2,000 characters",
    "Say why the project works at this rung, in a sentence or two",
)
TeamMemberIds = Annotated[
    list[UUID],
    AfterValidator(unique),
    Field(max_length=500, description="Team members (their ids in the team list), at most 500"),
]


class ProjectCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: Title
    aim: Aim
    service_area: ServiceArea = ""
    sponsor_id: MembershipRef = Field(None, description="The executive who answers for the project")
    lead_id: MembershipRef = Field(None, description="An admin, involvement lead or staff member")
    status: ProjectStatusName = ProjectStatusName.PLANNED
    current_stage: StageName = StageName.CO_DESIGN
    is_public: bool = Field(False, description="Show a public page: a summary anyone can read")


class ProjectUpdateIn(Schema):
    """Only the fields sent change. sponsor_id or lead_id null takes the sponsor or lead away."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=no_defaults_in_schema)

    # None is only the "not sent" marker: pydantic does not validate defaults, and a null sent is refused.
    title: Title = None
    aim: Aim = None
    service_area: ServiceArea = None
    sponsor_id: MembershipRef = Field(None, description="The executive who answers for the project")
    lead_id: MembershipRef = Field(None, description="An admin, involvement lead or staff member")
    status: ProjectStatusName = None
    current_stage: StageName = None
    is_public: bool = Field(None, description="Show a public page: a summary anyone can read")


class ProjectFilters(Schema):
    status: Annotated[
        ProjectStatusName | None, BeforeValidator(blank_as_none), Field(None, description="Only this status")
    ]
    stage: Annotated[
        StageName | None, BeforeValidator(blank_as_none), Field(None, description="Only this current stage")
    ]
    flag: Annotated[
        FlagFilter | None,
        BeforeValidator(blank_as_none),
        Field(
            None,
            description="Only projects with this integrity flag, or any flag (admins, involvement leads "
            "and executives)",
        ),
    ]


class TeamFilters(Schema):
    current: bool = Field(False, description="Only people on the team now, not those who left")


class TeamMemberIn(Schema):
    model_config = ConfigDict(extra="forbid")

    person_id: UUID = Field(description="Someone on the organisation's register")
    role: TeamRoleName
    joined_on: date_field("The day they joined")


class LeaveIn(Schema):
    model_config = ConfigDict(extra="forbid")

    left_on: date_field("The day they left: on or after the day they joined")


class DecisionCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    summary: Summary
    options: Options = ""
    method: DecisionMethodName
    decided_on: date_field("The day of the decision")
    stage: StageName
    present: TeamMemberIds = Field(
        [], description="Who was present: team members who were on the team that day"
    )
    deciding: TeamMemberIds = Field([], description="Who took part in deciding: each must also be in present")
    is_published: bool = Field(False, description="Show it on the project's public page")


class DecisionUpdateIn(Schema):
    """Only the fields sent change; present and deciding, when sent, replace the whole list. The same
    checks as recording it apply to the result."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=no_defaults_in_schema)

    summary: Summary = None
    options: Options = None
    method: DecisionMethodName = None
    decided_on: date_field("The day of the decision") = None
    stage: StageName = None
    present: TeamMemberIds = Field(None, description="Who was present: replaces the list")
    deciding: TeamMemberIds = Field(None, description="Who took part in deciding: replaces the list")
    is_published: bool = Field(None, description="Show it on the project's public page")


class RatingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    rung: RungIn


class DeclarationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    rung: RungIn
    reason: Reason


# --- Output --------------------------------------------------------------------------------------


class PersonRefOut(Schema):
    id: UUID
    name: str


class FlagOut(Schema):
    kind: str = Field(description="What kind of flag; the project list can be filtered by it")
    message: str


class ProjectListOut(Schema):
    id: UUID = Field(alias="public_id")
    title: str
    service_area: str
    status: ProjectStatusName
    current_stage: StageName
    declared_rung: int | None
    is_public: bool
    team_size: int = Field(description="People on the team now")
    lived_experience_members: int = Field(
        alias="le_members", description="Of whom lived-experience and carers"
    )
    flags: list[FlagOut] | None = Field(
        None, description="Integrity flags: for admins, involvement leads and executives; null otherwise"
    )


class StageOut(Schema):
    stage: StageName
    starts_on: date | None
    ends_on: date | None
    summary: str


class TeamCountsOut(Schema):
    lived_experience: int
    carer: int
    staff: int
    lead: int
    sponsor: int


class ProjectOut(Schema):
    id: UUID
    title: str
    aim: str
    service_area: str
    status: ProjectStatusName
    current_stage: StageName
    declared_rung: int | None
    is_public: bool
    stages: list[StageOut] = Field(description="The four stages, in order")
    team_counts: TeamCountsOut = Field(description="People on the team now, by role")
    sponsor: PersonRefOut | None = Field(
        None, description="For those who see the whole project; absent for a public summary"
    )
    lead: PersonRefOut | None = Field(
        None, description="For those who see the whole project; absent for a public summary"
    )
    created_at: datetime
    updated_at: datetime


class TeamMemberOut(Schema):
    id: UUID = Field(alias="public_id")
    person_id: UUID = Field(alias="person.public_id")
    name: str = Field(alias="person.display_name")
    role: TeamRoleName
    joined_on: date
    left_on: date | None


class TeamMemberRefOut(Schema):
    id: UUID = Field(alias="public_id")
    name: str = Field(alias="person.display_name")
    role: TeamRoleName


class ProvenanceOut(Schema):
    present: int
    lived_experience_present: int
    deciding: int
    lived_experience_deciding: int
    lived_experience_share_of_deciding: int | None = Field(
        description="Per cent of the people deciding who are lived-experience or carer members; null when "
        "nobody is recorded as deciding"
    )


class DecisionOut(Schema):
    id: UUID = Field(alias="public_id")
    summary: str
    options: str
    method: DecisionMethodName
    decided_on: date
    stage: StageName
    is_published: bool
    present: list[TeamMemberRefOut]
    deciding: list[UUID] = Field(description="The ids of those present who took part in deciding")
    provenance: ProvenanceOut
    created_at: datetime

    @staticmethod
    def resolve_present(decision: Decision) -> list[TeamMember]:
        return list(decision.present.all())

    @staticmethod
    def resolve_deciding(decision: Decision) -> list[UUID]:
        return [member.public_id for member in decision.deciding.all()]

    @staticmethod
    def resolve_provenance(decision: Decision) -> dict:
        deciders, le_deciders = decision.deciders_count or 0, decision.le_deciders_count or 0
        return {
            "present": decision.present_count or 0,
            "lived_experience_present": decision.le_present_count or 0,
            "deciding": deciders,
            "lived_experience_deciding": le_deciders,
            "lived_experience_share_of_deciding": round(100 * le_deciders / deciders) if deciders else None,
        }


class DeclarationOut(Schema):
    rung: int
    name: str
    description: str
    reason: str
    declared_at: datetime


class SideOut(Schema):
    median_rung: float = Field(description="The middle rung; a half when it falls between two rungs")
    name: str
    people: int = Field(description="How many people on this side have rated")


class LadderOut(Schema):
    declared: DeclarationOut | None = Field(description="The lead's latest declaration, or null")
    threshold: int = Field(description="Results show only when at least this many people on each side rated")
    shown: bool = Field(description="Whether enough people on each side have rated to show the results")
    message: str = Field(description="Why nothing is shown, when it is not")
    lived_experience: SideOut | None = Field(
        description="Lived-experience and carer members; null if not shown"
    )
    staff: SideOut | None = Field(description="Staff; null if not shown")
    power_gap: float | None = Field(
        description="Staff's median rung minus lived-experience and carer members'; null if not shown"
    )


class MeasureOut(Schema):
    key: str
    title: str
    enough_data: bool = Field(description="False when there is too little data: then there are no figures")
    summary: str
    why_it_matters: str
    what_would_improve: str
    values: dict[str, Any] = Field(description="The measure's figures, by name")
    rows: list[dict[str, Any]] = Field(description="Rows of detail, such as one per stage")
    flags: list[FlagOut]


class ScorecardOut(Schema):
    flags: list[FlagOut] = Field(description="Every measure's flags together")
    measures: list[MeasureOut]


# --- Helpers -------------------------------------------------------------------------------------


def _access(request: HttpRequest, project_id: UUID, need: str) -> ProjectAccess:
    """The project (404 if not this organisation's) and what the caller may do on it, as on the pages."""
    access = project_access(request, get_project_for(request, project_id))
    if need == "summary" and not access.can_view_summary:
        raise HttpError(403, PROJECT_VIEW_REFUSAL)
    if need == "view" and not access.can_view:
        raise HttpError(403, PROJECT_VIEW_REFUSAL)
    if need == "manage" and not access.can_manage:
        raise HttpError(403, PROJECT_WRITE_REFUSAL)
    if need == "rate" and not access.can_rate:
        raise HttpError(403, RATE_REFUSAL)
    return access


def _plain(value):
    """Scorecard figures as JSON: any measure's values and rows, without knowing which measure."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Promise):
        return str(value)
    return value


def _flags(flags) -> list[dict]:
    return [{"kind": flag.kind, "message": str(flag.message)} for flag in flags]


def _scorecard(card: integrity.Scorecard) -> dict:
    return {
        "flags": _flags(card.flags),
        "measures": [
            {
                "key": m.key,
                "title": str(m.title),
                "enough_data": m.enough_data,
                "summary": str(m.summary),
                "why_it_matters": str(m.why_it_matters),
                "what_would_improve": str(m.what_would_improve),
                "values": _plain(m.values),
                "rows": _plain(m.rows),
                "flags": _flags(m.flags),
            }
            for m in card.measures
        ],
    }


def _project_scorecard(project: Project) -> integrity.Scorecard:
    """Every measure in integrity.MEASURES, and loop closure as on the scorecard page: it is computed from
    the project's "you said" items (coproduce.yousaid), not from the project's own facts."""
    from coproduce.yousaid.selectors import loop_closure_facts

    card = selectors.project_scorecard(project=project)
    loop = integrity.loop_closure(loop_closure_facts(organisation=project.organisation, project=project))
    return integrity.Scorecard(measures=[*card.measures, loop])


def _ref(membership: Membership | None) -> dict | None:
    if membership is None:
        return None
    return {"id": membership.public_id, "name": str(membership.user)}


def _project(access: ProjectAccess) -> dict:
    project = access.project
    data = {
        "id": project.public_id,
        "title": project.title,
        "aim": project.aim,
        "service_area": project.service_area,
        "status": project.status,
        "current_stage": project.current_stage,
        "declared_rung": project.declared_rung,
        "is_public": project.is_public,
        "stages": list(
            ProjectStage.objects.filter(project=project)
            .order_by("id")
            .values("stage", "starts_on", "ends_on", "summary")
        ),
        "team_counts": selectors.team_counts(project=project),
        "created_at": project.created_at,
        "updated_at": project.updated_at,
    }
    if access.can_view:
        # As on the page: who sponsors and leads is for those who see the whole project.
        data["sponsor"] = _ref(project.sponsor)
        data["lead"] = _ref(project.lead)
    return data


def _people_fields(payload: Schema, membership: Membership, *, partial: bool) -> dict:
    fields = payload.model_dump(exclude_unset=partial)
    organisation = membership.organisation
    if "sponsor_id" in fields:
        sponsor_id = fields.pop("sponsor_id")
        fields["sponsor"] = None
        if sponsor_id is not None:
            fields["sponsor"] = (
                selectors.sponsor_choices(organisation=organisation).filter(public_id=sponsor_id).first()
            )
            if fields["sponsor"] is None:
                raise DjangoValidationError(
                    {"sponsor_id": "Choose an executive of your organisation as the sponsor"}
                )
    if "lead_id" in fields:
        lead_id = fields.pop("lead_id")
        fields["lead"] = None
        if lead_id is not None:
            fields["lead"] = (
                selectors.lead_choices(organisation=organisation).filter(public_id=lead_id).first()
            )
            if fields["lead"] is None:
                raise DjangoValidationError(
                    {"lead_id": "Choose an admin, involvement lead or staff member of your organisation"}
                )
    for name in ("status", "current_stage"):
        if name in fields:
            fields[name] = str(fields[name])
    return fields


def _renamed(error: DjangoValidationError, names: dict[str, str]) -> DjangoValidationError:
    """A service's error with its fields named as the API names them (person -> person_id)."""
    if not hasattr(error, "error_dict"):
        return error
    return DjangoValidationError(
        {names.get(field, field): errors for field, errors in error.error_dict.items()}
    )


def _team_members(project: Project, ids: list[UUID], field: str) -> list[TeamMember]:
    members = list(TeamMember.objects.filter(project=project, public_id__in=ids).select_related("person"))
    if len(members) != len(ids):
        raise DjangoValidationError({field: NOT_ON_TEAM})
    return members


def _decisions(project: Project):
    return selectors.decision_list(project=project).prefetch_related(
        Prefetch(
            "present", queryset=TeamMember.objects.select_related("person").order_by("person__full_name")
        ),
        Prefetch("deciding", queryset=TeamMember.objects.only("public_id")),
    )


def _fresh_decision(project: Project, decision: Decision) -> Decision:
    """The decision as the list shows it: provenance counted, people fetched in two queries."""
    return _decisions(project).get(pk=decision.pk)


def _side(median: float, count: int) -> dict:
    return {"median_rung": median, "name": integrity.rung_name(median), "people": count}


def _ladder(project: Project) -> dict:
    result = selectors.ladder_result(project=project)
    declaration = selectors.declarations_for(project=project).first()
    shown = result.shown
    return {
        "declared": {
            "rung": declaration.rung,
            "name": integrity.rung_name(declaration.rung),
            "description": str(RUNG_DESCRIPTIONS[declaration.rung]),
            "reason": declaration.reason,
            "declared_at": declaration.declared_at,
        }
        if declaration is not None
        else None,
        "threshold": integrity.K_ANONYMITY,
        "shown": shown,
        "message": "" if shown else str(integrity.NOT_ENOUGH_RATINGS),
        # Counts only with the medians: below the threshold nothing about the ratings is shown.
        "lived_experience": _side(result.le_median, result.le_count) if shown else None,
        "staff": _side(result.staff_median, result.staff_count) if shown else None,
        "power_gap": result.gap if shown else None,
    }


class ProjectPagination(Pagination):
    """Pages of projects; flags are worked out for the page's projects only, in a fixed number of queries."""

    def paginate_queryset(self, queryset, pagination, request: HttpRequest, **params):
        result = super().paginate_queryset(queryset, pagination, request, **params)
        items = list(result["items"])
        if permissions.can_view_all_projects(request.membership):
            cards = selectors.scorecards_for(items)
            for project in items:
                project.flags = _flags(cards[project.pk].flags)
        result["items"] = items
        return result


# --- Projects ------------------------------------------------------------------------------------


@router.get(
    "/orgs/{slug}/projects",
    response={200: list[ProjectListOut], **READ_ERRORS},
    summary="Projects you may see: all of them for admins, involvement leads and executives; your own "
    "teams' and public ones for everyone else",
)
@paginate(ProjectPagination)
def project_list(request: HttpRequest, slug: str, filters: Query[ProjectFilters]):
    membership = organisation_door(request, slug)
    projects = selectors.project_list(
        organisation=membership.organisation,
        membership=membership,
        status=filters.status or "",
        stage=filters.stage or "",
    )
    if filters.flag is not None:
        if not permissions.can_view_all_projects(membership):
            raise HttpError(403, FLAG_REFUSAL)
        # Flags are computed, not stored: work them out for every project, in a fixed number of queries.
        everything = list(projects)
        cards = selectors.scorecards_for(everything)
        return [
            p
            for p in everything
            if (
                cards[p.pk].flags
                if filters.flag == FlagFilter.ANY
                else filters.flag in cards[p.pk].flag_kinds
            )
        ]
    return projects


@router.post(
    "/orgs/{slug}/projects",
    response={201: ProjectOut, **WRITE_ERRORS},
    exclude_unset=True,
    summary="Add a project with its four stages (admins and involvement leads)",
)
def project_create(request: HttpRequest, slug: str, payload: ProjectCreateIn):
    membership = organisation_door(request, slug, permissions.can_manage_projects, PROJECT_WRITE_REFUSAL)
    fields = _people_fields(payload, membership, partial=False)
    project = services.project_create(organisation=membership.organisation, actor=request.user, **fields)
    return Status(201, _project(project_access(request, project)))


@router.get(
    "/orgs/{slug}/projects/{project_id}",
    response={200: ProjectOut, **READ_ERRORS},
    exclude_unset=True,
    summary="One project: its stages and who is involved (a summary of public projects for every member)",
)
def project_detail(request: HttpRequest, slug: str, project_id: UUID):
    organisation_door(request, slug)
    return _project(_access(request, project_id, "summary"))


@router.patch(
    "/orgs/{slug}/projects/{project_id}",
    response={200: ProjectOut, **WRITE_ERRORS},
    exclude_unset=True,
    summary="Change a project: only the fields sent change (admins and involvement leads)",
)
def project_update(request: HttpRequest, slug: str, project_id: UUID, payload: ProjectUpdateIn):
    membership = organisation_door(request, slug, permissions.can_manage_projects, PROJECT_WRITE_REFUSAL)
    access = _access(request, project_id, "manage")
    fields = _people_fields(payload, membership, partial=True)
    if fields:
        services.project_update(project=access.project, actor=request.user, **fields)
    return _project(access)


# --- The team ------------------------------------------------------------------------------------


@router.get(
    "/orgs/{slug}/projects/{project_id}/team",
    response={200: list[TeamMemberOut], **READ_ERRORS},
    summary="Everyone who is or was on the team, current first (the team, admins, leads, executives)",
)
@paginate(Pagination)
def team_list(request: HttpRequest, slug: str, project_id: UUID, filters: Query[TeamFilters]):
    organisation_door(request, slug)
    access = _access(request, project_id, "view")
    return selectors.team_for(project=access.project, include_past=not filters.current)


@router.post(
    "/orgs/{slug}/projects/{project_id}/team",
    response={201: TeamMemberOut, **WRITE_ERRORS},
    summary="Add someone from the register to the team (admins and involvement leads)",
)
def team_member_add(request: HttpRequest, slug: str, project_id: UUID, payload: TeamMemberIn):
    membership = organisation_door(request, slug, permissions.can_manage_projects, PROJECT_WRITE_REFUSAL)
    access = _access(request, project_id, "manage")
    person = Person.objects.filter(
        organisation=membership.organisation, public_id=payload.person_id, erased_at__isnull=True
    ).first()
    if person is None:
        raise DjangoValidationError({"person_id": "Choose a person from your organisation's register"})
    try:
        member = services.team_member_add(
            project=access.project,
            person=person,
            role=str(payload.role),
            joined_on=payload.joined_on,
            actor=request.user,
        )
    except DjangoValidationError as error:
        raise _renamed(error, {"person": "person_id"}) from None
    return Status(201, member)


@router.post(
    "/orgs/{slug}/projects/{project_id}/team/{team_member_id}/leave",
    response={200: TeamMemberOut, **WRITE_ERRORS},
    summary="Record that someone left the team; their time on it stays in the record (admins and leads)",
)
def team_member_leave(
    request: HttpRequest, slug: str, project_id: UUID, team_member_id: UUID, payload: LeaveIn
):
    organisation_door(request, slug, permissions.can_manage_projects, PROJECT_WRITE_REFUSAL)
    access = _access(request, project_id, "manage")
    member = get_team_member_for(access.project, team_member_id)
    return services.team_member_leave(team_member=member, left_on=payload.left_on, actor=request.user)


# --- Decisions -----------------------------------------------------------------------------------


@router.get(
    "/orgs/{slug}/projects/{project_id}/decisions",
    response={200: list[DecisionOut], **READ_ERRORS},
    summary="Decisions with who was present and deciding, newest first (the team, admins, leads, executives)",
)
@paginate(Pagination)
def decision_list(request: HttpRequest, slug: str, project_id: UUID):
    organisation_door(request, slug)
    access = _access(request, project_id, "view")
    return _decisions(access.project)


@router.post(
    "/orgs/{slug}/projects/{project_id}/decisions",
    response={201: DecisionOut, **WRITE_ERRORS},
    summary="Record a decision with who was present and who took part in deciding (admins and leads)",
)
def decision_create(request: HttpRequest, slug: str, project_id: UUID, payload: DecisionCreateIn):
    organisation_door(request, slug, permissions.can_manage_projects, PROJECT_WRITE_REFUSAL)
    access = _access(request, project_id, "manage")
    fields = payload.model_dump()
    present = _team_members(access.project, fields.pop("present"), "present")
    deciding = _team_members(access.project, fields.pop("deciding"), "deciding")
    fields["method"], fields["stage"] = str(fields["method"]), str(fields["stage"])
    decision = services.decision_record(
        project=access.project, actor=request.user, present=present, deciding=deciding, **fields
    )
    return Status(201, _fresh_decision(access.project, decision))


@router.get(
    "/orgs/{slug}/projects/{project_id}/decisions/{decision_id}",
    response={200: DecisionOut, **READ_ERRORS},
    summary="One decision and its provenance (the team, admins, leads, executives)",
)
def decision_detail(request: HttpRequest, slug: str, project_id: UUID, decision_id: UUID):
    organisation_door(request, slug)
    access = _access(request, project_id, "view")
    return _fresh_decision(access.project, get_decision_for(access.project, decision_id))


@router.patch(
    "/orgs/{slug}/projects/{project_id}/decisions/{decision_id}",
    response={200: DecisionOut, **WRITE_ERRORS},
    summary="Correct a decision: only the fields sent change, with the same checks as recording it "
    "(admins and involvement leads)",
)
def decision_update(
    request: HttpRequest, slug: str, project_id: UUID, decision_id: UUID, payload: DecisionUpdateIn
):
    organisation_door(request, slug, permissions.can_manage_projects, PROJECT_WRITE_REFUSAL)
    access = _access(request, project_id, "manage")
    decision = get_decision_for(access.project, decision_id)
    fields = payload.model_dump(exclude_unset=True)
    for name in ("present", "deciding"):
        if name in fields:
            fields[name] = _team_members(access.project, fields[name], name)
    for name in ("method", "stage"):
        if name in fields:
            fields[name] = str(fields[name])
    if fields:
        services.decision_update(decision=decision, actor=request.user, **fields)
    return _fresh_decision(access.project, decision)


# --- The ladder ----------------------------------------------------------------------------------


@router.get(
    "/orgs/{slug}/projects/{project_id}/ladder",
    response={200: LadderOut, **READ_ERRORS},
    summary="The declared rung and how the team experiences it: medians per side and the power gap, only "
    "once at least 3 people on each side have rated; never anyone's own rating",
)
def ladder_detail(request: HttpRequest, slug: str, project_id: UUID):
    organisation_door(request, slug)
    access = _access(request, project_id, "view")
    return _ladder(access.project)


@router.post(
    "/orgs/{slug}/projects/{project_id}/ladder/ratings",
    response={201: LadderOut, **WRITE_ERRORS},
    summary="Rate the project yourself, anonymously (current team members); your latest rating counts. "
    "The answer is the team's aggregate, never your rating",
)
def ladder_rate(request: HttpRequest, slug: str, project_id: UUID, payload: RatingIn):
    organisation_door(request, slug)
    access = _access(request, project_id, "rate")
    services.ladder_rate(
        project=access.project, team_member=access.my_team_member, rung=payload.rung, actor=request.user
    )
    return Status(201, _ladder(access.project))


@router.post(
    "/orgs/{slug}/projects/{project_id}/ladder/declarations",
    response={201: LadderOut, **WRITE_ERRORS},
    summary="Declare the rung the project works at, and why (admins and involvement leads)",
)
def ladder_declare(request: HttpRequest, slug: str, project_id: UUID, payload: DeclarationIn):
    organisation_door(request, slug, permissions.can_manage_projects, PROJECT_WRITE_REFUSAL)
    access = _access(request, project_id, "manage")
    services.ladder_declare(
        project=access.project, rung=payload.rung, reason=payload.reason, actor=request.user
    )
    return Status(201, _ladder(access.project))


# --- The scorecard -------------------------------------------------------------------------------


@router.get(
    "/orgs/{slug}/projects/{project_id}/scorecard",
    response={200: ScorecardOut, **READ_ERRORS},
    summary="The integrity scorecard: every measure, computed from the records, with its flags (the team, "
    "admins, leads, executives)",
)
def scorecard(request: HttpRequest, slug: str, project_id: UUID):
    organisation_door(request, slug)
    access = _access(request, project_id, "view")
    return _scorecard(_project_scorecard(access.project))
