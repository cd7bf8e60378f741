"""Reads for surveys, and survey results. Counts are aggregated in the database; small numbers are
suppressed here, so pages and exports cannot show a figure that could identify someone."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coproduce.core.models import Organisation
from coproduce.lib.suppression import suppress_with_totals
from coproduce.people.selectors import SMALL_NUMBER, suppress

from .models import CHOICE_KINDS, Answer, Question, QuestionKind, Response, Survey
from .survey_templates import FFT_CODE, FFT_NEGATIVE, FFT_POSITIVE

# A trend longer than ten years is cut there, so a wide period cannot make a page of thousands of rows.
MAX_MONTHS = 120


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
    count: int | None  # None: fewer than 5, or withheld so a small number cannot be worked out
    percent: int | None  # None when the count is withheld or nobody answered


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
class GroupResult:
    """One month, or one service: how many responded, and the FFT percentages when the survey has it."""

    label: str
    key: object
    responses: int | None
    fft: FftResult | None


@dataclass
class SurveyResults:
    survey: Survey
    start: date | None
    end: date | None
    service: str
    responses: int | None
    by_mode: list[ResultRow]
    questions: list[QuestionResult]
    by_month: list[GroupResult] = field(default_factory=list)
    by_service: list[GroupResult] = field(default_factory=list)

    @property
    def fft_question(self) -> QuestionResult | None:
        return next((result for result in self.questions if result.fft is not None), None)


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def responses_in_period(
    *, survey: Survey, start: date | None, end: date | None, service: str = ""
) -> QuerySet[Response]:
    responses = Response.objects.filter(survey=survey)
    if start:
        responses = responses.filter(submitted_at__gte=day_start(start))
    if end:
        responses = responses.filter(submitted_at__lt=day_start(end + timedelta(days=1)))
    if service:
        responses = responses.filter(service=service)
    return responses


def _rows(counts: list[tuple[str, int]], whole: int, *, exclusive: bool = True, linked=()) -> list[ResultRow]:
    """Rows of a table with its total shown beside it. Answers that exclude each other add up to the
    total, so secondary suppression applies; a multiple-choice question's rows do not add up."""
    values = [count for _label, count in counts]
    if exclusive:
        shown = suppress_with_totals(
            values, small=SMALL_NUMBER, total_shown=suppress(whole) is not None, linked=linked
        )
    else:
        shown = [suppress(count) for count in values]
    return [
        ResultRow(label=label, count=figure, percent=percentage(count, whole) if figure is not None else None)
        for (label, count), figure in zip(counts, shown, strict=True)
    ]


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


def _count_labels(grouped) -> tuple[dict, dict]:
    """From (key, chosen answers, n) groups: answers per key and label, and how many answered per key.
    A multiple-choice answer is one group per combination chosen; it is split into its answers here (the
    loop is over distinct combinations, never over responses)."""
    per_key: dict[object, dict[str, int]] = {}
    answered: dict[object, int] = {}
    for key, chosen, n in grouped:
        answered[key] = answered.get(key, 0) + n
        counts = per_key.setdefault(key, {})
        for label in chosen or []:
            counts[label] = counts.get(label, 0) + n
    return per_key, answered


