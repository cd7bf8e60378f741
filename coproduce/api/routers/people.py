"""The involvement register and groups. Thin: the same permission checks, access helpers, selectors and
services as the pages, so the API can never show or change more than the pages do."""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AfterValidator, BeforeValidator, ConfigDict, StringConstraints, WithJsonSchema

from coproduce.core.permissions import can_see_equality_data
from coproduce.people import permissions, selectors, services
from coproduce.people.access import get_group_for, get_person_for
from coproduce.people.models import (
    AccessNeed,
    AccessNeeds,
    CheckKind,
    CheckStatus,
    ConsentPurpose,
    ContactMethod,
    EqualityMonitoring,
    Group,
    GroupRole,
    InvolvementIdentity,
    Person,
)

from ..access import organisation_door
from ..fields import (
    READ_ERRORS,
    WRITE_ERRORS,
    Language,
    MessageLanguage,
    blank_as_none,
    no_defaults_in_schema,
    storable,
    text_field,
)
from ..pagination import Pagination

router = Router(tags=["involvement register"])

REGISTER_READ_REFUSAL = "Only organisation admins and involvement leads can see the involvement register."
REGISTER_WRITE_REFUSAL = (
    "Only organisation admins and involvement leads can add people to the register or change their details."
)
GROUP_MEMBERS_REFUSAL = "Only organisation admins and involvement leads can see who is in a group."

# --- Input rules ---------------------------------------------------------------------------------


def _full_name_given(value: str) -> str:
    if not value:
        raise ValueError("Enter their full name")
    return value


def _email_or_blank(value: str) -> str:
    # The same rule as the model's EmailField, so the API accepts exactly what the pages accept.
    if value:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise ValueError("Enter an email address in the correct format, like name@example.org") from None
    return value


FullName = Annotated[
    # The pattern tells clients (and schemathesis) that spaces alone are not a name.
    text_field(
        200, "Their full name, at most 200 characters", minLength=1, pattern="^\\s*[^\\s\\x00][^\\x00]*$"
    ),
    AfterValidator(_full_name_given),
]
PreferredName = text_field(100, "What they like to be called, at most 100 characters")
Pronouns = text_field(40, "For example, she/her; at most 40 characters")
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, max_length=254),
    AfterValidator(storable),
    AfterValidator(_email_or_blank),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "email", "maxLength": 254},
                {"type": "string", "maxLength": 0},
            ],
            "description": "An email address, or empty; unique on the organisation's register",
        }
    ),
]
Phone = text_field(40, "A phone number, at most 40 characters")
Address = text_field(1000, "Postal address, only needed for letters by post; at most 1,000 characters")
TimesToAvoid = text_field(200, "For example, mornings before 11; at most 200 characters")
TagName = text_field(60, "A skill, interest or experience, at most 60 characters")
Tags = Annotated[
    list[TagName], Field(max_length=50, description="Skills, interests and experience they bring, at most 50")
]
ContactMethods = Annotated[
    list[ContactMethod],
    Field(max_length=len(ContactMethod.values), description="Ways they may be contacted"),
]
PreferredContact = Annotated[
    ContactMethod | None,
    BeforeValidator(blank_as_none),
    Field(description="Their preferred way to be contacted (one of contact_methods), or null for none"),
]


class PersonCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    full_name: FullName
    preferred_name: PreferredName = ""
    pronouns: Pronouns = ""
    identity: InvolvementIdentity = InvolvementIdentity.LIVED_EXPERIENCE
    email: Email = ""
    phone: Phone = ""
    address: Address = ""
    contact_methods: ContactMethods = []
    preferred_contact: PreferredContact = None
    language: Language = None
    times_to_avoid: TimesToAvoid = ""
    is_managed: bool = Field(False, description="Not online: a lead enters things for them")
    tags: Tags = []


