"""The public "You said, we did" board: no sign-in (under /public/<organisation_slug>/)."""

from django.urls import path

from . import views
from .feeds import BoardAtomFeed, BoardRssFeed

urlpatterns = [
    path("", views.public_board, name="public-you-said"),
    path("feed/", BoardAtomFeed(), name="public-you-said-feed"),
    path("rss/", BoardRssFeed(), name="public-you-said-rss"),
    path("updates/<uuid:token>/", views.public_updates, name="public-you-said-updates"),
]
