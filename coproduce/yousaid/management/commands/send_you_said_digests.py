"""Send the "you said, we did" digests that are due, and escalate overdue items. Run it once a day
(cron or a scheduler); running it again the same day sends nothing twice."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from coproduce.core.models import Organisation
from coproduce.yousaid.digests import send_due_digests


class Command(BaseCommand):
    help = "Escalate overdue 'you said' items and send the daily and weekly digests that are due."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", help="Only this organisation (its slug)")
        parser.add_argument("--date", help="Act as if today were this day (YYYY-MM-DD), for catching up")

    def handle(self, *args, organisation=None, date=None, **options):
        org = None
        if organisation:
            org = Organisation.objects.filter(slug=organisation).first()
            if org is None:
                raise CommandError(f"No organisation with the slug {organisation!r}")
        today = None
        if date:
            try:
                today = _parse(date)
            except ValueError as exc:
                raise CommandError("Give the date as YYYY-MM-DD, for example 2027-03-31") from exc
        report = send_due_digests(today=today, organisation=org)
        channels = ", ".join(f"{count} by {channel}" for channel, count in sorted(report.sent.items()))
        self.stdout.write(
            f"Escalated {report.escalated} overdue item(s). Sent {report.total} digest(s)"
            + (f": {channels}." if channels else ".")
        )


def _parse(value: str) -> date:
    return date.fromisoformat(value)
