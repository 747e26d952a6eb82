"""Bad input (issue 3, section 6) → 400 with a message naming the field, and nothing stored.

Every case asserts the rows of measures, budget lines, links and both histories unchanged.
Geometry goes to the grid of tests/measures/conftest.py (near lon 9.0, lat 48.75).
"""

import json
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.test import override_settings

from measures import services
from measures.models import Measure
from tests.fixtures import SRID, X0, Y0, body, geom
from tests.measures.conftest import counts

MEASURES = "/api/measures/"
BUDGET_LINES = "/api/budget-lines/"


def lonlat(x: float, y: float) -> list[float]:
    """The grid point (x, y) m from (X0, Y0) as [lon, lat]."""
    point = Point(X0 + x, Y0 + y, srid=SRID)
    point.transform(4326)
    return [round(point.x, 7), round(point.y, 7)]


def ring(*points: tuple[float, float]) -> list[list[float]]:
    return [lonlat(x, y) for x, y in points]


def rejected(
    client, url: str, payload: Any, field: str, *, method: str = "post", raw: bool = False, **extra
) -> str:
    """Send ``payload`` and expect a 400 naming ``field``, with every count unchanged; the message."""
    before = counts()
    send = getattr(client, method)
    if raw:
        response = send(url, payload, content_type="application/json", **extra)
    else:
        response = send(url, payload, format="json", **extra)
    assert response.status_code == 400, response.content
    errors = body(response)
    assert field in errors, errors
    assert counts() == before
    return " ".join(errors[field])


@pytest.fixture
def new_measure(grid) -> dict:
    """A valid body for POST /api/measures/ but for what a test puts in."""
    return {
        "title": "Bänke am Platz",
        "city": grid["C"].pk,
        "geom": {"type": "Point", "coordinates": lonlat(300, 300)},
    }


def with_geom(new_measure: dict, geometry: Any) -> dict:
    return {**new_measure, "geom": geometry}


def test_a_valid_body_is_accepted(planner_api, new_measure):
    # the control for every case below
    response = planner_api.post(MEASURES, new_measure, format="json")

    assert response.status_code == 201, response.content


def test_it_rejects_a_self_intersecting_polygon(planner_api, new_measure):
    bowtie = ring((0, 0), (500, 500), (500, 0), (0, 500), (0, 0))

    message = rejected(
        planner_api, MEASURES, with_geom(new_measure, {"type": "Polygon", "coordinates": [bowtie]}), "geom"
    )

    assert "Self-intersection" in message


def test_it_rejects_an_unclosed_ring(planner_api, new_measure):
    open_ring = ring((0, 0), (500, 0), (500, 500), (0, 500))

    message = rejected(
        planner_api, MEASURES, with_geom(new_measure, {"type": "Polygon", "coordinates": [open_ring]}), "geom"
    )

    assert "not closed" in message


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "Point", "coordinates": []},
        {"type": "LineString", "coordinates": []},
        {"type": "Polygon", "coordinates": []},
        {"type": "MultiPolygon", "coordinates": []},
    ],
)
def test_it_rejects_empty_geometry(planner_api, new_measure, geometry):
    message = rejected(planner_api, MEASURES, with_geom(new_measure, geometry), "geom")

    assert "empty" in message


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_it_rejects_non_finite_coordinates(planner_api, new_measure, number):
    lon, lat = lonlat(300, 300)
    text = json.dumps(new_measure).replace(json.dumps(lonlat(300, 300)), f"[{lon}, {number}]")
    assert number in text

    message = rejected(planner_api, MEASURES, text, "geom", raw=True)

    assert "finite" in message or "range" in message


def test_it_rejects_nan_in_geojson_text_too(planner_api, new_measure):
    text = '{"type": "Point", "coordinates": [9.0, NaN]}'

    message = rejected(planner_api, MEASURES, with_geom(new_measure, text), "geom")

    assert "NaN" in message


def test_it_rejects_more_than_10000_vertices_by_default(planner_api, new_measure):
    line = [[9.0 + i * 1e-6, 48.75] for i in range(10_001)]

    message = rejected(
        planner_api, MEASURES, with_geom(new_measure, {"type": "LineString", "coordinates": line}), "geom"
    )

    assert "more than 10000 vertices" in message


@override_settings(MAX_GEOMETRY_VERTICES=4)
def test_the_vertex_limit_is_a_setting(planner_api, new_measure):
    square = ring((0, 0), (100, 0), (100, 100), (0, 100), (0, 0))

    message = rejected(
        planner_api, MEASURES, with_geom(new_measure, {"type": "Polygon", "coordinates": [square]}), "geom"
    )

    assert "more than 4 vertices" in message


def test_it_rejects_a_place_outside_the_service_area(planner_api, new_measure):
    berlin = {"type": "Point", "coordinates": [13.4, 52.5]}

    message = rejected(planner_api, MEASURES, with_geom(new_measure, berlin), "geom")

    assert "outside the service's area" in message


