"""The ``development_plans`` layer, declared once in plans/layers.py, served by all three map
services: OGC API – Features lists every plan, a vector tile over a plan holds it with its public
attributes (the WMS: test_layer_wms.py)."""

import json
import math
from io import StringIO

import mapbox_vector_tile
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.test import Client

from plans.models import DevelopmentPlan
from tests.fixtures import X0, Y0
from tests.plans.conftest import C_AGS
from tests.plans.xplan_files import Plan, rect, write


def import_plans(tmp_path) -> None:
    path = write(
        tmp_path / "plans.gml",
        Plan(number="1", name="Nord <b>fett</b>", polygons=[rect(100, 100, 900, 900)], ags=C_AGS),
        Plan(kind="FP", number="F1", status="2000", polygons=[rect(1100, 100, 1900, 900)], ags=C_AGS),
    )
    call_command("import_xplan", str(path), stdout=StringIO())


def tile_xy(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    return int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)


def test_ogc_api_lists_every_plan_with_its_attributes(grid, tmp_path):
    import_plans(tmp_path)
    response = Client().get("/ogc/collections/development_plans/items?f=json&limit=100")
    assert response.status_code == 200
    collection = json.loads(response.content)
    assert len(collection["features"]) == DevelopmentPlan.objects.count() == 2
    by_number = {f["properties"]["number"]: f for f in collection["features"]}
    assert by_number["1"]["properties"]["name"] == "Nord <b>fett</b>"
    assert by_number["1"]["properties"]["legal_status"] == "In Kraft getreten"
    assert by_number["F1"]["properties"]["kind"] == "FP"
    assert by_number["F1"]["properties"]["municipalities"] == C_AGS  # a joint plan's: "08…,08…"
    assert by_number["F1"]["geometry"]["type"] == "MultiPolygon"
    lon, lat = by_number["1"]["geometry"]["coordinates"][0][0][0]
    assert 8.9 < lon < 9.1 and 48.6 < lat < 48.9  # GeoJSON in EPSG:4326, lon/lat


def test_a_vector_tile_over_a_plan_holds_it(grid, tmp_path):
    import_plans(tmp_path)
    centre = Point(X0 + 500, Y0 + 500, srid=25832).transform(4326, clone=True)
    x, y = tile_xy(centre.x, centre.y, 15)
    response = Client().get(f"/tiles/development_plans/15/{x}/{y}.mvt")
    assert response.status_code == 200
    tile = mapbox_vector_tile.decode(response.content)
    numbers = {f["properties"]["number"] for f in tile["development_plans"]["features"]}
    assert "1" in numbers


def test_the_profile_lists_the_plans_touching_the_quartier_escaped(grid, tmp_path):
    import_plans(tmp_path)
    html = Client().get(f"/quartiere/{grid['A'].slug}/").content.decode()
    assert "Nord &lt;b&gt;fett&lt;/b&gt;" in html and "<b>fett</b>" not in html
    assert "F1" not in html  # the FP plan lies in Beta only
    beta = Client().get(f"/quartiere/{grid['B'].slug}/").content.decode()
    assert "F1" in beta and "Nord &lt;b&gt;" not in beta
