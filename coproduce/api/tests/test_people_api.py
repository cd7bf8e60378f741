"""The involvement register's API through HTTP: the same people may do the same things as on the pages,
nobody outside the organisation learns anything, bad input gets a clear 422, and lists stay cheap."""

import json
from datetime import date, timedelta
from urllib.parse import quote
from uuid import uuid4

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coproduce.api.services import api_token_create
from coproduce.core.models import AuditEvent, Membership
from coproduce.people import services
from coproduce.people.models import AccessNeeds, EqualityMonitoring, Person
from coproduce.people.tests.factories import (
    CheckFactory,
    ConsentEventFactory,
    GroupFactory,
    GroupMembershipFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/orgs/demo/people"
GROUPS = "/api/v1/orgs/demo/groups"
NOT_FOUND = {"detail": "Not found."}
REGISTER_REFUSAL = {
    "detail": "Only organisation admins and involvement leads can see the involvement register."
}
WRITE_REFUSAL = {
    "detail": "Only organisation admins and involvement leads can add people to the register or change "
    "their details."
}
INVALID = "Some values are not valid: see errors."
NOT_LEADS = ["member", "carer", "staff", "exec", "finance"]


def bearer(user) -> dict:
    _token, raw = api_token_create(user=user, name="Tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(client, url, body, headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def patch(client, url, body, headers):
    return client.patch(url, json.dumps(body), content_type="application/json", **headers)


def error_fields(response) -> list[str]:
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"] == INVALID
    assert all(error["message"] for error in body["errors"])
    return [error["field"] for error in body["errors"]]


@pytest.fixture
def pat(organisation, admin):
    """On demo's register with access needs, equality answers, a skill and a current consent."""
    person = PersonFactory(
        organisation=organisation,
        full_name="Pat Register",
        preferred_name="Pat",
        pronouns="they/them",
        email="pat@example.org",
        identity="carer",
    )
    services.tags_set(person=person, names=["Public speaking", "art"])
    AccessNeeds.objects.filter(person=person).update(needs=["bsl", "breaks"], other="A quiet seat")
    EqualityMonitoring.objects.create(person=person, ethnicity="mixed", disability="prefer_not_to_say")
    return person


@pytest.fixture
def lead_headers(lead):
    return bearer(lead)


@pytest.fixture
def stranger(other_organisation, outsider):
    """Someone on the other organisation's register: a lead of demo must not reach them."""
    return PersonFactory(organisation=other_organisation, full_name="Sol Stranger", email="sol@other.test")


def person_urls(person_id) -> list[str]:
    return [f"{PEOPLE}/{person_id}", f"{PEOPLE}/{person_id}/checks", f"{PEOPLE}/{person_id}/consents"]


# --- The register: list ------------------------------------------------------------------------


def test_a_lead_lists_the_register_with_skills_and_a_count(client, lead_headers, pat, stranger):
    PersonFactory(organisation=pat.organisation, full_name="Ash Another", email="ash@example.org")

    response = client.get(PEOPLE, **lead_headers)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [item["full_name"] for item in body["items"]] == ["Ash Another", "Pat Register"]
    assert body["items"][1] == {
        "id": str(pat.public_id),
        "full_name": "Pat Register",
        "preferred_name": "Pat",
        "pronouns": "they/them",
        "identity": "carer",
        "email": "pat@example.org",
        "phone": "",
        "contact_methods": ["email"],
        "preferred_contact": "email",
        "language": None,
        "times_to_avoid": "",
        "is_managed": False,
        "has_account": False,
        "tags": ["art", "Public speaking"],
        "created_at": body["items"][1]["created_at"],
        "updated_at": body["items"][1]["updated_at"],
    }
    # A list row holds no address, access needs or equality answers, and nobody from elsewhere.
    assert "A quiet seat" not in response.text
    assert "mixed" not in response.text
    assert "Sol Stranger" not in response.text


def test_erased_people_are_not_on_the_list(client, lead, lead_headers, pat):
    services.person_erase(person=pat, actor=lead)

    assert client.get(PEOPLE, **lead_headers).json() == {"items": [], "count": 0}


def test_the_register_is_paginated(client, lead_headers, organisation):
    PersonFactory.create_batch(5, organisation=organisation)

    body = client.get(PEOPLE, {"page_size": 2, "page": 3}, **lead_headers).json()

    assert body["count"] == 5
    assert len(body["items"]) == 1


@pytest.fixture
def register(organisation, pat):
    """Pat (a carer who has agreed to opportunities, in the forum) and others who differ in one way each."""
    forum = GroupFactory(organisation=organisation, name="Carers forum")
    GroupMembershipFactory(group=forum, person=pat)
    ConsentEventFactory(person=pat, purpose="opportunities", given=True)
    today = date.today()
    CheckFactory(
        person=pat, kind="dbs", done_on=today - timedelta(days=700), expires_on=today - timedelta(days=1)
    )
    lee = PersonFactory(organisation=organisation, full_name="Lee Lived", email="lee@example.org")
    CheckFactory(
        person=lee, kind="dbs", done_on=today - timedelta(days=300), expires_on=today + timedelta(days=10)
    )
    ConsentEventFactory(person=lee, purpose="opportunities", given=True)
    ConsentEventFactory(person=lee, purpose="opportunities", given=False)
    kim = PersonFactory(
        organisation=organisation, full_name="Kim Staff", identity="staff", email="kim@nhs.test"
    )
    CheckFactory(person=kim, kind="induction", done_on=today - timedelta(days=30), expires_on=None)
    return {"forum": forum, "pat": pat, "lee": lee, "kim": kim}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Kim Staff", "Lee Lived", "Pat Register"]),
        ({"q": "PAT"}, ["Pat Register"]),  # part of a name, any case
        ({"q": "nhs.test"}, ["Kim Staff"]),  # part of an email address
        ({"identity": "staff"}, ["Kim Staff"]),
        ({"tag": "ART"}, ["Pat Register"]),
        ({"check_status": "expired"}, ["Pat Register"]),
        ({"check_status": "expiring"}, ["Lee Lived"]),
        ({"check_status": "valid"}, ["Kim Staff"]),
        ({"consent": "opportunities"}, ["Pat Register"]),  # Lee withdrew it
        ({"consent": "newsletter"}, []),
        ({"sort": "-name"}, ["Pat Register", "Lee Lived", "Kim Staff"]),
        ({"q": "", "identity": "", "group": "", "check_status": "", "consent": "", "sort": ""}, None),
    ],
)
def test_the_register_can_be_filtered_and_sorted(client, lead_headers, register, params, expected):
    response = client.get(PEOPLE, params, **lead_headers)

    assert response.status_code == 200
    names = [item["full_name"] for item in response.json()["items"]]
    # Empty filters are what an HTML form sends for "any": everyone, by name.
    assert names == (expected if expected is not None else ["Kim Staff", "Lee Lived", "Pat Register"])


