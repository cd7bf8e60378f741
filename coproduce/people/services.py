"""Writes to the register. Each audits itself, and says when someone acted for another person."""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.core.audit import audit_log
from coproduce.core.models import Organisation, User

from .models import (
    AccessNeed,
    AccessNeeds,
    Check,
    ConsentEvent,
    ConsentPurpose,
    EqualityMonitoring,
    Group,
    GroupMembership,
    GroupRole,
    Person,
    Tag,
)

PROFILE_FIELDS = [
    "full_name",
    "preferred_name",
    "pronouns",
    "identity",
    "email",
    "phone",
    "address",
    "contact_by_email",
    "contact_by_sms",
    "contact_by_phone",
    "contact_by_post",
    "preferred_contact",
    "language",
    "times_to_avoid",
    "is_managed",
]


def _on_behalf(person: Person, actor: User | None) -> bool:
    """True when someone other than the person themselves made the change."""
    return actor is not None and (person.user_id is None or person.user_id != actor.pk)


def _audit(person: Person, actor: User | None, action: str, **details) -> None:
    if _on_behalf(person, actor):
        # A flag, not the name: the audit row points at the person, and erasure must not leave names behind.
        details["on_behalf"] = True
    audit_log(actor=actor, organisation=person.organisation, action=action, target=person, details=details)


def _validate_unique_email(person: Person) -> None:
    if person.email:
        clash = Person.objects.filter(organisation=person.organisation, email__iexact=person.email)
        if person.pk:
            clash = clash.exclude(pk=person.pk)
        if clash.exists():
            raise ValidationError(
                {
                    "email": _("Someone on the register already has the email address %(email)s")
                    % {"email": person.email}
                }
            )


def _validate_contact(person: Person) -> None:
    errors = {}
    if person.contact_by_email and not person.email:
        errors["email"] = _("Enter an email address, or untick email as a way to contact them")
    if (person.contact_by_sms or person.contact_by_phone) and not person.phone:
        errors["phone"] = _("Enter a phone number, or untick phone and text message")
    if person.contact_by_post and not person.address.strip():
        errors["address"] = _("Enter a postal address, or untick letters by post")
    if person.preferred_contact and not getattr(person, f"contact_by_{person.preferred_contact}"):
        errors["preferred_contact"] = _("Tick your preferred way of contact in the list above as well")
    if errors:
        raise ValidationError(errors)


def _save_unique(person: Person) -> None:
    """Save, turning a lost race on the unique email into the same clear message as the check."""
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as error:
        _validate_unique_email(person)
        raise error


def tags_set(*, person: Person, names: Iterable[str]) -> None:
    # Keep the first spelling of each tag ("Art" then "art" keeps "Art"), whatever the order of a set.
    unique: dict[str, str] = {}
    for raw in names:
        name = " ".join(raw.split())[:60]
        if name:
            unique.setdefault(name.lower(), name)
    names = sorted(unique.values(), key=str.lower)
    existing = {t.name.lower(): t for t in Tag.objects.filter(organisation=person.organisation)}
    tags = []
    for name in names:
        tag = existing.get(name.lower())
        if tag is None:
            tag, _created = Tag.objects.get_or_create(organisation=person.organisation, name=name)
            existing[name.lower()] = tag
        tags.append(tag)
    person.tags.set(tags)


def person_create(
    *,
    organisation: Organisation,
    actor: User | None,
    tags: Iterable[str] = (),
    user: User | None = None,
    **fields,
) -> Person:
    person = Person(organisation=organisation, user=user, **fields)
    person.email = person.email.strip().lower()
    person.full_clean(validate_constraints=False)
    _validate_unique_email(person)
    _validate_contact(person)
    with transaction.atomic():
        _save_unique(person)
        AccessNeeds.objects.create(person=person)
        tags_set(person=person, names=tags)
        _audit(person, actor, "person.created", managed=person.is_managed)
    return person


