"""You said, we did: items, their answers, publishing (a lead's approval) and the public board. Thin: the
same permission checks, access helpers, selectors and services as the pages."""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import BeforeValidator, ConfigDict

from coproduce.core.models import Membership, Organisation, Role
from coproduce.core.scoping import SLUG_RE
from coproduce.yousaid import permissions, selectors, services
from coproduce.yousaid.access import get_item_for, get_response_for
from coproduce.yousaid.models import Source, WeDid, YouSaid

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
)
from ..pagination import Pagination
from ..schemas import ErrorOut, ValidationErrorOut

router = Router(tags=["yousaid"])

READ_REFUSAL = (
    "Only organisation admins, involvement leads, staff, executives and group connectors can see items."
)
RAISE_REFUSAL = (
    "Only organisation admins, involvement leads and staff can record items (connectors for their group)."
)
CHANGE_REFUSAL = "Only organisation admins, involvement leads and staff can change items."
ANSWER_REFUSAL = "Only organisation admins, involvement leads and staff can answer items."
COMMENTS_REFUSAL = (
    "Only organisation admins and involvement leads can link comments to an item: comments are health "
    "data. Leave out comment_ids, or ask a lead to link them."
)

ItemSource = named_choices(Source, "YouSaidSource")
AnswerKind = named_choices(WeDid.Kind, "AnswerKind")
AnswerStatus = named_choices(WeDid.Status, "AnswerStatus")
AnswerPublication = named_choices(WeDid.Publication, "AnswerPublication")


class ItemState(StrEnum):
    UNANSWERED = "unanswered"
    AWAITING = "awaiting"
    UNPUBLISHED = "unpublished"
    PUBLISHED = "published"
    OVERDUE = "overdue"


class PublicationAction(StrEnum):
    ASK = "ask"
    APPROVE = "approve"
    RETURN = "return"


Summary = required_text_field(
    1000, "What people told us, in plain words; at most 1,000 characters", "Say what people told us"
)
Service = text_field(200, "The service it is about, at most 200 characters")
Action = required_text_field(
    2000,
    "What we did, will do or could not do, in plain words; at most 2,000 characters",
    "Say what we did, will do or could not do",
)
Reason = text_field(2000, "Why we could not (needed for could_not); at most 2,000 characters")
CommentIds = Annotated[
    list[Annotated[int, Field(ge=1, le=2**53)]],
    Field(
        max_length=500,
        description="The written comments (survey answers) behind it, at most 500 (admins and leads only)",
    ),
]
Reference = Annotated[UUID | None, BeforeValidator(blank_as_none)]


# --- Input ---------------------------------------------------------------------------------------


class ItemCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    summary: Summary
    service: Service = ""
    source: ItemSource = ItemSource.DIRECT
    theme_id: Annotated[int, Field(ge=1, le=2**53)] | None = Field(
        None, description="One of the organisation's themes"
    )
    survey_id: UUID | None = Field(None, description="The survey whose result it came from")
    question_id: Annotated[int, Field(ge=1, le=2**53)] | None = Field(
        None, description="A question of that survey"
    )
    group_id: UUID | None = Field(None, description="The group or forum that raised it")
    project_id: UUID | None = Field(None, description="The project it came from or belongs to")
    raised_on: date_field("When people told us; today if left out") | None = None
    respond_by: date_field("The answer-by date; four weeks after raised_on if left out") | None = None
    executive_id: UUID | None = Field(
        None,
        description="The responsible executive (a member id); else the project's sponsor or every executive",
    )
    comment_ids: CommentIds = []


