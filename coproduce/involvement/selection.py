"""Fair selection for an opportunity's places.

The rule, in order: people whose required checks are in date come first (anyone with an expired or
missing required check cannot be selected, and the reason is shown); then new voices (not involved in
the last 12 months); then whoever was involved least recently; ties are broken at random with a seed
that is recorded, so the suggestion can be explained and repeated."""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Max, Q, Sum
from django.utils import timezone

from coproduce.people.models import CheckKind, CheckStatus, check_status

from .models import AttendanceStatus, ExpressionOfInterest, Opportunity

LOOKBACK = timedelta(days=365)


@dataclass
class Candidate:
    interest: ExpressionOfInterest
    new_voice: bool
    hours_last_year: Decimal
    last_involved: date | None
    check_problems: list[str] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return not self.check_problems


def order_candidates(candidates: list[Candidate], seed: int) -> list[Candidate]:
    """Eligible people first, then new voices, then least recently involved; random ties by the seed."""
    rng = random.Random(seed)
    tiebreak = {id(c): rng.random() for c in candidates}
    return sorted(
        candidates,
        key=lambda c: (
            not c.eligible,
            not c.new_voice,
            c.last_involved or date.min,
            tiebreak[id(c)],
        ),
    )


def suggest(candidates: list[Candidate], places: int, seed: int) -> list[Candidate]:
    return [c for c in order_candidates(candidates, seed) if c.eligible][:places]


def candidates_for(*, opportunity: Opportunity, today: date | None = None) -> list[Candidate]:
    """Everyone waiting for a decision, with what helps a fair choice. A fixed number of queries."""
    today = today or timezone.localdate()
    since = timezone.make_aware(timezone.datetime.combine(today - LOOKBACK, timezone.datetime.min.time()))
    attended = Q(person__attendances__status=AttendanceStatus.ATTENDED)
    interests = (
        ExpressionOfInterest.objects.filter(
            opportunity=opportunity,
            status=ExpressionOfInterest.Status.SUBMITTED,
            person__erased_at__isnull=True,
        )
        .select_related("person", "person__organisation", "person__user")
        .prefetch_related("person__checks")
        .annotate(
            hours_last_year=Sum(
                "person__attendances__hours",
                filter=attended & Q(person__attendances__activity__starts_at__gte=since),
            ),
            last_involved_at=Max("person__attendances__activity__starts_at", filter=attended),
        )
        .order_by("submitted_at")
    )
    labels = dict(CheckKind.choices)
    candidates = []
    for interest in interests:
        checks = {c.kind: c for c in interest.person.checks.all()}
        problems = []
        for kind in opportunity.required_checks:
            check = checks.get(kind)
            status = check_status(check.done_on, check.expires_on, today) if check else CheckStatus.MISSING
            if status in (CheckStatus.EXPIRED, CheckStatus.MISSING):
                problems.append(f"{labels.get(kind, kind)}: {CheckStatus(status).label}")
        last = interest.last_involved_at
        last_day = timezone.localtime(last).date() if last else None
        candidates.append(
            Candidate(
                interest=interest,
                new_voice=last_day is None or last_day < today - LOOKBACK,
                hours_last_year=interest.hours_last_year or Decimal("0"),
                last_involved=last_day,
                check_problems=problems,
            )
        )
    return candidates
