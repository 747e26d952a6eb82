"""``manage.py import_indicators PATH``: indicator values from CSV, XLSX or any GDAL vector format
(docs/indicators.md)."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.importing import DECIMALS, LEVELS, LISTED, ImportOptions, ImportRejected, import_file


def mapping(text: str) -> tuple[str, str]:
    column, sep, key = text.rpartition("=")
    if not sep or not column.strip() or not key.strip():
        raise ValueError(text)
    return column.strip(), key.strip()


class Command(BaseCommand):
    help = (
        "Import indicator values per area and year from CSV (delimiter and encoding — UTF-8 or "
        "Windows-1252 — sniffed), XLSX or any vector format GDAL reads (attributes only). Areas are "
        "matched by code; columns by --map COLUMN=KEY, or named after indicator keys, or the long layout "
        "(--indicator-column, --value-column). Everything is checked first: with any problem nothing is "
        "imported unless --skip-invalid. Upserts by (indicator, area, year); a re-import changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--code-column", required=True, metavar="C", help="the areas' codes (AGS, …)")
        parser.add_argument(
            "--level", choices=list(LEVELS), help="the codes' level (default: each code's only level)"
        )
        parser.add_argument(
            "--map",
            type=mapping,
            action="append",
            default=[],
            metavar="COLUMN=KEY",
            help="a column holding the values of the indicator KEY (repeatable); default: the columns "
            "named after indicator keys",
        )
        parser.add_argument("--year", type=int, metavar="YYYY", help="the year of every value")
        parser.add_argument("--year-column", metavar="C")
        parser.add_argument("--quality-column", metavar="C", help="measured, estimated, provisional")
        parser.add_argument("--note-column", metavar="C")
        parser.add_argument("--indicator-column", metavar="C", help="long layout: the indicator key")
        parser.add_argument("--value-column", metavar="C", help="long layout: the value")
        parser.add_argument(
            "--decimal",
            choices=DECIMALS,
            default="auto",
            help="how to read 1.234 or 1,234: comma = German (1234), point = English; auto lists them",
        )
        parser.add_argument("--layer", metavar="NAME", help="sheet of an XLSX file, layer of a GDAL file")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="import the valid values, list the others"
        )
        parser.add_argument(
            "--progress", action="store_true", help="a progress bar even when not on a terminal"
        )

    def handle(self, *args, **options) -> None:
        columns = dict(options["map"])
        import_options = ImportOptions(
            code_column=options["code_column"],
            level=options["level"],
            columns=columns,
            year=options["year"],
            year_column=options["year_column"],
            quality_column=options["quality_column"],
            note_column=options["note_column"],
            indicator_column=options["indicator_column"],
            value_column=options["value_column"],
            decimal=options["decimal"],
            layer=options["layer"],
        )
        try:
            summary = import_file(
                options["path"],
                import_options,
                skip_invalid=options["skip_invalid"],
                progress=True if options["progress"] else None,
            )
        except ImportRejected as error:
            self._list(error.problems, error.count, "")
            raise CommandError(error.message) from None
        self._list(summary.problems, summary.problem_count, "skipped ")
        self.stdout.write(self.style.SUCCESS(f"{options['path']}: {summary}"))

    def _list(self, problems, count: int, prefix: str) -> None:
        for problem in problems:
            self.stderr.write(f"  {prefix}{problem}")
        if count > len(problems):
            self.stderr.write(f"  … and {count - len(problems)} more (the first {LISTED} are listed)")
