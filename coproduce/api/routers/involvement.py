"""Involvement: opportunities and expressions of interest, activities and who took part, volunteer
placements and the involvement report. Thin: the same permission checks, access helpers, selectors and
services as the pages, so the API can never show or change more than the pages do."""

import math
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import AfterValidator, BeforeValidator, ConfigDict, PlainSerializer, WithJsonSchema

from coproduce.core.models import Membership, Organisation
from coproduce.core.scoping import SLUG_RE
from coproduce.involvement import permissions, reports, selectors, services
from coproduce.involvement.access import get_activity_for, get_opportunity_for
from coproduce.involvement.models import (
    Activity,
    ActivityType,
    AttendanceStatus,
    ExpressionOfInterest,
    ForWhom,
    Opportunity,
    Placement,
    TakingPartAs,
    VolunteerRole,
)
from coproduce.people.models import CheckKind, Group, Person

from ..access import organisation_door
from ..fields import (
    READ_ERRORS,
    SLUG_ERRORS,
    WRITE_ERRORS,
    FilterDay,
    blank_as_none,
    date_field,
    moment_field,
    named_choices,
    no_defaults_in_schema,
    required_text_field,
    search_field,
    text_field,
    unique,
)
from ..pagination import Pagination
from ..schemas import ErrorOut, ValidationErrorOut

router = Router(tags=["involvement"])

OPPORTUNITY_WRITE_REFUSAL = "Only organisation admins and involvement leads can add or change opportunities."
INTERESTS_REFUSAL = "Only organisation admins and involvement leads can see who is interested."
ON_BEHALF_REFUSAL = "Only organisation admins and involvement leads can record interest for someone else."
ACTIVITIES_READ_REFUSAL = (
    "Only organisation admins, involvement leads, staff and executives can see activities."
)
ACTIVITIES_WRITE_REFUSAL = (
    "Only organisation admins and involvement leads can record activities and who took part."
)
PLACEMENTS_REFUSAL = "Only organisation admins and involvement leads can see and add volunteer placements."
NOT_ON_REGISTER = "Choose someone on your organisation's register"
REPORT_REFUSAL = "Only organisation admins, involvement leads and executives can see the involvement report."

# The report page's limit, so a request cannot ask the database to aggregate decades.
LONGEST_REPORT = timedelta(days=366 * 5)


# --- Input rules ---------------------------------------------------------------------------------


OpportunityStatus = named_choices(Opportunity.Status, "OpportunityStatus")
OpportunityLocation = named_choices(Opportunity.Location, "OpportunityLocation")
OpportunityReward = named_choices(Opportunity.Reward, "OpportunityReward")
InterestStatus = named_choices(ExpressionOfInterest.Status, "InterestStatus")


def _hours_from_float(value):
    # JSON numbers arrive as floats: 0.1 + 0.2 means 0.3 hours, not 0.30000000000000004.
    if isinstance(value, float) and math.isfinite(value):
        rounded = round(value, 2)
        if math.isclose(value, rounded, rel_tol=0, abs_tol=1e-9):
            return Decimal(str(rounded))
    return value


Hours = Annotated[
    Decimal,
    BeforeValidator(_hours_from_float),
    Field(ge=0, le=24, decimal_places=2),
    WithJsonSchema(
        {
            "type": "number",
            "minimum": 0,
            "maximum": 24,
            "multipleOf": 0.01,
            "description": "Hours from 0 to 24, to 2 decimal places at most, for example 2.5",
        }
    ),
]
# Hours are exact decimals in the database; clients get them as JSON numbers.
HoursOut = Annotated[Decimal, PlainSerializer(float, return_type=float)]
Code = Annotated[
    str,
    Field(
        min_length=1,
        max_length=40,
        json_schema_extra={"pattern": "^[-a-z0-9_]+$"},
    ),
]
ActivityTypeCode = Annotated[
    Code, Field(description="The code of one of the organisation's activity types, such as meeting")
]
RoleCode = Annotated[
    Code, Field(description="The code of one of the organisation's volunteer roles, such as peer_mentor")
]
RequiredChecks = Annotated[
    list[CheckKind],
    AfterValidator(unique),
    Field(max_length=len(CheckKind.values), description="Checks people need to be selected"),
]

