"""The public board as an Atom feed (and RSS 2.0): published items with their published answers."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from coproduce.core.models import Organisation

from . import selectors
from .services import response_public_text

FEED_LENGTH = 50


class BoardRssFeed(Feed):
    def get_object(self, request, organisation_slug: str) -> Organisation:
        organisation = Organisation.objects.filter(slug=organisation_slug).first()
        if organisation is None:
            raise Http404("No such organisation")
        return organisation

    def title(self, organisation: Organisation) -> str:
        return _("You said, we did: %(organisation)s") % {"organisation": organisation.name}

    def link(self, organisation: Organisation) -> str:
        return reverse("public-you-said", kwargs={"organisation_slug": organisation.slug})

    def description(self, organisation: Organisation) -> str:
        return _("What people told %(organisation)s, and what it did about it.") % {
            "organisation": organisation.name
        }

    def items(self, organisation: Organisation):
        return selectors.public_board(organisation=organisation)[:FEED_LENGTH]

    def item_title(self, item) -> str:
        return _("You said: %(summary)s") % {"summary": item.summary}

    def item_description(self, item) -> str:
        return "\n".join(response_public_text(response) for response in item.published_responses)

    def item_link(self, item) -> str:
        board = reverse("public-you-said", kwargs={"organisation_slug": item.organisation.slug})
        return f"{board}#item-{item.public_id}"

    def item_guid(self, item) -> str:
        return f"urn:uuid:{item.public_id}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        dates = [r.published_at for r in item.published_responses if r.published_at]
        return max(dates) if dates else item.first_published_at


class BoardAtomFeed(BoardRssFeed):
    feed_type = Atom1Feed

    def subtitle(self, organisation: Organisation) -> str:
        return self.description(organisation)
