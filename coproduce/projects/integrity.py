"""The co-production integrity scorecard: each measure is a small function of a project's facts.

Nothing here is typed in by anyone: ``selectors.project_facts`` gathers the facts from attendance,
decisions and ladder ratings (a fixed number of queries for any number of projects), and each measure
turns them into a ``MeasureResult`` with plain-language text. A measure that has too little data says
so and shows no number. To add a measure (loop closure, reciprocity), write a function that takes
``ProjectFacts`` and returns a ``MeasureResult``, give it its own tests, and append it to ``MEASURES``.
"""

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .models import STAGE_ORDER, ProjectStatus, Rung, Stage

# Aggregates of ladder ratings are shown only when at least this many people on EACH side have rated.
K_ANONYMITY = 3
# A gap of this many rungs or more between what is declared and what people experience is flagged.
CONCERN_GAP = 2
# "Three people hold 60% of the involvement hours" is flagged from six people, where an equal share would
# give three people 50% (with five, 60% is simply an equal share).
CONCENTRATION_TOP = 3
CONCENTRATION_SHARE = 0.6
CONCENTRATION_MIN_PEOPLE = 6
# Fewer people than this and a Gini coefficient says nothing useful.
EQUITY_MIN_PEOPLE = 3

NOT_ENOUGH_RATINGS = gettext_lazy("Not enough ratings yet to show without identifying anyone")

FLAG_KINDS = {
    "declared_vs_experienced": gettext_lazy("Declared rung higher than lived-experience members experience"),
    "power_gap": gettext_lazy("Staff and lived-experience members see it differently"),
    "decisions_without": gettext_lazy("Decisions made with no lived-experience member present"),
    "stage_absent": gettext_lazy("A stage with no lived-experience member there"),
    "stage_not_deciding": gettext_lazy("A stage where no lived-experience member decided"),
    "stage_missing": gettext_lazy("A finished project with a stage left out"),
    "concentrated_hours": gettext_lazy("Involvement hours held by a few people"),
}


# --- Facts: what the measures are computed from ---------------------------------------------------


@dataclass
class StageFacts:
    stage: str
    activities: int = 0
    # Distinct people who attended this stage's activities taking part with lived experience or as carers.
    le_attendees: int = 0
    decisions: int = 0
    decisions_le_deciding: int = 0

    @property
    def has_records(self) -> bool:
        return bool(self.activities or self.decisions)


@dataclass
class DecisionFacts:
    present: int = 0
    le_present: int = 0
    deciders: int = 0
    le_deciders: int = 0

    @property
    def le_share_of_deciders(self) -> float | None:
        return self.le_deciders / self.deciders if self.deciders else None


@dataclass
class ProjectFacts:
    status: str = ProjectStatus.ACTIVE
    declared_rung: int | None = None
    # Current ratings, one per team member who has rated, with nothing to say whose they are.
    le_ratings: list[int] = field(default_factory=list)
    staff_ratings: list[int] = field(default_factory=list)
    stages: dict[str, StageFacts] = field(default_factory=lambda: {s: StageFacts(s) for s in STAGE_ORDER})
    decisions: list[DecisionFacts] = field(default_factory=list)
    # Hours of involvement of each lived-experience or carer person in the project's activities.
    hours: list[Decimal] = field(default_factory=list)
    # How many of those people are new voices: their first part with the organisation came less than a
    # year before their first in this project. (The involvement report's "new voices" are people not
    # involved in the 12 months before its period; each page says which it counts.)
    new_voices: int = 0


# --- Results ---------------------------------------------------------------------------------------


@dataclass
class Flag:
    kind: str
    message: str


@dataclass
class MeasureResult:
    key: str
    title: str
    enough_data: bool
    summary: str
    why_it_matters: str
    what_would_improve: str
    values: dict = field(default_factory=dict)
    rows: list = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)


@dataclass
class Scorecard:
    measures: list[MeasureResult]

    @property
    def flags(self) -> list[Flag]:
        return [flag for measure in self.measures for flag in measure.flags]

    @property
    def flag_kinds(self) -> set[str]:
        return {flag.kind for flag in self.flags}

    def measure(self, key: str) -> MeasureResult:
        return next(m for m in self.measures if m.key == key)


# --- Small, pure calculations ----------------------------------------------------------------------


