"""Building surveys, answering by every route, and who may do what."""

import pytest

from coproduce.core.models import AuditEvent
from coproduce.feedback.models import Question, Response, Survey
from coproduce.feedback.services import survey_create_from_template
from coproduce.feedback.tests.factories import QuestionFactory, SurveyFactory, respond

pytestmark = pytest.mark.django_db


@pytest.fixture
def experience(organisation, lead):
    return survey_create_from_template(
        organisation=organisation, actor=lead, template="experience", status="open"
    )


def test_a_lead_creates_the_friends_and_family_test_with_its_exact_wording(client, lead, organisation):
    client.force_login(lead)

    response = client.post("/o/demo/feedback/add/", {"start-template": "fft", "title": "", "is_public": "on"})

    survey = Survey.objects.get(organisation=organisation)
    assert response.status_code == 302 and response["Location"] == survey.get_absolute_url()
    assert survey.title == "Friends and Family Test" and survey.status == "draft"
    rating, why = survey.questions.all()
    assert rating.text == "Overall, how was your experience of our service?"
    assert rating.choices == ["Very good", "Good", "Neither good nor poor", "Poor", "Very poor", "Don't know"]
    assert rating.required and rating.code == "fft"
    assert (why.kind, why.text) == ("free_text", "Please can you tell us why you gave your answer?")
    assert AuditEvent.objects.filter(action="survey.created", organisation=organisation).exists()


def test_the_experience_questionnaire_asks_the_seeds_questions(experience):
    texts = list(experience.questions.values_list("text", flat=True))
    assert "Were you involved in decisions about your care?" in texts
    assert "Were you treated with dignity and respect?" in texts
    assert "Did you know who to contact in a crisis?" in texts
    assert experience.questions.first().choices == ["Yes", "No", "Not sure"]


def test_a_blank_survey_needs_a_title(client, lead, organisation):
    client.force_login(lead)

    response = client.post("/o/demo/feedback/add/", {"start-template": "blank", "title": ""})

    assert "Enter a title" in response.content.decode()
    assert not Survey.objects.exists()
    assert client.post("/o/demo/feedback/add/", {"start-template": ""}).status_code == 200
    assert "Choose a template or a blank survey" in client.post("/o/demo/feedback/add/", {}).content.decode()


def test_a_lead_adds_edits_reorders_and_removes_questions_then_opens_the_survey(client, lead, organisation):
    client.force_login(lead)
    survey = SurveyFactory(organisation=organisation, status="draft")
    base = f"/o/demo/feedback/{survey.public_id}/"

    assert client.post(base + "status/", {"status": "open"}).status_code == 302
    survey.refresh_from_db()
    assert survey.status == "draft"  # no questions yet

    missing = client.post(
        base + "questions/add/", {"kind": "single_choice", "text": "Which team?", "choices": "A"}
    )
    assert "Enter at least 2 answers" in missing.content.decode()
    client.post(
        base + "questions/add/", {"kind": "single_choice", "text": "Which team?", "choices": "North\nSouth"}
    )
    client.post(base + "questions/add/", {"kind": "rating_scale", "text": "How easy was it to get help?"})
    first, second = Question.objects.filter(survey=survey)
    assert second.choices == ["1", "2", "3", "4", "5"]

    client.post(base + f"questions/{second.pk}/move/", {"direction": "up"})
    assert list(Question.objects.filter(survey=survey).values_list("text", flat=True)) == [
        "How easy was it to get help?",
        "Which team?",
    ]
    client.post(base + f"questions/{first.pk}/", {"kind": "yes_no_not_sure", "text": "Did you get help?"})
    first.refresh_from_db()
    assert (first.text, first.choices) == ("Did you get help?", ["Yes", "No", "Not sure"])
    client.post(base + f"questions/{second.pk}/remove/")
    assert list(survey.questions.values_list("text", flat=True)) == ["Did you get help?"]

    client.post(base + "status/", {"status": "open"})
    survey.refresh_from_db()
    assert survey.status == "open"


def test_questions_are_fixed_once_people_have_answered(client, lead, experience):
    question = experience.questions.first()
    respond(experience, {question: "Yes"})
    client.force_login(lead)

    response = client.post(
        f"/o/demo/feedback/{experience.public_id}/questions/{question.pk}/remove/", follow=True
    )

    assert "questions cannot change" in response.content.decode()
    assert experience.questions.filter(pk=question.pk).exists()


def test_a_signed_in_member_answers_anonymously(client, member, experience):
    client.force_login(member)
    question = experience.questions.get(code="involved_in_decisions")
    url = f"/o/demo/feedback/{experience.public_id}/answer/"

    assert "Were you involved in decisions about your care?" in client.get(url).content.decode()
    response = client.post(url, {"idempotency_key": "k" * 32, f"question_{question.pk}": "Yes"})
    client.post(url, {"idempotency_key": "k" * 32, f"question_{question.pk}": "Yes"})

    assert response.status_code == 302
    saved = Response.objects.get(survey=experience)
    assert (saved.mode, saved.entered_by) == ("signed_in", None)


