"""Loop closure on hand-worked cases: the share of 'you said' items with a published answer, and the median
days from 'you said' to that answer, for the organisation, by service and by project."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from coproduce.projects.integrity import LoopClosureFacts, LoopItemFacts, loop_closure

D = date(2027, 1, 1)


def said(days_to_answer: int | None, service: str = "", project: str = "") -> LoopItemFacts:
    answered = None if days_to_answer is None else D + timedelta(days=days_to_answer)
    return LoopItemFacts(raised_on=D, answered_on=answered, service=service, project=project)


def test_no_items_says_so_and_shows_no_number():
    result = loop_closure(LoopClosureFacts())

    assert result.key == "loop_closure"
    assert result.enough_data is False
    assert result.values == {}
    assert "Not enough data" in result.summary


def test_hand_worked_organisation_figures():
    # Five items: answered after 10, 20 and 40 days; two not answered. 3 of 5 = 60%; median 20 days.
    facts = LoopClosureFacts([said(10), said(20), said(40), said(None), said(None)])

    result = loop_closure(facts)

    assert result.enough_data is True
    assert result.values["total"] == 5
    assert result.values["answered"] == 3
    assert result.values["share"] == 60
    assert result.values["median_days"] == 20
    assert "3 of 5" in result.summary and "60%" in result.summary and "20 days" in result.summary


def test_an_even_number_of_answers_takes_the_middle_of_the_two():
    result = loop_closure(LoopClosureFacts([said(7), said(14), said(21), said(30)]))

    assert result.values["median_days"] == 17.5
    assert "17.5 days" in result.summary


def test_nothing_answered_gives_a_share_but_no_median():
    result = loop_closure(LoopClosureFacts([said(None), said(None)]))

    assert result.values["share"] == 0
    assert result.values["median_days"] is None
    assert "0 of 2" in result.summary and "median" not in result.summary


def test_by_service_and_by_project():
    facts = LoopClosureFacts(
        [
            said(10, "Crisis line", "Phones"),
            said(30, "Crisis line"),
            said(None, "Crisis line", "Phones"),
            said(5, "Ward 3"),
            said(None, ""),
        ]
    )

    result = loop_closure(facts)

    rows = {row["label"]: row for row in result.rows}
    assert list(rows) == ["Crisis line", "Ward 3", "No service given"]
    assert (rows["Crisis line"]["total"], rows["Crisis line"]["answered"], rows["Crisis line"]["share"]) == (
        3,
        2,
        67,
    )
    assert rows["Crisis line"]["median_days"] == 20
    assert (rows["Ward 3"]["share"], rows["Ward 3"]["median_days"]) == (100, 5)
    assert (rows["No service given"]["share"], rows["No service given"]["median_days"]) == (0, None)
    [phones] = result.values["by_project"]
    assert (phones["label"], phones["total"], phones["answered"], phones["median_days"]) == (
        "Phones",
        2,
        1,
        10,
    )


@given(st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=400)), min_size=1, max_size=40))
def test_share_and_median_agree_with_a_direct_count(days):
    result = loop_closure(LoopClosureFacts([said(d) for d in days]))

    answered = sorted(d for d in days if d is not None)
    assert result.values["answered"] == len(answered)
    assert result.values["share"] == round(100 * len(answered) / len(days))
    if answered:
        middle = len(answered) // 2
        expected = answered[middle] if len(answered) % 2 else (answered[middle - 1] + answered[middle]) / 2
        assert result.values["median_days"] == expected
    else:
        assert result.values["median_days"] is None


def test_the_figure_follows_the_records(organisation, lead, staff):
    """From real items: publishing an answer changes the share and the median."""
    from django.utils import timezone

    from coproduce.yousaid.models import YouSaid
    from coproduce.yousaid.selectors import loop_closure_facts
    from coproduce.yousaid.tests.factories import answer, item, publish

    first = item(organisation, lead, summary="Phones", raised_on=timezone.localdate() - timedelta(days=12))
    item(organisation, lead, summary="Noise", service="Ward 3")
    before = loop_closure(loop_closure_facts(organisation=organisation))
    assert (before.values["answered"], before.values["share"]) == (0, 0)

    publish(answer(first, staff), lead)

    after = loop_closure(loop_closure_facts(organisation=organisation))
    assert (after.values["answered"], after.values["share"], after.values["median_days"]) == (1, 50, 12)
    assert YouSaid.objects.get(pk=first.pk).first_published_at is not None


def test_the_scorecard_and_the_overview_show_loop_closure(client, organisation, lead, staff, exec_):
    from coproduce.projects.tests.factories import ProjectFactory
    from coproduce.yousaid.tests.factories import answer, item, publish

    project = ProjectFactory(organisation=organisation, title="Phones project")
    publish(
        answer(item(organisation, lead, source="project", project=project, service="Crisis line"), staff),
        lead,
    )
    item(organisation, lead, summary="Unanswered", service="Ward 3")
    client.force_login(exec_)

    overview = client.get("/o/demo/projects/integrity/").text
    assert "Loop closure" in overview
    assert "1 of 2 things people told us have a published answer (50%)" in overview
    assert "Loop closure by service" in overview and "Loop closure by project" in overview
    scorecard = client.get(f"/o/demo/projects/{project.public_id}/scorecard/").text
    assert "1 of 1 things people told us have a published answer (100%)" in scorecard
