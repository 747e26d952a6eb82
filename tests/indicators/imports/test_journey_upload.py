"""A planner's journey in Chromium, on a desktop and a 390 px phone: she signs in, opens the
indicators, uploads a CSV of statistics with one bad row, reads the listed error (row and column),
nothing is written; she uploads the corrected file, reads the preview's counts, imports, and sees the
counts of what was written. The pages pass axe-core and fit 320 px."""

import re

import pytest
from playwright.sync_api import expect

from indicators.models import IndicatorValue
from tests.backoffice_kit import check_page, sign_in
from tests.browser import DESKTOP, PHONE, Watch
from tests.fixtures import user_in
from tests.indicators.imports.conftest import load_places_and_indicators

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BAD = "code;year;hitzetage;versiegelung\n08118048-01;2025;21,5;68,0\n08118048-02;2025;k. A.;49,0\n"
GOOD = BAD.replace("k. A.", "20,0")


@pytest.fixture
def places(transactional_db):
    load_places_and_indicators()
    user_in("planerin", "planners")


@pytest.mark.parametrize("screen", [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")])
def test_a_planner_uploads_statistics_fixes_a_bad_row_and_imports(
    places, live_server, chromium, tmp_path, screen
):
    bad, good = tmp_path / "statistik.csv", tmp_path / "statistik-korrigiert.csv"
    bad.write_text(BAD, encoding="utf-8")
    good.write_text(GOOD, encoding="utf-8")
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/planung/indikatoren/", screen=screen)
    sign_in(page, "planerin")
    expect(page.get_by_role("heading", name="Indikatoren", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Hitzetage (illustrativ)")).to_be_visible()
    if screen is DESKTOP:
        check_page(page)

    page.get_by_role("link", name="Werte hochladen (CSV, XLSX, GeoPackage …)").click()
    expect(page.get_by_role("heading", name="Indikatorwerte hochladen")).to_be_visible()
    page.get_by_label("Datei", exact=True).set_input_files(bad)
    page.get_by_label("Spalte mit den Gebietsschlüsseln").fill("code")
    page.get_by_label("Spalte mit dem Jahr").fill("year")
    page.get_by_role("button", name="Datei prüfen").click()

    problems = page.locator("#import-problems")
    expect(problems).to_contain_text("1 Problem gefunden")
    expect(problems.get_by_role("listitem")).to_have_text(
        ["Zeile 3, Spalte „hitzetage“: „k. A.“ ist keine Zahl"]
    )
    expect(page.get_by_role("button", name="Jetzt importieren")).to_have_count(0)
    assert not IndicatorValue.objects.filter(year=2025).exists()
    if screen is DESKTOP:
        check_page(page)

    # the options are kept; only the file is chosen again
    expect(page.get_by_label("Spalte mit dem Jahr")).to_have_value("year")
    page.get_by_label("Datei", exact=True).set_input_files(good)
    page.get_by_role("button", name="Datei prüfen").click()
    expect(page.locator("#preview-counts")).to_contain_text(
        "Der Import würde 4 Werte anlegen, 0 ändern und 0 unverändert lassen."
    )
    expect(page.locator("#import-problems")).to_have_count(0)
    assert not IndicatorValue.objects.filter(year=2025).exists()
    page.get_by_role("button", name="Jetzt importieren").click()
    expect(page.get_by_role("status")).to_contain_text("4 Werte angelegt, 0 geändert, 0 unverändert.")
    assert IndicatorValue.objects.filter(year=2025).count() == 4
    if screen is DESKTOP:
        check_page(page)
    else:
        expect(page.get_by_role("heading", name="Importiert")).to_be_in_viewport()
    page.get_by_role("status").get_by_role("link", name="Zurück zu den Indikatoren").click()
    expect(page).to_have_url(re.compile(r"/planung/indikatoren/$"))
    expect(page.get_by_role("heading", name="Indikatoren", level=1)).to_be_visible()
    watch.assert_clean(expected_statuses=(400,))
