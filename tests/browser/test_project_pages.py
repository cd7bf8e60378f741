"""axe, the console and references between elements on every page of co-production projects, as the
role that opens it, with the demo's projects on them (teams, ladder ratings, decisions, flags), and on
the error states of the main forms. Then a team member rates a project with the keyboard alone."""

import pytest
from playwright.sync_api import expect

from coproduce.core.models import User
from coproduce.people.demo import seed_register
from coproduce.projects.demo import seed_projects
from coproduce.projects.models import Project
from tests.browser.support import focused, press_until

pytestmark = pytest.mark.browser

GENUINE = "Crisis line redesign"  # public, co-produced, the demo participant is on its team
TOKEN = "Discharge planning review"  # not public, declares co-production, flagged


@pytest.fixture
def projects(organisation, admin, lead, member, carer, exec_, built_in_kinds):
    """The demo's eight projects, built from a register with the participant and carer linked."""
    users = {email: User.objects.get(email=email) for email in (member.email, carer.email)}
    seed_register(organisation, 60, seed=2019, link_users=users)
    seed_projects(organisation)
    return {p.title: p for p in Project.objects.filter(organisation=organisation)}


def test_a_lead_s_project_pages_are_accessible(tab, projects, lead):
    tab.sign_in(lead.email)
    page = tab.page
    tab.visit("/o/demo/projects/")
    expect(page.get_by_role("row").filter(has_text=TOKEN)).to_contain_text("Declared co-production")
    tab.visit("/o/demo/projects/?status=active&stage=co_evaluation&flag=any")
    expect(page.get_by_role("link", name=TOKEN)).to_be_visible()
    tab.visit("/o/demo/projects/add/")

    genuine = projects[GENUINE].get_absolute_url()
    tab.visit(genuine)
    expect(page.get_by_role("heading", level=1)).to_have_text(GENUINE)
    for sub in [
        "edit/",
        "stages/",
        "activities/",
        "ladder/",
        "ladder/declare/",
        "decisions/add/",
        "updates/",
    ]:
        tab.visit(genuine + sub)
    tab.visit(genuine + "team/")
    page.get_by_role("link", name="Record leaving").first.click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", level=1)).to_contain_text("leaves the team")
    tab.check()
    tab.visit(genuine + "decisions/")
    page.get_by_role("row").nth(1).get_by_role("link").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", level=1)).to_have_text("Decision")
    expect(page.get_by_role("button", name="Take off the public page")).to_be_visible()
    tab.check()

    token = projects[TOKEN].get_absolute_url()
    tab.visit(token)
    tab.visit(token + "scorecard/")
    expect(page.locator(".nhsuk-warning-callout").first).to_contain_text("rate it consultation (4)")
    tab.visit(token + "ladder/")
    expect(page.get_by_role("table").first).to_contain_text("Consultation (4)")


def test_an_executive_s_overview_of_projects_is_accessible(tab, projects, exec_):
    tab.sign_in(exec_.email)
    page = tab.page
    tab.visit("/o/demo/projects/")
    expect(page.get_by_role("link", name="Add a project")).to_have_count(0)
    tab.visit("/o/demo/projects/integrity/")
    expect(page.get_by_role("img", name="Lived-experience members present")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=TOKEN).first).to_be_visible()
    token = projects[TOKEN].get_absolute_url()
    for sub in ["", "team/", "decisions/", "scorecard/"]:
        tab.visit(token + sub)


