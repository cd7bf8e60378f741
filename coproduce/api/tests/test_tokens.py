"""Personal access tokens: made on the account page or the command line, shown once, kept only hashed."""

import io

import pytest
from django.core.management import CommandError, call_command

from coproduce.api.models import ApiToken, hash_token
from coproduce.api.services import api_token_create
from coproduce.core.models import AuditEvent

TOKENS_URL = "/account/tokens/"


def _revoke_url(token: ApiToken) -> str:
    return f"/account/tokens/{token.pk}/revoke/"


def _api_me(client, raw: str):
    return client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")


def _create_on_the_page(client, name: str = "Monthly board report") -> str:
    response = client.post(TOKENS_URL, {"name": name})
    assert response.status_code == 200
    return response.context["new_token"]


def test_the_tokens_page_asks_you_to_sign_in(client, db):
    response = client.get(TOKENS_URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_page_says_when_you_have_no_tokens(client, admin):
    client.force_login(admin)

    response = client.get(TOKENS_URL)

    assert response.status_code == 200
    assert "You have no tokens" in response.content.decode()


def test_creating_a_token_shows_it_once_and_it_works(client, admin):
    client.force_login(admin)

    response = client.post(TOKENS_URL, {"name": "Monthly board report"})

    assert response.status_code == 200
    raw = response.context["new_token"]
    assert raw.startswith("cop_")
    page = response.content.decode()
    assert raw in page
    assert "Copy it now" in page
    assert "Monthly board report" in page
    assert _api_me(client, raw).json()["email"] == "admin@demo.test"
    # Shown once: the list afterwards has the name and the first characters, never the token.
    later = client.get(TOKENS_URL).content.decode()
    assert raw not in later
    assert "Monthly board report" in later
    assert raw[:8] in later


def test_the_token_is_stored_only_as_a_hash(client, admin):
    client.force_login(admin)

    raw = _create_on_the_page(client)

    token = ApiToken.objects.get(user=admin)
    assert token.token_hash == hash_token(raw)
    assert token.prefix == raw[:8]
    stored = [str(value) for row in ApiToken.objects.values_list() for value in row]
    stored += [str(value) for row in AuditEvent.objects.values_list() for value in row]
    assert not any(raw in value for value in stored)
    assert not any(raw[8:] in value for value in stored)


def test_creating_a_token_is_audited(client, admin):
    client.force_login(admin)

    _create_on_the_page(client, name="Board report")

    token = ApiToken.objects.get(user=admin)
    event = AuditEvent.objects.get(action="api_token.created")
    assert event.actor == admin
    assert event.organisation is None
    assert event.target_type == "api.apitoken"
    assert event.target_id == str(token.pk)
    assert "Board report" in event.target_label


def test_a_token_needs_a_name(client, admin):
    client.force_login(admin)

    response = client.post(TOKENS_URL, {"name": "  "})

    assert response.status_code == 200
    assert "Enter what the token is for" in response.content.decode()
    assert response.context["new_token"] is None
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(action="api_token.created").exists()


def test_you_only_see_your_own_tokens(client, admin, member):
    api_token_create(user=member, name="Pat's spreadsheet")
    client.force_login(admin)

    assert "Pat's spreadsheet" not in client.get(TOKENS_URL).content.decode()


def test_revoking_a_token_stops_it_working_and_is_audited(client, admin):
    client.force_login(admin)
    raw = _create_on_the_page(client)
    token = ApiToken.objects.get(user=admin)
    assert _api_me(client, raw).status_code == 200

    response = client.post(_revoke_url(token), follow=True)

    assert response.redirect_chain == [(TOKENS_URL, 302)]
    assert "revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert _api_me(client, raw).status_code == 401
    event = AuditEvent.objects.get(action="api_token.revoked")
    assert event.actor == admin
    assert event.target_id == str(token.pk)


def test_revoking_twice_changes_nothing_the_second_time(client, admin):
    token, _raw = api_token_create(user=admin, name="Report")
    client.force_login(admin)
    client.post(_revoke_url(token))
    token.refresh_from_db()
    first_revoked_at = token.revoked_at

    client.post(_revoke_url(token))

    token.refresh_from_db()
    assert token.revoked_at == first_revoked_at
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1


def test_revoking_needs_a_post(client, admin):
    token, raw = api_token_create(user=admin, name="Report")
    client.force_login(admin)

    assert client.get(_revoke_url(token)).status_code == 405
    assert _api_me(client, raw).status_code == 200


def test_you_cannot_revoke_someone_elses_token(client, admin, outsider):
    token, raw = api_token_create(user=admin, name="Report")
    client.force_login(outsider)

    response = client.post(_revoke_url(token))

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert _api_me(client, raw).status_code == 200
    assert not AuditEvent.objects.filter(action="api_token.revoked").exists()


def test_revoking_a_token_that_does_not_exist_is_not_found(client, admin):
    client.force_login(admin)

    assert client.post("/account/tokens/999999/revoke/").status_code == 404


def test_signed_out_people_cannot_revoke(client, admin):
    token, _raw = api_token_create(user=admin, name="Report")

    response = client.post(_revoke_url(token))

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_command_prints_a_working_token(client, admin):
    out = io.StringIO()

    call_command("create_api_token", "Admin@Demo.test", "--name", "Nightly export", stdout=out)

    raw = out.getvalue().strip()
    assert raw.startswith("cop_")
    assert _api_me(client, raw).json()["email"] == "admin@demo.test"
    token = ApiToken.objects.get(user=admin)
    assert token.name == "Nightly export"
    assert token.token_hash == hash_token(raw)
    assert AuditEvent.objects.filter(action="api_token.created", actor=admin).count() == 1


def test_the_command_names_the_token_for_the_command_line_by_default(admin):
    call_command("create_api_token", "admin@demo.test", stdout=io.StringIO())

    assert ApiToken.objects.get(user=admin).name == "Command line"


def test_the_command_refuses_an_unknown_email(db):
    with pytest.raises(CommandError, match=r"^No user has the email address nobody@example\.test\.$"):
        call_command("create_api_token", "nobody@example.test", stdout=io.StringIO())

    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_the_command_refuses_a_token_without_a_usable_name(admin, name):
    with pytest.raises(CommandError, match=r"^Could not create the token \(name: .+\)\. Use --name"):
        call_command("create_api_token", "admin@demo.test", "--name", name, stdout=io.StringIO())

    assert not ApiToken.objects.exists()