def test_the_register_can_be_filtered_by_group(client, lead_headers, register, organisation):
    body = client.get(PEOPLE, {"group": str(register["forum"].public_id)}, **lead_headers).json()

    assert [item["full_name"] for item in body["items"]] == ["Pat Register"]


def test_missing_checks_filter_finds_people_with_none(client, lead_headers, register, organisation):
    PersonFactory(organisation=organisation, full_name="Nat New")

    body = client.get(PEOPLE, {"check_status": "missing"}, **lead_headers).json()

    assert [item["full_name"] for item in body["items"]] == ["Nat New"]


def test_newest_first_sorts_by_when_they_were_added(client, lead_headers, register):
    Person.objects.filter(pk=register["kim"].pk).update(created_at=timezone.now() + timedelta(days=1))

    body = client.get(PEOPLE, {"sort": "newest"}, **lead_headers).json()

    assert body["items"][0]["full_name"] == "Kim Staff"


def test_another_organisations_group_as_a_filter_finds_nobody(
    client, lead_headers, register, other_organisation
):
    theirs = GroupFactory(organisation=other_organisation)

    for group in (theirs.public_id, uuid4()):
        body = client.get(PEOPLE, {"group": str(group)}, **lead_headers).json()
        assert body == {"items": [], "count": 0}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("identity=volunteer", "identity"),
        ("group=not-a-uuid", "group"),
        ("check_status=soon", "check_status"),
        ("consent=everything", "consent"),
        ("sort=age", "sort"),
        ("q=" + "x" * 201, "q"),
        ("q=a%00b", "q"),
        ("tag=" + "x" * 61, "tag"),
        ("tag=%00", "tag"),
        ("page=0", "page"),
        ("page_size=101", "page_size"),
    ],
)
def test_bad_filters_give_422_naming_the_filter(client, lead_headers, query, field):
    assert error_fields(client.get(f"{PEOPLE}?{query}", **lead_headers)) == [field]


def test_the_nul_error_says_what_to_do(client, lead_headers):
    body = client.get(f"{PEOPLE}?q=a%00b", **lead_headers).json()

    assert body["errors"] == [{"field": "q", "message": "Remove the NUL character"}]


