"""Results by month and by service, the filters on the results page, and secondary suppression: a
hidden small number can never be worked out by subtracting what is shown from a total."""

import csv
import io
from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from coproduce.feedback.models import Response
from coproduce.feedback.selectors import survey_results
from coproduce.feedback.services import response_submit, survey_create_from_template
from coproduce.feedback.tests.factories import QuestionFactory, SurveyFactory, respond
from coproduce.lib.suppression import suppress_with_totals

pytestmark = pytest.mark.django_db


def moment(year: int, month: int, day: int = 10) -> datetime:
    return timezone.make_aware(datetime(year, month, day, 12, 0))


@pytest.fixture
def fft(organisation, lead):
    return survey_create_from_template(
        organisation=organisation,
        actor=lead,
        template="fft",
        status="open",
        about="Crisis team",
        service_choices=["Crisis team", "Ward 3"],
    )


def answer(survey, label: str, when: datetime, service: str = "", mode: str = "online") -> Response:
    rating = survey.questions.get(code="fft")
    return respond(survey, {rating: label}, mode=mode, submitted_at=when, service=service)


# --- Secondary suppression -----------------------------------------------------------------------


def test_one_hidden_count_beside_a_total_takes_the_next_smallest_with_it():
    assert suppress_with_totals([10, 3, 7, 0], small=5) == [10, None, None, 0]
    # Two already hidden: nothing more is needed.
    assert suppress_with_totals([10, 3, 2, 8], small=5) == [10, None, None, 8]
    # Without a total beside them (a multiple-choice question), only the small one goes.
    assert suppress_with_totals([10, 3, 7], small=5, total_shown=False) == [10, None, 7]
    # A published sum of two (FFT positive = Very good + Good) hides both or neither.
    assert suppress_with_totals([9, 4, 6, 0, 0, 6], small=5, linked=[(0, 1), (3, 4)]) == [
        None,
        None,
        6,
        0,
        0,
        6,
    ]


@given(
    st.lists(st.integers(min_value=0, max_value=60), min_size=2, max_size=8),
    st.booleans(),
)
def test_no_hidden_count_can_be_worked_out_from_the_total(counts, fft_pairs):
    linked = [(0, 1), (2, 3)] if fft_pairs and len(counts) >= 4 else []
    shown = suppress_with_totals(counts, small=5, linked=linked)
    total = sum(counts)
    hidden = [i for i, figure in enumerate(shown) if figure is None]

    assert all(shown[i] == counts[i] for i in range(len(counts)) if i not in hidden)
    assert all(i in hidden for i, count in enumerate(counts) if 0 < count < 5)
    if total >= 5:
        # Total minus what is shown is never one hidden number on its own.
        assert len(hidden) != 1
        for group in linked:
            # Nor is a published pair's sum minus its shown half.
            assert sum(i in hidden for i in group) in (0, len(group))


# --- By month -------------------------------------------------------------------------------------


def test_the_monthly_trend_counts_each_month_with_its_fft_percentages(fft):
    for label, n in {"Very good": 4, "Good": 2, "Poor": 1}.items():
        for _ in range(n):
            answer(fft, label, moment(2026, 1))
    # February: nobody. March: 5, all Very good.
    for _ in range(5):
        answer(fft, "Very good", moment(2026, 3))

    results = survey_results(survey=fft)

    months = [(group.label, group.responses) for group in results.by_month]
    assert months == [("January 2026", 7), ("February 2026", 0), ("March 2026", 5)]
    january, february, march = results.by_month
    assert (january.fft.positive, january.fft.negative) == (86, 14)  # 6 of 7, 1 of 7
    assert february.fft.positive is None
    assert (march.fft.positive, march.fft.negative) == (100, 0)

    # A change in the records changes the trend.
    answer(fft, "Poor", moment(2026, 3))
    march = survey_results(survey=fft).by_month[2]
    assert (march.responses, march.fft.positive, march.fft.negative) == (6, 83, 17)


def test_a_small_month_is_hidden_and_so_is_the_next_smallest_beside_the_total(fft):
    for month, n in [(1, 9), (2, 3), (3, 6)]:
        for _ in range(n):
            answer(fft, "Good", moment(2026, month))

    results = survey_results(survey=fft)

    assert results.responses == 18
    assert [group.responses for group in results.by_month] == [9, None, None]
    assert [group.fft.positive for group in results.by_month] == [100, None, 100]


# --- By service and the filters --------------------------------------------------------------------


