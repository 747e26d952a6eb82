"""geo.validation: geometry from outside → a valid GEOSGeometry in EPSG:25832, or the reason why not.

The Ludwigsburg demo gives the service its extent (the region, buffered by EXTENT_BUFFER_M).
"""

import pytest
from django.contrib.gis.geos import GEOSGeometry

from geo import validation
from geo.fields import GeometryField

SCHLOSS = [9.1956, 48.8997]


def rejected(value, **kwargs) -> str:
    with pytest.raises(validation.GeometryRejected) as raised:
        validation.geometry_from_geojson(value, field="place", **kwargs)
    assert raised.value.field == "place"
    assert str(raised.value).startswith("place: ")
    return raised.value.reason


def test_it_returns_the_geometry_in_25832(demo):
    geom = validation.geometry_from_geojson({"type": "Point", "coordinates": SCHLOSS})

    assert geom.srid == 25832
    expected = GEOSGeometry(f"POINT({SCHLOSS[0]} {SCHLOSS[1]})", srid=4326).transform(25832, clone=True)
    assert geom.distance(expected) < 0.01


def test_it_reads_geojson_text_and_drops_altitude(demo):
    geom = validation.geometry_from_geojson('{"type": "Point", "coordinates": [9.1956, 48.8997, 290.5]}')

    assert not geom.hasz


@pytest.mark.parametrize("srid", [25832, 25833, 3857, 31467, 4258])
def test_it_takes_every_allowed_crs(demo, srid):
    here = GEOSGeometry(f"POINT({SCHLOSS[0]} {SCHLOSS[1]})", srid=4326).transform(srid, clone=True)

    geom = validation.geometry_from_geojson({"type": "Point", "coordinates": list(here.coords)}, srid=srid)

    assert geom.distance(validation.geometry_from_geojson({"type": "Point", "coordinates": SCHLOSS})) < 0.05


def test_it_refuses_a_crs_outside_the_allow_list(demo):
    assert "not supported" in rejected({"type": "Point", "coordinates": SCHLOSS}, srid=2056)


def test_collections_pass_only_when_allowed(demo):
    collection = {
        "type": "GeometryCollection",
        "geometries": [
            {"type": "Point", "coordinates": SCHLOSS},
            {"type": "LineString", "coordinates": [SCHLOSS, [9.2, 48.9]]},
        ],
    }

    assert "not allowed" in rejected(collection)
    assert (
        validation.geometry_from_geojson(collection, allow_collection=True).geom_type == "GeometryCollection"
    )


def test_nested_collections_are_refused(demo):
    nested = {"type": "GeometryCollection", "geometries": [{"type": "GeometryCollection", "geometries": []}]}

    assert "must be one of" in rejected(nested, allow_collection=True)


def test_it_limits_the_types_when_asked(demo):
    line = {"type": "LineString", "coordinates": [SCHLOSS, [9.2, 48.9]]}

    assert "allowed: Point" in rejected(line, types=["Point"])


def test_it_names_the_invalidity_postgis_finds(demo):
    lon, lat = SCHLOSS
    bowtie = [[lon, lat], [lon + 0.01, lat + 0.01], [lon + 0.01, lat], [lon, lat + 0.01], [lon, lat]]

    assert rejected({"type": "Polygon", "coordinates": [bowtie]}).startswith(
        "invalid geometry: Self-intersection["
    )


def test_a_hole_outside_its_shell_is_invalid(demo):
    lon, lat = SCHLOSS
    shell = [[lon, lat], [lon + 0.01, lat], [lon + 0.01, lat + 0.01], [lon, lat + 0.01], [lon, lat]]
    hole = [[lon + 0.02, lat], [lon + 0.03, lat], [lon + 0.03, lat + 0.01], [lon + 0.02, lat]]

    assert "invalid geometry: Hole lies outside shell" in rejected(
        {"type": "Polygon", "coordinates": [shell, hole]}
    )


@pytest.mark.parametrize(
    "value", [True, None, [1, 2], "", "{", '{"type": "Point", "coordinates": [1, Infinity]}']
)
def test_it_refuses_what_is_no_geometry_object(demo, value):
    rejected(value)


def test_a_deeply_nested_array_is_refused_without_recursion(demo):
    deep = "[" * 100_000 + "]" * 100_000

    assert "not valid JSON" in rejected('{"type": "Point", "coordinates": ' + deep + "}")


def test_the_check_of_parsed_geometry_uses_the_same_rules(demo):
    far = GEOSGeometry("POINT(13.4 52.5)", srid=4326)

    with pytest.raises(validation.GeometryRejected, match="outside"):
        validation.geometry_check(far, field="geom")
    assert validation.geometry_check(far, field="geom", check_extent=False).srid == 25832


class TestField:
    def test_it_writes_geojson_in_the_context_crs(self, demo):
        field = GeometryField()
        field.bind("geom", None)
        field._context = {"srid": 25832}
        geom = GEOSGeometry("POINT(513000.123 5415000.456)", srid=25832)

        assert field.to_representation(geom) == {"type": "Point", "coordinates": [513000.123, 5415000.456]}

    def test_it_reads_in_the_context_crs(self, demo):
        field = GeometryField()
        field.bind("geom", None)
        field._context = {"srid": 25832}

        assert field.to_internal_value({"type": "Point", "coordinates": [513000, 5415000]}).coords == (
            513000,
            5415000,
        )
