"""The pages: the framework, the review queue and the summary, through HTTP, as each role."""

import pytest

from coproduce.core.models import AuditEvent
from coproduce.themes import services
from coproduce.themes.models import Comment, Theme
from coproduce.themes.tests.factories import ThemeFactory, written_comments

pytestmark = pytest.mark.django_db


@pytest.fixture
def framework(organisation):
    services.themes_setup_organisation(organisation)
    return organisation


def test_a_lead_adds_renames_describes_and_retires_a_theme(client, lead, framework):
    client.force_login(lead)

    response = client.post("/o/demo/themes/", {"name": "Peer support", "description": "Peer workers"})
    assert response.status_code == 302
    theme = Theme.objects.get(organisation=framework, name="Peer support")
    assert theme.code == "" and theme.is_active

    response = client.post(
        f"/o/demo/themes/{theme.pk}/", {"name": "Peer workers", "description": "With lived experience"}
    )
    theme.refresh_from_db()
    assert (theme.name, theme.description) == ("Peer workers", "With lived experience")

    client.post(f"/o/demo/themes/{theme.pk}/status/", {"active": "0"})
    theme.refresh_from_db()
    assert not theme.is_active
    page = client.get("/o/demo/themes/").content.decode()
    assert "Peer workers" in page and "Retired" in page
    actions = set(AuditEvent.objects.filter(organisation=framework).values_list("action", flat=True))
    assert {"theme.created", "theme.updated", "theme.retired"} <= actions


def test_a_theme_name_must_be_given_and_not_taken(client, lead, framework):
    client.force_login(lead)

    page = client.post("/o/demo/themes/", {"name": ""}).content.decode()
    assert "Enter a name for the theme" in page
    page = client.post("/o/demo/themes/", {"name": "medication"}).content.decode()
    assert "There is already a theme called" in page
    assert Theme.objects.filter(organisation=framework, name__iexact="medication").count() == 1


@pytest.mark.parametrize(
    ("person", "framework_page", "queue", "summary"),
    [
        ("admin", 200, 200, 200),
        ("lead", 200, 200, 200),
        ("staff", 403, 200, 200),
        ("exec_", 403, 403, 200),
        ("member", 403, 403, 403),
        ("carer", 403, 403, 403),
        ("finance", 403, 403, 403),
    ],
)
def test_who_may_use_each_page(client, request, framework, person, framework_page, queue, summary):
    client.force_login(request.getfixturevalue(person))

    assert client.get("/o/demo/themes/").status_code == framework_page
    assert client.post("/o/demo/themes/", {"name": "X"}).status_code == (
        302 if framework_page == 200 else 403
    )
    assert client.get("/o/demo/themes/review/").status_code == queue
    assert client.get("/o/demo/themes/summary/").status_code == summary


def test_a_reviewer_confirms_and_moves_to_the_next_comment_risk_first(client, staff, framework, starter):
    ordinary, risky = written_comments(framework, ["The food was cold", "I keep thinking about suicide"])
    services.comments_suggest(organisation=framework)
    client.force_login(staff)

    queue = client.get("/o/demo/themes/review/").content.decode()
    assert queue.index("I keep thinking about suicide") < queue.index("The food was cold")
    assert "Possible risk: act now" in queue
    page = client.get(f"/o/demo/themes/comments/{ordinary.public_id}/").content.decode()
    food = Theme.objects.get(organisation=framework, code="food")
    assert f'value="{food.pk}" checked' in page  # the suggestion is ticked already

    response = client.post(
        f"/o/demo/themes/comments/{ordinary.public_id}/", {"themes": [food.pk], "sentiment": "negative"}
    )

    assert response["Location"] == f"/o/demo/themes/comments/{risky.public_id}/"
    ordinary.refresh_from_db()
    assert ordinary.status == Comment.Status.CONFIRMED and ordinary.confirmed_by == staff
    assert AuditEvent.objects.filter(action="theme.comment_confirmed", actor=staff).exists()


