from django.db.models import QuerySet

from .models import Notification


def notification_list(*, recipient, organisation) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=recipient, organisation=organisation).order_by(
        "-created_at", "-id"
    )


def notification_unread_count(*, recipient, organisation) -> int:
    return Notification.objects.filter(
        recipient=recipient, organisation=organisation, read_at__isnull=True
    ).count()
