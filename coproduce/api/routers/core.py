"""Organisations and members. Thin: scoping, permissions and reads come from coproduce.core."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import AfterValidator, BeforeValidator

from coproduce.core import permissions, selectors
from coproduce.core.models import Membership, Role

from ..access import membership_or_404
from ..fields import blank_as_none
from ..pagination import Pagination
from ..schemas import ErrorOut, ValidationErrorOut

router = Router(tags=["organisations"])


def _without_nul(value: str) -> str:
    # PostgreSQL cannot compare text with a NUL byte: answer 422 with what to do, not 500.
    if "\x00" in value:
        raise ValueError("Remove the NUL character from the search text")
    return value


RoleFilter = Annotated[
    Role | None, BeforeValidator(blank_as_none), Query(None, description="Only members with this role")
]
SearchText = Annotated[
    str,
    AfterValidator(_without_nul),
    # Documents the rule for clients (and schemathesis) while _without_nul gives the readable message.
    Field(json_schema_extra={"pattern": "^[^\\x00]*$"}),
    Query(
        "", max_length=200, description="Text to find in names and email addresses, at most 200 characters"
    ),
]


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


@router.get(
    "/me", response={200: MeOut, 401: ErrorOut}, summary="The signed-in person and their organisations"
)
def me(request: HttpRequest):
    return {
        "email": request.user.email,
        "full_name": request.user.full_name,
        "organisations": list(_memberships(request)),
    }


@router.get(
    "/orgs",
    response={200: list[OrganisationSummaryOut], 401: ErrorOut, 422: ValidationErrorOut},
    summary="Organisations you belong to",
)
@paginate(Pagination)
def organisation_list(request: HttpRequest):
    return _memberships(request)


@router.get(
    "/orgs/{slug}",
    response={200: OrganisationOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="One of your organisations",
)
def organisation_detail(request: HttpRequest, slug: str):
    membership = membership_or_404(request, slug)
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
    response={200: list[MemberOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Members and their roles (organisation admins only)",
)
@paginate(Pagination)
def member_list(request: HttpRequest, slug: str, role: RoleFilter = None, q: SearchText = ""):
    membership = membership_or_404(request, slug)
    if not permissions.can_manage_members(membership):
        raise HttpError(403, "Only organisation admins can list members.")
    return selectors.membership_list(organisation=membership.organisation, role=role or "", search=q)
