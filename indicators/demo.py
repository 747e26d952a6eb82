"""The demo's illustrative indicator catalogue and values (fixtures/ludwigsburg/build_indicators.py),
loaded through the import code a city runs: ``services.catalogue_import`` and the same import as
``manage.py import_indicators indicators.csv --code-column code --year-column year``."""

from pathlib import Path

from indicators import services
from indicators.importing import ImportOptions

DEMO_OPTIONS = ImportOptions(code_column="code", year_column="year", decimal="comma")


def load_demo(demo_dir: Path) -> str:
    created, updated = services.catalogue_import(user=None, path=demo_dir / "indicators-catalogue.csv")
    summary = services.values_import(user=None, path=demo_dir / "indicators.csv", options=DEMO_OPTIONS)
    return f"indicators: {created} created, {updated} updated; values: {summary}"