def _months(first: date, last: date) -> list[date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def _as_month(value) -> date:
    # TruncMonth gives an aware datetime on PostgreSQL and SQLite alike; compare months as dates.
    if isinstance(value, datetime):
        return timezone.localtime(value).date().replace(day=1) if timezone.is_aware(value) else value.date()
    return value


def _groups(
    labelled: list[tuple[object, str]],
    counts: dict,
    fft_counts: dict,
    fft_question: Question | None,
    total: int,
) -> list[GroupResult]:
    """Months or services with their counts suppressed as a set: they add up to the total shown."""
    shown = suppress_with_totals(
        [counts.get(key, 0) for key, _label in labelled],
        small=SMALL_NUMBER,
        total_shown=suppress(total) is not None,
    )
    groups = []
    for (key, label), figure in zip(labelled, shown, strict=True):
        fft = fft_result(fft_question.choices, fft_counts.get(key, {})) if fft_question else None
        if fft is not None and figure is None:
            # The FFT count is (nearly) the group's count: hidden with it, or it would give it away.
            fft.responses = None
        groups.append(GroupResult(label=label, key=key, responses=figure, fft=fft))
    return groups


def survey_results(
    *, survey: Survey, start: date | None = None, end: date | None = None, service: str = ""
) -> SurveyResults:
    """Per question: how many answered, and how many chose each answer, for responses in the period
    (and service); responses by mode, by month and by service, with the FFT percentages of each.

    Seven queries whatever the number of responses: questions; answers grouped by (question, chosen
    answers); responses by mode; responses by month; FFT answers by month; responses by service; FFT
    answers by service.
    """
    responses = responses_in_period(survey=survey, start=start, end=end, service=service)
    questions = list(survey.questions.all())
    answers = Answer.objects.filter(response__in=responses.values("pk"))
    per_question, answered = _count_labels(
        answers.values_list("question_id", "choices").annotate(n=Count("id")).order_by()
    )
    by_mode = dict(responses.values_list("mode").annotate(n=Count("id")).order_by().values_list("mode", "n"))
    total = sum(by_mode.values())

    results = []
    fft_question = None
    for question in questions:
        whole = answered.get(question.pk, 0)
        result = QuestionResult(question=question, answered=suppress(whole))
        if question.kind in CHOICE_KINDS:
            counts = per_question.get(question.pk, {})
            fft = is_fft(question)
            result.rows = _rows(
                [(c, counts.get(c, 0)) for c in question.choices],
                whole,
                exclusive=question.kind != QuestionKind.MULTIPLE_CHOICE,
                # The published percentages are sums of two answers each: hide both or neither.
                linked=[FFT_POSITIVE, FFT_NEGATIVE] if fft else (),
            )
            if fft:
                result.fft = fft_result(question.choices, counts)
                fft_question = fft_question or question
        results.append(result)

    # By month.
    month = TruncMonth("submitted_at")
    monthly = {
        _as_month(m): n
        for m, n in responses.annotate(month=month)
        .values_list("month")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("month", "n")
    }
    fft_monthly: dict = {}
    if fft_question is not None:
        fft_monthly, _answered = _count_labels(
            (_as_month(m), chosen, n)
            for m, chosen, n in answers.filter(question=fft_question)
            .annotate(month=TruncMonth("response__submitted_at"))
            .values_list("month", "choices")
            .annotate(n=Count("id"))
            .order_by()
        )
    by_month = []
    if monthly:
        # From the first month with a response to the last, empty months included: a gap means something.
        labelled = [(m, date_format(m, "F Y")) for m in _months(min(monthly), max(monthly))]
        by_month = _groups(labelled[-MAX_MONTHS:], monthly, fft_monthly, fft_question, total)

    # By service.
    services = dict(
        responses.values_list("service").annotate(n=Count("id")).order_by().values_list("service", "n")
    )
    fft_services: dict = {}
    if fft_question is not None:
        fft_services, _answered = _count_labels(
            answers.filter(question=fft_question)
            .values_list("response__service", "choices")
            .annotate(n=Count("id"))
            .order_by()
        )
    known = service_options(survey)
    keys = [s for s in known if s in services] + sorted(s for s in services if s not in known)
    by_service = _groups(
        [(key, key or _("Not said")) for key in keys], services, fft_services, fft_question, total
    )

    return SurveyResults(
        survey=survey,
        start=start,
        end=end,
        service=service,
        responses=suppress(total),
        by_mode=_rows([(str(label), by_mode.get(mode, 0)) for mode, label in Response.Mode.choices], total),
        questions=results,
        by_month=by_month,
        by_service=by_service,
    )


def service_options(survey: Survey) -> list[str]:
    """The services a survey's answers can be about, in the survey's order: its own, then the choices."""
    options = [survey.about] if survey.about else []
    return options + [s for s in survey.service_choices if s not in options]


def services_answered(survey: Survey) -> list[str]:
    """Every service named by the survey or in its responses, for the results filter (one query)."""
    seen = set(Response.objects.filter(survey=survey).values_list("service", flat=True).distinct())
    known = service_options(survey)
    return known + sorted(s for s in seen if s and s not in known)


def response_export_rows(
    *, survey: Survey, start: date | None = None, end: date | None = None, service: str = ""
):
    """Raw responses, one row each, with every answer: for leads only; not suppressed. The same columns
    the response import reads, so an export can be checked, corrected and imported elsewhere."""
    questions = list(survey.questions.all())
    header = ["Response", "Sent", "How it was given", "Entered by", "Service"] + [q.text for q in questions]
    header += ["Happy to be contacted", "Name", "Email", "Phone", "Language"]
    language_names = dict(settings.LANGUAGES)
    responses = (
        responses_in_period(survey=survey, start=start, end=end, service=service)
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
            response.service,
        ]
        for question in questions:
            answer = by_question.get(question.pk)
            row.append("" if answer is None else (answer.text or "; ".join(answer.choices)))
        row += [
            "Yes" if response.contact_ok else "No",
            response.contact_name,
            response.contact_email,
            response.contact_phone,
            str(language_names.get(response.contact_language, "")),
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
    for heading, groups in (("Month", results.by_month), ("Service", results.by_service)):
        for group in groups:
            rows.append([f"Responses by {heading.lower()}", group.label, shown(group.responses), ""])
            if group.fft is not None:
                rows.append([f"{heading}: percentage positive", group.label, "", percent(group.fft.positive)])
                rows.append([f"{heading}: percentage negative", group.label, "", percent(group.fft.negative)])
    for result in results.questions:
        text = result.question.text
        rows.append([text, "Answered this question", shown(result.answered), ""])
        for row in result.rows:
            rows.append([text, row.label, shown(row.count), percent(row.percent)])
        if result.fft is not None:
            rows.append([text, "Percentage positive (Very good or Good)", "", percent(result.fft.positive)])
            rows.append([text, "Percentage negative (Poor or Very poor)", "", percent(result.fft.negative)])
    return header, rows
