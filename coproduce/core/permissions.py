"""Who may do what in an organisation. Views enforce these; templates ask the same functions."""

from .models import Membership, Role

# Roles that see other people's health, equality or payment details: two-factor protects them.
PRIVILEGED_ROLES = (Role.ADMIN, Role.LEAD, Role.FINANCE, Role.EXECUTIVE)


def can_manage_organisation(membership: Membership) -> bool:
    return membership.has_role(Role.ADMIN)


def can_manage_members(membership: Membership) -> bool:
    return membership.has_role(Role.ADMIN)


def can_view_members(membership: Membership) -> bool:
    return membership.has_role(Role.ADMIN, Role.LEAD)


def can_view_audit_log(membership: Membership) -> bool:
    return membership.has_role(Role.ADMIN)


def needs_two_factor(membership: Membership) -> bool:
    return membership.organisation.require_two_factor and membership.has_role(*PRIVILEGED_ROLES)


# The names templates may ask about with {% if membership|can:"view_members" %}.
CHECKS = {
    "manage_organisation": can_manage_organisation,
    "manage_members": can_manage_members,
    "view_members": can_view_members,
    "view_audit_log": can_view_audit_log,
}


def can_see_equality_data(membership: Membership) -> bool:
    return membership.can_see_equality_data


CHECKS["see_equality_data"] = can_see_equality_data
