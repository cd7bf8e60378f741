"""Reads for "you said, we did": lists, the public board, overdue items and loop-closure facts. Counts
run in the database as subqueries, so a list costs the same few queries for one item or a thousand."""

from datetime import date

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from coproduce.core.models import Membership, Organisation, Role
from coproduce.projects.integrity import LoopClosureFacts, LoopItemFacts

from . import permissions
from .models import WeDid, YouSaid

OPEN_STATUSES = (WeDid.Status.OPEN, WeDid.Status.IN_PROGRESS)


def _count_of_comments() -> Subquery:
    through = YouSaid.comments.through
    return Coalesce(
        Subquery(
            through.objects.filter(yousaid=OuterRef("pk"))
            .order_by()
            .values("yousaid")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def late_promise_exists(today: date) -> Exists:
    """A published 'we will' past its date that is neither done nor given up."""
    return Exists(
        WeDid.objects.filter(
            item=OuterRef("pk"),
            kind=WeDid.Kind.WILL,
            publication=WeDid.Publication.PUBLISHED,  # a draft is not a promise yet
            status__in=OPEN_STATUSES,
            due_on__lt=today,
        )
    )


def overdue_q(today: date) -> Q:
    """No published answer by its answer-by date, or a promise ('we will') past its date."""
    return Q(first_published_at__isnull=True, respond_by__lt=today) | Q(late_promise_exists(today))


def with_state(items: QuerySet, today: date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    return items.annotate(
        comment_count=_count_of_comments(),
        is_overdue=ExpressionWrapper(overdue_q(today), output_field=BooleanField()),
        awaiting_approval=Exists(
            WeDid.objects.filter(item=OuterRef("pk"), publication=WeDid.Publication.AWAITING)
        ),
        answer_count=Coalesce(
            Subquery(
                WeDid.objects.filter(item=OuterRef("pk"))
                .order_by()
                .values("item")
                .annotate(n=Count("pk"))
                .values("n")[:1],
                output_field=IntegerField(),
            ),
            Value(0),
        ),
    )


def connector_groups(membership: Membership) -> QuerySet:
    from coproduce.people.models import Group, GroupRole

    return Group.objects.filter(
        organisation=membership.organisation_id,
        memberships__person__user=membership.user_id,
        memberships__role=GroupRole.CONNECTOR,
        memberships__left_on__isnull=True,
    ).distinct()


def items_visible_to(membership: Membership) -> QuerySet:
    items = YouSaid.objects.filter(organisation=membership.organisation_id)
    if permissions.can_view_you_said(membership):
        return items
    # A group's connector sees the items of the groups they connect.
    return items.filter(group__in=connector_groups(membership).values("pk"))


ITEM_STATES = {
    "unanswered": Q(answer_count=0),
    "awaiting": Q(awaiting_approval=True),
    "published": Q(first_published_at__isnull=False),
    "unpublished": Q(first_published_at__isnull=True),
    "overdue": Q(is_overdue=True),
}


def item_list(
    *,
    membership: Membership,
    state: str = "",
    service: str = "",
    theme_id: int | None = None,
    source: str = "",
    today: date | None = None,
) -> QuerySet:
    items = with_state(items_visible_to(membership), today).select_related(
        "organisation", "theme", "group", "project"
    )
    if state in ITEM_STATES:
        items = items.filter(ITEM_STATES[state])
    if service:
        items = items.filter(service=service)
    if theme_id:
        items = items.filter(theme_id=theme_id)
    if source:
        items = items.filter(source=source)
    return items.order_by("-raised_on", "-id")


def services_in_use(*, organisation: Organisation, published_only: bool = False) -> list[str]:
    items = YouSaid.objects.filter(organisation=organisation).exclude(service="")
    if published_only:
        items = items.filter(first_published_at__isnull=False)
    return list(items.order_by("service").values_list("service", flat=True).distinct())


def themes_in_use(*, organisation: Organisation, published_only: bool = False) -> QuerySet:
    from coproduce.themes.models import Theme

    items = YouSaid.objects.filter(organisation=organisation, theme__isnull=False)
    if published_only:
        items = items.filter(first_published_at__isnull=False)
    return Theme.objects.filter(organisation=organisation, pk__in=items.values("theme_id")).order_by(
        "position", "name"
    )


def item_detail(*, item: YouSaid) -> YouSaid:
    return (
        with_state(YouSaid.objects.filter(pk=item.pk))
        .select_related("organisation", "theme", "group", "project", "survey", "question", "raised_by")
        .select_related("executive__user", "project__sponsor__user")
        .prefetch_related(
            Prefetch("responses", queryset=WeDid.objects.select_related("owner__user", "approved_by"))
        )
        .get()
    )


def public_board(*, organisation: Organisation, service: str = "", theme_id: int | None = None) -> QuerySet:
    """Items with at least one published answer, and only their published answers."""
    items = (
        with_state(YouSaid.objects.filter(organisation=organisation, first_published_at__isnull=False))
        .select_related("organisation", "theme")
        .prefetch_related(
            Prefetch(
                "responses",
                queryset=WeDid.objects.filter(publication=WeDid.Publication.PUBLISHED).order_by(
                    "published_at", "id"
                ),
                to_attr="published_responses",
            )
        )
    )
    if service:
        items = items.filter(service=service)
    if theme_id:
        items = items.filter(theme_id=theme_id)
    return items.order_by("-first_published_at", "-id")


def responsible_q(membership: Membership) -> Q:
    """The items this executive answers for: chosen on the item; else the project's sponsor; else, when
    neither names anyone, every executive of the organisation."""
    chosen = Q(executive=membership)
    sponsor = Q(executive__isnull=True, project__sponsor=membership)
    nobody_named = Q(executive__isnull=True) & (Q(project__isnull=True) | Q(project__sponsor__isnull=True))
    if membership.has_role(Role.EXECUTIVE):
        return chosen | sponsor | nobody_named
    return chosen | sponsor


def overdue_for_executive(*, membership: Membership, today: date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    return (
        with_state(YouSaid.objects.filter(organisation=membership.organisation_id), today)
        .filter(responsible_q(membership))
        .filter(is_overdue=True)
        .select_related("organisation")
        .order_by("respond_by", "id")
    )


def responsible_for_overdue(*, organisation: Organisation, today: date | None = None) -> set[int]:
    """The members (ids) who answer for at least one overdue item, by the same rule as responsible_q, in
    two queries however many executives and items there are."""
    today = today or timezone.localdate()
    rows = (
        YouSaid.objects.filter(organisation=organisation)
        .filter(overdue_q(today))
        .values_list("executive_id", "project__sponsor_id")
        .distinct()
    )
    responsible: set[int] = set()
    every_executive = False
    for executive_id, sponsor_id in rows:
        if executive_id is not None:
            responsible.add(executive_id)
        elif sponsor_id is not None:
            responsible.add(sponsor_id)
        else:
            every_executive = True
    if every_executive:
        responsible |= set(executives_for(organisation).values_list("pk", flat=True))
    return responsible


def executives_for(organisation: Organisation) -> QuerySet:
    return Membership.objects.filter(organisation=organisation, role_set__role=Role.EXECUTIVE).distinct()


def loop_closure_facts(*, organisation: Organisation, project=None) -> LoopClosureFacts:
    """One query: when each item was raised and first answered in public, its service and project."""
    items = YouSaid.objects.filter(organisation=organisation)
    if project is not None:
        items = items.filter(project=project)
    rows = items.values_list("raised_on", "first_published_at", "service", "project__title").order_by("id")
    return LoopClosureFacts(
        items=[
            LoopItemFacts(
                raised_on=raised_on,
                answered_on=timezone.localdate(published) if published else None,
                service=service,
                project=project_title or "",
            )
            for raised_on, published, service, project_title in rows
        ]
    )


def approvers_for(organisation: Organisation) -> QuerySet:
    return (
        Membership.objects.filter(organisation=organisation, role_set__role__in=[Role.LEAD, Role.ADMIN])
        .select_related("user")
        .distinct()
    )