class ItemUpdateIn(Schema):
    """Only the fields sent change."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=no_defaults_in_schema)

    summary: Summary = None
    service: Service = None
    source: ItemSource = None
    theme_id: Annotated[int, Field(ge=1, le=2**53)] | None = Field(
        None, description="A theme, or null for none"
    )
    survey_id: UUID | None = Field(None, description="A survey, or null for none")
    question_id: Annotated[int, Field(ge=1, le=2**53)] | None = Field(None, description="A question, or null")
    group_id: UUID | None = Field(None, description="A group, or null for none")
    project_id: UUID | None = Field(None, description="A project, or null for none")
    raised_on: date_field("When people told us") = None
    respond_by: date_field("The answer-by date") = None
    executive_id: UUID | None = Field(None, description="The responsible executive, or null")


class ItemFilters(Schema):
    state: Annotated[
        ItemState | None, BeforeValidator(blank_as_none), Field(None, description="Only items in this state")
    ]
    service: Annotated[
        str,
        Field(
            "",
            max_length=200,
            description="Only items about this service",
            json_schema_extra={"pattern": "^[^\\x00]*$"},
        ),
    ]
    source: Annotated[
        ItemSource | None,
        BeforeValidator(blank_as_none),
        Field(None, description="Only items from this source"),
    ]


class BoardFilters(Schema):
    service: Annotated[
        str,
        Field(
            "",
            max_length=200,
            description="Only items about this service",
            json_schema_extra={"pattern": "^[^\\x00]*$"},
        ),
    ]
    theme_id: Annotated[
        Annotated[int, Field(ge=1, le=2**53)] | None,  # the bounds on the number, never on a blank
        BeforeValidator(blank_as_none),
        Field(None, description="Only items with this theme"),
    ]


class AnswerCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: AnswerKind
    action: Action
    reason: Reason = ""
    due_on: date_field("By when (needed for will)") | None = None
    owner_id: UUID | None = Field(None, description="Who owns it (a member id); you if left out")
    status: AnswerStatus = AnswerStatus.OPEN


class AnswerUpdateIn(Schema):
    """Only the fields sent change. On a published answer only a lead may change the wording or date."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=no_defaults_in_schema)

    kind: AnswerKind = None
    action: Action = None
    reason: Reason = None
    due_on: date_field("By when") | None = None
    owner_id: UUID = Field(None, description="Who owns it (a member id)")
    status: AnswerStatus = None


class PublicationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    action: PublicationAction = Field(
        description="ask: ask a lead to approve; approve: approve and publish; return: send back (leads)"
    )
    note: text_field(500, "For return: what needs to change; at most 500 characters") = ""


# --- Output --------------------------------------------------------------------------------------


class NamedRefOut(Schema):
    id: UUID
    name: str


class AnswerOut(Schema):
    id: UUID = Field(alias="public_id")
    kind: AnswerKind
    action: str
    reason: str
    due_on: date | None
    owner_id: UUID | None = Field(description="The member who owns it")
    owner_name: str
    status: AnswerStatus
    publication: AnswerPublication
    published_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_owner_id(response: WeDid) -> UUID | None:
        return response.owner.public_id if response.owner else None

    @staticmethod
    def resolve_owner_name(response: WeDid) -> str:
        return str(response.owner.user) if response.owner else ""


class ItemOut(Schema):
    id: UUID = Field(alias="public_id")
    summary: str
    service: str
    source: ItemSource
    theme: str | None = Field(description="The theme's name")
    group: NamedRefOut | None
    project: NamedRefOut | None
    raised_on: date
    respond_by: date
    comment_count: int = Field(description="How many comments are behind it (the comments stay private)")
    answers: int = Field(alias="answer_count")
    awaiting_approval: bool
    published: bool = Field(description="At least one answer is on the public board")
    first_published_at: datetime | None
    overdue: bool = Field(alias="is_overdue")
    escalated_at: datetime | None
    executive_id: UUID | None = Field(description="The responsible executive chosen on the item, if any")
    created_at: datetime

    @staticmethod
    def resolve_theme(item: YouSaid) -> str | None:
        return item.theme.name if item.theme_id else None

    @staticmethod
    def resolve_group(item: YouSaid) -> dict | None:
        return {"id": item.group.public_id, "name": item.group.name} if item.group_id else None

    @staticmethod
    def resolve_project(item: YouSaid) -> dict | None:
        return {"id": item.project.public_id, "name": item.project.title} if item.project_id else None

    @staticmethod
    def resolve_published(item: YouSaid) -> bool:
        return item.first_published_at is not None

    @staticmethod
    def resolve_executive_id(item: YouSaid) -> UUID | None:
        return item.executive.public_id if item.executive_id else None


