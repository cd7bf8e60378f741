"""Review fixes: secondary suppression, audited reading, suggestions that never overwrite a person,
skipping through the whole queue, one safeguarding record, one message, fewer retraining runs, the
chart's blanks and the open flag form."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.utils import timezone

from coproduce.api.services import api_token_create
from coproduce.core.models import AuditEvent
from coproduce.feedback.tests.factories import SurveyFactory
from coproduce.themes import selectors, services
from coproduce.themes.models import Classifier, Comment, Theme
from coproduce.themes.tasks import retrain_organisation
from coproduce.themes.tests.factories import written_comments

pytestmark = pytest.mark.django_db


@pytest.fixture
def framework(organisation):
    services.themes_setup_organisation(organisation)
    return organisation


def _label(comments, theme, sentiment, actor):
    for comment in comments:
        services.comment_confirm(comment=comment, actor=actor, theme_ids=[theme.pk], sentiment=sentiment)


@pytest.fixture
def four_and_five(framework, lead):
    """Food: 5 negative and 4 positive comments, so positive is hidden and total - negative would show it."""
    food = Theme.objects.get(organisation=framework, code="food")
    comments = written_comments(framework, [f"Food comment {n}" for n in range(9)])
    _label(comments[:5], food, "negative", lead)
    _label(comments[5:], food, "positive", lead)
    return food


def test_a_hidden_sentiment_cannot_be_worked_out_from_the_total(client, exec_, four_and_five):
    summary = selectors.theme_summary(organisation=four_and_five.organisation, checked_only=True)
    [row] = [row for row in summary.rows if row.theme == four_and_five]
    assert (row.positive, row.neutral, row.negative, row.total) == (None, 0, None, 9)

    _token, raw = api_token_create(user=exec_, name="Tests")
    body = client.get(
        "/api/v1/orgs/demo/themes/summary?checked_only=true", HTTP_AUTHORIZATION=f"Bearer {raw}"
    ).json()
    [api_row] = [r for r in body["rows"] if r["theme_id"] == four_and_five.pk]
    assert (api_row["positive"], api_row["neutral"], api_row["negative"], api_row["total"]) == (
        None,
        0,
        None,
        9,
    )


def test_the_chart_leaves_a_hidden_count_blank_not_zero(client, exec_, four_and_five):
    client.force_login(exec_)
    chart = client.get("/o/demo/themes/summary/?checked=1").context["chart"]
    [group] = [g for g in chart["groups"] if g.label == four_and_five.name]
    assert [bar.value for bar in group.bars] == ["", 0, ""]


def test_reading_comments_through_the_api_and_opening_one_are_audited(client, staff, framework):
    [comment] = written_comments(framework, ["The night staff were rude to me"])
    _token, raw = api_token_create(user=staff, name="Tests")

    response = client.get(
        f"/api/v1/orgs/demo/comments?survey={comment.survey.public_id}&view=all",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )

    assert response.status_code == 200
    event = AuditEvent.objects.get(action="theme.comments_read")
    assert event.actor == staff and event.organisation == framework
    assert event.details["page"] == 1 and event.details["survey"] == str(comment.survey.public_id)
    assert "rude" not in str(event.details)

    client.force_login(staff)
    client.get(f"/o/demo/themes/comments/{comment.public_id}/")
    viewed = AuditEvent.objects.get(action="theme.comment_viewed")
    assert viewed.actor == staff and viewed.target_id == str(comment.public_id)


def test_a_suggestion_never_overwrites_a_confirmation_made_while_the_model_worked(
    framework, staff, starter, monkeypatch
):
    first, second = written_comments(framework, ["The food was cold", "Parking was hard to find"])
    staffing = Theme.objects.get(organisation=framework, code="staffing-levels")
    real_load = services._load

    def load_while_staff_confirm(row):
        model = real_load(row)

        class Racing:
            def suggest(self, texts):
                services.comment_confirm(
                    comment=Comment.objects.get(pk=first.pk),
                    actor=staff,
                    theme_ids=[staffing.pk],
                    sentiment="positive",
                )
                return model.suggest(texts)

        return Racing()

    monkeypatch.setattr(services, "_load", load_while_staff_confirm)

    assert services.comments_suggest(organisation=framework) == 1

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.sentiment) == (Comment.Status.CONFIRMED, "positive")
    assert list(first.themes.values_list("pk", flat=True)) == [staffing.pk]
    assert second.status == Comment.Status.SUGGESTED


def test_skipping_walks_through_the_whole_queue_and_wraps_round(client, staff, framework):
    a, b, c = written_comments(framework, ["First comment", "Second comment", "Third comment"])
    assert selectors.next_to_review(organisation=framework, after=a) == b
    assert selectors.next_to_review(organisation=framework, after=b) == c
    assert selectors.next_to_review(organisation=framework, after=c) == a

    # The survey filter goes with the reviewer.
    other = written_comments(framework, ["Elsewhere"], survey=SurveyFactory(organisation=framework))[0]
    client.force_login(staff)
    page = client.get(f"/o/demo/themes/comments/{c.public_id}/?survey={c.survey.public_id}")
    assert page.context["next_url"] == f"/o/demo/themes/comments/{a.public_id}/?survey={c.survey.public_id}"
    assert selectors.next_to_review(organisation=framework, after=c) == other


def test_a_flagged_or_actioned_comment_cannot_be_flagged_again(client, staff, framework):
    [risky] = written_comments(framework, ["He hit me on the ward"])
    reasons = list(risky.risk_reasons)
    with pytest.raises(ValidationError, match="already flagged"):
        services.comment_flag_risk(comment=risky, actor=staff, reason="Worried")

    services.comment_record_risk_action(
        comment=risky, actor=staff, action="safeguarding", note="Called the team"
    )
    with pytest.raises(ValidationError, match="already recorded"):
        services.comment_record_risk_action(
            comment=risky, actor=staff, action="safeguarding", note="Second note"
        )

    client.force_login(staff)
    response = client.post(f"/o/demo/themes/comments/{risky.public_id}/flag/", {"reason": "Still worried"})
    assert response.status_code == 400
    assert "already flagged and what was done about it is recorded" in response.content.decode()
    risky.refresh_from_db()
    assert (risky.risk, risky.risk_note, risky.risk_reasons) == (
        Comment.Risk.ACTIONED,
        "Called the team",
        reasons,
    )


def test_the_flag_form_opens_when_it_has_an_error(client, staff, framework):
    [comment] = written_comments(framework, ["The garden was lovely"])
    client.force_login(staff)
    page = client.get(f"/o/demo/themes/comments/{comment.public_id}/").content.decode()
    assert '<details class="nhsuk-details">' in page

    response = client.post(f"/o/demo/themes/comments/{comment.public_id}/flag/", {"reason": ""})

    assert response.status_code == 400
    assert '<details class="nhsuk-details" open>' in response.content.decode()


def test_confirming_the_last_comment_gives_one_message(client, staff, framework):
    [comment] = written_comments(framework, ["The garden was lovely"])
    food = Theme.objects.get(organisation=framework, code="food")
    client.force_login(staff)

    response = client.post(
        f"/o/demo/themes/comments/{comment.public_id}/", {"themes": [food.pk], "sentiment": "positive"}
    )

    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Themes saved. There are no more comments to review."
    ]


def test_a_retraining_run_skips_when_a_later_confirmation_queued_its_own(framework, lead):
    food = Theme.objects.get(organisation=framework, code="food")
    first, second = written_comments(framework, ["Cold food", "Nice food"])
    _label([first, second], food, "negative", lead)
    first.refresh_from_db()
    second.refresh_from_db()
    model = Classifier.objects.create(organisation=framework, data=b"", trained_at=timezone.now())

    def run(comment):
        return retrain_organisation.call(
            organisation_id=framework.pk, confirmed_at=comment.confirmed_at.isoformat()
        )

    assert not services.retrain_due(organisation=framework, confirmed_at=first.confirmed_at)
    assert run(first) is False
    assert Classifier.objects.get(organisation=framework) == model  # not retrained
    assert services.retrain_due(organisation=framework, confirmed_at=second.confirmed_at)

    # A model older than half an hour is retrained even while confirmations keep coming.
    Classifier.objects.filter(pk=model.pk).update(trained_at=timezone.now() - timedelta(minutes=31))
    assert services.retrain_due(organisation=framework, confirmed_at=first.confirmed_at)


def test_recording_a_risk_action_keeps_the_survey_filter(client, staff, framework):
    [risky] = written_comments(framework, ["He hit me on the ward"])
    client.force_login(staff)
    query = f"?survey={risky.survey.public_id}"
    page = client.get(f"/o/demo/themes/comments/{risky.public_id}/{query}").content.decode()
    assert f"/o/demo/themes/comments/{risky.public_id}/risk/{query}" in page

    response = client.post(
        f"/o/demo/themes/comments/{risky.public_id}/risk/{query}",
        {"action": "safeguarding", "note": "Told the lead"},
    )

    assert response["Location"] == f"/o/demo/themes/comments/{risky.public_id}/{query}"
