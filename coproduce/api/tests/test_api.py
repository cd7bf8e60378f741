"""The API through HTTP: tokens, scoping to your organisations, admin-only members, clear errors."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coproduce.api.models import ApiToken
from coproduce.api.services import api_token_create, api_token_revoke
from coproduce.core.models import Membership
from coproduce.core.tests.factories import MembershipFactory, OrganisationFactory

AUTH_DETAIL = "Authentication required: send a valid token as 'Authorization: Bearer <token>'."


def bearer(user) -> dict:
    _token, raw = api_token_create(user=user, name="Tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def as_admin(admin):
    return bearer(admin)


# --- Authentication ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/api/v1/me", "/api/v1/orgs", "/api/v1/orgs/demo", "/api/v1/orgs/demo/members"]
)
@pytest.mark.parametrize(
    "header",
    [None, "Bearer ", "Bearer cop_not-a-real-token", "Basic YWRtaW46cGFzc3dvcmQ=", "cop_without-the-scheme"],
)
def test_without_a_valid_token_the_api_answers_401_with_a_detail(client, admin, url, header):
    headers = {} if header is None else {"HTTP_AUTHORIZATION": header}

    response = client.get(url, **headers)

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": AUTH_DETAIL}


def test_a_revoked_token_is_refused(client, admin):
    token, raw = api_token_create(user=admin, name="Old laptop")
    api_token_revoke(token=token, revoked_by=admin)

    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert response.status_code == 401
    assert response.json() == {"detail": AUTH_DETAIL}


def test_a_deactivated_persons_token_is_refused(client, admin):
    headers = bearer(admin)
    admin.is_active = False
    admin.save()

    assert client.get("/api/v1/me", **headers).status_code == 401


def test_a_signed_in_browser_session_is_not_enough(client, admin):
    # Only tokens authenticate the API, so a page elsewhere cannot make a signed-in browser call it.
    client.force_login(admin)

    assert client.get("/api/v1/me").status_code == 401


def test_using_a_token_records_when_it_was_last_used(client, admin):
    token, raw = api_token_create(user=admin, name="Report")
    assert token.last_used_at is None

    before = timezone.now()
    client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")

    token.refresh_from_db()
    assert token.last_used_at is not None
    assert token.last_used_at >= before


def test_last_used_is_written_at_most_once_a_minute(client, admin):
    token, raw = api_token_create(user=admin, name="Report")
    recent = timezone.now() - timedelta(seconds=10)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent)

    client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    token.refresh_from_db()
    assert token.last_used_at == recent

    stale = timezone.now() - timedelta(minutes=5)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=stale)
    client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    token.refresh_from_db()
    assert token.last_used_at > stale


# --- /me and /orgs ------------------------------------------------------------------------------


def test_me_lists_your_organisations_with_your_roles(client, admin, outsider, other_organisation):
    Membership.objects.get(user=admin).role_set.create(role="lead")
    MembershipFactory(user=admin, organisation=other_organisation, roles=["participant"])

    response = client.get("/api/v1/me", **bearer(admin))

    assert response.status_code == 200
    assert response.json() == {
        "email": "admin@demo.test",
        "full_name": "Alex Admin",
        "organisations": [
            {"slug": "demo", "name": "Demo Mental Health NHS Foundation Trust", "roles": ["admin", "lead"]},
            {"slug": "other", "name": "Other Community Mental Health Charity", "roles": ["participant"]},
        ],
    }


def test_me_does_not_mention_organisations_you_are_not_in(client, outsider, admin):
    body = client.get("/api/v1/me", **bearer(outsider)).json()

    assert [org["slug"] for org in body["organisations"]] == ["other"]


def test_orgs_is_paginated_with_the_total_count(client, admin):
    for name in ["Bravo Trust", "Charlie Council", "Delta Charity"]:
        MembershipFactory(user=admin, organisation=OrganisationFactory(name=name), roles=["staff"])

    first = client.get("/api/v1/orgs?page_size=2", **bearer(admin)).json()
    second = client.get("/api/v1/orgs?page_size=2&page=2", **bearer(admin)).json()
    beyond = client.get("/api/v1/orgs?page_size=2&page=3", **bearer(admin)).json()

    assert first["count"] == second["count"] == beyond["count"] == 4
    assert [org["name"] for org in first["items"]] == ["Bravo Trust", "Charlie Council"]
    assert [org["name"] for org in second["items"]] == [
        "Delta Charity",
        "Demo Mental Health NHS Foundation Trust",
    ]
    assert second["items"][1] == {
        "slug": "demo",
        "name": "Demo Mental Health NHS Foundation Trust",
        "roles": ["admin"],
    }
    assert beyond["items"] == []


def test_orgs_pages_hold_25_by_default(client, admin):
    for _ in range(26):
        MembershipFactory(user=admin, organisation=OrganisationFactory(), roles=["staff"])

    body = client.get("/api/v1/orgs", **bearer(admin)).json()

    assert body["count"] == 27
    assert len(body["items"]) == 25


# --- /orgs/{slug} -------------------------------------------------------------------------------


def test_org_detail_for_a_member(client, organisation, member):
    organisation.contact_email = "involvement@demo.test"
    organisation.save()

    response = client.get("/api/v1/orgs/demo", **bearer(member))

    assert response.status_code == 200
    assert response.json() == {
        "slug": "demo",
        "name": "Demo Mental Health NHS Foundation Trust",
        "contact_email": "involvement@demo.test",
        "contact_phone": "",
        "require_two_factor": False,
        "your_roles": ["participant"],
    }


def test_an_org_you_are_not_in_looks_exactly_like_one_that_does_not_exist(client, admin, outsider):
    headers = bearer(outsider)

    not_yours = client.get("/api/v1/orgs/demo", **headers)
    missing = client.get("/api/v1/orgs/no-such-organisation", **headers)

    assert not_yours.status_code == missing.status_code == 404
    assert not_yours.content == missing.content
    assert not_yours.json() == {"detail": "Not found."}


@pytest.mark.parametrize("slug", ["%00", "a%00b", "%E2%9C%93", "x" * 61, "demo%20", "..."])
def test_a_slug_that_cannot_exist_is_not_found_not_a_server_error(client, admin, slug):
    # A NUL byte reaching PostgreSQL would raise an error; the router answers 404 without a query.
    headers = bearer(admin)

    for url in (f"/api/v1/orgs/{slug}", f"/api/v1/orgs/{slug}/members"):
        response = client.get(url, **headers)
        assert response.status_code == 404, url
        assert response.json() == {"detail": "Not found."}


# --- Two-factor authentication ----------------------------------------------------------------


@pytest.fixture
def two_factor_required(organisation):
    organisation.require_two_factor = True
    organisation.save()
    return organisation


@pytest.mark.parametrize("url", ["/api/v1/orgs/demo", "/api/v1/orgs/demo/members"])
def test_a_token_is_no_way_round_the_organisations_two_factor_rule(client, two_factor_required, admin, url):
    # The pages send an admin without two-factor to set it up; the API must hold back the same data.
    response = client.get(url, **bearer(admin))

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Demo Mental Health NHS Foundation Trust asks people in your role to use two-factor "
        "authentication. Set it up on your account page in Coproduce, then try again."
    }


def test_with_two_factor_set_up_the_api_answers(client, two_factor_required, admin):
    Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={"secret": "x"})

    assert client.get("/api/v1/orgs/demo/members", **bearer(admin)).status_code == 200


def test_participants_are_not_asked_for_two_factor(client, two_factor_required, member):
    # Two-factor must not become a barrier to taking part.
    assert client.get("/api/v1/orgs/demo", **bearer(member)).status_code == 200


def test_an_outsider_still_gets_404_where_two_factor_is_required(client, two_factor_required, outsider):
    assert client.get("/api/v1/orgs/demo", **bearer(outsider)).status_code == 404


# --- /orgs/{slug}/members -----------------------------------------------------------------------


def test_an_admin_lists_members_with_their_roles(client, admin, member, carer, outsider):
    membership = Membership.objects.get(user=member)
    membership.role_set.create(role="carer")

    response = client.get("/api/v1/orgs/demo/members", **bearer(admin))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    by_email = {item["email"]: item for item in body["items"]}
    assert set(by_email) == {"admin@demo.test", "member@demo.test", "carer@demo.test"}
    assert by_email["member@demo.test"] == {
        "id": str(membership.public_id),
        "email": "member@demo.test",
        "full_name": "Pat Member",
        "roles": ["carer", "participant"],
        "joined_at": by_email["member@demo.test"]["joined_at"],
    }
    assert by_email["admin@demo.test"]["roles"] == ["admin"]
    # Nobody from another organisation, in any form.
    assert "other.test" not in response.content.decode()


def test_members_are_paginated(client, admin, organisation):
    MembershipFactory.create_batch(4, organisation=organisation)

    body = client.get("/api/v1/orgs/demo/members?page_size=2&page=3", **bearer(admin)).json()

    assert body["count"] == 5
    assert len(body["items"]) == 1


def test_members_can_be_filtered_by_role(client, admin, member, carer, staff):
    body = client.get("/api/v1/orgs/demo/members?role=carer", **bearer(admin)).json()

    assert body["count"] == 1
    assert [item["email"] for item in body["items"]] == ["carer@demo.test"]


def test_an_empty_role_filter_means_any_role(client, admin, member):
    body = client.get("/api/v1/orgs/demo/members?role=", **bearer(admin)).json()

    assert body["count"] == 2


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("pat", ["member@demo.test"]),  # part of a name, any case
        ("CARER@DEMO", ["carer@demo.test"]),  # part of an email address
        ("demo.test", ["admin@demo.test", "carer@demo.test", "member@demo.test"]),
        ("nobody", []),
    ],
)
def test_members_can_be_searched_by_name_or_email(client, admin, member, carer, q, expected):
    body = client.get("/api/v1/orgs/demo/members", {"q": q}, **bearer(admin)).json()

    assert sorted(item["email"] for item in body["items"]) == expected
    assert body["count"] == len(expected)


@pytest.mark.parametrize("person", ["lead", "member", "carer", "staff", "exec_", "finance"])
def test_only_admins_may_list_members(client, request, person):
    user = request.getfixturevalue(person)

    response = client.get("/api/v1/orgs/demo/members", **bearer(user))

    assert response.status_code == 403
    assert response.json() == {"detail": "Only organisation admins can list members."}


def test_an_outsider_cannot_list_members_and_learns_nothing(client, admin, member, outsider):
    headers = bearer(outsider)

    not_yours = client.get("/api/v1/orgs/demo/members", **headers)
    missing = client.get("/api/v1/orgs/no-such-organisation/members", **headers)

    assert not_yours.status_code == missing.status_code == 404
    assert not_yours.content == missing.content
    assert b"demo.test" not in not_yours.content


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("page=1.5", "page"),
        ("page=99999999999999999999999", "page"),
        ("page_size=0", "page_size"),
        ("page_size=1000", "page_size"),
        ("page_size=ten", "page_size"),
        ("role=superuser", "role"),
        ("q=" + "x" * 201, "q"),
        ("q=%00", "q"),
    ],
)
def test_bad_query_values_give_422_with_the_field_and_what_is_wrong(client, admin, query, field):
    response = client.get(f"/api/v1/orgs/demo/members?{query}", **bearer(admin))

    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Some values are not valid: see errors."
    assert [error["field"] for error in body["errors"]] == [field]
    assert all(isinstance(error["message"], str) and error["message"] for error in body["errors"])


@pytest.mark.parametrize("query", ["page=0", "page=abc", "page_size=1000"])
def test_orgs_rejects_bad_pagination_with_422(client, admin, query):
    response = client.get(f"/api/v1/orgs?{query}", **bearer(admin))

    assert response.status_code == 422
    assert set(response.json()) == {"detail", "errors"}


def test_the_nul_search_error_says_what_to_do(client, admin):
    body = client.get("/api/v1/orgs/demo/members?q=a%00b", **bearer(admin)).json()

    assert "Remove the NUL character" in body["errors"][0]["message"]


@given(text=st.text(max_size=60))
@settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_text_as_a_slug_or_filter_gets_an_answer_not_a_server_error(client, as_admin, text):
    # Hypothesis tries NUL bytes, control characters and astral symbols; PostgreSQL rejects NUL.
    urls = [
        f"/api/v1/orgs/{quote(text, safe='')}",
        f"/api/v1/orgs/{quote(text, safe='')}/members",
        "/api/v1/orgs/demo/members?" + "&".join(f"{key}={quote(text, safe='')}" for key in ("q", "role")),
        f"/api/v1/orgs/demo/members?q={quote(text, safe='')}",
    ]
    for url in urls:
        response = client.get(url, **as_admin)
        assert response.status_code in (200, 404, 422), f"{url} answered {response.status_code}"


# --- Performance --------------------------------------------------------------------------------


def _queries_for_members_list(client, headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/orgs/demo/members?page_size=100", **headers)
    assert response.status_code == 200
    return len(queries)


def test_listing_members_takes_the_same_number_of_queries_for_1_or_50_more(client, admin, organisation):
    headers = bearer(admin)
    client.get("/api/v1/me", **headers)  # records last use now, so later requests do not write
    MembershipFactory(organisation=organisation, roles=["participant", "carer"])
    with_one = _queries_for_members_list(client, headers)

    for _ in range(50):
        MembershipFactory(organisation=organisation, roles=["participant", "carer"])
    with_fifty_one = _queries_for_members_list(client, headers)

    assert with_one == with_fifty_one
    assert client.get("/api/v1/orgs/demo/members?page_size=100", **headers).json()["count"] == 52


def test_listing_organisations_takes_the_same_number_of_queries_for_1_or_20(client, admin):
    headers = bearer(admin)
    client.get("/api/v1/me", **headers)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/orgs?page_size=100", **headers).status_code == 200
        return len(queries)

    with_one = count()
    for _ in range(20):
        MembershipFactory(user=admin, organisation=OrganisationFactory(), roles=["staff", "lead"])

    assert count() == with_one


# --- Documentation ------------------------------------------------------------------------------


def test_the_openapi_schema_and_docs_are_served(client, db):
    schema = client.get("/api/v1/openapi.json")

    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert set(paths) == {
        "/api/v1/me",
        "/api/v1/orgs",
        "/api/v1/orgs/{slug}",
        "/api/v1/orgs/{slug}/members",
        "/api/v1/orgs/{slug}/people",
        "/api/v1/orgs/{slug}/people/{person_id}",
        "/api/v1/orgs/{slug}/people/{person_id}/checks",
        "/api/v1/orgs/{slug}/people/{person_id}/consents",
        "/api/v1/orgs/{slug}/groups",
        "/api/v1/orgs/{slug}/groups/{group_id}/members",
        "/api/v1/public/{slug}/opportunities",
        "/api/v1/orgs/{slug}/opportunities",
        "/api/v1/orgs/{slug}/opportunities/{opportunity_id}",
        "/api/v1/orgs/{slug}/opportunities/{opportunity_id}/interests",
        "/api/v1/orgs/{slug}/activity-types",
        "/api/v1/orgs/{slug}/activities",
        "/api/v1/orgs/{slug}/activities/{activity_id}",
        "/api/v1/orgs/{slug}/activities/{activity_id}/attendance",
        "/api/v1/orgs/{slug}/volunteer-roles",
        "/api/v1/orgs/{slug}/placements",
        "/api/v1/orgs/{slug}/reports/involvement",
        "/api/v1/orgs/{slug}/projects",
        "/api/v1/orgs/{slug}/projects/{project_id}",
        "/api/v1/orgs/{slug}/projects/{project_id}/team",
        "/api/v1/orgs/{slug}/projects/{project_id}/team/{team_member_id}/leave",
        "/api/v1/orgs/{slug}/projects/{project_id}/decisions",
        "/api/v1/orgs/{slug}/projects/{project_id}/decisions/{decision_id}",
        "/api/v1/orgs/{slug}/projects/{project_id}/ladder",
        "/api/v1/orgs/{slug}/projects/{project_id}/ladder/ratings",
        "/api/v1/orgs/{slug}/projects/{project_id}/ladder/declarations",
        "/api/v1/orgs/{slug}/projects/{project_id}/scorecard",
        "/api/v1/orgs/{slug}/surveys",
        "/api/v1/orgs/{slug}/surveys/{survey_id}",
        "/api/v1/orgs/{slug}/surveys/{survey_id}/responses",
        "/api/v1/orgs/{slug}/surveys/{survey_id}/results",
        "/api/v1/public/{slug}/surveys/{survey_id}",
        "/api/v1/public/{slug}/surveys/{survey_id}/responses",
        "/api/v1/orgs/{slug}/themes",
        "/api/v1/orgs/{slug}/themes/summary",
        "/api/v1/orgs/{slug}/comments",
        "/api/v1/orgs/{slug}/comments/{comment_id}/labels",
        "/api/v1/orgs/{slug}/you-said",
        "/api/v1/orgs/{slug}/you-said/{item_id}",
        "/api/v1/orgs/{slug}/you-said/{item_id}/answers",
        "/api/v1/orgs/{slug}/you-said/{item_id}/answers/{answer_id}",
        "/api/v1/orgs/{slug}/you-said/{item_id}/answers/{answer_id}/publication",
        "/api/v1/public/{slug}/you-said-we-did",
    }
    public = []
    for path, operations in paths.items():
        for operation in operations.values():
            if "security" in operation:
                assert "401" in operation["responses"], operation["operationId"]
            else:
                public.append(path)
    # Only what an organisation chooses to show anyone is open without a token: all under /public/.
    assert public == [
        "/api/v1/public/{slug}/opportunities",
        "/api/v1/public/{slug}/surveys/{survey_id}",
        "/api/v1/public/{slug}/surveys/{survey_id}/responses",
        "/api/v1/public/{slug}/you-said-we-did",
    ]
    assert client.get("/api/v1/docs").status_code == 200
