"""Safe, lossless submission of the public form: idempotency, honeypot, timing, rate limit, errors."""

import time

import pytest

from coproduce.feedback import submission
from coproduce.feedback.models import Answer, Response
from coproduce.feedback.services import survey_create_from_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def fft(organisation, lead):
    return survey_create_from_template(organisation=organisation, actor=lead, template="fft", status="open")


def url(survey) -> str:
    return f"/public/{survey.organisation.slug}/surveys/{survey.public_id}/"


def form_data(survey, **overrides) -> dict:
    """What a person's browser sends after taking a minute to answer."""
    rating, why = survey.questions.all()
    data = {
        "idempotency_key": "a" * 32,
        "started": submission.started_token(time.time() - 60),
        "website": "",
        f"question_{rating.pk}": "Very good",
        f"question_{why.pk}": "Kind staff",
    }
    data.update(overrides)
    return data


def test_the_public_form_opens_without_signing_in_and_carries_a_key_and_a_timestamp(client, fft):
    response = client.get(url(fft))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Overall, how was your experience of our service?" in page
    assert "Neither good nor poor" in page and "Don&#x27;t know" in page
    assert "Please can you tell us why you gave your answer?" in page
    assert 'name="idempotency_key"' in page and 'name="started"' in page
    assert "<div hidden" in page  # the honeypot is hidden from people and screen readers


def test_a_good_answer_is_saved_once_as_an_anonymous_online_response(client, fft):
    response = client.post(url(fft), form_data(fft))

    assert response.status_code == 302
    assert response["Location"] == f"{url(fft)}thanks/"
    saved = Response.objects.get(survey=fft)
    assert saved.mode == "online" and saved.entered_by is None and not saved.contact_ok
    assert sorted(Answer.objects.filter(response=saved).values_list("text", flat=True)) == ["", "Kind staff"]
    thanks = client.get(response["Location"])
    assert "Thank you, your answers have been sent" in thanks.content.decode()


def test_the_same_key_twice_gives_one_response_and_the_same_thank_you(client, fft):
    """A double click, a back-and-resubmit or a network retry sends the same key."""
    first = client.post(url(fft), form_data(fft))
    second = client.post(url(fft), form_data(fft, **{"website": ""}))

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Response.objects.filter(survey=fft).count() == 1
    assert Answer.objects.filter(response__survey=fft).count() == 2


def test_a_new_key_is_a_new_response(client, fft):
    client.post(url(fft), form_data(fft))
    client.post(url(fft), form_data(fft, idempotency_key="b" * 32))

    assert Response.objects.filter(survey=fft).count() == 2


def test_a_filled_honeypot_is_refused_kindly_and_keeps_the_answers(client, fft):
    response = client.post(url(fft), form_data(fft, website="http://spam.example"))

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "If you are a person" in page
    assert "Kind staff" in page  # typed answers are still there
    assert Response.objects.count() == 0


def test_a_form_sent_too_quickly_is_refused_kindly_and_can_be_sent_again(client, fft):
    response = client.post(url(fft), form_data(fft, started=submission.started_token()))

    assert response.status_code == 400
    page = response.content.decode()
    assert "quicker than we expected" in page
    assert "Kind staff" in page and 'value="Very good" checked' in page
    assert Response.objects.count() == 0


@pytest.mark.parametrize("started", ["", "not-a-signed-value", "eyJ0IjoxfQ:forged:signature"])
def test_a_missing_or_forged_timestamp_is_refused(client, fft, started):
    response = client.post(url(fft), form_data(fft, started=started))

    assert response.status_code == 400
    assert Response.objects.count() == 0


def test_required_questions_bring_the_page_back_with_everything_typed(client, fft):
    rating, why = fft.questions.all()

    response = client.post(
        url(fft),
        form_data(fft, **{f"question_{rating.pk}": "", f"question_{why.pk}": "The waiting room was cold"}),
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert f'href="#id_question_{rating.pk}_0"' in page  # the summary links to the first radio
    assert "Choose an answer to: Overall, how was your experience of our service?" in page
    assert "The waiting room was cold" in page
    assert 'value="' + "a" * 32 + '"' in page  # the same key, so fixing and resending saves once
    assert Response.objects.count() == 0


def test_contact_details_need_consent_and_a_way_to_reach_someone(client, fft):
    no_way = client.post(url(fft), form_data(fft, contact_ok="on", contact_name="Jo"))
    assert "Enter an email address or a phone number" in no_way.content.decode()
    assert Response.objects.count() == 0

    client.post(url(fft), form_data(fft, contact_name="Jo", contact_email="jo@example.com"))
    saved = Response.objects.get()
    assert (saved.contact_ok, saved.contact_name, saved.contact_email) == (False, "", "")  # no consent

    client.post(
        url(fft), form_data(fft, idempotency_key="c" * 32, contact_ok="on", contact_email="jo@example.com")
    )
    assert Response.objects.get(idempotency_key="c" * 32).contact_email == "jo@example.com"


def test_too_many_submissions_from_one_address_get_a_friendly_429(client, fft, settings):
    settings.FEEDBACK_RATE_LIMIT = (3, 600)  # read when used, so a setting changed later applies
    for n in range(3):
        assert client.post(url(fft), form_data(fft, idempotency_key=f"{n}" * 32)).status_code == 302

    response = client.post(url(fft), form_data(fft, idempotency_key="z" * 32))

    assert response.status_code == 429
    page = response.content.decode()
    assert "Please wait 10 minutes" in page and "Your answers are still here" in page
    assert "Kind staff" in page
    assert Response.objects.count() == 3
    # Another address is not affected.
    other = client.post(url(fft), form_data(fft, idempotency_key="y" * 32), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_a_draft_private_or_missing_survey_is_not_found_and_a_closed_one_says_so(client, fft, organisation):
    fft.status = "closed"
    fft.save()
    closed = client.get(url(fft))
    assert closed.status_code == 200 and "This survey is closed" in closed.content.decode()
    assert "mailto:" + organisation.contact_email in closed.content.decode() or not organisation.contact_email
    assert client.post(url(fft), form_data(fft)).status_code == 200
    assert Response.objects.count() == 0

    fft.status = "draft"
    fft.save()
    assert client.get(url(fft)).status_code == 404
    fft.status, fft.is_public = "open", False
    fft.save()
    assert client.get(url(fft)).status_code == 404
    assert client.get(f"/public/other/surveys/{fft.public_id}/").status_code == 404


def test_the_minimum_time_is_read_from_the_settings_when_the_form_comes_back(client, fft, settings):
    settings.FEEDBACK_MIN_SECONDS = 120
    slow_but_not_enough = form_data(fft, started=submission.started_token(time.time() - 60))

    response = client.post(url(fft), slow_but_not_enough)

    assert response.status_code == 400
    assert "quicker than we expected" in response.content.decode()
    settings.FEEDBACK_MIN_SECONDS = 30
    assert client.post(url(fft), form_data(fft, idempotency_key="m" * 32)).status_code == 302
