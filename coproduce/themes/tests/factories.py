import factory

from coproduce.core.tests.factories import OrganisationFactory
from coproduce.feedback.models import QuestionKind
from coproduce.feedback.tests.factories import QuestionFactory, SurveyFactory, respond
from coproduce.themes.models import Comment, Theme


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Theme {n}")
    position = factory.Sequence(lambda n: n + 1)


def written_comments(organisation, texts: list[str], survey=None) -> list[Comment]:
    """Responses with these written answers, and their comments (flagged where the words say so)."""
    from coproduce.themes.services import comments_create, free_text_answers

    survey = survey or SurveyFactory(organisation=organisation, title="Your experience")
    question = survey.questions.filter(kind=QuestionKind.FREE_TEXT).first() or QuestionFactory(
        survey=survey, kind=QuestionKind.FREE_TEXT, text="Please can you tell us why?", choices=[]
    )
    for text in texts:
        respond(survey, {question: text})
    comments_create(organisation=organisation, answers=free_text_answers(organisation))
    return list(Comment.objects.filter(survey=survey).order_by("id"))


def themes_values(organisation, actor) -> dict[str, object]:
    """A theme and a comment of the organisation, for the isolation sweep."""
    from coproduce.themes.services import themes_setup_organisation

    themes_setup_organisation(organisation)
    [comment] = written_comments(organisation, [f"The staff of {organisation.slug} were kind."])
    return {"theme": Theme.objects.filter(organisation=organisation).first().pk, "comment": comment.public_id}


_STARTER: dict = {}


def stored_starter():
    """The starter model, trained from the shipped data once per test run (a few seconds) and stored
    for each test as the application stores it, so suggestions need no training in the test."""
    from django.utils import timezone

    from coproduce.themes import learning, services
    from coproduce.themes.models import Classifier

    if "model" not in _STARTER:
        _STARTER["model"] = learning.train(learning.starter_examples())
        _STARTER["bytes"] = _STARTER["model"].dumps()
    model = _STARTER["model"]
    return Classifier.objects.create(
        organisation=None,
        data=_STARTER["bytes"],
        labels=model.labels,
        trained_at=timezone.now(),
        example_count=model.meta["examples"],
        source=services._starter_checksum(),
    )
