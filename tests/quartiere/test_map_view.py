"""Where the maps start: the city's extent and centre, computed in PostGIS in EPSG:4326
(``area_extent``) and given to the pages' scripts as configuration — no script knows a place."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from quartiere.models import Area, Level
from quartiere.selectors import area_extent
from tests.fixtures import feature, import_areas, import_region, page_config, square

pytestmark = pytest.mark.django_db

STATIC = Path(settings.BASE_DIR) / "static"
SCRIPTS = [*STATIC.glob("js/*.js"), *STATIC.glob("participation/*.js"), *STATIC.glob("planning/*.js")]


@pytest.fixture
def city() -> Area:
    """A city 2 km × 1 km (EPSG:25832) near Stuttgart, in its region."""
    import_region()
    import_areas(Level.CITY, feature("C", "Stadt", square(0, 0, 2000, 1000)))
    return Area.objects.get(code="C")


def test_it_gives_the_bounds_of_the_geometry_in_wgs84_latitude_first(city):
    west, south, east, north = square(0, 0, 2000, 1000).transform(4326, clone=True).extent

    extent = area_extent(area_id=city.pk)

    (s, w), (n, e) = extent["bounds"]
    assert (s, w, n, e) == pytest.approx((south, west, north, east), abs=1e-7)
    assert 48.7 < s < n < 48.8 and 8.9 < w < e < 9.1  # near Stuttgart: latitude first, not lon/lat
    assert extent["centre"] == pytest.approx([(s + n) / 2, (w + e) / 2], abs=1e-7)


def test_it_is_none_for_an_area_that_does_not_exist(db):
    assert area_extent(area_id=987654321) is None


def test_the_overview_map_starts_from_the_first_citys_extent(client, city):
    config = page_config(client.get("/").content.decode(), "map-config")

    assert config["view"] == area_extent(area_id=city.pk)


def test_without_a_city_the_overview_map_starts_from_the_whole_world(client, db):
    config = page_config(client.get("/").content.decode(), "map-config")

    assert config["view"] is None


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_no_script_sets_a_map_to_a_place_of_its_own(script):
    text = script.read_text()

    assert not re.search(r"setView\(\s*\[\s*-?\d", text), "a centre written into the script"
    assert not re.search(r"\b(48|9)\.\d{3,}", text), "a coordinate written into the script"