@given(text=st.text(max_size=70))
@settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_text_as_a_filter_or_id_gets_an_answer_not_a_server_error(client, lead_headers, text):
    # Hypothesis tries NUL bytes, control characters and astral symbols; PostgreSQL rejects NUL.
    value = quote(text, safe="")
    urls = [f"{PEOPLE}?{name}={value}" for name in ("q", "identity", "group", "tag", "check_status", "sort")]
    urls += [f"{PEOPLE}/{value}", f"{GROUPS}/{value}/members"]
    for url in urls:
        response = client.get(url, **lead_headers)
        assert response.status_code in (200, 404, 422), f"{url} answered {response.status_code}"


@given(name=st.text(max_size=210), tag=st.text(max_size=70))
@settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_text_in_a_new_persons_details_gets_an_answer_not_a_server_error(client, lead_headers, name, tag):
    response = post(client, PEOPLE, {"full_name": name, "pronouns": name[:40], "tags": [tag]}, lead_headers)

    assert response.status_code in (201, 422), response.content


# --- The register: one person ------------------------------------------------------------------


def test_a_lead_reads_a_person_with_access_needs_and_the_read_is_audited(client, lead, lead_headers, pat):
    response = client.get(f"{PEOPLE}/{pat.public_id}", **lead_headers)

    assert response.status_code == 200
    body = response.json()
    assert body["full_name"] == "Pat Register"
    assert body["tags"] == ["art", "Public speaking"]
    assert body["address"] == ""
    assert body["erasure_requested_at"] is None
    assert body["access_needs"] == {
        "needs": ["bsl", "breaks"],
        "other": "A quiet seat",
        "updated_at": body["access_needs"]["updated_at"],
    }
    # Equality monitoring is an explicit grant, not part of being a lead.
    assert "equality" not in body
    read = AuditEvent.objects.get(action="person.access_needs_viewed")
    assert read.actor == lead
    assert read.target_id == str(pat.public_id)
    assert read.details == {"on_behalf": True}


def test_equality_answers_only_with_the_equality_permission(client, lead, lead_headers, pat):
    Membership.objects.filter(user=lead).update(can_see_equality_data=True)

    body = client.get(f"{PEOPLE}/{pat.public_id}", **lead_headers).json()

    assert body["equality"] == {
        "age_band": None,
        "sex": None,
        "gender_same_as_sex": None,
        "sexual_orientation": None,
        "ethnicity": "mixed",
        "religion": None,
        "disability": "prefer_not_to_say",
        "updated_at": body["equality"]["updated_at"],
    }


def test_with_the_permission_but_no_answers_equality_is_null(client, lead, lead_headers, pat):
    Membership.objects.filter(user=lead).update(can_see_equality_data=True)
    EqualityMonitoring.objects.filter(person=pat).delete()

    body = client.get(f"{PEOPLE}/{pat.public_id}", **lead_headers).json()

    assert body["equality"] is None


def test_without_the_access_needs_permission_they_are_absent_and_no_read_is_recorded(
    client, lead_headers, pat, monkeypatch
):
    # Today every role that sees the register also sees access needs; the check must still be asked.
    monkeypatch.setattr("coproduce.people.permissions.can_view_access_needs", lambda membership: False)

    response = client.get(f"{PEOPLE}/{pat.public_id}", **lead_headers)

    assert response.status_code == 200
    assert "access_needs" not in response.json()
    assert "A quiet seat" not in response.text
    assert not AuditEvent.objects.filter(action="person.access_needs_viewed").exists()


def test_a_person_shows_their_address(client, lead, lead_headers, pat):
    services.person_update(person=pat, actor=lead, address="1 High Street", contact_by_post=True)

    body = client.get(f"{PEOPLE}/{pat.public_id}", **lead_headers).json()

    assert body["address"] == "1 High Street"
    assert body["contact_methods"] == ["email", "post"]


def test_an_erased_person_is_not_found(client, lead, lead_headers, pat):
    services.person_erase(person=pat, actor=lead)

    for url in person_urls(pat.public_id):
        response = client.get(url, **lead_headers)
        assert response.status_code == 404, url
        assert response.json() == NOT_FOUND
    assert patch(client, f"{PEOPLE}/{pat.public_id}", {"full_name": "Back"}, lead_headers).status_code == 404


def test_another_organisations_person_looks_exactly_like_a_missing_one(client, lead_headers, stranger):
    for theirs, missing in zip(person_urls(stranger.public_id), person_urls(uuid4()), strict=True):
        not_yours = client.get(theirs, **lead_headers)
        nobody = client.get(missing, **lead_headers)
        assert not_yours.status_code == nobody.status_code == 404
        assert not_yours.content == nobody.content
        assert b"Sol Stranger" not in not_yours.content

    response = patch(client, f"{PEOPLE}/{stranger.public_id}", {"full_name": "Taken over"}, lead_headers)
    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.full_name == "Sol Stranger"


