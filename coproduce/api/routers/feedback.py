"""Feedback: surveys, answering them without a token (as the public form does), responses and results.
Thin: the same permission checks, access helpers, selectors and services as the pages, so the API can
never show or change more than the pages do. Results are the pages' suppressed figures; raw responses
are for admins and involvement leads and every read of them is audited, as the download is."""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import AfterValidator, ConfigDict

from coproduce.core.audit import audit_log
from coproduce.feedback import permissions, selectors, services
from coproduce.feedback.access import get_public_survey, get_survey_for
from coproduce.feedback.models import QuestionKind, Response, Survey
from coproduce.feedback.submission import new_idempotency_key, rate_limited, started_token, too_fast
from coproduce.feedback.survey_templates import TEMPLATES

from ..access import organisation_door
from ..fields import (
    READ_ERRORS,
    WRITE_ERRORS,
    FilterDay,
    Language,
    MessageLanguage,
    date_field,
    named_choices,
    required_text_field,
    storable,
    text_field,
)
from ..pagination import Pagination
from ..schemas import ErrorOut, ValidationErrorOut

router = Router(tags=["feedback"])

SURVEY_WRITE_REFUSAL = "Only organisation admins and involvement leads can create surveys."
RESPONSES_REFUSAL = (
    "Only organisation admins and involvement leads can read responses as given: they hold what people "
    "wrote and any contact details left with consent."
)
RESULTS_REFUSAL = "Only organisation admins, involvement leads and executives can see survey results."
SUPPRESSED = "null means fewer than 5, or hidden so that a small number cannot be worked out from the rest"

SurveyStatus = named_choices(Survey.Status, "SurveyStatus")
ResponseMode = named_choices(Response.Mode, "ResponseMode")
QuestionKindName = named_choices(QuestionKind, "QuestionKind")
TemplateName = StrEnum("SurveyTemplate", {code.upper(): code for code in TEMPLATES})


# --- Input ---------------------------------------------------------------------------------------

Title = required_text_field(
    200, "At most 200 characters", "Enter a title, for example 'Your experience of the crisis team'"
)
About = text_field(200, "The service or team it is about, at most 200 characters")
ServiceName = text_field(200, "A service or team, at most 200 characters")
Welcome = text_field(10_000, "Shown above the questions, at most 10,000 characters")
ThankYou = text_field(10_000, "Shown after someone sends their answers, at most 10,000 characters")
AnswerText = text_field(
    services.MAX_TEXT_ANSWER, f"A written answer, at most {services.MAX_TEXT_ANSWER} characters"
)
ShortText = Annotated[
    str, AfterValidator(storable), Field(max_length=200, json_schema_extra={"pattern": "^[^\\x00]*$"})
]


class SurveyCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    template: TemplateName | None = Field(
        None,
        description="Start from a template with its questions word for word: fft (NHS Friends and Family "
        "Test), experience (service-user experience) or coproduction (co-production evaluation for project "
        "teams). Without one the survey starts empty: add questions on its page.",
    )
    title: Title
    about: About = ""
    service_choices: list[ServiceName] = Field(
        [],
        max_length=services.MAX_SERVICE_CHOICES,
        description="Services people choose from when one survey covers several; blanks and repeats are "
        "dropped",
    )
    welcome: Welcome = Field("", description="Leave empty to use the template's")
    thank_you: ThankYou = Field("", description="Leave empty to use the template's")
    opens_on: date_field("The first day it takes answers") | None = None
    closes_on: date_field("The last day it takes answers: on or after opens_on") | None = None
    is_public: bool = Field(True, description="Anyone with the link can answer, without signing in")


class SurveyResultsFilters(Schema):
    start: FilterDay = Field(None, description="Only responses sent on or after this day (YYYY-MM-DD)")
    end: FilterDay = Field(None, description="Only responses sent on or before this day (YYYY-MM-DD)")
    service: Annotated[
        str,
        AfterValidator(storable),
        Field(
            "",
            max_length=200,
            description="Only responses about this service",
            json_schema_extra={"pattern": "^[^\\x00]*$"},
        ),
    ]


class SurveyAnswerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    question_id: int = Field(ge=1, le=2_147_483_647, description="The question's id, from the survey")
    choices: list[ShortText] = Field(
        [], max_length=100, description="For a question with answers to choose from: the chosen ones"
    )
    text: AnswerText = Field("", description="For a written answer")


