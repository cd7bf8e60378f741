from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coproduce.involvement import permissions as involvement_permissions
from coproduce.people import permissions as people_permissions

from . import permissions

# (url name, label, permission or None for everyone in the organisation)
ORGANISATION_NAVIGATION = [
    ("core:dashboard", _("Home"), None),
    ("people:list", _("People"), people_permissions.can_view_register),
    ("involvement:opportunity-list", _("Opportunities"), None),
    ("involvement:activity-list", _("Activities"), involvement_permissions.can_view_activities),
    ("involvement:placement-list", _("Volunteers"), involvement_permissions.can_manage_volunteers),
    ("involvement:report", _("Reports"), involvement_permissions.can_view_involvement_report),
    ("people:group-list", _("Groups"), None),
    ("people:my-profile", _("My profile"), None),
    ("core:members", _("Members"), permissions.can_view_members),
    ("notifications:list", _("Notifications"), None),
    ("core:audit-log", _("Audit log"), permissions.can_view_audit_log),
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
