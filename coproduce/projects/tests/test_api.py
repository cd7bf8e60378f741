"""The projects API through HTTP: the same people may do the same things as on the pages, ladder ratings go
in one by one and come out only as aggregates above the threshold, bad input gets a specific 422, nobody
outside the organisation learns anything, and lists stay cheap."""

import json
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coproduce.api.api import api
from coproduce.api.services import api_token_create
from coproduce.core.models import AuditEvent, Membership
from coproduce.people.tests.factories import PersonFactory
from coproduce.projects import integrity, services
from coproduce.projects.models import Decision, LadderRating, Project, TeamMember
from coproduce.projects.tests.factories import ProjectFactory, TeamMemberFactory, rate, stage_activity, team

pytestmark = pytest.mark.django_db

ORG = "/api/v1/orgs/demo"
PROJECTS = f"{ORG}/projects"
NOT_FOUND = {"detail": "Not found."}
WRITE_REFUSAL = {"detail": "Only organisation admins and involvement leads can add or change projects."}
VIEW_REFUSAL = {
    "detail": "Only the project's team, organisation admins, involvement leads and executives can see this."
}
RATE_REFUSAL = {"detail": "Only current members of the project team rate the project."}
NOT_ENOUGH = "Not enough ratings yet to show without identifying anyone"
RUNG_MESSAGE = "Choose one of the seven rungs, from 1 (coercion) to 7 (co-production)"


def bearer(user) -> dict:
    _token, raw = api_token_create(user=user, name="Tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def send(client, method, url, body, headers):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json", **headers)


def errors(response) -> dict[str, str]:
    assert response.status_code == 422, response.content
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def project_url(project, sub: str = "") -> str:
    return f"{PROJECTS}/{project.public_id}{sub}"


@pytest.fixture
def on_team(organisation, member):
    """A private project with the demo participant on its team (through their register record)."""
    project = ProjectFactory(organisation=organisation, title="Crisis line redesign")
    mine = TeamMemberFactory(project=project, person=PersonFactory(organisation=organisation, user=member))
    return project, mine


@pytest.fixture
def decision(organisation, lead, on_team):
    project, mine = on_team
    return services.decision_record(
        project=project,
        actor=lead,
        summary="Open the line at weekends",
        method="consensus",
        decided_on=timezone.localdate(),
        stage="co_decision",
        present=[mine],
        deciding=[mine],
    )


def every_get(project, decision, member) -> list[str]:
    return [
        project_url(project),
        project_url(project, "/team"),
        project_url(project, "/decisions"),
        project_url(project, f"/decisions/{decision.public_id}"),
        project_url(project, "/ladder"),
        project_url(project, "/scorecard"),
        PROJECTS,
    ]


# --- Who may see what -----------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["admin", "lead", "exec"])
def test_admins_leads_and_executives_see_every_project_and_its_records(
    client, everyone, on_team, decision, person
):
    project, mine = on_team
    headers = bearer(everyone[person])

    listing = client.get(PROJECTS, **headers).json()
    assert [item["title"] for item in listing["items"]] == ["Crisis line redesign"]
    assert listing["items"][0]["flags"] == []
    for url in every_get(project, decision, mine):
        assert client.get(url, **headers).status_code == 200, url
    assert client.get(project_url(project), **headers).json()["sponsor"] is None


@pytest.mark.parametrize("person", ["member", "carer", "staff", "finance"])
def test_people_not_on_the_team_see_only_public_summaries(client, everyone, organisation, person):
    ProjectFactory(organisation=organisation, title="Private Ward Project")
    public = ProjectFactory(organisation=organisation, title="Public Garden Project", is_public=True)
    if person == "member":
        TeamMember.objects.all().delete()
    headers = bearer(everyone[person])

    listing = client.get(PROJECTS, **headers).json()
    assert [item["title"] for item in listing["items"]] == ["Public Garden Project"]
    assert listing["items"][0]["flags"] is None
    private = Project.objects.get(title="Private Ward Project")
    response = client.get(project_url(private), **headers)
    assert response.status_code == 403 and response.json() == VIEW_REFUSAL
    summary = client.get(project_url(public), **headers).json()
    assert summary["title"] == "Public Garden Project"
    assert "sponsor" not in summary and "lead" not in summary
    for sub in ("/team", "/decisions", "/ladder", "/scorecard"):
        response = client.get(project_url(public, sub), **headers)
        assert response.status_code == 403 and response.json() == VIEW_REFUSAL, sub
    response = client.get(PROJECTS, {"flag": "any"}, **headers)
    assert response.status_code == 403


