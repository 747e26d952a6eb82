"""Importing indicator values from a statistics office's file (docs/indicators.md): CSV (delimiter and
encoding — UTF-8 or Windows-1252 — sniffed), XLSX, or any vector format GDAL reads (GeoPackage,
Shapefile, GeoJSON, …; attributes only).

Values are matched to areas by their official code (``Area.code``: the AGS of a city, the district
key of a Quartier), to indicators by key (a column → indicator mapping, the columns named after
indicator keys, or a long layout with an indicator and a value column), to a year (``year`` or a
year column). Everything is checked first, set-based in PostgreSQL on a staging table: unknown codes
and indicators, values that are no finite number, years out of range, the same (area, indicator,
year) twice, areas outside the importing account's cities. Each problem names its row and column.
With any problem nothing is written, unless ``skip_invalid``. The write is one upsert by
(indicator, area, year): an identical value is left alone, so a re-import changes nothing.

Numbers: ``12.5``, ``12,5`` (German decimal comma), ``1.234,5`` and ``1 234,5`` (German thousands),
``1,234.5`` (English thousands); a single separator followed by exactly three digits (``1.234``,
``1,234``) is ambiguous: ``decimal="comma"`` reads it the German way (1234), ``decimal="point"``
the English way (1.234 / 1234), ``auto`` (the default) refuses to guess and lists it.
"""

import csv
import io
import math
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.contrib.gis.gdal import DataSource, GDALException
from django.db import connection, transaction
from django.utils.translation import gettext as _
from tqdm import tqdm

from geo.sql import load
from indicators.models import YEAR_MAX, YEAR_MIN, Quality
from quartiere.models import Level

# how many problems an error message lists (all are counted)
LISTED = 100
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
DECIMALS = ("auto", "comma", "point")
LEVELS = {level.key: level for level in Level}
QUALITY_WORDS = {
    **{q.value: q.value for q in Quality},
    "gemessen": Quality.MEASURED.value,
    "geschätzt": Quality.ESTIMATED.value,
    "geschaetzt": Quality.ESTIMATED.value,
    "vorläufig": Quality.PROVISIONAL.value,
    "vorlaeufig": Quality.PROVISIONAL.value,
    "berechnet": Quality.COMPUTED.value,
}


class ImportRejected(Exception):
    """Nothing was imported: ``message`` says why; ``problems`` lists up to ``LISTED`` problems of
    rows as (row, column, reason); ``count`` counts them all."""

    def __init__(self, message: str, problems: list["Problem"] | None = None, count: int = 0):
        super().__init__(message)
        self.message = message
        self.problems = problems or []
        self.count = count or len(self.problems)