def _key(value: str) -> str:
    if not value.strip():
        raise ValueError("Send a key, such as a UUID made when the form was shown")
    return value


class SurveySubmissionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    idempotency_key: Annotated[
        str,
        AfterValidator(_key),
        Field(
            min_length=1,
            max_length=64,
            description="Made once per form filled in, such as a UUID: sending it again (a retry) finds the "
            "first response instead of making a second",
            json_schema_extra={"pattern": "^[-_.:a-zA-Z0-9]+$"},
        ),
    ]
    started: str = Field(
        max_length=500,
        description="The 'started' value from reading the survey: answers sent sooner than a person could "
        "read the questions are refused",
    )
    website: str = Field("", max_length=0, description="Leave this empty (it is a trap for robots)")
    answers: list[SurveyAnswerIn] = Field([], max_length=500)
    service: ServiceName = Field("", description="One of the survey's service_choices, or empty")
    contact_ok: bool = Field(False, description="They are happy to be contacted about their feedback")
    contact_name: text_field(200, "Only kept with contact_ok") = ""
    contact_email: text_field(
        254, "Only kept with contact_ok; an email address or a phone number is needed"
    ) = ""
    contact_phone: text_field(40, "Only kept with contact_ok") = ""
    contact_language: Language = Field(
        None,
        description="Only kept with contact_ok: the language to write back in; if null, the language of "
        "the request (Accept-Language)",
    )


# --- Output --------------------------------------------------------------------------------------


class SurveyQuestionOut(Schema):
    id: int = Field(alias="pk")
    position: int
    kind: QuestionKindName
    text: str
    help_text: str
    required: bool
    choices: list[str]
    section: str
    code: str = Field(description="Set on template questions, such as fft; empty otherwise")


class SurveyOut(Schema):
    id: UUID = Field(alias="public_id")
    title: str
    about: str
    service_choices: list[str]
    status: SurveyStatus
    is_public: bool
    opens_on: date | None
    closes_on: date | None
    accepting_answers: bool = Field(description="Open, and today is within its dates")
    created_at: datetime

    @staticmethod
    def resolve_accepting_answers(survey: Survey) -> bool:
        return survey.accepts_answers(timezone.localdate())


class SurveyDetailOut(SurveyOut):
    welcome: str
    thank_you: str
    questions: list[SurveyQuestionOut]

    @staticmethod
    def resolve_questions(survey: Survey):
        return list(survey.questions.all())


class PublicSurveyOut(Schema):
    id: UUID
    title: str
    about: str
    service_choices: list[str]
    welcome: str
    accepting_answers: bool
    questions: list[SurveyQuestionOut]
    started: str = Field(description="Send this back with the answers")
    idempotency_key: str = Field(description="A fresh key you may use for this set of answers")


class SurveySubmissionOut(Schema):
    id: UUID = Field(description="The response")
    created: bool = Field(description="False when this key was sent before: nothing new was saved")
    thank_you: str


class SurveyAnswerOut(Schema):
    question_id: int
    choices: list[str]
    text: str


class SurveyResponseOut(Schema):
    id: UUID = Field(alias="public_id")
    submitted_at: datetime
    mode: ResponseMode
    service: str
    entered_by: str | None = Field(description="The email of who typed in an assisted or paper response")
    answers: list[SurveyAnswerOut]
    contact_ok: bool
    contact_name: str
    contact_email: str
    contact_phone: str
    contact_language: MessageLanguage | None = Field(description="The language to write back in, if kept")

    @staticmethod
    def resolve_contact_language(response: Response) -> str | None:
        return response.contact_language or None

    @staticmethod
    def resolve_entered_by(response: Response) -> str | None:
        return response.entered_by.email if response.entered_by else None

    @staticmethod
    def resolve_answers(response: Response) -> list[dict]:
        return [
            {"question_id": a.question_id, "choices": a.choices, "text": a.text}
            for a in response.answers.all()
        ]


class SurveyResultRowOut(Schema):
    label: str
    count: int | None = Field(description=SUPPRESSED)
    percent: int | None = Field(description="Whole per cent of those who answered; null with a null count")


class FftResultOut(Schema):
    responses: int | None = Field(description=SUPPRESSED)
    positive: int | None = Field(description="Per cent Very good or Good, of every answer (NHS England)")
    negative: int | None = Field(description="Per cent Poor or Very poor, of every answer (NHS England)")