def test_it_rejects_a_place_just_beyond_the_buffer(planner_api, new_measure):
    # the region reaches 10 km east of X0; the buffer 10 km more
    beyond = {"type": "Point", "coordinates": lonlat(20_500, 0)}
    inside = {"type": "Point", "coordinates": lonlat(19_500, 0)}

    rejected(planner_api, MEASURES, with_geom(new_measure, beyond), "geom")
    assert planner_api.post(MEASURES, with_geom(new_measure, inside), format="json").status_code == 201


def test_it_rejects_swapped_latitude_and_longitude(planner_api, new_measure):
    lon, lat = lonlat(300, 300)

    message = rejected(
        planner_api, MEASURES, with_geom(new_measure, {"type": "Point", "coordinates": [lat, lon]}), "geom"
    )

    assert "swapped" in message


def test_it_rejects_projected_coordinates_sent_as_lonlat(planner_api, new_measure):
    utm = {"type": "Point", "coordinates": [X0 + 300, Y0 + 300]}

    message = rejected(planner_api, MEASURES, with_geom(new_measure, utm), "geom")

    assert "longitude/latitude" in message


def test_it_rejects_lonlat_sent_as_projected_coordinates(planner_api, new_measure):
    message = rejected(planner_api, f"{MEASURES}?srid=25832", new_measure, "geom")

    assert "EPSG:25832" in message


def test_it_rejects_a_crs_member_that_contradicts_the_request(planner_api, new_measure):
    point = {
        "type": "Point",
        "coordinates": [X0 + 300, Y0 + 300],
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
    }

    message = rejected(planner_api, MEASURES, with_geom(new_measure, point), "geom")

    assert "srid" in message


def test_it_never_parses_a_crs_member_as_text(planner_api, new_measure):
    point = {
        "type": "Point",
        "coordinates": lonlat(300, 300),
        "crs": {"type": "name", "properties": {"name": "/etc/passwd"}},
    }

    message = rejected(planner_api, MEASURES, with_geom(new_measure, point), "geom")

    assert "not understood" in message


def test_it_rejects_an_unknown_srid(planner_api, new_measure):
    rejected(planner_api, f"{MEASURES}?srid=900913", new_measure, "srid")


def test_it_rejects_a_geometry_collection(planner_api, new_measure):
    collection = {
        "type": "GeometryCollection",
        "geometries": [{"type": "Point", "coordinates": lonlat(300, 300)}],
    }

    message = rejected(planner_api, MEASURES, with_geom(new_measure, collection), "geom")

    assert "GeometryCollection is not allowed" in message


@pytest.mark.parametrize(
    ("geometry", "reason"),
    [
        ({"type": "Circle", "coordinates": [9.0, 48.75]}, "unknown geometry type"),
        ({"coordinates": [9.0, 48.75]}, "needs a 'type'"),
        ("POINT(9 48.75)", "not valid JSON"),
        ({"type": "Point", "coordinates": [9.0]}, "2 (or 3) numbers"),
        ({"type": "Point", "coordinates": ["9.0", "48.75"]}, "must be numbers"),
        ({"type": "LineString", "coordinates": [[9.0, 48.75]]}, "at least 2 positions"),
        ({"type": "Feature", "geometry": None}, "not a Feature"),
        (12, "GeoJSON geometry object"),
    ],
)
def test_it_rejects_what_is_no_geojson_geometry(planner_api, new_measure, geometry, reason):
    message = rejected(planner_api, MEASURES, with_geom(new_measure, geometry), "geom")

    assert reason in message


def test_it_rejects_both_geometry_and_scope(planner_api, new_measure, grid):
    payload = {**new_measure, "scope": grid["C"].pk}

    rejected(planner_api, MEASURES, payload, "scope")
    message = rejected(planner_api, MEASURES, payload, "geom")

    assert "nicht beides" in message  # German first: the service's reasons are translated


def test_it_rejects_neither_geometry_nor_scope(planner_api, new_measure):
    payload = {key: value for key, value in new_measure.items() if key != "geom"}

    rejected(planner_api, MEASURES, payload, "scope")
    message = rejected(planner_api, MEASURES, {**payload, "geom": None}, "geom")

    assert "Geometrie oder" in message


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", "finished"),
        ("dimensions", ["blue"]),
        ("principles", ["growth"]),
        ("dimensions", "green"),
        ("published", "perhaps"),
    ],
)
def test_it_rejects_unknown_enum_values(planner_api, new_measure, field, value):
    rejected(planner_api, MEASURES, {**new_measure, field: value}, field)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("city", 10**30),
        ("city", -1),
        ("city", "Ludwigsburg"),
        ("strategic_goals", [10**30]),
        ("master_plan", 2**63),
        ("start_date", "2024-13-01"),
        ("title", ""),
        ("title", "x" * 301),
        ("title", "nul\x00byte"),
    ],
)
def test_it_rejects_malformed_fields(planner_api, new_measure, field, value):
    rejected(planner_api, MEASURES, {**new_measure, field: value}, field)


