"""Reads of the register. Filters and counts run in the database."""

from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from coproduce.core.models import AuditEvent, Organisation

from .models import (
    EXPIRY_WARNING_DAYS,
    Check,
    CheckKind,
    CheckStatus,
    ConsentEvent,
    ConsentPurpose,
    Group,
    GroupMembership,
    GroupRole,
    Person,
)

SORTS = {
    "name": ("full_name",),
    "-name": ("-full_name",),
    "newest": ("-created_at",),
    "oldest": ("created_at",),
}


def latest_consent(purpose: str) -> Subquery:
    """The person's latest answer for one purpose (None when never asked)."""
    return Subquery(
        ConsentEvent.objects.filter(person=OuterRef("pk"), purpose=purpose)
        .order_by("-recorded_at", "-id")
        .values("given")[:1]
    )


def check_filter(status: str, today: date) -> Q:
    soon = today + timedelta(days=EXPIRY_WARNING_DAYS)
    checks = Check.objects.filter(person=OuterRef("pk"))
    if status == CheckStatus.EXPIRED:
        return Q(Exists(checks.filter(expires_on__lt=today)))
    if status == CheckStatus.EXPIRING:
        return Q(Exists(checks.filter(expires_on__gte=today, expires_on__lte=soon)))
    if status == CheckStatus.MISSING:
        return Q(~Exists(checks))
    if status == CheckStatus.VALID:
        return Q(Exists(checks)) & ~Q(Exists(checks.filter(expires_on__lte=soon)))
    return Q()


def person_list(
    *,
    organisation: Organisation,
    search: str = "",
    identity: str = "",
    group: Group | None = None,
    tag: str = "",
    check_status: str = "",
    consent: str = "",
    sort: str = "name",
    today: date | None = None,
) -> QuerySet[Person]:
    people = (
        Person.objects.filter(organisation=organisation, erased_at__isnull=True)
        .select_related("organisation")
        .prefetch_related("tags")
    )
    if search:
        people = people.filter(
            Q(full_name__icontains=search) | Q(preferred_name__icontains=search) | Q(email__icontains=search)
        )
    if identity:
        people = people.filter(identity=identity)
    if group is not None:
        people = people.filter(group_memberships__group=group, group_memberships__left_on__isnull=True)
    if tag:
        people = people.filter(tags__name__iexact=tag)
    if check_status:
        people = people.filter(check_filter(check_status, today or date.today()))
    if consent in ConsentPurpose.values:
        people = people.annotate(consent_given=latest_consent(consent)).filter(consent_given=True)
    people = people.order_by(*SORTS.get(sort, SORTS["name"]), "pk")
    # Only the group and tag filters join many rows per person; DISTINCT on every page made PostgreSQL
    # sort the whole register (p95 234 ms -> 39 ms at 100,000 people).
    return people.distinct() if group is not None or tag else people


def people_with_consent(*, organisation: Organisation, purpose: str) -> QuerySet[Person]:
    """The only way any feature may choose whom to contact for a purpose: withdrawal applies at once."""
    return (
        Person.objects.filter(organisation=organisation, erased_at__isnull=True)
        .annotate(consent_given=latest_consent(purpose))
        .filter(consent_given=True)
    )


def consent_current(*, person: Person) -> list[dict]:
    """Each purpose with the latest answer (or none yet), in the order purposes are listed."""
    latest = {}
    for event in ConsentEvent.objects.filter(person=person).order_by("-recorded_at", "-id"):
        latest.setdefault(event.purpose, event)
    return [
        {
            "purpose": value,
            "label": label,
            "event": latest.get(value),
            "given": bool(latest.get(value) and latest[value].given),
        }
        for value, label in ConsentPurpose.choices
    ]


def consent_history(*, person: Person) -> QuerySet[ConsentEvent]:
    return (
        ConsentEvent.objects.filter(person=person)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-id")
    )


def checks_for(*, person: Person, today: date | None = None) -> list[dict]:
    """Every kind of check with its status; kinds never done show as missing."""
    today = today or date.today()
    done = {c.kind: c for c in person.checks.all()}
    rows = []
    for value, label in CheckKind.choices:
        check = done.get(value)
        status = check.status(today) if check else CheckStatus.MISSING
        rows.append(
            {
                "kind": value,
                "label": label,
                "check": check,
                "status": status,
                "status_label": CheckStatus(status).label,
            }
        )
    return rows


def checks_due(*, organisation: Organisation, today: date | None = None) -> QuerySet[Check]:
    """Checks that have expired or expire within 30 days, soonest first."""
    today = today or date.today()
    return (
        Check.objects.filter(
            person__organisation=organisation,
            person__erased_at__isnull=True,
            expires_on__lte=today + timedelta(days=EXPIRY_WARNING_DAYS),
        )
        .select_related("person", "person__organisation")
        .order_by("expires_on", "person__full_name")
    )


def person_history(*, person: Person) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        organisation=person.organisation, target_type="people.person", target_id=str(person.public_id)
    ).order_by("-created_at", "-id")


