"""Closing the loop: everyone behind an item hears what moved, in ONE digest per period, by their own
channel and chosen frequency, and never about the same change twice."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from coproduce.feedback.tests.factories import SurveyFactory
from coproduce.involvement.models import Letter
from coproduce.notifications.models import Notification
from coproduce.people import services as people
from coproduce.people.models import Person
from coproduce.yousaid import services
from coproduce.yousaid.digests import SETTLE_TIME, send_due_digests
from coproduce.yousaid.models import Change, DigestDelivery, DigestSubscription, WeDid

from .factories import answer, comment, free_text_question, item, membership_of, publish

TODAY = timezone.localdate()


@pytest.fixture
def behind(organisation, lead, member):
    """An item from two comments (one person left an email with consent, one did not), raised by a group
    with a member by email, a member by post and a member with an account."""
    survey = SurveyFactory(organisation=organisation)
    question = free_text_question(survey)
    comments = [
        comment(survey, "I could not get through on the phone", email="Ria@Example.test", question=question),
        comment(survey, "Phones ring and ring", question=question),
    ]
    group = people.group_create(organisation=organisation, actor=lead, name="Carers forum", purpose="Support")
    by_email = people.person_create(
        organisation=organisation,
        actor=lead,
        full_name="Ema Email",
        email="ema@example.test",
        contact_by_email=True,
        preferred_contact="email",
    )
    by_post = people.person_create(
        organisation=organisation,
        actor=lead,
        full_name="Pip Post",
        address="1 High Street, Leeds",
        contact_by_post=True,
        preferred_contact="post",
    )
    with_account = people.person_for_user(organisation=organisation, user=member)
    for person in (by_email, by_post, with_account):
        people.group_member_add(group=group, person=person, role="member", actor=lead)
    made = item(organisation, lead, source="group", group=group, comments=comments)
    return {"item": made, "group": group, "email": by_email, "post": by_post, "account": with_account}


def settle() -> None:
    """Let time pass: the changes so far become older than the time a digest waits for them to settle."""
    Change.objects.update(created_at=F("created_at") - SETTLE_TIME - timedelta(seconds=1))


def send_after_settling(*, today):
    settle()
    return send_due_digests(today=today)


def digests_to(mailoutbox, address: str) -> list:
    return [m for m in mailoutbox if address in m.to and "what has changed" in m.subject]


def test_several_changes_make_one_message_for_each_person_by_their_channel(
    behind, lead, staff, member, mailoutbox, django_capture_on_commit_callbacks
):
    promise = answer(behind["item"], staff, kind="will", status="open")
    publish(promise, lead)
    services.response_update(
        response=WeDid.objects.get(pk=promise.pk),
        actor=staff,
        membership=membership_of(staff, behind["item"].organisation),
        status="in_progress",
    )

    with django_capture_on_commit_callbacks(execute=True):
        report = send_after_settling(today=TODAY)

    [to_ria] = digests_to(mailoutbox, "ria@example.test")
    assert "We will: We added a second phone line" in to_ria.body
    assert "Now: In progress" in to_ria.body
    assert "/public/demo/you-said-we-did/updates/" in to_ria.body
    # The contact hears only about public answers; the group also hears the item was recorded.
    assert "Recorded:" not in to_ria.body
    [to_ema] = digests_to(mailoutbox, "ema@example.test")
    assert "Recorded: It is hard to get through on the phone" in to_ema.body
    [letter] = Letter.objects.filter(person=behind["post"])
    assert "Now: In progress" in letter.body
    [note] = Notification.objects.filter(recipient=member, subject__contains="what has changed")
    assert "Now: In progress" in note.body
    assert report.sent == {"email": 2, "letter": 1, "notification": 1}
    # Nobody without consent is written to.
    assert {address for m in mailoutbox for address in m.to} == {
        "ria@example.test",
        "ema@example.test",
        "member@demo.test",
    }


def test_running_twice_sends_nothing_twice(
    behind, lead, staff, mailoutbox, django_capture_on_commit_callbacks
):
    publish(answer(behind["item"], staff), lead)
    with django_capture_on_commit_callbacks(execute=True):
        first = send_after_settling(today=TODAY)
    sent = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        second = send_after_settling(today=TODAY)
        call_command("send_you_said_digests", date=TODAY.isoformat())

    assert first.total == 4
    assert (
        sent == 3
    )  # two emails, and the account holder's notification is emailed too; the letter is printed
    assert second.total == 0
    assert len(mailoutbox) == sent
    assert DigestDelivery.objects.count() == 4
    # A week later with nothing new, still nothing: a change is told once.
    with django_capture_on_commit_callbacks(execute=True):
        assert send_after_settling(today=TODAY + timedelta(days=8)).total == 0


def test_daily_and_weekly_subscribers_hear_at_their_own_pace(
    behind, lead, staff, mailoutbox, django_capture_on_commit_callbacks
):
    publish(answer(behind["item"], staff, kind="will"), lead)
    with django_capture_on_commit_callbacks(execute=True):
        send_after_settling(today=TODAY)
    contact = DigestSubscription.objects.get(email="ria@example.test")
    ema = DigestSubscription.objects.get(person=behind["email"])
    assert contact.frequency == ema.frequency == "weekly"
    services.subscription_set_frequency(subscription=ema, choice="daily")
    promise = WeDid.objects.get()

    # A change the next day: Ema (daily) hears tomorrow; Ria (weekly) waits for her week.
    services.response_update(
        response=promise,
        actor=staff,
        membership=membership_of(staff, promise.item.organisation),
        status="done",
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_after_settling(today=TODAY + timedelta(days=1))
    assert [m.to for m in mailoutbox] == [["ema@example.test"]]

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_after_settling(today=TODAY + timedelta(days=6))
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        send_after_settling(today=TODAY + timedelta(days=7))
    [weekly] = digests_to(mailoutbox, "ria@example.test")
    assert "Now: Done" in weekly.body


def test_someone_who_stops_the_updates_hears_nothing_more(
    client, behind, lead, staff, mailoutbox, django_capture_on_commit_callbacks
):
    publish(answer(behind["item"], staff), lead)
    with django_capture_on_commit_callbacks(execute=True):
        send_after_settling(today=TODAY)
    subscription = DigestSubscription.objects.get(email="ria@example.test")
    url = f"/public/demo/you-said-we-did/updates/{subscription.token}/"

    page = client.get(url)
    assert "How often would you like to hear" in page.text
    assert "Choose how often" in client.post(url, {}).text
    response = client.post(url, {"frequency": "stop"})
    assert "We will not send you these updates any more" in response.text

    publish(answer(WeDid.objects.get().item, staff, kind="did", action="We also answer e-mails"), lead)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_after_settling(today=TODAY + timedelta(days=7))
    assert digests_to(mailoutbox, "ria@example.test") == []
    assert digests_to(mailoutbox, "ema@example.test")


def test_a_subscription_link_of_another_organisation_is_not_found(
    client, behind, lead, staff, other_organisation
):
    publish(answer(behind["item"], staff), lead)
    send_after_settling(today=TODAY)
    subscription = DigestSubscription.objects.get(email="ria@example.test")

    assert client.get(f"/public/other/you-said-we-did/updates/{subscription.token}/").status_code == 404


def test_a_survey_result_is_followed_only_by_those_who_had_answered_when_it_was_raised(
    organisation, lead, staff, mailoutbox, django_capture_on_commit_callbacks
):
    from coproduce.feedback.models import Response
    from coproduce.yousaid.digests import items_followed

    survey = SurveyFactory(organisation=organisation)
    question = free_text_question(survey)
    early = comment(survey, "Too few evening slots", email="early@example.test", question=question)
    Response.objects.filter(pk=early.response_id).update(submitted_at=timezone.now() - timedelta(days=20))
    # Answered the same survey after the item was raised: their feedback is not behind it.
    comment(survey, "Parking is hard", email="later@example.test", question=question)
    made = item(organisation, lead, source="survey", survey=survey, raised_on=TODAY - timedelta(days=10))
    publish(answer(made, staff), lead)

    with django_capture_on_commit_callbacks(execute=True):
        send_after_settling(today=TODAY)

    assert digests_to(mailoutbox, "early@example.test")
    assert digests_to(mailoutbox, "later@example.test") == []
    assert not DigestSubscription.objects.filter(email="later@example.test").exists()
    later = DigestSubscription.objects.create(
        organisation=organisation, kind="contact", email="later@example.test"
    )
    assert list(items_followed(later)) == []


def test_a_change_waits_until_it_has_settled_so_the_cursor_skips_nothing(
    behind, lead, staff, mailoutbox, django_capture_on_commit_callbacks
):
    publish(answer(behind["item"], staff), lead)

    # Just made: a change with a lower id may still be committing elsewhere, so nothing is told yet.
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_digests(today=TODAY).total == 0
    assert DigestSubscription.objects.filter(last_change_id__gt=0).count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        assert send_after_settling(today=TODAY).total == 4
    assert "We did: We added a second phone line" in digests_to(mailoutbox, "ria@example.test")[0].body


def test_a_group_member_who_prefers_the_phone_is_on_the_leads_call_list(
    organisation, lead, behind, django_capture_on_commit_callbacks
):
    by_phone = people.person_create(
        organisation=organisation,
        actor=lead,
        full_name="Phil Phone",
        phone="07700 900789",
        contact_by_phone=True,
        preferred_contact="phone",
    )
    people.group_member_add(group=behind["group"], person=by_phone, role="member", actor=lead)
    with django_capture_on_commit_callbacks(execute=True):
        report = send_after_settling(today=TODAY)
    [call] = Letter.objects.filter(person=by_phone)
    assert call.channel == "phone" and "Recorded: It is hard to get through on the phone" in call.body
    assert report.sent["phone"] == 1


def test_someone_who_left_only_a_phone_number_is_on_the_call_list_once(
    client, organisation, lead, staff, mailoutbox, django_capture_on_commit_callbacks
):
    from coproduce.feedback.tests.factories import AnswerFactory, ResponseFactory

    survey = SurveyFactory(organisation=organisation)
    question = free_text_question(survey)
    said = []
    for name, phone, consent in (("Sam", "07700 900111", True), ("Ann", "07700 900222", False)):
        response = ResponseFactory(
            survey=survey,
            contact_ok=consent,
            contact_name=name if consent else "",
            contact_phone=phone if consent else "",
        )
        said.append(AnswerFactory(response=response, question=question, text="The phones ring and ring"))
    made = item(organisation, lead, source="comments", comments=said)
    publish(answer(made, staff, kind="did"), lead)

    with django_capture_on_commit_callbacks(execute=True):
        report = send_after_settling(today=TODAY)
        again = send_due_digests(today=TODAY)

    [call] = Letter.objects.filter(person__isnull=True)
    assert (call.channel, call.who, call.number) == ("phone", "Sam", "07700 900111")
    assert "We did" in call.body
    assert report.sent.get("phone") == 1 and not again.sent
    assert not DigestSubscription.objects.filter(phone="07700 900222").exists()  # no consent, no call
    client.force_login(lead)
    page = client.get("/o/demo/opportunities/letters/").text
    assert "Sam" in page and "07700 900111" in page


def test_each_person_behind_an_item_reads_the_digest_in_their_own_language(
    behind, lead, staff, member, mailoutbox, django_capture_on_commit_callbacks
):
    """Ria answered the survey in Welsh, Pat chose Welsh for messages and the register says Pip (no
    account, letters) reads Welsh; the lead who answered, and the digest run, work in English. Ema never
    chose, so she reads the site's default."""
    from coproduce.core.services import user_set_language
    from coproduce.feedback.models import Response

    Response.objects.filter(contact_email="Ria@Example.test").update(contact_language="cy")
    user_set_language(user=member, language="cy")
    Person.objects.filter(pk=behind["post"].pk).update(language="cy")
    publish(answer(behind["item"], staff, kind="will", status="open"), lead)

    with django_capture_on_commit_callbacks(execute=True):
        send_after_settling(today=TODAY)

    [to_ria] = [m for m in mailoutbox if m.to == ["ria@example.test"]]
    assert "beth sydd wedi newid ers i chi ddweud wrthym" in to_ria.subject
    assert "Byddwn ni'n: We added a second phone line" in to_ria.body
    [to_pat] = Notification.objects.filter(recipient=member)
    assert to_pat.language == "cy" and "beth sydd wedi newid" in to_pat.subject
    assert "Wedi'i gofnodi: It is hard to get through on the phone" in to_pat.body
    [to_pip] = Letter.objects.filter(person=behind["post"])
    assert "Byddwn ni'n: We added a second phone line" in to_pip.body
    [to_ema] = digests_to(mailoutbox, "ema@example.test")
    assert "We will: We added a second phone line" in to_ema.body


def test_a_contact_already_subscribed_is_written_to_in_the_language_of_their_latest_answer(
    behind, lead, staff
):
    from coproduce.feedback.models import Response
    from coproduce.yousaid.digests import subscriptions_sync

    subscriptions_sync(organisation=behind["item"].organisation, today=TODAY)
    assert DigestSubscription.objects.get(email="ria@example.test").language == ""

    Response.objects.filter(contact_email="Ria@Example.test").update(contact_language="cy")
    subscriptions_sync(organisation=behind["item"].organisation, today=TODAY)

    assert DigestSubscription.objects.get(email="ria@example.test").language == "cy"