def test_a_person_id_that_is_not_a_uuid_gets_422(client, lead_headers):
    assert error_fields(client.get(f"{PEOPLE}/42", **lead_headers)) == ["person_id"]


# --- Checks and consent ------------------------------------------------------------------------


def test_checks_list_every_kind_with_its_status(client, lead_headers, pat):
    today = date.today()
    CheckFactory(person=pat, kind="dbs", done_on=today - timedelta(days=100), expires_on=None, reference="D1")
    CheckFactory(
        person=pat,
        kind="references",
        done_on=today - timedelta(days=300),
        expires_on=today + timedelta(days=5),
    )
    CheckFactory(
        person=pat,
        kind="induction",
        done_on=today - timedelta(days=900),
        expires_on=today - timedelta(days=1),
    )

    response = client.get(f"{PEOPLE}/{pat.public_id}/checks", **lead_headers)

    assert response.status_code == 200
    by_kind = {row["kind"]: row for row in response.json()}
    assert list(by_kind) == ["dbs", "references", "induction", "confidentiality", "safeguarding"]
    assert by_kind["dbs"] == {
        "kind": "dbs",
        "label": "DBS check",
        "status": "valid",
        "done_on": (today - timedelta(days=100)).isoformat(),
        "expires_on": None,
        "reference": "D1",
    }
    assert by_kind["references"]["status"] == "expiring"
    assert by_kind["induction"]["status"] == "expired"
    assert by_kind["safeguarding"] == {
        "kind": "safeguarding",
        "label": "Safeguarding training",
        "status": "missing",
        "done_on": None,
        "expires_on": None,
        "reference": "",
    }


def test_consents_show_the_current_answer_per_purpose_and_the_history(client, lead, lead_headers, pat):
    services.consent_set(person=pat, actor=lead, purpose="newsletter", given=True, note="by phone")
    services.consent_set(person=pat, actor=lead, purpose="newsletter", given=False)
    services.consent_set(person=pat, actor=lead, purpose="photos", given=True)

    response = client.get(f"{PEOPLE}/{pat.public_id}/consents", **lead_headers)

    assert response.status_code == 200
    body = response.json()
    current = {row["purpose"]: row for row in body["current"]}
    assert list(current) == ["opportunities", "newsletter", "story", "photos", "research"]
    assert current["photos"]["given"] is True
    assert current["photos"]["label"] == "Use photos of me"
    assert current["newsletter"]["given"] is False
    assert current["newsletter"]["recorded_at"] is not None
    assert current["research"] == {
        "purpose": "research",
        "label": "Contact me about research",
        "given": False,
        "recorded_at": None,
    }
    assert [(e["purpose"], e["given"]) for e in body["history"]] == [
        ("photos", True),
        ("newsletter", False),
        ("newsletter", True),
    ]
    assert body["history"][2]["note"] == "by phone"
    assert body["history"][2]["recorded_by"] == "Sam Lead"
    assert body["history"][2]["on_behalf"] is True


# --- Creating and changing people --------------------------------------------------------------


def test_a_lead_adds_someone_and_it_is_audited(client, lead, lead_headers, organisation):
    response = post(
        client,
        PEOPLE,
        {
            "full_name": "  Nia New  ",
            "email": "Nia@Example.org",
            "identity": "both",
            "contact_methods": ["email", "sms"],
            "phone": "07700 900123",
            "preferred_contact": "sms",
            "tags": ["Welsh", " peer   support ", ""],
        },
        lead_headers,
    )

    assert response.status_code == 201, response.content
    body = response.json()
    person = Person.objects.get(public_id=body["id"])
    assert person.organisation == organisation
    assert person.full_name == "Nia New"
    assert person.email == "nia@example.org"
    assert (person.contact_by_email, person.contact_by_sms, person.contact_by_phone) == (True, True, False)
    assert body["tags"] == ["peer support", "Welsh"]
    assert body["preferred_contact"] == "sms"
    assert body["has_account"] is False
    # The answer to a write carries no access needs or equality data: read the person for those.
    assert "access_needs" not in body
    assert "equality" not in body
    event = AuditEvent.objects.get(action="person.created")
    assert (event.actor, event.organisation, event.target_id) == (lead, organisation, body["id"])