def test_a_team_member_sees_their_project_but_does_not_manage_it(client, member, on_team, decision):
    project, mine = on_team
    headers = bearer(member)
    for url in every_get(project, decision, mine):
        assert client.get(url, **headers).status_code == 200, url
    assert client.get(project_url(project), **headers).json()["lead"] is None

    for method, url, body in [
        ("post", PROJECTS, {"title": "Mine", "aim": "Change"}),
        ("patch", project_url(project), {"title": "Renamed"}),
        (
            "post",
            project_url(project, "/team"),
            {"person_id": str(mine.person.public_id), "role": "staff", "joined_on": "2026-01-01"},
        ),
        ("post", project_url(project, f"/team/{mine.public_id}/leave"), {"left_on": "2026-01-01"}),
        (
            "post",
            project_url(project, "/decisions"),
            {"summary": "X", "method": "vote", "decided_on": "2026-01-01", "stage": "co_design"},
        ),
        ("patch", project_url(project, f"/decisions/{decision.public_id}"), {"summary": "Changed"}),
        ("post", project_url(project, "/ladder/declarations"), {"rung": 7, "reason": "We say so"}),
    ]:
        response = send(client, method, url, body, headers)
        assert response.status_code == 403 and response.json() == WRITE_REFUSAL, url
    assert Project.objects.get().title == "Crisis line redesign"


def test_an_outsider_and_another_organisations_objects_get_not_found(
    client, organisation, outsider, on_team, decision, other_organisation, lead
):
    project, mine = on_team
    for url in every_get(project, decision, mine)[:-1]:
        assert client.get(url, **bearer(outsider)).json() == NOT_FOUND, url
    theirs = ProjectFactory(organisation=other_organisation, is_public=True)
    assert client.get(project_url(theirs), **bearer(lead)).json() == NOT_FOUND
    elsewhere = f"{project_url(project)}/decisions/{decision.public_id}".replace(
        str(project.public_id), str(ProjectFactory(organisation=organisation).public_id)
    )
    assert client.get(elsewhere, **bearer(lead)).json() == NOT_FOUND


# --- Projects -------------------------------------------------------------------------------------


