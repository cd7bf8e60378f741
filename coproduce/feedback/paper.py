"""The printable paper version of a survey: an HTML page made for print, rendered to PDF by WeasyPrint.

Paper counts the same as any other route, so the form is made to be easy to fill in by hand: large
clear type, a box to tick beside every answer, lines to write on, one question never split across
pages, and how to give it back. It carries no personal data, so it is not audited."""

from django.template.loader import render_to_string
from django.utils import timezone

from .models import QuestionKind, Survey

# Lines to write on for a written answer: enough for a few sentences in large handwriting.
WRITING_LINES = 5


def paper_context(survey: Survey) -> dict:
    questions = list(survey.questions.all())
    return {
        "survey": survey,
        "organisation": survey.organisation,
        "questions": questions,
        "writing_lines": range(WRITING_LINES),
        "free_text": QuestionKind.FREE_TEXT,
        "multiple": QuestionKind.MULTIPLE_CHOICE,
        "printed_on": timezone.localdate(),
    }


def paper_html(survey: Survey) -> str:
    return render_to_string("feedback/paper.html", paper_context(survey))


def paper_document(survey: Survey):
    """The laid-out pages (WeasyPrint's Document), so tests can read the text that was placed."""
    from weasyprint import HTML  # imported on first use: it is slow to load, and only this page needs it

    return HTML(string=paper_html(survey), base_url=None).render()


def paper_pdf(survey: Survey) -> bytes:
    return paper_document(survey).write_pdf()
