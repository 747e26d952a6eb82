"""/api/focus-areas/: create, read, change, delete with If-Match; links with overlap shares; audit;
bad input → 400 with the reason and nothing stored."""

import pytest

from planning.models import FocusArea, FocusAreaArea
from planning.services import focus_area_create, focus_area_update
from quartiere.models import Level
from tests.fixtures import body, square, utm_json
from tests.planning.conftest import counts

pytestmark = pytest.mark.django_db

URL = "/api/focus-areas/"


def payload(grid, **fields):
    values = {
        "city": grid["C"].pk,
        "name": "Bahnhofsumfeld",
        "rationale": "viele Beiträge",
        "priority": "high",
        "dimensions": ["green", "just", "green"],
        "time_horizon": "short",
        "published": True,
        "geom": utm_json(square(500, 0, 1500, 1000)[0]),  # a Polygon, half in A, half in B
    }
    values.update(fields)
    return values


def create(planner_api, grid, **fields):
    response = planner_api.post(f"{URL}?srid=25832", payload(grid, **fields), format="json")
    assert response.status_code == 201, response.content
    return response


def test_a_planner_creates_a_focus_area_linked_with_overlap_shares(planner_api, grid):
    response = create(planner_api, grid)
    data = body(response)
    assert response["ETag"] == f'"focus-area-{data["id"]}-1"'
    assert data["dimensions"] == ["green", "just"]
    shares = {link["name"]: link["share"] for link in data["areas"]}
    assert shares["Alpha"] == pytest.approx(0.5)
    assert shares["Beta"] == pytest.approx(0.5)
    assert shares["Teststadt"] == pytest.approx(1.0)
    assert shares["Region"] == pytest.approx(1.0)
    focus_area = FocusArea.objects.get(pk=data["id"])
    assert focus_area.geom.srid == 25832 and focus_area.geom.geom_type == "MultiPolygon"
    assert focus_area.history.count() == 1


def test_the_list_is_geojson_with_the_quartiere(api, planner_api, grid):
    create(planner_api, grid)
    create(planner_api, grid, name="Entwurf", published=False)
    public = body(api.get(f"{URL}?city={grid['C'].pk}"))
    assert public["numberMatched"] == 1
    feature = public["features"][0]
    assert feature["geometry"]["type"] == "MultiPolygon"
    assert {q["slug"] for q in feature["properties"]["quartiere"]} == {"alpha", "beta"}
    assert body(planner_api.get(URL))["numberMatched"] == 2
    assert body(api.get(f"{URL}?area={grid['Q'].pk}"))["numberMatched"] == 0


