"""Fetch "you said" items and answers for a request: scoped to its organisation (and, for a group's
connector, to their groups), 404 for missing and forbidden alike."""

from django.http import Http404, HttpRequest

from .models import WeDid, YouSaid
from .selectors import items_visible_to


def get_item_for(request: HttpRequest, public_id) -> YouSaid:
    item = (
        items_visible_to(request.membership)
        .filter(public_id=public_id)
        .select_related("organisation", "theme", "group", "project", "executive")
        .first()
    )
    if item is None:
        raise Http404("No such item")
    return item


def get_response_for(request: HttpRequest, item: YouSaid, public_id) -> WeDid:
    response = (
        WeDid.objects.filter(item=item, public_id=public_id)
        .select_related("item", "item__organisation", "owner__user")
        .first()
    )
    if response is None:
        raise Http404("No such answer")
    return response
