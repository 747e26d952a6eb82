"""The downloads ``vergleich.csv`` and ``vergleich.xlsx``: the hand-computed figures of conftest.py,
numbers as numbers with number formats in the workbook, and text that looks like a formula kept as
text in both."""

import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from geo.permissions import PLANNERS
from scenarios.models import Scenario
from tests.fixtures import user_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(known) -> Client:
    client = Client()
    client.force_login(user_in("planer", PLANNERS))
    return client


def download(client, known, fmt: str, query: str = ""):
    response = client.get(f"/planung/szenarien/{known['S'].pk}/vergleich.{fmt}{query}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="vergleich.{fmt}"'
    return response


def test_the_csv_has_every_figure_one_per_row(client, known):
    response = download(client, known, "csv", f"?mit={known['T'].pk}")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    s, t = str(known["S"].pk), str(known["T"].pk)

    def value(table, key, variant, figure):
        (found,) = [
            r["value"]
            for r in rows
            if (r["table"], r["key"], r["variant_id"], r["figure"]) == (table, key, variant, figure)
        ]
        return found

    assert value("year", "2024", "0", "amount_eur") == "130000.00"
    assert value("year", "2024", s, "amount_eur") == "250000.00"
    assert value("year", "2024", t, "difference_eur") == "500000.00"
    assert value("year", "2023", s, "difference_eur") == "-50000.00"
    assert value("funding", "grant", s, "amount_eur") == "330000.00"
    assert value("dimension", "just", s, "amount_eur") == "270000.00"
    assert value("quartier", str(known["B"].pk), s, "amount_eur") == "245000.00"
    assert value("quartier", "outside", "0", "amount_eur") == "20000.00"
    assert float(value("goal3", "", s, "maintenance_share")) == pytest.approx(80 / 420)
    assert float(value("goal3", "", "0", "grant_complementary_share")) == pytest.approx(0.3)
    statuses = {
        (r["label"], r["dimension"], r["value"])
        for r in rows
        if r["table"] == "gaps" and r["variant_id"] == s and r["figure"] == "status"
    }
    assert ("Beta", "all", "closes") in statuses and ("Alpha", "just", "opens") in statuses
    changes = [(r["label"], r["value"]) for r in rows if r["table"] == "changes" and r["figure"] == "change"]
    assert changes == [
        ("P1", "new"),
        ("M3", "dropped"),
        ("M4", "postponed"),
        ("M1", "budget"),
        ("M2", "budget"),
    ]


def test_the_workbook_has_a_sheet_per_table_with_numbers(client, known):
    response = download(client, known, "xlsx", f"?mit={known['T'].pk}")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Jahre",
        "Dimensionen",
        "Finanzierung",
        "Quartiere",
        "Ziel 3",
        "Index",
        "Lücken",
        "Änderungen",
    ]
    years = book["Jahre"]
    header = [c.value for c in years[1]]
    assert header == [
        "Haushaltsjahr",
        "Basis (veröffentlicht)",
        "Szenario S",
        "Szenario T",
        "Differenz: Szenario S",
        "Differenz: Szenario T",
    ]
    row_2024 = list(years[3])
    assert [c.value for c in row_2024] == ["2024", 130000, 250000, 630000, 120000, 500000]
    assert row_2024[0].data_type == "s"
    assert all(c.data_type == "n" and "€" in c.number_format for c in row_2024[1:])
    goal = book["Ziel 3"]
    s_row = list(goal[3])
    assert s_row[0].value == "Szenario S"
    assert s_row[2].value == pytest.approx(80 / 420) and s_row[2].number_format == "0.0%"
    gaps = [[c.value for c in row] for row in book["Lücken"].iter_rows(min_row=2)]
    assert ["Szenario S", "Beta", "gesamt", "schließt sich", 0.7045, 0.1048] in gaps


def test_text_like_a_formula_stays_text(client, known):
    Scenario.objects.filter(pk=known["S"].pk).update(name='=HYPERLINK("http://example.org","x")')
    known["P1"].title = "+SUM(1,2)\x07"
    known["P1"].save()
    rows = list(csv.reader(io.StringIO(download(client, known, "csv").content.decode())))
    assert list({r[5] for r in rows[1:] if r[4] == str(known["S"].pk)}) == [
        '\'=HYPERLINK("http://example.org","x")'
    ]
    book = load_workbook(io.BytesIO(download(client, known, "xlsx").content))
    name_cell = book["Jahre"]["C1"]
    assert name_cell.value == '\'=HYPERLINK("http://example.org","x")' and name_cell.data_type == "s"
    title_cell = book["Änderungen"]["A2"]
    assert title_cell.value == "'+SUM(1,2)" and title_cell.data_type == "s"  # and no control character
