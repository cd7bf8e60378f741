"""Each measure against small, hand-worked cases; hypothesis for medians, gaps and the Gini coefficient."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coproduce.projects import integrity
from coproduce.projects.integrity import DecisionFacts, ProjectFacts, StageFacts

hours = st.lists(st.integers(min_value=1, max_value=1000), min_size=1, max_size=40)
rungs = st.lists(st.integers(min_value=1, max_value=7), min_size=3, max_size=30)


# --- Gini, median, gap ------------------------------------------------------------------------------


def test_gini_by_hand():
    assert integrity.gini([1, 1, 1, 1]) == 0
    # |1-2| + |1-3| + |2-3| = 4, counted both ways = 8, over 2 * n^2 * mean = 2 * 9 * 2 = 36
    assert integrity.gini([1, 2, 3]) == pytest.approx(8 / 36)
    assert integrity.gini([0, 0, 0, 8]) == pytest.approx(0.75)
    assert integrity.gini([]) == 0


@given(st.integers(min_value=1, max_value=1000), st.integers(min_value=1, max_value=60))
def test_the_gini_of_equal_hours_is_zero(value, n):
    assert integrity.gini([value] * n) == pytest.approx(0, abs=1e-9)


@given(st.integers(min_value=1, max_value=1000), st.integers(min_value=1, max_value=60))
def test_the_gini_of_one_person_holding_everything_is_one_minus_one_over_n(value, n):
    assert integrity.gini([0] * (n - 1) + [value]) == pytest.approx(1 - 1 / n)


@given(hours, st.integers(min_value=2, max_value=50))
def test_the_gini_does_not_change_when_everyone_s_hours_are_scaled(values, factor):
    assert integrity.gini([v * factor for v in values]) == pytest.approx(integrity.gini(values), abs=1e-9)


@given(hours)
def test_the_gini_is_between_zero_and_one_and_ignores_order(values):
    g = integrity.gini(values)
    assert 0 <= g < 1
    assert integrity.gini(list(reversed(values))) == pytest.approx(g)


@given(rungs)
def test_the_median_lies_between_the_lowest_and_highest_rating(values):
    m = integrity.median(values)
    assert min(values) <= m <= max(values)
    assert (m * 2).is_integer()


@given(rungs, rungs)
def test_the_power_gap_is_staffs_median_minus_lived_experience_median(le, staff):
    summary = integrity.ladder_summary(le, staff)
    assert summary.shown
    assert summary.gap == integrity.median(staff) - integrity.median(le)
    assert integrity.ladder_summary(staff, le).gap == -summary.gap


@given(st.lists(st.integers(1, 7), max_size=2), rungs)
def test_fewer_than_three_ratings_on_either_side_show_nothing(few, many):
    for le, staff in ((few, many), (many, few)):
        summary = integrity.ladder_summary(le, staff)
        assert not summary.shown
        assert summary.le_median is None and summary.staff_median is None and summary.gap is None


def test_rung_names():
    assert integrity.rung_name(4) == "consultation (4)"
    assert integrity.rung_name(4.5) == "between consultation (4) and engagement (5)"


# --- Stage coverage ---------------------------------------------------------------------------------


def facts(**kwargs) -> ProjectFacts:
    f = ProjectFacts()
    for key, value in kwargs.items():
        setattr(f, key, value)
    return f


def test_stage_coverage_with_no_records_says_there_is_not_enough_data():
    result = integrity.stage_coverage(ProjectFacts())
    assert not result.enough_data
    assert "Not enough data" in result.summary
    assert result.flags == []
    assert result.why_it_matters and result.what_would_improve


def test_stage_coverage_by_hand():
    f = ProjectFacts()
    f.stages["co_design"] = StageFacts(
        "co_design", activities=2, le_attendees=3, decisions=1, decisions_le_deciding=1
    )
    f.stages["co_decision"] = StageFacts("co_decision", decisions=2, decisions_le_deciding=0)
    f.stages["co_evaluation"] = StageFacts("co_evaluation", activities=1, le_attendees=0)

    result = integrity.stage_coverage(f)

    assert result.enough_data
    assert result.values == {"stages_with_records": 3, "present": 1, "deciding": 1}
    assert [flag.message for flag in result.flags] == [
        "No lived-experience member took part in deciding at the co-decision stage",
        "No lived-experience member attended any co-evaluation activity",
    ]
    assert [row["present"] for row in result.rows] == [True, None, None, False]


def test_a_finished_project_with_a_stage_left_out_is_flagged():
    f = ProjectFacts(status="finished")
    f.stages["co_design"] = StageFacts("co_design", activities=1, le_attendees=2)
    kinds = [flag.kind for flag in integrity.stage_coverage(f).flags]
    assert kinds == ["stage_missing"] * 3


# --- Power gap and declared versus experienced ------------------------------------------------------


def test_declared_co_production_that_members_experience_as_consultation_is_flagged():
    result = integrity.power_gap(facts(declared_rung=7, le_ratings=[4, 4, 4], staff_ratings=[7, 6, 7]))

    assert result.enough_data
    assert result.values["gap"] == 3
    assert [flag.message for flag in result.flags] == [
        "Declared co-production (7) but lived-experience members rate it consultation (4)",
        "Staff rate the project 3 rungs higher than lived-experience members do",
    ]


def test_a_project_both_sides_see_the_same_way_has_no_flags():
    result = integrity.power_gap(facts(declared_rung=7, le_ratings=[7, 6, 7], staff_ratings=[7, 7, 6]))
    assert result.values["gap"] == 0
    assert result.flags == []


def test_the_ladder_needs_three_ratings_on_each_side():
    result = integrity.power_gap(facts(declared_rung=7, le_ratings=[1, 1], staff_ratings=[7, 7, 7]))
    assert not result.enough_data
    assert result.summary == "Not enough ratings yet to show without identifying anyone"
    assert "le_median" not in result.values and result.flags == []


# --- Decision share -------------------------------------------------------------------------------


def test_decision_share_by_hand():
    decisions = [
        DecisionFacts(present=4, le_present=2, deciders=4, le_deciders=2),
        DecisionFacts(present=3, le_present=1, deciders=2, le_deciders=0),
        DecisionFacts(present=5, le_present=1, deciders=5, le_deciders=1),
        DecisionFacts(present=2, le_present=0, deciders=1, le_deciders=0),
        DecisionFacts(present=1, le_present=0, deciders=1, le_deciders=0),
    ]
    result = integrity.decision_share(facts(decisions=decisions))

    assert result.values["total"] == 5
    assert result.values["with_present"] == 3
    assert result.values["with_deciding"] == 2
    assert result.values["share_deciding"] == 40
    # Shares of deciders: 2/4, 0/2, 1/5, 0/1, 0/1 -> mean 0.14 -> 14%
    assert result.values["mean_share_of_deciders"] == 14
    assert [flag.message for flag in result.flags] == [
        "2 of 5 decisions were made with no lived-experience member present"
    ]


def test_no_decisions_is_not_enough_data():
    result = integrity.decision_share(ProjectFacts())
    assert not result.enough_data and result.values == {} and result.flags == []


# --- Voice equity ---------------------------------------------------------------------------------


def test_three_people_holding_most_of_the_hours_are_flagged():
    f = facts(hours=[Decimal(h) for h in (10, 10, 10, 2, 2, 2, 2, 2)], new_voices=2)
    result = integrity.voice_equity(f)

    assert result.enough_data
    assert result.values["top_share"] == 75
    assert result.values["new_share"] == 25
    assert result.values["gini"] == pytest.approx(round(integrity.gini([10, 10, 10, 2, 2, 2, 2, 2]), 2))
    assert [flag.message for flag in result.flags] == ["Three people hold 75% of the involvement hours"]


def test_hours_shared_evenly_have_no_flag():
    result = integrity.voice_equity(facts(hours=[Decimal(3)] * 6))
    assert result.values["gini"] == 0 and result.flags == []


def test_voice_equity_with_two_people_is_not_enough_data():
    result = integrity.voice_equity(facts(hours=[Decimal(3), Decimal(40)]))
    assert not result.enough_data and "gini" not in result.values


def test_the_scorecard_runs_every_measure_and_collects_flags():
    card = integrity.scorecard(facts(declared_rung=7, le_ratings=[4, 4, 4], staff_ratings=[7, 7, 7]))
    assert [m.key for m in card.measures] == ["stage_coverage", "power_gap", "decision_share", "voice_equity"]
    assert card.flag_kinds == {"declared_vs_experienced", "power_gap"}


def test_five_people_sharing_equally_are_not_flagged_as_concentrated():
    # Three of five equal shares are 60%: that is equality, not concentration.
    result = integrity.voice_equity(facts(hours=[Decimal(2)] * 5))
    assert result.values["top_share"] == 60 and result.flags == []