class ItemDetailOut(ItemOut):
    answers_given: list[AnswerOut]

    @staticmethod
    def resolve_answers_given(item: YouSaid) -> list:
        return list(item.responses.all())


class PublicAnswerOut(Schema):
    kind: AnswerKind
    action: str
    reason: str
    due_on: date | None
    status: AnswerStatus
    published_at: datetime


class PublicItemOut(Schema):
    id: UUID = Field(alias="public_id")
    you_said: str = Field(alias="summary")
    service: str
    theme: str | None
    comment_count: int
    raised_on: date
    we_did: list[PublicAnswerOut]

    @staticmethod
    def resolve_theme(item: YouSaid) -> str | None:
        return item.theme.name if item.theme_id else None

    @staticmethod
    def resolve_we_did(item: YouSaid) -> list:
        return item.published_responses


# --- Helpers -------------------------------------------------------------------------------------

# The services name model fields; the API names the fields clients send.
API_FIELD_NAMES = {
    "theme": "theme_id",
    "survey": "survey_id",
    "question": "question_id",
    "group": "group_id",
    "project": "project_id",
    "executive": "executive_id",
    "comments": "comment_ids",
    "owner": "owner_id",
    "raised_by": "group_id",
}


def _api_errors(error: DjangoValidationError) -> DjangoValidationError:
    if not hasattr(error, "error_dict"):
        return error
    return DjangoValidationError(
        {API_FIELD_NAMES.get(field, field): messages for field, messages in error.message_dict.items()}
    )


def _reference(queryset, field: str, message: str, **lookup):
    found = queryset.filter(**lookup).first()
    if found is None:
        raise DjangoValidationError({field: message})
    return found


def _item_fields(payload: Schema, organisation: Organisation, *, partial: bool) -> dict:
    from coproduce.feedback.models import Answer, Question, Survey
    from coproduce.people.models import Group
    from coproduce.projects.models import Project
    from coproduce.themes.models import Theme

    fields = payload.model_dump(exclude_unset=partial)
    references = {
        "theme_id": (
            "theme",
            Theme.objects.filter(organisation=organisation),
            "pk",
            "Choose one of your organisation's themes",
        ),
        "survey_id": (
            "survey",
            Survey.objects.filter(organisation=organisation),
            "public_id",
            "Choose one of your organisation's surveys",
        ),
        "question_id": (
            "question",
            Question.objects.filter(survey__organisation=organisation),
            "pk",
            "Choose a question from one of your organisation's surveys",
        ),
        "group_id": (
            "group",
            Group.objects.filter(organisation=organisation),
            "public_id",
            "Choose one of your organisation's groups",
        ),
        "project_id": (
            "project",
            Project.objects.filter(organisation=organisation),
            "public_id",
            "Choose one of your organisation's projects",
        ),
        "executive_id": (
            "executive",
            Membership.objects.filter(
                organisation=organisation, role_set__role=Role.EXECUTIVE
            ).prefetch_related("role_set"),
            "public_id",
            "Choose one of your organisation's executives (a member id), or null",
        ),
    }
    for api_name, (name, queryset, key, message) in references.items():
        if api_name in fields:
            value = fields.pop(api_name)
            fields[name] = None if value is None else _reference(queryset, api_name, message, **{key: value})
    if "comment_ids" in fields:
        ids = fields.pop("comment_ids")
        comments = list(
            Answer.objects.filter(pk__in=ids, question__survey__organisation=organisation).select_related(
                "question__survey"
            )
        )
        if len(comments) != len(set(ids)):
            raise DjangoValidationError(
                {"comment_ids": "Choose written comments given to your organisation's surveys"}
            )
        fields["comments"] = comments
    return fields


