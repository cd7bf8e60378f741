import uuid

import factory
from django.utils import timezone

from coproduce.core.tests.factories import OrganisationFactory
from coproduce.feedback.models import Answer, Question, QuestionKind, Response, Survey


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Survey {n}")
    status = Survey.Status.OPEN
    is_public = True


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    survey = factory.SubFactory(SurveyFactory)
    position = factory.Sequence(lambda n: n + 1)
    kind = QuestionKind.YES_NO_NOT_SURE
    text = factory.Sequence(lambda n: f"Question {n}?")
    choices = factory.LazyAttribute(
        lambda q: ["Yes", "No", "Not sure"] if q.kind == QuestionKind.YES_NO_NOT_SURE else []
    )


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    survey = factory.SubFactory(SurveyFactory)
    mode = Response.Mode.ONLINE
    submitted_at = factory.LazyFunction(timezone.now)
    idempotency_key = factory.LazyFunction(lambda: uuid.uuid4().hex)


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    response = factory.SubFactory(ResponseFactory)
    question = factory.SubFactory(QuestionFactory)
    choices = factory.LazyFunction(list)
    text = ""


def respond(survey, answers: dict, mode: str = Response.Mode.ONLINE, **fields) -> Response:
    """One response with answers given as {question: "Yes" | ["A", "B"] | "some text"}."""
    response = ResponseFactory(survey=survey, mode=mode, **fields)
    for question, value in answers.items():
        if question.kind == QuestionKind.FREE_TEXT:
            AnswerFactory(response=response, question=question, text=value)
        else:
            AnswerFactory(
                response=response, question=question, choices=[value] if isinstance(value, str) else value
            )
    return response
