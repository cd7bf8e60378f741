"""The one way any feature tells people something: an in-app notification plus an email,
sent by a background task after the transaction commits, never inside the request."""

from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.utils import timezone

from .models import Notification
from .tasks import send_notification_emails


def notify(
    *, organisation, recipients: Iterable, subject: str, body: str, url: str = ""
) -> list[Notification]:
    notifications = Notification.objects.bulk_create(
        Notification(organisation=organisation, recipient=user, subject=subject[:200], body=body, url=url)
        for user in recipients
    )
    ids = [n.pk for n in notifications if n.pk is not None]
    if not ids:  # some databases do not return primary keys from bulk_create
        ids = list(
            Notification.objects.filter(
                organisation=organisation, subject=subject[:200], emailed_at__isnull=True
            )
            .order_by("-id")
            .values_list("pk", flat=True)[: len(notifications)]
        )
    transaction.on_commit(partial(send_notification_emails.enqueue, notification_ids=ids))
    return notifications


def notification_mark_read(*, recipient, organisation, notification_id: int | None = None) -> int:
    unread = Notification.objects.filter(recipient=recipient, organisation=organisation, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())