def _answer_fields(payload: Schema, membership: Membership, *, partial: bool) -> dict:
    fields = payload.model_dump(exclude_unset=partial)
    if "owner_id" in fields:
        owner_id = fields.pop("owner_id")
        if owner_id is None:
            fields["owner"] = membership
        else:
            fields["owner"] = _reference(
                Membership.objects.filter(organisation=membership.organisation).prefetch_related("role_set"),
                "owner_id",
                "Choose a member of staff, a lead or an executive of your organisation (a member id)",
                public_id=owner_id,
            )
    return fields


def _detail(item: YouSaid) -> YouSaid:
    return selectors.item_detail(item=item)


def _can_raise(membership: Membership) -> bool:
    return permissions.can_raise_you_said(membership) or permissions.is_group_connector(membership)


# --- Items ---------------------------------------------------------------------------------------


@router.get(
    "/orgs/{slug}/you-said",
    response={200: list[ItemOut], **READ_ERRORS},
    summary="What people told us ('you said' items), newest first",
)
@paginate(Pagination)
def item_list(request: HttpRequest, slug: str, filters: Query[ItemFilters]):
    membership = organisation_door(request, slug, permissions.can_use_you_said, READ_REFUSAL)
    if "\x00" in filters.service:
        raise DjangoValidationError({"service": "Remove the NUL character"})
    return selectors.item_list(
        membership=membership,
        state=filters.state or "",
        service=filters.service,
        source=filters.source or "",
    ).select_related("executive")


@router.post(
    "/orgs/{slug}/you-said",
    response={201: ItemDetailOut, **WRITE_ERRORS},
    summary="Record what people told us (admins, leads, staff; a group's connector for their group)",
)
def item_create(request: HttpRequest, slug: str, payload: ItemCreateIn):
    membership = organisation_door(request, slug, _can_raise, RAISE_REFUSAL)
    if payload.comment_ids and not permissions.can_approve_you_said(membership):
        raise HttpError(403, COMMENTS_REFUSAL)
    fields = _item_fields(payload, membership.organisation, partial=False)
    if not permissions.can_raise_you_said(membership):
        group = fields.get("group")
        if group is None or not selectors.connector_groups(membership).filter(pk=group.pk).exists():
            raise HttpError(403, "A group's connector can record items only for their own group.")
        fields["source"] = Source.GROUP
    try:
        item = services.item_create(organisation=membership.organisation, actor=request.user, **fields)
    except DjangoValidationError as error:
        raise _api_errors(error) from error
    return Status(201, _detail(item))


@router.get(
    "/orgs/{slug}/you-said/{item_id}",
    response={200: ItemDetailOut, **READ_ERRORS},
    summary="One item with all its answers",
)
def item_detail(request: HttpRequest, slug: str, item_id: UUID):
    organisation_door(request, slug, permissions.can_use_you_said, READ_REFUSAL)
    return _detail(get_item_for(request, item_id))


@router.patch(
    "/orgs/{slug}/you-said/{item_id}",
    response={200: ItemDetailOut, **WRITE_ERRORS},
    summary="Change an item: only the fields sent change (a lead for wording already on the public board)",
)
def item_update(request: HttpRequest, slug: str, item_id: UUID, payload: ItemUpdateIn):
    membership = organisation_door(request, slug, permissions.can_raise_you_said, CHANGE_REFUSAL)
    item = get_item_for(request, item_id)
    fields = _item_fields(payload, membership.organisation, partial=True)
    if fields:
        try:
            item = services.item_update(item=item, actor=request.user, membership=membership, **fields)
        except PermissionDenied as error:
            raise HttpError(403, str(error)) from error
        except DjangoValidationError as error:
            raise _api_errors(error) from error
    return _detail(item)


# --- Answers -------------------------------------------------------------------------------------


