import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quartiere.city_check import checks_count, city_problems


class Command(BaseCommand):
    help = (
        "Report rows whose city disagrees with their geometry (a point outside its city, a measure "
        "outside its owner's area, …) or with their parent's city, and Quartiere sticking out of their "
        "city. Exits non-zero when anything is found."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--tolerance",
            type=float,
            default=0.01,
            help="share of a polygon allowed outside its city (default 0.01 = 1 %%)",
        )
        parser.add_argument("--json", action="store_true", help="print the findings as JSON")
        parser.add_argument("--quiet", action="store_true", help="print nothing when all is well")

    def handle(self, *args, **options) -> None:
        tolerance = options["tolerance"]
        if not 0 <= tolerance < 1:
            raise CommandError("--tolerance must be a share in [0, 1)")
        findings = city_problems(tolerance=tolerance)
        if options["json"]:
            self.stdout.write(json.dumps([f.as_dict() for f in findings], indent=2))
        else:
            for f in findings:
                ids = ", ".join(str(i) for i in f.ids)
                more = ", …" if f.count > len(f.ids) else ""
                self.stdout.write(f"{f.table}: {f.count} {f.problem} (ids {ids}{more})")
        if findings:
            total = sum(f.count for f in findings)
            raise CommandError(f"{total} row(s) disagree with their city in {len(findings)} check(s)")
        if not options["quiet"] and not options["json"]:
            self.stdout.write(self.style.SUCCESS(f"every row agrees with its city ({checks_count()} checks)"))