def person_update(*, person: Person, actor: User, tags: Iterable[str] | None = None, **fields) -> Person:
    changed = [name for name, value in fields.items() if getattr(person, name) != value]
    for name, value in fields.items():
        setattr(person, name, value)
    person.email = person.email.strip().lower()
    person.full_clean(validate_constraints=False)
    _validate_unique_email(person)
    _validate_contact(person)
    with transaction.atomic():
        _save_unique(person)
        if tags is not None:
            before = set(person.tags.values_list("name", flat=True))
            tags_set(person=person, names=tags)
            if before != set(person.tags.values_list("name", flat=True)):
                changed.append("skills and interests")
        if changed:
            # Field names only: the values are personal data and the audit log outlives erasure.
            _audit(person, actor, "person.updated", fields=sorted(changed))
    return person


def access_needs_update(*, person: Person, actor: User, needs: Iterable[str], other: str) -> AccessNeeds:
    needs = sorted(set(needs))
    unknown = set(needs) - set(AccessNeed.values)
    if unknown:
        raise ValidationError(
            {"needs": _("Unknown access need: %(needs)s") % {"needs": ", ".join(sorted(unknown))}}
        )
    with transaction.atomic():
        access, _created = AccessNeeds.objects.select_for_update().get_or_create(person=person)
        access.needs = needs
        access.other = other.strip()
        access.full_clean()
        access.save()
        _audit(person, actor, "person.access_needs_updated")
    return access


def access_needs_viewed(*, person: Person, actor: User) -> None:
    """Reading someone's access needs is audited: they can be health information."""
    _audit(person, actor, "person.access_needs_viewed")


def check_record(
    *, person: Person, actor: User, kind: str, done_on: date, expires_on: date | None, reference: str = ""
) -> Check:
    check = Check.objects.filter(person=person, kind=kind).first() or Check(person=person, kind=kind)
    check.done_on, check.expires_on, check.reference = done_on, expires_on, reference.strip()
    if expires_on is not None and expires_on < done_on:
        raise ValidationError(
            {"expires_on": _("The expiry date must be the same as or after the date it was done")}
        )
    check.full_clean(validate_constraints=False)
    with transaction.atomic():
        renewed = check.pk is not None
        check.save()
        _audit(person, actor, "check.renewed" if renewed else "check.recorded", kind=kind)
    return check


def consent_set(
    *, person: Person, actor: User | None, purpose: str, given: bool, note: str = ""
) -> ConsentEvent | None:
    """Record consent given or withdrawn. Nothing is written when it is unchanged."""
    if purpose not in ConsentPurpose.values:
        raise ValidationError({"purpose": _("Unknown consent purpose")})
    latest = (
        ConsentEvent.objects.filter(person=person, purpose=purpose).order_by("-recorded_at", "-id").first()
    )
    if latest is not None and latest.given == given:
        return None
    if latest is None and not given:
        return None  # never asked and not given: nothing to withdraw
    with transaction.atomic():
        event = ConsentEvent.objects.create(
            person=person,
            purpose=purpose,
            given=given,
            recorded_by=actor,
            on_behalf=_on_behalf(person, actor),
            note=note,
        )
        _audit(person, actor, "consent.given" if given else "consent.withdrawn", purpose=purpose)
    return event


def equality_update(*, person: Person, actor: User, **answers) -> EqualityMonitoring:
    with transaction.atomic():
        record, _created = EqualityMonitoring.objects.get_or_create(person=person)
        for name, value in answers.items():
            setattr(record, name, value)
        record.full_clean()
        record.save()
        _audit(person, actor, "person.equality_updated")
    return record


def person_for_user(*, organisation: Organisation, user: User) -> Person:
    """The signed-in person's own record, created from their account the first time they look."""
    person = Person.objects.filter(organisation=organisation, user=user).first()
    if person is not None:
        return person
    person = Person.objects.filter(
        organisation=organisation, email__iexact=user.email, user__isnull=True
    ).first()
    if person is not None:
        person.user = user
        person.save(update_fields=["user"])
        return person
    return person_create(
        organisation=organisation,
        actor=user,
        user=user,
        full_name=user.full_name or user.email,
        email=user.email,
        contact_by_email=True,
        preferred_contact="email",
    )


