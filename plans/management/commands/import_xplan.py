from django.core.management.base import BaseCommand, CommandError

from plans.services import xplan_import
from plans.xplangml import XPlanRejected


class Command(BaseCommand):
    help = (
        "Import development plans (BP_Plan, FP_Plan) from XPlanGML 5.0–5.4 / 6.0 files through GDAL, "
        "in one transaction: a file or plan at fault imports nothing (docs/xplanung.md)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="XPlanGML file(s)")
        parser.add_argument(
            "--city",
            metavar="AGS",
            help="the city (AGS) of every plan; default: the plan's AGS, else its location",
        )
        parser.add_argument("--dry-run", action="store_true", help="check and count, store nothing")
        parser.add_argument(
            "--prune",
            action="store_true",
            help="the files hold every plan of their cities and kinds: delete the stored plans of those "
            "cities and kinds that they do not hold (with --dry-run: name them, delete nothing)",
        )

    def handle(self, *args, **options) -> None:
        try:
            summary = xplan_import(
                options["paths"],
                city_code=options["city"],
                dry_run=options["dry_run"],
                prune=options["prune"],
            )
        except XPlanRejected as error:
            raise CommandError(str(error)) from None
        self.stdout.write(str(summary))
