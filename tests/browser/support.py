"""What every browser test does to a page: open it, check it is styled and scripted, run axe, sign in.

A ``Tab`` wraps one Playwright page with the console problems it has seen, so a test reads
``tab.visit("/o/demo/")`` and fails with a readable message when a page breaks the Content
Security Policy, throws a JavaScript error or has an accessibility violation.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from playwright.sync_api import ConsoleMessage, Error, Page, expect

PASSWORD = "coproduce-demo"
AXE_PATH = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Only violations fail a test; asking axe for nothing else makes each page about twice as fast to check.
AXE_OPTIONS = "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}"
AXE_RUN = f"async (tags) => await axe.run(document, {AXE_OPTIONS})"
NHS_BLUE = "rgb(0, 94, 184)"
# axe passes an aria-describedby that points at nothing, an error-summary link to a missing id and
# a repeated id: a screen reader then hears no error message or the wrong label, and the keyboard
# lands nowhere.
BROKEN_REFERENCES = """() => {
  const broken = [];
  for (const attribute of ['aria-describedby', 'aria-labelledby', 'aria-controls', 'for']) {
    for (const element of document.querySelectorAll(`[${attribute}]`)) {
      for (const id of element.getAttribute(attribute).split(/\\s+/).filter(Boolean)) {
        if (document.getElementById(id)) continue;
        broken.push(`${attribute}="${id}" on ${element.outerHTML.slice(0, 200)}`);
      }
    }
  }
  for (const link of document.querySelectorAll('.nhsuk-error-summary a[href^="#"]')) {
    const id = decodeURIComponent(link.getAttribute('href').slice(1));
    if (!document.getElementById(id)) broken.push(`error summary link to #${id}: ${link.textContent.trim()}`);
  }
  const ids = new Set();
  for (const element of document.querySelectorAll('[id]')) {
    if (ids.has(element.id)) broken.push(`two elements with id="${element.id}"`);
    ids.add(element.id);
  }
  return broken;
}"""


# What a keyboard user is on now: its id, name, value and text.
FOCUSED = """() => {
  const element = document.activeElement;
  return {id: element.id, name: element.getAttribute('name'), value: element.value,
          text: element.textContent.trim()};
}"""


def focused(page: Page) -> dict:
    return page.evaluate(FOCUSED)


def press_until(page: Page, matches, *, key: str = "Tab", limit: int = 60, seen: list | None = None) -> dict:
    """Press ``key`` until the focused element ``matches``, as a keyboard user would; every element on
    the way is added to ``seen``. Fails the test when ``limit`` presses never get there."""
    for _ in range(limit):
        page.keyboard.press(key)
        element = focused(page)
        if seen is not None:
            seen.append(element)
        if matches(element):
            return element
    raise AssertionError(f"{limit} presses of {key} never reached the element wanted")


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe found {len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    at {', '.join(str(t) for t in node['target'])}")
            lines.append(f"       {node['html'][:300]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n       ")
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


@dataclass
class Tab:
    page: Page
    base_url: str
    axe_source: str
    problems: list[str] = field(default_factory=list)
    # Pages we open on purpose with an error status; the browser logs their own load as an error.
    expected_error_urls: set[str] = field(default_factory=set)

    def __post_init__(self):
        self.page.on("console", self._on_console)
        self.page.on("pageerror", self._on_page_error)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = message.location.get("url", "")
        if message.text.startswith("Failed to load resource"):
            if url in self.expected_error_urls or url.endswith("/favicon.ico"):
                return
        self.problems.append(f"console error on {self.page.url}: {message.text} ({url})")

    def _on_page_error(self, error: Error) -> None:
        self.problems.append(f"JavaScript error on {self.page.url}: {error}")

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path

    def goto(self, path: str, *, status: int = 200) -> None:
        url = self.url(path)
        if status >= 400:
            self.expected_error_urls.add(url)
        response = self.page.goto(url)
        assert response is not None, f"no response for {url}"
        assert response.status == status, f"{url} answered {response.status}, expected {status}"
        self.page.wait_for_load_state("load")

    def assert_no_console_problems(self) -> None:
        problems, self.problems[:] = list(self.problems), []
        assert not problems, "The browser reported problems:\n" + "\n".join(problems)

    def assert_styled_and_scripted(self) -> None:
        """Our CSS and JavaScript loaded: the header is NHS blue and app.js started the frontend."""
        header = self.page.locator("header.nhsuk-header")
        expect(header).to_have_css("background-color", NHS_BLUE)
        expect(self.page.locator("body")).to_have_class(re.compile(r"(^|\s)js-enabled(\s|$)"))

    def assert_accessible(self) -> None:
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            # page.evaluate is not subject to the page's Content-Security-Policy; a script tag would be.
            self.page.evaluate(self.axe_source)
        results = self.page.evaluate(AXE_RUN, AXE_TAGS)
        violations = results["violations"]
        assert not violations, format_violations(self.page.url, violations)

    def assert_references_resolve(self) -> None:
        broken = self.page.evaluate(BROKEN_REFERENCES)
        assert not broken, f"Broken references between elements on {self.page.url}:\n" + "\n".join(broken)

    def check(self) -> None:
        """Everything we expect of every page, once it has loaded."""
        self.assert_styled_and_scripted()
        self.assert_accessible()
        self.assert_references_resolve()
        self.assert_no_console_problems()

    def visit(self, path: str, *, status: int = 200) -> None:
        self.goto(path, status=status)
        self.check()

    def sign_in(self, email: str, password: str = PASSWORD) -> None:
        """Through the real sign-in page, as a person would."""
        self.goto("/accounts/login/")
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        expect(self.page.get_by_role("button", name="Sign out")).to_be_visible()
