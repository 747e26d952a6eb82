from django.core.management.base import BaseCommand, CommandError, CommandParser

from geo.errors import ServiceError
from indicators.layer_import import LayerMeta, LayerRejected, import_layer


class Command(BaseCommand):
    help = (
        "Import a reference layer (green spaces, schools, stops, noise zones, …) from any vector file GDAL "
        "reads, reprojected to EPSG:25832. Re-importing replaces the layer's features; one transaction: on "
        "any rejected feature nothing changes. The layer's spatial indicators are recomputed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--name", required=True, help="the layer's key (letters, digits, - and _)")
        parser.add_argument("--title", default="")
        parser.add_argument("--year", type=int, required=True, help="the year the data describe")
        parser.add_argument("--source", default="")
        parser.add_argument("--licence", default="")
        parser.add_argument("--attribution", default="")
        parser.add_argument("--description", default="")
        parser.add_argument("--layer", metavar="NAME", help="the layer to read from a file with several")
        parser.add_argument(
            "--id-field", metavar="F", help="the field identifying features (default: the FID)"
        )
        parser.add_argument("--s-srs", metavar="EPSG", help="the source CRS, for files that name none")
        parser.add_argument(
            "--make-valid", action="store_true", help="repair invalid geometry (ST_MakeValid)"
        )
        parser.add_argument("--illustrative", action="store_true", help="label the data as illustrative")

    def handle(self, *args, **options) -> None:
        meta = LayerMeta(
            name=options["name"],
            title=options["title"],
            year=options["year"],
            source=options["source"],
            licence=options["licence"],
            attribution=options["attribution"],
            description=options["description"],
            illustrative=options["illustrative"],
        )
        try:
            summary = import_layer(
                options["path"],
                meta,
                layer=options["layer"],
                source_srid=options["s_srs"],
                id_field=options["id_field"],
                make_valid=options["make_valid"],
            )
        except LayerRejected as error:
            for ref, reason in error.problems:
                self.stderr.write(f"  {ref}: {reason}")
            raise CommandError(error.message) from None
        except ServiceError as error:
            raise CommandError(f"{error.field or 'error'}: {error.message}") from None
        self.stdout.write(self.style.SUCCESS(str(summary)))
