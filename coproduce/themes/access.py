"""Fetch theme objects for a request: scoped to its organisation; 404 for missing and forbidden."""

from django.http import Http404, HttpRequest

from coproduce.feedback.models import Survey

from .models import Comment, Theme


def get_theme_for(request: HttpRequest, theme_id) -> Theme:
    theme = (
        Theme.objects.filter(organisation=request.organisation, pk=theme_id)
        .select_related("organisation")
        .first()
    )
    if theme is None:
        raise Http404("No such theme")
    return theme


def get_comment_for(request: HttpRequest, public_id) -> Comment:
    comment = (
        Comment.objects.filter(organisation=request.organisation, public_id=public_id)
        .select_related("organisation", "survey", "answer__question", "risk_actioned_by", "confirmed_by")
        .first()
    )
    if comment is None:
        raise Http404("No such comment")
    return comment


def survey_from_query(request: HttpRequest, value) -> Survey | None:
    """The survey a list is filtered to (?survey=<id>), within the organisation; None for any other value."""
    if not value:
        return None
    try:
        return (
            Survey.objects.filter(organisation=request.organisation, public_id=value)
            .exclude(status=Survey.Status.DRAFT)
            .first()
        )
    except Exception:  # not a UUID
        return None
