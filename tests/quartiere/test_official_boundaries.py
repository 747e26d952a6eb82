"""The demo on official boundaries (BKG VG250-EW, fixtures/region-stuttgart): the region VRS, its 179
municipalities as cities, the illustrative Quartiere of Ludwigsburg and Kornwestheim partitioning the
official outlines, and points located in the right municipality."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from quartiere.management.commands.load_demo import REGION
from quartiere.models import Area, Level
from quartiere.services import ImportRejected, area_import_file
from tests.conftest import sql_value

GEMEINDEN = REGION / "region_stuttgart_gemeinden.geojson"


def locate(api, lon: float, lat: float) -> dict[str, dict]:
    response = api.get("/api/locate/", {"lon": lon, "lat": lat})
    assert response.status_code == 200, response.content
    return {a["level"]: a for a in json.loads(response.content)["areas"]}


def test_the_region_holds_all_179_municipalities_as_cities(demo):
    region = demo["VRS"]
    cities = Area.objects.filter(level=Level.CITY)

    assert (region.level, region.name, region.population) == (
        Level.REGION,
        "Verband Region Stuttgart",
        2829148,
    )
    assert cities.count() == 179
    assert set(cities.values_list("parent", flat=True)) == {region.id}
    assert sum(cities.values_list("population", flat=True)) == 2829148
    assert (demo["08111000"].name, demo["08111000"].population) == ("Stuttgart", 633484)


def test_multi_part_municipalities_keep_all_their_parts(demo):
    parts = sql_value(
        "SELECT ST_NumGeometries(geom) FROM quartiere_area WHERE level = 2 AND code = '08118049'"
    )
    multi = sql_value("SELECT count(*) FROM quartiere_area WHERE level = 2 AND ST_NumGeometries(geom) > 1")

    assert parts == 4  # Marbach am Neckar
    assert multi == 22  # as many as the file has


def test_two_municipalities_of_one_name_get_distinct_slugs(demo):
    altdorf = dict(Area.objects.filter(level=Level.CITY, name="Altdorf").values_list("code", "slug"))

    assert altdorf == {"08115002": "altdorf-08115002", "08116005": "altdorf-08116005"}


def test_a_second_import_changes_nothing_and_check_areas_is_clean(demo):
    before = dict(Area.objects.values_list("code", "updated_at"))

    summary = area_import_file(
        GEMEINDEN,
        level=Level.CITY,
        code_field="ags",
        name_field="name",
        population_field="pop",
        progress=False,
    )
    out = StringIO()
    call_command("check_areas", "--tolerance", "0", stdout=out)

    assert (summary.created, summary.updated, summary.unchanged, summary.rejected) == (0, 0, 179, 0)
    assert dict(Area.objects.values_list("code", "updated_at")) == before
    assert "all children lie within their parents" in out.getvalue()


def test_a_code_names_the_one_feature_of_a_file_without_a_code_field(demo):
    with pytest.raises(ImportRejected, match="names one feature"):
        area_import_file(GEMEINDEN, level=Level.REGION, code_field=None, code="VRS", name_field="name")
    with pytest.raises(ImportRejected, match="either a code field"):
        area_import_file(GEMEINDEN, level=Level.CITY, code_field="ags", code="X", name_field="name")


@pytest.mark.parametrize(
    ("lon", "lat", "city", "quartier"),
    [
        (9.1794, 48.7784, ("08111000", "Stuttgart"), None),  # Schlossplatz
        (9.1956, 48.8997, ("08118048", "Ludwigsburg"), ("08118048-01", "Mitte")),  # Residenzschloss
        (9.2596, 48.9394, ("08118049", "Marbach am Neckar"), None),  # town centre
        (9.1845, 48.8615, ("08118046", "Kornwestheim"), ("08118046-01", "Mitte")),
    ],
)
def test_locate_finds_the_municipality_of_known_places(api, demo, lon, lat, city, quartier):
    areas = locate(api, lon, lat)

    assert areas["region"]["code"] == "VRS"
    assert (areas["city"]["code"], areas["city"]["name"]) == city
    found = (areas["quartier"]["code"], areas["quartier"]["name"]) if "quartier" in areas else None
    assert found == quartier


@pytest.mark.parametrize(("ags", "count", "population"), [("08118048", 12, 94859), ("08118046", 4, 34177)])
def test_the_illustrative_quartiere_tile_the_official_outline(demo, ags, count, population):
    city = demo[ags]
    quartiere = Area.objects.filter(level=Level.QUARTIER, parent=city)
    # as PostGIS sees them, in EPSG:25832
    gap_or_overlap_m2 = sql_value(
        "SELECT ST_Area(ST_SymDifference(c.geom, (SELECT ST_Union(q.geom) FROM quartiere_area AS q "
        "WHERE q.parent_id = c.id))) FROM quartiere_area AS c WHERE c.id = %s",
        [city.id],
    )
    overlap_m2 = sql_value(
        "SELECT coalesce(sum(ST_Area(ST_Intersection(a.geom, b.geom))), 0) FROM quartiere_area AS a "
        "JOIN quartiere_area AS b ON a.parent_id = b.parent_id AND a.id < b.id "
        "AND ST_Intersects(a.geom, b.geom) WHERE a.parent_id = %s",
        [city.id],
    )

    assert quartiere.count() == count
    assert sum(quartiere.values_list("population", flat=True)) == population == city.population
    assert gap_or_overlap_m2 < 1e-3  # m²: the same vertices, transformed alike
    assert overlap_m2 < 1e-3


def test_both_cities_have_a_mitte(demo):
    mitten = Area.objects.filter(level=Level.QUARTIER, slug="mitte")

    assert sorted(mitten.values_list("parent__code", flat=True)) == ["08118046", "08118048"]
