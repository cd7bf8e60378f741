"""Who may run surveys, enter responses and read results. Views enforce these; templates ask the same."""

from coproduce.core.models import Membership, Role
from coproduce.core.permissions import CHECKS


def can_manage_surveys(membership: Membership) -> bool:
    return membership.has_role(Role.ADMIN, Role.LEAD)


def can_enter_responses(membership: Membership) -> bool:
    # Assisted and paper entry: the people who meet service users face to face.
    return membership.has_role(Role.ADMIN, Role.LEAD, Role.STAFF)


def can_view_survey_results(membership: Membership) -> bool:
    # Aggregated and suppressed figures only.
    return membership.has_role(Role.ADMIN, Role.LEAD, Role.EXECUTIVE)


def can_export_responses(membership: Membership) -> bool:
    # Raw responses include free text and any contact details left with consent.
    return membership.has_role(Role.ADMIN, Role.LEAD)


def can_use_feedback(membership: Membership) -> bool:
    """Who sees Feedback in the navigation. Everyone may still answer an open survey by its link."""
    return membership.has_role(Role.ADMIN, Role.LEAD, Role.EXECUTIVE, Role.STAFF)


CHECKS.update(
    {
        "manage_surveys": can_manage_surveys,
        "enter_responses": can_enter_responses,
        "view_survey_results": can_view_survey_results,
        "export_responses": can_export_responses,
        "use_feedback": can_use_feedback,
    }
)
