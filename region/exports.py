"""The region summary as downloads: ``region-<code>.csv`` (UTF-8, comma, numbers with a dot, one row
per municipality), ``.xlsx`` (openpyxl: numbers as numbers) and ``.geojson`` (EPSG:4326, built by
PostGIS: region.selectors.download_features). The columns are ``COLUMNS`` and, per indicator with a
city-level value, ``ind.<key>`` and ``ind.<key>.year``.

Names come from imported files: in the CSV a value starting like a formula (= + - @) gets a leading
apostrophe, as planning.exports does; in the XLSX such text is written the same way, as a string cell,
never a formula.
"""

import csv
import io
from typing import Any

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

ATTRIBUTION = "© GeoBasis-DE / BKG (2024), Daten verändert (dl-de/by-2-0)"

# (key, label, kind): kind "text", "int", "number", "eur"
COLUMNS: list[tuple[str, Any, str]] = [
    ("id", _("id"), "int"),
    ("code", _("official code (AGS)"), "text"),
    ("name", _("municipality"), "text"),
    ("population", _("population"), "int"),
    ("area_km2", _("area (km²)"), "number"),
    ("density", _("inhabitants per km²"), "number"),
    ("measures", _("measures"), "int"),
    ("regional_measures", _("regional measures"), "int"),
    ("regional_share", _("share of regional measures"), "number"),
    ("budget_total", _("budget (EUR)"), "eur"),
    ("budget_per_inhabitant", _("budget per inhabitant (EUR)"), "eur"),
    ("budget_per_year", _("budget per year (EUR)"), "eur"),
    ("regional_budget", _("regional budget (EUR)"), "eur"),
    ("contributions", _("contributions"), "int"),
    ("contributions_per_1000", _("contributions per 1,000 inhabitants"), "number"),
    ("quartiere", _("Quartiere"), "int"),
    ("quartiere_with_gap", _("Quartiere with a gap"), "int"),
    ("top_quartier", _("top-ranked Quartier"), "text"),
]
FORMATS = {"int": "#,##0", "number": "#,##0.00", "eur": '#,##0.00 "€"'}


def _text(value: str) -> str:
    # a spreadsheet would run a cell starting like a formula
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def indicator_keys(rows: list[dict]) -> list[str]:
    """The indicators with a city-level value in any of ``rows``, by key."""
    return sorted({key for row in rows for key in row.get("indicators", {})})


def table(rows: list[dict]) -> tuple[list[str], list[list[Any]]]:
    """The header (column keys) and one list of values per city; text guarded, None when missing."""
    keys = indicator_keys(rows)
    header = [key for key, _label, _kind in COLUMNS]
    for key in keys:
        header += [f"ind.{key}", f"ind.{key}.year"]
    out = []
    for row in rows:
        values: list[Any] = []
        for key, _label, kind in COLUMNS:
            value = row.get(key)
            if key == "top_quartier":
                value = value["name"] if value else None
            values.append(_text(value) if kind == "text" and isinstance(value, str) else value)
        for key in keys:
            found = row["indicators"].get(key)
            values += [found["value"], found["year"]] if found else [None, None]
        out.append(values)
    return header, out


def summary_csv(rows: list[dict]) -> str:
    header, values = table(rows)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([["" if v is None else v for v in row] for row in values])
    return out.getvalue()


def summary_xlsx(rows: list[dict], *, title: str) -> bytes:
    """One sheet: the title, a header row of labels (indicators by ``ind.<key>``), a row per city; the
    source of the boundaries below."""
    header, values = table(rows)
    kinds = {key: kind for key, _label, kind in COLUMNS}
    labels = {key: str(label) for key, label, _kind in COLUMNS}
    book = Workbook()
    sheet = book.active
    sheet.title = "Region"
    sheet.append([ILLEGAL_CHARACTERS_RE.sub("", _text(title))])
    sheet.append([labels.get(key, key) for key in header])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in values:
        sheet.append([None] * len(row))
        line = sheet.max_row
        for index, value in enumerate(row, start=1):
            cell = sheet.cell(row=line, column=index)
            if isinstance(value, str):
                cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
                cell.data_type = "s"  # text is never a formula
            else:
                cell.value = value
                kind = kinds.get(header[index - 1], "number")
                if value is not None and kind in FORMATS:
                    cell.number_format = FORMATS[kind]
    sheet.append([])
    sheet.append([ATTRIBUTION])
    for index, key in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(
            10, min(40, len(labels.get(key, key)) + 2)
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
