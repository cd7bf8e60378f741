"""The feedback API through HTTP: the same people may do the same things as on the pages, public answers
are idempotent, rate limited and protected like the form, raw responses are audited, results are the
pages' suppressed figures, and reads cost the same number of queries however many responses there are."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coproduce.api.services import api_token_create
from coproduce.core.models import AuditEvent
from coproduce.feedback import submission
from coproduce.feedback.models import Response, Survey
from coproduce.feedback.services import survey_create_from_template
from coproduce.feedback.tests.factories import respond

pytestmark = pytest.mark.django_db

ORG = "/api/v1/orgs/demo"


def bearer(user) -> dict:
    _token, raw = api_token_create(user=user, name="Tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def fft(organisation, lead):
    return survey_create_from_template(
        organisation=organisation,
        actor=lead,
        template="fft",
        status="open",
        service_choices=["Ward 3", "Ward 4"],
    )


def public_body(survey, **overrides) -> dict:
    rating, why = survey.questions.all()
    body = {
        "idempotency_key": "key-1",
        "started": submission.started_token(time.time() - 60),
        "answers": [
            {"question_id": rating.pk, "choices": ["Good"]},
            {"question_id": why.pk, "text": "Kind staff"},
        ],
    }
    return body | overrides


def test_a_lead_creates_a_survey_from_a_template_and_reads_it(client, lead):
    response = client.post(
        f"{ORG}/surveys",
        {
            "template": "coproduction",
            "title": "How did the crisis line project go?",
            "service_choices": ["A", "A"],
        },
        content_type="application/json",
        **bearer(lead),
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["title"] == "How did the crisis line project go?"
    assert body["service_choices"] == ["A"]
    assert body["questions"][-1]["text"] == "What would make working together better next time?"
    assert body["welcome"].startswith("This project was meant to be co-produced")
    survey = Survey.objects.get()
    assert client.get(f"{ORG}/surveys/{survey.public_id}", **bearer(lead)).json()["id"] == str(
        survey.public_id
    )
    assert [s["id"] for s in client.get(f"{ORG}/surveys", **bearer(lead)).json()["items"]] == [
        str(survey.public_id)
    ]


def test_creating_needs_a_lead_and_valid_dates(client, lead, staff, member):
    refused = client.post(
        f"{ORG}/surveys", {"title": "Mine"}, content_type="application/json", **bearer(staff)
    )
    assert refused.status_code == 403
    dates = client.post(
        f"{ORG}/surveys",
        {"title": "Spring", "opens_on": "2026-04-01", "closes_on": "2026-03-01"},
        content_type="application/json",
        **bearer(lead),
    )
    assert dates.status_code == 422
    assert dates.json()["errors"] == [
        {"field": "closes_on", "message": "The closing date must be the same as or after the opening date"}
    ]
    blank = client.post(f"{ORG}/surveys", {"title": "   "}, content_type="application/json", **bearer(lead))
    assert blank.status_code == 422 and blank.json()["errors"][0]["field"] == "title"
    assert Survey.objects.count() == 0
    # A draft is the team's work in progress: a participant neither lists nor reads it.
    draft = survey_create_from_template(
        organisation=lead.memberships.first().organisation, actor=lead, template="fft"
    )
    assert client.get(f"{ORG}/surveys", **bearer(member)).json()["count"] == 0
    assert client.get(f"{ORG}/surveys/{draft.public_id}", **bearer(member)).status_code == 404


def test_public_answers_need_no_token_and_the_same_key_twice_gives_one_response(client, fft):
    url = f"/api/v1/public/demo/surveys/{fft.public_id}"
    shown = client.get(url)
    assert shown.status_code == 200
    assert [q["text"] for q in shown.json()["questions"]][
        0
    ] == "Overall, how was your experience of our service?"

    first = client.post(
        f"{url}/responses", public_body(fft, service="Ward 4"), content_type="application/json"
    )
    again = client.post(f"{url}/responses", public_body(fft), content_type="application/json")

    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"] and again.json()["created"] is False
    response = Response.objects.get()
    assert (response.mode, response.service, response.entered_by) == ("online", "Ward 4", None)
    assert sorted(a.text or a.choices[0] for a in response.answers.all()) == ["Good", "Kind staff"]
    # Anonymous: answering leaves no audit row (it would hold the sender's address).
    assert not AuditEvent.objects.filter(action__startswith="survey.response").exists()


def test_a_public_answer_says_which_language_to_write_back_in(client, fft):
    url = f"/api/v1/public/demo/surveys/{fft.public_id}/responses"
    contact = {"contact_ok": True, "contact_email": "gwen@example.org"}

    chosen = client.post(
        url, public_body(fft, contact_language="cy", **contact), content_type="application/json"
    )
    from_header = client.post(
        url,
        public_body(fft, idempotency_key="k2", **contact),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="cy",
    )
    wrong = client.post(
        url, public_body(fft, idempotency_key="k3", contact_language="fr"), content_type="application/json"
    )

    assert chosen.status_code == 201 and from_header.status_code == 201
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "contact_language"
    assert list(Response.objects.order_by("id").values_list("contact_language", flat=True)) == ["cy", "cy"]


def test_public_answers_get_the_forms_protection(client, fft, settings):
    url = f"/api/v1/public/demo/surveys/{fft.public_id}/responses"

    robot = client.post(url, public_body(fft, website="http://spam"), content_type="application/json")
    assert robot.status_code == 422
    quick = client.post(
        url, public_body(fft, started=submission.started_token(time.time())), content_type="application/json"
    )
    assert quick.status_code == 422 and quick.json()["errors"][0]["field"] == "started"
    missing = client.post(url, public_body(fft, answers=[]), content_type="application/json")
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["message"].startswith("Choose an answer to: Overall")
    stray = client.post(
        url,
        public_body(fft, answers=[{"question_id": 999999, "choices": ["Good"]}]),
        content_type="application/json",
    )
    assert stray.json()["errors"][0]["field"] == "answers.0.question_id"
    assert Response.objects.count() == 0

    settings.FEEDBACK_RATE_LIMIT = (2, 600)
    for n in range(2):
        client.post(url, public_body(fft, idempotency_key=f"k{n}"), content_type="application/json")
    limited = client.post(url, public_body(fft, idempotency_key="k9"), content_type="application/json")
    assert limited.status_code == 429 and "Please wait 10 minutes" in limited.json()["detail"]


def test_drafts_private_surveys_and_other_organisations_are_not_found(client, fft, other_organisation):
    url = f"/api/v1/public/other/surveys/{fft.public_id}"
    assert client.get(url).status_code == 404
    assert (
        client.post(f"{url}/responses", public_body(fft), content_type="application/json").status_code == 404
    )
    fft.is_public = False
    fft.save()
    assert client.get(f"/api/v1/public/demo/surveys/{fft.public_id}").status_code == 404
    fft.is_public, fft.status = True, "closed"
    fft.save()
    closed = client.post(
        f"/api/v1/public/demo/surveys/{fft.public_id}/responses",
        public_body(fft),
        content_type="application/json",
    )
    assert closed.status_code == 409
    assert Response.objects.count() == 0


def test_responses_are_for_leads_and_every_read_is_audited(client, fft, lead, exec_):
    rating = fft.questions.get(code="fft")
    respond(
        fft,
        {rating: "Poor"},
        contact_ok=True,
        contact_email="jo@example.com",
        contact_language="cy",
        service="Ward 3",
    )
    url = f"{ORG}/surveys/{fft.public_id}/responses"

    assert client.get(url, **bearer(exec_)).status_code == 403
    response = client.get(url, {"service": "Ward 3"}, **bearer(lead))

    assert response.status_code == 200
    [item] = response.json()["items"]
    assert (item["contact_email"], item["service"], item["mode"]) == ("jo@example.com", "Ward 3", "online")
    assert item["contact_language"] == "cy"
    assert item["answers"] == [{"question_id": rating.pk, "choices": ["Poor"], "text": ""}]
    audit = AuditEvent.objects.get(action="survey.responses_read")
    assert audit.actor == lead and audit.details["service"] == "Ward 3"
    assert client.get(url, {"service": "Ward 4"}, **bearer(lead)).json()["count"] == 0


def test_results_are_the_pages_suppressed_figures(client, fft, exec_, member):
    rating = fft.questions.get(code="fft")
    for label, n in {"Very good": 8, "Good": 2, "Poor": 6}.items():
        for _ in range(n):
            respond(fft, {rating: label}, service="Ward 3")
    url = f"{ORG}/surveys/{fft.public_id}/results"

    assert client.get(url, **bearer(member)).status_code == 403
    body = client.get(url, **bearer(exec_)).json()

    assert body["responses"] == 16
    [fft_result, _why] = body["questions"]
    rows = {row["label"]: row["count"] for row in fft_result["rows"]}
    # Good (2) is hidden, and so is Very good: 63% positive of 16 would give Good away beside it.
    assert rows["Good"] is None and rows["Very good"] is None and rows["Poor"] == 6
    assert fft_result["fft"] == {"responses": 16, "positive": 63, "negative": 38}
    assert [(g["service"], g["responses"]) for g in body["by_service"]] == [("Ward 3", 16)]
    assert len(body["by_month"]) == 1 and body["by_month"][0]["responses"] == 16
    assert client.get(url, {"service": "Ward 4"}, **bearer(exec_)).json()["responses"] == 0


def test_results_and_responses_cost_the_same_queries_for_1_and_40_responses(client, fft, lead):
    rating = fft.questions.get(code="fft")
    respond(fft, {rating: "Good"})
    urls = [f"{ORG}/surveys/{fft.public_id}/results", f"{ORG}/surveys/{fft.public_id}/responses"]
    headers = bearer(lead)
    client.get(f"{ORG}/surveys", **headers)  # the token's first use is recorded once
    counts = []
    for _round in range(2):
        row = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url, **headers).status_code == 200
            row.append(len(queries.captured_queries))
        counts.append(row)
        for n in range(39):
            respond(fft, {rating: ["Good", "Poor", "Very good"][n % 3]}, service=["Ward 3", "Ward 4"][n % 2])

    assert counts[0] == counts[1]