class SurveyQuestionResultOut(Schema):
    question_id: int
    text: str
    kind: QuestionKindName
    answered: int | None = Field(description=SUPPRESSED)
    rows: list[SurveyResultRowOut] = Field(
        description="Each answer to choose from; empty for a written answer"
    )
    fft: FftResultOut | None = Field(description="The Friends and Family Test percentages, on its question")


class SurveyGroupOut(Schema):
    label: str
    responses: int | None = Field(description=SUPPRESSED)
    fft: FftResultOut | None


class SurveyMonthOut(SurveyGroupOut):
    month: date = Field(description="The first day of the month")


class SurveyServiceOut(SurveyGroupOut):
    service: str


class SurveyResultsOut(Schema):
    start: date | None
    end: date | None
    service: str
    responses: int | None = Field(description=SUPPRESSED)
    by_mode: list[SurveyResultRowOut]
    by_month: list[SurveyMonthOut]
    by_service: list[SurveyServiceOut]
    questions: list[SurveyQuestionResultOut]


# --- Helpers -------------------------------------------------------------------------------------


def _fft(fft) -> dict | None:
    if fft is None:
        return None
    return {"responses": fft.responses, "positive": fft.positive, "negative": fft.negative}


def _row(row) -> dict:
    return {"label": row.label, "count": row.count, "percent": row.percent}


def _results(results: selectors.SurveyResults) -> dict:
    return {
        "start": results.start,
        "end": results.end,
        "service": results.service,
        "responses": results.responses,
        "by_mode": [_row(row) for row in results.by_mode],
        "by_month": [
            {"month": g.key, "label": g.label, "responses": g.responses, "fft": _fft(g.fft)}
            for g in results.by_month
        ],
        "by_service": [
            {"service": g.key, "label": g.label, "responses": g.responses, "fft": _fft(g.fft)}
            for g in results.by_service
        ],
        "questions": [
            {
                "question_id": r.question.pk,
                "text": r.question.text,
                "kind": r.question.kind,
                "answered": r.answered,
                "rows": [_row(row) for row in r.rows],
                "fft": _fft(r.fft),
            }
            for r in results.questions
        ],
    }


def _answers(survey: Survey, payload: SurveySubmissionIn) -> dict[int, object]:
    """{question id: chosen answers or text}; an answer to a question not in the survey is refused."""
    ids = set(survey.questions.values_list("pk", flat=True))
    answers, errors = {}, {}
    for number, answer in enumerate(payload.answers):
        if answer.question_id not in ids:
            errors[f"answers.{number}.question_id"] = "Answer the questions of this survey (their ids)"
        elif answer.question_id in answers:
            errors[f"answers.{number}.question_id"] = "Answer each question once"
        else:
            answers[answer.question_id] = answer.choices or answer.text
    if errors:
        raise DjangoValidationError(errors)
    return answers


# --- Surveys -------------------------------------------------------------------------------------


@router.get(
    "/orgs/{slug}/surveys",
    response={200: list[SurveyOut], **READ_ERRORS},
    summary="Surveys: open and closed ones for every member; drafts too for admins and involvement leads",
)
@paginate(Pagination)
def survey_list(request: HttpRequest, slug: str):
    membership = organisation_door(request, slug)
    return selectors.survey_list(
        organisation=membership.organisation, include_drafts=permissions.can_manage_surveys(membership)
    ).order_by("status", "-created_at", "-id")


@router.post(
    "/orgs/{slug}/surveys",
    response={201: SurveyDetailOut, **WRITE_ERRORS},
    summary="Create a survey as a draft, from a template or empty (admins and involvement leads)",
)
def survey_create(request: HttpRequest, slug: str, payload: SurveyCreateIn):
    membership = organisation_door(request, slug, permissions.can_manage_surveys, SURVEY_WRITE_REFUSAL)
    fields = payload.model_dump(exclude={"template"})
    if payload.template is None:
        survey = services.survey_create(organisation=membership.organisation, actor=request.user, **fields)
    else:
        # The template's welcome and thank-you unless the client wrote its own.
        fields = {name: value for name, value in fields.items() if value not in ("", None)}
        survey = services.survey_create_from_template(
            organisation=membership.organisation, actor=request.user, template=str(payload.template), **fields
        )
    return Status(201, survey)


@router.get(
    "/orgs/{slug}/surveys/{survey_id}",
    response={200: SurveyDetailOut, **READ_ERRORS},
    summary="One survey with its questions (drafts for admins and involvement leads)",
)
def survey_detail(request: HttpRequest, slug: str, survey_id: UUID):
    organisation_door(request, slug)
    return get_survey_for(request, survey_id)


