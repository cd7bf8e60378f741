"""axe, the console and references between elements on every feedback page, as the role that opens it,
with the demo's surveys and hundreds of responses on them, and on the error states of the main forms.
Then someone answers the public Friends and Family Test with the keyboard alone."""

import time

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import translation
from playwright.sync_api import expect

from coproduce.feedback import services
from coproduce.feedback.demo import EXPERIENCE_TITLE, FFT_TITLE, seed_feedback
from coproduce.feedback.models import Response, Survey
from coproduce.feedback.submission import min_seconds, rate_limit, rate_limited
from coproduce.feedback.tests.factories import respond
from tests.browser.support import focused, press_until

pytestmark = pytest.mark.browser

FFT_QUESTION = "Overall, how was your experience of our service?"
FFT_WHY = "Please can you tell us why you gave your answer?"


def add_question(survey, lead, kind, text, **fields):
    defaults = {"help_text": "", "required": False, "choices": [], "section": ""}
    return services.question_add(survey=survey, actor=lead, kind=kind, text=text, **(defaults | fields))


@pytest.fixture
def feedback(organisation, lead):
    """The demo's two open surveys with 420 responses, a small survey with every kind of question and
    too few responses to show, a draft still being written and a closed survey."""
    # Templates' questions are written in the language active now: English, whatever ran before.
    with translation.override("en"):
        seed_feedback(organisation)
    surveys = {s.title: s for s in Survey.objects.filter(organisation=organisation)}

    mixed = services.survey_create(
        organisation=organisation,
        actor=lead,
        title="Carers' forum feedback",
        about="Carers' forum, Park House",
        welcome="Tell us how the forum went.\nIt takes five minutes.",
        thank_you="Thank you. We read every answer.",
        status=Survey.Status.OPEN,
    )
    venue = add_question(
        mixed,
        lead,
        "single_choice",
        "How did you get here?",
        choices=["Bus", "Car", "Walked"],
        section="Getting there",
    )
    helped = add_question(
        mixed,
        lead,
        "multiple_choice",
        "What helped you take part?",
        choices=["Paper copies", "A quiet room", "Breaks"],
        required=True,
        help_text="Choose all that apply.",
    )
    add_question(
        mixed, lead, "rating_scale", "How welcome did you feel?", help_text="1 is not at all, 5 is very"
    )
    again = add_question(mixed, lead, "yes_no_not_sure", "Would you come again?", section="Next time")
    add_question(mixed, lead, "free_text", "Anything else?")
    for answer in ["Yes", "No", "Yes"]:
        respond(mixed, {venue: "Bus", helped: ["Breaks"], again: answer})

    draft = services.survey_create(
        organisation=organisation, actor=lead, title="Ward 3 discharge survey", is_public=False
    )
    add_question(draft, lead, "yes_no_not_sure", "Did you know when you were going home?", required=True)
    add_question(draft, lead, "single_choice", "Who told you?", choices=["A nurse", "A doctor", "Nobody"])
    add_question(draft, lead, "free_text", "What would have helped?")

    closed = services.survey_create(
        organisation=organisation, actor=lead, title="Winter newsletter survey", status=Survey.Status.CLOSED
    )
    add_question(closed, lead, "yes_no_not_sure", "Did you read the newsletter?")
    return surveys | {"mixed": mixed, "draft": draft, "closed": closed}


def test_a_lead_s_survey_and_results_pages_are_accessible(tab, feedback, lead):
    tab.sign_in(lead.email)
    page = tab.page
    tab.visit("/o/demo/feedback/")
    expect(page.get_by_role("row").filter(has_text="Ward 3 discharge survey")).to_contain_text("Draft")
    tab.visit("/o/demo/feedback/add/")

    fft = feedback[FFT_TITLE].get_absolute_url()
    tab.visit(fft)
    expect(page.get_by_text("its questions are fixed")).to_be_visible()
    tab.visit(fft + "edit/")
    tab.visit(fft + "results/")
    expect(page.get_by_role("img", name=FFT_QUESTION)).to_be_visible()
    expect(page.locator(".app-figure").filter(has_text="positive")).to_be_visible()
    experience = feedback[EXPERIENCE_TITLE].get_absolute_url()
    tab.visit(experience + "results/?start=2020-01-01")
    expect(
        page.get_by_role("heading", name="Were you involved in decisions about your care?")
    ).to_be_visible()
    tab.visit(feedback["mixed"].get_absolute_url() + "results/")
    expect(page.locator(".app-figure").first).to_contain_text("fewer than 5")

    draft = feedback["draft"].get_absolute_url()
    tab.visit(draft)
    expect(page.get_by_role("button", name="Move down question 1")).to_be_visible()
    expect(page.get_by_role("button", name="Open the survey for answers")).to_be_visible()
    tab.visit(draft + "questions/add/")
    page.goto(tab.url(draft))
    page.get_by_role("link", name="Change question 2").click()
    page.wait_for_load_state("load")
    expect(page.get_by_label("Question", exact=True)).to_have_value("Who told you?")
    tab.check()
    tab.visit(feedback["closed"].get_absolute_url())


