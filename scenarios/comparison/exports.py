"""The comparison as downloads: ``vergleich.csv`` (one row per figure — table, row, variant, figure,
value — UTF-8, comma, numbers with a dot) and ``vergleich.xlsx`` (openpyxl: a sheet per table, numbers
as numbers with number formats).

Names of scenarios, measures and Quartiere are text people wrote: in the CSV a value starting like a
formula (= + - @) gets a leading apostrophe, as planning.exports does; in the XLSX such text is written
the same way and as a string cell, never a formula.
"""

import csv
import io
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from scenarios.comparison.labels import change_labels
from scenarios.comparison.selectors import Change, Comparison, Row

CSV_COLUMNS = ["table", "key", "label", "dimension", "variant_id", "variant", "figure", "value"]
EUR = '#,##0.00 "€"'
SHARE = "0.0%"
INDEX = "0.000"
MEASURES = "0.00"


def _text(value: str) -> str:
    # a spreadsheet would run a cell starting like a formula
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _figures(c: Comparison, changes: list[Change]) -> list[list[Any]]:
    """The comparison as rows of CSV_COLUMNS; text people wrote (names, titles) already guarded, None
    for a missing value (the CSV writes it empty)."""
    out: list[list[Any]] = []
    variants = [(v.id, _text(v.name)) for v in c.variants]

    def amounts(table: str, rows: list[Row]) -> None:
        for row in rows:
            label = _text(row.label)
            for i, (vid, vname) in enumerate(variants):
                out.append([table, row.key, label, "", vid, vname, "amount_eur", row.amounts[i]])
                if i:
                    out.append([table, row.key, label, "", vid, vname, "difference_eur", row.differences[i]])

    amounts("year", c.years)
    amounts("dimension", c.dimensions)
    amounts("funding", c.funding)
    amounts("quartier", c.quartiere)
    for g, (vid, vname) in zip(c.goal3, variants, strict=True):
        for figure, value in (
            ("total_eur", g.total),
            ("maintenance_eur", g.maintenance),
            ("grant_eur", g.grant),
            ("complementary_eur", g.complementary),
            ("maintenance_share", g.maintenance_share),
            ("grant_share", g.grant_share),
            ("complementary_share", g.complementary_share),
            ("grant_complementary_share", g.grant_complementary_share),
            ("budget_year_total_eur", g.year_total),
            ("budget_year_maintenance_share", g.year_maintenance_share),
            ("budget_year_grant_complementary_share", g.year_grant_complementary_share),
        ):
            out.append(["goal3", "", "", "", vid, vname, figure, value])
    for row in c.index:
        head = ["index", row.quartier_id, _text(row.quartier), row.dimension]
        for cell, (vid, vname) in zip(row.cells, variants, strict=True):
            out += [
                [*head, vid, vname, "measures", cell.measures],
                [*head, vid, vname, "budget_eur", cell.budget],
                [*head, vid, vname, "coverage", cell.coverage],
                [*head, vid, vname, "score", cell.score],
                [*head, vid, vname, "rank", cell.rank],
                [*head, vid, vname, "gap", "true" if cell.gap else "false"],
            ]
    for vid, vname in variants[1:]:
        for gap in c.gaps[vid]:
            base = ["gaps", gap.quartier_id, _text(gap.quartier), gap.dimension, vid, vname]
            out.append([*base, "status", gap.status])
            out.append([*base, "gap_size_before", gap.before])
            out.append([*base, "gap_size_after", gap.after])
    vid, vname = variants[1]
    for change in changes:
        base = ["changes", change.id, _text(change.title), ",".join(change.dimensions), vid, vname]
        out.append([*base, "change", change.change])
        if change.years is not None:
            out.append([*base, "years_postponed", change.years])
    return out