Title = required_text_field(200, "At most 200 characters", "Enter a title")
Description = required_text_field(
    10_000, "What it involves, at most 10,000 characters", "Say what it involves"
)
EasyRead = text_field(5_000, "Short sentences and everyday words; at most 5,000 characters")
Places = Annotated[int, Field(ge=1, le=500, description="How many people can take part, 1 to 500")]
Commitment = required_text_field(
    300,
    "For example, 'Tuesday 3 March, 10am to 1pm'; at most 300 characters",
    "Say when it is, or how much time it takes",
)
LocationDetail = text_field(300, "The place, at most 300 characters")
Accessibility = text_field(5_000, "Step-free access, hearing loop, breaks; at most 5,000 characters")
RewardDetail = text_field(200, "For example, '£25 an hour'; at most 200 characters")
ClosesOn = date_field("The closing date")

ActivityTitle = required_text_field(
    200, "At most 200 characters", "Enter a title, for example 'Service user forum, March'"
)
StartsAt = moment_field("When it starts")
EndsAt = moment_field("When it ends: the same as or after the start")
Place = text_field(200, "An address, a room, or 'online'; at most 200 characters")
Facilitators = text_field(300, "At most 300 characters")
Notes = text_field(10_000, "At most 10,000 characters")

Why = text_field(2_000, "Why they are interested, at most 2,000 characters")
Availability = text_field(300, "When they are available, at most 300 characters")
Needs = text_field(2_000, "What they need to take part, at most 2,000 characters")

Team = required_text_field(
    200, "The team or service, at most 200 characters", "Enter the team or service, for example 'Ward 3'"
)
Supervisor = text_field(200, "At most 200 characters")


class OpportunityCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: Title
    description: Description
    easy_read: EasyRead = ""
    activity_type: ActivityTypeCode
    for_whom: ForWhom = ForWhom.ANYONE
    places: Places
    commitment: Commitment
    location: OpportunityLocation = OpportunityLocation.IN_PERSON
    location_detail: LocationDetail = ""
    accessibility: Accessibility = ""
    required_checks: RequiredChecks = []
    reward: OpportunityReward = OpportunityReward.VOLUNTARY
    reward_detail: RewardDetail = ""
    closes_on: ClosesOn
    status: OpportunityStatus = Field(OpportunityStatus.DRAFT, description="Only open ones take interest")
    is_public: bool = Field(False, description="Show it to anyone, without signing in")


class OpportunityUpdateIn(Schema):
    """Only the fields sent change; required_checks, when sent, replaces the whole list."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=no_defaults_in_schema)

    # None is only the "not sent" marker: pydantic does not validate defaults, and a null sent is refused.
    title: Title = None
    description: Description = None
    easy_read: EasyRead = None
    activity_type: ActivityTypeCode = None
    for_whom: ForWhom = None
    places: Places = None
    commitment: Commitment = None
    location: OpportunityLocation = None
    location_detail: LocationDetail = None
    accessibility: Accessibility = None
    required_checks: RequiredChecks = None
    reward: OpportunityReward = None
    reward_detail: RewardDetail = None
    closes_on: ClosesOn = None
    status: OpportunityStatus = None
    is_public: bool = Field(None, description="Show it to anyone, without signing in")


class OpportunityFilters(Schema):
    status: Annotated[
        OpportunityStatus | None,
        BeforeValidator(blank_as_none),
        Field(None, description="Only opportunities with this status (drafts are only for leads and admins)"),
    ]


class InterestIn(Schema):
    model_config = ConfigDict(extra="forbid")

    person_id: UUID | None = Field(
        None,
        description="Who is interested. Leave it out to say you are interested yourself; only organisation "
        "admins and involvement leads may name someone else.",
    )
    why: Why = ""
    availability: Availability = ""
    needs: Needs = ""


class InterestFilters(Schema):
    status: Annotated[
        InterestStatus | None,
        BeforeValidator(blank_as_none),
        Field(None, description="Only expressions of interest with this status"),
    ]


class ActivityCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    activity_type: ActivityTypeCode
    title: ActivityTitle
    starts_at: StartsAt
    ends_at: EndsAt
    place: Place = ""
    facilitators: Facilitators = ""
    group_id: UUID | None = Field(None, description="The group or forum it was for, or null for none")
    notes: Notes = ""


class ActivityUpdateIn(Schema):
    """Only the fields sent change. group_id null takes the activity out of its group."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=no_defaults_in_schema)

    activity_type: ActivityTypeCode = None
    title: ActivityTitle = None
    starts_at: StartsAt = None
    ends_at: EndsAt = None
    place: Place = None
    facilitators: Facilitators = None
    group_id: UUID | None = Field(None, description="The group or forum it was for, or null for none")
    notes: Notes = None


