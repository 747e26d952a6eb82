from django.core.management.base import BaseCommand, CommandError, CommandParser

from quartiere.selectors import STICKING_OUT_DISTANCE_M, areas_sticking_out


class Command(BaseCommand):
    help = (
        "Report children that stick out of their parent: more than a share of their own area lies "
        "farther than a distance outside it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--tolerance",
            type=float,
            default=0.01,
            help="share of the child's area allowed outside its parent (default 0.01 = 1 %%)",
        )
        parser.add_argument(
            "--distance",
            type=float,
            default=STICKING_OUT_DISTANCE_M,
            help="metres a child may cross its parent's line unnoticed: the noise of generalised "
            f"boundaries (default {STICKING_OUT_DISTANCE_M:g}; 0 counts every part outside)",
        )

    def handle(self, *args, **options) -> None:
        tolerance = options["tolerance"]
        distance = options["distance"]
        if not 0 <= tolerance < 1:
            raise CommandError("--tolerance must be a share in [0, 1)")
        if not 0 <= distance <= 10_000:
            raise CommandError("--distance must be metres in [0, 10000]")
        rows = areas_sticking_out(tolerance=tolerance, distance=distance)
        for row in rows:
            self.stdout.write(
                f"{row['code']} {row['name']}: {row['outside_share']:.2%} outside "
                f"{row['parent_code']} {row['parent_name']}"
            )
        if rows:
            raise CommandError(
                f"{len(rows)} area(s) stick out of their parent by more than {tolerance:.2%} "
                f"(beyond {distance:g} m)"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"all children lie within their parents (tolerance {tolerance:.2%}, {distance:g} m)"
            )
        )
