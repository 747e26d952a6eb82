from django.core.management.base import BaseCommand, CommandError, CommandParser

from quartiere.models import Level
from quartiere.services import ImportRejected, area_import_file


class Command(BaseCommand):
    help = (
        "Import regions, cities or Quartiere from a GeoJSON, GeoPackage or Shapefile (anything GDAL reads). "
        "Updates by (level, code); one transaction: on any rejected feature nothing is imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--level", required=True, choices=[level.key for level in Level])
        parser.add_argument(
            "--parent", metavar="CODE", help="code of the parent area (default: by largest overlap)"
        )
        code = parser.add_mutually_exclusive_group(required=True)
        code.add_argument("--code-field", metavar="F", help="the field holding each feature's code")
        code.add_argument(
            "--code", metavar="CODE", help="the code of the file's only feature (a file without a code field)"
        )
        parser.add_argument("--name-field", required=True, metavar="F")
        parser.add_argument("--population-field", metavar="F")
        parser.add_argument("--source-srid", type=int, metavar="N", help="EPSG code when the file names none")
        parser.add_argument("--layer", metavar="NAME")
        parser.add_argument(
            "--make-valid", action="store_true", help="repair invalid polygons (ST_MakeValid)"
        )
        parser.add_argument("--skip-unmatched", action="store_true", help="skip features that fit no parent")

    def handle(self, *args, **options) -> None:
        try:
            summary = area_import_file(
                options["path"],
                level=Level.from_name(options["level"]),
                code_field=options["code_field"],
                code=options["code"],
                name_field=options["name_field"],
                population_field=options["population_field"],
                layer=options["layer"],
                source_srid=options["source_srid"],
                parent_code=options["parent"],
                make_valid=options["make_valid"],
                skip_unmatched=options["skip_unmatched"],
            )
        except ImportRejected as error:
            for code, reason in error.problems:
                self.stderr.write(f"  {code}: {reason}")
            raise CommandError(str(error)) from None
        for code, reason in summary.problems:
            self.stderr.write(f"  skipped {code}: {reason}")
        self.stdout.write(self.style.SUCCESS(f"{options['path']}: {summary}"))
