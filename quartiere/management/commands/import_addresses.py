from django.core.management.base import BaseCommand, CommandError, CommandParser

from geo import crs
from quartiere.addresses import AddressFields, address_import_file
from quartiere.services import ImportRejected


def allowed_srid(text: str) -> int:
    try:
        return crs.parse_srid(text)
    except ValueError as error:
        raise CommandError(f"--srid: {error}") from None


class Command(BaseCommand):
    help = (
        "Import addresses with their points (e.g. the official house coordinates) from any file GDAL "
        "reads: GeoPackage, Shapefile, GeoJSON, or CSV with --x-field/--y-field. Each address gets the "
        "city containing it. Updates by (source, id or address); one transaction: on any invalid row "
        "nothing is imported unless --skip-invalid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--street-field", required=True, metavar="F")
        parser.add_argument("--number-field", required=True, metavar="F")
        parser.add_argument("--suffix-field", metavar="F", help="the number's addition, e.g. 'a' of 3a")
        parser.add_argument("--postcode-field", metavar="F")
        parser.add_argument("--place-field", metavar="F", help="municipality or district name")
        parser.add_argument("--id-field", metavar="F", help="a stable id (default: the address itself)")
        parser.add_argument("--x-field", metavar="F", help="x/longitude column (CSV without geometry)")
        parser.add_argument("--y-field", metavar="F", help="y/latitude column")
        parser.add_argument(
            "--srid",
            type=allowed_srid,
            metavar="N",
            help=f"EPSG code when the file names none, one of {sorted(crs.ALLOWED_SRIDS)}",
        )
        parser.add_argument("--layer", metavar="NAME")
        parser.add_argument("--source", metavar="NAME", help="name of the source (default: the file's name)")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="import the valid rows, list the others"
        )
        parser.add_argument(
            "--progress", action="store_true", help="a progress bar even when not on a terminal"
        )

    def handle(self, *args, **options) -> None:
        fields = AddressFields(
            street=options["street_field"],
            number=options["number_field"],
            suffix=options["suffix_field"],
            postcode=options["postcode_field"],
            place=options["place_field"],
            ref=options["id_field"],
            x=options["x_field"],
            y=options["y_field"],
        )
        try:
            summary = address_import_file(
                options["path"],
                fields=fields,
                source=options["source"],
                layer=options["layer"],
                srid=options["srid"],
                skip_invalid=options["skip_invalid"],
                progress=True if options["progress"] else None,
            )
        except ImportRejected as error:
            for label, reason in error.problems:
                self.stderr.write(f"  {label}: {reason}")
            raise CommandError(str(error)) from None
        for label, reason in summary.problems:
            self.stderr.write(f"  skipped {label}: {reason}")
        self.stdout.write(self.style.SUCCESS(f"{options['path']}: {summary}"))
