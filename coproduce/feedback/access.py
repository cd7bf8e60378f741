"""Fetch feedback objects for a request: scoped to its organisation; 404 for missing and forbidden."""

from django.http import Http404, HttpRequest

from coproduce.core.scoping import SLUG_RE

from . import permissions
from .models import Question, Survey


def get_survey_for(request: HttpRequest, public_id) -> Survey:
    surveys = Survey.objects.filter(organisation=request.organisation, public_id=public_id)
    if not permissions.can_manage_surveys(request.membership):
        # Drafts are the team's work in progress.
        surveys = surveys.exclude(status=Survey.Status.DRAFT)
    survey = surveys.select_related("organisation").first()
    if survey is None:
        raise Http404("No such survey")
    return survey


def get_question_for(request: HttpRequest, survey: Survey, question_id: int) -> Question:
    question = Question.objects.filter(survey=survey, pk=question_id).select_related("survey").first()
    if question is None:
        raise Http404("No such question")
    return question


def get_public_survey(organisation_slug: str, public_id) -> Survey:
    """A survey anyone with the link may answer (pages under /public/ and the API's public routes)."""
    if not SLUG_RE.fullmatch(organisation_slug or ""):
        raise Http404("No such survey")
    survey = (
        Survey.objects.filter(organisation__slug=organisation_slug, public_id=public_id, is_public=True)
        .exclude(status=Survey.Status.DRAFT)
        .select_related("organisation")
        .first()
    )
    if survey is None:
        raise Http404("No such survey")
    return survey
