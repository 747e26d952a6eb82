from django.core.management.base import BaseCommand

from participation.portal.subscriptions import notify_subscribers, purge_unconfirmed


class Command(BaseCommand):
    help = (
        "Email every confirmed subscriber the open consultations that match their Quartiere and themes "
        "and were not mailed to them before (each consultation once per subscription); delete "
        "subscriptions whose confirmation expired. Idempotent: run it from cron, e.g. every 15 minutes. "
        "Links point at PUBLIC_URL."
    )

    def handle(self, *args, **options) -> None:
        purged = purge_unconfirmed()
        sent = notify_subscribers()
        self.stdout.write(self.style.SUCCESS(f"{sent} email(s) sent, {purged} expired subscription(s) deleted"))