@router.get(
    "/orgs/{slug}/surveys/{survey_id}/responses",
    response={200: list[SurveyResponseOut], **READ_ERRORS},
    summary="Responses as given, oldest first, with written answers and contact details left with consent "
    "(admins and involvement leads; every read is recorded in the audit log)",
)
@paginate(Pagination)
def response_list(request: HttpRequest, slug: str, survey_id: UUID, filters: Query[SurveyResultsFilters]):
    membership = organisation_door(request, slug, permissions.can_export_responses, RESPONSES_REFUSAL)
    survey = get_survey_for(request, survey_id)
    audit_log(
        actor=request.user,
        organisation=membership.organisation,
        action="survey.responses_read",
        target=survey,
        details={
            "via": "api",
            "page": request.GET.get("page", "1")[:10],
            **{k: str(v or "") for k, v in filters.model_dump().items()},
        },
    )
    return (
        selectors.responses_in_period(survey=survey, **filters.model_dump())
        .select_related("entered_by")
        .prefetch_related("answers")
        .order_by("submitted_at", "id")
    )


@router.get(
    "/orgs/{slug}/surveys/{survey_id}/results",
    response={200: SurveyResultsOut, **READ_ERRORS},
    summary="Results for a period and service: per question, by mode, by month and by service, small "
    "numbers hidden as on the page (admins, involvement leads, executives)",
)
def survey_results(request: HttpRequest, slug: str, survey_id: UUID, filters: Query[SurveyResultsFilters]):
    organisation_door(request, slug, permissions.can_view_survey_results, RESULTS_REFUSAL)
    survey = get_survey_for(request, survey_id)
    return _results(selectors.survey_results(survey=survey, **filters.model_dump()))


# --- Answering without a token -------------------------------------------------------------------


@router.get(
    "/public/{slug}/surveys/{survey_id}",
    auth=None,
    response={200: PublicSurveyOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="A public survey's questions, to answer without a token (drafts and private ones: not found)",
)
def public_survey(request: HttpRequest, slug: str, survey_id: UUID):
    survey = get_public_survey(slug, survey_id)
    return {
        "id": survey.public_id,
        "title": survey.title,
        "about": survey.about,
        "service_choices": survey.service_choices,
        "welcome": survey.welcome,
        "accepting_answers": survey.accepts_answers(timezone.localdate()),
        "questions": list(survey.questions.all()),
        "started": started_token(),
        "idempotency_key": new_idempotency_key(),
    }


@router.post(
    "/public/{slug}/surveys/{survey_id}/responses",
    auth=None,
    response={
        200: SurveySubmissionOut,
        201: SurveySubmissionOut,
        400: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ValidationErrorOut,
        429: ErrorOut,
    },
    summary="Answer a public survey without a token, anonymously unless contact_ok: 201 for a new response, "
    "200 with the first one when the same idempotency_key comes again; rate limited per address (429)",
)
def public_submit(request: HttpRequest, slug: str, survey_id: UUID, payload: SurveySubmissionIn):
    survey = get_public_survey(slug, survey_id)
    existing = Response.objects.filter(survey=survey, idempotency_key=payload.idempotency_key).first()
    if existing is not None:
        return Status(200, {"id": existing.public_id, "created": False, "thank_you": survey.thank_you})
    if not survey.accepts_answers(timezone.localdate()):
        raise HttpError(409, "This survey is not taking answers now.")
    if rate_limited(request, scope=f"survey:{survey.organisation_id}"):
        raise HttpError(429, "A lot of answers have been sent from this address. Please wait 10 minutes.")
    if too_fast(payload.started):
        raise DjangoValidationError(
            {"started": "Send the 'started' value from reading the survey, a few seconds after reading it"}
        )
    response, created = services.response_submit(
        survey=survey,
        mode=Response.Mode.ONLINE,
        idempotency_key=payload.idempotency_key,
        answers=_answers(survey, payload),
        service=payload.service,
        contact_ok=payload.contact_ok,
        contact_name=payload.contact_name,
        contact_email=payload.contact_email,
        contact_phone=payload.contact_phone,
        contact_language=payload.contact_language or "",
    )
    return Status(
        201 if created else 200, {"id": response.public_id, "created": created, "thank_you": survey.thank_you}
    )
