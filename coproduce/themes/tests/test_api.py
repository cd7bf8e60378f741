"""The themes API: the same people and the same rules as the pages."""

import json

import pytest

from coproduce.api.services import api_token_create
from coproduce.themes import services
from coproduce.themes.models import Comment, Theme
from coproduce.themes.tests.factories import written_comments

pytestmark = pytest.mark.django_db


def auth(user) -> dict:
    _token, raw = api_token_create(user=user, name="Tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def comments(organisation):
    services.themes_setup_organisation(organisation)
    return written_comments(organisation, ["The food was cold", "I want to kill myself"])


def test_staff_list_themes_and_comments_with_risk_first(client, staff, comments):
    themes = client.get("/api/v1/orgs/demo/themes", **auth(staff)).json()
    assert [t["code"] for t in themes][:3] == ["staff-attitude", "staff-skills", "staffing-levels"]

    response = client.get("/api/v1/orgs/demo/comments", **auth(staff))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["items"][0]["text"] == "I want to kill myself" and body["items"][0]["risk"] == "flagged"
    survey = comments[0].survey.public_id
    assert client.get(f"/api/v1/orgs/demo/comments?survey={survey}", **auth(staff)).json()["count"] == 2


@pytest.mark.parametrize("person", ["member", "exec_", "finance"])
def test_people_who_may_not_read_comments_get_403(client, request, comments, person):
    response = client.get("/api/v1/orgs/demo/comments", **auth(request.getfixturevalue(person)))
    assert response.status_code == 403 and "written comments" in response.json()["detail"]


def test_staff_confirm_and_correct_labels(client, staff, comments, organisation):
    food = Theme.objects.get(organisation=organisation, code="food")
    url = f"/api/v1/orgs/demo/comments/{comments[0].public_id}/labels"

    response = client.put(
        url,
        data=json.dumps({"themes": [food.pk], "sentiment": "negative"}),
        content_type="application/json",
        **auth(staff),
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "confirmed"
    assert response.json()["themes"] == [{"theme_id": food.pk, "theme": "Food and drink", "score": None}]
    comments[0].refresh_from_db()
    assert comments[0].status == Comment.Status.CONFIRMED


def test_a_theme_of_another_organisation_is_refused(client, staff, comments, other_organisation):
    services.themes_setup_organisation(other_organisation)
    theirs = Theme.objects.filter(organisation=other_organisation).first()

    response = client.put(
        f"/api/v1/orgs/demo/comments/{comments[0].public_id}/labels",
        data=json.dumps({"themes": [theirs.pk], "sentiment": "negative"}),
        content_type="application/json",
        **auth(staff),
    )

    assert response.status_code == 422
    assert "Choose only themes from your organisation" in response.content.decode()


def test_the_summary_is_suppressed(client, exec_, comments):
    body = client.get("/api/v1/orgs/demo/themes/summary", **auth(exec_)).json()
    assert body["comments"] == 0  # nothing suggested yet, so no comment is counted
    assert all(row["total"] in (None, 0) or row["total"] >= 5 for row in body["rows"])
