"""Organisations and members. Thin: scoping, permissions and reads come from coproduce.core."""

from datetime import datetime
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from coproduce.core import permissions, selectors
from coproduce.core.models import Membership
from coproduce.core.scoping import membership_for

from ..pagination import Pagination
from ..schemas import ErrorOut

router = Router(tags=["organisations"])


class OrganisationSummaryOut(Schema):
    slug: str = Field(alias="organisation.slug")
    name: str = Field(alias="organisation.name")
    roles: list[str]

    @staticmethod
    def resolve_roles(membership: Membership) -> list[str]:
        return sorted(membership.roles)


class MeOut(Schema):
    email: str
    full_name: str
    organisations: list[OrganisationSummaryOut]


class OrganisationOut(Schema):
    slug: str
    name: str
    contact_email: str
    contact_phone: str
    require_two_factor: bool
    your_roles: list[str]


class MemberOut(Schema):
    id: UUID = Field(alias="public_id")
    email: str = Field(alias="user.email")
    full_name: str = Field(alias="user.full_name")
    roles: list[str]
    joined_at: datetime = Field(alias="created_at")

    @staticmethod
    def resolve_roles(membership: Membership) -> list[str]:
        return sorted(membership.roles)


def _memberships(request: HttpRequest):
    return (
        Membership.objects.filter(user=request.user)
        .select_related("organisation")
        .prefetch_related("role_set")
        .order_by("organisation__name")
    )


def get_membership_or_404(request: HttpRequest, slug: str) -> Membership:
    """The same answer for an organisation that does not exist and one you are not in."""
    membership = membership_for(request.user, slug)
    if membership is None:
        raise Http404("No such organisation")
    return membership


@router.get("/me", response=MeOut, summary="The signed-in person and their organisations")
def me(request: HttpRequest):
    return {
        "email": request.user.email,
        "full_name": request.user.full_name,
        "organisations": list(_memberships(request)),
    }


@router.get("/orgs", response=list[OrganisationSummaryOut], summary="Organisations you belong to")
@paginate(Pagination)
def organisation_list(request: HttpRequest):
    return _memberships(request)


@router.get(
    "/orgs/{slug}", response={200: OrganisationOut, 404: ErrorOut}, summary="One of your organisations"
)
def organisation_detail(request: HttpRequest, slug: str):
    membership = get_membership_or_404(request, slug)
    organisation = membership.organisation
    return {
        "slug": organisation.slug,
        "name": organisation.name,
        "contact_email": organisation.contact_email,
        "contact_phone": organisation.contact_phone,
        "require_two_factor": organisation.require_two_factor,
        "your_roles": sorted(membership.roles),
    }


@router.get(
    "/orgs/{slug}/members",
    response={200: list[MemberOut], 403: ErrorOut, 404: ErrorOut},
    summary="Members and their roles (organisation admins only)",
)
@paginate(Pagination)
def member_list(request: HttpRequest, slug: str, role: str = "", q: str = ""):
    membership = get_membership_or_404(request, slug)
    if not permissions.can_manage_members(membership):
        raise HttpError(403, "Only organisation admins can list members.")
    return selectors.membership_list(organisation=membership.organisation, role=role[:20], search=q[:200])