@router.get(
    "/orgs/{slug}/you-said/{item_id}/answers",
    response={200: list[AnswerOut], **READ_ERRORS},
    summary="An item's answers, drafts included",
)
def answer_list(request: HttpRequest, slug: str, item_id: UUID):
    organisation_door(request, slug, permissions.can_use_you_said, READ_REFUSAL)
    item = get_item_for(request, item_id)
    return list(WeDid.objects.filter(item=item).select_related("owner__user").order_by("created_at", "pk"))


@router.post(
    "/orgs/{slug}/you-said/{item_id}/answers",
    response={201: AnswerOut, **WRITE_ERRORS},
    summary="Answer an item: we did, we will (with due_on) or we could not (with reason). Saved as a draft",
)
def answer_create(request: HttpRequest, slug: str, item_id: UUID, payload: AnswerCreateIn):
    membership = organisation_door(request, slug, permissions.can_answer_you_said, ANSWER_REFUSAL)
    item = get_item_for(request, item_id)
    fields = _answer_fields(payload, membership, partial=False)
    fields.setdefault("owner", membership)
    try:
        response = services.response_create(item=item, actor=request.user, membership=membership, **fields)
    except DjangoValidationError as error:
        raise _api_errors(error) from error
    return Status(201, WeDid.objects.select_related("owner__user").get(pk=response.pk))


@router.patch(
    "/orgs/{slug}/you-said/{item_id}/answers/{answer_id}",
    response={200: AnswerOut, **WRITE_ERRORS},
    summary="Change an answer or its status: only the fields sent change",
)
def answer_update(request: HttpRequest, slug: str, item_id: UUID, answer_id: UUID, payload: AnswerUpdateIn):
    membership = organisation_door(request, slug, permissions.can_answer_you_said, ANSWER_REFUSAL)
    item = get_item_for(request, item_id)
    response = get_response_for(request, item, answer_id)
    fields = _answer_fields(payload, membership, partial=True)
    if fields:
        try:
            services.response_update(response=response, actor=request.user, membership=membership, **fields)
        except PermissionDenied as error:
            raise HttpError(403, str(error)) from error
        except DjangoValidationError as error:
            raise _api_errors(error) from error
    return WeDid.objects.select_related("owner__user").get(pk=response.pk)


@router.post(
    "/orgs/{slug}/you-said/{item_id}/answers/{answer_id}/publication",
    response={200: AnswerOut, **WRITE_ERRORS},
    summary="Ask a lead to approve an answer, or (leads) approve and publish it, or send it back",
)
def answer_publication(
    request: HttpRequest, slug: str, item_id: UUID, answer_id: UUID, payload: PublicationIn
):
    membership = organisation_door(request, slug, permissions.can_answer_you_said, ANSWER_REFUSAL)
    item = get_item_for(request, item_id)
    response = get_response_for(request, item, answer_id)
    actions = {
        PublicationAction.ASK: services.response_request_approval,
        PublicationAction.APPROVE: services.response_publish,
        PublicationAction.RETURN: services.response_return,
    }
    extra = {"note": payload.note} if payload.action == PublicationAction.RETURN else {}
    try:
        actions[payload.action](response=response, actor=request.user, membership=membership, **extra)
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "Publishing needs a lead's approval") from error
    except DjangoValidationError as error:
        raise _api_errors(error) from error
    return WeDid.objects.select_related("owner__user").get(pk=response.pk)


# --- The public board ----------------------------------------------------------------------------


@router.get(
    "/public/{slug}/you-said-we-did",
    auth=None,
    response={200: list[PublicItemOut], 404: ErrorOut, 422: ValidationErrorOut},
    summary="An organisation's public 'You said, we did' board: published items only, no token needed",
)
@paginate(Pagination)
def public_board(request: HttpRequest, slug: str, filters: Query[BoardFilters]):
    if not SLUG_RE.fullmatch(slug):
        raise Http404("No such organisation")
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404("No such organisation")
    if "\x00" in filters.service:
        raise DjangoValidationError({"service": "Remove the NUL character"})
    return selectors.public_board(
        organisation=organisation, service=filters.service, theme_id=filters.theme_id
    )
