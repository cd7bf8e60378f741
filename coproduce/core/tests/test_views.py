import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coproduce.core.models import AuditEvent, Membership
from coproduce.core.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def page(client, user, url, **kwargs):
    client.force_login(user)
    return client.get(url, **kwargs)


def test_signed_out_visitors_see_what_coproduce_is_and_how_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Coproduce: shape services together" in response.text
    assert 'href="/accounts/login/"' in response.text


def test_organisation_pages_ask_signed_out_visitors_to_sign_in(client, organisation):
    response = client.get("/o/demo/members/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/o/demo/members/")


def test_a_member_of_one_organisation_goes_straight_to_its_dashboard(client, member):
    response = page(client, member, "/")
    assert response.status_code == 302
    assert response["Location"] == "/o/demo/"


def test_a_member_of_two_organisations_chooses_and_can_switch(
    client, organisation, other_organisation, member
):
    MembershipFactory(organisation=other_organisation, user=member, roles=["carer"])
    response = page(client, member, "/")
    assert "Choose an organisation" in response.text
    assert "Demo Mental Health NHS Foundation Trust" in response.text
    assert "Other Community Mental Health Charity" in response.text
    client.get("/o/other/")
    assert "last used" in client.get("/?choose=1").text


@pytest.mark.parametrize(
    ("person", "sees", "does_not_see"),
    [
        ("admin", ["Add a person to your organisation", "People in your organisation", "the audit log"], []),
        (
            "lead",
            ["See who is in your organisation", "People in your organisation"],
            ["Audit log", "Add a person"],
        ),
        ("member", ["Hello, Pat", "Participant"], ["People in your organisation", "Members", "Audit log"]),
        ("carer", ["Hello, Chris", "Carer"], ["People in your organisation"]),
        ("staff", ["Hello, Jo"], ["Audit log"]),
        ("exec", ["Hello, Morgan", "Executive"], ["Settings"]),
        ("finance", ["Hello, Robin", "Finance"], ["Settings"]),
    ],
)
def test_each_role_has_a_dashboard_that_says_what_to_do_next(client, everyone, person, sees, does_not_see):
    response = page(client, everyone[person], "/o/demo/")
    assert response.status_code == 200
    assert "What to do next" in response.text
    for text in sees:
        assert text in response.text
    for text in does_not_see:
        assert text not in response.text


def test_the_dashboard_counts_people_by_role_from_the_records(client, everyone, organisation):
    response = page(client, everyone["admin"], "/o/demo/")
    carers = [row for row in response.context["role_counts"] if row["role"] == "carer"][0]
    assert carers["count"] == 1
    MembershipFactory(organisation=organisation, roles=["carer"])
    response = client.get("/o/demo/")
    carers = [row for row in response.context["role_counts"] if row["role"] == "carer"][0]
    assert carers["count"] == 2


@pytest.mark.parametrize("url", ["/o/demo/settings/", "/o/demo/audit/", "/o/demo/members/invite/"])
def test_participants_cannot_open_admin_pages(client, member, url):
    response = page(client, member, url)
    assert response.status_code == 403
    assert "You cannot see this page" in response.text


def test_a_lead_can_read_members_but_not_change_roles(client, admin, lead, member):
    membership = member.memberships.get()
    response = page(client, lead, f"/o/demo/members/{membership.public_id}/")
    assert response.status_code == 200
    assert "Change roles" not in response.text
    response = client.post(f"/o/demo/members/{membership.public_id}/", {"roles": ["admin"]})
    assert response.status_code == 403
    assert membership.roles == {"participant"}


def test_the_outsider_gets_not_found_for_another_organisation(client, organisation, outsider, member):
    membership = member.memberships.get()
    for url in ["/o/demo/", "/o/demo/members/", f"/o/demo/members/{membership.public_id}/"]:
        response = page(client, outsider, url)
        assert response.status_code == 404
        assert "Demo Mental Health" not in response.text


def test_an_admin_adds_a_person_and_sees_them_listed(
    client, admin, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/o/demo/members/invite/",
            {"full_name": "Dee Newcomer", "email": "dee@example.org", "roles": ["participant", "carer"]},
        )
    assert response.status_code == 302
    listing = client.get("/o/demo/members/")
    assert "Dee Newcomer" in listing.text
    assert "dee@example.org has been added" not in listing.text  # the message uses the name
    assert "Dee Newcomer has been added" in listing.text
    assert mailoutbox[0].to == ["dee@example.org"]
    assert "/accounts/password/reset/" in mailoutbox[0].body


def test_adding_a_person_with_problems_explains_each_and_keeps_what_was_typed(client, admin):
    client.force_login(admin)
    response = client.post("/o/demo/members/invite/", {"full_name": "Dee Newcomer", "email": "dee@@example"})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Enter an email address in the correct format, like name@example.org" in response.text
    assert "Select at least one role" in response.text
    assert 'value="Dee Newcomer"' in response.text
    assert 'href="#id_roles_0"' in response.text
    assert 'aria-describedby="id_email-hint id_email-error"' in response.text