class PersonUpdateIn(Schema):
    """Only the fields sent change. contact_methods and tags, when sent, replace the whole list."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=no_defaults_in_schema)

    # None is only the "not sent" marker: pydantic does not validate defaults, and a null sent is refused.
    full_name: FullName = None
    preferred_name: PreferredName = None
    pronouns: Pronouns = None
    identity: InvolvementIdentity = None
    email: Email = None
    phone: Phone = None
    address: Address = None
    contact_methods: ContactMethods = None
    preferred_contact: PreferredContact = None
    language: Language = None
    times_to_avoid: TimesToAvoid = None
    is_managed: bool = Field(None, description="Not online: a lead enters things for them")
    tags: Tags = None


class PersonSort(StrEnum):
    NAME = "name"
    NAME_DESCENDING = "-name"
    NEWEST = "newest"
    OLDEST = "oldest"


class PersonFilters(Schema):
    q: Annotated[
        str,
        AfterValidator(storable),
        Field(
            "",
            max_length=200,
            description="Text to find in names and email addresses, at most 200 characters",
            json_schema_extra={"pattern": "^[^\\x00]*$"},
        ),
    ]
    identity: Annotated[
        InvolvementIdentity | None,
        BeforeValidator(blank_as_none),
        Field(None, description="Only people involved this way"),
    ]
    group: Annotated[
        UUID | None,
        BeforeValidator(blank_as_none),
        Field(None, description="Only current members of this group (its id)"),
    ]
    tag: Annotated[
        str,
        AfterValidator(storable),
        Field(
            "",
            max_length=60,
            description="Only people with this skill or interest (any case)",
            json_schema_extra={"pattern": "^[^\\x00]*$"},
        ),
    ]
    check_status: Annotated[
        CheckStatus | None,
        BeforeValidator(blank_as_none),
        Field(
            None,
            description="expired or expiring: has such a check; valid: has checks, all valid; "
            "missing: has no checks recorded",
        ),
    ]
    consent: Annotated[
        ConsentPurpose | None,
        BeforeValidator(blank_as_none),
        Field(None, description="Only people whose latest answer for this purpose is yes"),
    ]
    sort: Annotated[
        PersonSort, BeforeValidator(lambda value: value or PersonSort.NAME), Field(PersonSort.NAME)
    ]


# --- Output --------------------------------------------------------------------------------------


class _PersonFields(Schema):
    id: UUID
    full_name: str
    preferred_name: str
    pronouns: str
    identity: InvolvementIdentity
    email: str
    phone: str
    contact_methods: list[ContactMethod]
    preferred_contact: ContactMethod | None
    language: MessageLanguage | None = Field(
        description="The language the register says to write to them in, if set; someone with an account "
        "may choose their own, which wins"
    )
    times_to_avoid: str
    is_managed: bool
    has_account: bool = Field(description="They sign in to Coproduce themselves")
    tags: list[str] = Field(description="Skills, interests and experience they bring")
    created_at: datetime
    updated_at: datetime


class PersonOut(_PersonFields):
    """A row of the register: no address, access needs or equality data."""

    @staticmethod
    def resolve_id(person: Person) -> UUID:
        return person.public_id

    @staticmethod
    def resolve_contact_methods(person: Person) -> list[str]:
        return person.contact_methods()

    @staticmethod
    def resolve_preferred_contact(person: Person) -> str | None:
        return person.preferred_contact or None

    @staticmethod
    def resolve_language(person: Person) -> str | None:
        return person.language or None

    @staticmethod
    def resolve_has_account(person: Person) -> bool:
        return person.user_id is not None

    @staticmethod
    def resolve_tags(person: Person) -> list[str]:
        return _tag_names(person)


class AccessNeedsOut(Schema):
    needs: list[AccessNeed]
    other: str
    updated_at: datetime | None


class EqualityOut(Schema):
    """Answers to optional equality monitoring questions; null for a question not answered."""

    age_band: EqualityMonitoring.AgeBand | None
    sex: EqualityMonitoring.Sex | None
    gender_same_as_sex: EqualityMonitoring.YesNo | None
    sexual_orientation: EqualityMonitoring.SexualOrientation | None
    ethnicity: EqualityMonitoring.Ethnicity | None
    religion: EqualityMonitoring.Religion | None
    disability: EqualityMonitoring.YesNo | None
    updated_at: datetime


class PersonDetailOut(_PersonFields):
    address: str
    erasure_requested_at: datetime | None
    access_needs: AccessNeedsOut | None = Field(
        None,
        description="Only for organisation admins and involvement leads, and only from GET (each read is "
        "recorded in the audit log); absent otherwise",
    )
    equality: EqualityOut | None = Field(
        None,
        description="Only for members who may see equality monitoring data, and only from GET; null when "
        "none was given, absent otherwise",
    )


class CheckOut(Schema):
    kind: CheckKind
    label: str
    status: CheckStatus
    done_on: date | None
    expires_on: date | None
    reference: str


class ConsentCurrentOut(Schema):
    purpose: ConsentPurpose
    label: str
    given: bool = Field(description="The latest answer; false when never asked")
    recorded_at: datetime | None = Field(description="When the latest answer was recorded; null if never")


class ConsentEventOut(Schema):
    purpose: ConsentPurpose
    given: bool
    recorded_at: datetime
    recorded_by: str | None = Field(description="Who recorded it; null when their account has gone")
    on_behalf: bool = Field(description="Recorded by someone else for them, such as a lead")
    note: str


class ConsentsOut(Schema):
    current: list[ConsentCurrentOut]
    history: list[ConsentEventOut] = Field(description="Every answer, newest first")


class GroupOut(Schema):
    id: UUID = Field(alias="public_id")
    name: str
    purpose: str
    who_can_join: Group.WhoCanJoin
    meeting_pattern: str
    member_count: int = Field(description="Current members")
    connectors: list[str] = Field(description="Names of the people who carry the group's voice")

    @staticmethod
    def resolve_connectors(group: Group) -> list[str]:
        return [membership.person.display_name for membership in group.connectors]


class GroupMemberOut(Schema):
    person_id: UUID = Field(alias="person.public_id")
    full_name: str = Field(alias="person.full_name")
    preferred_name: str = Field(alias="person.preferred_name")
    role: GroupRole
    joined_on: date


# --- Helpers -------------------------------------------------------------------------------------


def _tag_names(person: Person) -> list[str]:
    return sorted((tag.name for tag in person.tags.all()), key=str.lower)


def _profile(person: Person) -> dict:
    # Built field by field: Person has access_needs and equality relations, which must never be read
    # by a schema's attribute lookup without the permission check and the audit row.
    return {
        "id": person.public_id,
        "full_name": person.full_name,
        "preferred_name": person.preferred_name,
        "pronouns": person.pronouns,
        "identity": person.identity,
        "email": person.email,
        "phone": person.phone,
        "address": person.address,
        "contact_methods": person.contact_methods(),
        "preferred_contact": person.preferred_contact or None,
        "language": person.language or None,
        "times_to_avoid": person.times_to_avoid,
        "is_managed": person.is_managed,
        "has_account": person.user_id is not None,
        "tags": _tag_names(person),
        "created_at": person.created_at,
        "updated_at": person.updated_at,
        "erasure_requested_at": person.erasure_requested_at,
    }


def _access_needs(person: Person) -> dict:
    access = AccessNeeds.objects.filter(person=person).first() or AccessNeeds(person=person)
    return {
        "needs": [need for need in access.needs if need in AccessNeed.values],
        "other": access.other,
        "updated_at": access.updated_at,
    }


def _equality(person: Person) -> dict | None:
    record = EqualityMonitoring.objects.filter(person=person).first()
    if record is None:
        return None
    answers = {
        field.name: getattr(record, field.name) or None
        for field in EqualityMonitoring._meta.fields
        if field.choices
    }
    return {**answers, "updated_at": record.updated_at}


def _profile_fields(payload: Schema, *, partial: bool) -> tuple[dict, list[str] | None]:
    data = payload.model_dump(exclude_unset=partial)
    tags = data.pop("tags", None)
    if "contact_methods" in data:
        methods = data.pop("contact_methods")
        data.update({f"contact_by_{method}": method in methods for method in ContactMethod.values})
    for name in ("preferred_contact", "language"):
        if name in data:
            data[name] = data[name] or ""
    return data, tags


# --- The register --------------------------------------------------------------------------------


@router.get(
    "/orgs/{slug}/people",
    response={200: list[PersonOut], **READ_ERRORS},
    summary="People on the register, filtered and sorted (admins and involvement leads)",
)
@paginate(Pagination)
def person_list(request: HttpRequest, slug: str, filters: Query[PersonFilters]):
    membership = organisation_door(request, slug, permissions.can_view_register, REGISTER_READ_REFUSAL)
    group = None
    if filters.group is not None:
        group = Group.objects.filter(organisation=membership.organisation, public_id=filters.group).first()
        if group is None:
            # Another organisation's group, or none: nobody here is in it.
            return Person.objects.none()
    return selectors.person_list(
        organisation=membership.organisation,
        search=filters.q.strip(),
        identity=filters.identity or "",
        group=group,
        tag=filters.tag.strip(),
        check_status=filters.check_status or "",
        consent=filters.consent or "",
        sort=filters.sort.value,
    )


@router.post(
    "/orgs/{slug}/people",
    response={201: PersonDetailOut, **WRITE_ERRORS},
    exclude_unset=True,
    summary="Add someone to the register (admins and involvement leads)",
)
def person_create(request: HttpRequest, slug: str, payload: PersonCreateIn):
    membership = organisation_door(request, slug, permissions.can_edit_people, REGISTER_WRITE_REFUSAL)
    fields, tags = _profile_fields(payload, partial=False)
    person = services.person_create(
        organisation=membership.organisation, actor=request.user, tags=tags, **fields
    )
    return Status(201, _profile(person))


@router.get(
    "/orgs/{slug}/people/{person_id}",
    response={200: PersonDetailOut, **READ_ERRORS},
    exclude_unset=True,
    summary="One person: profile, skills and interests; access needs and equality data for those allowed",
)
def person_detail(request: HttpRequest, slug: str, person_id: UUID):
    membership = organisation_door(request, slug, permissions.can_view_register, REGISTER_READ_REFUSAL)
    person = get_person_for(request, person_id)
    data = _profile(person)
    if permissions.can_view_access_needs(membership):
        data["access_needs"] = _access_needs(person)
        services.access_needs_viewed(person=person, actor=request.user)
    if can_see_equality_data(membership):
        data["equality"] = _equality(person)
    return data


@router.patch(
    "/orgs/{slug}/people/{person_id}",
    response={200: PersonDetailOut, **WRITE_ERRORS},
    exclude_unset=True,
    summary="Change someone's details: only the fields sent change (admins and involvement leads)",
)
def person_update(request: HttpRequest, slug: str, person_id: UUID, payload: PersonUpdateIn):
    organisation_door(request, slug, permissions.can_edit_people, REGISTER_WRITE_REFUSAL)
    person = get_person_for(request, person_id)
    fields, tags = _profile_fields(payload, partial=True)
    person = services.person_update(person=person, actor=request.user, tags=tags, **fields)
    return _profile(person)


@router.get(
    "/orgs/{slug}/people/{person_id}/checks",
    response={200: list[CheckOut], **READ_ERRORS},
    summary="Every kind of check with its status: valid, expiring (within 30 days), expired or missing",
)
def person_checks(request: HttpRequest, slug: str, person_id: UUID):
    organisation_door(request, slug, permissions.can_view_register, REGISTER_READ_REFUSAL)
    person = get_person_for(request, person_id)
    return [
        {
            "kind": row["kind"],
            "label": str(row["label"]),
            "status": row["status"],
            "done_on": row["check"].done_on if row["check"] else None,
            "expires_on": row["check"].expires_on if row["check"] else None,
            "reference": row["check"].reference if row["check"] else "",
        }
        for row in selectors.checks_for(person=person)
    ]


@router.get(
    "/orgs/{slug}/people/{person_id}/consents",
    response={200: ConsentsOut, **READ_ERRORS},
    summary="Consent: the current answer for each purpose, and every answer recorded",
)
def person_consents(request: HttpRequest, slug: str, person_id: UUID):
    organisation_door(request, slug, permissions.can_view_register, REGISTER_READ_REFUSAL)
    person = get_person_for(request, person_id)
    return {
        "current": [
            {
                "purpose": row["purpose"],
                "label": str(row["label"]),
                "given": row["given"],
                "recorded_at": row["event"].recorded_at if row["event"] else None,
            }
            for row in selectors.consent_current(person=person)
        ],
        "history": [
            {
                "purpose": event.purpose,
                "given": event.given,
                "recorded_at": event.recorded_at,
                "recorded_by": (event.recorded_by.full_name or event.recorded_by.email)
                if event.recorded_by
                else None,
                "on_behalf": event.on_behalf,
                "note": event.note,
            }
            for event in selectors.consent_history(person=person)
        ],
    }


# --- Groups --------------------------------------------------------------------------------------


@router.get(
    "/orgs/{slug}/groups",
    response={200: list[GroupOut], **READ_ERRORS},
    summary="Groups and forums, with their connectors and how many members they have (any member)",
)
@paginate(Pagination)
def group_list(request: HttpRequest, slug: str):
    membership = organisation_door(request, slug)
    return selectors.group_list(organisation=membership.organisation)


@router.get(
    "/orgs/{slug}/groups/{group_id}/members",
    response={200: list[GroupMemberOut], **READ_ERRORS},
    summary="A group's current members and their roles (admins and involvement leads)",
)
@paginate(Pagination)
def group_member_list(request: HttpRequest, slug: str, group_id: UUID):
    organisation_door(request, slug, permissions.can_view_group_members, GROUP_MEMBERS_REFUSAL)
    group = get_group_for(request, group_id)
    return selectors.group_members(group=group)
