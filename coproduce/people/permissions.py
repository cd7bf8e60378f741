"""Who may see and change the register. Views enforce these; templates ask the same functions."""

from coproduce.core.models import Membership, Role
from coproduce.core.permissions import CHECKS, can_see_equality_data


def can_view_register(membership: Membership) -> bool:
    return membership.has_role(Role.ADMIN, Role.LEAD)


def can_edit_people(membership: Membership) -> bool:
    return membership.has_role(Role.ADMIN, Role.LEAD)


def can_view_access_needs(membership: Membership) -> bool:
    # The leads who arrange activities; not finance, not executives.
    return membership.has_role(Role.ADMIN, Role.LEAD)


def can_export_register(membership: Membership) -> bool:
    return membership.has_role(Role.ADMIN, Role.LEAD)


def can_manage_groups(membership: Membership) -> bool:
    return membership.has_role(Role.ADMIN, Role.LEAD)


def can_view_group_members(membership: Membership) -> bool:
    return membership.has_role(Role.ADMIN, Role.LEAD)


CHECKS.update(
    {
        "view_register": can_view_register,
        "edit_people": can_edit_people,
        "view_access_needs": can_view_access_needs,
        "export_register": can_export_register,
        "manage_groups": can_manage_groups,
        "view_group_members": can_view_group_members,
    }
)

__all__ = ["can_see_equality_data"]