def test_only_a_full_name_is_needed(client, lead_headers):
    response = post(client, PEOPLE, {"full_name": "Ola Only"}, lead_headers)

    assert response.status_code == 201
    body = response.json()
    assert (body["identity"], body["email"], body["contact_methods"], body["tags"]) == (
        "lived_experience",
        "",
        [],
        [],
    )


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, ["full_name"]),
        ({"full_name": "   "}, ["full_name"]),
        ({"full_name": "x" * 201}, ["full_name"]),
        ({"full_name": "Pat\x00"}, ["full_name"]),
        ({"full_name": None}, ["full_name"]),
        ({"full_name": "Pat", "preferred_name": "x" * 101}, ["preferred_name"]),
        ({"full_name": "Pat", "pronouns": "x" * 41}, ["pronouns"]),
        ({"full_name": "Pat", "phone": "1" * 41}, ["phone"]),
        ({"full_name": "Pat", "times_to_avoid": "x" * 201}, ["times_to_avoid"]),
        ({"full_name": "Pat", "address": "x" * 1001}, ["address"]),
        ({"full_name": "Pat", "email": "pat@@example"}, ["email"]),
        ({"full_name": "Pat", "email": "pat\x00@example.org"}, ["email"]),
        ({"full_name": "Pat", "identity": "volunteer"}, ["identity"]),
        ({"full_name": "Pat", "contact_methods": ["pigeon"]}, ["contact_methods.0"]),
        ({"full_name": "Pat", "preferred_contact": "pigeon"}, ["preferred_contact"]),
        ({"full_name": "Pat", "language": "fr"}, ["language"]),
        ({"full_name": "Pat", "tags": ["x" * 61]}, ["tags.0"]),
        ({"full_name": "Pat", "tags": ["ok", "a\x00b"]}, ["tags.1"]),
        ({"full_name": "Pat", "tags": "art"}, ["tags"]),
        ({"full_name": "Pat", "is_managed": "perhaps"}, ["is_managed"]),
        ({"full_name": "Pat", "access_needs": ["bsl"]}, ["access_needs"]),
        # Rules across fields come from the service, in the same shape.
        ({"full_name": "Pat", "contact_methods": ["email"]}, ["email"]),
        ({"full_name": "Pat", "contact_methods": ["post"]}, ["address"]),
        ({"full_name": "Pat", "contact_methods": ["sms"], "phone": ""}, ["phone"]),
        ({"full_name": "Pat", "email": "p@example.org", "preferred_contact": "email"}, ["preferred_contact"]),
    ],
)
def test_adding_someone_with_bad_values_gives_422_naming_the_fields(client, lead_headers, body, fields):
    response = post(client, PEOPLE, body, lead_headers)

    assert error_fields(response) == fields
    assert not Person.objects.exists()
    assert not AuditEvent.objects.filter(action="person.created").exists()


def test_the_validation_messages_say_what_to_do(client, lead_headers):
    body = post(client, PEOPLE, {"full_name": " ", "email": "nope"}, lead_headers).json()

    assert body["errors"] == [
        {"field": "full_name", "message": "Enter their full name"},
        {"field": "email", "message": "Enter an email address in the correct format, like name@example.org"},
    ]


def test_a_body_that_is_not_json_gets_400(client, lead_headers):
    response = client.post(PEOPLE, "full_name=Pat", content_type="application/json", **lead_headers)

    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot parse request body"}


def test_an_email_already_on_the_register_gives_422_on_the_email_field(client, lead_headers, pat):
    response = post(client, PEOPLE, {"full_name": "Pat Again", "email": "PAT@example.org"}, lead_headers)

    assert response.status_code == 422
    assert response.json() == {
        "detail": INVALID,
        "errors": [
            {
                "field": "email",
                "message": "Someone on the register already has the email address pat@example.org",
            }
        ],
    }
    assert Person.objects.count() == 1


def test_the_same_email_in_another_organisation_is_fine(client, lead_headers, stranger):
    response = post(client, PEOPLE, {"full_name": "Sol Here Too", "email": "sol@other.test"}, lead_headers)

    assert response.status_code == 201


