import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db.utils import OperationalError

ROOT = Path(__file__).resolve().parents[3]


def test_production_settings_pass_the_deployment_checks():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "a-long-random-production-secret-key-for-this-test-only-0123456789abcdefghijkl",
        "ALLOWED_HOSTS": "coproduce.example.org",
        "EMAIL_HOST": "smtp.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_pages_send_a_strict_content_security_policy(client, db):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


def test_no_page_template_has_an_inline_script():
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        for line in text.splitlines():
            if "<script" in line:
                assert "src=" in line or 'type="application/json"' in line, f"inline script in {template}"


def test_healthz_reports_an_unreachable_database_with_503(client, db):
    with mock.patch(
        "coproduce.core.views.connection.cursor", side_effect=OperationalError("connection refused")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable: OperationalError"}


def test_sessions_expire_and_cookies_are_not_readable_by_scripts():
    assert settings.SESSION_COOKIE_AGE <= 12 * 60 * 60
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_sign_in_is_rate_limited(client, member):
    for _ in range(5):
        client.post("/accounts/login/", {"login": member.email, "password": "wrong-password"})
    response = client.post("/accounts/login/", {"login": member.email, "password": "coproduce-demo"})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)


def test_wrong_password_gets_a_clear_message(client, member):
    response = client.post("/accounts/login/", {"login": member.email, "password": "wrong-password"})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "The email address and/or password you specified are not correct." in response.text


def test_the_demo_accounts_sign_in_with_a_password(client, db):
    from django.core.management import call_command

    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    for email in [
        "admin@demo.test",
        "lead@demo.test",
        "exec@demo.test",
        "finance@demo.test",
        "member@demo.test",
    ]:
        client.logout()
        response = client.post("/accounts/login/", {"login": email, "password": settings.DEMO_PASSWORD})
        assert response.status_code == 302, email
        dashboard = client.get("/", follow=True)
        assert dashboard.status_code == 200
        assert "What to do next" in dashboard.text, email


@pytest.mark.parametrize(
    "url", ["/o/demo/audit/?page=99999", "/o/demo/members/?page=abc", "/o/demo/members/?role=nope"]
)
def test_bad_query_values_never_cause_a_server_error(client, admin, url):
    client.force_login(admin)
    assert client.get(url).status_code == 200


def test_password_reset_email_is_sent_by_a_background_task(
    client, member, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        mock.patch("coproduce.core.adapters.send_email") as task,
    ):
        response = client.post("/accounts/password/reset/", {"email": member.email})
    assert response.status_code == 302
    assert mailoutbox == []  # nothing sent inside the request
    enqueue = task.enqueue
    assert enqueue.call_args.kwargs["to"] == [member.email]
    # The task itself sends it, with the reset link.
    from coproduce.notifications.tasks import send_email

    send_email.call(**enqueue.call_args.kwargs)
    assert mailoutbox[0].to == [member.email]
    assert "/accounts/password/reset/key/" in mailoutbox[0].body