def test_an_admin_changes_roles_and_cannot_demote_the_last_admin(client, admin, member):
    client.force_login(admin)
    membership = member.memberships.get()
    response = client.post(f"/o/demo/members/{membership.public_id}/", {"roles": ["participant", "staff"]})
    assert response.status_code == 302
    assert Membership.objects.get(pk=membership.pk).roles == {"participant", "staff"}
    own = admin.memberships.get()
    response = client.post(f"/o/demo/members/{own.public_id}/", {"roles": ["lead"]})
    assert response.status_code == 200
    assert "An organisation needs at least one admin" in response.text
    assert own.roles == {"admin"}


def test_an_admin_removes_a_member_after_confirming(client, admin, member):
    client.force_login(admin)
    membership = member.memberships.get()
    confirm = client.get(f"/o/demo/members/{membership.public_id}/remove/")
    assert "Remove Pat Member from" in confirm.text
    response = client.post(f"/o/demo/members/{membership.public_id}/remove/")
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_only_admin_is_told_why_they_cannot_remove_themselves(client, admin):
    client.force_login(admin)
    own = admin.memberships.get()
    response = client.post(f"/o/demo/members/{own.public_id}/remove/")
    assert response.status_code == 200
    assert "only admin" in response.text


def test_members_list_searches_and_filters_by_role(client, everyone):
    client.force_login(everyone["admin"])
    response = client.get("/o/demo/members/", {"role": "carer"})
    assert "Chris Carer" in response.text
    assert "Pat Member" not in response.text
    assert "1 member" in response.text
    response = client.get("/o/demo/members/", {"q": "robin"})
    assert "Robin Finance" in response.text
    assert "Sam Lead" not in response.text
    response = client.get("/o/demo/members/", {"q": "nobody-like-this"})
    assert "No members match your search" in response.text


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/o/demo/members/", "/o/demo/audit/", "/o/demo/", "/o/demo/notifications/"])
def test_list_pages_use_the_same_number_of_queries_for_1_and_50_rows(client, organisation, admin, url):
    from coproduce.notifications.services import notify

    def add_rows(count):
        for _ in range(count):
            MembershipFactory(organisation=organisation, roles=["participant", "carer"])
        notify(organisation=organisation, recipients=[admin] * count, message=lambda: ("Hello", "Body"))
        for i in range(count):
            AuditEvent.objects.create(
                organisation=organisation, actor=admin, actor_label=admin.email, action=f"t.{i}"
            )

    client.force_login(admin)
    add_rows(1)
    client.get(url)  # the first visit also records the organisation in the session
    few = count_queries(client, url)
    add_rows(49)
    many = count_queries(client, url)
    assert few == many


def test_audit_log_filters_by_action_person_and_dates_and_explains_bad_dates(client, admin, member):
    client.force_login(admin)
    client.post(f"/o/demo/members/{member.memberships.get().public_id}/", {"roles": ["carer"]})
    response = client.get("/o/demo/audit/", {"action": "membership.roles_changed"})
    assert "membership.roles_changed" in response.text
    assert "1 event" in response.text
    response = client.get("/o/demo/audit/", {"date_from": "31/02/2026"})
    assert "Enter a real date, for example 2026-03-31" in response.text
    response = client.get("/o/demo/audit/", {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert "The &#x27;to&#x27; date must be the same as or after the &#x27;from&#x27; date" in response.text


def test_settings_are_saved_audited_and_validated(client, admin, organisation):
    client.force_login(admin)
    response = client.post(
        "/o/demo/settings/",
        {
            "name": "Demo Trust",
            "logo_text": "Demo",
            "contact_email": "team@demo.test",
            "contact_phone": "",
            "address": "",
        },
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Demo Trust"
    assert organisation.require_two_factor is False  # an unticked box turns it off
    assert AuditEvent.objects.filter(action="organisation.updated").exists()
    response = client.post("/o/demo/settings/", {"name": "", "contact_email": "nope"})
    assert "Enter the organisation&#x27;s name" in response.text
    assert "Enter an email address in the correct format" in response.text


def test_privileged_roles_must_set_up_two_factor_when_the_organisation_requires_it(
    client, organisation, lead, member
):
    organisation.require_two_factor = True
    organisation.save()
    response = page(client, lead, "/o/demo/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    # Participants are not asked: two-factor must not become a barrier to taking part.
    assert page(client, member, "/o/demo/").status_code == 200
    Authenticator.objects.create(user=lead, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert page(client, lead, "/o/demo/").status_code == 200


def test_notifications_page_lists_and_marks_read(client, organisation, member):
    from coproduce.notifications.services import notify

    notify(
        organisation=organisation,
        recipients=[member],
        message=lambda: ("Your place is confirmed", "See you there."),
    )
    response = page(client, member, "/o/demo/notifications/")
    assert "Your place is confirmed" in response.text
    assert "1 unread notification" in response.text
    client.post("/o/demo/notifications/read/")
    assert "0 unread notifications" in client.get("/o/demo/notifications/").text


def test_styled_not_found_page(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_accessibility_statement_is_public(client, db):
    response = client.get("/accessibility/")
    assert response.status_code == 200
    assert "WCAG" in response.text


def test_the_django_admin_is_for_platform_operators_only(client, admin):
    client.force_login(admin)
    response = client.get("/platform-admin/")
    assert response.status_code == 302
    admin.is_superuser = True
    admin.save()
    assert client.get("/platform-admin/").status_code == 200