class ActivityFilters(Schema):
    activity_type: search_field(40, "Only activities of this type (its code)")
    start: FilterDay = Field(None, description="Only activities on or after this day (YYYY-MM-DD)")
    end: FilterDay = Field(None, description="Only activities on or before this day (YYYY-MM-DD)")
    q: search_field(200, "Text to find in titles, at most 200 characters")


class AttendanceRowIn(Schema):
    model_config = ConfigDict(extra="forbid")

    person_id: UUID = Field(description="Someone on the organisation's register")
    taking_part_as: TakingPartAs
    status: AttendanceStatus = AttendanceStatus.ATTENDED
    hours: Hours


class AttendanceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    rows: list[AttendanceRowIn] = Field(
        min_length=1, max_length=500, description="One row per person, at most 500; each person once"
    )


class PlacementCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    person_id: UUID = Field(description="The volunteer: someone on the organisation's register")
    role: RoleCode
    team: Team
    starts_on: date_field("The start date")
    ends_on: date_field("The end date, or null while it continues") | None = None
    supervisor: Supervisor = ""


class PlacementFilters(Schema):
    current: bool = Field(False, description="Only placements that have started and not ended")


class ReportPeriod(Schema):
    start: FilterDay = Field(
        None, description="First day of the period (YYYY-MM-DD); with end, or neither for the last quarter"
    )
    end: FilterDay = Field(
        None, description="Last day of the period (YYYY-MM-DD): on or after start, at most five years later"
    )


# --- Output --------------------------------------------------------------------------------------


class CodeNameOut(Schema):
    code: str
    name: str

    @staticmethod
    def resolve_name(kind: ActivityType | VolunteerRole) -> str:
        # Built-in names in the request's language; an organisation's own as typed.
        return str(kind)


class PublicOpportunityOut(Schema):
    id: UUID = Field(alias="public_id")
    title: str
    description: str
    easy_read: str
    activity_type: CodeNameOut
    for_whom: ForWhom
    places: int
    commitment: str
    location: OpportunityLocation
    location_detail: str
    accessibility: str
    reward: OpportunityReward
    reward_detail: str
    closes_on: date


class OpportunityOut(PublicOpportunityOut):
    required_checks: list[CheckKind]
    status: OpportunityStatus
    is_public: bool
    accepting_interest: bool = Field(description="Open, and the closing date has not passed")
    created_at: datetime

    @staticmethod
    def resolve_required_checks(opportunity: Opportunity) -> list[str]:
        return [kind for kind in opportunity.required_checks if kind in CheckKind.values]

    @staticmethod
    def resolve_accepting_interest(opportunity: Opportunity) -> bool:
        return opportunity.accepts_interest(timezone.localdate())


class YourInterestOut(Schema):
    status: InterestStatus
    submitted_at: datetime


class OpportunityDetailOut(OpportunityOut):
    your_interest: YourInterestOut | None = Field(
        None, description="Your own expression of interest, or null if you have not made one"
    )
    interests_waiting: int | None = Field(
        None,
        description="How many are waiting for a decision: only for organisation admins and involvement "
        "leads; absent otherwise",
    )


class InterestOut(Schema):
    person_id: UUID = Field(alias="person.public_id")
    full_name: str = Field(alias="person.full_name")
    preferred_name: str = Field(alias="person.preferred_name")
    status: InterestStatus
    why: str
    availability: str
    needs: str
    on_behalf: bool = Field(description="Recorded by someone else for them, such as a lead")
    submitted_at: datetime
    decided_at: datetime | None


class GroupRefOut(Schema):
    id: UUID = Field(alias="public_id")
    name: str


class ActivityOut(Schema):
    id: UUID = Field(alias="public_id")
    activity_type: CodeNameOut
    title: str
    starts_at: datetime
    ends_at: datetime
    duration_hours: HoursOut
    place: str
    facilitators: str
    group: GroupRefOut | None
    notes: str
    attended: int = Field(alias="attended_count", description="How many people attended")
    created_at: datetime


