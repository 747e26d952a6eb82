"""A planner's journeys through the measures' back office (/planung/massnahmen/) in Debian's Chromium,
on a desktop and a phone: a measure drawn as a polygon on the map, three budget lines, published and
then public in the API; a stale edit in two tabs shows the conflict and keeps the input. Every page
passes axe-core (WCAG 2.1 A/AA) and fits 320 CSS px."""

import json
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from geo.permissions import PLANNERS
from measures.models import BudgetLine, Measure
from quartiere.models import Area, Level
from tests.axe import assert_accessible
from tests.browser import DESKTOP, NARROW, PHONE, Watch, scroll_overflow
from tests.fixtures import load_demo_committed, user_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
LIST = "/planung/massnahmen/"


@pytest.fixture
def demo_live(live_server, basemap):
    load_demo_committed()
    user_in("planner", PLANNERS)
    return live_server


def sign_in(watch: Watch, chromium, base: str, screen: dict):
    """Open the list: the login page first, then back to the list."""
    page = watch.open(chromium, base + LIST, screen=screen)
    expect(page).to_have_url(f"{base}/planung/anmelden/?next=/planung/massnahmen/")
    page.get_by_label("Benutzername").fill("planner")
    page.get_by_label("Passwort").fill("pw-for-tests-only")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", name="Maßnahmen", exact=True)).to_be_visible()
    return page


def add_line(page, year: str, amount: str, kind: str, funding: str, note: str) -> None:
    form = page.locator("form.mo-new-line")
    form.get_by_label("Haushaltsjahr").fill(year)
    form.get_by_label("Betrag (EUR)").fill(amount)
    form.get_by_label("Art").select_option(label=kind)
    form.get_by_label("Finanzierungsquelle").select_option(label=funding)
    form.get_by_label("Anmerkung").fill(note)
    form.get_by_role("button", name="Haushaltsposten hinzufügen").click()
    expect(page.locator(".mo-messages")).to_have_text("Der Haushaltsposten wurde hinzugefügt.")


