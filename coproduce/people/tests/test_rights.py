"""Right of access, right to erasure, and equality data used only in aggregate."""

import io
import json
import zipfile

import pytest
from django.apps import apps
from django.db import models

from coproduce.core.models import AuditEvent, Membership, User
from coproduce.people import services
from coproduce.people.models import EqualityMonitoring, Person
from coproduce.people.tests.factories import CheckFactory, GroupFactory, GroupMembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


def database_contains(text: str) -> list[str]:
    """Every text or JSON column of every table, searched for the text."""
    found = []
    for model in apps.get_models():
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        ]
        for field in fields:
            lookup = f"{field}__icontains"
            try:
                if model._default_manager.filter(**{lookup: text}).exists():
                    found.append(f"{model._meta.label}.{field}")
            except Exception:  # noqa: BLE001, S112 - some JSON lookups are not supported on every database
                continue
    return found


def full_record(organisation, lead, member):
    person = services.person_for_user(organisation=organisation, user=member)
    services.person_update(
        person=person,
        actor=member,
        full_name="Zebedee Unique-Name",
        preferred_name="Zeb",
        phone="07700 900123",
        address="99 Quirky Lane",
        contact_by_post=True,
        tags=["origami"],
    )
    services.access_needs_update(person=person, actor=lead, needs=["bsl"], other="Zebedee needs a quiet seat")
    services.consent_set(
        person=person, actor=member, purpose="newsletter", given=True, note="Zebedee said yes"
    )
    services.check_record(
        person=person, actor=lead, kind="dbs", done_on="2025-01-01", expires_on=None, reference="ZEB-123"
    )
    services.equality_update(person=person, actor=lead, ethnicity="white")
    GroupMembershipFactory(group=GroupFactory(organisation=organisation), person=person, role="connector")
    services.person_data_export(person=person, actor=member)
    return person


def test_erasure_leaves_no_personal_data_anywhere_in_the_database(client, organisation, lead, member):
    person = full_record(organisation, lead, member)
    email = member.email
    assert database_contains("Zebedee")  # the search works before erasure
    services.person_request_erasure(person=person, actor=member)
    services.person_erase(person=Person.objects.get(pk=person.pk), actor=lead)
    assert database_contains("Zebedee") == []
    assert database_contains("Unique-Name") == []
    assert database_contains(email) == []
    assert database_contains("Quirky Lane") == []
    assert database_contains("ZEB-123") == []
    erased = Person.objects.get(pk=person.pk)
    assert erased.full_name == "Erased person" and erased.erased_at is not None
    # Counts that must stay still add up: the (anonymous) membership is kept, and has ended.
    assert erased.group_memberships.count() == 1
    assert erased.group_memberships.get().left_on is not None
    assert not User.objects.filter(email=email).exists()  # no other organisation: the account goes
    event = AuditEvent.objects.get(action="person.erased")
    assert event.actor == lead and "Zebedee" not in json.dumps(event.details)


def test_erasure_keeps_an_account_that_another_organisation_holds(
    organisation, other_organisation, lead, member
):
    Membership.objects.create(user=member, organisation=other_organisation)
    person = services.person_for_user(organisation=organisation, user=member)
    services.person_erase(person=person, actor=lead)
    assert User.objects.filter(pk=member.pk).exists()
    assert not Membership.objects.filter(user=member, organisation=organisation).exists()


def test_asking_to_be_deleted_tells_the_reviewers_and_they_confirm(client, organisation, admin, lead, member):
    client.force_login(member)
    client.post("/o/demo/me/")
    response = client.post("/o/demo/me/delete/")
    assert response.status_code == 302
    assert {n.recipient for n in admin.notifications.all()} | {
        n.recipient for n in lead.notifications.all()
    } == {admin, lead}
    client.force_login(lead)
    listing = client.get("/o/demo/people/erasure-requests/")
    person = Person.objects.get(user=member)
    assert person.full_name in listing.text
    assert client.post(f"/o/demo/people/{person.public_id}/erase/").status_code == 302
    assert Person.objects.get(pk=person.pk).erased_at is not None
    assert client.get(f"/o/demo/people/{person.public_id}/").status_code == 404
    assert person.full_name not in client.get("/o/demo/people/").text


def test_a_participant_cannot_erase_or_review_others(client, member, organisation):
    person = PersonFactory(organisation=organisation)
    client.force_login(member)
    assert client.post(f"/o/demo/people/{person.public_id}/erase/").status_code == 403
    assert client.get("/o/demo/people/erasure-requests/").status_code == 403
    assert Person.objects.get(pk=person.pk).erased_at is None


def test_download_everything_held_gives_a_zip_with_json_and_a_readable_page(
    client, organisation, lead, member
):
    full_record(organisation, lead, member)
    client.force_login(member)
    response = client.get("/o/demo/me/download/")
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["my-data.html", "my-data.json"]
    data = json.loads(archive.read("my-data.json"))
    assert data["profile"]["full_name"] == "Zebedee Unique-Name"
    assert data["access_needs"]["other"] == "Zebedee needs a quiet seat"
    assert data["skills_and_interests"] == ["origami"]
    assert data["checks"][0]["reference"] == "ZEB-123"
    assert data["consent_history"][0]["purpose"] == "Send me the newsletter"
    html = archive.read("my-data.html").decode()
    assert "Everything we hold about you" in html and "Zebedee Unique-Name" in html
    assert AuditEvent.objects.filter(action="person.data_downloaded").count() == 2