class AttendanceCountsOut(Schema):
    attended: int
    apologies: int
    did_not_attend: int


class AttendeeOut(Schema):
    person_id: UUID = Field(alias="person.public_id")
    full_name: str = Field(alias="person.full_name")
    preferred_name: str = Field(alias="person.preferred_name")
    taking_part_as: TakingPartAs
    status: AttendanceStatus
    hours: HoursOut
    recorded_at: datetime


class AttendanceOut(Schema):
    counts: AttendanceCountsOut
    hours: HoursOut = Field(description="The hours of everyone who attended, added up")
    attendees: list[AttendeeOut] | None = Field(
        None,
        description="Who was recorded: only for organisation admins and involvement leads; absent otherwise",
    )


class PlacementOut(Schema):
    id: UUID = Field(alias="public_id")
    person_id: UUID = Field(alias="person.public_id")
    full_name: str = Field(alias="person.full_name")
    preferred_name: str = Field(alias="person.preferred_name")
    role: CodeNameOut
    team: str
    starts_on: date
    ends_on: date | None
    supervisor: str
    hours_logged: HoursOut = Field(description="Hours logged on the placement")

    @staticmethod
    def resolve_hours_logged(placement: Placement) -> Decimal:
        return getattr(placement, "total_hours", None) or Decimal("0")


class FigureOut(Schema):
    current: int
    previous: int
    change: int


class HoursFigureOut(Schema):
    current: HoursOut
    previous: HoursOut
    change: HoursOut


class TypeRowOut(Schema):
    activity_type: CodeNameOut
    lived_experience: FigureOut
    carers: FigureOut
    sessions: FigureOut
    hours: HoursFigureOut


class RoleRowOut(Schema):
    role: CodeNameOut
    volunteers: FigureOut


class ReportOut(Schema):
    start: date
    end: date
    previous_start: date = Field(description="The period compared with: the quarter before, or as long")
    previous_end: date
    lived_experience: FigureOut = Field(description="Unique people who took part with lived experience")
    carers: FigureOut = Field(description="Unique people who took part as carers")
    people: FigureOut = Field(description="Unique people who took part")
    new_voices: FigureOut = Field(description="Took part, but not in the twelve months before the period")
    sessions: FigureOut
    hours: HoursFigureOut
    by_activity_type: list[TypeRowOut]
    volunteers: FigureOut = Field(description="People with a volunteer placement during the period")
    volunteers_by_role: list[RoleRowOut]


# --- Helpers -------------------------------------------------------------------------------------


def _by_code(kinds, code: str, field: str, message: str):
    # Built-in first, so a code always names the same kind even if an organisation reused it.
    found = kinds.filter(code=code).order_by(F("organisation").asc(nulls_first=True)).first()
    if found is None:
        raise DjangoValidationError({field: message})
    return found


def _activity_type(organisation: Organisation, code: str) -> ActivityType:
    return _by_code(
        selectors.activity_types_for(organisation=organisation),
        code,
        "activity_type",
        "Choose one of your organisation's activity types, for example meeting",
    )


def _person_on_register(organisation: Organisation, public_id: UUID, field: str) -> Person:
    person = (
        Person.objects.filter(organisation=organisation, public_id=public_id, erased_at__isnull=True)
        .select_related("organisation", "user")
        .first()
    )
    if person is None:
        raise DjangoValidationError({field: NOT_ON_REGISTER})
    return person


def _my_person(membership: Membership) -> Person | None:
    return (
        Person.objects.filter(
            organisation=membership.organisation, user=membership.user, erased_at__isnull=True
        )
        .select_related("organisation", "user")
        .first()
    )


def _opportunity_detail(opportunity: Opportunity, membership: Membership) -> Opportunity:
    person = _my_person(membership)
    mine = (
        ExpressionOfInterest.objects.filter(opportunity=opportunity, person=person).first()
        if person
        else None
    )
    opportunity.your_interest = (
        {"status": mine.status, "submitted_at": mine.submitted_at} if mine is not None else None
    )
    if permissions.can_manage_activities(membership):
        opportunity.interests_waiting = opportunity.interests.filter(
            status=ExpressionOfInterest.Status.SUBMITTED
        ).count()
    return opportunity