def test_a_lead_adds_and_changes_a_project_and_both_are_audited(client, lead, exec_, organisation):
    sponsor = Membership.objects.get(user=exec_)
    response = send(
        client,
        "post",
        PROJECTS,
        {
            "title": " Crisis line ",
            "aim": "Answer faster",
            "sponsor_id": str(sponsor.public_id),
            "status": "active",
        },
        bearer(lead),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "Crisis line" and body["sponsor"] == {
        "id": str(sponsor.public_id),
        "name": "Morgan Exec",
    }
    assert [stage["stage"] for stage in body["stages"]] == [
        "co_design",
        "co_decision",
        "co_delivery",
        "co_evaluation",
    ]
    assert body["team_counts"] == {"lived_experience": 0, "carer": 0, "staff": 0, "lead": 0, "sponsor": 0}

    url = f"{PROJECTS}/{body['id']}"
    response = send(client, "patch", url, {"current_stage": "co_delivery", "sponsor_id": None}, bearer(lead))
    assert response.status_code == 200
    assert response.json()["current_stage"] == "co_delivery" and response.json()["sponsor"] is None
    project = Project.objects.get()
    assert project.title == "Crisis line" and project.sponsor is None
    assert list(
        AuditEvent.objects.filter(action__startswith="project.")
        .values_list("action", flat=True)
        .order_by("id")
    ) == [
        "project.created",
        "project.updated",
    ]


def test_bad_project_values_get_specific_messages(client, lead, staff, organisation):
    not_an_executive = Membership.objects.get(user=staff)
    response = send(
        client,
        "post",
        PROJECTS,
        {"title": "  ", "aim": "", "sponsor_id": str(not_an_executive.public_id), "status": "done"},
        bearer(lead),
    )
    found = errors(response)
    assert found["title"] == "Enter a title, for example 'Redesigning the crisis line'"
    assert found["aim"] == "Say what the project is trying to change, in a sentence or two"
    assert "status" in found
    response = send(
        client,
        "post",
        PROJECTS,
        {"title": "T", "aim": "A", "sponsor_id": str(not_an_executive.public_id)},
        bearer(lead),
    )
    assert errors(response) == {"sponsor_id": "Choose an executive of your organisation as the sponsor"}
    response = send(client, "post", PROJECTS, {"title": "T", "aim": "A", "colour": "red"}, bearer(lead))
    assert errors(response) == {"colour": "Remove this field: it is not one the API accepts"}
    assert not Project.objects.exists()


def test_the_list_filters_by_status_stage_and_flag(client, lead, organisation):
    flagged = ProjectFactory(
        organisation=organisation, title="Flagged", status="active", current_stage="co_delivery"
    )
    staff = team(flagged, "staff", 1)
    services.decision_record(
        project=flagged,
        actor=lead,
        summary="Without them",
        method="lead",
        decided_on=timezone.localdate(),
        stage="co_delivery",
        present=staff,
        deciding=staff,
    )
    ProjectFactory(organisation=organisation, title="Quiet", status="paused")
    headers = bearer(lead)

    def titles(**query):
        response = client.get(PROJECTS, query, **headers)
        assert response.status_code == 200, response.content
        return [item["title"] for item in response.json()["items"]]

    assert titles() == ["Flagged", "Quiet"]
    assert titles(status="paused") == ["Quiet"]
    assert titles(stage="co_delivery") == ["Flagged"]
    assert titles(flag="any") == ["Flagged"]
    assert titles(flag="decisions_without") == ["Flagged"]
    assert titles(flag="concentrated_hours") == []
    assert titles(status="") == ["Flagged", "Quiet"]
    item = client.get(PROJECTS, {"flag": "any"}, **headers).json()["items"][0]
    assert item["flags"] == [
        {
            "kind": "stage_not_deciding",
            "message": "No lived-experience member took part in deciding at the co-delivery stage",
        },
        {
            "kind": "decisions_without",
            "message": "1 of 1 decisions was made with no lived-experience member present",
        },
    ]
    assert "flag" in errors(client.get(PROJECTS, {"flag": "nonsense"}, **headers))


# --- The team -------------------------------------------------------------------------------------


def test_a_lead_adds_someone_to_the_team_and_records_them_leaving(client, lead, organisation):
    project = ProjectFactory(organisation=organisation)
    person = PersonFactory(organisation=organisation, full_name="Nia Newcomer")
    headers = bearer(lead)
    body = {"person_id": str(person.public_id), "role": "carer", "joined_on": "2026-01-01"}

    response = send(client, "post", project_url(project, "/team"), body, headers)
    assert response.status_code == 201
    member = response.json()
    assert member["name"] == "Nia Newcomer" and member["role"] == "carer" and member["left_on"] is None
    assert errors(send(client, "post", project_url(project, "/team"), body, headers)) == {
        "person_id": "Nia Newcomer is already on the team. To change their role, record them leaving first, "
        "then add them again."
    }
    leave = project_url(project, f"/team/{member['id']}/leave")
    assert errors(send(client, "post", leave, {"left_on": "2025-12-01"}, headers)) == {
        "left_on": "The leaving date must be on or after they joined (1 January 2026)"
    }
    response = send(client, "post", leave, {"left_on": "2026-02-01"}, headers)
    assert response.status_code == 200 and response.json()["left_on"] == "2026-02-01"
    assert errors(send(client, "post", leave, {"left_on": "2026-03-01"}, headers)) == {
        "": "This person has already left the team"
    }
    assert client.get(project_url(project, "/team"), **headers).json()["count"] == 1
    assert client.get(project_url(project, "/team"), {"current": "true"}, **headers).json()["count"] == 0


def test_someone_from_another_organisation_cannot_join_the_team(
    client, lead, organisation, other_organisation
):
    project = ProjectFactory(organisation=organisation)
    stranger = PersonFactory(organisation=other_organisation)
    body = {"person_id": str(stranger.public_id), "role": "staff", "joined_on": "2026-01-01"}
    assert errors(send(client, "post", project_url(project, "/team"), body, bearer(lead))) == {
        "person_id": "Choose a person from your organisation's register"
    }
    assert not TeamMember.objects.exists()


# --- Decisions ------------------------------------------------------------------------------------


def test_a_decision_is_recorded_with_its_provenance(client, lead, organisation):
    project = ProjectFactory(organisation=organisation)
    le = TeamMemberFactory(project=project, person__full_name="Lee Lived", joined_on=date(2026, 1, 1))
    staff = TeamMemberFactory(
        project=project, person__full_name="Sol Staff", role="staff", joined_on=date(2026, 1, 1)
    )
    body = {
        "summary": "Open at weekends",
        "options": "Weekdays only",
        "method": "vote",
        "decided_on": "2026-02-01",
        "stage": "co_decision",
        "present": [str(le.public_id), str(staff.public_id)],
        "deciding": [str(le.public_id), str(staff.public_id)],
    }
    response = send(client, "post", project_url(project, "/decisions"), body, bearer(lead))
    assert response.status_code == 201, response.content
    made = response.json()
    assert [p["name"] for p in made["present"]] == ["Lee Lived", "Sol Staff"]
    assert made["provenance"] == {
        "present": 2,
        "lived_experience_present": 1,
        "deciding": 2,
        "lived_experience_deciding": 1,
        "lived_experience_share_of_deciding": 50,
    }
    assert client.get(project_url(project, f"/decisions/{made['id']}"), **bearer(lead)).json() == made


def test_present_people_must_be_on_the_team_that_day_and_deciders_present(client, lead, organisation):
    project = ProjectFactory(organisation=organisation)
    late = TeamMemberFactory(project=project, joined_on=date(2026, 1, 10), person__full_name="Lou Late")
    other = TeamMemberFactory(project=ProjectFactory(organisation=organisation))
    url = project_url(project, "/decisions")
    body = {
        "summary": "Open at weekends",
        "method": "vote",
        "decided_on": "2026-01-05",
        "stage": "co_decision",
    }

    found = errors(send(client, "post", url, {**body, "present": [str(late.public_id)]}, bearer(lead)))
    assert found == {
        "present": "Lou Late was not on the team on 5 January 2026. Choose only people who were team members "
        "that day, or change the team's dates."
    }
    found = errors(
        send(
            client,
            "post",
            url,
            {**body, "decided_on": "2026-01-12", "deciding": [str(late.public_id)]},
            bearer(lead),
        )
    )
    assert found == {
        "deciding": "Everyone who took part in deciding must also be ticked as present: Lou Late"
    }
    found = errors(send(client, "post", url, {**body, "present": [str(other.public_id)]}, bearer(lead)))
    assert found == {"present": "Choose people from the team list"}
    found = errors(
        send(client, "post", url, {**body, "method": "coin", "decided_on": "31/01/2026"}, bearer(lead))
    )
    assert {"method", "decided_on"} <= set(found)
    assert not Decision.objects.exists()


def test_a_decision_is_corrected_with_the_same_checks_and_audited(client, lead, organisation):
    project = ProjectFactory(organisation=organisation)
    late = TeamMemberFactory(project=project, joined_on=date(2026, 1, 10), person__full_name="Lou Late")
    decision = services.decision_record(
        project=project,
        actor=lead,
        summary="Open at weekends",
        method="vote",
        decided_on=date(2026, 1, 12),
        stage="co_decision",
        present=[late],
        deciding=[],
    )
    url = project_url(project, f"/decisions/{decision.public_id}")

    found = errors(send(client, "patch", url, {"decided_on": "2026-01-05"}, bearer(lead)))
    assert found["present"].startswith("Lou Late was not on the team on 5 January 2026")
    response = send(
        client,
        "patch",
        url,
        {"summary": "Open on Saturdays", "deciding": [str(late.public_id)]},
        bearer(lead),
    )
    assert response.status_code == 200, response.content
    assert response.json()["summary"] == "Open on Saturdays"
    assert response.json()["deciding"] == [str(late.public_id)]
    decision.refresh_from_db()
    assert decision.decided_on == date(2026, 1, 12) and decision.summary == "Open on Saturdays"
    event = AuditEvent.objects.get(action="project.decision_updated")
    assert event.details == {"fields": ["deciding", "summary"]}


# --- The ladder: your own rating in, aggregates out ---------------------------------------------------


def test_a_team_member_rates_and_gets_the_aggregate_back_never_their_rating(client, member, on_team):
    project, mine = on_team
    response = send(client, "post", project_url(project, "/ladder/ratings"), {"rung": 4}, bearer(member))
    assert response.status_code == 201, response.content
    assert response.json() == {
        "declared": None,
        "threshold": 3,
        "shown": False,
        "message": NOT_ENOUGH,
        "lived_experience": None,
        "staff": None,
        "power_gap": None,
    }
    rating = LadderRating.objects.get()
    assert rating.rung == 4 and rating.rater == mine and rating.side == "lived_experience"
    event = AuditEvent.objects.get(action="project.ladder_rated")
    assert "4" not in json.dumps(event.details or {})


def test_only_current_team_members_rate(client, admin, member, on_team):
    project, mine = on_team
    response = send(client, "post", project_url(project, "/ladder/ratings"), {"rung": 7}, bearer(admin))
    assert response.status_code == 403 and response.json() == RATE_REFUSAL
    mine.left_on = timezone.localdate()
    mine.save()
    response = send(client, "post", project_url(project, "/ladder/ratings"), {"rung": 7}, bearer(member))
    assert response.status_code == 403
    assert not LadderRating.objects.exists()


@pytest.mark.parametrize("rung", [0, 8, -1, 100])
def test_a_rating_outside_the_seven_rungs_gets_a_specific_message(client, member, on_team, rung):
    project, _mine = on_team
    response = send(client, "post", project_url(project, "/ladder/ratings"), {"rung": rung}, bearer(member))
    assert errors(response) == {"rung": RUNG_MESSAGE}


@pytest.mark.parametrize("rung", ["4", 4.5, None, True])
def test_a_rating_that_is_not_a_whole_number_is_refused(client, member, on_team, rung):
    project, _mine = on_team
    response = send(client, "post", project_url(project, "/ladder/ratings"), {"rung": rung}, bearer(member))
    assert set(errors(response)) == {"rung"}
    assert not LadderRating.objects.exists()


def test_a_whole_number_written_as_a_decimal_is_a_rung(client, member, on_team):
    project, _mine = on_team
    response = send(client, "post", project_url(project, "/ladder/ratings"), {"rung": 5.0}, bearer(member))
    assert response.status_code == 201
    assert LadderRating.objects.get().rung == 5


def test_two_ratings_a_side_show_nothing_three_show_the_aggregate(client, admin, organisation):
    project = ProjectFactory(organisation=organisation)
    le = team(project, "lived_experience", 3)
    staff = team(project, "staff", 3)
    for m in le[:2] + staff[:2]:
        rate(m, 4)
    ladder = client.get(project_url(project, "/ladder"), **bearer(admin)).json()
    assert ladder["shown"] is False and ladder["message"] == NOT_ENOUGH
    assert ladder["lived_experience"] is None and ladder["staff"] is None and ladder["power_gap"] is None

    rate(le[2], 5)
    rate(staff[2], 7)
    ladder = client.get(project_url(project, "/ladder"), **bearer(admin)).json()
    assert ladder["shown"] is True and ladder["message"] == ""
    assert ladder["lived_experience"] == {"median_rung": 4.0, "name": "consultation (4)", "people": 3}
    assert ladder["staff"] == {"median_rung": 4.0, "name": "consultation (4)", "people": 3}
    assert ladder["power_gap"] == 0.0


def test_a_lead_declares_a_rung_with_a_reason(client, lead, organisation):
    project = ProjectFactory(organisation=organisation)
    url = project_url(project, "/ladder/declarations")
    found = errors(send(client, "post", url, {"rung": 9, "reason": " "}, bearer(lead)))
    assert found == {
        "rung": RUNG_MESSAGE,
        "reason": "Say why the project works at this rung, in a sentence or two",
    }
    response = send(client, "post", url, {"rung": 7, "reason": "Members chair every meeting"}, bearer(lead))
    assert response.status_code == 201
    declared = response.json()["declared"]
    assert declared["rung"] == 7 and declared["name"] == "co-production (7)"
    assert declared["reason"] == "Members chair every meeting"
    assert declared["description"].startswith("Doing with: an equal partnership")
    project.refresh_from_db()
    assert project.declared_rung == 7


def _every_answer(client, project, decision, member, headers) -> dict[str, object]:
    return {url: client.get(url, **headers).json() for url in every_get(project, decision, member)}


@pytest.mark.parametrize("person", ["admin", "member"])
def test_no_route_reveals_anyones_rating(client, everyone, organisation, lead, person):
    """Every answer depends on ratings only through the aggregates: below the threshold any ratings give
    the same answers; above it, any ratings with the same medians do. Admins included, and the rater."""
    project = ProjectFactory(organisation=organisation, declared_rung=6, is_public=True)
    mine = TeamMemberFactory(
        project=project, person=PersonFactory(organisation=organisation, user=everyone["member"])
    )
    le = [mine] + team(project, "lived_experience", 2)
    staff = team(project, "staff", 3)
    decision = services.decision_record(
        project=project,
        actor=lead,
        summary="Y",
        method="vote",
        decided_on=timezone.localdate(),
        stage="co_design",
        present=le + staff,
        deciding=le,
    )
    headers = bearer(everyone[person])

    def with_ratings(le_rungs, staff_rungs):
        LadderRating.objects.all().delete()
        for m, r in list(zip(le, le_rungs, strict=False)) + list(zip(staff, staff_rungs, strict=False)):
            rate(m, r)
        return _every_answer(client, project, decision, mine, headers)

    assert with_ratings([1, 2], [7, 7]) == with_ratings([6, 7], [1, 3])
    assert with_ratings([2, 4, 7], [5, 6, 7]) == with_ratings([4, 4, 4], [6, 6, 6])


def test_no_response_schema_has_room_for_one_persons_rating():
    """The only rungs any project route answers with are the declared rung and medians."""
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    rung_fields = {
        (name, field)
        for name, component in components.items()
        for field in component.get("properties", {})
        if "rung" in field
    }
    assert {
        (n, f)
        for n, f in rung_fields
        if n in ("LadderOut", "SideOut", "DeclarationOut", "ProjectOut", "ProjectListOut")
    } == {
        ("SideOut", "median_rung"),
        ("DeclarationOut", "rung"),
        ("ProjectOut", "declared_rung"),
        ("ProjectListOut", "declared_rung"),
    }
    rating_routes = [p for p in schema["paths"] if "rating" in p]
    assert rating_routes == ["/api/v1/orgs/{slug}/projects/{project_id}/ladder/ratings"]
    assert list(schema["paths"][rating_routes[0]]) == ["post"]


# --- The scorecard --------------------------------------------------------------------------------


def test_the_scorecard_has_every_measure_with_its_explanations(client, lead, organisation):
    project = ProjectFactory(organisation=organisation, declared_rung=7)
    le = team(project, "lived_experience", 3)
    staff = team(project, "staff", 3)
    for m in le:
        rate(m, 4)
    for m in staff:
        rate(m, 7)
    stage_activity(project, "co_evaluation", [(staff[0].person, "staff")])
    card = client.get(project_url(project, "/scorecard"), **bearer(lead)).json()

    assert [m["key"] for m in card["measures"]] == [m.__name__ for m in integrity.MEASURES] + ["loop_closure"]
    power = next(m for m in card["measures"] if m["key"] == "power_gap")
    assert power["enough_data"] is True
    assert power["values"]["le_median"] == 4.0 and power["values"]["gap"] == 3.0
    assert power["why_it_matters"] and power["what_would_improve"]
    messages = [flag["message"] for flag in card["flags"]]
    assert "Declared co-production (7) but lived-experience members rate it consultation (4)" in messages
    assert "No lived-experience member attended any co-evaluation activity" in messages
    coverage = next(m for m in card["measures"] if m["key"] == "stage_coverage")
    assert [row["stage"] for row in coverage["rows"]] == [
        "co_design",
        "co_decision",
        "co_delivery",
        "co_evaluation",
    ]
    decisions = next(m for m in card["measures"] if m["key"] == "decision_share")
    assert decisions["enough_data"] is False and decisions["values"] == {}


def test_a_measure_added_to_the_scorecard_appears_in_the_api_unchanged(
    client, lead, organisation, monkeypatch
):
    from decimal import Decimal

    def reciprocity(facts):
        return integrity.MeasureResult(
            key="reciprocity",
            title="Reciprocity",
            enough_data=True,
            summary="3 of 4 hours offered payment",
            why_it_matters="No one ends up worse off",
            what_would_improve="Offer payment",
            values={"closed": 3, "median_days": Decimal("12.5"), "since": date(2026, 1, 1)},
            flags=[integrity.Flag("unpaid", "1 of 4 hours had no offer of payment")],
        )

    monkeypatch.setattr(integrity, "MEASURES", [*integrity.MEASURES, reciprocity])
    project = ProjectFactory(organisation=organisation)
    card = client.get(project_url(project, "/scorecard"), **bearer(lead)).json()
    added = card["measures"][-2]
    assert added["key"] == "reciprocity" and added["title"] == "Reciprocity"
    assert added["values"] == {"closed": 3, "median_days": 12.5, "since": "2026-01-01"}
    assert {"kind": "unpaid", "message": "1 of 4 hours had no offer of payment"} in card["flags"]


# --- Cheap lists ----------------------------------------------------------------------------------


def _busy(organisation, lead, n):
    project = ProjectFactory(organisation=organisation, title=f"Project {n:02}", declared_rung=7)
    le = team(project, "lived_experience", 3)
    staff = team(project, "staff", 3)
    for m in le + staff:
        rate(m, 5)
    stage_activity(project, "co_design", [(m.person, "lived_experience") for m in le])
    services.decision_record(
        project=project,
        actor=lead,
        summary="Z",
        method="vote",
        decided_on=timezone.localdate(),
        stage="co_design",
        present=le + staff,
        deciding=le,
    )
    return project


@pytest.mark.parametrize("query", [{}, {"flag": "any"}])
def test_the_project_list_takes_the_same_queries_for_1_or_20_projects(client, lead, organisation, query):
    headers = bearer(lead)
    _busy(organisation, lead, 0)
    client.get(PROJECTS, query, **headers)
    with CaptureQueriesContext(connection) as few:
        assert client.get(PROJECTS, query, **headers).status_code == 200
    for n in range(1, 20):
        _busy(organisation, lead, n)
    with CaptureQueriesContext(connection) as many:
        response = client.get(PROJECTS, query, **headers)
    assert len(few) == len(many)
    assert response.json()["count"] == 20


def test_the_decision_list_takes_the_same_queries_for_1_or_20_decisions(client, lead, organisation):
    project = ProjectFactory(organisation=organisation)
    members = team(project, "lived_experience", 3) + team(project, "staff", 2)
    headers = bearer(lead)

    def record():
        services.decision_record(
            project=project,
            actor=lead,
            summary="D",
            method="vote",
            decided_on=timezone.localdate() - timedelta(days=1),
            stage="co_design",
            present=members,
            deciding=members[:2],
        )

    record()
    url = project_url(project, "/decisions")
    client.get(url, **headers)
    with CaptureQueriesContext(connection) as few:
        client.get(url, **headers)
    for _ in range(19):
        record()
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, **headers)
    assert len(few) == len(many)
    assert response.json()["count"] == 20
    assert all(len(item["present"]) == 5 and len(item["deciding"]) == 2 for item in response.json()["items"])
