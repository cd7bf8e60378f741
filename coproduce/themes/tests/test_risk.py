"""Possible risk: flagged at once, shown first, told to leads, never cleared without a person's record."""

import pytest
from django.core.exceptions import ValidationError

from coproduce.core.models import AuditEvent
from coproduce.notifications.models import Notification
from coproduce.themes import selectors, services
from coproduce.themes.models import Comment
from coproduce.themes.risk import risk_reasons
from coproduce.themes.tests.factories import written_comments


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Some days I think about suicide", "suicide"),
        ("I don't want to live like this any more", "suicide"),
        ("I have started cutting myself again", "self-harm"),
        ("I self-harm when nobody answers the phone", "self-harm"),
        ("A member of staff was abusive to me", "abuse"),
        ("Another patient hit me and nothing was done", "abuse"),
        ("I am worried this is a safeguarding issue for my son", "safeguarding"),
        ("I did not feel safe on the ward at night, it felt unsafe", "safeguarding"),
    ],
)
def test_words_that_may_mean_risk_are_found(text, category):
    assert any(reason.startswith(category) for reason in risk_reasons(text))


@pytest.mark.parametrize("text", ["The staff were lovely", "Parking was hard", "I waited a long time"])
def test_ordinary_comments_are_not_flagged(text):
    assert risk_reasons(text) == []


@pytest.mark.django_db
def test_a_risky_comment_is_flagged_at_once_shown_first_and_leads_are_told(
    organisation, admin, lead, staff, member
):
    ordinary, risky = written_comments(organisation, ["The food was nice", "I want to end my life"])

    assert (ordinary.risk, risky.risk) == (Comment.Risk.NONE, Comment.Risk.FLAGGED)
    assert risky.risk_reasons == ["suicide: end my life"]
    queue = list(selectors.review_queue(organisation=organisation))
    assert queue[0] == risky
    told = set(
        Notification.objects.filter(organisation=organisation).values_list("recipient__email", flat=True)
    )
    assert told == {admin.email, lead.email}
    assert AuditEvent.objects.filter(action="theme.risk_flagged", actor__isnull=True).count() == 1


@pytest.mark.django_db
def test_a_risk_flag_stays_until_a_person_records_what_they_did(organisation, staff, starter):
    services.themes_setup_organisation(organisation)
    [risky] = written_comments(organisation, ["Staff restrained me and I was hurt"])
    services.comments_suggest(organisation=organisation)
    theme = organisation.themes.first()

    # Checking its themes does not clear the flag; nor does a suggestion.
    services.comment_confirm(comment=risky, actor=staff, theme_ids=[theme.pk], sentiment="negative")
    risky.refresh_from_db()
    assert risky.risk == Comment.Risk.FLAGGED
    assert selectors.queue_counts(organisation=organisation).risk == 1
    assert list(selectors.review_queue(organisation=organisation)) == [risky]

    with pytest.raises(ValidationError) as error:
        services.comment_record_risk_action(comment=risky, actor=staff, action="safeguarding", note=" ")
    assert "Write what you did" in str(error.value)

    services.comment_record_risk_action(
        comment=risky, actor=staff, action="safeguarding", note="Referred to the safeguarding lead, 10:15"
    )
    risky.refresh_from_db()
    assert (risky.risk, risky.risk_actioned_by) == (Comment.Risk.ACTIONED, staff)
    event = AuditEvent.objects.get(action="theme.risk_actioned")
    assert event.actor == staff and event.details["action"] == "safeguarding"
    assert list(selectors.review_queue(organisation=organisation)) == []


@pytest.mark.django_db
def test_staff_can_flag_a_risk_the_words_missed(organisation, staff, lead):
    [comment] = written_comments(organisation, ["Nobody visits me and I have stopped eating"])
    assert comment.risk == Comment.Risk.NONE

    services.comment_flag_risk(comment=comment, actor=staff, reason="Sounds like self-neglect")

    comment.refresh_from_db()
    assert comment.risk == Comment.Risk.FLAGGED and comment.risk_flagged_by == staff
    assert Notification.objects.filter(recipient=lead).exists()
