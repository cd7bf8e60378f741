from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from coproduce.core.models import AuditEvent
from coproduce.people import selectors, services
from coproduce.people.models import CheckStatus, ConsentEvent, Person, check_status
from coproduce.people.tests.factories import GroupFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_a_lead_registers_a_managed_person_and_the_audit_says_on_whose_behalf(organisation, lead):
    person = services.person_create(
        organisation=organisation,
        actor=lead,
        full_name="Pat Offline",
        phone="01234 567890",
        address="2 Church Lane",
        contact_by_post=True,
        contact_by_phone=True,
        preferred_contact="post",
        is_managed=True,
        tags=["gardening", "  Art ", "art"],
    )
    assert sorted(t.name for t in person.tags.all()) == ["Art", "gardening"]
    event = AuditEvent.objects.get(action="person.created")
    assert event.actor == lead
    assert event.details == {"managed": True, "on_behalf": True}
    assert "Pat Offline" not in str(event.details)


def test_email_is_unique_within_an_organisation_but_not_across(organisation, other_organisation, lead):
    services.person_create(organisation=organisation, actor=lead, full_name="A", email="same@example.org")
    with pytest.raises(ValidationError, match="already has the email address"):
        services.person_create(organisation=organisation, actor=lead, full_name="B", email="SAME@example.org")
    services.person_create(
        organisation=other_organisation, actor=lead, full_name="C", email="same@example.org"
    )


def test_a_way_of_contact_needs_its_details(organisation, lead):
    with pytest.raises(ValidationError) as error:
        services.person_create(
            organisation=organisation, actor=lead, full_name="D", contact_by_email=True, contact_by_post=True
        )
    assert set(error.value.message_dict) == {"email", "address"}


def test_updates_audit_which_fields_changed_but_not_their_values(organisation, lead):
    person = PersonFactory(organisation=organisation, full_name="Old Name", pronouns="")
    services.person_update(
        person=person, actor=lead, full_name="New Name", pronouns="they/them", tags=["art"]
    )
    event = AuditEvent.objects.get(action="person.updated")
    assert event.details["fields"] == ["full_name", "pronouns", "skills and interests"]
    assert "New Name" not in str(event.details)


def test_a_person_editing_their_own_record_is_not_on_behalf(organisation, member):
    person = services.person_for_user(organisation=organisation, user=member)
    services.person_update(person=person, actor=member, pronouns="she/her")
    assert "on_behalf" not in AuditEvent.objects.get(action="person.updated").details


def test_checks_cannot_expire_before_they_were_done_and_renewing_updates_the_row(organisation, lead):
    person = PersonFactory(organisation=organisation)
    with pytest.raises(ValidationError, match="expiry date must be the same as or after"):
        services.check_record(
            person=person, actor=lead, kind="dbs", done_on=date(2026, 5, 1), expires_on=date(2026, 4, 1)
        )
    services.check_record(
        person=person, actor=lead, kind="dbs", done_on=date(2023, 1, 1), expires_on=date(2026, 1, 1)
    )
    services.check_record(
        person=person, actor=lead, kind="dbs", done_on=date(2026, 1, 2), expires_on=date(2029, 1, 2)
    )
    assert person.checks.count() == 1
    assert person.checks.get().expires_on == date(2029, 1, 2)
    assert list(
        AuditEvent.objects.filter(target_id=str(person.public_id)).values_list("action", flat=True)
    ) == [
        "check.renewed",
        "check.recorded",
    ]


@given(
    done=st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 1, 1)),
    days=st.one_of(st.none(), st.integers(min_value=0, max_value=4000)),
    today=st.dates(min_value=date(2000, 1, 1), max_value=date(2035, 1, 1)),
)
def test_check_status_is_always_one_of_four_and_consistent(done, days, today):
    expires = None if days is None else done + timedelta(days=days)
    status = check_status(done, expires, today)
    assert status in CheckStatus.values
    if expires is None:
        assert status == CheckStatus.VALID
    elif expires < today:
        assert status == CheckStatus.EXPIRED
    elif (expires - today).days <= 30:
        assert status == CheckStatus.EXPIRING
    else:
        assert status == CheckStatus.VALID
    assert check_status(None, expires, today) == CheckStatus.MISSING


def test_consent_history_is_kept_and_withdrawal_takes_effect_at_once(organisation, lead, member):
    person = services.person_for_user(organisation=organisation, user=member)
    other = PersonFactory(organisation=organisation)
    services.consent_set(person=person, actor=member, purpose="opportunities", given=True)
    services.consent_set(person=other, actor=lead, purpose="opportunities", given=True, note="by phone")
    contactable = selectors.people_with_consent(organisation=organisation, purpose="opportunities")
    assert set(contactable) == {person, other}
    services.consent_set(person=person, actor=member, purpose="opportunities", given=False)
    assert set(selectors.people_with_consent(organisation=organisation, purpose="opportunities")) == {other}
    assert ConsentEvent.objects.filter(person=person).count() == 2
    assert ConsentEvent.objects.get(person=other).on_behalf is True
    # Saying the same again records nothing new.
    assert services.consent_set(person=person, actor=member, purpose="opportunities", given=False) is None


def test_access_needs_are_validated_and_audited(organisation, lead):
    person = PersonFactory(organisation=organisation)
    with pytest.raises(ValidationError):
        services.access_needs_update(person=person, actor=lead, needs=["teleport"], other="")
    services.access_needs_update(person=person, actor=lead, needs=["bsl", "breaks"], other="Quiet seat")
    person.access_needs.refresh_from_db()
    assert person.access_needs.labels() == ["British Sign Language (BSL) interpreter", "Regular breaks"]
    assert AuditEvent.objects.filter(action="person.access_needs_updated").count() == 1


def test_group_membership_and_connector(organisation, lead):
    group = GroupFactory(organisation=organisation)
    person = PersonFactory(organisation=organisation)
    membership = services.group_member_add(group=group, person=person, role="connector", actor=lead)
    assert list(selectors.group_connectors(group=group)) == [membership]
    services.group_member_leave(membership=membership, actor=lead)
    assert list(selectors.group_members(group=group)) == []
    outsider_person = PersonFactory()
    with pytest.raises(ValidationError):
        services.group_member_add(group=group, person=outsider_person, role="member", actor=lead)


def test_person_for_user_links_an_existing_record_with_the_same_email(organisation, member):
    existing = PersonFactory(organisation=organisation, email=member.email)
    assert services.person_for_user(organisation=organisation, user=member) == existing
    assert Person.objects.get(pk=existing.pk).user == member