@pytest.mark.parametrize("screen", SCREENS)
def test_a_planner_creates_a_measure_drawn_as_a_polygon_with_three_budget_lines_and_publishes_it(
    demo_live, chromium, screen, tmp_path
):
    base = demo_live.url
    watch = Watch()
    page = sign_in(watch, chromium, base, screen)
    # on a phone the filters are folded away until asked for: the list comes first
    filters = page.locator("#filter-box")
    if screen == PHONE:
        expect(filters).not_to_have_attribute("open", "")
        page.get_by_text("Filtern und sortieren").click()
    expect(filters.get_by_label("Status")).to_be_visible()
    assert_accessible(page)
    assert scroll_overflow(page) == 0

    page.get_by_role("link", name="Neue Maßnahme").click()
    expect(page.get_by_role("heading", name="Neue Maßnahme")).to_be_visible()
    expect(page.locator("#map-status")).to_have_text(
        "Noch kein Ort gezeichnet: Wählen Sie oben links in der Karte ein Werkzeug und zeichnen Sie die "
        "Maßnahme."
    )
    expect(page.locator("#place-scope")).to_be_hidden()  # "a place drawn on the map" is chosen
    page.get_by_label("Titel").fill("Grünes Band Weststadt")
    page.get_by_label("Beschreibung").fill("Ein Grünzug mit Bäumen und Wegen. {{ 6*7 }} <b>fett</b>")
    page.get_by_label("Begründung").fill("Hitzeinsel laut Klimaanalyse")
    page.get_by_label("Schlagwörter").fill("Grün, Hitze")
    page.get_by_label("grün", exact=True).check()
    assert_accessible(page)

    # the polygon: Geoman's area tool, four clicks, the first vertex again to close it
    tool = page.locator(".button-container", has=page.locator(".leaflet-pm-icon-polygon"))
    expect(tool).to_have_attribute("title", "Fläche zeichnen")
    page.locator("#measure-map").scroll_into_view_if_needed()
    page.locator(".leaflet-pm-icon-polygon").click()
    box = page.locator("#measure-map").bounding_box()
    # below the middle: Geoman's action bar (Fertig, Abbrechen) lies across the upper part on a phone
    d = min(box["width"], box["height"]) / 8
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2 + d
    corners = [(cx - d, cy - d), (cx + d, cy - d), (cx + d, cy + d), (cx - d, cy + d)]
    for x, y in corners:
        page.mouse.click(x, y)
    page.mouse.click(*corners[0])
    expect(page.locator("#map-status")).to_have_text(
        "Ein Ort ist in der Karte gezeichnet. Verschieben Sie seine Eckpunkte oder entfernen Sie ihn, "
        "um einen anderen zu zeichnen."
    )
    expect(page.get_by_role("button", name="Gezeichneten Ort entfernen")).to_be_visible()
    drawn = json.loads(page.locator("#id_geom").input_value())
    assert drawn["type"] == "Polygon" and len(drawn["coordinates"][0]) == 5
    page.screenshot(path=str(tmp_path / "measure-drawn.png"), full_page=True)

    page.get_by_role("button", name="Maßnahme anlegen").click()
    expect(page.locator(".mo-messages")).to_have_text(
        "Die Maßnahme wurde angelegt. Jetzt können Sie ihre Haushaltsposten hinzufügen."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Maßnahme „Grünes Band Weststadt“")
    expect(page.get_by_label("Beschreibung")).to_have_value(
        "Ein Grünzug mit Bäumen und Wegen. {{ 6*7 }} <b>fett</b>"
    )
    expect(page.locator("#budget-empty")).to_have_text("Noch keine Haushaltsposten.")
    measure = Measure.objects.get(title="Grünes Band Weststadt")
    assert measure.geom.geom_type == "Polygon" and measure.geom.srid == 25832 and not measure.published
    assert measure.tags == ["Grün", "Hitze"] and measure.dimensions == ["green"]
    city = Area.objects.get(level=Level.CITY, code="08118048")
    assert measure.city == city and measure.area_links.filter(level=Level.QUARTIER).exists()
    # the drawing is shown again, editable, from the stored geometry
    expect(page.locator("#measure-map path.leaflet-interactive").first).to_be_visible()

    add_line(page, "2025", "120000", "Investition", "Fördermittel", "Landesprogramm")
    expect(page.get_by_role("heading", name="Haushaltsjahr 2025: 120.000,00 €")).to_be_visible()
    add_line(page, "2025", "30000,50", "Investition", "Komplementärmittel", "Eigenanteil")
    add_line(page, "2026", "8000", "Unterhaltung", "Eigenmittel", "Pflege")
    expect(page.get_by_role("heading", name="Haushaltsjahr 2025: 150.000,50 €")).to_be_visible()
    expect(page.get_by_role("heading", name="Haushaltsjahr 2026: 8.000,00 €")).to_be_visible()
    expect(page.locator("#budget-total")).to_have_text("158.000,50 €")
    assert sorted(BudgetLine.objects.filter(measure=measure).values_list("amount", flat=True)) == [
        Decimal("8000"),
        Decimal("30000.50"),
        Decimal("120000"),
    ]
    assert_accessible(page)
    assert scroll_overflow(page) == 0

    # publish it, one status step forward; only the allowed statuses are offered
    status = page.locator("#measure-form").get_by_label("Status", exact=True)
    expect(status.locator("option")).to_have_text(["Idee", "geplant", "eingestellt"])
    status.select_option(label="geplant")
    page.get_by_label("Veröffentlicht").check()
    page.get_by_role("button", name="Maßnahme speichern").click()
    expect(page.locator(".mo-messages")).to_have_text("Die Maßnahme wurde gespeichert.")
    expect(page.locator("p.note").first).to_contain_text("Version 2 · Status: geplant · veröffentlicht")
    expect(page.get_by_role("link", name="ihre öffentliche Seite")).to_have_attribute(
        "href", f"/massnahmen/{measure.pk}/"
    )
    measure.refresh_from_db()
    assert measure.published and measure.status == "planned" and measure.version == 2

    # the public sees it: the API without a login
    public = watch.open(chromium, f"{base}/api/measures/{measure.pk}/?format=json", screen=screen)
    data = json.loads(public.locator("body").inner_text())
    assert data["title"] == "Grünes Band Weststadt" and data["status"] == "planned"
    assert data["tags"] == ["Grün", "Hitze"] and data["rationale"] == "Hitzeinsel laut Klimaanalyse"
    assert data["geom"]["type"] == "Polygon"
    # and its public page, as a citizen sees it (planning.transparency)
    public.goto(f"{base}/massnahmen/{measure.pk}/")
    expect(public.get_by_role("heading", level=1)).to_have_text("Grünes Band Weststadt")
    expect(public.locator("#measure-budget")).to_have_text("158.001 €")  # whole euros there

    # back in the list: published, with its budget
    page.get_by_role("link", name="Alle Maßnahmen").click()
    row = page.locator("#measure-table tr", has=page.get_by_role("link", name="Grünes Band Weststadt"))
    expect(row).to_contain_text("geplant")
    expect(row).to_contain_text("ja")
    expect(row).to_contain_text("158.000,50 €")
    page.screenshot(path=str(tmp_path / "measure-list.png"), full_page=True)
    watch.assert_clean()


@pytest.mark.parametrize("screen", SCREENS)
def test_a_stale_edit_in_a_second_tab_shows_the_conflict_and_keeps_the_input(
    demo_live, chromium, screen, tmp_path
):
    base = demo_live.url
    watch = Watch()
    first = sign_in(watch, chromium, base, screen)
    measure = Measure.objects.filter(city__level=Level.CITY).order_by("pk").first()
    url = f"{base}/planung/massnahmen/{measure.pk}/"
    first.goto(url)
    second = first.context.new_page()
    second.goto(url)

    second.get_by_label("Titel").fill("Titel aus Tab zwei")
    second.get_by_role("button", name="Maßnahme speichern").click()
    expect(second.locator(".mo-messages")).to_have_text("Die Maßnahme wurde gespeichert.")

    first.get_by_label("Begründung").fill("Meine Begründung aus Tab eins")
    first.get_by_label("Zuständige Stelle").fill("Grünflächenamt")
    first.get_by_role("button", name="Maßnahme speichern").click()
    conflict = first.get_by_role("alert").filter(has_text="Jemand hat diese Maßnahme geändert")
    expect(conflict).to_be_visible()
    expect(conflict).to_be_focused()
    expect(first.locator("#conflict-fields")).to_have_text("Titel")
    expect(first.get_by_label("Begründung")).to_have_value("Meine Begründung aus Tab eins")
    expect(first.get_by_label("Zuständige Stelle")).to_have_value("Grünflächenamt")
    first.screenshot(path=str(tmp_path / "conflict.png"), full_page=True)
    assert_accessible(first)
    stored = Measure.objects.get(pk=measure.pk)
    assert stored.title == "Titel aus Tab zwei" and stored.responsible_unit != "Grünflächenamt"
    assert stored.version == measure.version + 1
    watch.assert_clean(expected_statuses=(412,))


def test_the_pages_fit_320_px_and_errors_take_the_focus(demo_live, chromium):
    base = demo_live.url
    watch = Watch()
    page = sign_in(watch, chromium, base, NARROW)
    assert scroll_overflow(page) == 0
    page.goto(f"{base}{LIST}?year=zwanzig")
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Jahr")
    assert scroll_overflow(page) == 0
    assert_accessible(page)
    page.goto(f"{base}/planung/massnahmen/neu/")
    assert scroll_overflow(page) == 0
    page.get_by_role("button", name="Maßnahme anlegen").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.get_by_role("link", name="Titel")).to_be_visible()
    assert scroll_overflow(page) == 0
    assert_accessible(page)
    measure = Measure.objects.order_by("pk").first()
    page.goto(f"{base}/planung/massnahmen/{measure.pk}/")
    assert scroll_overflow(page) == 0
    page.goto(f"{base}/planung/massnahmen/{measure.pk}/loeschen/")
    assert scroll_overflow(page) == 0
    assert_accessible(page)
    watch.assert_clean(expected_statuses=(400,))


