"""The scorecard's facts come from the records, and the ladder is read only as aggregates."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from coproduce.involvement.tests.factories import ActivityFactory, AttendanceFactory
from coproduce.projects import selectors, services
from coproduce.projects.tests.factories import (
    ProjectFactory,
    TeamMemberFactory,
    rate,
    stage_activity,
    team,
)

pytestmark = pytest.mark.django_db


def test_two_ratings_per_side_show_nothing_and_three_show_the_aggregate(organisation):
    project = ProjectFactory(organisation=organisation)
    le = team(project, "lived_experience", 2) + team(project, "carer", 1)
    staff = team(project, "staff", 2) + team(project, "lead", 1)
    for m, r in zip(le[:2], [4, 5], strict=True):
        rate(m, r)
    for m, r in zip(staff[:2], [7, 6], strict=True):
        rate(m, r)
    assert not selectors.ladder_result(project=project).shown

    rate(le[2], 3)
    assert not selectors.ladder_result(project=project).shown  # staff still have only two
    rate(staff[2], 7)
    result = selectors.ladder_result(project=project)
    assert result.shown
    assert (result.le_median, result.staff_median, result.gap) == (4, 7, 3)


def test_only_the_latest_rating_of_a_current_member_counts(organisation):
    project = ProjectFactory(organisation=organisation)
    le = team(project, "lived_experience", 3)
    staff = team(project, "staff", 3)
    for m in le + staff:
        rate(m, 2)
    for m in le:
        rate(m, 6)  # they changed their minds
    assert selectors.ladder_result(project=project).le_median == 6
    left = staff[0]
    left.left_on = timezone.localdate()
    left.save()
    assert not selectors.ladder_result(project=project).shown  # two current staff ratings remain


def test_a_member_sees_only_their_own_latest_rating(organisation):
    project = ProjectFactory(organisation=organisation)
    me, other = team(project, "lived_experience", 2)
    rate(me, 3)
    rate(me, 5)
    rate(other, 1)
    assert selectors.my_latest_rating(team_member=me).rung == 5


def test_facts_come_from_attendance_decisions_and_ratings(organisation, lead):
    project = ProjectFactory(organisation=organisation, declared_rung=7)
    le = team(project, "lived_experience", 3)
    carer = team(project, "carer", 1)[0]
    staff = team(project, "staff", 2)
    stage_activity(
        project, "co_design", [(m.person, "lived_experience") for m in le] + [(staff[0].person, "staff")]
    )
    stage_activity(project, "co_design", [(carer.person, "carer")], hours="3")
    stage_activity(project, "co_evaluation", [(staff[0].person, "staff")])
    services.decision_record(
        project=project,
        actor=lead,
        summary="A",
        method="vote",
        decided_on=timezone.localdate(),
        stage="co_decision",
        present=[le[0], staff[0]],
        deciding=[staff[0]],
    )
    # Someone who attended but as a member of staff is not counted as a lived-experience voice.
    facts = selectors.project_facts([project])[project.pk]

    assert facts.stages["co_design"].activities == 2
    assert facts.stages["co_design"].le_attendees == 4
    assert facts.stages["co_evaluation"].activities == 1
    assert facts.stages["co_evaluation"].le_attendees == 0
    assert facts.stages["co_decision"].decisions == 1
    assert facts.stages["co_decision"].decisions_le_deciding == 0
    assert [(d.present, d.le_present, d.deciders, d.le_deciders) for d in facts.decisions] == [(2, 1, 1, 0)]
    assert sorted(facts.hours) == [Decimal("2"), Decimal("2"), Decimal("2"), Decimal("3")]
    assert facts.new_voices == 4


def test_someone_involved_long_before_the_project_is_not_a_new_voice(organisation):
    project = ProjectFactory(organisation=organisation)
    old_hand, newcomer = team(project, "lived_experience", 2)
    long_ago = timezone.now() - timedelta(days=800)
    AttendanceFactory(
        activity=ActivityFactory(
            organisation=organisation, starts_at=long_ago, ends_at=long_ago + timedelta(hours=1)
        ),
        person=old_hand.person,
    )
    stage_activity(project, "co_design", [(old_hand.person, "lived_experience"), (newcomer.person, "carer")])
    assert selectors.project_facts([project])[project.pk].new_voices == 1


def test_decision_provenance_is_computed(organisation, lead):
    project = ProjectFactory(organisation=organisation)
    le = team(project, "lived_experience", 2)
    staff = team(project, "staff", 2)
    services.decision_record(
        project=project,
        actor=lead,
        summary="B",
        method="consensus",
        decided_on=date.today(),
        stage="co_design",
        present=le + staff,
        deciding=le[:1] + staff,
    )
    decision = selectors.decision_list(project=project).get()
    assert (decision.present_count, decision.le_present_count) == (4, 2)
    assert (decision.deciders_count, decision.le_deciders_count) == (3, 1)


def test_facts_for_no_projects_is_empty():
    assert selectors.project_facts([]) == {}


def test_team_members_only_of_this_project_count(organisation):
    project = ProjectFactory(organisation=organisation)
    TeamMemberFactory(project=project, role="carer")
    TeamMemberFactory(project=ProjectFactory(organisation=organisation), role="carer")
    assert selectors.team_counts(project=project)["carer"] == 1
