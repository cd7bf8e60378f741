"""axe, the console and references between elements on every "You said, we did" page, as the role that
opens it, with the demo's items (published we did / we will / we could not, one waiting for approval, one
overdue and escalated), on the error states of the forms, and on the public board as an anonymous
visitor. Then a lead approves an answer with the keyboard alone."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from coproduce.core.models import User
from coproduce.feedback.demo import seed_feedback
from coproduce.people.demo import seed_register
from coproduce.projects.demo import seed_projects
from coproduce.yousaid.demo import seed_you_said
from coproduce.yousaid.digests import send_due_digests
from coproduce.yousaid.models import DigestSubscription, WeDid, YouSaid
from tests.browser.support import press_until

pytestmark = pytest.mark.browser

PHONES = "It is hard to get through to the team on the phone"
LETTERS = "Appointment letters are too long"
OVERDUE = "Night staff on the ward do not knock"


@pytest.fixture
def items(organisation, admin, lead, member, carer, staff, exec_, built_in_kinds):
    users = {email: User.objects.get(email=email) for email in (member.email, carer.email)}
    seed_register(organisation, 40, seed=2019, link_users=users)
    seed_projects(organisation)
    with translation.override("en"):
        seed_feedback(organisation)
    seed_you_said(organisation)
    return {i.summary: i for i in YouSaid.objects.filter(organisation=organisation)}


def find(items, start: str) -> YouSaid:
    return next(i for summary, i in items.items() if summary.startswith(start))


def test_a_lead_s_pages_are_accessible(tab, items, lead):
    tab.sign_in(lead.email)
    page = tab.page
    tab.visit("/o/demo/you-said/")
    expect(page.get_by_role("row").filter(has_text=OVERDUE)).to_contain_text("Overdue")
    tab.visit("/o/demo/you-said/?state=awaiting&service=&source=direct")
    expect(page.get_by_role("link", name=LETTERS)).to_be_visible()
    tab.visit("/o/demo/you-said/add/")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state("load")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Say what people told us")
    tab.check()

    phones = find(items, PHONES).get_absolute_url()
    tab.visit(phones)
    expect(page.get_by_role("heading", level=1)).to_contain_text(PHONES)
    tab.visit(phones + "edit/")
    tab.visit(phones + "comments/")
    tab.visit(phones + "answers/add/")
    page.get_by_label("We will").check()
    page.get_by_role("button", name="Save the answer").click()
    page.wait_for_load_state("load")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter the date by which we will do it")
    tab.check()
    answer = WeDid.objects.filter(item=find(items, PHONES)).first()
    tab.visit(f"{phones}answers/{answer.public_id}/")

    tab.visit(find(items, LETTERS).get_absolute_url())
    expect(page.get_by_role("button", name="Send back to its owner")).to_be_visible()


def test_an_executive_sees_overdue_items_and_the_scorecard(tab, items, exec_):
    tab.sign_in(exec_.email)
    page = tab.page
    tab.visit("/o/demo/")
    expect(page.locator(".nhsuk-warning-callout")).to_contain_text(OVERDUE)
    tab.visit("/o/demo/you-said/?state=overdue")
    tab.visit(find(items, OVERDUE).get_absolute_url())
    tab.visit("/o/demo/projects/integrity/")
    expect(page.get_by_role("table", name="Loop closure by service")).to_be_visible()


def test_a_staff_member_s_pages_are_accessible(tab, items, staff):
    tab.sign_in(staff.email)
    page = tab.page
    tab.visit("/o/demo/you-said/")
    tab.visit(find(items, PHONES).get_absolute_url())
    expect(page.get_by_role("link", name="Link comments")).to_have_count(0)


def test_the_public_board_and_updates_page_are_accessible_to_anyone(tab, items):
    page = tab.page
    tab.visit("/public/demo/you-said-we-did/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You said, we did")
    expect(page.get_by_text("We could not", exact=False).first).to_be_visible()
    expect(page.get_by_text(LETTERS)).to_have_count(0)
    tab.visit("/public/demo/you-said-we-did/?service=Inpatient+wards")
    expect(page.get_by_text(PHONES)).to_have_count(0)

    send_due_digests()
    subscription = DigestSubscription.objects.filter(kind="contact").first()
    url = f"/public/demo/you-said-we-did/updates/{subscription.token}/"
    tab.visit(url)
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state("load")
    tab.check()
    page.get_by_label("Once a day").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("status")).to_contain_text("Saved")
    tab.check()


def test_a_lead_approves_an_answer_with_the_keyboard(tab, items, lead):
    tab.sign_in(lead.email)
    page = tab.page
    tab.visit(find(items, LETTERS).get_absolute_url())
    seen = []
    press_until(page, lambda f: f["text"].startswith("Approve and publish"), seen=seen)
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    expect(page.locator(".nhsuk-tag").first).to_have_text("On the public board")
    assert WeDid.objects.get(item=find(items, LETTERS)).publication == "published"
