"""The printable paper form: a real PDF with every question, its answers to tick and lines to write on."""

import pytest

from coproduce.feedback.paper import WRITING_LINES, paper_document, paper_html
from coproduce.feedback.services import question_add, survey_create, survey_create_from_template

pytestmark = pytest.mark.django_db


def placed_text(document) -> str:
    """The text WeasyPrint laid out on the pages, in order: what a reader of the printed form sees."""
    words = []

    def walk(box):
        if hasattr(box, "text") and box.text:
            words.append(box.text)
        for child in getattr(box, "children", []):
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return " ".join(" ".join(words).split())


@pytest.fixture
def survey(organisation, lead):
    survey = survey_create(
        organisation=organisation,
        actor=lead,
        title="Carers' forum feedback",
        about="Carers' forum, Park House",
        welcome="Tell us how the forum went.",
        thank_you="Thank you. We read every answer.",
        service_choices=["Park House", "Riverside"],
    )
    fields = {"help_text": "", "required": False, "section": ""}
    question_add(
        survey=survey,
        actor=lead,
        kind="multiple_choice",
        text="What helped you take part?",
        choices=["Paper copies", "A quiet room", "Breaks"],
        **(fields | {"help_text": "Choose all that apply."}),
    )
    question_add(
        survey=survey, actor=lead, kind="rating_scale", text="How welcome did you feel?", choices=[], **fields
    )
    question_add(survey=survey, actor=lead, kind="free_text", text="Anything else?", choices=[], **fields)
    return survey


def test_the_paper_form_has_every_question_answer_and_writing_line(survey):
    html = paper_html(survey)

    for text in ["What helped you take part?", "How welcome did you feel?", "Anything else?", "Riverside"]:
        assert text in html
    # A box to tick for every answer (and for the services and the consent to contact), lines to write on.
    assert html.count('class="box') == 3 + 5 + 2 + 1
    assert html.count('class="line"') == WRITING_LINES + 2
    assert "Tick all that apply." in html
    assert "How to give this form back" in html


def test_the_pdf_is_a_pdf_and_its_pages_carry_the_questions(survey, organisation):
    document = paper_document(survey)
    pdf = document.write_pdf()

    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    text = placed_text(document)
    for expected in [
        organisation.name,
        "Carers' forum feedback",
        "Tell us how the forum went.",
        "1. What helped you take part?",
        "A quiet room",
        "2. How welcome did you feel?",
        "3. Anything else?",
        "Which service or team is your feedback about?",
        "I am happy to be contacted about my feedback",
        "How to give this form back",
        "Thank you. We read every answer.",
    ]:
        assert expected in text, expected


def test_a_long_survey_runs_over_pages_with_no_question_lost(organisation, lead):
    survey = survey_create_from_template(organisation=organisation, actor=lead, template="coproduction")
    document = paper_document(survey)

    assert len(document.pages) >= 2
    text = placed_text(document)
    for number, question in enumerate(survey.questions.all(), start=1):
        assert f"{number}. {question.text}" in text


def test_staff_download_the_pdf_and_participants_cannot(client, survey, staff, member):
    survey.status = "open"
    survey.save()
    url = f"/o/demo/feedback/{survey.public_id}/paper.pdf"
    client.force_login(staff)

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert "attachment" in response["Content-Disposition"]
    client.force_login(member)
    assert client.get(url).status_code == 403