def comparison_csv(c: Comparison, changes: list[Change], names: dict[str, Any]) -> str:
    """The comparison as CSV, one row per figure (columns ``CSV_COLUMNS``); amounts in EUR, shares
    0…1; ``difference_eur`` is the scenario's amount minus the baseline's."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(_figures(c, changes))
    return out.getvalue()


class _Sheet:
    """One worksheet: a header row in bold, values typed (numbers stay numbers)."""

    def __init__(self, book: Workbook, title: str, header: list[str]) -> None:
        self.ws = book.create_sheet(title=title[:31])
        self.ws.append([self._string(h) for h in header])
        for cell in self.ws[1]:
            cell.font = Font(bold=True)
            cell.data_type = "s"
        self.widths = [max(10, len(h) + 2) for h in header]

    @staticmethod
    def _string(text: str) -> str:
        return ILLEGAL_CHARACTERS_RE.sub("", _text(str(text)))

    def row(self, values: list[tuple[Any, str | None]]) -> None:
        """``values``: (value, number format or None for text)."""
        r = self.ws.max_row + 1
        for col, (value, fmt) in enumerate(values, start=1):
            cell = self.ws.cell(row=r, column=col)
            if value is None:
                continue
            if fmt is None or isinstance(value, str):
                cell.value = self._string(str(value))
                cell.data_type = "s"  # text is never a formula
                self.widths[col - 1] = min(60, max(self.widths[col - 1], len(str(value)) + 2))
            else:
                cell.value = float(value) if isinstance(value, Decimal) else value
                cell.number_format = fmt

    def finish(self) -> None:
        for i, width in enumerate(self.widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = width
        self.ws.freeze_panes = "B2"


def comparison_xlsx(c: Comparison, changes: list[Change], names: dict[str, Any]) -> bytes:
    """The comparison as an XLSX workbook: sheets Years, Dimensions, Funding, Quartiere (amounts per
    variant and differences, EUR), Goal 3 (shares), Index (per Quartier and dimension), Gaps, Changes."""
    book = Workbook()
    book.remove(book.active)
    variants = c.variants
    scenarios = c.scenarios

    def amount_sheet(title: str, first: str, rows: list[Row]) -> None:
        header = [
            first,
            *[v.name for v in variants],
            *[_("Difference: %(name)s") % {"name": v.name} for v in scenarios],
        ]
        sheet = _Sheet(book, title, header)
        for row in rows:
            sheet.row(
                [
                    (row.label, None),
                    *[(a, EUR) for a in row.amounts],
                    *[(d, EUR) for d in row.differences[1:]],
                ]
            )
        sheet.finish()

    amount_sheet(_("Years"), _("Fiscal year"), c.years)
    amount_sheet(_("Dimensions"), _("Dimension"), c.dimensions)
    amount_sheet(_("Funding"), _("Funding source"), c.funding)
    amount_sheet(_("Quartiere"), _("Quartier"), c.quartiere)

    goal = _Sheet(
        book,
        _("Goal 3"),
        [
            _("Variant"),
            _("Total (EUR)"),
            _("Maintenance"),
            _("Grants"),
            _("Complementary funds"),
            _("Grants and complementary funds"),
            _("Budget year (EUR)"),
            _("Maintenance in the budget year"),
            _("Grants and complementary funds in the budget year"),
        ],
    )
    for g in c.goal3:
        goal.row(
            [
                (g.variant.name, None),
                (g.total, EUR),
                (g.maintenance_share, SHARE),
                (g.grant_share, SHARE),
                (g.complementary_share, SHARE),
                (g.grant_complementary_share, SHARE),
                (g.year_total, EUR),
                (g.year_maintenance_share, SHARE),
                (g.year_grant_complementary_share, SHARE),
            ]
        )
    goal.finish()

    header = [_("Quartier"), _("Dimension"), _("Coverage by focus areas")]
    for v in variants:
        header += [
            _("%(name)s: measures") % {"name": v.name},
            _("%(name)s: budget (EUR)") % {"name": v.name},
            _("%(name)s: score") % {"name": v.name},
            _("%(name)s: rank") % {"name": v.name},
            _("%(name)s: gap") % {"name": v.name},
        ]
    index = _Sheet(book, _("Index"), header)
    for row in c.index:
        values: list[tuple[Any, str | None]] = [
            (row.quartier, None),
            (names["dimension"].get(row.dimension, row.dimension), None),
            (row.cells[0].coverage, SHARE),
        ]
        for cell in row.cells:
            values += [
                (cell.measures, MEASURES),
                (cell.budget, EUR),
                (cell.score, INDEX),
                (cell.rank, "0"),
                (_("yes") if cell.gap else _("no"), None),
            ]
        index.row(values)
    index.finish()

    gaps = _Sheet(
        book,
        _("Gaps"),
        [_("Scenario"), _("Quartier"), _("Dimension"), _("Gap"), _("Size before"), _("Size after")],
    )
    for v in scenarios:
        for gap in c.gaps[v.id]:
            gaps.row(
                [
                    (v.name, None),
                    (gap.quartier, None),
                    (names["dimension"].get(gap.dimension, gap.dimension), None),
                    (names["gap"][gap.status], None),
                    (gap.before, INDEX),
                    (gap.after, INDEX),
                ]
            )
    gaps.finish()

    change_sheet = _Sheet(book, _("Changes"), [_("Measure"), _("Kind of change"), _("Years postponed")])
    change_names = change_labels()
    for change in changes:
        change_sheet.row([(change.title, None), (change_names[change.change], None), (change.years, "0")])
    change_sheet.finish()

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