def test_confirming_needs_a_theme_and_a_sentiment(client, staff, framework):
    [comment] = written_comments(framework, ["Hard to say"])
    client.force_login(staff)

    response = client.post(f"/o/demo/themes/comments/{comment.public_id}/", {})

    page = response.content.decode()
    assert "Choose at least one theme" in page and "Choose whether the comment is positive" in page
    comment.refresh_from_db()
    assert comment.status == Comment.Status.WAITING


def test_a_reviewer_records_what_they_did_about_a_risk(client, staff, framework):
    [risky] = written_comments(framework, ["He hit me on the ward"])
    client.force_login(staff)
    url = f"/o/demo/themes/comments/{risky.public_id}/risk/"

    page = client.post(url, {"action": "safeguarding", "note": ""}).content.decode()
    assert "Write what you did" in page

    client.post(url, {"action": "safeguarding", "note": "Called the safeguarding team"})
    risky.refresh_from_db()
    assert risky.risk == Comment.Risk.ACTIONED and risky.risk_note == "Called the safeguarding team"
    page = client.get(f"/o/demo/themes/comments/{risky.public_id}/").content.decode()
    assert "Called the safeguarding team" in page and "Jo Staff" in page


def test_answers_from_before_themes_are_added_to_the_queue(
    client, lead, framework, django_capture_on_commit_callbacks
):
    written_comments(framework, ["Great staff"])
    Comment.objects.all().delete()
    client.force_login(lead)
    assert "1 written answer is not in the queue yet" in client.get("/o/demo/themes/review/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):  # the background task, run at once in tests
        client.post("/o/demo/themes/review/sync/")

    assert Comment.objects.filter(organisation=framework).count() == 1


def _label(comments, theme, sentiment, lead):
    for comment in comments:
        services.comment_confirm(comment=comment, actor=lead, theme_ids=[theme.pk], sentiment=sentiment)


def test_the_summary_counts_per_theme_and_sentiment_and_suppresses_fewer_than_5(
    client, exec_, lead, framework
):
    food = Theme.objects.get(organisation=framework, code="food")
    comments = written_comments(framework, [f"Food comment {n}" for n in range(9)])
    _label(comments[:5], food, "negative", lead)
    _label(comments[5:], food, "positive", lead)
    client.force_login(exec_)

    page = client.get("/o/demo/themes/summary/?checked=1").content.decode()

    row = page[page.index('<th scope="row" class="nhsuk-table__header">Food and drink') :]
    row = row[: row.index("</tr>")]
    # 4 positive, and the 5 negative withheld too, or 9 - 5 would give the 4 away.
    assert row.count("fewer than 5") == 2
    assert ">0</td>" in row and ">9</td>" in row and ">5</td>" not in row
    assert "Food comment" not in page  # counts only, never the words

    # A fifth positive comment: now shown.
    more = written_comments(framework, ["Food comment 9"], survey=comments[0].survey)[-1]
    _label([more], food, "positive", lead)
    page = client.get("/o/demo/themes/summary/?checked=1").content.decode()
    row = page[page.index('<th scope="row" class="nhsuk-table__header">Food and drink') :]
    assert row[: row.index("</tr>")].count(">5</td>") == 2


@pytest.mark.parametrize("rows", [1, 30])
def test_list_pages_take_the_same_queries_for_one_or_many_comments(
    client, lead, framework, rows, django_assert_num_queries
):
    food = Theme.objects.get(organisation=framework, code="food")
    comments = written_comments(framework, [f"Comment {n} about food" for n in range(rows)])
    for comment in comments:
        services.comment_confirm(comment=comment, actor=lead, theme_ids=[food.pk], sentiment="neutral")
    ThemeFactory(organisation=framework, name="Extra")
    client.force_login(lead)
    client.get("/o/demo/themes/review/?view=all")  # warm the session

    with django_assert_num_queries(QUERIES["queue"]):
        assert client.get("/o/demo/themes/review/?view=all").status_code == 200
    with django_assert_num_queries(QUERIES["summary"]):
        assert client.get("/o/demo/themes/summary/").status_code == 200
    with django_assert_num_queries(QUERIES["framework"]):
        assert client.get("/o/demo/themes/").status_code == 200


QUERIES = {"queue": 11, "summary": 8, "framework": 5}