def group_list(*, organisation: Organisation) -> QuerySet[Group]:
    current = GroupMembership.objects.filter(left_on__isnull=True)
    return (
        Group.objects.filter(organisation=organisation)
        .select_related("organisation")
        .annotate(member_count=Count("memberships", filter=Q(memberships__left_on__isnull=True)))
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=current.filter(role=GroupRole.CONNECTOR).select_related("person"),
                to_attr="connectors",
            )
        )
        .order_by("name")
    )


def group_members(*, group: Group) -> QuerySet[GroupMembership]:
    return (
        GroupMembership.objects.filter(group=group, left_on__isnull=True)
        .select_related("person", "person__organisation")
        .order_by("person__full_name")
    )


def group_connectors(*, group: Group) -> QuerySet[GroupMembership]:
    return group_members(group=group).filter(role=GroupRole.CONNECTOR)


def groups_of(*, person: Person) -> QuerySet[GroupMembership]:
    return GroupMembership.objects.filter(person=person, left_on__isnull=True).select_related(
        "group", "group__organisation"
    )


def erasure_requests(*, organisation: Organisation) -> QuerySet[Person]:
    return Person.objects.filter(
        organisation=organisation, erasure_requested_at__isnull=False, erased_at__isnull=True
    ).order_by("erasure_requested_at")


SMALL_NUMBER = 5


def suppress(count: int) -> int | None:
    """Counts from 1 to 4 could identify someone, so they are withheld (None) everywhere outside raw data."""
    return None if 0 < count < SMALL_NUMBER else count


def equality_summary(*, organisation: Organisation) -> list[dict]:
    """For each equality question, how many people gave each answer, with small numbers suppressed."""
    from .models import EqualityMonitoring

    records = EqualityMonitoring.objects.filter(
        person__organisation=organisation, person__erased_at__isnull=True
    )
    summary = []
    for field in EqualityMonitoring._meta.fields:
        if not field.choices:
            continue
        counts = dict(
            records.exclude(**{field.name: ""})
            .values_list(field.name)
            .annotate(n=Count("id"))
            .values_list(field.name, "n")
        )
        answered = sum(counts.values())
        summary.append(
            {
                "question": field.verbose_name,
                "answered": suppress(answered),
                "rows": [
                    {"label": label, "count": suppress(counts.get(value, 0))}
                    for value, label in field.choices
                ],
            }
        )
    return summary


# Choosing people by name in a form (the attendance grid): a text box with suggestions, never a list
# of the whole register, which at 100,000 people would be megabytes on every page.

CHOOSER_LIST_ALL_UP_TO = 1000  # a register this small is listed whole, so the grid works without scripts
CHOOSER_MATCHES = 20


def person_choice_label(person: Person) -> str:
    """How a person appears when choosing: the name, then what tells two namesakes apart."""
    detail = person.email or person.phone or str(person.public_id)[:8]
    return f"{person.full_name} ({detail})"


def _choosable(organisation: Organisation) -> QuerySet[Person]:
    return Person.objects.filter(organisation=organisation, erased_at__isnull=True).only(
        "public_id", "full_name", "email", "phone", "organisation_id"
    )


def people_to_suggest(*, organisation: Organisation, search: str = "") -> list[str]:
    """Labels to suggest: the whole register when it is small, else up to 20 people whose name or email
    matches what was typed (nothing before two letters)."""
    search = " ".join(search.split())
    people = _choosable(organisation)
    if not search:
        if people.count() > CHOOSER_LIST_ALL_UP_TO:
            return []
        return sorted((person_choice_label(p) for p in people), key=str.lower)
    if len(search) < 2:
        return []
    name = search.split(" (")[0]  # a chosen label being edited: match on its name part
    matches = people.filter(Q(full_name__icontains=name) | Q(email__istartswith=name)).order_by(
        "full_name", "id"
    )
    return [person_choice_label(p) for p in matches[:CHOOSER_MATCHES]]


def people_for_labels(
    *, organisation: Organisation, labels: list[str], among: QuerySet[Person] | None = None
) -> dict[str, Person | int]:
    """The person each typed label means, in one query: an exact label, or a plain name that only one
    person on the register (or `among` them) has. A name several people share maps to how many share it."""
    names = {label.split(" (")[0].strip().casefold() for label in labels if label}
    if not names:
        return {}
    from django.db.models.functions import Lower

    choosable = _choosable(organisation)
    if among is not None:
        choosable = choosable.filter(pk__in=among.values("pk"))
    people = list(choosable.annotate(name_key=Lower("full_name")).filter(name_key__in=names))
    by_label = {person_choice_label(p): p for p in people}
    by_name: dict[str, list[Person]] = {}
    for person in people:
        by_name.setdefault(person.full_name.casefold(), []).append(person)
    found: dict[str, Person | int] = {}
    for label in labels:
        if label in by_label:
            found[label] = by_label[label]
        elif len(namesakes := by_name.get(label.casefold(), [])) == 1:
            found[label] = namesakes[0]
        elif namesakes:
            found[label] = len(namesakes)
    return found
