"""The demo's projects: idempotent, across all stages, and the two that must differ do."""

import pytest

from coproduce.core.models import User
from coproduce.people.demo import seed_register
from coproduce.projects import selectors
from coproduce.projects.demo import seed_projects
from coproduce.projects.models import Project

pytestmark = pytest.mark.django_db


def test_the_demo_projects_show_genuine_co_production_and_tokenism_side_by_side(
    organisation, member, exec_, lead
):
    seed_register(
        organisation,
        80,
        seed=2019,
        link_users={"member@demo.test": User.objects.get(email="member@demo.test")},
    )
    seed_projects(organisation)
    seed_projects(organisation)  # a second run changes nothing

    projects = list(Project.objects.filter(organisation=organisation))
    assert len(projects) == 8
    assert {p.current_stage for p in projects} == {"co_design", "co_decision", "co_delivery", "co_evaluation"}
    cards = selectors.scorecards_for(projects)
    by_title = {p.title: cards[p.pk] for p in projects}

    genuine = by_title["Crisis line redesign"]
    assert genuine.flags == []
    assert genuine.measure("decision_share").values["share_deciding"] == 100
    assert genuine.measure("power_gap").values["gap"] == 0

    token = by_title["Discharge planning review"]
    messages = [f.message for f in token.flags]
    assert "Declared co-production (7) but lived-experience members rate it consultation (4)" in messages
    assert "3 of 5 decisions were made with no lived-experience member present" in messages
    assert "No lived-experience member attended any co-evaluation activity" in messages
    assert any(m.startswith("Three people hold") for m in messages)
    assert Project.objects.get(title="Crisis line redesign").team_members.filter(person__user=member).exists()
