"""Who may keep the theme framework, review comments and read theme summaries. Views and the API
enforce these; templates ask the same."""

from coproduce.core.models import Membership, Role
from coproduce.core.permissions import CHECKS


def can_manage_themes(membership: Membership) -> bool:
    return membership.has_role(Role.ADMIN, Role.LEAD)


def can_review_comments(membership: Membership) -> bool:
    # Written answers are private. Staff review them too: they meet the people who wrote them, and a
    # possible risk must reach someone who can act quickly.
    return membership.has_role(Role.ADMIN, Role.LEAD, Role.STAFF)


def can_view_theme_summary(membership: Membership) -> bool:
    # Counts only, small numbers suppressed: the same people as survey results, plus reviewers.
    return membership.has_role(Role.ADMIN, Role.LEAD, Role.EXECUTIVE, Role.STAFF)


CHECKS.update(
    {
        "manage_themes": can_manage_themes,
        "review_comments": can_review_comments,
        "view_theme_summary": can_view_theme_summary,
    }
)
