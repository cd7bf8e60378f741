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


# For the API's schema tests (tests/test_api_schema.py): the rules a schema cannot state, by path.
FEEDBACK_WRITE_RULES = {"/api/v1/orgs/{slug}/surveys": {"closes_on"}}


def feedback_schema_values(organisation, admin) -> dict[str, str]:
    """An open public Friends and Family Test with a few responses: the survey id an API client would use."""
    from coproduce.feedback.services import survey_create_from_template

    survey = survey_create_from_template(
        organisation=organisation,
        actor=admin,
        template="fft",
        status="open",
        service_choices=["Ward 3", "Ward 4"],
    )
    rating = survey.questions.get(code="fft")
    for label in ["Very good", "Good", "Poor", "Very good", "Don't know", "Good"]:
        respond(survey, {rating: label}, service="Ward 3")
    return {"survey_id": str(survey.public_id)}
