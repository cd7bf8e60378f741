from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from coproduce.core.scoping import organisation_view
from coproduce.lib.pagination import paginate

from .selectors import notification_list, notification_unread_count
from .services import notification_mark_read


@organisation_view
@require_GET
def notification_index(request: HttpRequest) -> HttpResponse:
    notifications = notification_list(recipient=request.user, organisation=request.organisation)
    return render(
        request,
        "notifications/list.html",
        {
            "page": paginate(request, notifications),
            "unread_count": notification_unread_count(
                recipient=request.user, organisation=request.organisation
            ),
        },
    )


@organisation_view
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = notification_mark_read(recipient=request.user, organisation=request.organisation)
    messages.success(
        request,
        ngettext("Marked %(count)s notification as read", "Marked %(count)s notifications as read", count)
        % {"count": count},
    )
    return redirect("notifications:list", org=request.organisation.slug)