def _opportunity_fields(payload: Schema, organisation: Organisation, *, partial: bool) -> dict:
    fields = payload.model_dump(exclude_unset=partial)
    if "activity_type" in fields:
        fields["activity_type"] = _activity_type(organisation, fields["activity_type"])
    if "required_checks" in fields:
        fields["required_checks"] = [str(kind) for kind in fields["required_checks"]]
    return fields


def _activity_fields(payload: Schema, organisation: Organisation, *, partial: bool) -> dict:
    fields = payload.model_dump(exclude_unset=partial)
    if "activity_type" in fields:
        fields["activity_type"] = _activity_type(organisation, fields["activity_type"])
    if "group_id" in fields:
        group_id = fields.pop("group_id")
        fields["group"] = None
        if group_id is not None:
            fields["group"] = Group.objects.filter(organisation=organisation, public_id=group_id).first()
            if fields["group"] is None:
                raise DjangoValidationError({"group_id": "Choose one of your organisation's groups, or null"})
    return fields


def _with_attended(activity: Activity) -> Activity:
    activity.attended_count = activity.attendances.filter(status=AttendanceStatus.ATTENDED).count()
    return activity


def _attendance(activity: Activity, *, with_names: bool) -> dict:
    attendances = list(selectors.attendance_for(activity=activity))
    data = {
        "counts": {status: sum(1 for a in attendances if a.status == status) for status in AttendanceStatus},
        "hours": sum((a.hours for a in attendances if a.status == AttendanceStatus.ATTENDED), Decimal("0")),
    }
    # Names of who took part are for the people who run involvement; others see the numbers.
    if with_names:
        data["attendees"] = attendances
    return data


def _attendance_rows(organisation: Organisation, payload: AttendanceIn) -> list[services.AttendanceRow]:
    """The service's rows, with each problem on the row and field it belongs to."""
    ids = {row.person_id for row in payload.rows}
    people = {
        person.public_id: person
        for person in Person.objects.filter(
            organisation=organisation, public_id__in=ids, erased_at__isnull=True
        ).select_related("organisation")
    }
    errors, seen, rows = {}, set(), []
    for number, row in enumerate(payload.rows):
        person = people.get(row.person_id)
        if person is None:
            errors[f"rows.{number}.person_id"] = NOT_ON_REGISTER
        elif row.person_id in seen:
            errors[f"rows.{number}.person_id"] = (
                f"{person.full_name} is already in this register. Record each person once."
            )
        else:
            rows.append(
                services.AttendanceRow(
                    person=person, taking_part_as=row.taking_part_as, status=row.status, hours=row.hours
                )
            )
        seen.add(row.person_id)
    if errors:
        raise DjangoValidationError(errors)
    return rows


def _figure(figure: selectors.Figure) -> dict:
    return {"current": figure.current, "previous": figure.previous, "change": figure.change}


def _report_period(period: ReportPeriod) -> tuple[date, date]:
    if period.start is None and period.end is None:
        return selectors.last_complete_quarter(timezone.localdate())
    if period.start is None or period.end is None:
        missing = "start" if period.start is None else "end"
        raise DjangoValidationError({missing: "Enter both dates, or neither for the last complete quarter"})
    if period.end < period.start:
        raise DjangoValidationError({"end": "The end date must be the same as or after the start date"})
    if period.end - period.start > LONGEST_REPORT:
        raise DjangoValidationError({"end": "Choose a period of five years or less"})
    return period.start, period.end


def _report(report: selectors.InvolvementReport) -> dict:
    return {
        "start": report.start,
        "end": report.end,
        "previous_start": report.previous_start,
        "previous_end": report.previous_end,
        "lived_experience": _figure(report.lived_experience),
        "carers": _figure(report.carers),
        "people": _figure(report.people),
        "new_voices": _figure(report.new_voices),
        "sessions": _figure(report.sessions),
        "hours": _figure(report.hours),
        "by_activity_type": [
            {
                "activity_type": row.activity_type,
                "lived_experience": _figure(row.lived_experience),
                "carers": _figure(row.carers),
                "sessions": _figure(row.sessions),
                "hours": _figure(row.hours),
            }
            for row in report.by_type
        ],
        "volunteers": _figure(report.volunteers),
        # Most volunteers first, as on the page; by name among equals, so the order is always the same.
        "volunteers_by_role": [
            {"role": role, "volunteers": _figure(figure)}
            for role, figure in sorted(
                report.volunteers_by_role, key=lambda pair: (-pair[1].current, str(pair[0]))
            )
        ],
    }


