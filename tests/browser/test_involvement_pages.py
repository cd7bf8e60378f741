"""axe and the console on every involvement page the header does not reach, with records on them,
and on the error state of the main forms. The header's own pages are in test_accessibility.py."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coproduce.involvement import services
from coproduce.involvement.selectors import last_complete_quarter
from coproduce.involvement.tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    builtin_role,
    builtin_type,
)
from coproduce.people import services as people_services

pytestmark = pytest.mark.browser


def add_person(organisation, actor, name, email="", **fields):
    contact = {"contact_by_email": True, "preferred_contact": "email"} if email else {}
    return people_services.person_create(
        organisation=organisation, actor=actor, full_name=name, email=email, **(contact | fields)
    )


def open_opportunity(organisation, actor, title, **fields):
    defaults = {
        "description": "Help us choose the next ward manager.\nTwo half-day panels.",
        "easy_read": "We need people to help choose a new manager.",
        "activity_type": builtin_type("recruitment_selection"),
        "places": 2,
        "commitment": "Tuesday 3 March, 10am to 1pm",
        "location": "both",
        "location_detail": "Park House, Room 2",
        "accessibility": "Step-free access and a hearing loop.",
        "reward": "paid",
        "reward_detail": "£25 an hour",
        "closes_on": timezone.localdate() + timedelta(days=30),
        "status": "open",
        "is_public": True,
        "required_checks": [],
    }
    return services.opportunity_create(
        organisation=organisation, actor=actor, title=title, **(defaults | fields)
    )


@pytest.fixture
def involvement(organisation, lead, member, built_in_kinds):
    """Activities last quarter and this week with who took part, a volunteer with hours and a missing
    check, opportunities open, draft and with people waiting, and a letter to post."""
    priya = add_person(organisation, lead, "Priya Shah", "priya@example.test")
    tom = add_person(organisation, lead, "Tom Evans", "tom@example.test", identity="carer")
    mary = add_person(
        organisation,
        lead,
        "Mary Jones",
        address="1 High Street\nCardiff",
        contact_by_post=True,
        preferred_contact="post",
        is_managed=True,
    )
    pat = people_services.person_for_user(organisation=organisation, user=member)

    start, _end = last_complete_quarter(timezone.localdate())
    last_quarter = timezone.make_aware(datetime.combine(start + timedelta(days=20), datetime.min.time()))
    workshop = ActivityFactory(
        organisation=organisation,
        activity_type=builtin_type("codesign_workshop"),
        title="Discharge leaflet workshop",
        starts_at=last_quarter + timedelta(hours=10),
        ends_at=last_quarter + timedelta(hours=13),
    )
    forum = ActivityFactory(organisation=organisation, title="Service user forum, this week")
    for activity in (workshop, forum):
        AttendanceFactory(activity=activity, person=priya)
        AttendanceFactory(activity=activity, person=tom, taking_part_as="carer", hours=Decimal("1.5"))
        AttendanceFactory(activity=activity, person=pat, status="apologies", hours=Decimal("0"))

    placement = services.placement_create(
        organisation=organisation,
        actor=lead,
        person=priya,
        role=builtin_role("peer_mentor"),
        team="Ward 3, Park House",
        starts_on=start,
        supervisor="Jo Staff",
    )
    services.volunteer_hours_log(placement=placement, actor=lead, worked_on=start, hours=Decimal("3"))

    panel = open_opportunity(
        organisation, lead, "Interview panel for a ward manager", required_checks=["dbs"]
    )
    for person in (priya, mary):
        services.interest_submit(opportunity=panel, person=person, actor=lead, why="I know the ward.")
    draft = open_opportunity(organisation, lead, "Easy read leaflet review", status="draft", is_public=False)
    services.tell_person(person=mary, message=lambda: ("A new opportunity", "An interview panel in March."))
    return {"workshop": workshop, "forum": forum, "placement": placement, "panel": panel, "draft": draft}


def test_activity_and_report_pages_are_accessible(tab, involvement, lead):
    tab.sign_in(lead.email)
    tab.visit("/o/demo/activities/")
    expect(tab.page.get_by_role("link", name="Discharge leaflet workshop")).to_be_visible()
    tab.visit("/o/demo/activities/?q=forum&activity_type=&start=2020-01-01")

    forum = involvement["forum"].get_absolute_url()
    tab.visit(forum)
    expect(tab.page.get_by_role("row").filter(has_text="Tom Evans")).to_contain_text("1.5")
    tab.visit(forum + "edit/")
    tab.visit(forum + "register/")
    expect(tab.page.locator("#id_rows-0-person")).to_have_value("Pat Member (member@demo.test)")
    tab.visit("/o/demo/activities/add/")
    tab.visit("/o/demo/activities/types/")

    tab.visit("/o/demo/reports/involvement/")
    expect(tab.page.get_by_role("img", name="Unique people involved by activity type")).to_be_visible()
    expect(tab.page.get_by_role("row").filter(has_text="Co-design workshop")).to_be_visible()
    tab.visit("/o/demo/me/involvement/")


def test_volunteer_pages_are_accessible(tab, involvement, lead):
    tab.sign_in(lead.email)
    tab.visit("/o/demo/volunteers/")
    tab.visit("/o/demo/volunteers/?current=1")
    placement = involvement["placement"].get_absolute_url()
    tab.visit(placement)
    expect(tab.page.get_by_text("Peer mentor").first).to_be_visible()
    tab.visit(placement + "edit/")
    tab.visit("/o/demo/volunteers/add/")
    tab.page.get_by_role("button", name="Save placement").click()
    expect(tab.page.locator(".nhsuk-error-summary")).to_contain_text("Choose a person from the register")
    tab.check()


def test_opportunity_pages_are_accessible(tab, involvement, lead):
    tab.sign_in(lead.email)
    tab.visit("/o/demo/opportunities/")
    panel = involvement["panel"].get_absolute_url()
    tab.visit(panel)
    expect(tab.page.get_by_text("2 people are waiting for a decision")).to_be_visible()
    for page in ["edit/", "interest/", "selection/"]:
        tab.visit(panel + page)
    expect(tab.page.get_by_role("row").filter(has_text="Mary Jones")).to_contain_text("Cannot be selected")
    tab.visit(involvement["draft"].get_absolute_url())
    tab.visit("/o/demo/opportunities/add/")
    tab.visit("/o/demo/opportunities/letters/")
    expect(tab.page.get_by_text("Mary Jones").first).to_be_visible()


def test_opportunities_are_accessible_to_a_participant_and_to_anyone(tab, involvement, member):
    tab.visit("/public/demo/opportunities/")
    expect(tab.page.get_by_role("heading", level=1)).to_contain_text("Get involved with")
    expect(tab.page.get_by_role("heading", name="Interview panel for a ward manager")).to_be_visible()
    expect(tab.page.get_by_text("Easy read leaflet review")).to_have_count(0)

    tab.sign_in(member.email)
    tab.visit("/o/demo/opportunities/")
    tab.visit(involvement["panel"].get_absolute_url())
    expect(tab.page.get_by_role("button", name="I'm interested")).to_be_visible()
    tab.visit("/o/demo/me/involvement/")
    expect(tab.page.get_by_text("Discharge leaflet workshop")).to_be_visible()


def test_the_activity_and_register_forms_with_errors_are_accessible(tab, involvement, lead):
    tab.sign_in(lead.email)
    page = tab.page
    summary = page.locator(".nhsuk-error-summary")

    tab.visit("/o/demo/activities/add/")
    page.locator("#id_activity_type").select_option(label="Meeting")
    page.locator("#id_title").fill("Carers' forum, March")
    page.locator("#id_starts_at").fill("2026-03-31T14:00")
    page.locator("#id_ends_at").fill("2026-03-31T12:00")
    page.get_by_role("button", name="Save activity").click()
    expect(summary.get_by_role("link", name="The end must be the same as or after the start")).to_be_visible()
    expect(summary).to_be_focused()
    tab.check()

    tab.visit(involvement["workshop"].get_absolute_url() + "register/")
    page.locator("#id_rows-3-person").fill("Priya Shah (priya@example.test)")
    page.get_by_role("button", name="Save register").click()
    expect(summary).to_contain_text("Priya Shah is already in this register. Record each person once.")
    expect(summary).to_be_focused()
    tab.check()
    page.locator("#id_rows-3-person").fill("Nobody we know")
    page.locator("#id_rows-3-hours").fill("25")
    page.get_by_role("button", name="Save register").click()
    expect(summary.get_by_role("link", name="Row 4: Choose a person from the list")).to_be_visible()
    expect(summary.get_by_role("link", name="Row 4: Hours must be 24 or fewer")).to_be_visible()
    # Each box in the grid says what is wrong with it, for whoever follows the link to it.
    expect(page.get_by_label("Person, row 4")).to_have_accessible_description(
        "Error: Choose a person from the list: start typing their name"
    )
    expect(page.locator("#id_rows-3-hours-error")).to_have_text("Error: Hours must be 24 or fewer")
    tab.check()


def test_the_opportunity_and_report_forms_with_errors_are_accessible(tab, involvement, lead):
    tab.sign_in(lead.email)
    page = tab.page
    summary = page.locator(".nhsuk-error-summary")

    tab.visit("/o/demo/opportunities/add/")
    page.get_by_role("button", name="Save opportunity").click()
    for message in ["Enter a title", "Say what it involves", "Enter the closing date"]:
        expect(summary.get_by_role("link", name=message)).to_be_visible()
    tab.check()

    panel = involvement["panel"]
    panel.required_checks = []
    panel.places = 1
    panel.save()
    tab.visit(panel.get_absolute_url() + "selection/")
    expect(page.locator("input[name=chosen]:checked")).to_have_count(1)
    suggested = page.locator("#" + page.locator("input[name=chosen]:checked").get_attribute("id"))
    other = page.locator("#" + page.locator("input[name=chosen]:not(:checked)").get_attribute("id"))
    other.check()
    suggested.uncheck()
    page.get_by_role("button", name="Confirm and tell everyone").click()
    expect(summary.get_by_role("link", name="Say why you changed the suggested selection")).to_be_visible()
    tab.check()

    tab.visit("/o/demo/reports/involvement/")
    page.get_by_label("Or from").fill("2026-03-31")
    page.get_by_label("To", exact=True).fill("2026-01-01")
    page.get_by_role("button", name="Show report").click()
    expect(
        summary.get_by_role("link", name="The end date must be the same as or after the start")
    ).to_be_visible()
    tab.check()


def test_the_reference_check_catches_what_axe_lets_through(tab, organisation):
    """An error message that is not there, a summary link to nothing and a repeated id all pass axe."""
    tab.visit("/accessibility/")
    tab.page.evaluate(
        """() => document.querySelector('main').insertAdjacentHTML('beforeend',
        '<div class="nhsuk-error-summary"><a href="#id_gone">Enter a title</a></div>' +
        '<label for="id_title">Title</label><input id="id_title" aria-describedby="id_title-error">' +
        '<p id="id_title">again</p>')"""
    )
    with pytest.raises(AssertionError) as failure:
        tab.assert_references_resolve()
    for problem in [
        'aria-describedby="id_title-error"',
        "error summary link to #id_gone",
        'two elements with id="id_title"',
    ]:
        assert problem in str(failure.value)