def test_staff_enter_assisted_and_paper_responses_tagged_with_their_mode(client, staff, experience):
    client.force_login(staff)
    question = experience.questions.get(code="involved_in_decisions")
    base = f"/o/demo/feedback/{experience.public_id}/"

    assisted = client.post(base + "assisted/", {"idempotency_key": "a" * 32, f"question_{question.pk}": "No"})
    assert assisted["Location"].endswith("assisted/?saved=1")
    for n in range(3):
        client.post(base + "paper/", {"idempotency_key": f"{n}" * 32, f"question_{question.pk}": "Yes"})
    next_form = client.get(base + "paper/?saved=1").content.decode()

    assert "You have typed in 3 paper forms. Enter the next one." in next_form
    modes = sorted(Response.objects.filter(survey=experience).values_list("mode", "entered_by"))
    assert modes == [("assisted", staff.pk)] + [("paper", staff.pk)] * 3
    assert AuditEvent.objects.filter(action="survey.response_entered").count() == 4


def test_staff_typing_in_a_form_record_the_language_to_write_back_in(client, staff, experience):
    """The page is in the staff member's language; the person who gave the answers may read another."""
    client.force_login(staff)
    question = experience.questions.get(code="involved_in_decisions")
    base = f"/o/demo/feedback/{experience.public_id}/"
    form = client.get(base + "paper/").content.decode()
    assert "Language to write to them in" in form and 'value="en-gb" checked' in form

    def enter(key: str, **fields) -> Response:
        data = {"idempotency_key": key * 32, f"question_{question.pk}": "Yes", **fields}
        assert client.post(base + "paper/", data).status_code == 302
        return Response.objects.get(idempotency_key=key * 32)

    contact = {"contact_ok": "on", "contact_email": "gwen@example.org"}
    assert enter("a", contact_language="cy", **contact).contact_language == "cy"
    # Paper forms come in batches: the next form starts in the language chosen for the last.
    welsh_batch = client.post(
        base + "paper/",
        {"idempotency_key": "w" * 32, f"question_{question.pk}": "Yes", "contact_language": "cy"},
    )
    assert welsh_batch["Location"].endswith("paper/?saved=1&language=cy")
    assert 'value="cy" checked' in client.get(welsh_batch["Location"]).content.decode()
    assert enter("b", **contact).contact_language == "en-gb"  # not chosen: the page's language
    assert enter("c", contact_language="cy").contact_language == ""  # no consent, nothing kept
    refused = client.post(
        base + "assisted/", {"idempotency_key": "d" * 32, "contact_language": "fr", **contact}
    )
    assert "Choose a language from the list" in refused.content.decode()


ROLE_PAGES = {
    # page suffix: roles that may open it
    "": {"admin", "lead"},
    "edit/": {"admin", "lead"},
    "questions/add/": {"admin", "lead"},
    "results/": {"admin", "lead", "exec"},
    "results.csv": {"admin", "lead", "exec"},
    "responses.csv": {"admin", "lead"},
    "assisted/": {"admin", "lead", "staff"},
    "paper/": {"admin", "lead", "staff"},
    "answer/": {"admin", "lead", "staff", "exec", "member", "carer", "finance"},
}


@pytest.mark.parametrize("person", ["admin", "lead", "member", "carer", "staff", "exec", "finance"])
def test_each_role_reaches_only_its_feedback_pages(client, everyone, experience, person):
    client.force_login(everyone[person])
    base = f"/o/demo/feedback/{experience.public_id}/"

    for suffix, allowed in ROLE_PAGES.items():
        status = client.get(base + suffix).status_code
        assert status == (200 if person in allowed else 403), f"{suffix} as {person}: {status}"
    listing = client.get("/o/demo/feedback/").content.decode()
    assert experience.title in listing


def test_the_navigation_shows_feedback_to_leads_executives_and_staff_only(client, everyone):
    for person, shown in [
        ("lead", True),
        ("exec", True),
        ("staff", True),
        ("admin", True),
        ("member", False),
    ]:
        client.force_login(everyone[person])
        page = client.get("/o/demo/").content.decode()
        assert ('href="/o/demo/feedback/"' in page) is shown, person


def test_participants_do_not_see_drafts(client, member, organisation):
    draft = SurveyFactory(organisation=organisation, status="draft", title="Secret draft")
    QuestionFactory(survey=draft)
    client.force_login(member)

    assert "Secret draft" not in client.get("/o/demo/feedback/").content.decode()
    assert client.get(f"/o/demo/feedback/{draft.public_id}/answer/").status_code == 404


def test_an_outsider_gets_not_found(client, outsider, experience):
    client.force_login(outsider)
    question = experience.questions.first()

    for path in ["", "results/", "answer/", "paper/", f"questions/{question.pk}/"]:
        assert client.get(f"/o/demo/feedback/{experience.public_id}/{path}").status_code == 404
    assert client.get(f"/o/other/feedback/{experience.public_id}/answer/").status_code == 404
    assert client.get("/o/demo/feedback/").status_code == 404