def test_equality_totals_suppress_small_numbers_and_follow_the_records(client, organisation, admin):
    Membership.objects.filter(user=admin).update(can_see_equality_data=True)
    for _ in range(6):
        EqualityMonitoring.objects.create(person=PersonFactory(organisation=organisation), ethnicity="white")
    for _ in range(2):
        EqualityMonitoring.objects.create(person=PersonFactory(organisation=organisation), ethnicity="asian")
    client.force_login(admin)
    summary = client.get("/o/demo/people/equality/").context["summary"]
    ethnicity = next(q for q in summary if q["question"] == "ethnic group")
    counts = {row["label"]: row["count"] for row in ethnicity["rows"]}
    assert counts["White"] == 6
    assert counts["Asian, Asian British or Asian Welsh"] is None  # 2 people: shown as "fewer than 5"
    assert counts["Other ethnic group"] == 0
    for _ in range(3):
        EqualityMonitoring.objects.create(person=PersonFactory(organisation=organisation), ethnicity="asian")
    summary = client.get("/o/demo/people/equality/").context["summary"]
    ethnicity = next(q for q in summary if q["question"] == "ethnic group")
    assert {row["label"]: row["count"] for row in ethnicity["rows"]}[
        "Asian, Asian British or Asian Welsh"
    ] == 5
    assert "fewer than 5" in client.get("/o/demo/people/equality/").text


def test_equality_totals_need_the_equality_permission(client, lead):
    client.force_login(lead)
    assert client.get("/o/demo/people/equality/").status_code == 403


def test_checks_of_an_erased_person_are_gone_from_the_renewals_list(client, organisation, lead):
    person = PersonFactory(organisation=organisation, full_name="Due Soon")
    CheckFactory(person=person, done_on="2020-01-01", expires_on="2021-01-01")
    services.person_erase(person=person, actor=lead)
    client.force_login(lead)
    assert "Due Soon" not in client.get("/o/demo/people/checks-due/").text


def test_erasure_clears_what_they_wrote_when_expressing_interest(organisation, lead):
    from datetime import date, timedelta

    from coproduce.involvement import services as involvement
    from coproduce.involvement.models import ActivityType, ExpressionOfInterest

    chance = involvement.opportunity_create(
        organisation=organisation,
        actor=lead,
        title="Panel",
        description="Help choose staff",
        activity_type=ActivityType.objects.get(code="meeting", organisation=None),
        places=1,
        commitment="One morning",
        closes_on=date.today() + timedelta(days=7),
        status="open",
    )
    person = PersonFactory(organisation=organisation)
    involvement.interest_submit(opportunity=chance, person=person, actor=lead, why="Zebedee's own story")
    services.person_erase(person=person, actor=lead)
    assert ExpressionOfInterest.objects.get(person=person).why == ""
    assert database_contains("Zebedee") == []


def test_erasure_clears_contact_details_and_digests_under_their_email(organisation, admin):
    from django.utils import timezone

    from coproduce.feedback import services as feedback
    from coproduce.feedback.models import Response

    survey = feedback.survey_create_from_template(
        organisation=organisation, actor=admin, template="fft", status="open"
    )
    pat = PersonFactory(organisation=organisation, email="pat@example.com")
    for key, email in (("a", "PAT@example.com"), ("b", "someone@example.com")):
        Response.objects.create(
            survey=survey,
            mode="online",
            submitted_at=timezone.now(),
            idempotency_key=key,
            contact_ok=True,
            contact_name="Pat",
            contact_email=email,
            contact_language="cy",
        )
    from coproduce.yousaid.models import DigestSubscription

    for email in ("pat@example.com", "someone@example.com"):
        DigestSubscription.objects.create(organisation=organisation, kind="contact", email=email)
    DigestSubscription.objects.create(organisation=organisation, kind="person", person=pat)
    services.person_erase(person=pat, actor=admin)
    kept = Response.objects.order_by("idempotency_key")
    assert [(r.contact_ok, r.contact_email, r.contact_language) for r in kept] == [
        (False, "", ""),
        (True, "someone@example.com", "cy"),
    ]
    assert list(DigestSubscription.objects.values_list("email", flat=True)) == ["someone@example.com"]


def test_erasure_clears_a_phone_only_contact_and_its_calls_but_no_one_elses(organisation, admin):
    from django.utils import timezone

    from coproduce.feedback import services as feedback
    from coproduce.feedback.models import Response
    from coproduce.involvement.models import Letter
    from coproduce.yousaid.models import DigestSubscription

    survey = feedback.survey_create_from_template(
        organisation=organisation, actor=admin, template="fft", status="open"
    )
    pat = PersonFactory(organisation=organisation, email="", phone="07700 900111")
    for key, phone in (("a", "07700 900111"), ("b", "07700 900999"), ("c", "")):
        Response.objects.create(
            survey=survey,
            mode="paper",
            submitted_at=timezone.now(),
            idempotency_key=key,
            contact_ok=bool(phone),
            contact_name="Someone" if phone else "",
            contact_phone=phone,
        )
        if phone:
            DigestSubscription.objects.create(organisation=organisation, kind="contact", phone=phone)
            Letter.objects.create(
                organisation=organisation, channel="phone", phone=phone, subject="S", body="B"
            )
    services.person_erase(person=pat, actor=admin)
    kept = Response.objects.order_by("idempotency_key")
    assert [(r.contact_ok, r.contact_phone) for r in kept] == [
        (False, ""),
        (True, "07700 900999"),
        (False, ""),
    ]
    assert list(DigestSubscription.objects.values_list("phone", flat=True)) == ["07700 900999"]
    assert list(Letter.objects.values_list("phone", flat=True)) == ["07700 900999"]
