from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from participation.portal.subscriptions import notify_subscribers, purge_unconfirmed


class Command(BaseCommand):
    help = (
        "Email every confirmed subscriber the open consultations that match their Quartiere and themes "
        "and were not mailed to them before (each consultation once per subscription); delete "
        "subscriptions whose confirmation expired. Idempotent: run it from cron, e.g. every 15 minutes. "
        "The links in the mails start with PUBLIC_URL (or --base-url)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url", default="", help="e.g. https://beteiligung.example.de (default: PUBLIC_URL)"
        )

    def handle(self, *args, base_url: str = "", **options) -> None:
        base = (base_url or settings.PUBLIC_URL).rstrip("/")
        if not base.startswith(("http://", "https://")):
            raise CommandError("Set PUBLIC_URL (or pass --base-url): the mails need absolute links.")
        purged = purge_unconfirmed()
        sent = notify_subscribers(base_url=base)
        self.stdout.write(
            self.style.SUCCESS(f"{sent} email(s) sent, {purged} expired subscription(s) deleted")
        )
