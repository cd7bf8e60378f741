import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.core import services
from coproduce.core.models import AuditEvent, Membership, Organisation, Role, User
from coproduce.core.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from coproduce.notifications.models import Notification


def test_inviting_a_new_person_creates_an_account_without_a_password(
    organisation, admin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.membership_invite(
            organisation=organisation,
            email="New.Person@Example.org",
            full_name="New Person",
            roles=["carer"],
            invited_by=admin,
        )
    user = membership.user
    assert user.email == "new.person@example.org"
    assert not user.has_usable_password()
    assert membership.roles == {"carer"}
    assert AuditEvent.objects.filter(action="membership.added", organisation=organisation).count() == 1
    notification = Notification.objects.get(recipient=user)
    assert "choose a password" in notification.body.lower()
    # The email goes by a background task after commit (the immediate backend in tests).
    assert [m.to for m in mailoutbox] == [["new.person@example.org"]]
    assert Notification.objects.get(pk=notification.pk).emailed_at is not None


def test_inviting_someone_already_in_another_organisation_reuses_their_account(organisation, admin, outsider):
    membership = services.membership_invite(
        organisation=organisation, email=outsider.email, full_name="", roles=["staff"], invited_by=admin
    )
    assert membership.user == outsider
    assert outsider.memberships.count() == 2


def test_inviting_an_existing_member_again_is_refused_clearly(organisation, admin, member):
    with pytest.raises(ValidationError) as error:
        services.membership_invite(
            organisation=organisation, email=member.email, full_name="", roles=["staff"], invited_by=admin
        )
    assert "already a member" in str(error.value)


def test_a_membership_needs_a_role(organisation, admin):
    with pytest.raises(ValidationError):
        services.membership_invite(
            organisation=organisation, email="x@example.org", full_name="X", roles=[], invited_by=admin
        )


def test_roles_change_is_audited_with_before_and_after(organisation, admin, member):
    membership = member.memberships.get()
    services.membership_set_roles(membership=membership, roles=["participant", "staff"], changed_by=admin)
    assert membership.roles == {"participant", "staff"}
    event = AuditEvent.objects.get(action="membership.roles_changed")
    assert event.details == {"from": ["participant"], "to": ["participant", "staff"]}
    assert event.actor == admin


def test_the_last_admin_cannot_lose_the_admin_role(organisation, admin):
    with pytest.raises(ValidationError, match="at least one admin"):
        services.membership_set_roles(membership=admin.memberships.get(), roles=["lead"], changed_by=admin)


def test_the_last_admin_cannot_be_removed(organisation, admin):
    with pytest.raises(ValidationError, match="only admin"):
        services.membership_remove(membership=admin.memberships.get(), removed_by=admin)
    assert Membership.objects.filter(user=admin).exists()


def test_an_admin_can_step_down_once_there_is_another_admin(organisation, admin, lead):
    services.membership_set_roles(
        membership=lead.memberships.get(), roles=["lead", "admin"], changed_by=admin
    )
    services.membership_set_roles(membership=admin.memberships.get(), roles=["staff"], changed_by=admin)
    assert admin.memberships.get().roles == {"staff"}


def test_removing_a_member_keeps_their_account_and_audits(organisation, admin, member):
    services.membership_remove(membership=member.memberships.get(), removed_by=admin)
    assert User.objects.filter(pk=member.pk).exists()
    assert not member.memberships.exists()
    event = AuditEvent.objects.get(action="membership.removed")
    assert event.details == {"email": member.email}


def test_organisation_update_audits_only_what_changed(organisation, admin):
    services.organisation_update(
        organisation=organisation, updated_by=admin, name="Renamed Trust", slug="demo"
    )
    event = AuditEvent.objects.get(action="organisation.updated")
    assert event.details == {
        "changed": {"name": {"from": "Demo Mental Health NHS Foundation Trust", "to": "Renamed Trust"}}
    }
    services.organisation_update(organisation=organisation, updated_by=admin, name="Renamed Trust")
    assert AuditEvent.objects.filter(action="organisation.updated").count() == 1


def test_new_organisations_require_two_factor_by_default(db):
    organisation = services.organisation_create(name="New Trust", slug="new-trust", created_by=None)
    assert organisation.require_two_factor is True


def test_the_audit_log_is_append_only(organisation, admin, member):
    services.membership_set_roles(membership=member.memberships.get(), roles=["carer"], changed_by=admin)
    event = AuditEvent.objects.latest("id")
    event.action = "tampered"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(ValidationError):
        AuditEvent.objects.all().update(action="tampered")
    with pytest.raises(ValidationError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(action="tampered").count() == 0


@settings(max_examples=40, deadline=None)
@given(
    admins=st.integers(min_value=1, max_value=3),
    changes=st.lists(
        st.tuples(st.integers(min_value=0, max_value=2), st.sets(st.sampled_from(Role.values), min_size=1)),
        max_size=6,
    ),
)
@pytest.mark.django_db
def test_an_organisation_never_ends_up_without_an_admin(admins, changes):
    """Whatever sequence of role changes people try, at least one admin always remains."""
    organisation = OrganisationFactory(slug="prop")
    actor = UserFactory(email="actor@example.test")
    memberships = [MembershipFactory(organisation=organisation, roles=["admin"]) for _ in range(admins)]
    for index, roles in changes:
        membership = memberships[index % len(memberships)]
        try:
            services.membership_set_roles(membership=membership, roles=roles, changed_by=actor)
        except ValidationError:
            pass
        assert Membership.objects.filter(organisation=organisation, role_set__role="admin").exists()


def test_seed_demo_twice_changes_nothing(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (
        User.objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.count(),
        Organisation.objects.count(),
    )
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts == (
        User.objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.count(),
        Organisation.objects.count(),
    )
    demo = Organisation.objects.get(slug="demo")
    assert demo.name == "Demo Mental Health NHS Foundation Trust"
    assert demo.require_two_factor is False
    roles = {
        m.user.email: m.roles
        for m in Membership.objects.filter(organisation=demo).prefetch_related("role_set")
    }
    assert roles["admin@demo.test"] == {"admin"}
    assert roles["finance@demo.test"] == {"finance"}
    assert User.objects.get(email="exec@demo.test").check_password("coproduce-demo")
    assert Membership.objects.filter(organisation__slug="other", user__email="admin@other.test").exists()


def test_seed_demo_scale_adds_members(db):
    call_command("seed_demo", "--scale", "20", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Membership.objects.filter(organisation__slug="demo").count() == 7 + 20