def test_a_patch_changes_only_the_fields_sent_and_is_audited(client, lead, lead_headers, pat):
    response = patch(
        client,
        f"{PEOPLE}/{pat.public_id}",
        {"preferred_name": "Patsy", "tags": ["Art", "Cooking"]},
        lead_headers,
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["preferred_name"] == "Patsy"
    assert body["tags"] == ["art", "Cooking"]  # the organisation's existing "art", in its spelling
    assert "access_needs" not in body
    pat.refresh_from_db()
    assert (pat.full_name, pat.pronouns, pat.email, pat.identity) == (
        "Pat Register",
        "they/them",
        "pat@example.org",
        "carer",
    )
    event = AuditEvent.objects.get(action="person.updated")
    assert event.actor == lead
    assert event.details == {"fields": ["preferred_name", "skills and interests"], "on_behalf": True}


def test_a_patch_can_change_the_ways_to_contact_and_clear_the_preference(client, lead_headers, pat):
    body = {"contact_methods": ["phone"], "phone": "01632 960000", "preferred_contact": None}

    response = patch(client, f"{PEOPLE}/{pat.public_id}", body, lead_headers)

    assert response.status_code == 200, response.content
    pat.refresh_from_db()
    assert pat.contact_methods() == ["phone"]
    assert pat.preferred_contact == ""


def test_the_language_to_write_in_is_set_read_and_cleared(client, lead_headers, pat):
    url = f"{PEOPLE}/{pat.public_id}"

    assert patch(client, url, {"language": "cy"}, lead_headers).json()["language"] == "cy"
    pat.refresh_from_db()
    assert pat.language == "cy"
    assert client.get(PEOPLE, **lead_headers).json()["items"][0]["language"] == "cy"
    assert patch(client, url, {"language": None}, lead_headers).json()["language"] is None
    pat.refresh_from_db()
    assert pat.language == ""


def test_an_empty_patch_changes_nothing_and_writes_no_audit_row(client, lead_headers, pat):
    response = patch(client, f"{PEOPLE}/{pat.public_id}", {}, lead_headers)

    assert response.status_code == 200
    assert response.json()["full_name"] == "Pat Register"
    assert not AuditEvent.objects.filter(action="person.updated").exists()


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"full_name": None}, ["full_name"]),  # left out means unchanged; null is not a name
        ({"full_name": ""}, ["full_name"]),
        ({"identity": None}, ["identity"]),
        ({"tags": None}, ["tags"]),
        ({"email": "not an email"}, ["email"]),
        ({"pronouns": "x" * 41}, ["pronouns"]),
        ({"fullname": "Typo"}, ["fullname"]),
        ({"email": ""}, ["email"]),  # Pat is contacted by email
        ({"preferred_contact": "sms"}, ["preferred_contact"]),
    ],
)
def test_a_bad_patch_gives_422_naming_the_fields_and_changes_nothing(client, lead_headers, pat, body, fields):
    response = patch(client, f"{PEOPLE}/{pat.public_id}", body, lead_headers)

    assert error_fields(response) == fields
    pat.refresh_from_db()
    assert (pat.full_name, pat.email, pat.identity) == ("Pat Register", "pat@example.org", "carer")
    assert not AuditEvent.objects.filter(action="person.updated").exists()


def test_a_patch_to_an_email_someone_else_has_gives_422(client, lead_headers, pat, organisation):
    PersonFactory(organisation=organisation, email="taken@example.org")

    response = patch(client, f"{PEOPLE}/{pat.public_id}", {"email": "Taken@example.org"}, lead_headers)

    assert error_fields(response) == ["email"]


# --- Groups --------------------------------------------------------------------------------------


@pytest.fixture
def forum(organisation, pat):
    group = GroupFactory(
        organisation=organisation, name="Carers forum", who_can_join="carers", meeting_pattern="First Tuesday"
    )
    GroupMembershipFactory(group=group, person=pat, role="connector")
    GroupMembershipFactory(
        group=group, person=PersonFactory(organisation=organisation, full_name="Ash Member"), role="member"
    )
    GroupMembershipFactory(
        group=group,
        person=PersonFactory(organisation=organisation, full_name="Lou Left"),
        left_on=date.today(),
    )
    return group


@pytest.mark.parametrize("person", ["admin", "lead", "member", "carer", "staff", "exec", "finance"])
def test_every_member_of_the_organisation_sees_the_groups(
    client, everyone, forum, other_organisation, person
):
    GroupFactory(organisation=other_organisation, name="Their forum")

    response = client.get(GROUPS, **bearer(everyone[person]))

    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "id": str(forum.public_id),
                "name": "Carers forum",
                "purpose": "People who use services, shaping them.",
                "who_can_join": "carers",
                "meeting_pattern": "First Tuesday",
                "member_count": 2,
                "connectors": ["Pat"],
            }
        ],
        "count": 1,
    }


def test_a_lead_sees_a_groups_current_members(client, lead_headers, forum, pat):
    response = client.get(f"{GROUPS}/{forum.public_id}/members", **lead_headers)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["items"][0] == {
        "person_id": body["items"][0]["person_id"],
        "full_name": "Ash Member",
        "preferred_name": "",
        "role": "member",
        "joined_on": date.today().isoformat(),
    }
    assert body["items"][1]["person_id"] == str(pat.public_id)
    assert body["items"][1]["role"] == "connector"
    assert "Lou Left" not in response.text


