"""One door into an organisation's data.

Every organisation page lives under /o/<org>/. ``organisation_view`` resolves the organisation and
the signed-in person's membership, answers 404 when they are not a member (the same answer as an
organisation that does not exist, so nothing leaks), checks the view's permission, and puts both on
the request. Views then fetch objects only through helpers such as ``get_membership_for``.
"""

import re
from collections.abc import Callable
from functools import wraps

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .models import Membership
from .permissions import needs_two_factor

LAST_ORGANISATION_SESSION_KEY = "coproduce_last_organisation"


SLUG_RE = re.compile(r"[-a-zA-Z0-9_]{1,60}")


def membership_for(user, slug: str) -> Membership | None:
    # Anything that cannot be a slug is simply not found, so odd input (a NUL byte) never reaches SQL.
    if not user.is_authenticated or not SLUG_RE.fullmatch(slug or ""):
        return None
    return (
        Membership.objects.select_related("organisation", "user")
        .prefetch_related("role_set")
        .filter(user=user, organisation__slug=slug)
        .first()
    )


def organisation_view(
    view: Callable | None = None, *, permission: Callable[[Membership], bool] | None = None
) -> Callable:
    def decorator(view_func: Callable) -> Callable:
        @wraps(view_func)
        def wrapper(request: HttpRequest, org: str, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = membership_for(request.user, org)
            if membership is None:
                raise Http404("No such organisation")
            if needs_two_factor(membership) and not is_mfa_enabled(request.user):
                messages.warning(
                    request,
                    _(
                        "%(organisation)s asks people in your role to use two-factor authentication. "
                        "Set it up to continue."
                    )
                    % {"organisation": membership.organisation.name},
                )
                return redirect("mfa_activate_totp")
            if permission is not None and not permission(membership):
                raise PermissionDenied
            request.organisation = membership.organisation
            request.membership = membership
            if request.session.get(LAST_ORGANISATION_SESSION_KEY) != org:
                request.session[LAST_ORGANISATION_SESSION_KEY] = org
            return view_func(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator


def scoped(request: HttpRequest, queryset: QuerySet) -> QuerySet:
    """Filter any organisation-owned queryset to the request's organisation."""
    return queryset.filter(organisation=request.organisation)


def get_membership_for(request: HttpRequest, public_id) -> Membership:
    try:
        return scoped(
            request, Membership.objects.select_related("user", "organisation").prefetch_related("role_set")
        ).get(public_id=public_id)
    except Membership.DoesNotExist as exc:
        raise Http404("No such member") from exc