def test_responses_choose_their_service_and_results_show_each(client, fft, lead):
    today = timezone.now()
    for _ in range(6):
        answer(fft, "Very good", today, service="Crisis team")
    for _ in range(5):
        answer(fft, "Poor", today, service="Ward 3")
    client.force_login(lead)
    base = f"/o/demo/feedback/{fft.public_id}/results/"

    results = survey_results(survey=fft)
    assert [(g.label, g.responses, g.fft.positive) for g in results.by_service] == [
        ("Crisis team", 6, 100),
        ("Ward 3", 5, 0),
    ]
    ward = survey_results(survey=fft, service="Ward 3")
    assert ward.responses == 5 and ward.questions[0].fft.negative == 100

    page = client.get(base, {"service": "Ward 3"}).content.decode()
    assert "Only responses about Ward 3." in page
    assert "By service" not in page  # one service chosen: nothing to break down
    page = client.get(base).content.decode()
    assert "By service" in page and "Month by month" in page
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(base[:-1] + ".csv", {"service": "Crisis team"}).content.decode("utf-8-sig")
            )
        )
    )
    assert ["All responses", "", "6", ""] in rows

    bad = client.get(base, {"service": "Somewhere else"})
    assert "Choose one of the services listed" in bad.content.decode()


def test_the_public_form_asks_which_service_and_keeps_it(client, fft):
    from coproduce.feedback import submission

    rating, why = fft.questions.all()
    data = {
        "idempotency_key": "s" * 32,
        "started": submission.started_token(timezone.now().timestamp() - 60),
        f"question_{rating.pk}": "Good",
        "service": "Ward 3",
    }
    url = f"/public/demo/surveys/{fft.public_id}/"

    assert "Which service or team is your feedback about?" in client.get(url).content.decode()
    assert client.post(url, data).status_code == 302
    assert Response.objects.get(idempotency_key="s" * 32).service == "Ward 3"
    # Not chosen: the survey's own service.
    client.post(url, {**data, "idempotency_key": "t" * 32, "service": ""})
    assert Response.objects.get(idempotency_key="t" * 32).service == "Crisis team"
    refused = client.post(url, {**data, "idempotency_key": "u" * 32, "service": "Nowhere"})
    assert "Choose one of the services listed" in refused.content.decode()
    assert not Response.objects.filter(idempotency_key="u" * 32).exists()


def test_the_service_is_checked_by_the_service_layer_too(fft):
    from django.core.exceptions import ValidationError

    rating = fft.questions.get(code="fft")
    with pytest.raises(ValidationError, match="Choose one of the services listed"):
        response_submit(
            survey=fft, mode="paper", idempotency_key="x" * 32, answers={rating.pk: "Good"}, service="Nowhere"
        )


def test_the_results_page_needs_the_same_queries_for_1_and_60_responses_over_many_months_and_services(
    client, fft, lead, django_assert_num_queries
):
    client.force_login(lead)
    url = f"/o/demo/feedback/{fft.public_id}/results/"
    answer(fft, "Good", moment(2025, 1), service="Ward 3")
    client.get(url)  # warm the session

    with CaptureQueriesContext(connection) as one:
        assert client.get(url, {"start": "2024-01-01", "service": ""}).status_code == 200
    labels = ["Very good", "Good", "Neither good nor poor", "Poor", "Very poor", "Don't know"]
    for n in range(59):
        answer(
            fft,
            labels[n % 6],
            moment(2025, 1 + n % 12, 1 + n % 27),
            service=["Crisis team", "Ward 3", ""][n % 3],
            mode=["online", "paper", "assisted"][n % 3],
        )
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(url, {"start": "2024-01-01", "service": ""})
    assert page.status_code == 200
    assert "December 2025" in page.content.decode()


def test_multiple_choice_rows_are_not_secondarily_suppressed(organisation):
    survey = SurveyFactory(organisation=organisation)
    question = QuestionFactory(survey=survey, kind="multiple_choice", choices=["A", "B", "C"], text="Which?")
    for chosen in [["A", "B"]] * 6 + [["C"]] * 2:
        respond(survey, {question: chosen})

    [result] = survey_results(survey=survey).questions

    # People choose several, so the rows do not add up to the 8 who answered: nothing to subtract.
    assert [row.count for row in result.rows] == [6, 6, None]


def test_results_filter_the_period_over_months(fft):
    for month in (1, 2, 3):
        for _ in range(5):
            answer(fft, "Good", moment(2026, month))

    results = survey_results(survey=fft, start=moment(2026, 2, 1).date(), end=moment(2026, 2, 28).date())

    assert results.responses == 5
    assert [g.label for g in results.by_month] == ["February 2026"]


def test_the_demo_fft_survey_shows_its_three_teams_and_six_months(organisation):
    from django.utils import translation

    from coproduce.feedback.demo import FFT_SERVICES, FFT_TITLE, seed_feedback

    with translation.override("en"):
        seed_feedback(organisation)
        seed_feedback(organisation)  # idempotent: the second run adds nothing
    survey = organisation.surveys.get(title=FFT_TITLE)

    results = survey_results(survey=survey)

    assert survey.responses.count() == 320
    assert [g.key for g in results.by_service] == FFT_SERVICES
    assert sum(g.responses for g in results.by_service) == 320
    # Six months back from today: the first, partly covered month may be too small to show.
    assert 6 <= len(results.by_month) <= 7
    assert all(g.fft.positive is not None for g in results.by_month[1:])
    for group in results.by_month:
        assert (group.responses is None) <= (group.fft.responses is None)  # never shown beside a hidden count
