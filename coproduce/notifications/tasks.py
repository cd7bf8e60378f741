from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation


@task()
def send_notification_emails(*, notification_ids: list[int]) -> int:
    """Email notifications that have not been emailed yet. Safe to run twice: sent ones are skipped."""
    from .models import Notification

    sent = 0
    pending = Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True).select_related(
        "recipient", "organisation"
    )
    for notification in pending:
        with translation.override(notification.language or settings.LANGUAGE_CODE):
            body = render_to_string(
                "notifications/email.txt",
                {"notification": notification, "site_url": getattr(settings, "SITE_URL", "")},
            )
        send_mail(notification.subject, body, None, [notification.recipient.email])
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


@task()
def send_email(
    *, subject: str, body: str, to: list[str], html: str = "", from_email: str | None = None
) -> None:
    """Send one prepared email; used for account emails (password reset) so the request never waits."""
    from django.core.mail import EmailMultiAlternatives

    message = EmailMultiAlternatives(subject, body, from_email, to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
