"""The API: the same permissions as the pages, the same approval rule, and the public board as JSON."""

import pytest

from coproduce.api.services import api_token_create
from coproduce.yousaid.models import WeDid

from .factories import answer, item, publish, yousaid_values


def call(client, user, method, url, body=None):
    _token, raw = api_token_create(user=user, name="test")
    kwargs = {"data": body, "content_type": "application/json"} if body is not None else {}
    return getattr(client, method)(url, HTTP_AUTHORIZATION=f"Bearer {raw}", **kwargs)


@pytest.mark.parametrize(
    ("role", "read", "write", "approve"),
    [
        ("lead", 200, 201, 200),
        ("staff", 200, 201, 403),
        ("exec", 200, 403, 403),
        ("member", 403, 403, 403),
        ("finance", 403, 403, 403),
    ],
)
def test_permissions_per_role(client, organisation, admin, everyone, role, read, write, approve):
    values = yousaid_values(organisation, admin)
    user = everyone[role]
    base = f"/api/v1/orgs/demo/you-said/{values['item']}"

    assert call(client, user, "get", "/api/v1/orgs/demo/you-said").status_code == read
    assert call(client, user, "get", base).status_code == read
    assert (
        call(client, user, "post", "/api/v1/orgs/demo/you-said", {"summary": "Said by API"}).status_code
        == write
    )
    response = call(
        client, user, "post", f"{base}/answers/{values['response']}/publication", {"action": "approve"}
    )
    assert response.status_code == approve
    published = WeDid.objects.get(public_id=values["response"]).publication == "published"
    assert published is (approve == 200)


def test_a_will_without_a_date_is_refused_by_field(client, organisation, admin, lead):
    values = yousaid_values(organisation, admin)
    response = call(
        client,
        lead,
        "post",
        f"/api/v1/orgs/demo/you-said/{values['item']}/answers",
        {"kind": "will", "action": "Do it"},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "due_on", "message": "Enter the date by which we will do it, for example 31 3 2027"}
    ]


def test_the_public_board_as_json_needs_no_token_and_shows_only_published(
    client, organisation, other_organisation, lead, staff, outsider
):
    shown = item(organisation, lead, summary="Shown by JSON")
    publish(answer(shown, staff, action="We did it"), lead)
    answer(shown, staff, kind="will", action="Draft not shown")
    item(organisation, lead, summary="Not answered")
    publish(answer(item(other_organisation, outsider, summary="Theirs"), outsider), outsider)

    data = client.get("/api/v1/public/demo/you-said-we-did").json()

    assert data["count"] == 1
    [entry] = data["items"]
    assert entry["you_said"] == "Shown by JSON"
    assert [a["action"] for a in entry["we_did"]] == ["We did it"]
    assert client.get("/api/v1/public/nowhere/you-said-we-did").status_code == 404


def test_the_public_board_refuses_odd_theme_filters_with_a_clear_answer(client, organisation):
    """Found by schemathesis: a repeated, blank theme filter once reached the bounds check as None (500)."""
    odd = "/api/v1/public/%C2%A2%C3%8A/you-said-we-did?theme_id=%C2%A2&theme_id=&page=1"
    assert client.get(odd).status_code in (404, 422)
    board = f"/api/v1/public/{organisation.slug}/you-said-we-did"
    assert client.get(board, {"theme_id": "abc"}).status_code == 422
    assert client.get(board, {"theme_id": "0"}).status_code == 422
    assert client.get(board, {"theme_id": ""}).status_code == 200


def test_only_a_lead_may_link_comments_when_recording_an_item(client, organisation, admin, staff, lead):
    from coproduce.yousaid.models import YouSaid

    values = yousaid_values(organisation, admin)
    comment_ids = list(YouSaid.objects.get(public_id=values["item"]).comments.values_list("pk", flat=True))
    body = {"summary": "Said with comments", "comment_ids": comment_ids}

    refused = call(client, staff, "post", "/api/v1/orgs/demo/you-said", body)
    assert refused.status_code == 403
    assert "Only organisation admins and involvement leads can link comments" in refused.json()["detail"]
    assert not YouSaid.objects.filter(summary="Said with comments").exists()
    # Without comments staff may still record it; a lead may link them.
    assert call(client, staff, "post", "/api/v1/orgs/demo/you-said", {"summary": "Said"}).status_code == 201
    assert call(client, lead, "post", "/api/v1/orgs/demo/you-said", body).status_code == 201
    assert YouSaid.objects.get(summary="Said with comments").comments.count() == 1