def test_a_lead_s_answering_pages_are_accessible(tab, feedback, lead):
    tab.sign_in(lead.email)
    page = tab.page
    mixed = feedback["mixed"].get_absolute_url()
    tab.visit(mixed + "answer/")
    expect(page.get_by_role("heading", name="Getting there")).to_be_visible()
    expect(page.get_by_role("group", name="What helped you take part?")).to_have_accessible_description(
        "Choose all that apply."
    )
    tab.visit(mixed + "assisted/")
    tab.visit(mixed + "assisted/?saved=1")
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    tab.visit(mixed + "paper/")
    page.get_by_role("group", name="What helped you take part?").get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Save and enter the next form").click()
    expect(page.get_by_role("status").filter(has_text="You have typed in 1 paper form")).to_be_visible()
    tab.check()
    tab.visit(mixed + "thanks/")
    tab.visit(feedback["closed"].get_absolute_url() + "answer/")
    expect(page.get_by_role("heading", level=1)).to_have_text("This survey is closed")


def test_an_executive_s_survey_results_are_accessible(tab, feedback, exec_):
    tab.sign_in(exec_.email)
    page = tab.page
    tab.visit("/o/demo/feedback/")
    expect(page.get_by_role("link", name="Create a survey")).to_have_count(0)
    expect(page.get_by_text("Ward 3 discharge survey")).to_have_count(0)
    tab.visit(feedback[FFT_TITLE].get_absolute_url() + "results/")
    expect(page.get_by_text("Download every response")).to_have_count(0)
    page.get_by_label("From").fill("2026-03-31")
    page.get_by_label("To", exact=True).fill("2026-01-01")
    page.get_by_role("button", name="Show results").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary.get_by_role("link", name="The end date must be the same as or after")).to_be_visible()
    tab.check()


def test_a_participant_answers_a_survey_signed_in_accessibly(tab, feedback, member):
    tab.sign_in(member.email)
    page = tab.page
    tab.visit("/o/demo/feedback/")
    mixed = feedback["mixed"]
    page.get_by_role("row").filter(has_text=mixed.title).get_by_role("link", name="Answer").click()
    page.wait_for_load_state("load")
    tab.check()
    page.get_by_label("Walked").check()
    page.get_by_label("A quiet room").check()
    page.get_by_role("group", name="How welcome did you feel?").get_by_label("4").check()
    page.get_by_role("group", name="Would you come again?").get_by_label("Not sure").check()
    page.get_by_label("Anything else?").fill("More parking, please.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, your answers have been sent")
    expect(page.get_by_text("Thank you. We read every answer.")).to_be_visible()
    tab.check()
    assert Response.objects.filter(survey=mixed, mode="signed_in").count() == 1