def test_a_team_member_s_project_pages_and_the_public_page_are_accessible(tab, projects, member):
    page = tab.page
    tab.visit(projects[GENUINE].get_public_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(GENUINE)
    expect(page.get_by_role("table")).to_contain_text("Co-production (7)")
    tab.visit(projects["Carers' assessment leaflet"].get_public_url())
    expect(page.get_by_text("Not enough ratings yet")).to_be_visible()

    tab.sign_in(member.email)
    tab.visit("/o/demo/projects/")
    expect(page.get_by_role("link", name=TOKEN)).to_have_count(0)
    genuine = projects[GENUINE].get_absolute_url()
    for sub in [
        "",
        "team/",
        "activities/",
        "ladder/",
        "decisions/",
        "scorecard/",
        "updates/",
        "ladder/rate/",
    ]:
        tab.visit(genuine + sub)
    tab.visit(projects["CAMHS waiting room"].get_absolute_url())
    expect(page.get_by_text("You can see this summary because the project is public")).to_be_visible()


def test_the_project_forms_with_errors_are_accessible(tab, projects, lead):
    tab.sign_in(lead.email)
    page = tab.page
    summary = page.locator(".nhsuk-error-summary")

    tab.visit("/o/demo/projects/add/")
    page.get_by_role("button", name="Save project").click()
    expect(summary.get_by_role("link", name="Enter a title, for example")).to_be_visible()
    expect(summary.get_by_role("link", name="Say what the project is trying to change")).to_be_visible()
    expect(summary).to_be_focused()
    tab.check()

    genuine = projects[GENUINE].get_absolute_url()
    tab.visit(genuine + "stages/")
    page.locator("#id_co_design_starts_on").fill("2026-03-01")
    page.locator("#id_co_design_ends_on").fill("2026-02-01")
    page.locator("#id_co_decision_starts_on").fill("2026-01-01")
    page.get_by_role("button", name="Save stages").click()
    expect(
        summary.get_by_role("link", name="Co-design must end on or after the day it starts")
    ).to_be_visible()
    expect(
        summary.get_by_role("link", name="Co-decision cannot start before co-design starts")
    ).to_be_visible()
    expect(page.locator("#id_co_decision_starts_on")).to_have_accessible_description(
        "Error: Co-decision cannot start before co-design starts (1 March 2026). Change one of the dates."
    )
    tab.check()

    tab.visit(genuine + "decisions/add/")
    page.get_by_label("What was decided").fill("Open the line at weekends")
    page.get_by_role("group", name="How it was decided").get_by_role("radio").first.check()
    page.get_by_label("Date decided").fill("2020-01-01")
    present = page.get_by_role("group", name="Who was present").get_by_role("checkbox")
    present.first.check()
    page.get_by_role("group", name="Who took part in deciding").get_by_role("checkbox").nth(1).check()
    page.get_by_role("button", name="Save decision").click()
    expect(summary.get_by_role("link", name="was not on the team on 1 January 2020")).to_be_visible()
    expect(summary.get_by_role("link", name="must also be ticked as present")).to_be_visible()
    expect(present.first).to_be_checked()
    tab.check()

    tab.visit(genuine + "team/")
    page.get_by_role("button", name="Add to the team").click()
    expect(summary.get_by_role("link", name="Choose a person from the register")).to_be_visible()
    tab.check()

    tab.visit(genuine + "ladder/declare/")
    expect(page.get_by_role("radio", name="7 – Co-production")).to_be_checked()  # as declared now
    page.get_by_role("button", name="Declare").click()
    expect(summary.get_by_role("link", name="Say why the project works at this rung")).to_be_visible()
    tab.check()


def test_a_team_member_s_rating_outside_the_ladder_is_refused_accessibly(tab, projects, member):
    tab.sign_in(member.email)
    page = tab.page
    summary = page.locator(".nhsuk-error-summary")
    tab.visit(projects[GENUINE].get_absolute_url() + "ladder/rate/")
    page.get_by_role("button", name="Save my rating").click()
    expect(summary.get_by_role("link", name="Choose one of the seven rungs")).to_be_visible()
    tab.check()
    # The form offers only rungs 1 to 7; a value changed in the page is refused the same way.
    page.locator("input[name=rung]").first.evaluate("radio => { radio.value = '9'; radio.checked = true; }")
    page.get_by_role("button", name="Save my rating").click()
    expect(summary.get_by_role("link", name="Choose one of the seven rungs")).to_be_visible()
    expect(page.locator("input[name=rung]:checked")).to_have_count(0)
    tab.check()


def test_a_team_member_rates_the_project_with_the_keyboard_alone(tab, projects, member):
    tab.sign_in(member.email)
    page = tab.page
    keyboard = page.keyboard
    tab.goto(projects[GENUINE].get_absolute_url() + "ladder/")
    expect(page.get_by_text("Your latest rating is co-production (7)")).to_be_visible()

    press_until(page, lambda element: element["text"] == "Rate it again")
    keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rate the project")

    # Tab reaches the group at its first rung; the arrow keys move down the ladder, choosing as they go.
    first = press_until(page, lambda element: element["name"] == "rung")
    assert first["value"] == "7"
    keyboard.press("Space")
    expect(page.get_by_role("radio", name="7 – Co-production")).to_be_checked()
    for _ in range(3):
        keyboard.press("ArrowDown")
    assert focused(page)["value"] == "4"
    expect(page.get_by_role("radio", name="4 – Consultation")).to_be_checked()
    press_until(page, lambda element: element["text"] == "Save my rating")
    keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Ladder of co-production")
    expect(page.get_by_text("Thank you. Your rating is saved and stays anonymous.")).to_be_visible()
    expect(page.get_by_text("Your latest rating is consultation (4)")).to_be_visible()
    tab.check()


def test_correcting_a_decision_and_unlinking_an_activity_are_accessible(tab, projects, lead):
    tab.sign_in(lead.email)
    page = tab.page
    summary = page.locator(".nhsuk-error-summary")
    genuine = projects[GENUINE].get_absolute_url()

    tab.visit(genuine + "decisions/")
    page.get_by_role("row").nth(1).get_by_role("link").click()
    page.wait_for_load_state("load")
    page.get_by_role("link", name="Change this decision").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the decision")
    expect(page.get_by_label("What was decided")).not_to_be_empty()
    tab.check()
    page.get_by_label("What was decided").fill("")
    page.get_by_label("Date decided").fill("2000-01-01")
    page.get_by_role("button", name="Save changes").click()
    expect(summary.get_by_role("link", name="Say what was decided")).to_be_visible()
    tab.check()

    tab.visit(genuine + "activities/")
    page.get_by_role("link", name="Unlink").first.click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", level=1)).to_contain_text("from this project?")
    tab.check()
    page.get_by_role("button", name="Unlink the activity").click()
    page.wait_for_load_state("load")
    expect(page.get_by_text("is no longer linked to the project")).to_be_visible()
    tab.check()


def test_a_lead_unlinks_an_activity_with_the_keyboard_alone(tab, projects, lead):
    tab.sign_in(lead.email)
    page = tab.page
    genuine = projects[GENUINE].get_absolute_url()
    tab.goto(genuine + "activities/")
    before = page.get_by_role("link", name="Unlink").count()

    press_until(page, lambda element: element["text"].startswith("Unlink"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("from this project?")
    press_until(page, lambda element: element["text"] == "Unlink the activity")
    page.keyboard.press("Enter")
    expect(page.get_by_text("is no longer linked to the project")).to_be_visible()
    expect(page.get_by_role("link", name="Unlink")).to_have_count(before - 1)
