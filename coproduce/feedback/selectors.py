"""Reads for surveys, and survey results. Counts are aggregated in the database; small numbers are
suppressed here, so pages and exports cannot show a figure that could identify someone."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, QuerySet
from django.utils import timezone

from coproduce.core.models import Organisation
from coproduce.people.selectors import suppress

from .models import CHOICE_KINDS, Answer, Question, QuestionKind, Response, Survey
from .survey_templates import FFT_CODE, FFT_NEGATIVE, FFT_POSITIVE


def survey_list(*, organisation: Organisation, include_drafts: bool) -> QuerySet[Survey]:
    surveys = (
        Survey.objects.filter(organisation=organisation)
        .select_related("organisation")
        .annotate(response_count=Count("responses"))
        .order_by("status", "-created_at", "-id")
    )
    if not include_drafts:
        surveys = surveys.exclude(status=Survey.Status.DRAFT)
    return surveys


def percentage(part: int, whole: int) -> int | None:
    """A whole-number percentage, rounded half up as published statistics are (not to even)."""
    if not whole:
        return None
    return int((Decimal(100) * part / whole).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@dataclass
class ResultRow:
    label: str
    count: int | None  # None: fewer than 5
    percent: int | None  # None when the count is suppressed or nobody answered


@dataclass
class FftResult:
    """NHS England's definition: positive is Very good + Good, negative is Poor + Very poor, both out of
    every response to the question including Don't know."""

    responses: int | None
    positive: int | None
    negative: int | None


@dataclass
class QuestionResult:
    question: Question
    answered: int | None
    rows: list[ResultRow] = field(default_factory=list)
    fft: FftResult | None = None

    @property
    def is_free_text(self) -> bool:
        return self.question.kind == QuestionKind.FREE_TEXT


@dataclass
class SurveyResults:
    survey: Survey
    start: date | None
    end: date | None
    responses: int | None
    by_mode: list[ResultRow]
    questions: list[QuestionResult]


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def responses_in_period(*, survey: Survey, start: date | None, end: date | None) -> QuerySet[Response]:
    responses = Response.objects.filter(survey=survey)
    if start:
        responses = responses.filter(submitted_at__gte=day_start(start))
    if end:
        responses = responses.filter(submitted_at__lt=day_start(end + timedelta(days=1)))
    return responses


def _rows(counts: list[tuple[str, int]], whole: int) -> list[ResultRow]:
    rows = []
    for label, count in counts:
        shown = suppress(count)
        rows.append(
            ResultRow(
                label=label, count=shown, percent=percentage(count, whole) if shown is not None else None
            )
        )
    return rows


def fft_result(choices: list[str], counts: dict[str, int]) -> FftResult:
    total = sum(counts.get(c, 0) for c in choices)
    positive = sum(counts.get(choices[i], 0) for i in FFT_POSITIVE)
    negative = sum(counts.get(choices[i], 0) for i in FFT_NEGATIVE)
    if suppress(total) is None:
        # NHS England does not publish a percentage made from fewer than 5 responses.
        return FftResult(responses=None, positive=None, negative=None)
    return FftResult(
        responses=total, positive=percentage(positive, total), negative=percentage(negative, total)
    )


def is_fft(question: Question) -> bool:
    return question.code == FFT_CODE and len(question.choices) == 6


def survey_results(*, survey: Survey, start: date | None = None, end: date | None = None) -> SurveyResults:
    """Per question: how many answered, and how many chose each answer, for responses in the period.

    Three queries whatever the number of responses: questions, answers grouped by (question, chosen
    answers), and responses grouped by mode.
    """
    responses = responses_in_period(survey=survey, start=start, end=end)
    questions = list(survey.questions.all())
    grouped = (
        Answer.objects.filter(response__in=responses.values("pk"))
        .values_list("question_id", "choices")
        .annotate(n=Count("id"))
        .order_by()
    )
    # A multiple-choice answer is one group per combination chosen; split it into its answers here
    # (the loop is over distinct combinations, never over responses).
    per_question: dict[int, dict[str, int]] = {}
    answered: dict[int, int] = {}
    for question_id, chosen, n in grouped:
        answered[question_id] = answered.get(question_id, 0) + n
        counts = per_question.setdefault(question_id, {})
        for label in chosen or []:
            counts[label] = counts.get(label, 0) + n
    by_mode = dict(responses.values_list("mode").annotate(n=Count("id")).order_by().values_list("mode", "n"))
    total = sum(by_mode.values())

    results = []
    for question in questions:
        whole = answered.get(question.pk, 0)
        result = QuestionResult(question=question, answered=suppress(whole))
        if question.kind in CHOICE_KINDS:
            counts = per_question.get(question.pk, {})
            result.rows = _rows([(c, counts.get(c, 0)) for c in question.choices], whole)
            if is_fft(question):
                result.fft = fft_result(question.choices, counts)
        results.append(result)
    return SurveyResults(
        survey=survey,
        start=start,
        end=end,
        responses=suppress(total),
        by_mode=_rows([(str(label), by_mode.get(mode, 0)) for mode, label in Response.Mode.choices], total),
        questions=results,
    )


def response_export_rows(*, survey: Survey, start: date | None = None, end: date | None = None):
    """Raw responses, one row each, with every answer: for leads only; not suppressed."""
    questions = list(survey.questions.all())
    header = ["Response", "Sent", "How it was given", "Entered by"] + [q.text for q in questions]
    header += ["Happy to be contacted", "Name", "Email", "Phone"]
    responses = (
        responses_in_period(survey=survey, start=start, end=end)
        .select_related("entered_by")
        .prefetch_related("answers")
        .order_by("submitted_at", "id")
    )
    rows = []
    for response in responses:
        by_question = {a.question_id: a for a in response.answers.all()}
        row = [
            str(response.public_id),
            timezone.localtime(response.submitted_at).strftime("%Y-%m-%d %H:%M"),
            response.get_mode_display(),
            response.entered_by.email if response.entered_by else "",
        ]
        for question in questions:
            answer = by_question.get(question.pk)
            row.append("" if answer is None else (answer.text or "; ".join(answer.choices)))
        row += [
            "Yes" if response.contact_ok else "No",
            response.contact_name,
            response.contact_email,
            response.contact_phone,
        ]
        rows.append(row)
    return header, rows


def results_export_rows(results: SurveyResults) -> tuple[list[str], list[list]]:
    """The results page as rows: the same suppressed figures, nothing recomputed."""

    def shown(value):
        return "fewer than 5" if value is None else value

    def percent(value):
        return "" if value is None else f"{value}%"

    header = ["Question", "Answer", "Count", "Percentage"]
    rows = [["All responses", "", shown(results.responses), ""]]
    for row in results.by_mode:
        rows.append(["How it was given", row.label, shown(row.count), percent(row.percent)])
    for result in results.questions:
        text = result.question.text
        rows.append([text, "Answered this question", shown(result.answered), ""])
        for row in result.rows:
            rows.append([text, row.label, shown(row.count), percent(row.percent)])
        if result.fft is not None:
            rows.append([text, "Percentage positive (Very good or Good)", "", percent(result.fft.positive)])
            rows.append([text, "Percentage negative (Poor or Very poor)", "", percent(result.fft.negative)])
    return header, rows