@pytest.mark.parametrize("person", NOT_LEADS)
def test_only_admins_and_leads_see_who_is_in_a_group(client, everyone, forum, person):
    response = client.get(f"{GROUPS}/{forum.public_id}/members", **bearer(everyone[person]))

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only organisation admins and involvement leads can see who is in a group."
    }


def test_another_organisations_group_looks_exactly_like_a_missing_one(
    client, lead_headers, other_organisation
):
    theirs = GroupFactory(organisation=other_organisation, name="Their forum")

    not_yours = client.get(f"{GROUPS}/{theirs.public_id}/members", **lead_headers)
    missing = client.get(f"{GROUPS}/{uuid4()}/members", **lead_headers)

    assert not_yours.status_code == missing.status_code == 404
    assert not_yours.content == missing.content


# --- Who may use the register ------------------------------------------------------------------


@pytest.mark.parametrize("person", NOT_LEADS)
def test_only_admins_and_leads_may_read_the_register(client, everyone, pat, person):
    headers = bearer(everyone[person])

    for url in [PEOPLE, *person_urls(pat.public_id)]:
        response = client.get(url, **headers)
        assert response.status_code == 403, url
        assert response.json() == REGISTER_REFUSAL
        assert b"Pat Register" not in response.content
    assert not AuditEvent.objects.filter(action="person.access_needs_viewed").exists()


@pytest.mark.parametrize("person", NOT_LEADS)
def test_only_admins_and_leads_may_add_or_change_people(client, everyone, pat, person):
    headers = bearer(everyone[person])

    created = post(client, PEOPLE, {"full_name": "Ivy Intruder"}, headers)
    changed = patch(client, f"{PEOPLE}/{pat.public_id}", {"full_name": "Renamed"}, headers)

    assert created.status_code == changed.status_code == 403
    assert created.json() == changed.json() == WRITE_REFUSAL
    assert list(Person.objects.values_list("full_name", flat=True)) == ["Pat Register"]


@pytest.mark.parametrize("person", ["admin", "lead"])
def test_admins_and_leads_may_use_the_register(client, everyone, pat, person):
    headers = bearer(everyone[person])

    for url in [PEOPLE, *person_urls(pat.public_id)]:
        assert client.get(url, **headers).status_code == 200, url
    assert patch(client, f"{PEOPLE}/{pat.public_id}", {"pronouns": "she/her"}, headers).status_code == 200
    assert post(client, PEOPLE, {"full_name": f"Added by {person}"}, headers).status_code == 201


def test_an_outsider_learns_nothing_and_gets_the_same_answer_as_for_a_missing_organisation(
    client, outsider, pat, forum
):
    headers = bearer(outsider)
    urls = [PEOPLE, *person_urls(pat.public_id), GROUPS, f"{GROUPS}/{forum.public_id}/members"]

    for url in urls:
        not_yours = client.get(url, **headers)
        missing = client.get(url.replace("/orgs/demo/", "/orgs/no-such-organisation/"), **headers)
        assert not_yours.status_code == missing.status_code == 404, url
        assert not_yours.content == missing.content, url
        assert not_yours.json() == NOT_FOUND
    writes = [
        post(client, PEOPLE, {"full_name": "Ivy Intruder"}, headers),
        patch(client, f"{PEOPLE}/{pat.public_id}", {"full_name": "Renamed"}, headers),
        post(client, PEOPLE.replace("demo", "no-such-organisation"), {"full_name": "Ivy Intruder"}, headers),
    ]
    assert [(w.status_code, w.json()) for w in writes] == [(404, NOT_FOUND)] * 3
    assert list(Person.objects.values_list("full_name", flat=True).order_by("full_name")) == [
        "Ash Member",
        "Lou Left",
        "Pat Register",
    ]
    assert not AuditEvent.objects.filter(action="person.access_needs_viewed").exists()


@pytest.mark.parametrize("slug", ["%00", "x" * 61, "demo%20"])
def test_a_slug_that_cannot_exist_is_not_found(client, lead_headers, slug):
    for url in [f"/api/v1/orgs/{slug}/people", f"/api/v1/orgs/{slug}/groups"]:
        response = client.get(url, **lead_headers)
        assert response.status_code == 404, url
        assert response.json() == NOT_FOUND


def test_without_a_token_the_register_answers_401(client, pat):
    for url in [PEOPLE, *person_urls(pat.public_id), GROUPS]:
        assert client.get(url).status_code == 401
    assert post(client, PEOPLE, {"full_name": "Anon"}, {}).status_code == 401


# --- Two-factor authentication ----------------------------------------------------------------


@pytest.fixture
def two_factor_required(organisation):
    organisation.require_two_factor = True
    organisation.save()
    return organisation


