"""The API's organisation door: the same answers as the pages' scoping helper, for a token."""

from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.http import Http404, HttpRequest
from ninja.errors import HttpError

from coproduce.core import permissions
from coproduce.core.models import Membership
from coproduce.core.scoping import SLUG_RE, membership_for


def membership_or_404(request: HttpRequest, slug: str) -> Membership:
    """The same answer for an organisation that does not exist and one you are not in.

    Like the pages, the API holds back an organisation that asks people in your role to use two-factor
    authentication until you have set it up: a token must not be a way round that.
    """
    if not SLUG_RE.fullmatch(slug):
        raise Http404("No such organisation")
    membership = membership_for(request.user, slug)
    if membership is None:
        raise Http404("No such organisation")
    if permissions.needs_two_factor(membership) and not is_mfa_enabled(request.user):
        raise HttpError(
            403,
            f"{membership.organisation.name} asks people in your role to use two-factor authentication. "
            "Set it up on your account page in Coproduce, then try again.",
        )
    return membership


def organisation_door(
    request: HttpRequest, slug: str, permission: Callable[[Membership], bool] | None = None, refusal: str = ""
) -> Membership:
    """The organisation door, then the page's own permission check. The request then carries the
    organisation and membership, so the apps' access helpers filter by it as they do for the pages."""
    membership = membership_or_404(request, slug)
    if permission is not None and not permission(membership):
        raise HttpError(403, refusal)
    request.organisation = membership.organisation
    request.membership = membership
    return membership
