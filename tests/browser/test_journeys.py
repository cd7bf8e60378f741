"""Whole journeys through the real pages: an admin adds a person; a stranger cannot look in."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from coproduce.core.models import Membership
from tests.browser.support import PASSWORD

pytestmark = pytest.mark.browser


def test_an_admin_adds_a_person_who_then_appears_in_the_members_list(tab, admin):
    tab.sign_in(admin.email)
    tab.page.get_by_role("navigation", name="Menu").get_by_role("link", name="Settings").click()
    tab.page.get_by_role("link", name="Manage members and their roles").click()
    tab.page.get_by_role("link", name="Add a person").click()
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("Add a person")
    tab.check()

    tab.page.get_by_label("Full name").fill("Dana Rivers")
    tab.page.get_by_label("Email address").fill("dana.rivers@example.test")
    carer_box = tab.page.get_by_role("checkbox", name="Carer")
    carer_box.focus()
    tab.page.keyboard.press("Space")
    expect(carer_box).to_be_checked()
    tab.page.get_by_role("button", name="Add person").click()

    success = tab.page.get_by_role("status").filter(has_text="Dana Rivers has been added and sent an email")
    expect(success).to_be_visible()
    assert tab.page.url.endswith("/o/demo/members/")
    row = tab.page.get_by_role("row").filter(has_text="dana.rivers@example.test")
    expect(row).to_contain_text("Dana Rivers")
    expect(row).to_contain_text("Carer")
    expect(row).to_contain_text("Not yet")
    tab.check()

    # The person's own page, and the email that lets them choose a password.
    row.get_by_role("link", name="Dana Rivers").click()
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("Dana Rivers")
    tab.check()
    tab.page.get_by_role("link", name="Remove from the organisation").click()
    tab.check()
    assert [message.to for message in mail.outbox] == [["dana.rivers@example.test"]]


def test_the_outsider_gets_page_not_found_for_another_organisation(tab, outsider, member):
    tab.sign_in(outsider.email)
    assert tab.page.url.endswith("/o/other/")
    expect(tab.page.get_by_role("heading", level=1)).to_contain_text("Hello, Olu")

    tab.visit("/o/demo/", status=404)
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(tab.page.get_by_text("Demo Mental Health NHS Foundation Trust")).to_have_count(0)

    # Not the members list, nor anyone's page in it, even with the right address.
    someone = Membership.objects.get(user=member)
    for path in ["/o/demo/members/", f"/o/demo/members/{someone.public_id}/", "/o/demo/audit/"]:
        tab.goto(path, status=404)
        expect(tab.page.get_by_role("heading", level=1)).to_have_text("Page not found")
    tab.assert_no_console_problems()


def test_a_participant_is_told_no_rather_than_shown_the_members_list(tab, member):
    tab.sign_in(member.email)
    tab.visit("/o/demo/members/", status=403)
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("You cannot see this page")
    expect(tab.page.get_by_role("table")).to_have_count(0)


def test_a_lead_asked_for_two_factor_can_set_it_up_by_keyboard_or_screen_reader(tab, lead, organisation):
    organisation.require_two_factor = True
    organisation.save()
    tab.sign_in(lead.email)

    expect(tab.page.get_by_role("alert")).to_contain_text("asks people in your role to use two-factor")
    tab.check()  # first, confirm your password
    tab.page.get_by_label("Password").fill("not-the-password")
    tab.page.get_by_role("button", name="Confirm").click()
    expect(tab.page.locator(".nhsuk-error-summary")).to_be_visible()
    tab.check()
    tab.page.get_by_label("Password").fill(PASSWORD)
    tab.page.get_by_role("button", name="Confirm").click()

    assert tab.page.url.endswith("/accounts/2fa/totp/activate/")
    qr_code = tab.page.get_by_role("img", name="QR code for your authenticator app")
    expect(qr_code).to_be_visible()
    # Someone who cannot scan the code can reach and copy the secret instead.
    secret = tab.page.get_by_label("Authenticator secret")
    expect(secret).to_be_enabled()
    expect(secret).to_be_editable(editable=False)
    expect(secret).to_have_value(re.compile(r"^[A-Z2-7]{32}$"))
    tab.page.get_by_label("Authenticator code").focus()
    tab.page.keyboard.press("Shift+Tab")
    expect(secret).to_be_focused()
    tab.check()

    tab.page.get_by_label("Authenticator code").fill("000000")
    tab.page.get_by_role("button", name="Activate").click()
    expect(tab.page.locator(".nhsuk-error-summary")).to_be_visible()
    tab.check()