def test_an_update_needs_the_current_etag(planner_api, grid):
    data = body(create(planner_api, grid))
    url = f"{URL}{data['id']}/?srid=25832"
    assert planner_api.patch(url, {"name": "x"}, format="json").status_code == 428
    assert (
        planner_api.patch(url, {"name": "x"}, format="json", HTTP_IF_MATCH='"focus-area-1-99"').status_code
        == 412
    )
    etag = f'"focus-area-{data["id"]}-1"'
    response = planner_api.patch(
        url, {"geom": utm_json(square(2000, 0, 3000, 500)[0])}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 200, response.content
    assert response["ETag"] == f'"focus-area-{data["id"]}-2"'
    links = {link.area.code: link.share for link in FocusAreaArea.objects.filter(focus_area_id=data["id"])}
    assert set(links) == {"Q", "C", "R"}  # re-linked to where it lies now
    # the old ETag is stale now
    assert planner_api.patch(url, {"name": "y"}, format="json", HTTP_IF_MATCH=etag).status_code == 412
    assert FocusArea.objects.get(pk=data["id"]).name == "Bahnhofsumfeld"


def test_a_delete_needs_the_current_etag_and_is_audited(planner_api, grid):
    data = body(create(planner_api, grid))
    url = f"{URL}{data['id']}/"
    assert planner_api.delete(url).status_code == 428
    assert planner_api.delete(url, HTTP_IF_MATCH=f'"focus-area-{data["id"]}-1"').status_code == 204
    assert not FocusArea.objects.exists() and not FocusAreaArea.objects.exists()
    assert [h.history_type for h in FocusArea.history.order_by("history_id")] == ["+", "-"]


def test_the_history_names_the_changes(planner_api, api, grid, planner):
    data = body(create(planner_api, grid))
    focus_area_update(focus_area_id=data["id"], expected_versions=[1], user=planner, priority="low")
    records = body(planner_api.get(f"{URL}{data['id']}/history/"))
    assert [r["type"] for r in records] == ["changed", "created"]
    assert records[0]["changes"] == [{"field": "priority", "old": "high", "new": "low"}]
    assert records[0]["user"] == "planner"
    assert body(api.get(f"{URL}{data['id']}/history/"))[0]["user"] is None  # who: planners only


def test_citizens_cannot_write(citizen_api, api, grid):
    before = counts()
    assert citizen_api.post(f"{URL}?srid=25832", payload(grid), format="json").status_code == 403
    assert api.post(f"{URL}?srid=25832", payload(grid), format="json").status_code in (401, 403)
    assert counts() == before


def test_unpublished_focus_areas_are_hidden_from_the_public(api, planner_api, grid):
    data = body(create(planner_api, grid, published=False))
    assert api.get(f"{URL}{data['id']}/").status_code == 404
    assert planner_api.get(f"{URL}{data['id']}/").status_code == 200


BAD_GEOMETRY = {
    "self-intersecting": {
        "type": "Polygon",
        "coordinates": [[[0, 0], [1000, 1000], [1000, 0], [0, 1000], [0, 0]]],
    },
    "unclosed ring": {"type": "Polygon", "coordinates": [[[0, 0], [1000, 0], [1000, 1000], [0, 1000]]]},
    "empty": {"type": "Polygon", "coordinates": []},
    "a point": {"type": "Point", "coordinates": [500, 500]},
    "a collection": {"type": "GeometryCollection", "geometries": []},
    "far away": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
}


def _shifted(geometry):
    from tests.fixtures import X0, Y0

    def shift(c):
        return [X0 + c[0], Y0 + c[1]] if isinstance(c[0], int | float) else [shift(p) for p in c]

    if geometry.get("coordinates") and geometry is not BAD_GEOMETRY["far away"]:
        return {**geometry, "coordinates": shift(geometry["coordinates"])}
    return geometry


@pytest.mark.parametrize("case", sorted(BAD_GEOMETRY))
def test_bad_geometry_is_a_400_naming_the_reason(planner_api, grid, case):
    before = counts()
    response = planner_api.post(
        f"{URL}?srid=25832", payload(grid, geom=_shifted(BAD_GEOMETRY[case])), format="json"
    )
    assert response.status_code == 400, response.content
    assert "geom" in body(response)
    assert counts() == before


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"priority": "urgent"}, "priority"),
        ({"dimensions": ["blue"]}, "dimensions"),
        ({"time_horizon": "never"}, "time_horizon"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"geom": utm_json(square(5000, 0, 6000, 1000)[0])}, "geom"),  # in the region, outside the city
        ({"city": None}, "city"),
    ],
)
def test_bad_fields_are_a_400_and_store_nothing(planner_api, grid, fields, field):
    before = counts()
    response = planner_api.post(f"{URL}?srid=25832", payload(grid, **fields), format="json")
    assert response.status_code == 400, response.content
    assert field in body(response)
    assert counts() == before


def test_the_reasons_are_in_the_language_of_the_request(planner_api, grid):
    # the workspace is German first: the service's reasons reach it translated
    outside = payload(grid, geom=utm_json(square(5000, 0, 6000, 1000)[0]))
    german = planner_api.post(f"{URL}?srid=25832", outside, format="json")
    english = planner_api.post(f"{URL}?srid=25832", outside, format="json", HTTP_ACCEPT_LANGUAGE="en")
    city = grid["C"].name
    assert body(german)["geom"] == [f"liegt außerhalb der Stadt {city}."]
    assert body(english)["geom"] == [f"lies outside the city {city}."]


def test_the_city_must_be_a_city(planner_api, grid):
    response = planner_api.post(f"{URL}?srid=25832", payload(grid, city=grid["A"].pk), format="json")
    assert response.status_code == 400 and "city" in body(response)


def test_wgs84_input_is_the_default(planner_api, grid):
    poly = square(100, 100, 900, 900).transform(4326, clone=True)[0]
    response = planner_api.post(URL, payload(grid, geom=utm_json(poly)), format="json")
    assert response.status_code == 201, response.content
    assert body(response)["geom"]["coordinates"][0][0][0][0] == pytest.approx(poly.coords[0][0][0], abs=1e-6)


def test_links_follow_a_reimport_of_the_quartiere(grid):
    from quartiere.services import area_import
    from tests.fixtures import SRID, feature

    focus_area = focus_area_create(city=grid["C"], name="F", geom=square(500, 0, 1500, 1000))
    # move the boundary between A and B to x = 1250: the focus area is now ¾ in A
    area_import(
        features=[
            feature("A", "Alpha", square(0, 0, 1250, 1000), 1000),
            feature("B", "Beta", square(1250, 0, 2000, 1000), 2000),
        ],
        source_srid=SRID,
        level=Level.QUARTIER,
    )
    shares = {link.area.code: link.share for link in focus_area.area_links.select_related("area")}
    assert shares["A"] == pytest.approx(0.75) and shares["B"] == pytest.approx(0.25)