# --- Opportunities -------------------------------------------------------------------------------


@router.get(
    "/public/{slug}/opportunities",
    auth=None,
    response={200: list[PublicOpportunityOut], 404: ErrorOut, 422: ValidationErrorOut},
    summary="Open opportunities an organisation shows to anyone: no token needed",
)
@paginate(Pagination)
def opportunity_public_list(request: HttpRequest, slug: str):
    if not SLUG_RE.fullmatch(slug):
        raise Http404("No such organisation")
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404("No such organisation")
    return (
        Opportunity.objects.filter(
            organisation=organisation,
            status=Opportunity.Status.OPEN,
            is_public=True,
            closes_on__gte=timezone.localdate(),
        )
        .select_related("activity_type")
        .order_by("closes_on", "title", "pk")
    )


@router.get(
    "/orgs/{slug}/opportunities",
    response={200: list[OpportunityOut], **READ_ERRORS},
    summary="Opportunities: open ones for every member; drafts and closed ones too for admins and leads",
)
@paginate(Pagination)
def opportunity_list(request: HttpRequest, slug: str, filters: Query[OpportunityFilters]):
    membership = organisation_door(request, slug)
    opportunities = Opportunity.objects.filter(organisation=membership.organisation).select_related(
        "activity_type"
    )
    if not permissions.can_manage_activities(membership):
        # As on the page: what a participant can still say they are interested in.
        opportunities = opportunities.filter(
            status=Opportunity.Status.OPEN, closes_on__gte=timezone.localdate()
        )
    if filters.status is not None:
        opportunities = opportunities.filter(status=filters.status)
    return opportunities.order_by("status", "closes_on", "title", "pk")


@router.post(
    "/orgs/{slug}/opportunities",
    response={201: OpportunityDetailOut, **WRITE_ERRORS},
    exclude_unset=True,
    summary="Add an opportunity (admins and involvement leads)",
)
def opportunity_create(request: HttpRequest, slug: str, payload: OpportunityCreateIn):
    membership = organisation_door(
        request, slug, permissions.can_manage_activities, OPPORTUNITY_WRITE_REFUSAL
    )
    fields = _opportunity_fields(payload, membership.organisation, partial=False)
    opportunity = services.opportunity_create(
        organisation=membership.organisation, actor=request.user, **fields
    )
    return Status(201, _opportunity_detail(opportunity, membership))


@router.get(
    "/orgs/{slug}/opportunities/{opportunity_id}",
    response={200: OpportunityDetailOut, **READ_ERRORS},
    exclude_unset=True,
    summary="One opportunity, and whether you have said you are interested",
)
def opportunity_detail(request: HttpRequest, slug: str, opportunity_id: UUID):
    membership = organisation_door(request, slug)
    opportunity = get_opportunity_for(request, opportunity_id)
    return _opportunity_detail(opportunity, membership)


@router.patch(
    "/orgs/{slug}/opportunities/{opportunity_id}",
    response={200: OpportunityDetailOut, **WRITE_ERRORS},
    exclude_unset=True,
    summary="Change an opportunity: only the fields sent change (admins and involvement leads)",
)
def opportunity_update(request: HttpRequest, slug: str, opportunity_id: UUID, payload: OpportunityUpdateIn):
    membership = organisation_door(
        request, slug, permissions.can_manage_activities, OPPORTUNITY_WRITE_REFUSAL
    )
    opportunity = get_opportunity_for(request, opportunity_id)
    fields = _opportunity_fields(payload, membership.organisation, partial=True)
    if fields:
        opportunity = services.opportunity_update(opportunity=opportunity, actor=request.user, **fields)
    return _opportunity_detail(opportunity, membership)


@router.get(
    "/orgs/{slug}/opportunities/{opportunity_id}/interests",
    response={200: list[InterestOut], **READ_ERRORS},
    summary="Who has said they are interested, first come first (admins and involvement leads)",
)
@paginate(Pagination)
def interest_list(request: HttpRequest, slug: str, opportunity_id: UUID, filters: Query[InterestFilters]):
    organisation_door(request, slug, permissions.can_manage_activities, INTERESTS_REFUSAL)
    opportunity = get_opportunity_for(request, opportunity_id)
    # Someone erased is gone from every list: what they wrote about themselves is theirs.
    interests = ExpressionOfInterest.objects.filter(
        opportunity=opportunity, person__erased_at__isnull=True
    ).select_related("person")
    if filters.status is not None:
        interests = interests.filter(status=filters.status)
    return interests.order_by("submitted_at", "pk")


