"""Writes for organisations, memberships and accounts. Each one audits itself."""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coproduce.notifications.services import notify

from .audit import audit_log
from .models import Membership, MembershipRole, Organisation, Role, User


def organisation_create(
    *, name: str, slug: str, created_by: User | None, require_two_factor: bool = True, **fields
) -> Organisation:
    organisation = Organisation(name=name, slug=slug, require_two_factor=require_two_factor, **fields)
    organisation.full_clean()
    with transaction.atomic():
        organisation.save()
        audit_log(
            actor=created_by, organisation=organisation, action="organisation.created", target=organisation
        )
        from coproduce.themes.services import themes_setup_organisation  # themes imports core

        themes_setup_organisation(organisation)
    return organisation


def organisation_update(*, organisation: Organisation, updated_by: User, **fields) -> Organisation:
    changed = {
        name: {"from": getattr(organisation, name), "to": value}
        for name, value in fields.items()
        if getattr(organisation, name) != value
    }
    if not changed:
        return organisation
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    with transaction.atomic():
        organisation.save()
        audit_log(
            actor=updated_by,
            organisation=organisation,
            action="organisation.updated",
            target=organisation,
            details={"changed": changed},
        )
    return organisation


def user_get_or_create(*, email: str, full_name: str = "") -> tuple[User, bool]:
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return user, False
    user = User(email=email, full_name=full_name.strip())
    user.set_unusable_password()
    user.full_clean()
    user.save()
    return user, True


def user_set_language(*, user: User, language: str) -> User:
    """Remember the language someone reads: notifications, emails and digests are written in it."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose a language from the list")})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


def _set_roles(membership: Membership, roles: Iterable[str]) -> None:
    roles = set(roles)
    unknown = roles - set(Role.values)
    if unknown:
        raise ValidationError(_("Unknown role: %(roles)s") % {"roles": ", ".join(sorted(unknown))})
    membership.role_set.exclude(role__in=roles).delete()
    existing = set(membership.role_set.values_list("role", flat=True))
    MembershipRole.objects.bulk_create(
        MembershipRole(membership=membership, role=r) for r in roles - existing
    )
    # Drop any prefetched roles so membership.roles reads the new ones.
    getattr(membership, "_prefetched_objects_cache", {}).pop("role_set", None)
    membership.__dict__.pop("roles", None)


def membership_add(
    *, organisation: Organisation, user: User, roles: Iterable[str], added_by: User | None
) -> Membership:
    roles = set(roles)
    if not roles:
        raise ValidationError({"roles": _("Choose at least one role.")})
    if Membership.objects.filter(organisation=organisation, user=user).exists():
        raise ValidationError({"email": _("%(email)s is already a member.") % {"email": user.email}})
    with transaction.atomic():
        membership = Membership.objects.create(organisation=organisation, user=user)
        _set_roles(membership, roles)
        audit_log(
            actor=added_by,
            organisation=organisation,
            action="membership.added",
            target=membership,
            details={"roles": sorted(roles)},
        )
    return membership


def membership_invite(
    *, organisation: Organisation, email: str, full_name: str, roles: Iterable[str], invited_by: User
) -> Membership:
    """Add someone by email. A new account gets a link to choose a password; nobody types one for them."""
    with transaction.atomic():
        user, created = user_get_or_create(email=email, full_name=full_name)
        membership = membership_add(organisation=organisation, user=user, roles=roles, added_by=invited_by)
        inviter = invited_by.get_full_name()

        def message() -> tuple[str, str]:
            names = {"inviter": inviter, "organisation": organisation.name}
            if created:
                body = _(
                    "%(inviter)s added you to %(organisation)s. "
                    "Choose a password to sign in for the first time."
                )
            else:
                body = _("%(inviter)s added you to %(organisation)s. Sign in with your usual password.")
            subject = _("You have been added to %(organisation)s on Coproduce") % names
            return subject, body % names

        notify(
            organisation=organisation,
            recipients=[user],
            message=message,
            url="/accounts/password/reset/" if created else organisation.get_absolute_url(),
        )
    return membership


def _admin_count(organisation: Organisation) -> int:
    return MembershipRole.objects.filter(membership__organisation=organisation, role=Role.ADMIN).count()


def membership_set_roles(*, membership: Membership, roles: Iterable[str], changed_by: User) -> Membership:
    roles = set(roles)
    if not roles:
        raise ValidationError({"roles": _("Choose at least one role.")})
    before = set(membership.role_set.values_list("role", flat=True))
    if before == roles:
        return membership
    with transaction.atomic():
        # Lock the organisation's admin roles so two admins cannot demote each other at once.
        list(
            MembershipRole.objects.select_for_update().filter(
                membership__organisation=membership.organisation
            )
        )
        if Role.ADMIN in before and Role.ADMIN not in roles and _admin_count(membership.organisation) <= 1:
            raise ValidationError(
                {"roles": _("An organisation needs at least one admin. Make someone else an admin first.")}
            )
        _set_roles(membership, roles)
        audit_log(
            actor=changed_by,
            organisation=membership.organisation,
            action="membership.roles_changed",
            target=membership,
            details={"from": sorted(before), "to": sorted(roles)},
        )
    return membership


def membership_set_equality_access(*, membership: Membership, allowed: bool, changed_by: User) -> Membership:
    if membership.can_see_equality_data == allowed:
        return membership
    with transaction.atomic():
        membership.can_see_equality_data = allowed
        membership.save(update_fields=["can_see_equality_data"])
        audit_log(
            actor=changed_by,
            organisation=membership.organisation,
            action="membership.equality_access_granted" if allowed else "membership.equality_access_removed",
            target=membership,
        )
    return membership


def membership_remove(*, membership: Membership, removed_by: User) -> None:
    with transaction.atomic():
        list(
            MembershipRole.objects.select_for_update().filter(
                membership__organisation=membership.organisation
            )
        )
        is_admin = membership.role_set.filter(role=Role.ADMIN).exists()
        if is_admin and _admin_count(membership.organisation) <= 1:
            raise ValidationError(
                _("This is the organisation's only admin. Make someone else an admin before removing them.")
            )
        audit_log(
            actor=removed_by,
            organisation=membership.organisation,
            action="membership.removed",
            target=membership,
            details={"email": membership.user.email},
        )
        membership.delete()