def group_create(*, organisation: Organisation, actor: User, **fields) -> Group:
    group = Group(organisation=organisation, **fields)
    group.full_clean()
    with transaction.atomic():
        group.save()
        audit_log(actor=actor, organisation=organisation, action="group.created", target=group)
    return group


def group_update(*, group: Group, actor: User, **fields) -> Group:
    for name, value in fields.items():
        setattr(group, name, value)
    group.full_clean()
    with transaction.atomic():
        group.save()
        audit_log(actor=actor, organisation=group.organisation, action="group.updated", target=group)
    return group


def group_member_add(*, group: Group, person: Person, role: str, actor: User) -> GroupMembership:
    if person.organisation_id != group.organisation_id:
        raise ValidationError(_("That person is not on this organisation's register"))
    current = GroupMembership.objects.filter(group=group, person=person, left_on__isnull=True).first()
    with transaction.atomic():
        if current is not None:
            if current.role == role:
                return current
            current.role = role
            current.save(update_fields=["role"])
            membership = current
        else:
            membership = GroupMembership.objects.create(group=group, person=person, role=role)
        audit_log(
            actor=actor,
            organisation=group.organisation,
            action="group.member_added",
            target=group,
            details={"person": str(person.public_id), "role": role},
        )
    return membership


def group_member_leave(*, membership: GroupMembership, actor: User) -> GroupMembership:
    with transaction.atomic():
        membership.left_on = date.today()
        membership.save(update_fields=["left_on"])
        audit_log(
            actor=actor,
            organisation=membership.group.organisation,
            action="group.member_left",
            target=membership.group,
            details={"person": str(membership.person.public_id)},
        )
    return membership


__all__ = ["PROFILE_FIELDS", "GroupRole"]


ERASED_NAME = "Erased person"


def person_request_erasure(*, person: Person, actor: User) -> Person:
    """The person asks to be deleted. A lead or admin reviews it; nothing is removed yet."""
    from coproduce.core.models import Role
    from coproduce.notifications.services import notify

    if person.erasure_requested_at is not None:
        return person
    with transaction.atomic():
        person.erasure_requested_at = timezone.now()
        person.save(update_fields=["erasure_requested_at"])
        _audit(person, actor, "person.erasure_requested")
        reviewers = User.objects.filter(
            memberships__organisation=person.organisation,
            memberships__role_set__role__in=[Role.ADMIN, Role.LEAD],
        ).distinct()
        notify(
            organisation=person.organisation,
            recipients=reviewers,
            message=lambda: (
                _("Someone has asked to be deleted from the register"),
                _("Please review the request and confirm it. The law gives us one month to act on it."),
            ),
            url=reverse("people:erasure-list", kwargs={"org": person.organisation.slug}),
        )
    return person


def _forget_elsewhere(person: Person) -> None:
    """Copies of the person's details outside the register: rows of unfinished spreadsheet imports,
    contact details left with feedback under their email address or (with no email) their phone number
    (the feedback itself stays, anonymous), "you said, we did" digest subscriptions and calls to make."""
    from django.db.models import Q

    from coproduce.feedback.models import Response
    from coproduce.yousaid.models import DigestSubscription

    from .imports.services import person_imports_forget

    person_imports_forget(person=person)
    DigestSubscription.objects.filter(person=person).delete()
    contact = Q(contact_email__iexact=person.email) if person.email else Q(pk__in=[])
    if person.email:
        DigestSubscription.objects.filter(
            organisation=person.organisation, kind=DigestSubscription.Kind.CONTACT, email__iexact=person.email
        ).delete()
    if phone := person.phone.strip():
        from coproduce.involvement.models import Letter

        DigestSubscription.objects.filter(
            organisation=person.organisation, kind=DigestSubscription.Kind.CONTACT, email="", phone=phone
        ).delete()
        Letter.objects.filter(organisation=person.organisation, person__isnull=True, phone=phone).delete()
        contact |= Q(contact_email="", contact_phone=phone)
    Response.objects.filter(contact, survey__organisation=person.organisation).update(
        contact_ok=False, contact_name="", contact_email="", contact_phone="", contact_language=""
    )


