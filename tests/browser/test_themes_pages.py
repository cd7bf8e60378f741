"""axe, the console and references on every themes page, as the roles that open them, with the demo's
comments (one flagged as a possible risk); then a reviewer checks a comment with the keyboard alone."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from coproduce.feedback.demo import seed_feedback
from coproduce.themes.demo import seed_themes
from coproduce.themes.models import Comment, Theme
from coproduce.themes.tests.factories import stored_starter
from tests.browser.support import focused, press_until

pytestmark = pytest.mark.browser


@pytest.fixture
def comments(organisation, lead, staff, exec_):
    with translation.override("en"):
        stored_starter()
        seed_feedback(organisation)
        seed_themes(organisation)
    return Comment.objects.filter(organisation=organisation)


def test_a_lead_s_themes_pages_are_accessible(tab, comments, lead):
    tab.sign_in(lead.email)
    page = tab.page
    tab.visit("/o/demo/themes/")
    expect(page.get_by_role("row").filter(has_text="Involvement in decisions")).to_be_visible()
    theme = Theme.objects.get(organisation__slug="demo", code="food")
    tab.visit(f"/o/demo/themes/{theme.pk}/")

    tab.visit("/o/demo/themes/review/")
    expect(page.get_by_text("Possible risk: act now").first).to_be_visible()
    tab.visit("/o/demo/themes/review/?view=confirmed")
    tab.visit("/o/demo/themes/review/?view=risk")
    risky = comments.get(risk=Comment.Risk.FLAGGED)
    tab.visit(f"/o/demo/themes/comments/{risky.public_id}/")
    expect(page.get_by_role("button", name="Record what I did")).to_be_visible()
    ordinary = comments.filter(risk=Comment.Risk.NONE).exclude(status=Comment.Status.CONFIRMED).first()
    tab.visit(f"/o/demo/themes/comments/{ordinary.public_id}/")
    page.get_by_text("Worried about this comment?").click()
    tab.check()

    tab.visit("/o/demo/themes/summary/")
    expect(page.get_by_role("img", name="Comments per theme, by sentiment")).to_be_visible()
    survey = comments.first().survey
    tab.visit(f"/o/demo/themes/summary/?survey={survey.public_id}&checked=1")


def test_the_themes_forms_with_errors_are_accessible(tab, comments, lead):
    tab.sign_in(lead.email)
    page = tab.page
    tab.goto("/o/demo/themes/")
    page.get_by_role("button", name="Add theme").click()
    page.wait_for_load_state("load")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter a name for the theme")
    tab.check()

    ordinary = comments.filter(risk=Comment.Risk.NONE).first()
    tab.goto(f"/o/demo/themes/comments/{ordinary.public_id}/")
    for box in page.locator("input[name=themes]:checked").all():
        box.uncheck()
    page.locator("button[type=submit]").filter(has_text="Save").click()
    page.wait_for_load_state("load")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Choose at least one theme")
    tab.check()

    risky = comments.get(risk=Comment.Risk.FLAGGED)
    tab.goto(f"/o/demo/themes/comments/{risky.public_id}/")
    tab.expected_error_urls.add(tab.url(f"/o/demo/themes/comments/{risky.public_id}/risk/"))
    page.get_by_role("button", name="Record what I did").click()
    page.wait_for_load_state("load")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Choose what you did")
    tab.check()

    # The flag form's error is inside the "Worried about this comment?" details: it comes back open, so
    # the error summary's link reaches a visible box.
    unflagged = comments.filter(risk=Comment.Risk.NONE).first()
    tab.goto(f"/o/demo/themes/comments/{unflagged.public_id}/")
    tab.expected_error_urls.add(tab.url(f"/o/demo/themes/comments/{unflagged.public_id}/flag/"))
    page.get_by_text("Worried about this comment?").click()
    page.get_by_role("button", name="Flag a possible risk").click()
    page.wait_for_load_state("load")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Say what worries you")
    expect(page.locator("input[name=reason]")).to_be_visible()  # open before anything is clicked
    page.locator(".nhsuk-error-summary a").filter(has_text="Say what worries you").click()
    expect(page.locator("input[name=reason]")).to_be_visible()
    expect(page.locator("input[name=reason]")).to_be_focused()
    tab.check()


def test_an_executive_s_theme_summary_is_accessible(tab, comments, exec_):
    tab.sign_in(exec_.email)
    tab.visit("/o/demo/themes/summary/")
    expect(tab.page.get_by_role("table")).to_contain_text("Staff attitude")


def test_a_reviewer_checks_a_comment_with_the_keyboard_alone(tab, comments, staff):
    tab.sign_in(staff.email)
    page = tab.page
    keyboard = page.keyboard
    ordinary = comments.filter(risk=Comment.Risk.NONE).exclude(status=Comment.Status.CONFIRMED).first()
    tab.goto(f"/o/demo/themes/comments/{ordinary.public_id}/")
    activities = Theme.objects.get(organisation__slug="demo", code="activities")

    box = press_until(
        page, lambda element: element["name"] == "themes" and element["value"] == str(activities.pk)
    )
    assert box["value"] == str(activities.pk)
    keyboard.press("Space")
    expect(page.get_by_role("checkbox", name="Activities")).to_be_checked()
    press_until(page, lambda element: element["name"] == "sentiment")
    keyboard.press("Space")
    chosen = focused(page)["value"]
    press_until(page, lambda element: element["text"].startswith("Save"))
    # The test settings run tasks at once, so the organisation's model retrains inside this request.
    with page.expect_navigation(timeout=90_000):
        keyboard.press("Enter")
    page.wait_for_load_state("load")

    expect(page.get_by_role("heading", level=1)).to_have_text("Review a comment")
    expect(page.get_by_text("Themes saved")).to_be_visible()
    tab.check()
    ordinary.refresh_from_db()
    assert ordinary.status == Comment.Status.CONFIRMED and ordinary.confirmed_by == staff
    assert activities in ordinary.themes.all() and ordinary.sentiment == chosen