def test_it_rejects_a_city_that_is_no_city(planner_api, new_measure, grid):
    message = rejected(planner_api, MEASURES, {**new_measure, "city": grid["A"].pk}, "city")

    assert "Ebene Stadt" in message


def test_it_rejects_a_scope_outside_the_city(planner_api, new_measure, grid):
    payload = {**new_measure, "geom": None, "scope": grid["D"].pk}

    message = rejected(planner_api, MEASURES, payload, "scope")

    assert "Quartiere der Stadt" in message


def test_it_rejects_an_end_before_the_start(planner_api, new_measure):
    payload = {**new_measure, "start_date": "2025-01-01", "end_date": "2024-12-31"}

    rejected(planner_api, MEASURES, payload, "end_date")


class TestChanges:
    @pytest.fixture
    def measure(self, grid) -> Measure:
        return services.measure_create(
            city=grid["C"], title="Platz", geom=geom("POINT(300 300)"), status="done"
        )

    def patch(self, client, measure, payload, field, **extra):
        url = f"{MEASURES}{measure.pk}/"
        return rejected(
            client, url, payload, field, method="patch", HTTP_IF_MATCH=f'"measure-{measure.pk}-1"', **extra
        )

    def test_a_bad_geometry_leaves_the_measure_as_it_was(self, planner_api, measure):
        bowtie = ring((0, 0), (500, 500), (500, 0), (0, 500), (0, 0))

        self.patch(planner_api, measure, {"geom": {"type": "Polygon", "coordinates": [bowtie]}}, "geom")

        measure.refresh_from_db()
        assert (measure.version, measure.geom.coords) == (1, (X0 + 300, Y0 + 300))

    def test_a_scope_beside_the_geometry_is_rejected(self, planner_api, measure, grid):
        self.patch(planner_api, measure, {"scope": grid["C"].pk}, "scope")

    def test_a_finished_measure_cannot_move_on(self, planner_api, measure):
        message = self.patch(planner_api, measure, {"status": "in_progress"}, "status")

        assert "done" in message


class TestBudgetLines:
    @pytest.fixture
    def line(self, grid) -> dict:
        measure = services.measure_create(city=grid["C"], title="Platz", geom=geom("POINT(300 300)"))
        return {"measure": measure.pk, "fiscal_year": 2024, "amount": "1000.00", "kind": "investment"}

    def test_a_valid_line_is_accepted(self, planner_api, line):
        assert planner_api.post(BUDGET_LINES, line, format="json").status_code == 201

    @pytest.mark.parametrize("amount", ["-0.01", "-1000", -5])
    def test_it_rejects_a_negative_amount(self, planner_api, line, amount):
        message = rejected(planner_api, BUDGET_LINES, {**line, "amount": amount}, "amount")

        assert "0" in message

    @pytest.mark.parametrize("amount", ["1e15", "12.345", "abc", ""])
    def test_it_rejects_an_amount_that_is_no_sum_of_money(self, planner_api, line, amount):
        rejected(planner_api, BUDGET_LINES, {**line, "amount": amount}, "amount")

    @pytest.mark.parametrize("number", ["NaN", "Infinity"])
    def test_it_rejects_a_non_finite_amount(self, planner_api, line, number):
        text = json.dumps({**line, "amount": 0}).replace('"amount": 0', f'"amount": {number}')

        rejected(planner_api, BUDGET_LINES, text, "amount", raw=True)

    @pytest.mark.parametrize("year", [1999, 2101, -2024, 10**12, "zwanzig"])
    def test_it_rejects_a_fiscal_year_out_of_range(self, planner_api, line, year):
        rejected(planner_api, BUDGET_LINES, {**line, "fiscal_year": year}, "fiscal_year")

    @pytest.mark.parametrize(
        ("field", "value"), [("kind", "bribe"), ("funding", "lottery"), ("status", "lost"), ("kind", None)]
    )
    def test_it_rejects_unknown_enum_values(self, planner_api, line, field, value):
        rejected(planner_api, BUDGET_LINES, {**line, field: value}, field)

    @pytest.mark.parametrize("measure", [10**9, 10**30, None, "eins"])
    def test_it_rejects_a_measure_that_does_not_exist(self, planner_api, line, measure):
        rejected(planner_api, BUDGET_LINES, {**line, "measure": measure}, "measure")

    def test_a_bad_change_leaves_the_line_as_it_was(self, planner_api, line):
        created = body(planner_api.post(BUDGET_LINES, line, format="json"))
        url = f"{BUDGET_LINES}{created['id']}/"

        rejected(
            planner_api,
            url,
            {"amount": "-1"},
            "amount",
            method="patch",
            HTTP_IF_MATCH=f'"budget-line-{created["id"]}-1"',
        )

        assert body(planner_api.get(url))["amount"] == "1000.00"
