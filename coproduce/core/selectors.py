"""Reads for organisations, members and the audit log. Aggregates run in the database."""

from django.db.models import Count, Q, QuerySet

from .models import AuditEvent, Membership, MembershipRole, Organisation, Role, User


def membership_list(*, organisation: Organisation, role: str = "", search: str = "") -> QuerySet[Membership]:
    members = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user", "organisation")
        .only(
            "public_id",
            "created_at",
            "can_see_equality_data",
            "organisation__slug",
            "organisation__name",
            "user__email",
            "user__full_name",
            "user__last_login",
        )
        .prefetch_related("role_set")
        .order_by("user__full_name", "user__email")
    )
    if role:
        members = members.filter(role_set__role=role)
    if search:
        members = members.filter(Q(user__full_name__icontains=search) | Q(user__email__icontains=search))
    return members


def role_counts(*, organisation: Organisation) -> list[dict]:
    """How many members hold each role, in the order roles are listed, zeros included."""
    counts = dict(
        MembershipRole.objects.filter(membership__organisation=organisation)
        .values_list("role")
        .annotate(n=Count("id"))
        .values_list("role", "n")
    )
    return [{"role": value, "label": label, "count": counts.get(value, 0)} for value, label in Role.choices]


def members_not_signed_in_count(*, organisation: Organisation) -> int:
    return Membership.objects.filter(organisation=organisation, user__last_login__isnull=True).count()


def audit_event_list(
    *, organisation: Organisation, action: str = "", actor: str = "", date_from=None, date_to=None
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(organisation=organisation)
    if action:
        events = events.filter(action__startswith=action)
    if actor:
        events = events.filter(actor_label__icontains=actor)
    if date_from:
        events = events.filter(created_at__date__gte=date_from)
    if date_to:
        events = events.filter(created_at__date__lte=date_to)
    return events.order_by("-created_at", "-id")


def audit_action_choices(*, organisation: Organisation) -> list[str]:
    return list(
        AuditEvent.objects.filter(organisation=organisation)
        .values_list("action", flat=True)
        .distinct()
        .order_by("action")
    )


def organisation_list_for(*, user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(memberships__user=user).order_by("name")
