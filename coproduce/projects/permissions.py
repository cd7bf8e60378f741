"""Who may see and change co-production projects. Views enforce these; templates ask the same functions.

Organisation-wide checks take a membership (and are registered for the ``can`` filter). What someone may
do on one project also depends on whether they are on its team: see ``ProjectAccess`` in access.py.
"""

from coproduce.core.models import Membership, Role
from coproduce.core.permissions import CHECKS


def can_manage_projects(membership: Membership) -> bool:
    return membership.has_role(Role.ADMIN, Role.LEAD)


def can_view_all_projects(membership: Membership) -> bool:
    # Executives answer for co-production across the organisation, so they see every project.
    return membership.has_role(Role.ADMIN, Role.LEAD, Role.EXECUTIVE)


def can_view_integrity_overview(membership: Membership) -> bool:
    return membership.has_role(Role.ADMIN, Role.LEAD, Role.EXECUTIVE)


CHECKS.update(
    {
        "manage_projects": can_manage_projects,
        "view_all_projects": can_view_all_projects,
        "view_integrity_overview": can_view_integrity_overview,
    }
)