@dataclass(frozen=True)
class Problem:
    row: int  # as a spreadsheet shows it (the header is row 1); a GDAL layer's features from 1
    column: str
    reason: str

    def __str__(self) -> str:
        return _("row %(row)s, column “%(column)s”: %(reason)s") % {
            "row": self.row,
            "column": self.column,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class ImportOptions:
    """How to read the file: ``code_column`` holds the area codes, ``level`` (region/city/quartier)
    which level they are (None: each code's only level); ``columns`` maps columns to indicator keys
    (empty: every column named after an indicator key, or the long layout ``indicator_column`` +
    ``value_column``); the year is ``year`` or in ``year_column``; ``quality_column`` and
    ``note_column`` are optional; ``decimal`` reads ambiguous numbers (see the module); ``layer`` is
    the sheet of an XLSX file or the layer of a GDAL file."""

    code_column: str
    level: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    year: int | None = None
    year_column: str | None = None
    quality_column: str | None = None
    note_column: str | None = None
    indicator_column: str | None = None
    value_column: str | None = None
    decimal: str = "auto"
    layer: str | None = None


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # values not imported because of a problem (skip_invalid)
    empty: int = 0  # empty cells: no value
    problems: list[Problem] = field(default_factory=list)  # the first LISTED
    problem_count: int = 0
    written: bool = False  # False for a preview (dry run)

    @property
    def values(self) -> int:
        return self.created + self.updated + self.unchanged

    def __str__(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
            f"skipped {self.skipped}, empty cells {self.empty}"
        )


# --- reading ---------------------------------------------------------------------------------------


@dataclass
class Table:
    """A file's header and rows: (row number, cells) with cells as read (text, number, date or None)."""

    columns: list[str]
    rows: Iterator[tuple[int, list[Any]]]
    total: int | None  # for the progress bar


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 (Excel's CSV on German Windows)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _delimiter(text: str) -> str:
    head = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(head, delimiters=";,\t|").delimiter
    except csv.Error:
        first = head.split("\n", 1)[0]
        return max(";,\t|", key=first.count)


def read_csv(data: bytes) -> Table:
    # NUL is no character of PostgreSQL's text (nor of the csv module's input): dropped
    text = _decode(data).replace("\x00", "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ImportRejected(_("The file is empty.")) from None
    total = max(text.count("\n") - 1, 0)

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        try:
            for row in reader:
                if any(c.strip() for c in row):
                    yield reader.line_num, row
        except csv.Error as error:  # e.g. a field longer than the csv module's limit
            raise ImportRejected(
                _("Line %(line)s cannot be read as CSV (%(error)s).")
                % {"line": reader.line_num, "error": error}
            ) from None

    return Table(header, numbered(), total)


def read_xlsx(path: Path | str, sheet: str | None) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # zipfile, XML and openpyxl's own errors alike
        raise ImportRejected(_("The file cannot be read as XLSX (%(error)s).") % {"error": error}) from None
    if sheet is not None and sheet not in book.sheetnames:
        raise ImportRejected(
            _("The workbook has no sheet “%(sheet)s”; it has %(names)s.")
            % {"sheet": sheet, "names": ", ".join(book.sheetnames)}
        )
    ws = book[sheet] if sheet is not None else book.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    try:
        header = ["" if h is None else str(h).strip() for h in next(rows)]
    except StopIteration:
        raise ImportRejected(_("The file is empty.")) from None

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        for number, row in enumerate(rows, start=2):
            if any(c is not None and str(c).strip() for c in row):
                yield number, list(row)

    return Table(header, numbered(), max((ws.max_row or 1) - 1, 0))


def read_gdal(path: Path | str, layer: str | None) -> Table:
    """The attributes of one layer of a file GDAL reads (geometry is ignored)."""
    try:
        source = DataSource(str(path))
    except GDALException as error:
        raise ImportRejected(_("The file cannot be read by GDAL (%(error)s).") % {"error": error}) from None
    names = [source[i].name for i in range(source.layer_count)]
    if layer is None:
        if len(names) != 1:
            raise ImportRejected(
                _("The file has %(n)s layers (%(names)s); choose one.")
                % {"n": len(names), "names": ", ".join(names)}
            )
        lyr = source[0]
    elif layer not in names:
        raise ImportRejected(
            _("The file has no layer “%(layer)s”; it has %(names)s.")
            % {"layer": layer, "names": ", ".join(names)}
        )
    else:
        lyr = source[layer]
    columns = list(lyr.fields)

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        # keep the data source alive while its features are read
        keep = source
        for number, feature in enumerate(lyr, start=1):
            yield number, [feature.get(name) for name in columns]
        del keep

    return Table(columns, numbered(), len(lyr))


def read_table(path: Path | str, *, layer: str | None = None) -> Table:
    suffix = Path(path).suffix.lower()
    if suffix in CSV_SUFFIXES:
        return read_csv(Path(path).read_bytes())
    if suffix in XLSX_SUFFIXES:
        return read_xlsx(path, layer)
    return read_gdal(path, layer)


# --- parsing cells -------------------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_COMMA_DECIMAL = re.compile(r"[+-]?\d+,\d+")
_DOT_GROUPS = re.compile(r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?")
_COMMA_GROUPS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_AMBIGUOUS = re.compile(r"[+-]?\d{1,3}[.,]\d{3}")


class NotANumber(ValueError):
    pass


def _shown(raw: Any) -> str:
    """A cell's text as a message quotes it: at most 40 characters, no NUL (PostgreSQL's text has none)."""
    return str(raw).replace("\x00", "")[:40]


def parse_number(raw: Any, decimal: str = "auto") -> float | None:
    """A finite number from a cell; None for an empty cell; ``NotANumber`` with the reason otherwise.
    See the module's docstring for the formats."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise NotANumber(_("“%(value)s” is no number") % {"value": raw})
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = _SPACES.sub("", str(raw))
        if text == "":
            return None
        if text.lower().lstrip("+-") in {"nan", "inf", "infinity"}:
            raise NotANumber(_("“%(value)s” is no finite number") % {"value": _shown(raw)})
        value = _number_text(text, decimal, str(raw))
    if not math.isfinite(value):
        raise NotANumber(_("“%(value)s” is no finite number") % {"value": _shown(raw)})
    return value


def _number_text(text: str, decimal: str, raw: str) -> float:
    if _AMBIGUOUS.fullmatch(text):
        if decimal == "comma":
            text = text.replace(".", "").replace(",", ".")
        elif decimal == "point":
            text = text.replace(",", "")
        else:
            raise NotANumber(
                _(
                    "“%(value)s” is ambiguous (a thousands separator or a decimal separator?); "
                    "choose the decimal separator"
                )
                % {"value": _shown(raw)}
            )
        return float(text)
    if _PLAIN.fullmatch(text) and not (decimal == "comma" and "." in text):
        return float(text)
    if _COMMA_DECIMAL.fullmatch(text) and decimal != "point":
        return float(text.replace(",", "."))
    if _DOT_GROUPS.fullmatch(text) and decimal != "point":
        return float(text.replace(".", "").replace(",", "."))
    if _COMMA_GROUPS.fullmatch(text) and decimal != "comma":
        return float(text.replace(",", ""))
    raise NotANumber(_("“%(value)s” is no number") % {"value": _shown(raw)})


def parse_year(raw: Any) -> int:
    if isinstance(raw, datetime | date):
        return raw.year
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip() if raw is not None else ""
    if not (text.isascii() and text.isdigit() and len(text) <= 6):
        raise NotANumber(_("“%(value)s” is no year") % {"value": _shown(text)} if text else _("no year"))
    year = int(text)
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise NotANumber(
            _("the year %(year)s is outside %(min)s–%(max)s")
            % {"year": year, "min": YEAR_MIN, "max": YEAR_MAX}
        )
    return year


def _text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))  # a code typed as a number into a spreadsheet
    return str(raw).replace("\x00", "").strip()


# --- staging ------------------------------------------------------------------------------------


def _column_index(table: Table, name: str | None, option: str) -> int | None:
    if name is None:
        return None
    if name not in table.columns:
        raise ImportRejected(
            _("%(option)s: the file has no column “%(name)s”; it has %(columns)s.")
            % {"option": option, "name": name, "columns": ", ".join(table.columns)}
        )
    return table.columns.index(name)


def _value_columns(table: Table, options: ImportOptions, keys: set[str]) -> list[tuple[int, str, str]]:
    """(index, column, indicator key) of the columns holding values (wide layout)."""
    if options.columns:
        unknown = sorted(set(options.columns.values()) - keys)
        if unknown:
            raise ImportRejected(
                _("No indicator has the key “%(key)s” (mapped to the column “%(column)s”).")
                % {
                    "key": unknown[0],
                    "column": next(c for c, k in options.columns.items() if k == unknown[0]),
                }
            )
        return [
            (_column_index(table, column, "--map") or 0, column, key)
            for column, key in options.columns.items()
        ]
    taken = {options.code_column, options.year_column, options.quality_column, options.note_column}
    found = [(i, c, c) for i, c in enumerate(table.columns) if c in keys and c not in taken]
    if not found:
        raise ImportRejected(
            _(
                "No column is mapped to an indicator: name the columns after indicator keys, map them "
                "(column=indicator key), or give an indicator column and a value column."
            )
        )
    return found


def stage_rows(
    table: Table, options: ImportOptions, *, keys: set[str], progress: bool = False
) -> Iterator[tuple]:
    """The file's values as rows of the staging table: (row, column, code, key, year, value, quality,
    note, problem); a cell's own problem (no number, no year …) is found here, the rest in SQL."""
    if options.decimal not in DECIMALS:
        raise ImportRejected(
            _("The decimal separator must be one of %(choices)s.") % {"choices": ", ".join(DECIMALS)}
        )
    if (options.year is None) == (options.year_column is None):
        raise ImportRejected(_("Give either a year or a year column."))
    if options.year is not None:
        try:
            parse_year(options.year)
        except NotANumber as error:
            raise ImportRejected(str(error)) from None
    long = options.indicator_column is not None or options.value_column is not None
    if long and (options.indicator_column is None or options.value_column is None or options.columns):
        raise ImportRejected(
            _("The long layout needs an indicator column and a value column, and no column mapping.")
        )
    code_i = _column_index(table, options.code_column, "--code-column")
    year_i = _column_index(table, options.year_column, "--year-column")
    quality_i = _column_index(table, options.quality_column, "--quality-column")
    note_i = _column_index(table, options.note_column, "--note-column")
    if long:
        key_i = _column_index(table, options.indicator_column, "--indicator-column")
        value_i = _column_index(table, options.value_column, "--value-column")
        assert key_i is not None and value_i is not None
        value_columns = [(value_i, table.columns[value_i], "")]
    else:
        key_i = None
        value_columns = _value_columns(table, options, keys)
    assert code_i is not None
    rows: Iterable = table.rows
    if progress:
        rows = tqdm(rows, total=table.total, desc="reading", unit=" rows", file=sys.stderr)
    year_column = options.year_column or "year"
    for number, cells in rows:
        cells = cells + [None] * (len(table.columns) - len(cells))
        code = _text(cells[code_i])
        year: int | None = options.year
        row_problem: tuple[str, str] | None = None
        if not code:
            row_problem = (options.code_column, _("no area code"))
        elif len(code) > 40:
            row_problem = (options.code_column, _("the area code is longer than 40 characters"))
        if year_i is not None:
            try:
                year = parse_year(cells[year_i])
            except NotANumber as error:
                row_problem = row_problem or (year_column, str(error))
        quality = Quality.MEASURED.value
        if quality_i is not None and _text(cells[quality_i]):
            word = _text(cells[quality_i]).lower()
            if word in QUALITY_WORDS:
                quality = QUALITY_WORDS[word]
            else:
                row_problem = row_problem or (
                    options.quality_column or "",
                    _("“%(value)s” is no quality (%(choices)s)")
                    % {"value": word[:40], "choices": ", ".join(Quality.values)},
                )
        note = _text(cells[note_i])[:500] if note_i is not None else ""
        for position, (index, column, key) in enumerate(value_columns):
            if key_i is not None:
                key = _text(cells[key_i])[:80]
            if row_problem is not None:
                # a problem of the row (code, year, quality) is listed once, at its first value; its
                # other values are not imported either (an empty problem: not listed)
                listed = row_problem if position == 0 else (column, "")
                yield (number, column, code, key, year, None, quality, note, listed[1], listed[0])
                continue
            try:
                value = parse_number(cells[index], options.decimal)
            except NotANumber as error:
                yield (number, column, code, key, year, None, quality, note, str(error), column)
                continue
            # an empty cell (value None, no problem) is no value: counted, not imported
            yield (number, column, code, key, year, value, quality, note, None, None)


STAGE = (
    "CREATE TEMP TABLE indicator_stage (ord bigserial PRIMARY KEY, row_no int, col text, code text, "
    "key text, year int, value float8, quality text, note text, problem text, problem_col text, "
    "indicator_id bigint, area_id bigint, city_id bigint) ON COMMIT DROP"
)


def _stage(cursor, rows: Iterable[tuple]) -> None:
    # imports of a whole Land take longer than a web request may
    cursor.execute("SET LOCAL statement_timeout = 0")
    cursor.execute("DROP TABLE IF EXISTS pg_temp.indicator_stage")
    cursor.execute(STAGE)
    with cursor.cursor.copy(
        "COPY indicator_stage (row_no, col, code, key, year, value, quality, note, problem, problem_col) "
        "FROM STDIN"
    ) as copy:
        for row in rows:
            copy.write_row(row)
    cursor.execute("ANALYZE pg_temp.indicator_stage")


PROBLEMS = """
    SELECT row_no, col, problem FROM (
        SELECT row_no, %(code_column)s AS col, code_problem AS problem, min(ord) AS o
        FROM indicator_stage WHERE code_problem IS NOT NULL GROUP BY row_no, code_problem
        UNION ALL
        SELECT row_no, problem_col, problem, ord FROM indicator_stage WHERE problem <> ''
    ) listed
"""


def _problems(cursor, code_column: str) -> tuple[list[Problem], int]:
    """The problems of the staged rows (a row's code problem once), in the file's order, the first
    ``LISTED``; and their number. An empty problem is a value not imported for its row's problem."""
    bound = {"code_column": code_column}
    cursor.execute(f"SELECT count(*) FROM ({PROBLEMS}) n", bound)
    count = cursor.fetchone()[0]
    cursor.execute(f"{PROBLEMS} ORDER BY row_no, o LIMIT %(limit)s", {**bound, "limit": LISTED})
    return [Problem(row, column or "", reason) for row, column, reason in cursor.fetchall()], count


def import_rows(
    rows: Iterable[tuple],
    options: ImportOptions,
    *,
    cities: frozenset[int] | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
) -> ImportSummary:
    """Check staged ``rows`` (``stage_rows``) and upsert the valid values, in one transaction.
    ``cities``: the ids of the cities whose areas (the city, its Quartiere) may receive values (None:
    every area). ``dry_run``: check and count, write nothing (the back office's preview). With a
    problem and neither ``skip_invalid`` nor ``dry_run``: ``ImportRejected``, nothing written."""
    level = options.level
    if level is not None and level not in LEVELS:
        raise ImportRejected(_("The level must be one of %(choices)s.") % {"choices": ", ".join(LEVELS)})
    summary = ImportSummary()
    with transaction.atomic(), connection.cursor() as cursor:
        _stage(cursor, rows)
        cursor.execute("DELETE FROM indicator_stage WHERE value IS NULL AND problem IS NULL")
        summary.empty = cursor.rowcount
        cursor.execute(
            load(__file__, "import_check"),
            {
                "level": LEVELS[level].value if level else None,
                "city_level": Level.CITY.value,
                "quartier_level": Level.QUARTIER.value,
                "scoped": cities is not None,
                "cities": sorted(cities or ()),
                "unknown_code": _("no area has the code “%s”") + (_(" at this level") if level else ""),
                "several_levels": _("the code “%s” is used at several levels; choose the level"),
                "unknown_indicator": _("no indicator has the key “%s”"),
                "computed": _("the indicator “%s” is computed from a reference layer, not imported"),
                "code_column": options.code_column,
                "indicator_column": options.indicator_column,
                "duplicate": _("the same area, indicator and year as row %s"),
                "out_of_scope": _("“%s” is not an area of your cities; you may import values only for them"),
            },
        )
        summary.problems, summary.problem_count = _problems(cursor, options.code_column)
        if summary.problem_count and not (skip_invalid or dry_run):
            raise ImportRejected(
                _("%(n)s problem(s) found; nothing was imported.") % {"n": summary.problem_count},
                summary.problems,
                summary.problem_count,
            )
        cursor.execute("SELECT count(*) FROM indicator_stage WHERE problem IS NOT NULL")
        summary.skipped = cursor.fetchone()[0]
        if dry_run:
            cursor.execute(load(__file__, "import_preview"))
            summary.created, summary.updated, summary.unchanged = cursor.fetchone()
            return summary
        cursor.execute(load(__file__, "import_upsert"))
        created, changed = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM indicator_stage WHERE problem IS NULL")
        valid = cursor.fetchone()[0]
    summary.created = created
    summary.updated = changed - created
    summary.unchanged = valid - changed
    summary.written = True
    return summary


def indicator_keys() -> set[str]:
    from indicators.models import Indicator

    return set(Indicator.objects.values_list("key", flat=True))


def import_file(
    path: Path | str,
    options: ImportOptions,
    *,
    cities: frozenset[int] | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
    progress: bool | None = None,
) -> ImportSummary:
    """Read ``path`` and import its values (``import_rows``). Any file problem (unreadable, a column
    that is not there) is an ``ImportRejected`` before anything is staged."""
    table = read_table(path, layer=options.layer)
    rows = stage_rows(
        table,
        options,
        keys=indicator_keys(),
        progress=sys.stderr.isatty() if progress is None else progress,
    )
    return import_rows(rows, options, cities=cities, skip_invalid=skip_invalid, dry_run=dry_run)
