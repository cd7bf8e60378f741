from functools import partial

from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction

from coproduce.notifications.tasks import send_email


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        """People join an organisation when an admin adds them; there is no open sign-up."""
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Account emails (password reset and the like) go by a background task, not in the request."""
        message = self.render_mail(template_prefix, email, context)
        html = next(
            (
                content
                for content, mimetype in getattr(message, "alternatives", [])
                if mimetype == "text/html"
            ),
            "",
        )
        transaction.on_commit(
            partial(
                send_email.enqueue,
                subject=message.subject,
                body=message.body,
                to=list(message.to),
                html=html,
                from_email=message.from_email,
            )
        )
