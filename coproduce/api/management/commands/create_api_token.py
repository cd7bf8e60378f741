from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from coproduce.api.services import api_token_create
from coproduce.core.models import User


class Command(BaseCommand):
    help = "Create a personal access token for a user and print it (it is shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="Command line")

    def handle(self, *args, email: str, name: str, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user has the email address {email}.")
        try:
            _token, raw = api_token_create(user=user, name=name)
        except ValidationError as error:
            messages = "; ".join(
                f"{field}: {' '.join(errors)}" for field, errors in error.message_dict.items()
            )
            raise CommandError(
                f"Could not create the token ({messages}). Use --name to say what it is for."
            ) from error
        self.stdout.write(raw)
