from django.core.management.base import BaseCommand, CommandError, CommandParser

from quartiere.selectors import areas_sticking_out


class Command(BaseCommand):
    help = "Report children that stick out of their parent by more than a share of their own area."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--tolerance",
            type=float,
            default=0.01,
            help="share of the child's area allowed outside its parent (default 0.01 = 1 %%)",
        )

    def handle(self, *args, **options) -> None:
        tolerance = options["tolerance"]
        if not 0 <= tolerance < 1:
            raise CommandError("--tolerance must be a share in [0, 1)")
        rows = areas_sticking_out(tolerance=tolerance)
        for row in rows:
            self.stdout.write(
                f"{row['code']} {row['name']}: {row['outside_share']:.2%} outside "
                f"{row['parent_code']} {row['parent_name']}"
            )
        if rows:
            raise CommandError(f"{len(rows)} area(s) stick out of their parent by more than {tolerance:.2%}")
        self.stdout.write(
            self.style.SUCCESS(f"all children lie within their parents (tolerance {tolerance:.2%})")
        )