def test_the_survey_forms_with_errors_are_accessible(tab, feedback, lead):
    tab.sign_in(lead.email)
    page = tab.page
    summary = page.locator(".nhsuk-error-summary")

    tab.visit("/o/demo/feedback/add/")
    page.get_by_role("button", name="Create survey").click()
    expect(summary.get_by_role("link", name="Choose a template or a blank survey")).to_be_visible()
    expect(summary).to_be_focused()
    assert page.title().startswith("Error: Create a survey"), page.title()
    tab.check()
    # Problems in both of the page's forms are listed in the one summary that gets focus.
    page.get_by_label("Opens on").fill("2026-04-01")
    page.get_by_label("Closes on").fill("2026-03-01")
    page.get_by_role("button", name="Create survey").click()
    expect(summary.get_by_role("link", name="The closing date must be the same as or after")).to_be_visible()
    expect(summary).to_have_count(1)
    expect(summary.get_by_role("link", name="Choose a template or a blank survey")).to_be_visible()
    expect(summary).to_be_focused()
    tab.check()
    page.get_by_label("A blank survey: write your own questions").check()
    page.get_by_label("Opens on").fill("")
    page.get_by_label("Closes on").fill("")
    page.get_by_role("button", name="Create survey").click()
    expect(summary.get_by_role("link", name="Enter a title, for example")).to_be_visible()
    tab.check()

    draft = feedback["draft"].get_absolute_url()
    tab.visit(draft + "edit/")
    page.get_by_label("Title").fill("")
    page.get_by_label("Opens on").fill("2026-04-01")
    page.get_by_label("Closes on").fill("2026-03-01")
    page.get_by_role("button", name="Save survey").click()
    expect(summary.get_by_role("link", name="Enter a title, for example")).to_be_visible()
    expect(summary.get_by_role("link", name="The closing date must be the same as or after")).to_be_visible()
    tab.check()

    tab.visit(draft + "questions/add/")
    page.get_by_role("button", name="Save question").click()
    expect(summary.get_by_role("link", name="Choose the type of question")).to_be_visible()
    expect(summary.get_by_role("link", name="Enter the question, for example")).to_be_visible()
    tab.check()
    page.get_by_label("Choose one answer").check()
    page.get_by_label("Question", exact=True).fill("Which ward were you on?")
    page.get_by_label("Answers to choose from").fill("Ward 3")
    page.get_by_role("button", name="Save question").click()
    expect(summary.get_by_role("link", name="Enter at least 2 answers to choose from")).to_be_visible()
    tab.check()

    tab.visit(feedback["mixed"].get_absolute_url() + "assisted/")
    page.get_by_label("They are happy to be contacted about their feedback").check()
    page.get_by_role("button", name="Save their answers").click()
    expect(summary.get_by_role("link", name="Choose at least one answer to: What helped")).to_be_visible()
    expect(summary.get_by_role("link", name="Enter an email address or a phone number")).to_be_visible()
    tab.check()


def wait_as_a_person_would(shown: float) -> None:
    """People take at least a few seconds to answer; the public form turns away anything quicker."""
    time.sleep(max(0.0, min_seconds() + 0.3 - (time.monotonic() - shown)))


