"""axe (WCAG 2.2 AA) on every page each role can reach from the header, and on public and error pages.

Every page must also load our CSS and JavaScript without a Content-Security-Policy violation or a
JavaScript error; ``Tab.visit`` checks all of that.
"""

import pytest
from playwright.sync_api import expect

from coproduce.api.services import api_token_create
from coproduce.core.services import organisation_update
from coproduce.notifications.services import notify

pytestmark = pytest.mark.browser

ROLES = ["admin", "lead", "member", "carer", "staff", "exec_", "finance"]
ACCOUNT_PAGES = {"/accounts/password/change/", "/accounts/2fa/", "/account/tokens/"}


@pytest.fixture
def lived_in(everyone, organisation):
    """Some notifications, audit events and tokens, so lists and tables are on the pages axe checks."""
    admin = everyone["admin"]
    organisation_update(organisation=organisation, updated_by=admin, contact_email="involvement@demo.test")
    for person in everyone.values():
        notify(
            organisation=organisation,
            recipients=[person],
            message=lambda: (
                "A new opportunity: help us rewrite the discharge leaflet",
                "Two sessions in March, paid at the involvement rate.",
            ),
            url=organisation.get_absolute_url(),
        )
        api_token_create(user=person, name="Spreadsheet")
    return everyone


def header_navigation(tab) -> list[str]:
    links = tab.page.locator("nav.nhsuk-header__navigation a")
    return [links.nth(i).get_attribute("href") for i in range(links.count())]


def account_links(tab) -> list[str]:
    """The header's account links that are pages (not the sign-out button)."""
    links = tab.page.locator("nav.nhsuk-header__account a")
    return [links.nth(i).get_attribute("href") for i in range(links.count())]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_in_the_header_is_accessible(tab, lived_in, role, request):
    person = request.getfixturevalue(role)
    tab.sign_in(person.email)
    tab.visit("/o/demo/")
    expect(tab.page.get_by_role("heading", level=1)).to_contain_text(f"Hello, {person.get_short_name()}")

    navigation = header_navigation(tab)
    assert navigation[0] == "/o/demo/"
    account = account_links(tab)
    assert {"/o/demo/me/", "/o/demo/notifications/"} <= set(account)
    for path in navigation + [p for p in account if p.startswith("/o/")]:
        tab.visit(path)

    tab.page.get_by_role("link", name="Your account").click()
    tab.page.wait_for_load_state("load")
    assert tab.page.url.endswith("/account/")
    tab.check()
    security = tab.page.locator("main h2:has-text('Security') + ul a")
    account_pages = [security.nth(i).get_attribute("href") for i in range(security.count())]
    assert ACCOUNT_PAGES <= set(account_pages)
    for path in account_pages:
        tab.visit(path)


def test_the_header_shows_each_role_only_what_it_may_use(tab, lived_in, request):
    # Admins reach members and the audit log from Settings; leads have Members in the menu.
    privileged = {"/o/demo/members/", "/o/demo/audit/", "/o/demo/settings/", "/o/demo/people/"}
    expected = {
        "admin": {"/o/demo/settings/", "/o/demo/people/"},
        "lead": {"/o/demo/members/", "/o/demo/people/"},
        "member": set(),
        "finance": set(),
    }
    for role, allowed in expected.items():
        tab.page.context.clear_cookies()
        tab.sign_in(request.getfixturevalue(role).email)
        navigation = header_navigation(tab)
        assert navigation[0] == "/o/demo/", role
        assert privileged & set(navigation) == allowed, role


@pytest.mark.parametrize(
    "path", ["/", "/accounts/login/", "/accessibility/", "/accounts/password/reset/", "/o/demo/members/"]
)
def test_public_pages_are_accessible(tab, organisation, path):
    if path.startswith("/o/"):
        # Signed out, an organisation page sends you to sign in, with where you were going.
        tab.goto(path)
        assert "/accounts/login/?next=" in tab.page.url
        tab.check()
    else:
        tab.visit(path)


def test_the_page_not_found_is_accessible(tab, admin):
    tab.visit("/no-such-page/", status=404)
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("Page not found")
    tab.sign_in(admin.email)
    tab.visit("/o/no-such-organisation/", status=404)
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("Page not found")


def test_the_sign_in_error_is_accessible(tab, admin):
    tab.goto("/accounts/login/")
    tab.page.get_by_label("Email").fill(admin.email)
    tab.page.get_by_label("Password").fill("not-the-password")
    tab.page.get_by_role("button", name="Sign in").click()
    expect(tab.page.locator(".nhsuk-error-summary")).to_be_visible()
    tab.check()


def test_a_filter_error_is_accessible(tab, lived_in):
    tab.sign_in(lived_in["admin"].email)
    tab.visit("/o/demo/audit/?date_from=notadate")
    summary = tab.page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Enter a real date, for example 2026-03-31")
    expect(tab.page.locator("#id_date_from-error")).to_contain_text("Enter a real date")


def test_the_add_a_person_form_with_errors_is_accessible(tab, admin):
    tab.sign_in(admin.email)
    tab.visit("/o/demo/members/invite/")
    tab.page.get_by_role("button", name="Add person").click()
    tab.page.wait_for_load_state("load")
    summary = tab.page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    for message in [
        "Enter the person's full name",
        "Enter the person's email address",
        "Select at least one role",
    ]:
        expect(summary.get_by_role("link", name=message)).to_be_visible()
    expect(tab.page.locator(".nhsuk-error-message")).to_have_count(3)
    # The NHS.UK error summary takes focus so screen readers announce it first.
    expect(summary).to_be_focused()
    tab.check()


def test_a_members_filter_error_is_accessible(tab, lived_in):
    tab.sign_in(lived_in["lead"].email)
    tab.visit("/o/demo/members/?role=nonsense")
    expect(tab.page.locator(".nhsuk-error-summary")).to_be_visible()
    expect(tab.page.locator("#id_role-error")).to_be_visible()


def test_the_checks_catch_what_they_are_for(tab, organisation):
    """Guard against a check that silently passes: break a page on purpose and see each check fail."""
    tab.visit("/accessibility/")
    tab.page.evaluate("() => document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=x>')")
    with pytest.raises(AssertionError, match=r"image-alt \(critical\)"):
        tab.assert_accessible()

    tab.page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = '1'; document.body.append(s); }"
    )
    tab.page.evaluate("() => setTimeout(() => { throw new Error('boom') })")
    tab.page.wait_for_timeout(100)
    with pytest.raises(AssertionError) as failure:
        tab.assert_no_console_problems()
    assert "Content Security Policy" in str(failure.value)
    assert "boom" in str(failure.value)
