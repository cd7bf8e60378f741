"""Someone who uses only a keyboard can skip the header and sign in: Tab, type, Enter, no mouse."""

import pytest
from playwright.sync_api import expect

from tests.browser.support import PASSWORD

pytestmark = pytest.mark.browser

ACTIVE = "() => ({id: document.activeElement.id, name: document.activeElement.getAttribute('name'),"
ACTIVE += " text: document.activeElement.textContent.trim()})"


def focused(tab) -> dict:
    return tab.page.evaluate(ACTIVE)


def tab_to(tab, name: str, *, limit: int = 20) -> None:
    """Press Tab until the field called ``name`` has focus, as a keyboard user would."""
    for _ in range(limit):
        tab.page.keyboard.press("Tab")
        if focused(tab)["name"] == name:
            return
    pytest.fail(f"{limit} presses of Tab never reached the {name!r} field")


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accessibility/"])
def test_the_first_tab_reaches_skip_to_main_content(tab, path):
    tab.goto(path)
    tab.page.keyboard.press("Tab")
    assert focused(tab)["text"] == "Skip to main content"
    expect(tab.page.get_by_role("link", name="Skip to main content")).to_be_visible()
    tab.page.keyboard.press("Enter")
    expect(tab.page.locator("main#maincontent")).to_be_focused()
    tab.assert_no_console_problems()


def test_a_keyboard_user_signs_in_and_reaches_the_dashboard(tab, member):
    tab.goto("/accounts/login/")
    tab_to(tab, "login")
    tab.page.keyboard.type(member.email)
    tab.page.keyboard.press("Tab")
    assert focused(tab)["name"] == "password"
    tab.page.keyboard.type(PASSWORD)
    tab.page.keyboard.press("Enter")

    expect(tab.page.get_by_role("heading", level=1)).to_contain_text("Hello, Pat")
    assert tab.page.url.endswith("/o/demo/")
    tab.assert_no_console_problems()


def test_after_skipping_the_header_the_next_tab_is_the_first_field(tab, organisation):
    tab.goto("/accounts/login/")
    tab.page.keyboard.press("Tab")
    tab.page.keyboard.press("Enter")
    tab.page.keyboard.press("Tab")
    assert focused(tab)["name"] == "login"
