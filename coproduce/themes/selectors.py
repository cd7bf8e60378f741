"""Reads for themes: the review queue (possible risk first) and theme summaries (aggregated in the
database; counts from 1 to 4 suppressed as everywhere else)."""

from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from coproduce.core.models import Organisation
from coproduce.feedback.models import Survey
from coproduce.lib.suppression import suppress_with_totals
from coproduce.people.selectors import SMALL_NUMBER, suppress

from .models import Comment, CommentTheme, Sentiment, Theme

QUEUE_VIEWS = ("to_review", "risk", "confirmed", "all")


def theme_list(*, organisation: Organisation, active_only: bool = False) -> QuerySet[Theme]:
    themes = Theme.objects.filter(organisation=organisation)
    if active_only:
        themes = themes.filter(is_active=True)
    return themes.annotate(
        comment_count=Count("labels", filter=Q(labels__comment__status=Comment.Status.CONFIRMED))
    ).order_by("-is_active", "position", "name", "id")


def needs_attention() -> Q:
    return Q(risk=Comment.Risk.FLAGGED) | ~Q(status=Comment.Status.CONFIRMED)


def review_queue(
    *, organisation: Organisation, view: str = "to_review", survey: Survey | None = None
) -> QuerySet[Comment]:
    """Comments in the order to work through them: a possible risk nobody has acted on first, then
    comments not yet checked, oldest first."""
    comments = Comment.objects.filter(organisation=organisation)
    if survey is not None:
        comments = comments.filter(survey=survey)
    if view == "to_review":
        comments = comments.filter(needs_attention())
    elif view == "risk":
        comments = comments.exclude(risk=Comment.Risk.NONE)
    elif view == "confirmed":
        comments = comments.filter(status=Comment.Status.CONFIRMED)
    return (
        comments.annotate(
            risk_first=Case(
                When(risk=Comment.Risk.FLAGGED, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .select_related("answer__question", "survey")
        .prefetch_related(
            Prefetch(
                "labels",
                queryset=CommentTheme.objects.select_related("theme").order_by("-score", "theme__position"),
            )
        )
        .order_by("risk_first", "created_at", "id")
    )


def next_to_review(*, organisation: Organisation, after: Comment | None = None, survey: Survey | None = None):
    """The comment after ``after`` in queue order (possible risk first, then oldest, then by id), wrapping
    round to the start at the end, so skipping walks through the whole queue instead of bouncing
    between two comments."""
    queue = review_queue(organisation=organisation, survey=survey)
    if after is None:
        return queue.first()
    queue = queue.exclude(pk=after.pk)
    rank = 0 if after.risk == Comment.Risk.FLAGGED else 1
    later = queue.filter(
        Q(risk_first__gt=rank)
        | Q(risk_first=rank, created_at__gt=after.created_at)
        | Q(risk_first=rank, created_at=after.created_at, pk__gt=after.pk)
    ).first()
    return later if later is not None else queue.first()


@dataclass
class QueueCounts:
    risk: int
    to_review: int
    waiting: int
    confirmed: int
    unmade: int  # written answers with no comment yet (from before themes, or a missed hook)


def queue_counts(*, organisation: Organisation, survey: Survey | None = None) -> QueueCounts:
    from .services import free_text_answers

    comments = Comment.objects.filter(organisation=organisation)
    answers = free_text_answers(organisation)
    if survey is not None:
        comments = comments.filter(survey=survey)
        answers = answers.filter(question__survey=survey)
    # Aliases differ from the field names: an aggregate may not shadow a field.
    counts = comments.aggregate(
        n_risk=Count("id", filter=Q(risk=Comment.Risk.FLAGGED)),
        n_to_review=Count("id", filter=needs_attention()),
        n_waiting=Count("id", filter=Q(status=Comment.Status.WAITING)),
        n_confirmed=Count("id", filter=Q(status=Comment.Status.CONFIRMED)),
    )
    return QueueCounts(
        **{name[2:]: value for name, value in counts.items()},
        unmade=answers.filter(theme_comment__isnull=True).count(),
    )


@dataclass
class SummaryRow:
    theme: Theme
    positive: int | None
    neutral: int | None
    negative: int | None
    total: int | None


@dataclass
class ThemeSummary:
    rows: list[SummaryRow]
    comments: int | None
    checked: int | None
    checked_only: bool


def theme_summary(
    *, organisation: Organisation, survey: Survey | None = None, checked_only: bool = False
) -> ThemeSummary:
    """Comments per theme and sentiment. Three queries whatever the number of comments."""
    comments = Comment.objects.filter(organisation=organisation).exclude(status=Comment.Status.WAITING)
    if survey is not None:
        comments = comments.filter(survey=survey)
    if checked_only:
        comments = comments.filter(status=Comment.Status.CONFIRMED)
    totals = comments.aggregate(
        n_comments=Count("id"), n_checked=Count("id", filter=Q(status=Comment.Status.CONFIRMED))
    )
    grouped = (
        CommentTheme.objects.filter(comment__in=comments.values("pk"))
        .values_list("theme_id", "comment__sentiment")
        .annotate(n=Count("comment_id", distinct=True))
        .order_by()
    )
    counts: dict[int, dict[str, int]] = {}
    for theme_id, sentiment, n in grouped:
        counts.setdefault(theme_id, {})[sentiment or Sentiment.NEUTRAL] = (
            counts.get(theme_id, {}).get(sentiment or Sentiment.NEUTRAL, 0) + n
        )
    rows = []
    for theme in Theme.objects.filter(organisation=organisation).order_by("position", "name", "id"):
        by = counts.get(theme.pk, {})
        total = sum(by.values())
        if not theme.is_active and not total:
            continue
        # The three sentiments add up to the total shown beside them: secondary suppression, or the
        # total minus the two shown would give the hidden one.
        positive, neutral, negative = suppress_with_totals(
            [by.get(Sentiment.POSITIVE, 0), by.get(Sentiment.NEUTRAL, 0), by.get(Sentiment.NEGATIVE, 0)],
            small=SMALL_NUMBER,
            total_shown=suppress(total) is not None,
        )
        rows.append(
            SummaryRow(
                theme=theme, positive=positive, neutral=neutral, negative=negative, total=suppress(total)
            )
        )
    rows.sort(key=lambda row: -(row.total or 0))
    return ThemeSummary(
        rows=rows,
        comments=suppress(totals["n_comments"]),
        checked=suppress(totals["n_checked"]),
        checked_only=checked_only,
    )
