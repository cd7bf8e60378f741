"""Copying a survey, the co-production evaluation template, and the create page's errors all at once."""

import pytest

from coproduce.core.models import AuditEvent
from coproduce.feedback.models import Survey
from coproduce.feedback.services import survey_create_from_template
from coproduce.feedback.tests.factories import respond

pytestmark = pytest.mark.django_db


def test_a_copy_is_a_new_draft_with_every_question_and_no_responses(client, organisation, lead):
    original = survey_create_from_template(
        organisation=organisation,
        actor=lead,
        template="experience",
        status="open",
        about="Ward 3",
        service_choices=["Ward 3", "Ward 4"],
    )
    respond(original, {original.questions.first(): "Yes"})
    client.force_login(lead)

    response = client.post(f"/o/demo/feedback/{original.public_id}/copy/")

    copy = Survey.objects.exclude(pk=original.pk).get()
    assert response.status_code == 302 and response["Location"] == copy.get_absolute_url()
    assert copy.status == "draft" and copy.title == "Copy of Your experience of our services"
    assert (copy.about, copy.service_choices, copy.welcome) == (
        original.about,
        original.service_choices,
        original.welcome,
    )
    fields = ["position", "kind", "text", "help_text", "required", "choices", "section", "code"]
    assert list(copy.questions.values_list(*fields)) == list(original.questions.values_list(*fields))
    assert copy.responses.count() == 0 and original.responses.count() == 1
    assert AuditEvent.objects.filter(action="survey.copied", details__from=str(original.public_id)).exists()
    # The copy's questions can change: nobody has answered it.
    assert "Add a question" in client.get(copy.get_absolute_url()).content.decode()


def test_only_leads_and_admins_copy_and_only_by_post(client, organisation, lead, staff):
    survey = survey_create_from_template(organisation=organisation, actor=lead, template="fft", status="open")
    client.force_login(staff)
    assert client.post(f"/o/demo/feedback/{survey.public_id}/copy/").status_code == 403
    client.force_login(lead)
    assert client.get(f"/o/demo/feedback/{survey.public_id}/copy/").status_code == 405
    assert Survey.objects.count() == 1


def test_the_coproduction_evaluation_asks_about_the_principles(client, organisation, lead):
    client.force_login(lead)

    client.post("/o/demo/feedback/add/", {"start-template": "coproduction", "is_public": "on"})

    survey = Survey.objects.get()
    codes = list(survey.questions.values_list("code", flat=True))
    assert codes == [
        "coproduction_role",
        "equal_partner",
        "shared_power",
        "listened_to",
        "reciprocity",
        "accessibility",
        "made_a_difference",
        "difference_how",
        "make_it_better",
    ]
    texts = " ".join(survey.questions.values_list("text", flat=True))
    for words in ["equal partner", "Power was shared", "listened to", "something back", "accessible"]:
        assert words in texts
    better = survey.questions.get(code="make_it_better")
    assert better.kind == "free_text" and better.text == "What would make working together better next time?"
    assert survey.questions.get(code="equal_partner").choices[0] == "Strongly agree"


def test_the_create_page_lists_the_missing_title_with_every_other_problem(client, lead):
    client.force_login(lead)

    response = client.post(
        "/o/demo/feedback/add/",
        {"start-template": "blank", "opens_on": "2026-04-01", "closes_on": "2026-03-01"},
    )

    errors = response.context["form"].errors
    assert "title" in errors and "closes_on" in errors
    page = response.content.decode()
    assert "Enter a title, for example" in page
    assert "The closing date must be the same as or after the opening date" in page
    assert Survey.objects.count() == 0


def test_a_survey_lists_services_to_choose_from(client, lead):
    client.force_login(lead)
    client.post(
        "/o/demo/feedback/add/", {"start-template": "fft", "service_choices": "Ward 3\n\n  Ward 4 \nWard 3"}
    )

    assert Survey.objects.get().service_choices == ["Ward 3", "Ward 4"]
