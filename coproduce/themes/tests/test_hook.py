"""A response with written answers becomes comments with suggestions, after the response is saved."""

import pytest

from coproduce.core.services import organisation_create
from coproduce.feedback.services import response_submit, survey_create_from_template
from coproduce.themes.framework import DEFAULT_CODES
from coproduce.themes.models import Comment, Theme

pytestmark = pytest.mark.django_db


def test_a_new_organisation_gets_the_default_framework(admin):
    organisation = organisation_create(name="New Trust", slug="new-trust", created_by=admin)

    codes = list(Theme.objects.filter(organisation=organisation).values_list("code", flat=True))
    assert codes == DEFAULT_CODES
    assert Theme.objects.filter(organisation=organisation, name="Involvement in decisions").exists()


def test_a_response_with_a_written_answer_gets_a_comment_and_suggestions(
    organisation, lead, starter, django_capture_on_commit_callbacks
):
    from coproduce.themes.services import themes_setup_organisation

    themes_setup_organisation(organisation)
    survey = survey_create_from_template(organisation=organisation, actor=lead, template="fft", status="open")
    rating, why = survey.questions.all()

    with django_capture_on_commit_callbacks(execute=True):
        response, created = response_submit(
            survey=survey,
            mode="online",
            idempotency_key="k1",
            answers={rating.pk: "Poor", why.pk: "The food was cold and there was never any choice"},
        )

    comment = Comment.objects.get(answer__response=response)
    assert comment.status == Comment.Status.SUGGESTED and comment.survey == survey
    assert "food" in [theme.code for theme in comment.themes.all()]


def test_a_response_without_written_answers_makes_no_comment(
    organisation, lead, django_capture_on_commit_callbacks
):
    survey = survey_create_from_template(organisation=organisation, actor=lead, template="fft", status="open")
    rating, _why = survey.questions.all()

    with django_capture_on_commit_callbacks(execute=True):
        response_submit(survey=survey, mode="online", idempotency_key="k2", answers={rating.pk: "Good"})

    assert not Comment.objects.exists()


def test_the_data_migration_gives_existing_organisations_the_framework_once(organisation):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("coproduce.themes.migrations.0003_default_themes")
    Theme.objects.filter(organisation=organisation).delete()
    Theme.objects.create(organisation=organisation, name="Medication", code="medication")

    migration.add_default_themes(apps, None)
    migration.add_default_themes(apps, None)

    codes = list(Theme.objects.filter(organisation=organisation).values_list("code", flat=True))
    assert sorted(codes) == sorted(DEFAULT_CODES)


def test_answers_from_before_themes_join_the_queue_in_batches_by_a_task(
    client, organisation, lead, starter, monkeypatch, django_capture_on_commit_callbacks
):
    from coproduce.feedback.models import QuestionKind
    from coproduce.feedback.tests.factories import QuestionFactory, SurveyFactory, respond
    from coproduce.themes import services

    monkeypatch.setattr(services, "SYNC_BATCH", 2)
    survey = SurveyFactory(organisation=organisation)
    question = QuestionFactory(survey=survey, kind=QuestionKind.FREE_TEXT, text="Why?", choices=[])
    texts = ["Kind staff", "Long wait", "Good food", "Noisy ward", "Clear letters"]
    for text in texts:
        respond(survey, {question: text})  # saved without the hook, as before themes existed
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post("/o/demo/themes/review/sync/", follow=True)
    assert "being added to the queue in the background" in page.text
    assert sorted(
        Comment.objects.filter(organisation=organisation).values_list("answer__text", flat=True)
    ) == sorted(texts)
    assert services.comments_sync(organisation=organisation) == 0  # nothing twice
