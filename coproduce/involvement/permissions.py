"""Who may record and read involvement. Views enforce these; templates ask the same functions."""

from coproduce.core.models import Membership, Role
from coproduce.core.permissions import CHECKS


def can_manage_activities(membership: Membership) -> bool:
    return membership.has_role(Role.ADMIN, Role.LEAD)


def can_view_activities(membership: Membership) -> bool:
    return membership.has_role(Role.ADMIN, Role.LEAD, Role.STAFF, Role.EXECUTIVE)


def can_view_involvement_report(membership: Membership) -> bool:
    # Aggregate figures only: the executives who answer for involvement, and those who run it.
    return membership.has_role(Role.ADMIN, Role.LEAD, Role.EXECUTIVE)


def can_manage_volunteers(membership: Membership) -> bool:
    return membership.has_role(Role.ADMIN, Role.LEAD)


CHECKS.update(
    {
        "manage_activities": can_manage_activities,
        "view_activities": can_view_activities,
        "view_involvement_report": can_view_involvement_report,
        "manage_volunteers": can_manage_volunteers,
    }
)
