from django.core.management.base import BaseCommand, CommandError

from participation.services import ParticipationError, contributor_erase


class Command(BaseCommand):
    help = (
        "Erase a person's participation data by email address (GDPR Art. 17): their contributions with "
        "supports, flags and responses, and, for an account with that address, its supports and flags."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email: str, **options) -> None:
        try:
            erased = contributor_erase(email=email)
        except ParticipationError as error:
            raise CommandError(error.message) from None
        self.stdout.write(self.style.SUCCESS(f"erased {erased} contribution(s) of {email}"))