def person_erase(*, person: Person, actor: User) -> Person:
    """Remove or pseudonymise everything that identifies the person, in one transaction.

    The register row stays as an anonymous placeholder so counts (attendance, later payments)
    still add up; the audit log keeps that an erasure happened, never what was erased.
    """
    from coproduce.api.models import ApiToken
    from coproduce.core.models import AuditEvent, Membership
    from coproduce.notifications.models import Notification

    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if person.erased_at is not None:
            return person
        user = person.user
        AccessNeeds.objects.filter(person=person).update(needs=[], other="")
        EqualityMonitoring.objects.filter(person=person).delete()
        Check.objects.filter(person=person).delete()
        ConsentEvent.objects.filter(person=person).delete()
        person.tags.clear()
        GroupMembership.objects.filter(person=person, left_on__isnull=True).update(
            left_on=timezone.localdate()
        )
        # What they wrote when saying they were interested can hold health or access details.
        person.interests.update(why="", availability="", needs="")
        _forget_elsewhere(person)
        for name in PROFILE_FIELDS:
            field = Person._meta.get_field(name)
            setattr(person, name, field.get_default())
        person.full_name = ERASED_NAME
        person.user = None
        person.erased_at = timezone.now()
        person.save()
        AuditEvent.objects.filter(
            target_type="people.person", target_id=str(person.public_id)
        ).redact_for_erasure(label=ERASED_NAME)
        if user is not None:
            Notification.objects.filter(recipient=user, organisation=person.organisation).delete()
            Membership.objects.filter(user=user, organisation=person.organisation).delete()
            if not Membership.objects.filter(user=user).exists():
                # No other organisation holds them: the account itself goes too.
                AuditEvent.objects.filter(actor=user).redact_for_erasure(label=ERASED_NAME)
                ApiToken.objects.filter(user=user).delete()
                user.delete()
        audit_log(
            actor=actor,
            organisation=person.organisation,
            action="person.erased",
            target=person,
            details={"requested": person.erasure_requested_at is not None},
        )
    return person


def person_data_export(*, person: Person, actor: User) -> dict:
    """Everything the register holds about a person, for their right of access."""
    from . import selectors

    access = AccessNeeds.objects.filter(person=person).first()
    equality = EqualityMonitoring.objects.filter(person=person).first()
    data = {
        "organisation": person.organisation.name,
        "exported_at": timezone.now().isoformat(),
        "profile": {name: getattr(person, name) for name in PROFILE_FIELDS},
        "skills_and_interests": sorted(t.name for t in person.tags.all()),
        "access_needs": {"needs": access.labels() if access else [], "other": access.other if access else ""},
        "checks": [
            {
                "check": c.get_kind_display(),
                "done_on": c.done_on.isoformat(),
                "expires_on": c.expires_on.isoformat() if c.expires_on else None,
                "reference": c.reference,
            }
            for c in person.checks.all()
        ],
        "consent_history": [
            {
                "purpose": e.get_purpose_display(),
                "given": e.given,
                "recorded_at": e.recorded_at.isoformat(),
                "recorded_on_your_behalf": e.on_behalf,
                "note": e.note,
            }
            for e in selectors.consent_history(person=person)
        ],
        "equality_monitoring": {
            str(f.verbose_name): str(getattr(equality, f"get_{f.name}_display")())
            for f in EqualityMonitoring._meta.fields
            if equality and f.choices
        },
        "groups": [
            {"group": gm.group.name, "role": gm.get_role_display(), "joined_on": gm.joined_on.isoformat()}
            for gm in selectors.groups_of(person=person)
        ],
        "record_history": [
            {"when": e.created_at.isoformat(), "what": e.action, "by": e.actor_label}
            for e in selectors.person_history(person=person)
        ],
    }
    _audit(person, actor, "person.data_downloaded")
    return data
