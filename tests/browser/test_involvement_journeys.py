"""Involvement journeys through the real pages: a lead records a register by keyboard alone; a participant
says they are interested in an opportunity and a lead chooses people fairly."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coproduce.involvement import services
from coproduce.involvement.tests.factories import ActivityFactory, AttendanceFactory, builtin_type
from coproduce.people import services as people_services
from coproduce.people.models import Person

pytestmark = pytest.mark.browser

FOCUSED = "() => ({id: document.activeElement.id, value: document.activeElement.value})"


def focused(tab) -> dict:
    return tab.page.evaluate(FOCUSED)


def press_tab_until(tab, element_id: str, *, key: str = "Tab", limit: int = 40) -> None:
    for _ in range(limit):
        tab.page.keyboard.press(key)
        if focused(tab)["id"] == element_id:
            return
    pytest.fail(f"{limit} presses of {key} never reached #{element_id}")


def test_a_lead_records_a_register_with_the_keyboard_alone(tab, organisation, lead, built_in_kinds):
    people = [
        people_services.person_create(
            organisation=organisation,
            actor=lead,
            full_name=name,
            email=email,
            contact_by_email=True,
            preferred_contact="email",
        )
        for name, email in [
            ("Priya Shah", "priya@example.test"),
            ("Tom Evans", "tom@example.test"),
            ("Grace Okafor", "grace@example.test"),
            ("Priya Shah", "priya.shah@example.test"),  # a namesake: the email tells them apart
        ]
    ]
    activity = ActivityFactory(organisation=organisation, title="Service user forum")
    tab.sign_in(lead.email)
    tab.visit(activity.get_absolute_url() + "register/")
    expect(tab.page.get_by_role("heading", level=1)).to_contain_text("Record who took part")
    expect(tab.page.locator("#id_rows-19-person")).to_be_attached()  # 20 empty rows for a new register
    # One list of names for every row's box, so typing a name offers the matching people.
    expect(tab.page.locator("#id_rows-0-person")).to_have_attribute("list", "register-people")
    expect(tab.page.locator("datalist#register-people option")).to_have_count(len(people))
    # (person label, presses of ArrowDown on "Taking part as", on "Attendance", hours typed or "")
    rows = [
        ("Priya Shah (priya.shah@example.test)", 0, 0, ""),
        ("Tom Evans (tom@example.test)", 1, 0, "1.5"),
        ("Grace Okafor (grace@example.test)", 0, 1, ""),
    ]

    keyboard = tab.page.keyboard
    press_tab_until(tab, "id_rows-0-person")
    for number, (label, role_steps, status_steps, hours) in enumerate(rows):
        assert focused(tab)["id"] == f"id_rows-{number}-person"
        keyboard.type(label)
        keyboard.press("Tab")
        assert focused(tab)["id"] == f"id_rows-{number}-taking_part_as"
        for _ in range(role_steps):
            keyboard.press("ArrowDown")
        keyboard.press("Tab")
        assert focused(tab)["id"] == f"id_rows-{number}-status"
        for _ in range(status_steps):
            keyboard.press("ArrowDown")
        keyboard.press("Tab")
        assert focused(tab)["id"] == f"id_rows-{number}-hours"
        keyboard.type(hours)
        if number == 0:
            # Shift+Tab goes back along the row, and Tab forward again.
            keyboard.press("Shift+Tab")
            assert focused(tab)["id"] == "id_rows-0-status"
            keyboard.press("Tab")
        if number < len(rows) - 1:
            keyboard.press("Tab")
    expect(tab.page.locator("#id_rows-1-taking_part_as")).to_have_value("carer")
    expect(tab.page.locator("#id_rows-2-status")).to_have_value("apologies")
    keyboard.press("Enter")  # in the last hours box: submits the register

    expect(tab.page.get_by_role("status")).to_contain_text("Register saved: 3 people recorded")
    assert tab.page.url.endswith(activity.get_absolute_url())
    tab.check()
    table = tab.page.get_by_role("table").filter(has_text="Taking part as")
    expect(table.get_by_role("row").filter(has_text="Priya Shah")).to_have_count(1)
    expect(table.get_by_role("row").filter(has_text="Tom Evans")).to_contain_text("Carer")
    expect(table.get_by_role("row").filter(has_text="Tom Evans")).to_contain_text("1.5")
    expect(table.get_by_role("row").filter(has_text="Grace Okafor")).to_contain_text("Sent apologies")
    recorded = {a.person_id: a for a in activity.attendances.all()}
    assert set(recorded) == {people[3].pk, people[1].pk, people[2].pk}
    assert recorded[people[3].pk].hours == activity.duration_hours  # empty hours: the activity's length
    assert recorded[people[1].pk].hours == Decimal("1.5")
    assert recorded[people[2].pk].hours == Decimal("0")


def test_a_participant_says_they_are_interested_and_is_chosen_fairly(
    new_tab, organisation, lead, member, built_in_kinds
):
    pat = people_services.person_for_user(organisation=organisation, user=member)
    people_services.access_needs_update(
        person=pat, actor=member, needs=["bsl", "breaks"], other="Papers a week before, please."
    )
    # Someone involved last month is not a new voice, so the suggestion puts Pat first.
    recently = people_services.person_create(
        organisation=organisation,
        actor=lead,
        full_name="Tom Evans",
        email="tom@example.test",
        contact_by_email=True,
        preferred_contact="email",
    )
    AttendanceFactory(
        activity=ActivityFactory(
            organisation=organisation,
            starts_at=timezone.now() - timedelta(days=30),
            activity_type=builtin_type(),
        ),
        person=recently,
    )
    services.interest_submit(opportunity=opportunity(organisation, lead), person=recently, actor=lead)

    participant = new_tab()
    participant.sign_in(member.email)
    participant.page.get_by_role("navigation", name="Menu").get_by_role("link", name="Opportunities").click()
    participant.page.get_by_role("link", name="Interview panel for a ward manager").click()
    expect(participant.page.get_by_role("heading", level=1)).to_contain_text("Interview panel")
    participant.check()
    needs = participant.page.get_by_label("What do you need to take part?")
    expect(needs).to_have_value(
        "British Sign Language (BSL) interpreter; Regular breaks; Papers a week before, please."
    )
    participant.page.get_by_label("Why are you interested? (optional)").fill("I was on that ward last year.")
    participant.page.get_by_role("button", name="I'm interested").click()
    expect(participant.page.get_by_role("status")).to_contain_text("Thank you. The team will let you know")
    expect(
        participant.page.get_by_text("You said you are interested. Waiting for a decision.")
    ).to_be_visible()
    participant.check()

    team = new_tab()
    team.sign_in(lead.email)
    team.page.get_by_role("navigation", name="Menu").get_by_role("link", name="Opportunities").click()
    team.page.get_by_role("link", name="Interview panel for a ward manager").click()
    expect(team.page.get_by_text("2 people are waiting for a decision")).to_be_visible()
    team.page.get_by_role("link", name="Choose people fairly").click()
    expect(team.page.get_by_role("heading", level=1)).to_contain_text("Choose people fairly")
    team.check()
    suggested = team.page.get_by_role("row").filter(has_text="Pat Member")
    expect(suggested).to_contain_text("Yes")
    expect(team.page.get_by_role("checkbox", name="Pat Member")).to_be_checked()
    expect(team.page.get_by_role("checkbox", name="Tom Evans")).not_to_be_checked()
    team.page.get_by_role("button", name="Confirm and tell everyone").click()
    expect(team.page.get_by_role("status")).to_contain_text("Selection saved")
    team.check()

    participant.page.reload()
    expect(participant.page.get_by_text("You said you are interested. Selected.")).to_be_visible()
    participant.check()
    participant.visit("/o/demo/notifications/")
    place = participant.page.get_by_role("heading").filter(has_text="You have a place: Interview panel")
    expect(place).to_be_visible()
    assert Person.objects.get(pk=recently.pk).interests.get().status == "not_selected"
    team.assert_no_console_problems()


def opportunity(organisation, lead):
    return services.opportunity_create(
        organisation=organisation,
        actor=lead,
        title="Interview panel for a ward manager",
        description="Help us choose the next ward manager.",
        activity_type=builtin_type("recruitment_selection"),
        places=1,
        commitment="Tuesday 3 March, 10am to 1pm",
        closes_on=timezone.localdate() + timedelta(days=14),
        status="open",
        required_checks=[],
    )


def test_on_a_big_register_names_are_suggested_as_a_lead_types(
    tab, organisation, lead, monkeypatch, built_in_kinds
):
    from coproduce.people import selectors
    from coproduce.people.tests.factories import GroupFactory, PersonFactory

    monkeypatch.setattr(selectors, "CHOOSER_LIST_ALL_UP_TO", 2)
    PersonFactory(organisation=organisation, full_name="Ana Green", email="ana@example.test")
    for name in ("Ben Hill", "Cat Lane", "Anil Shah"):
        PersonFactory(organisation=organisation, full_name=name)
    group = GroupFactory(organisation=organisation, name="Carers forum")
    activity = ActivityFactory(organisation=organisation, title="Service user forum")
    tab.sign_in(lead.email)

    tab.visit(activity.get_absolute_url() + "register/")
    expect(tab.page.locator("datalist#register-people option")).to_have_count(0)
    tab.page.locator("#id_rows-0-person").press_sequentially("an")
    expect(tab.page.locator("datalist#register-people option")).to_have_count(3)  # Ana, Anil, Cat Lane
    tab.check()

    tab.visit(f"/o/{organisation.slug}/groups/{group.public_id}/members/add/")
    box = tab.page.get_by_label("Person")
    box.press_sequentially("ana g")
    expect(tab.page.locator("datalist#id_person-choices option")).to_have_count(1)
    box.fill("Ana Green (ana@example.test)")
    box.press("Enter")
    expect(tab.page.get_by_text("Ana Green added to the group")).to_be_visible()
