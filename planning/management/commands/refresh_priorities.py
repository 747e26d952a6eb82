"""``manage.py refresh_priorities [--if-stale]``: recompute the priority snapshot of the map layer."""

from django.core.management.base import BaseCommand

from planning import snapshot


class Command(BaseCommand):
    help = (
        "Recompute the priority snapshot that the 'priorities' map layer reads (e.g. after writes made "
        "around the service, in SQL). The service refreshes it itself after its own writes."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--if-stale",
            action="store_true",
            help="only when its inputs or the settings changed since it was computed",
        )

    def handle(self, *args, if_stale: bool = False, **options) -> None:
        if if_stale and not snapshot.refresh_if_stale():
            self.stdout.write("priority snapshot: current")
            return
        if not if_stale:
            snapshot.refresh()
        self.stdout.write("priority snapshot: recomputed")
