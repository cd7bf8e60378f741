from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coproduce.feedback import permissions as feedback_permissions
from coproduce.involvement import permissions as involvement_permissions
from coproduce.people import permissions as people_permissions

from . import permissions


def _not_register_viewer(membership) -> bool:
    # Leads reach groups from the People page; everyone else finds them in the menu.
    return not people_permissions.can_view_register(membership)


def _lead_not_admin(membership) -> bool:
    # Admins reach members (and the audit log) from Settings, which keeps the menu on one line.
    return permissions.can_view_members(membership) and not permissions.can_manage_organisation(membership)


# (url name, label, permission or None for everyone in the organisation). Kept short so it fits on
# one line at common screen widths; "My profile" and "Notifications" are in the account links.
ORGANISATION_NAVIGATION = [
    ("core:dashboard", _("Home"), None),
    ("people:list", _("People"), people_permissions.can_view_register),
    ("people:group-list", _("Groups"), _not_register_viewer),
    ("involvement:opportunity-list", _("Opportunities"), None),
    ("involvement:activity-list", _("Activities"), involvement_permissions.can_view_activities),
    ("projects:list", _("Projects"), None),
    ("feedback:survey-list", _("Feedback"), feedback_permissions.can_use_feedback),
    ("involvement:report", _("Reports"), involvement_permissions.can_view_involvement_report),
    ("core:members", _("Members"), _lead_not_admin),
    ("core:settings", _("Settings"), permissions.can_manage_organisation),
]


def navigation(request: HttpRequest) -> dict:
    """The header's navigation for the signed-in person's roles in the current organisation."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    slug = membership.organisation.slug
    items = []
    current_path = request.path
    for url_name, label, permission in ORGANISATION_NAVIGATION:
        if permission is not None and not permission(membership):
            continue
        url = reverse(url_name, kwargs={"org": slug})
        is_home = url_name == "core:dashboard"
        current = current_path == url if is_home else current_path.startswith(url)
        items.append({"url": url, "label": label, "current": current})
    return {"navigation_items": items, "organisation": membership.organisation, "membership": membership}
