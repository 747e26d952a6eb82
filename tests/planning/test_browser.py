"""The planning pages in Debian's Chromium (Playwright) against a live server: a planner logs in, draws
a focus area, saves, reloads and sees it; a stale edit shows the conflict message and keeps the
drawing; the profile and the report render their maps and charts with no console error and no request
leaving the loopback interface. Screenshots go to pytest's tmp_path (the README's images are made
from the demo by scripts/screenshots)."""

import base64
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import connections
from playwright.sync_api import expect, sync_playwright

from planning.models import FocusArea
from planning.services import focus_area_create, focus_area_update
from tests.planning.conftest import square

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# a 1×1 light grey PNG, served for every basemap tile
TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGP4DwABAQEAGJ1PxwAAAABJRU5ErkJggg=="
)
LOOPBACK = {"127.0.0.1", "localhost"}  # pytest-django's live server listens on localhost = 127.0.0.1


@pytest.fixture
def chromium(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test stay sync
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # the test's ORM calls while Playwright's event loop ran used connections of that context
        # (asgiref's Local): close them here, or the test database cannot be dropped at the end
        connections.close_all()


class Watch:
    """Requests leaving the loopback interface (aborted), console errors and uncaught exceptions."""

    def __init__(self):
        self.outside: list[str] = []
        self.errors: list[str] = []

    def route(self, route):
        url = urlsplit(route.request.url)
        if url.scheme == "data":
            route.continue_()
        elif url.hostname not in LOOPBACK:
            self.outside.append(route.request.url)
            route.abort()
        elif url.path.startswith("/test-tiles/"):
            route.fulfill(status=200, content_type="image/png", body=TILE)
        else:
            route.continue_()

    def open(self, browser, url: str, **options):
        context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 860}, **options)
        context.route("**/*", self.route)
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", lambda d: d.accept())
        page.goto(url)
        return page

    def assert_clean(self, *, expected_status: int | None = None):
        assert self.outside == []
        # Chromium reports every 4xx answer as a console error; the conflict's 412 is the expected one
        expected = f"status of {expected_status} " if expected_status else None
        assert [e for e in self.errors if not (expected and expected in e)] == []


@pytest.fixture
def basemap(live_server, settings):
    settings.BASEMAP_URL = f"{live_server.url}/test-tiles/{{z}}/{{x}}/{{y}}.png"


def login(page, live_server):
    expect(page.locator("#id_username")).to_be_visible()
    page.fill("#id_username", "planner")
    page.fill("#id_password", "pw-for-tests-only")
    page.click(".login-form button[type=submit]")
    expect(page.locator("#map .leaflet-overlay-pane path").first).to_be_attached()


def test_a_planner_draws_a_focus_area_saves_reloads_and_sees_it(
    tmp_path, live_server, chromium, basemap, grid, planner
):
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/planung/")
    login(page, live_server)
    expect(page.locator("#map .leaflet-overlay-pane path")).to_have_count(3)  # the three Quartiere
    page.click(".leaflet-pm-icon-polygon")
    box = page.locator("#map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    corners = [(-120, -60), (80, -70), (110, 60), (-90, 70)]
    for dx, dy in corners:
        page.mouse.click(cx + dx, cy + dy)
    page.mouse.click(cx + corners[0][0], cy + corners[0][1])  # closes the ring
    expect(page.locator("#fa-form")).to_be_visible()
    page.fill("#fa-name", "Neuer Schwerpunkt")
    page.check("input[name=dimensions][value=green]")
    page.click("#fa-save")
    expect(page.locator("#ws-status")).to_have_text("Gespeichert.")
    focus_area = FocusArea.objects.get()
    assert focus_area.name == "Neuer Schwerpunkt" and focus_area.dimensions == ["green"]
    assert focus_area.geom.srid == 25832 and focus_area.geom.num_coords == 5
    assert focus_area.area_links.filter(level=3).exists()
    page.reload()
    expect(page.locator("#map .leaflet-overlay-pane path")).to_have_count(4)
    page.locator('#map path[stroke-dasharray="6 4"]').click()
    expect(page.locator("#fa-name")).to_have_value("Neuer Schwerpunkt")
    page.screenshot(path=str(tmp_path / "planung.png"))
    watch.assert_clean()


def test_an_edit_with_a_stale_version_shows_the_conflict_and_keeps_the_drawing(
    live_server, chromium, basemap, grid, planner
):
    focus_area = focus_area_create(
        city=grid["C"], name="Alt", geom=square(1200, 200, 1800, 800), dimensions=["just"], published=True
    )
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/planung/")
    login(page, live_server)
    shape = page.locator('#map path[stroke-dasharray="6 4"]')
    expect(shape).to_have_count(1)
    # meanwhile someone else changes it: the version the planner saw is stale now
    focus_area_update(focus_area_id=focus_area.pk, expected_versions=None, name="Von jemand anderem")
    shape.click()
    page.fill("#fa-name", "Meine Änderung")
    page.click("#fa-save")
    expect(page.locator("#ws-conflict")).to_be_visible()
    expect(page.locator("#ws-conflict-text")).to_contain_text("inzwischen geändert")
    # the planner's work is still there: the form, the shape on the map
    expect(page.locator("#fa-name")).to_have_value("Meine Änderung")
    expect(shape).to_have_count(1)
    assert FocusArea.objects.get().name == "Von jemand anderem"
    # loading the current version lets the planner save deliberately over it
    page.click("#ws-reload")
    expect(page.locator("#ws-conflict")).to_be_hidden()
    page.click("#fa-save")
    expect(page.locator("#ws-status")).to_have_text("Gespeichert.")
    assert FocusArea.objects.get().name == "Meine Änderung"
    watch.assert_clean(expected_status=412)


def rendered_chart(page) -> int:
    """Pixels the chart drew (the canvas' size as a data URL grows with what is drawn on it)."""
    return page.locator("#budget-chart").evaluate("canvas => canvas.toDataURL('image/png').length")


def test_the_profile_and_the_report_render_maps_and_charts(live_server, chromium, basemap, db, tmp_path):
    call_command("load_demo", stdout=StringIO())
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/quartiere/mitte/")
    expect(page.locator("#map_quartier .leaflet-overlay-pane path").first).to_be_attached()
    expect(page.locator("#map_quartier .leaflet-tile-loaded").first).to_be_attached()
    assert rendered_chart(page) > 3000
    page.screenshot(path=str(tmp_path / "quartier.png"))
    page = watch.open(chromium, f"{live_server.url}/bericht/")
    for dimension in ("all", "just", "green", "productive"):
        expect(page.locator(f"#map_priority_{dimension} .leaflet-overlay-pane path")).to_have_count(12)
    assert rendered_chart(page) > 3000
    page.screenshot(path=str(tmp_path / "bericht.png"))
    watch.assert_clean()