def median(values: Sequence[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def gini(values: Sequence[float | Decimal]) -> float:
    """How unequally something is shared: 0 when everyone has the same, approaching 1 when one person
    has it all (exactly 1 - 1/n for one person among n)."""
    xs = sorted(float(v) for v in values)
    n, total = len(xs), sum(xs)
    if n == 0 or total == 0:
        return 0.0
    weighted = sum((i + 1) * x for i, x in enumerate(xs))
    return max(0.0, (2 * weighted) / (n * total) - (n + 1) / n)


def top_share(values: Sequence[float | Decimal], top: int) -> float:
    xs = sorted((float(v) for v in values), reverse=True)
    total = sum(xs)
    return sum(xs[:top]) / total if total else 0.0


def rung_name(value: float) -> str:
    """'consultation (4)', or 'between consultation (4) and engagement (5)' for a median between rungs."""

    def one(n: int) -> str:
        return f"{str(Rung(n).label).lower()} ({n})"

    if float(value).is_integer():
        return one(int(value))
    low = int(value)
    return _("between %(lower)s and %(upper)s") % {"lower": one(low), "upper": one(low + 1)}


def number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


@dataclass
class LadderSummary:
    le_count: int
    staff_count: int
    shown: bool
    le_median: float | None = None
    staff_median: float | None = None

    @property
    def gap(self) -> float | None:
        """Power gap: the median rung from staff minus the median from lived-experience and carer members."""
        if not self.shown:
            return None
        return self.staff_median - self.le_median


def ladder_summary(le_ratings: Sequence[int], staff_ratings: Sequence[int]) -> LadderSummary:
    """Aggregates only, and only when at least K_ANONYMITY people on each side have rated."""
    shown = len(le_ratings) >= K_ANONYMITY and len(staff_ratings) >= K_ANONYMITY
    if not shown:
        return LadderSummary(le_count=len(le_ratings), staff_count=len(staff_ratings), shown=False)
    return LadderSummary(
        le_count=len(le_ratings),
        staff_count=len(staff_ratings),
        shown=True,
        le_median=median(le_ratings),
        staff_median=median(staff_ratings),
    )


# --- The measures ----------------------------------------------------------------------------------


def stage_coverage(facts: ProjectFacts) -> MeasureResult:
    """For each stage: were lived-experience or carer members there (attendance), and deciding?"""
    result = MeasureResult(
        key="stage_coverage",
        title=_("Stage coverage"),
        enough_data=False,
        summary="",
        why_it_matters=_(
            "Co-production means people with lived experience are involved from strategy to delivery: "
            "designing, deciding, delivering and evaluating, not only at the start. Here, lived-experience "
            "members means people taking part with lived experience or as carers."
        ),
        what_would_improve=_(
            "Link each stage's meetings and workshops to the project, make sure lived-experience and carer "
            "members are invited and supported to attend, and include them when decisions are made."
        ),
    )
    rows = []
    for stage in STAGE_ORDER:
        s = facts.stages.get(stage, StageFacts(stage))
        name = str(Stage(stage).label)
        rows.append(
            {
                "stage": stage,
                "label": name,
                "activities": s.activities,
                "le_attendees": s.le_attendees,
                "decisions": s.decisions,
                "decisions_le_deciding": s.decisions_le_deciding,
                "present": s.le_attendees > 0 if s.activities else None,
                "deciding": s.decisions_le_deciding > 0 if s.decisions else None,
            }
        )
        if s.activities and not s.le_attendees:
            result.flags.append(
                Flag(
                    "stage_absent",
                    _("No lived-experience member attended any %(stage)s activity") % {"stage": name.lower()},
                )
            )
        if s.decisions and not s.decisions_le_deciding:
            result.flags.append(
                Flag(
                    "stage_not_deciding",
                    _("No lived-experience member took part in deciding at the %(stage)s stage")
                    % {"stage": name.lower()},
                )
            )
        if facts.status == ProjectStatus.FINISHED and not s.has_records:
            result.flags.append(
                Flag(
                    "stage_missing",
                    _("The project finished with no activity or decision recorded for %(stage)s")
                    % {"stage": name.lower()},
                )
            )
    result.rows = rows
    with_records = [r for r in rows if r["activities"] or r["decisions"]]
    if not with_records:
        result.summary = _(
            "Not enough data yet: no activities or decisions have been linked to any stage of this project."
        )
        return result
    result.enough_data = True
    present = sum(1 for r in rows if r["present"])
    deciding = sum(1 for r in rows if r["deciding"])
    result.values = {"stages_with_records": len(with_records), "present": present, "deciding": deciding}
    result.summary = _(
        "Lived-experience members were present at %(present)s of %(stages)s stages with records, and "
        "took part in deciding at %(deciding)s."
    ) % {"present": present, "stages": len(with_records), "deciding": deciding}
    return result


def power_gap(facts: ProjectFacts) -> MeasureResult:
    """The ladder from both sides: staff's median rung minus lived-experience members', and the declared
    rung against what lived-experience members experience."""
    summary = ladder_summary(facts.le_ratings, facts.staff_ratings)
    result = MeasureResult(
        key="power_gap",
        title=_("Power gap and the ladder"),
        enough_data=summary.shown,
        summary=str(NOT_ENOUGH_RATINGS),
        why_it_matters=_(
            "When staff call a project co-production but the people with lived experience feel only "
            "consulted, power has not really been shared. The people it is meant to include are the best "
            "judges of how co-produced it is."
        ),
        what_would_improve=_(
            "Ask lived-experience members what would make them equal partners, act on what they say, "
            "and invite every team member to rate the project again. Declare the rung the project "
            "really works at."
        ),
    )
    if not summary.shown:
        result.values = {"declared": facts.declared_rung}
        return result
    gap = summary.gap
    result.values = {
        "declared": facts.declared_rung,
        "le_median": summary.le_median,
        "staff_median": summary.staff_median,
        "gap": gap,
        "le_count": summary.le_count,
        "staff_count": summary.staff_count,
    }
    result.summary = _(
        "Lived-experience and carer members rate it %(le)s; staff rate it %(staff)s. Power gap: %(gap)s."
    ) % {"le": rung_name(summary.le_median), "staff": rung_name(summary.staff_median), "gap": number(gap)}
    declared = facts.declared_rung
    if declared and declared - summary.le_median >= CONCERN_GAP:
        result.flags.append(
            Flag(
                "declared_vs_experienced",
                _("Declared %(declared)s but lived-experience members rate it %(experienced)s")
                % {"declared": rung_name(declared), "experienced": rung_name(summary.le_median)},
            )
        )
    if gap >= CONCERN_GAP:
        result.flags.append(
            Flag(
                "power_gap",
                _("Staff rate the project %(gap)s rungs higher than lived-experience members do")
                % {"gap": number(gap)},
            )
        )
    return result


def decision_share(facts: ProjectFacts) -> MeasureResult:
    """The share of decisions taken with lived-experience members present, and deciding."""
    result = MeasureResult(
        key="decision_share",
        title=_("Decision share"),
        enough_data=bool(facts.decisions),
        summary=_("Not enough data yet: no decisions have been recorded."),
        why_it_matters=_(
            "Sharing power means sharing decisions. Being in the room is not enough: lived-experience "
            "members should take part in deciding."
        ),
        what_would_improve=_(
            "Plan decisions for meetings lived-experience members can attend, send papers in advance, and "
            "decide together (by consensus or a vote that includes everyone) rather than by the lead alone."
        ),
    )
    if not facts.decisions:
        return result
    total = len(facts.decisions)
    with_present = sum(1 for d in facts.decisions if d.le_present)
    with_deciding = sum(1 for d in facts.decisions if d.le_deciders)
    shares = [d.le_share_of_deciders for d in facts.decisions if d.le_share_of_deciders is not None]
    result.values = {
        "total": total,
        "with_present": with_present,
        "with_deciding": with_deciding,
        "share_present": round(100 * with_present / total),
        "share_deciding": round(100 * with_deciding / total),
        "mean_share_of_deciders": round(100 * sum(shares) / len(shares)) if shares else None,
    }
    result.summary = _(
        "%(deciding)s of %(total)s decisions were taken with lived-experience members deciding "
        "(%(share)s%%); %(present)s had them present."
    ) % {
        "deciding": with_deciding,
        "total": total,
        "share": result.values["share_deciding"],
        "present": with_present,
    }
    without = total - with_present
    if without:
        result.flags.append(
            Flag(
                "decisions_without",
                ngettext(
                    "%(without)s of %(total)s decisions was made with no lived-experience member present",
                    "%(without)s of %(total)s decisions were made with no lived-experience member present",
                    without,
                )
                % {"without": without, "total": total},
            )
        )
    return result


def voice_equity(facts: ProjectFacts) -> MeasureResult:
    """How evenly involvement hours are shared (Gini coefficient), and the share of new voices."""
    hours = [h for h in facts.hours if h > 0]
    result = MeasureResult(
        key="voice_equity",
        title=_("Voice equity"),
        enough_data=len(hours) >= EQUITY_MIN_PEOPLE,
        summary=_(
            "Not enough data yet: fewer than %(n)s people with lived experience or carers have attended "
            "this project's activities."
        )
        % {"n": EQUITY_MIN_PEOPLE},
        why_it_matters=_(
            "When a few familiar people do most of the involvement, other voices go unheard. New voices "
            "bring experiences the project has not heard yet."
        ),
        what_would_improve=_(
            "Invite people who have not been involved before, rotate places on panels and workshops, and "
            "offer different ways to take part (online, in person, by phone or on paper)."
        ),
    )
    if not result.enough_data:
        return result
    g = gini(hours)
    share = top_share(hours, CONCENTRATION_TOP)
    new_share = round(100 * facts.new_voices / len(hours))
    result.values = {
        "gini": round(g, 2),
        "people": len(hours),
        "new_voices": facts.new_voices,
        "new_share": new_share,
        "top_share": round(100 * share),
    }
    result.summary = _(
        "%(people)s people shared the involvement hours; the Gini coefficient is %(gini)s (0 means "
        "shared equally, near 1 means held by one person). %(new)s of them (%(new_share)s%%) are new voices: "
        "they first took part with us less than a year before joining this project."
    ) % {"people": len(hours), "gini": f"{g:.2f}", "new": facts.new_voices, "new_share": new_share}
    if len(hours) >= CONCENTRATION_MIN_PEOPLE and share >= CONCENTRATION_SHARE:
        result.flags.append(
            Flag(
                "concentrated_hours",
                _("Three people hold %(share)s%% of the involvement hours") % {"share": round(100 * share)},
            )
        )
    return result


MEASURES: list[Callable[[ProjectFacts], MeasureResult]] = [
    stage_coverage,
    power_gap,
    decision_share,
    voice_equity,
]


def scorecard(facts: ProjectFacts) -> Scorecard:
    return Scorecard(measures=[measure(facts) for measure in MEASURES])


# --- Loop closure ("you said, we did") -------------------------------------------------------------
# Not one of MEASURES: its facts are "you said" items, which belong to the organisation (and sometimes to
# a project), not to a project's attendance and decisions. coproduce.yousaid.selectors gathers them.


@dataclass
class LoopItemFacts:
    raised_on: date
    # The day its first answer was published, or None while it has no published answer.
    answered_on: date | None = None
    service: str = ""
    project: str = ""


@dataclass
class LoopClosureFacts:
    items: list[LoopItemFacts] = field(default_factory=list)


def _loop_figures(items: Sequence[LoopItemFacts]) -> dict:
    answered = [i for i in items if i.answered_on is not None]
    days = [(i.answered_on - i.raised_on).days for i in answered]
    return {
        "total": len(items),
        "answered": len(answered),
        "share": round(100 * len(answered) / len(items)) if items else None,
        "median_days": median(days),
    }


def _loop_rows(items: Sequence[LoopItemFacts], attribute: str, blank_label: str) -> list[dict]:
    groups: dict[str, list[LoopItemFacts]] = {}
    for item in items:
        groups.setdefault(getattr(item, attribute), []).append(item)
    rows = [
        {"key": key, "label": key or blank_label, **_loop_figures(members)} for key, members in groups.items()
    ]
    return sorted(rows, key=lambda row: (row["key"] == "", row["label"].lower()))


def loop_closure(facts: LoopClosureFacts) -> MeasureResult:
    """Of the things people told us, the share with a published answer, and the median days from "you
    said" to that answer; for everything given, by service, and by project where items belong to one."""
    result = MeasureResult(
        key="loop_closure",
        title=_("Loop closure"),
        enough_data=bool(facts.items),
        summary=_("Not enough data yet: nothing people told us has been recorded as a 'you said' item."),
        why_it_matters=_(
            "Feedback that vanishes is the commonest complaint about involvement. People give their time "
            "and experience; they should hear what changed because of it, or honestly why it could not."
        ),
        what_would_improve=_(
            "Turn comments, survey results and what groups raise into 'you said' items, answer each one "
            "(we did, we will, or we could not, because ...), have a lead approve the answer, and publish it."
        ),
    )
    if not facts.items:
        return result
    figures = _loop_figures(facts.items)
    result.values = {
        **figures,
        "by_project": _loop_rows([i for i in facts.items if i.project], "project", ""),
    }
    result.rows = _loop_rows(facts.items, "service", str(_("No service given")))
    if figures["median_days"] is None:
        result.summary = (
            _("%(answered)s of %(total)s things people told us have a published answer (%(share)s%%).")
            % figures
        )
    else:
        result.summary = _(
            "%(answered)s of %(total)s things people told us have a published answer (%(share)s%%); "
            "the median time from 'you said' to a published answer is %(days)s days."
        ) % {**figures, "days": number(figures["median_days"])}
    return result
