"""The address search on the maps of the formats where a person places something — a survey's place
question, a participatory-budget proposal, an event's place in the back office: type an address,
choose it with the arrow keys and Enter, and the form's coordinates are that address's point (the
journey on /karte/ is tests/participation/test_journey_place_search.py)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.utils import timezone
from playwright.sync_api import expect

from budgeting.models import Budget
from geo.permissions import PLANNERS
from participation.models import Consultation
from quartiere.models import Address, Area
from surveys.demo import SLUG as SURVEY
from tests.backoffice_kit import sign_in
from tests.browser import DESKTOP, Watch
from tests.fixtures import load_demo_committed, user_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_live(live_server, basemap):
    caches["participation"].clear()  # the throttles' counters survive a transactional test
    load_demo_committed()
    user_in("planner", PLANNERS)
    city = Area.objects.get(code="08118048")
    now = timezone.now()
    consultation = Consultation.objects.create(
        title="Bürgerhaushalt Test",
        slug="bh-test",
        city=city,
        area=city,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
        pins=False,
    )
    Budget.objects.create(consultation=consultation, city=city, total=Decimal("100000"), fiscal_year=2027)
    return live_server


def lon_lat(street: str, number: str) -> tuple[float, float]:
    point = Address.objects.get(street=street, number=number).point.transform(4326, clone=True)
    return point.x, point.y


def choose(page, query: str) -> None:
    search = page.get_by_role("combobox", name="Adresse oder Ort suchen").first
    search.focus()
    page.keyboard.type(query)
    listbox = page.get_by_role("listbox", name="Gefundene Orte").first
    expect(listbox.get_by_role("option").first).to_contain_text("Schloßstraße 3")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")


@pytest.mark.parametrize(
    ("path", "lon_field", "lat_field", "planner"),
    [
        pytest.param(f"/beteiligung/{SURVEY}/umfrage/", "[id$='_lon']", "[id$='_lat']", False, id="survey"),
        pytest.param(
            "/beteiligung/bh-test/buergerhaushalt/vorschlagen/", "#f-lon", "#f-lat", False, id="budget"
        ),
        pytest.param("/planung/veranstaltungen/neu/", "#id_lon", "#id_lat", True, id="event"),
    ],
)
def test_the_chosen_address_is_the_place_of_the_form(
    demo_live, chromium, path, lon_field, lat_field, planner
):
    watch = Watch()
    page = watch.open(chromium, f"{demo_live.url}{path}", screen=DESKTOP)
    if planner:
        sign_in(page, "planner")
    choose(page, "Schloßstr. 3")
    lon, lat = lon_lat("Schloßstraße", "3")
    expect(page.locator(lon_field).first).not_to_have_value("")
    assert float(page.locator(lon_field).first.input_value()) == pytest.approx(lon, abs=2e-6)
    assert float(page.locator(lat_field).first.input_value()) == pytest.approx(lat, abs=2e-6)
    watch.assert_clean()
