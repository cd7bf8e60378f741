"""People are written to in the language they chose, whoever writes to them and in whatever language
the sender reads the pages."""

import time

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from conftest import PASSWORD
from coproduce.core import services as core
from coproduce.core.models import User
from coproduce.feedback import submission
from coproduce.feedback.models import Response
from coproduce.feedback.services import survey_create_from_template
from coproduce.notifications.models import Notification
from coproduce.notifications.services import notify

pytestmark = pytest.mark.django_db


def choose(user: User, language: str) -> User:
    return core.user_set_language(user=user, language=language)


def test_each_person_reads_a_notification_in_the_language_they_chose(
    organisation, admin, lead, member, mailoutbox, django_capture_on_commit_callbacks
):
    choose(lead, "cy")
    choose(member, "en-gb")  # admin has not chosen: they read what the sender writes in

    with translation.override("cy"), django_capture_on_commit_callbacks(execute=True):
        notify(
            organisation=organisation,
            recipients=[admin, lead, member],
            message=lambda: (_("Messages"), _("Choose a language")),
        )

    read = {n.recipient: (n.subject, n.body, n.language) for n in Notification.objects.all()}
    assert read[lead] == ("Negeseuon", "Dewiswch iaith", "cy")
    assert read[member] == ("Messages", "Choose a language", "en-gb")
    assert read[admin] == ("Negeseuon", "Dewiswch iaith", "cy")  # the sender's language
    emails = {m.to[0]: m for m in mailoutbox}
    assert f"Coproduce ar gyfer {organisation.name}" in emails[lead.email].body
    assert f"Coproduce for {organisation.name}" in emails[member.email].body


def test_an_english_admin_adding_a_welsh_speaker_writes_to_them_in_welsh(organisation, admin, outsider):
    choose(outsider, "cy")

    core.membership_invite(
        organisation=organisation,
        email=outsider.email,
        full_name=outsider.full_name,
        roles=["participant"],
        invited_by=admin,
    )

    [note] = Notification.objects.filter(recipient=outsider)
    assert note.subject == f"Rydych chi wedi cael eich ychwanegu at {organisation.name} ar Coproduce"


def test_changing_the_language_of_the_pages_when_signed_in_remembers_it(client, member):
    client.post("/i18n/setlang/", {"language": "cy", "next": "/"})
    anonymous = client.cookies["django_language"].value
    client.force_login(member)
    client.post("/i18n/setlang/", {"language": "cy", "next": "/"})

    member.refresh_from_db()
    assert anonymous == "cy" and member.language == "cy"
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})  # not one of ours: nothing changes
    member.refresh_from_db()
    assert member.language == "cy"


def test_the_account_page_sets_the_language_we_write_in(client, member):
    client.force_login(member)
    page = client.get("/account/").content.decode()
    assert "Which language should we write to you in?" in page
    assert 'value="en-gb" checked' in page  # not chosen yet: the language of the pages
    assert 'lang="cy">Cymraeg</label>' in page  # a screen reader says it in Welsh

    response = client.post("/account/", {"language": "cy"}, follow=True)
    member.refresh_from_db()
    assert member.language == "cy"
    assert "We will write to you in Cymraeg." in response.content.decode()

    wrong = client.post("/account/", {"language": "fr"})
    assert wrong.status_code == 200
    assert "Select a valid choice" in wrong.content.decode()
    member.refresh_from_db()
    assert member.language == "cy"


def test_signing_in_opens_the_pages_in_the_language_someone_chose(client, member):
    choose(member, "cy")

    response = client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response.cookies["django_language"].value == "cy"
    assert '<html lang="cy"' in client.get(f"/o/{member.memberships.get().organisation.slug}/").text


def test_a_response_keeps_the_language_it_was_given_in_only_with_consent(client, organisation, lead):
    fft = survey_create_from_template(organisation=organisation, actor=lead, template="fft", status="open")
    rating, why = fft.questions.all()
    url = f"/public/{organisation.slug}/surveys/{fft.public_id}/"

    def send(key: str, **contact) -> Response:
        data = {
            "idempotency_key": key * 32,
            "started": submission.started_token(time.time() - 60),
            "website": "",
            f"question_{rating.pk}": "Very good",
            f"question_{why.pk}": "Staff were kind",
            **contact,
        }
        assert client.post(url, data).status_code == 302
        return Response.objects.get(idempotency_key=key * 32)

    client.post("/i18n/setlang/", {"language": "cy", "next": url})
    with_consent = send("a", contact_ok="on", contact_email="jo@example.com")
    without = send("b")

    assert with_consent.contact_language == "cy"
    assert without.contact_language == ""
