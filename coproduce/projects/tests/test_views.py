"""The pages: who may see and do what, k-anonymity on every page, flags, query counts, the public page."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coproduce.people.tests.factories import ConsentEventFactory, PersonFactory
from coproduce.projects import services
from coproduce.projects.models import Decision, LadderRating, ProjectStage, TeamMember
from coproduce.projects.tests.factories import ProjectFactory, TeamMemberFactory, rate, stage_activity, team

pytestmark = pytest.mark.django_db

NOT_ENOUGH = "Not enough ratings yet to show without identifying anyone"


def url(project, page: str = "") -> str:
    return f"/o/demo/projects/{project.public_id}/{page}"


def pages(project, decision=None, member=None) -> list[str]:
    found = [
        url(project, p)
        for p in ("", "team/", "activities/", "ladder/", "decisions/", "scorecard/", "updates/")
    ]
    found += [
        url(project, p) for p in ("edit/", "stages/", "ladder/declare/", "ladder/rate/", "decisions/add/")
    ]
    if decision:
        found.append(url(project, f"decisions/{decision.public_id}/"))
    if member:
        found.append(url(project, f"team/{member.public_id}/leave/"))
    return found + ["/o/demo/projects/", "/o/demo/projects/integrity/"]


@pytest.fixture
def on_team(organisation, member):
    """A project with the demo participant on its team (through their register record)."""
    project = ProjectFactory(organisation=organisation, title="Crisis line redesign")
    mine = TeamMemberFactory(project=project, person=PersonFactory(organisation=organisation, user=member))
    return project, mine


# --- Who may see what -------------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["admin", "lead", "exec"])
def test_leads_admins_and_executives_see_every_project(client, everyone, organisation, person):
    project = ProjectFactory(organisation=organisation, title="Hidden Ward Project")
    client.force_login(everyone[person])
    assert "Hidden Ward Project" in client.get("/o/demo/projects/").text
    for page in ("", "team/", "ladder/", "decisions/", "scorecard/", "updates/", "activities/"):
        assert client.get(url(project, page)).status_code == 200, page


@pytest.mark.parametrize("person", ["member", "carer", "staff", "finance"])
def test_people_not_on_the_team_see_only_public_summaries(client, everyone, organisation, person):
    private = ProjectFactory(organisation=organisation, title="Private Ward Project")
    public = ProjectFactory(organisation=organisation, title="Public Garden Project", is_public=True)
    client.force_login(everyone[person])

    listing = client.get("/o/demo/projects/").text
    assert "Public Garden Project" in listing and "Private Ward Project" not in listing
    assert client.get(url(private)).status_code == 403
    summary = client.get(url(public))
    assert (
        summary.status_code == 200
        and "You can see this summary because the project is public" in summary.text
    )
    for page in ("team/", "ladder/", "decisions/", "scorecard/", "updates/", "activities/"):
        assert client.get(url(public, page)).status_code == 403, page
    assert client.get("/o/demo/projects/integrity/").status_code == 403
    assert client.get("/o/demo/projects/add/").status_code == 403


def test_a_team_member_sees_their_project_rates_and_posts_but_does_not_manage(client, member, on_team):
    project, mine = on_team
    client.force_login(member)
    assert "Crisis line redesign" in client.get("/o/demo/projects/").text
    for page in ("", "team/", "ladder/", "decisions/", "scorecard/", "updates/"):
        assert client.get(url(project, page)).status_code == 200, page
    for page in ("edit/", "stages/", "ladder/declare/", "decisions/add/", f"team/{mine.public_id}/leave/"):
        assert client.get(url(project, page)).status_code == 403, page
    assert client.post(url(project, "team/"), {"role": "staff"}).status_code == 403

    response = client.post(url(project, "ladder/rate/"), {"rung": "4"})
    assert response.status_code == 302
    assert LadderRating.objects.get().rung == 4
    assert "Your latest rating is consultation (4), given on" in client.get(url(project, "ladder/")).text

    client.post(url(project, "updates/"), {"body": "We met the ward manager."})
    assert "We met the ward manager." in client.get(url(project, "updates/")).text


def test_someone_who_left_the_team_can_no_longer_see_a_private_project(client, member, on_team):
    project, mine = on_team
    mine.left_on = timezone.localdate()
    mine.save()
    client.force_login(member)
    assert client.get(url(project)).status_code == 403


def test_an_outsider_gets_not_found_everywhere(client, organisation, outsider, lead):
    project = ProjectFactory(organisation=organisation, is_public=True)
    member = TeamMemberFactory(project=project)
    decision = services.decision_record(
        project=project,
        actor=lead,
        summary="X",
        method="vote",
        decided_on=timezone.localdate(),
        stage="co_design",
        present=[member],
        deciding=[],
    )
    client.force_login(outsider)
    for page in pages(project, decision, member):
        assert client.get(page).status_code == 404, page
        assert client.post(page).status_code == 404, page


def test_signed_out_people_are_sent_to_sign_in(client, organisation):
    project = ProjectFactory(organisation=organisation)
    assert client.get(url(project)).status_code == 302


# --- The ladder and k-anonymity ---------------------------------------------------------------------


def test_the_ladder_page_shows_aggregates_only_from_three_ratings_per_side(client, admin, organisation):
    project = ProjectFactory(organisation=organisation)
    le = team(project, "lived_experience", 3)
    staff = team(project, "staff", 3)
    for m in le[:2] + staff[:2]:
        rate(m, 4)
    client.force_login(admin)
    page = client.get(url(project, "ladder/")).text
    assert NOT_ENOUGH in page and "Middle rung" not in page

    rate(le[2], 4)
    rate(staff[2], 7)
    page = client.get(url(project, "ladder/")).text
    assert NOT_ENOUGH not in page
    assert "Consultation (4)" in page and "Power gap: 0" in page


def _normalised(html: str) -> str:
    # Tokens differ per request; nothing else may.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def _every_page(client, project, decision, member) -> dict[str, str]:
    return {page: _normalised(client.get(page).text) for page in pages(project, decision, member)}


def test_no_page_reveals_anyones_rating_to_an_admin(client, admin, lead, organisation):
    """Pages must depend on ratings only through the aggregates: with two ratings a side (below the
    threshold), any ratings give the same pages; above it, any ratings with the same medians do."""
    project = ProjectFactory(organisation=organisation, declared_rung=6, is_public=True)
    le = team(project, "lived_experience", 3)
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
    client.force_login(admin)

    def with_ratings(le_rungs, staff_rungs):
        LadderRating.objects.all().delete()
        for m, r in list(zip(le, le_rungs, strict=False)) + list(zip(staff, staff_rungs, strict=False)):
            rate(m, r)
        seen = _every_page(client, project, decision, le[0])
        seen["public"] = _normalised(client.get(project.get_public_url()).text)
        return seen

    below_a = with_ratings([1, 2], [7, 7])
    below_b = with_ratings([6, 7], [1, 3])
    assert below_a == below_b
    assert NOT_ENOUGH in below_a[url(project, "ladder/")]

    above_a = with_ratings([2, 4, 7], [5, 6, 7])
    above_b = with_ratings([4, 4, 4], [6, 6, 6])
    assert above_a == above_b
    assert NOT_ENOUGH not in above_a[url(project, "ladder/")]


def test_a_rating_outside_the_seven_rungs_gets_a_specific_message(client, member, on_team):
    project, _mine = on_team
    client.force_login(member)
    for bad in ("8", "0", "seven", ""):
        response = client.post(url(project, "ladder/rate/"), {"rung": bad})
        assert response.status_code == 200
        assert "Choose one of the seven rungs, from 1 (coercion) to 7 (co-production)" in response.text
    assert not LadderRating.objects.exists()


def test_someone_not_on_the_team_who_opens_the_rating_page_is_told_why(client, admin, organisation):
    project = ProjectFactory(organisation=organisation)
    client.force_login(admin)
    response = client.get(url(project, "ladder/rate/"), follow=True)
    assert "Only members of the project team rate the project." in response.text
    assert client.post(url(project, "ladder/rate/"), {"rung": "7"}).status_code == 302
    assert not LadderRating.objects.exists()


def test_a_lead_declares_a_rung(client, lead, organisation):
    project = ProjectFactory(organisation=organisation)
    client.force_login(lead)
    response = client.post(url(project, "ladder/declare/"), {"rung": "9", "reason": ""})
    assert "Choose one of the seven rungs" in response.text
    assert "Say why the project works at this rung" in response.text
    client.post(url(project, "ladder/declare/"), {"rung": "7", "reason": "Members chair every meeting"})
    assert (
        "The lead declares the project works at co-production (7)."
        in client.get(url(project, "ladder/")).text
    )


# --- Decisions, stages, team, activities ------------------------------------------------------------


def test_a_decision_form_refuses_someone_not_on_the_team_that_day(client, lead, organisation):
    project = ProjectFactory(organisation=organisation)
    late = TeamMemberFactory(project=project, joined_on=date(2026, 1, 10), person__full_name="Lou Late")
    client.force_login(lead)
    data = {
        "summary": "Open at weekends",
        "method": "vote",
        "decided_on": "2026-01-05",
        "stage": "co_decision",
        "present": [late.pk],
        "deciding": [late.pk],
    }
    response = client.post(url(project, "decisions/add/"), data)
    assert "Lou Late was not on the team on 5 January 2026" in response.text
    assert not Decision.objects.exists()
    data["decided_on"] = "2026-01-12"
    response = client.post(url(project, "decisions/add/"), data)
    decision = Decision.objects.get()
    assert response["Location"] == decision.get_absolute_url()
    assert (
        "Lived-experience members deciding: 1 of 1 person deciding" in client.get(response["Location"]).text
    )


def test_stage_dates_out_of_order_are_refused_on_the_form(client, lead, organisation):
    project = ProjectFactory(organisation=organisation)
    client.force_login(lead)
    response = client.post(
        url(project, "stages/"), {"co_design_starts_on": "2026-03-03", "co_decision_starts_on": "2026-02-01"}
    )
    assert (
        "Co-decision cannot start before co-design starts (3 March 2026). Change one of the dates."
        in response.text
    )
    assert 'href="#id_co_decision_starts_on"' in response.text
    assert not ProjectStage.objects.filter(starts_on__isnull=False).exists()


def test_a_lead_adds_someone_to_the_team_and_records_them_leaving(client, lead, organisation):
    project = ProjectFactory(organisation=organisation)
    person = PersonFactory(organisation=organisation, full_name="Nia Newcomer")
    client.force_login(lead)
    response = client.post(
        url(project, "team/"), {"person": str(person.public_id), "role": "carer", "joined_on": "2026-01-01"}
    )
    assert response.status_code == 302
    member = TeamMember.objects.get()
    response = client.post(url(project, f"team/{member.public_id}/leave/"), {"left_on": "2025-12-01"})
    assert "The leaving date must be on or after they joined (1 January 2026)" in response.text
    client.post(url(project, f"team/{member.public_id}/leave/"), {"left_on": "2026-02-01"})
    member.refresh_from_db()
    assert member.left_on == date(2026, 2, 1)
    assert "Nia Newcomer" in client.get(url(project, "team/")).text


def test_a_lead_creates_a_project_with_an_executive_sponsor(client, lead, exec_, organisation):
    client.force_login(lead)
    response = client.post("/o/demo/projects/add/", {"title": "", "aim": "", "status": "planned"})
    assert "Enter a title, for example" in response.text
    assert "Say what the project is trying to change" in response.text
    from coproduce.core.models import Membership

    response = client.post(
        "/o/demo/projects/add/",
        {
            "title": "Crisis line",
            "aim": "Answer faster",
            "status": "planned",
            "current_stage": "co_design",
            "sponsor": Membership.objects.get(user=exec_).pk,
        },
    )
    assert response.status_code == 302
    assert "Morgan Exec" in client.get(response["Location"]).text


def test_a_lead_links_an_activity_to_a_stage(client, lead, organisation):
    from coproduce.involvement.tests.factories import ActivityFactory

    project = ProjectFactory(organisation=organisation)
    activity = ActivityFactory(organisation=organisation, title="Design workshop one")
    client.force_login(lead)
    response = client.post(url(project, "activities/"), {"activity": activity.pk, "stage": "co_design"})
    assert response.status_code == 302
    assert "Design workshop one" in client.get(url(project, "activities/")).text


# --- Flags appear and clear -------------------------------------------------------------------------


def test_flags_appear_and_clear_as_the_records_change(client, lead, organisation):
    project = ProjectFactory(organisation=organisation, declared_rung=7)
    le = team(project, "lived_experience", 3)
    staff = team(project, "staff", 3)
    client.force_login(lead)

    def flags():
        return client.get(url(project, "scorecard/")).text

    activity = stage_activity(project, "co_evaluation", [(staff[0].person, "staff")])
    assert "No lived-experience member attended any co-evaluation activity" in flags()
    from coproduce.involvement.models import Attendance

    Attendance.objects.create(
        activity=activity, person=le[0].person, taking_part_as="lived_experience", hours=2
    )
    assert "No lived-experience member attended any co-evaluation activity" not in flags()

    for m in le:
        rate(m, 4)
    for m in staff:
        rate(m, 7)
    assert "Declared co-production (7) but lived-experience members rate it consultation (4)" in flags()
    for m in le:
        rate(m, 7)
    assert "Declared co-production (7) but lived-experience members rate it" not in flags()

    for n in range(5):
        services.decision_record(
            project=project,
            actor=lead,
            summary=f"D{n}",
            method="lead",
            decided_on=timezone.localdate(),
            stage="co_decision",
            present=staff[:1] + (le[:1] if n >= 2 else []),
            deciding=staff[:1] + (le[:1] if n >= 2 else []),
        )
    assert "2 of 5 decisions were made with no lived-experience member present" in flags()
    listing = client.get("/o/demo/projects/", {"flag": "decisions_without"}).text
    assert "1 project" in listing
    assert "0 projects" in client.get("/o/demo/projects/", {"flag": "concentrated_hours"}).text


# --- Query counts -----------------------------------------------------------------------------------


def _busy_project(organisation, lead, n):
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


@pytest.mark.parametrize(
    "path", ["/o/demo/projects/", "/o/demo/projects/?flag=any", "/o/demo/projects/integrity/"]
)
def test_the_list_and_overview_take_the_same_queries_for_1_or_30_projects(client, lead, organisation, path):
    client.force_login(lead)
    _busy_project(organisation, lead, 0)
    client.get(path)
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    for n in range(1, 30):
        _busy_project(organisation, lead, n)
    with CaptureQueriesContext(connection) as many:
        response = client.get(path)
    assert len(few) == len(many)
    assert "Project 24" in response.text


def test_the_overview_has_a_chart_with_a_table_beside_it(client, exec_, lead, organisation):
    _busy_project(organisation, lead, 1)
    client.force_login(exec_)
    page = client.get("/o/demo/projects/integrity/").text
    assert '<svg class="app-chart__svg"' in page
    assert "The figures in the chart" in page
    assert "1 / 1 (100%)" in page


# --- The public page --------------------------------------------------------------------------------


def test_the_public_page_needs_no_sign_in_and_names_only_people_who_consented(client, organisation, lead):
    project = ProjectFactory(organisation=organisation, title="Open Garden", is_public=True)
    named = TeamMemberFactory(project=project, person__full_name="Nina Named")
    unnamed = TeamMemberFactory(project=project, person__full_name="Una Unnamed", role="carer")
    ConsentEventFactory(person=named.person, purpose="story", given=True)
    ConsentEventFactory(person=unnamed.person, purpose="story", given=False)
    services.decision_record(
        project=project,
        actor=lead,
        summary="Plant fruit trees",
        method="vote",
        decided_on=timezone.localdate(),
        stage="co_design",
        present=[named],
        deciding=[named],
        is_published=True,
    )
    services.decision_record(
        project=project,
        actor=lead,
        summary="A secret budget line",
        method="lead",
        decided_on=timezone.localdate(),
        stage="co_design",
        present=[named],
        deciding=[],
    )
    response = client.get(f"/public/demo/projects/{project.public_id}/")
    assert response.status_code == 200
    text = response.text
    assert "Nina Named" in text and "Una Unnamed" not in text
    assert "1 people with lived experience, 1 carers" in text
    assert "Plant fruit trees" in text and "A secret budget line" not in text
    assert NOT_ENOUGH in text


def test_a_project_without_a_public_page_is_not_found(client, organisation, other_organisation):
    project = ProjectFactory(organisation=organisation, is_public=False)
    assert client.get(f"/public/demo/projects/{project.public_id}/").status_code == 404
    public = ProjectFactory(organisation=organisation, is_public=True)
    assert client.get(f"/public/other/projects/{public.public_id}/").status_code == 404
    assert client.get(f"/public/nowhere/projects/{public.public_id}/").status_code == 404


def test_the_list_paginates_with_a_count_and_an_empty_state(client, lead, member, organisation):
    client.force_login(member)
    assert "You are not on a project team yet" in client.get("/o/demo/projects/").text
    for n in range(27):
        ProjectFactory(organisation=organisation, title=f"P{n:02}", status="active" if n % 2 else "paused")
    client.force_login(lead)
    page = client.get("/o/demo/projects/").text
    assert "27 projects" in page and "Page 1 of 2" in page
    assert "14 projects" in client.get("/o/demo/projects/", {"status": "paused"}).text
    assert "Choose a status from the list" in client.get("/o/demo/projects/", {"status": "bogus"}).text


def test_the_navigation_offers_projects_to_everyone(client, member, organisation):
    client.force_login(member)
    assert 'href="/o/demo/projects/"' in client.get("/o/demo/").text


__all__ = ["timedelta"]


# --- The overview as CSV and XLSX -------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    import csv
    import io

    assert response.status_code == 200, response.status_code
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_executives_download_the_overview_with_figures_computed_from_the_records(
    client, exec_, lead, organisation
):
    project = _busy_project(organisation, lead, 1)
    client.force_login(exec_)

    response = client.get("/o/demo/projects/integrity/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert 'attachment; filename="co-production-integrity-demo-' in response["Content-Disposition"]
    header, row = _csv(response)
    found = dict(zip(header, row, strict=True))
    assert found["Project"] == "Project 01" and found["Declared rung"] == "co-production (7)"
    assert found["Decisions"] == "1"
    assert found["Decisions with lived-experience members deciding (%)"] == "100"
    assert found["Median rung, lived-experience and carer members"] == "5.0"
    assert found["Power gap"] == "0.0"
    assert found["Voice equity (Gini coefficient)"] == "0.0"
    assert found["Decision share"].startswith(
        "1 of 1 decisions were taken with lived-experience members deciding"
    )
    assert found["Number of flags"] == "1"
    assert "rate it engagement (5)" in found["Flags"]

    staff = list(TeamMember.objects.filter(project=project, role="staff"))
    services.decision_record(
        project=project,
        actor=lead,
        summary="Without them",
        method="lead",
        decided_on=timezone.localdate(),
        stage="co_decision",
        present=staff,
        deciding=staff,
    )
    header, row = _csv(client.get("/o/demo/projects/integrity/export.csv"))
    found = dict(zip(header, row, strict=True))
    assert found["Decisions"] == "2" and found["Decisions with lived-experience members deciding (%)"] == "50"
    assert "1 of 2 decisions was made with no lived-experience member present" in found["Flags"]

    from io import BytesIO

    from openpyxl import load_workbook

    response = client.get("/o/demo/projects/integrity/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    cells = [[cell.value for cell in line] for line in sheet.iter_rows()]
    assert [str(value) for value in cells[0]] == header
    xlsx = dict(zip(cells[0], cells[1], strict=True))
    assert xlsx["Project"] == "Project 01" and xlsx["Decisions"] == 2 and xlsx["Power gap"] == 0


def test_a_measure_without_enough_data_leaves_its_figures_empty(client, exec_, organisation):
    ProjectFactory(organisation=organisation, title='=HYPERLINK("http://bad")')
    client.force_login(exec_)
    header, row = _csv(client.get("/o/demo/projects/integrity/export.csv"))
    found = dict(zip(header, row, strict=True))
    assert found["Project"] == '\'=HYPERLINK("http://bad")'
    assert found["Power gap"] == "" and found["Decisions"] == "" and found["Median rung, staff"] == ""
    assert found["Power gap and the ladder"] == NOT_ENOUGH


@pytest.mark.parametrize("person", ["member", "carer", "staff", "finance"])
def test_only_admins_leads_and_executives_download_the_overview(client, everyone, organisation, person):
    ProjectFactory(organisation=organisation, title="Hidden", is_public=True)
    client.force_login(everyone[person])
    for path in ("export.csv", "export.xlsx"):
        response = client.get(f"/o/demo/projects/integrity/{path}")
        assert response.status_code == 403 and b"Hidden" not in response.content


def test_an_outsider_cannot_download_the_overview(client, organisation, outsider):
    client.force_login(outsider)
    assert client.get("/o/demo/projects/integrity/export.csv").status_code == 404
    assert client.get("/o/demo/projects/integrity/export.xlsx").status_code == 404


@pytest.mark.parametrize("path", ["export.csv", "export.xlsx"])
def test_the_downloads_take_the_same_queries_for_1_or_10_projects(client, lead, organisation, path):
    client.force_login(lead)
    _busy_project(organisation, lead, 0)
    url = f"/o/demo/projects/integrity/{path}"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(1, 10):
        _busy_project(organisation, lead, n)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few) == len(many)


def test_the_overview_links_to_the_downloads(client, exec_, lead, organisation):
    _busy_project(organisation, lead, 1)
    client.force_login(exec_)
    page = client.get("/o/demo/projects/integrity/").text
    assert 'href="/o/demo/projects/integrity/export.csv"' in page
    assert 'href="/o/demo/projects/integrity/export.xlsx"' in page


# --- Correcting a decision --------------------------------------------------------------------------


@pytest.fixture
def recorded(organisation, lead):
    project = ProjectFactory(organisation=organisation)
    late = TeamMemberFactory(project=project, joined_on=date(2026, 1, 10), person__full_name="Lou Late")
    staff = TeamMemberFactory(project=project, role="staff", joined_on=date(2026, 1, 1))
    decision = services.decision_record(
        project=project,
        actor=lead,
        summary="Open at weekends",
        method="vote",
        decided_on=date(2026, 1, 12),
        stage="co_decision",
        present=[staff],
        deciding=[staff],
    )
    return project, decision, late, staff


def test_a_lead_corrects_a_decision_and_it_is_audited(client, lead, recorded):
    from coproduce.core.models import AuditEvent

    project, decision, late, staff = recorded
    client.force_login(lead)
    edit = url(project, f"decisions/{decision.public_id}/edit/")
    page = client.get(edit).text
    assert "Change the decision" in page and "Open at weekends" in page
    checked = re.findall(r'name="(present|deciding)" type="checkbox" value="(\d+)" checked', page)
    assert sorted(checked) == [("deciding", str(staff.pk)), ("present", str(staff.pk))]

    data = {
        "summary": "Open on Saturdays",
        "method": "consensus",
        "decided_on": "2026-01-12",
        "stage": "co_decision",
        "present": [late.pk, staff.pk],
        "deciding": [late.pk, staff.pk],
    }
    response = client.post(edit, data)
    assert response.status_code == 302 and response["Location"] == decision.get_absolute_url()
    decision.refresh_from_db()
    assert decision.summary == "Open on Saturdays" and decision.method == "consensus"
    assert set(decision.deciding.all()) == {late, staff}
    detail = client.get(response["Location"]).text
    assert "Lived-experience members deciding: 1 of 2 people deciding" in detail
    event = AuditEvent.objects.get(action="project.decision_updated")
    assert event.details == {"fields": ["deciding", "method", "present", "summary"]}
    client.post(edit, data)  # the same again changes nothing, so no second audit row
    assert AuditEvent.objects.filter(action="project.decision_updated").count() == 1


def test_a_correction_gets_the_same_checks_and_loses_nothing(client, lead, recorded):
    project, decision, late, staff = recorded
    client.force_login(lead)
    response = client.post(
        url(project, f"decisions/{decision.public_id}/edit/"),
        {
            "summary": "Open on Saturdays",
            "method": "vote",
            "decided_on": "2026-01-05",
            "stage": "co_decision",
            "present": [late.pk],
            "deciding": [staff.pk],
        },
    )
    assert response.status_code == 200
    assert "Lou Late was not on the team on 5 January 2026" in response.text
    assert "Everyone who took part in deciding must also be ticked as present" in response.text
    assert "Open on Saturdays" in response.text  # what was typed is still there
    decision.refresh_from_db()
    assert decision.summary == "Open at weekends" and decision.decided_on == date(2026, 1, 12)
    assert list(decision.present.all()) == [staff]


@pytest.mark.parametrize("person", ["exec", "member", "staff"])
def test_only_admins_and_leads_correct_decisions(client, everyone, recorded, person):
    project, decision, _late, _staff = recorded
    client.force_login(everyone[person])
    edit = url(project, f"decisions/{decision.public_id}/edit/")
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"summary": "Changed", "method": "vote"}).status_code == 403
    decision.refresh_from_db()
    assert decision.summary == "Open at weekends"


def test_the_decision_page_offers_a_correction_only_to_managers(client, lead, exec_, recorded):
    project, decision, _late, _staff = recorded
    client.force_login(lead)
    assert "Change this decision" in client.get(decision.get_absolute_url()).text
    client.force_login(exec_)
    assert "Change this decision" not in client.get(decision.get_absolute_url()).text


# --- Unlinking an activity --------------------------------------------------------------------------


def test_a_lead_unlinks_an_activity_and_the_activity_and_attendance_stay(client, lead, organisation):
    from coproduce.core.models import AuditEvent
    from coproduce.involvement.models import Activity, Attendance
    from coproduce.projects.models import ProjectActivity

    project = ProjectFactory(organisation=organisation)
    le = team(project, "lived_experience", 1)
    activity = stage_activity(project, "co_evaluation", [(le[0].person, "lived_experience")])
    client.force_login(lead)
    listing = client.get(url(project, "activities/")).text
    unlink = url(project, f"activities/{activity.public_id}/unlink/")
    assert f'href="{unlink}"' in listing

    page = client.get(unlink).text
    assert f"Unlink {activity.title} from this project?" in page
    response = client.post(unlink)
    assert response["Location"] == url(project, "activities/")
    assert not ProjectActivity.objects.exists()
    assert Activity.objects.filter(pk=activity.pk).exists() and Attendance.objects.count() == 1
    assert AuditEvent.objects.filter(action="project.activity_unlinked").count() == 1
    assert "No activities are linked to this project yet" in client.get(url(project, "activities/")).text
    assert client.post(unlink).status_code == 404


@pytest.mark.parametrize("person", ["exec", "member", "staff"])
def test_only_admins_and_leads_unlink_activities(client, everyone, organisation, person):
    from coproduce.projects.models import ProjectActivity

    project = ProjectFactory(organisation=organisation, is_public=True)
    activity = stage_activity(project, "co_design")
    client.force_login(everyone[person])
    unlink = url(project, f"activities/{activity.public_id}/unlink/")
    assert client.get(unlink).status_code == 403
    assert client.post(unlink).status_code == 403
    assert ProjectActivity.objects.count() == 1
    if person == "exec":
        assert "Unlink" not in client.get(url(project, "activities/")).text


def test_an_activity_of_another_project_cannot_be_unlinked_through_this_one(client, lead, organisation):
    from coproduce.projects.models import ProjectActivity

    project = ProjectFactory(organisation=organisation)
    elsewhere = stage_activity(ProjectFactory(organisation=organisation), "co_design")
    client.force_login(lead)
    assert client.post(url(project, f"activities/{elsewhere.public_id}/unlink/")).status_code == 404
    assert ProjectActivity.objects.count() == 1


def test_the_ladder_trend_shows_each_quarter_only_above_the_threshold(client, admin, organisation):
    from datetime import datetime

    from coproduce.projects.selectors import ladder_trend

    project = ProjectFactory(organisation=organisation)
    le = team(project, "lived_experience", 3)
    staff = team(project, "staff", 3)
    TeamMember.objects.filter(project=project).update(joined_on=date(2026, 1, 1))

    def on(day, member, rung):
        rating = rate(member, rung)
        when = timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=12))
        LadderRating.objects.filter(pk=rating.pk).update(rated_at=when)

    for m in le[:2]:
        on(date(2026, 2, 1), m, 2)
    for m in staff:
        on(date(2026, 2, 1), m, 6)
    on(date(2026, 5, 1), le[2], 2)  # the third lived-experience rating arrives in Q2
    for m in le:
        on(date(2026, 8, 1), m, 5)  # in Q3 they all see it differently
    trend = ladder_trend(project=project, today=date(2026, 9, 30))

    assert [q.label for q in trend] == ["2026 Q1", "2026 Q2", "2026 Q3"]
    assert not trend[0].result.shown and trend[0].result.le_median is None  # two on one side: nothing
    assert (trend[1].result.le_median, trend[1].result.staff_median, trend[1].result.gap) == (2, 6, 4)
    assert (trend[2].result.le_median, trend[2].result.gap) == (5, 1)

    TeamMember.objects.filter(pk=staff[0].pk).update(left_on=date(2026, 7, 1))
    trend = ladder_trend(project=project, today=date(2026, 9, 30))
    assert trend[1].result.shown and not trend[2].result.shown  # a leaver no longer counts after leaving

    client.force_login(admin)
    page = client.get(url(project, "ladder/")).text
    assert "view has changed" in page and "Not enough ratings to show" in page
