"""Themes: the organisation's theme framework, comments with their suggested or confirmed themes, and
confirming or correcting them. Thin: the same permission checks, access helpers, selectors and
services as the pages."""

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from coproduce.feedback.models import Survey
from coproduce.themes import permissions, selectors, services
from coproduce.themes.access import get_comment_for
from coproduce.themes.models import Comment, Sentiment

from ..access import organisation_door
from ..fields import READ_ERRORS, WRITE_ERRORS
from ..pagination import Pagination

router = Router(tags=["themes"])

THEMES_REFUSAL = "Only organisation admins, involvement leads, staff and executives can see themes."
REVIEW_REFUSAL = "Only organisation admins, involvement leads and staff can read and check written comments."

SentimentName = StrEnum("SentimentName", {m.name: m.value for m in Sentiment})
CommentStatus = StrEnum("CommentStatus", {m.name: m.value for m in Comment.Status})
RiskStatus = StrEnum("RiskStatus", {m.name: m.value for m in Comment.Risk})


class ThemeOut(Schema):
    id: int
    name: str
    description: str
    code: str = Field(description="Set on the default framework's themes; blank for themes you added")
    in_use: bool
    checked_comments: int


class LabelOut(Schema):
    theme_id: int
    theme: str
    score: float | None = Field(description="The model's score for a suggestion; null once staff chose it")


class CommentOut(Schema):
    id: UUID
    survey_id: UUID
    question: str
    text: str
    status: CommentStatus
    sentiment: SentimentName | None
    themes: list[LabelOut]
    risk: RiskStatus
    risk_reasons: list[str]
    created_at: datetime


class CommentFilters(Schema):
    survey: UUID | None = Field(None, description="Only comments on this survey")
    view: str = Field(
        "to_review",
        pattern="^(to_review|risk|confirmed|all)$",
        description="to_review (possible risk first, then not yet checked), risk, confirmed or all",
    )


class LabelsIn(Schema):
    themes: list[int] = Field(
        min_length=1, max_length=50, description="Ids of the themes the comment is about"
    )
    sentiment: SentimentName


class SummaryRowOut(Schema):
    theme_id: int
    theme: str
    positive: int | None = Field(description="null means fewer than 5")
    neutral: int | None
    negative: int | None
    total: int | None


class SummaryOut(Schema):
    comments: int | None = Field(description="null means fewer than 5")
    checked: int | None
    rows: list[SummaryRowOut]


def _comment(comment: Comment) -> dict:
    return {
        "id": comment.public_id,
        "survey_id": comment.survey.public_id,
        "question": comment.answer.question.text,
        "text": comment.answer.text,
        "status": comment.status,
        "sentiment": comment.sentiment or None,
        "themes": [
            {"theme_id": label.theme_id, "theme": label.theme.name, "score": label.score}
            for label in comment.labels.all()
        ],
        "risk": comment.risk,
        "risk_reasons": comment.risk_reasons,
        "created_at": comment.created_at,
    }


NO_SURVEY = object()


def _survey(request: HttpRequest, public_id: UUID | None):
    """The survey to filter by; NO_SURVEY for one that is not the organisation's, so nothing matches
    (the same answer as a survey with no comments: nothing leaks)."""
    if public_id is None:
        return None
    survey = (
        Survey.objects.filter(organisation=request.organisation, public_id=public_id)
        .exclude(status=Survey.Status.DRAFT)
        .first()
    )
    return NO_SURVEY if survey is None else survey


@router.get(
    "/orgs/{slug}/themes", response={200: list[ThemeOut], **READ_ERRORS}, summary="The theme framework"
)
def theme_list(request: HttpRequest, slug: str):
    membership = organisation_door(request, slug, permissions.can_view_theme_summary, THEMES_REFUSAL)
    return [
        {
            "id": theme.pk,
            "name": theme.name,
            "description": theme.description,
            "code": theme.code,
            "in_use": theme.is_active,
            "checked_comments": theme.comment_count,
        }
        for theme in selectors.theme_list(organisation=membership.organisation)
    ]


@router.get(
    "/orgs/{slug}/themes/summary",
    response={200: SummaryOut, **READ_ERRORS},
    summary="Comments per theme and sentiment, fewer than 5 shown as null",
)
def theme_summary(request: HttpRequest, slug: str, survey: UUID | None = None, checked_only: bool = False):
    membership = organisation_door(request, slug, permissions.can_view_theme_summary, THEMES_REFUSAL)
    chosen = _survey(request, survey)
    if chosen is NO_SURVEY:
        return {"comments": 0, "checked": 0, "rows": []}
    result = selectors.theme_summary(
        organisation=membership.organisation, survey=chosen, checked_only=checked_only
    )
    return {
        "comments": result.comments,
        "checked": result.checked,
        "rows": [
            {
                "theme_id": row.theme.pk,
                "theme": row.theme.name,
                "positive": row.positive,
                "neutral": row.neutral,
                "negative": row.negative,
                "total": row.total,
            }
            for row in result.rows
        ],
    }


@router.get(
    "/orgs/{slug}/comments",
    response={200: list[CommentOut], **READ_ERRORS},
    summary="Written comments with their suggested or checked themes, possible risk first (staff)",
)
@paginate(Pagination)
def comment_list(request: HttpRequest, slug: str, filters: Query[CommentFilters]):
    membership = organisation_door(request, slug, permissions.can_review_comments, REVIEW_REFUSAL)
    chosen = _survey(request, filters.survey)
    comments = selectors.review_queue(
        organisation=membership.organisation,
        view=filters.view,
        survey=None if chosen is NO_SURVEY else chosen,
    )
    if chosen is NO_SURVEY:
        comments = comments.none()
    page = request.GET.get("page", "1")
    services.comments_read(
        organisation=membership.organisation,
        actor=request.user,
        page=int(page) if page.isdigit() else 1,
        survey=None if chosen is NO_SURVEY else chosen,
        view=filters.view,
    )
    return _LazyComments(comments)


class _LazyComments:
    """Pagination slices the queryset first, so only one page is turned into dictionaries."""

    def __init__(self, queryset):
        self.queryset = queryset

    def __len__(self):
        return self.queryset.count()

    def count(self):
        return self.queryset.count()

    def __getitem__(self, item):
        return [_comment(c) for c in self.queryset[item]]


@router.put(
    "/orgs/{slug}/comments/{comment_id}/labels",
    response={200: CommentOut, **WRITE_ERRORS},
    summary="Confirm or correct a comment's themes and sentiment (staff); the model learns from it",
)
def comment_labels(request: HttpRequest, slug: str, comment_id: UUID, payload: LabelsIn):
    organisation_door(request, slug, permissions.can_review_comments, REVIEW_REFUSAL)
    comment = get_comment_for(request, comment_id)
    # A theme of another organisation or a retired one is refused with 422 by the api's handler.
    services.comment_confirm(
        comment=comment, actor=request.user, theme_ids=payload.themes, sentiment=str(payload.sentiment)
    )
    comment = selectors.review_queue(organisation=request.organisation, view="all").get(pk=comment.pk)
    return _comment(comment)
