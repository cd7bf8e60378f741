"""The one way any feature tells people something: an in-app notification plus an email,
sent by a background task after the transaction commits, never inside the request."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from .models import Notification
from .tasks import send_notification_emails

# Gives a message's subject and body. It is called with the reader's language active, so it must
# translate inside (gettext), not before.
Message = Callable[[], tuple[str, str]]


def language_for(user) -> str:
    """The language to write to someone in: the one they chose, else the one in use now (the sender's
    pages, or the site's default in a background task)."""
    return (user.language if user is not None else "") or translation.get_language() or settings.LANGUAGE_CODE


def notify(*, organisation, recipients: Iterable, message: Message, url: str = "") -> list[Notification]:
    """Tell each recipient in the app and by email. The message is written once per language among
    them, so a Welsh speaker reads Welsh whoever sent it."""
    by_language = defaultdict(list)
    for user in recipients:
        by_language[language_for(user)].append(user)
    notifications = []
    for language, users in by_language.items():
        with translation.override(language):
            subject, body = message()
        notifications += [
            Notification(
                organisation=organisation,
                recipient=user,
                subject=subject[:200],
                body=body,
                url=url,
                language=language,
            )
            for user in users
        ]
    # SQLite and PostgreSQL both give back the new primary keys.
    notifications = Notification.objects.bulk_create(notifications)
    if notifications:
        ids = [n.pk for n in notifications]
        transaction.on_commit(partial(send_notification_emails.enqueue, notification_ids=ids))
    return notifications


def notification_mark_read(*, recipient, organisation, notification_id: int | None = None) -> int:
    unread = Notification.objects.filter(recipient=recipient, organisation=organisation, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())
