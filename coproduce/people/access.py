"""Fetch register objects for a request: filtered by its organisation, 404 for missing and forbidden alike."""

from django.http import Http404, HttpRequest

from .models import Group, GroupMembership, Person


def get_person_for(request: HttpRequest, public_id) -> Person:
    person = (
        Person.objects.filter(organisation=request.organisation, public_id=public_id, erased_at__isnull=True)
        .select_related("organisation", "user")
        .first()
    )
    if person is None:
        raise Http404("No such person")
    return person


def get_group_for(request: HttpRequest, public_id) -> Group:
    group = (
        Group.objects.filter(organisation=request.organisation, public_id=public_id)
        .select_related("organisation")
        .first()
    )
    if group is None:
        raise Http404("No such group")
    return group


def get_group_membership_for(request: HttpRequest, group: Group, membership_id: int) -> GroupMembership:
    membership = (
        GroupMembership.objects.filter(group=group, pk=membership_id, left_on__isnull=True)
        .select_related("person", "group", "group__organisation")
        .first()
    )
    if membership is None:
        raise Http404("No such group member")
    return membership
