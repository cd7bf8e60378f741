"""Fetch feedback objects for a request: scoped to its organisation; 404 for missing and forbidden."""

from django.http import Http404, HttpRequest

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