@router.post(
    "/orgs/{slug}/opportunities/{opportunity_id}/interests",
    response={201: InterestOut, **WRITE_ERRORS},
    summary="Say you are interested; admins and involvement leads can say it for someone on the register",
)
def interest_create(request: HttpRequest, slug: str, opportunity_id: UUID, payload: InterestIn):
    membership = organisation_door(request, slug)
    opportunity = get_opportunity_for(request, opportunity_id)
    manage = permissions.can_manage_activities(membership)
    mine = _my_person(membership)
    if payload.person_id is not None and not (mine is not None and mine.public_id == payload.person_id):
        if not manage:
            raise HttpError(403, ON_BEHALF_REFUSAL)
        person = _person_on_register(membership.organisation, payload.person_id, "person_id")
    elif mine is not None:
        person = mine
    elif manage:
        raise DjangoValidationError(
            {"person_id": "Say who is interested: you are not on the register yourself"}
        )
    else:
        raise DjangoValidationError(
            "Join the register first, from My profile, so the team knows how to reach you."
        )
    interest = services.interest_submit(
        opportunity=opportunity,
        person=person,
        actor=request.user,
        why=payload.why,
        availability=payload.availability,
        needs=payload.needs,
    )
    return Status(201, interest)


# --- Activities and attendance -------------------------------------------------------------------


@router.get(
    "/orgs/{slug}/activity-types",
    response={200: list[CodeNameOut], **SLUG_ERRORS},
    summary="The kinds of activity: the built-in ones and the organisation's own (any member)",
)
def activity_type_list(request: HttpRequest, slug: str):
    membership = organisation_door(request, slug)
    return list(
        selectors.activity_types_for(organisation=membership.organisation).order_by("position", "name")
    )


@router.get(
    "/orgs/{slug}/activities",
    response={200: list[ActivityOut], **READ_ERRORS},
    summary="Activities, newest first, by type and dates (admins, involvement leads, staff, executives)",
)
@paginate(Pagination)
def activity_list(request: HttpRequest, slug: str, filters: Query[ActivityFilters]):
    membership = organisation_door(request, slug, permissions.can_view_activities, ACTIVITIES_READ_REFUSAL)
    activity_type = None
    if filters.activity_type:
        activity_type = (
            selectors.activity_types_for(organisation=membership.organisation)
            .filter(code=filters.activity_type)
            .order_by(F("organisation").asc(nulls_first=True))
            .first()
        )
        if activity_type is None:
            # Not one of this organisation's types: no activity is of it.
            return Activity.objects.none()
    return selectors.activity_list(
        organisation=membership.organisation,
        activity_type=activity_type,
        start=filters.start,
        end=filters.end,
        search=filters.q.strip(),
    )


@router.post(
    "/orgs/{slug}/activities",
    response={201: ActivityOut, **WRITE_ERRORS},
    summary="Record an activity (admins and involvement leads); then record who took part",
)
def activity_create(request: HttpRequest, slug: str, payload: ActivityCreateIn):
    membership = organisation_door(request, slug, permissions.can_manage_activities, ACTIVITIES_WRITE_REFUSAL)
    fields = _activity_fields(payload, membership.organisation, partial=False)
    activity = services.activity_create(organisation=membership.organisation, actor=request.user, **fields)
    activity.attended_count = 0
    return Status(201, activity)


@router.get(
    "/orgs/{slug}/activities/{activity_id}",
    response={200: ActivityOut, **READ_ERRORS},
    summary="One activity (admins, involvement leads, staff, executives)",
)
def activity_detail(request: HttpRequest, slug: str, activity_id: UUID):
    organisation_door(request, slug, permissions.can_view_activities, ACTIVITIES_READ_REFUSAL)
    return _with_attended(get_activity_for(request, activity_id))


@router.patch(
    "/orgs/{slug}/activities/{activity_id}",
    response={200: ActivityOut, **WRITE_ERRORS},
    summary="Change an activity: only the fields sent change (admins and involvement leads)",
)
def activity_update(request: HttpRequest, slug: str, activity_id: UUID, payload: ActivityUpdateIn):
    membership = organisation_door(request, slug, permissions.can_manage_activities, ACTIVITIES_WRITE_REFUSAL)
    activity = get_activity_for(request, activity_id)
    fields = _activity_fields(payload, membership.organisation, partial=True)
    if fields:
        activity = services.activity_update(activity=activity, actor=request.user, **fields)
    return _with_attended(activity)


