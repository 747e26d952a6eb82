from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators import spatial
from indicators.models import SpatialIndicator


class Command(BaseCommand):
    help = "Recompute the spatial indicators (all, or one with --indicator) from their reference layers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--indicator", metavar="KEY", help="the key of one spatial indicator")

    def handle(self, *args, **options) -> None:
        ids = None
        if options["indicator"]:
            found = SpatialIndicator.objects.filter(indicator__key=options["indicator"]).first()
            if found is None:
                raise CommandError(f"no spatial indicator with key {options['indicator']!r}")
            ids = [found.indicator_id]
        for key, stored in spatial.compute_all(ids).items():
            self.stdout.write(f"{key}: {stored} values")
        self.stdout.write(self.style.SUCCESS("done"))
