"""Who may see, raise, answer and publish "you said" items. Views and the API enforce these; templates
ask the same functions through the ``can`` filter."""

from coproduce.core.models import Membership, Role
from coproduce.core.permissions import CHECKS


def can_view_you_said(membership: Membership) -> bool:
    # Executives answer for overdue items, so they see them all.
    return membership.has_role(Role.ADMIN, Role.LEAD, Role.STAFF, Role.EXECUTIVE)


def can_raise_you_said(membership: Membership) -> bool:
    return membership.has_role(Role.ADMIN, Role.LEAD, Role.STAFF)


def can_answer_you_said(membership: Membership) -> bool:
    """Write answers and keep their status up to date."""
    return membership.has_role(Role.ADMIN, Role.LEAD, Role.STAFF)


def can_approve_you_said(membership: Membership) -> bool:
    """Publishing needs a lead's approval (organisation admins hold the lead's powers)."""
    return membership.has_role(Role.ADMIN, Role.LEAD)


def is_group_connector(membership: Membership) -> bool:
    """A group's connector carries its voice to the executive team, so may raise items for the group."""
    from coproduce.people.models import GroupMembership, GroupRole

    cached = getattr(membership, "_is_group_connector", None)
    if cached is None:
        cached = GroupMembership.objects.filter(
            person__organisation=membership.organisation_id,
            person__user=membership.user_id,
            role=GroupRole.CONNECTOR,
            left_on__isnull=True,
        ).exists()
        membership._is_group_connector = cached
    return cached


def can_use_you_said(membership: Membership) -> bool:
    """Who reaches the pages at all: everyone who may see items, and group connectors."""
    return can_view_you_said(membership) or is_group_connector(membership)


CHECKS.update(
    {
        "view_you_said": can_view_you_said,
        "raise_you_said": can_raise_you_said,
        "answer_you_said": can_answer_you_said,
        "approve_you_said": can_approve_you_said,
        "use_you_said": can_use_you_said,
        "connect_group": is_group_connector,
    }
)