@router.get(
    "/orgs/{slug}/activities/{activity_id}/attendance",
    response={200: AttendanceOut, **READ_ERRORS},
    exclude_unset=True,
    summary="Who took part: numbers for everyone who sees activities, names for admins and leads",
)
def attendance_detail(request: HttpRequest, slug: str, activity_id: UUID):
    membership = organisation_door(request, slug, permissions.can_view_activities, ACTIVITIES_READ_REFUSAL)
    activity = get_activity_for(request, activity_id)
    return _attendance(activity, with_names=permissions.can_manage_activities(membership))


@router.put(
    "/orgs/{slug}/activities/{activity_id}/attendance",
    response={200: AttendanceOut, **WRITE_ERRORS},
    exclude_unset=True,
    summary="Record who took part: each row adds the person or updates their row; others are left as "
    "they are; all rows are saved or none (admins and involvement leads)",
)
def attendance_record(request: HttpRequest, slug: str, activity_id: UUID, payload: AttendanceIn):
    membership = organisation_door(request, slug, permissions.can_manage_activities, ACTIVITIES_WRITE_REFUSAL)
    activity = get_activity_for(request, activity_id)
    rows = _attendance_rows(membership.organisation, payload)
    services.attendance_record(activity=activity, rows=rows, actor=request.user)
    return _attendance(activity, with_names=True)


# --- Volunteers ----------------------------------------------------------------------------------


@router.get(
    "/orgs/{slug}/volunteer-roles",
    response={200: list[CodeNameOut], **SLUG_ERRORS},
    summary="Volunteer roles: the built-in ones and the organisation's own (admins and involvement leads)",
)
def volunteer_role_list(request: HttpRequest, slug: str):
    membership = organisation_door(request, slug, permissions.can_manage_volunteers, PLACEMENTS_REFUSAL)
    return list(selectors.volunteer_roles_for(organisation=membership.organisation).order_by("name", "pk"))


@router.get(
    "/orgs/{slug}/placements",
    response={200: list[PlacementOut], **READ_ERRORS},
    summary="Volunteer placements with the hours logged (admins and involvement leads)",
)
@paginate(Pagination)
def placement_list(request: HttpRequest, slug: str, filters: Query[PlacementFilters]):
    membership = organisation_door(request, slug, permissions.can_manage_volunteers, PLACEMENTS_REFUSAL)
    return selectors.placement_list(
        organisation=membership.organisation, current_only=filters.current
    ).order_by("person__full_name", "-starts_on", "pk")


@router.post(
    "/orgs/{slug}/placements",
    response={201: PlacementOut, **WRITE_ERRORS},
    summary="Add a volunteer placement for someone on the register (admins and involvement leads)",
)
def placement_create(request: HttpRequest, slug: str, payload: PlacementCreateIn):
    membership = organisation_door(request, slug, permissions.can_manage_volunteers, PLACEMENTS_REFUSAL)
    organisation = membership.organisation
    fields = payload.model_dump()
    person = _person_on_register(organisation, fields.pop("person_id"), "person_id")
    role = _by_code(
        selectors.volunteer_roles_for(organisation=organisation),
        fields.pop("role"),
        "role",
        "Choose one of your organisation's volunteer roles, for example peer_mentor",
    )
    placement = services.placement_create(
        organisation=organisation, actor=request.user, person=person, role=role, **fields
    )
    return Status(201, placement)


# --- The involvement report ----------------------------------------------------------------------


@router.get(
    "/orgs/{slug}/reports/involvement",
    response={200: ReportOut, **READ_ERRORS},
    summary="The involvement report for a period and the one before it: the last complete quarter unless "
    "you give both dates (admins, involvement leads, executives)",
)
def involvement_report(request: HttpRequest, slug: str, period: Query[ReportPeriod]):
    membership = organisation_door(request, slug, permissions.can_view_involvement_report, REPORT_REFUSAL)
    start, end = _report_period(period)
    return _report(reports.involvement_report(organisation=membership.organisation, start=start, end=end))
