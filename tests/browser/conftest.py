"""One Chromium for the whole run (Debian's, never Playwright's download); a fresh context per test."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps

from tests.browser.support import AXE_PATH, Tab

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        # The root conftest turns this skip into a failure when CI=true.
        pytest.skip(f"Browser tests need Debian's Chromium at {CHROMIUM}: run `make chromium` as root")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_source():
    if not AXE_PATH.exists():
        pytest.skip(f"axe-core is missing at {AXE_PATH}: run `npm ci`")
    return AXE_PATH.read_text()


@pytest.fixture
def new_tab(browser, live_server, axe_source):
    """Open tabs in their own browser contexts (separate cookies), closed after the test."""
    # The themes of written answers are suggested by a task that, in tests, runs inside the request:
    # store the starter model first (trained once per test process), as a running site has it, so a
    # page that sends an answer does not wait seconds for the first training.
    from coproduce.themes.tests.factories import stored_starter

    stored_starter()
    contexts = []

    def open_tab() -> Tab:
        context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return Tab(page=context.new_page(), base_url=live_server.url, axe_source=axe_source)

    yield open_tab
    for context in contexts:
        context.close()


@pytest.fixture
def tab(new_tab):
    tab = new_tab()
    yield tab
    # Anything the test did not check page by page still fails it.
    tab.assert_no_console_problems()


@pytest.fixture
def built_in_kinds(transactional_db):
    """The built-in activity types and volunteer roles come from a data migration, and the flush after
    every live-server test removes them: put them back for the test that needs them."""
    migration = importlib.import_module("coproduce.involvement.migrations.0002_built_in_kinds")
    migration.add_built_ins(apps, None)