def test_a_measure_for_a_whole_quartier_can_be_created_by_keyboard_alone(demo_live, chromium):
    """Drawing needs a pointer; declaring the scope does not: a keyboard user creates a measure for a
    whole Quartier with Tab, arrow keys, typing and Enter."""
    base = demo_live.url
    watch = Watch()
    page = sign_in(watch, chromium, base, DESKTOP)
    page.goto(f"{base}/planung/massnahmen/neu/")
    page.get_by_label("Titel").focus()
    page.keyboard.type("Quartiersfonds Oßweil")
    # to the place: the radio group, then the arrow key chooses "a whole area"
    page.get_by_label("ein in der Karte gezeichneter Ort (Punkt, Linie oder Fläche)").focus()
    page.keyboard.press("ArrowDown")
    expect(
        page.get_by_label("ein ganzes Gebiet ohne gezeichneten Ort: die Stadt oder ein Quartier")
    ).to_be_checked()
    expect(page.locator("#place-geometry")).to_be_hidden()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Gebiet", exact=True)).to_be_focused()
    page.get_by_label("Gebiet", exact=True).select_option(label="Oßweil")  # a select takes typed letters too
    submit = page.get_by_role("button", name="Maßnahme anlegen")
    for _ in range(80):  # on through goals, plan, principles, dimensions, dates, status to the button
        page.keyboard.press("Tab")
        if submit.evaluate("b => b === document.activeElement"):
            break
    expect(submit).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".mo-messages")).to_contain_text("Die Maßnahme wurde angelegt.")
    measure = Measure.objects.get(title="Quartiersfonds Oßweil")
    assert measure.geom is None and measure.scope.name == "Oßweil"
    expect(page.get_by_label("Gebiet", exact=True)).to_have_value(str(measure.scope_id))
    watch.assert_clean()