def test_a_token_is_no_way_round_the_two_factor_rule_for_the_register(client, two_factor_required, lead, pat):
    headers = bearer(lead)

    for response in [
        client.get(PEOPLE, **headers),
        client.get(f"{PEOPLE}/{pat.public_id}", **headers),
        post(client, PEOPLE, {"full_name": "Nia New"}, headers),
        client.get(GROUPS, **headers),
    ]:
        assert response.status_code == 403
        assert "two-factor authentication" in response.json()["detail"]
    assert not AuditEvent.objects.filter(action="person.access_needs_viewed").exists()

    Authenticator.objects.create(user=lead, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert client.get(f"{PEOPLE}/{pat.public_id}", **headers).status_code == 200


def test_participants_see_groups_without_two_factor(client, two_factor_required, member, forum):
    assert client.get(GROUPS, **bearer(member)).status_code == 200


# --- Queries -------------------------------------------------------------------------------------


def count_queries(client, url, headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200, response.content
    return len(queries)


def busy_person(organisation, group, n: int) -> Person:
    person = PersonFactory(organisation=organisation, full_name=f"Person {n:02}")
    services.tags_set(person=person, names=[f"skill {n}", "shared"])
    CheckFactory(person=person, kind="dbs")
    ConsentEventFactory(person=person)
    GroupMembershipFactory(group=group, person=person, role="connector" if n % 2 else "member")
    return person


@pytest.mark.parametrize(
    "query", ["", "?sort=newest", "?consent=opportunities&check_status=valid&tag=shared&q=person", "?group="]
)
def test_listing_the_register_takes_the_same_queries_for_1_or_30_people(
    client, lead_headers, organisation, query
):
    group = GroupFactory(organisation=organisation)
    client.get("/api/v1/me", **lead_headers)  # records the token's last use now, so later reads do not write
    url = f"{PEOPLE}{query}{'&' if '?' in query else '?'}page_size=100"
    url = url.replace("group=", f"group={group.public_id}")
    busy_person(organisation, group, 0)
    with_one = count_queries(client, url, lead_headers)

    for n in range(1, 30):
        busy_person(organisation, group, n)
    with_thirty = count_queries(client, url, lead_headers)

    assert with_one == with_thirty
    assert client.get(url, **lead_headers).json()["count"] == 30


def test_listing_groups_takes_the_same_queries_for_1_or_30(client, lead_headers, organisation):
    client.get("/api/v1/me", **lead_headers)
    busy_person(organisation, GroupFactory(organisation=organisation), 0)
    with_one = count_queries(client, f"{GROUPS}?page_size=100", lead_headers)

    for n in range(1, 30):
        busy_person(organisation, GroupFactory(organisation=organisation), n)

    assert count_queries(client, f"{GROUPS}?page_size=100", lead_headers) == with_one
    body = client.get(f"{GROUPS}?page_size=100", **lead_headers).json()
    assert body["count"] == 30
    assert sum(len(group["connectors"]) for group in body["items"]) == 15


def test_listing_a_groups_members_takes_the_same_queries_for_1_or_30(client, lead_headers, organisation):
    client.get("/api/v1/me", **lead_headers)
    group = GroupFactory(organisation=organisation)
    url = f"{GROUPS}/{group.public_id}/members?page_size=100"
    busy_person(organisation, group, 0)
    with_one = count_queries(client, url, lead_headers)

    for n in range(1, 30):
        busy_person(organisation, group, n)

    assert count_queries(client, url, lead_headers) == with_one
    assert client.get(url, **lead_headers).json()["count"] == 30


def test_reading_a_persons_checks_and_consents_takes_the_same_queries_however_many(
    client, lead, lead_headers, pat
):
    client.get("/api/v1/me", **lead_headers)
    consents = f"{PEOPLE}/{pat.public_id}/consents"
    checks = f"{PEOPLE}/{pat.public_id}/checks"
    services.consent_set(person=pat, actor=lead, purpose="newsletter", given=True)
    CheckFactory(person=pat, kind="dbs")
    before = (count_queries(client, consents, lead_headers), count_queries(client, checks, lead_headers))

    for purpose in ["opportunities", "story", "photos", "research"]:
        services.consent_set(person=pat, actor=lead, purpose=purpose, given=True)
        services.consent_set(person=pat, actor=lead, purpose=purpose, given=False)
    for kind in ["references", "induction", "confidentiality", "safeguarding"]:
        CheckFactory(person=pat, kind=kind)

    assert (
        count_queries(client, consents, lead_headers),
        count_queries(client, checks, lead_headers),
    ) == before
