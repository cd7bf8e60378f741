"""Delete the rows of spreadsheet imports older than a week: run it daily (cron or a scheduler)."""

from django.core.management.base import BaseCommand

from coproduce.people.imports.services import person_imports_purge


class Command(BaseCommand):
    help = "Delete the rows of spreadsheet imports started more than 7 days ago; unfinished ones end."

    def handle(self, *args, **options):
        purged = person_imports_purge()
        self.stdout.write(f"Deleted the rows of {purged} imports.")