def test_the_public_survey_pages_are_accessible_and_keep_typed_answers(tab, feedback):
    page = tab.page
    summary = page.locator(".nhsuk-error-summary")
    fft = feedback[FFT_TITLE]
    tab.visit(fft.public_url())
    shown = time.monotonic()
    expect(page.get_by_role("heading", level=1)).to_have_text(FFT_TITLE)
    page.get_by_label(FFT_WHY).fill("The nurse explained my medication.")
    page.get_by_label("Your name (optional)").fill("Dana Rivers")
    wait_as_a_person_would(shown)
    page.get_by_role("button", name="Send").click()

    # The required question left unanswered: the summary says which, and nothing typed is lost.
    expect(summary.get_by_role("link", name=f"Choose an answer to: {FFT_QUESTION}")).to_be_visible()
    expect(summary).not_to_contain_text("quicker than we expected")
    expect(summary).to_be_focused()
    # The title says so too, once, for a screen reader user who hears it first.
    assert page.title().startswith(f"Error: {FFT_TITLE}"), page.title()
    expect(page.get_by_label(FFT_WHY)).to_have_value("The nurse explained my medication.")
    expect(page.get_by_label("Your name (optional)")).to_have_value("Dana Rivers")
    tab.check()
    page.get_by_label("Good", exact=True).check()

    # A waiting room's shared connection has sent a lot of answers: wait, with the answers kept.
    tab.expected_error_urls.add(tab.url(fft.public_url()))
    sent_from_here = RequestFactory().post(fft.public_url(), REMOTE_ADDR="127.0.0.1")
    for _ in range(rate_limit()[0]):
        rate_limited(sent_from_here, scope=f"survey:{fft.organisation_id}")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("alert")).to_contain_text("Please wait a few minutes")
    expect(page.get_by_label("Good", exact=True)).to_be_checked()
    expect(page.get_by_label(FFT_WHY)).to_have_value("The nurse explained my medication.")
    assert page.title().startswith(f"Error: {FFT_TITLE}"), page.title()
    tab.check()
    cache.clear()  # ten minutes later

    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, your answers have been sent")
    tab.check()
    response = fft.responses.get(answers__text="The nurse explained my medication.")
    assert sorted(a.choices for a in response.answers.all()) == [[], ["Good"]]
    assert response.contact_name == ""  # typed, but without agreeing to be contacted it is not kept

    # Sent straight away, as a script would: turned away kindly (400), with the answers kept.
    mixed = feedback["mixed"].public_url()
    tab.visit(mixed)
    tab.expected_error_urls.add(tab.url(mixed))
    page.get_by_label("A quiet room").check()
    page.get_by_label("Anything else?").fill("The room was too warm.")
    page.get_by_role("button", name="Send").click()
    expect(summary).to_contain_text("That was quicker than we expected")
    expect(page.get_by_label("A quiet room")).to_be_checked()
    expect(page.get_by_label("Anything else?")).to_have_value("The room was too warm.")
    tab.check()

    tab.visit(feedback["closed"].public_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("This survey is closed")


def test_someone_answers_the_public_friends_and_family_test_with_the_keyboard_alone(tab, feedback):
    page = tab.page
    keyboard = page.keyboard
    fft = feedback[FFT_TITLE]
    before = fft.responses.count()
    tab.goto(fft.public_url())
    shown = time.monotonic()

    first = press_until(page, lambda element: element["name"] and element["name"].startswith("question_"))
    assert first["value"] == "Very good"
    keyboard.press("Space")
    expect(page.get_by_role("radio", name="Very good")).to_be_checked()
    keyboard.press("ArrowDown")
    assert focused(page)["value"] == "Good"
    expect(page.get_by_role("radio", name="Good", exact=True)).to_be_checked()
    keyboard.press("Tab")
    assert focused(page)["id"] == page.get_by_label(FFT_WHY).get_attribute("id")
    keyboard.type("The receptionist knew my name.")
    seen = []
    press_until(page, lambda element: element["text"] == "Send", seen=seen)
    # On the way: the offer to be contacted, never the box left for robots.
    names = [element["name"] for element in seen]
    assert "contact_ok" in names and "website" not in names, names
    wait_as_a_person_would(shown)
    keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, your answers have been sent")
    tab.check()
    assert fft.responses.count() == before + 1
    response = fft.responses.get(mode="online", answers__text="The receptionist knew my name.")
    assert sorted(a.choices for a in response.answers.all()) == [[], ["Good"]]


def test_a_lead_s_trend_service_import_and_copy_pages_are_accessible(tab, feedback, lead):
    """Results month by month and by service with the service filter, importing a file of paper forms
    through its preview, copying a survey, and the paper form to print."""
    tab.sign_in(lead.email)
    page = tab.page
    fft = feedback[FFT_TITLE]
    url = fft.get_absolute_url()

    tab.visit(url + "results/")
    expect(page.get_by_role("heading", name="Month by month")).to_be_visible()
    expect(page.get_by_role("heading", name="By service")).to_be_visible()
    expect(page.get_by_role("img", name="Percentage positive (Very good or Good) by month")).to_be_visible()
    page.get_by_label("Service or team").select_option("Crisis and home treatment team")
    page.get_by_role("button", name="Show results").click()
    page.wait_for_load_state("load")
    expect(page.get_by_text("Only responses about Crisis and home treatment team.")).to_be_visible()
    expect(page.get_by_role("heading", name="By service")).to_have_count(0)
    tab.check()

    # The paper form to print is a real PDF.
    with page.expect_download() as download:
        page.goto(tab.url(url))
        page.get_by_role("link", name="Download the paper form to print").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    before = fft.responses.count()
    tab.visit(url + "import/")
    expect(page.get_by_role("cell", name=FFT_QUESTION + " (or Q1)")).to_be_visible()
    page.get_by_label("File of responses").set_input_files(
        files=[
            {
                "name": "paper-forms.csv",
                "mimeType": "text/csv",
                "buffer": (
                    f'"{FFT_QUESTION}",{FFT_WHY},Service\n'
                    "Very good,The nurse listened,Crisis and home treatment team\n"
                    "Grate,,\n"
                ).encode(),
            }
        ]
    )
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check the responses")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Row 3: 'Grate' is not an answer")
    tab.check()
    page.get_by_label("Save the rows without problems, and leave the others out").check()
    page.get_by_role("button", name="Save the responses").click()
    expect(page.get_by_text("Saved 1 responses from the file.")).to_be_visible()
    tab.check()
    assert fft.responses.count() == before + 1
    assert fft.responses.filter(mode="paper", service="Crisis and home treatment team").exists()

    page.get_by_role("button", name="Copy as a new draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Copy of {FFT_TITLE}")
    expect(page.get_by_role("button", name="Open the survey for answers")).to_be_visible()
    tab.check()

    tab.visit("/o/demo/feedback/add/")
    expect(page.get_by_label("Co-production evaluation for project teams")).to_be_visible()
    expect(page.get_by_label("Services people can choose from (optional)")).to_be_visible()


def test_the_public_form_offers_the_services_accessibly(tab, feedback):
    page = tab.page
    tab.visit(feedback[FFT_TITLE].public_url())
    group = page.get_by_role("group", name="Which service or team is your feedback about?")
    expect(group.get_by_role("radio")).to_have_count(3)
