"""``/api/measures/``: GeoJSON in and out (EPSG:4326 by default, ?srid= otherwise), filters, who sees
what and who may write."""

import pytest
from django.contrib.gis.geos import GEOSGeometry
from rest_framework.test import APIClient

from measures import services
from measures.models import Measure, MeasureArea
from tests.fixtures import SRID, X0, Y0, body, geom, utm_json
from tests.measures.factories import (
    ActionFieldFactory,
    MasterPlanFactory,
    MeasureFactory,
    StrategicGoalFactory,
    UserFactory,
)

URL = "/api/measures/"


def detail(measure) -> str:
    return f"{URL}{measure.pk}/"


def titles(response) -> list[str]:
    return [f["properties"]["title"] for f in body(response)["features"]]


@pytest.fixture
def point(grid) -> Measure:
    return MeasureFactory(title="Punkt", city=grid["C"], geom=geom("POINT(300 300)"), dimensions=["green"])


@pytest.fixture
def draft(grid) -> Measure:
    return MeasureFactory(title="Entwurf", city=grid["C"], geom=geom("POINT(1500 500)"), published=False)


class TestCreate:
    def test_it_stores_lonlat_in_25832_and_answers_in_4326(self, planner_api, grid):
        response = planner_api.post(
            URL,
            {"title": "Bank", "city": grid["C"].pk, "geom": {"type": "Point", "coordinates": [9.0, 48.75]}},
            format="json",
        )

        assert response.status_code == 201, response.content
        measure = Measure.objects.get(pk=body(response)["id"])
        assert measure.geom.srid == SRID
        expected = GEOSGeometry("POINT(9.0 48.75)", srid=4326).transform(SRID, clone=True)
        assert measure.geom.distance(expected) < 0.01
        assert body(response)["geom"] == {"type": "Point", "coordinates": [9.0, 48.75]}

    def test_it_answers_with_the_etag_and_the_links(self, planner_api, grid):
        payload = {
            "title": "Weg",
            "city": grid["C"].pk,
            "geom": utm_json(geom("LINESTRING (250 500, 1500 500)")),
        }

        response = planner_api.post(f"{URL}?srid=25832", payload, format="json")

        data = body(response)
        assert response["ETag"] == f'"measure-{data["id"]}-1"'
        assert data["version"] == 1
        assert {(a["name"], a["level"], round(a["share"], 6)) for a in data["areas"]} == {
            ("Region", "region", 1.0),
            ("Stadt", "city", 1.0),
            ("Alpha", "quartier", 0.6),
            ("Beta", "quartier", 0.4),
        }

    def test_it_answers_in_the_requested_crs(self, planner_api, grid):
        payload = {"title": "Bank", "city": grid["C"].pk, "geom": utm_json(geom("POINT (300 300)"))}

        data = body(planner_api.post(f"{URL}?srid=25832", payload, format="json"))

        assert data["geom"] == {"type": "Point", "coordinates": [X0 + 300, Y0 + 300]}

    def test_it_takes_a_scope_instead_of_a_geometry(self, planner_api, grid):
        payload = {"title": "Stadtweit", "city": grid["C"].pk, "scope": grid["C"].pk}

        data = body(planner_api.post(URL, payload, format="json"))

        assert (data["geom"], data["scope"]) == (None, grid["C"].pk)
        assert {(a["name"], a["kind"]) for a in data["areas"]} == {
            ("Stadt", "scope"),
            ("Region", "enclosing"),
        }

    def test_it_keeps_tags_goals_and_plan(self, planner_api, grid):
        goal = StrategicGoalFactory()
        plan = MasterPlanFactory()
        payload = {
            "title": "Grün",
            "city": grid["C"].pk,
            "scope": grid["C"].pk,
            "dimensions": ["green", "just", "green"],
            "principles": ["place_based"],
            "strategic_goals": [goal.pk],
            "master_plan": plan.pk,
            "start_date": "2024-01-01",
            "end_date": "2026-12-31",
            "responsible_unit": "Fachbereich Stadtplanung",
        }

        data = body(planner_api.post(URL, payload, format="json"))

        assert data["dimensions"] == ["green", "just"]
        assert (data["strategic_goals"], data["master_plan"]) == ([goal.pk], plan.pk)
        assert (data["start_date"], data["end_date"]) == ("2024-01-01", "2026-12-31")


class TestRead:
    def test_it_lists_measures_as_a_feature_collection(self, api, point, grid):
        scoped = MeasureFactory(title="Stadtweit", city=grid["C"], scope=grid["C"])

        response = api.get(URL)

        assert response["Content-Type"] == "application/geo+json"
        data = body(response)
        assert (data["type"], data["numberMatched"]) == ("FeatureCollection", 2)
        by_title = {f["properties"]["title"]: f for f in data["features"]}
        assert by_title["Punkt"]["geometry"]["type"] == "Point"
        assert by_title["Stadtweit"]["geometry"] is None
        assert by_title["Stadtweit"]["properties"]["scope"] == scoped.scope_id

    def test_it_filters_by_status_dimension_and_city(self, api, point, grid):
        MeasureFactory(title="Anderswo", city=grid["O"], geom=geom("POINT(3500 500)"), status="planned")

        assert titles(api.get(URL, {"status": "planned"})) == ["Anderswo"]
        assert titles(api.get(URL, {"dimension": "green"})) == ["Punkt"]
        assert titles(api.get(URL, {"city": grid["O"].pk})) == ["Anderswo"]

    def test_it_filters_by_action_field_through_goals_and_master_plans(self, api, point, grid):
        field = ActionFieldFactory()
        goal = StrategicGoalFactory(action_field=field)
        plan = MasterPlanFactory()
        plan.action_fields.add(field)
        point.strategic_goals.add(goal)
        MeasureFactory(title="Planmäßig", city=grid["C"], scope=grid["C"], master_plan=plan)
        MeasureFactory(title="Ohne", city=grid["C"], scope=grid["C"])

        assert titles(api.get(URL, {"action_field": field.pk})) == ["Planmäßig", "Punkt"]

    def test_it_filters_by_bbox_in_the_requested_crs(self, api, point, grid):
        MeasureFactory(title="Weit", city=grid["O"], geom=geom("POINT(3500 500)"))
        MeasureFactory(title="Stadtweit", city=grid["C"], scope=grid["C"])
        bbox = f"{X0},{Y0},{X0 + 1000},{Y0 + 1000}"

        assert titles(api.get(URL, {"bbox": bbox, "srid": 25832})) == ["Punkt", "Stadtweit"]

    def test_it_pages(self, api, grid):
        for i in range(5):
            MeasureFactory(title=f"M{i}", city=grid["C"], geom=geom(f"POINT({100 + i} 300)"))

        data = body(api.get(URL, {"limit": 2, "offset": 2}))

        assert (data["numberMatched"], data["numberReturned"]) == (5, 2)
        assert [f["properties"]["title"] for f in data["features"]] == ["M2", "M3"]
        assert {link["rel"] for link in data["links"]} == {"next", "prev"}

    def test_it_answers_a_detail_with_an_etag(self, api, point):
        response = api.get(detail(point))

        assert response.status_code == 200
        assert response["ETag"] == f'"measure-{point.pk}-1"'
        assert body(response)["geom"]["type"] == "Point"


class TestVisibility:
    def test_anonymous_users_see_no_unpublished_measure(self, api, point, draft):
        assert titles(api.get(URL)) == ["Punkt"]
        assert api.get(detail(draft)).status_code == 404
        assert api.get(f"{detail(draft)}history/").status_code == 404

    def test_citizens_see_no_unpublished_measure_even_when_asking(self, citizen_api, point, draft):
        assert titles(citizen_api.get(URL, {"published": "false"})) == []
        assert citizen_api.get(detail(draft)).status_code == 404

    def test_planners_see_everything_and_may_filter_by_published(self, planner_api, point, draft):
        assert titles(planner_api.get(URL)) == ["Entwurf", "Punkt"]
        assert titles(planner_api.get(URL, {"published": "false"})) == ["Entwurf"]
        assert planner_api.get(detail(draft)).status_code == 200


class TestPermissions:
    @pytest.fixture
    def payload(self, grid) -> dict:
        return {"title": "Neu", "city": grid["C"].pk, "scope": grid["C"].pk}

    def test_anonymous_users_may_not_write(self, api, point, payload):
        before = Measure.objects.count()
        etag = {"HTTP_IF_MATCH": f'"measure-{point.pk}-1"'}

        assert api.post(URL, payload, format="json").status_code in (401, 403)
        assert api.patch(detail(point), {"title": "x"}, format="json", **etag).status_code in (401, 403)
        assert api.delete(detail(point), **etag).status_code in (401, 403)
        assert Measure.objects.count() == before
        assert Measure.objects.get(pk=point.pk).title == "Punkt"

    def test_users_outside_the_planners_group_get_403(self, citizen_api, point, payload):
        response = citizen_api.post(URL, payload, format="json")

        assert response.status_code == 403
        assert "Planerinnen und Planer" in body(response)["detail"]
        etag = {"HTTP_IF_MATCH": f'"measure-{point.pk}-1"'}
        assert citizen_api.delete(detail(point), **etag).status_code == 403

    def test_planners_may_write(self, planner_api, payload):
        assert planner_api.post(URL, payload, format="json").status_code == 201

    def test_superusers_may_write(self, db, payload):
        client = APIClient()
        client.force_authenticate(UserFactory(is_superuser=True))

        assert client.post(URL, payload, format="json").status_code == 201

    def test_token_authentication_works(self, planner, payload):
        from rest_framework.authtoken.models import Token

        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=planner).key}")

        assert client.post(URL, payload, format="json").status_code == 201


class TestWrites:
    def test_a_put_replaces_and_relinks(self, planner_api, point, grid):
        payload = {
            "title": "Weg",
            "city": grid["C"].pk,
            "geom": utm_json(geom("LINESTRING (1100 500, 1900 500)")),
        }

        response = planner_api.put(
            f"{detail(point)}?srid=25832", payload, format="json", HTTP_IF_MATCH=f'"measure-{point.pk}-1"'
        )

        assert response.status_code == 200, response.content
        assert response["ETag"] == f'"measure-{point.pk}-2"'
        assert set(MeasureArea.objects.filter(measure=point).values_list("area__code", flat=True)) == {
            "B",
            "C",
            "R",
        }

    def test_a_delete_removes_the_measure_its_lines_and_links(self, planner_api, point):
        services.budget_line_create(measure=point, fiscal_year=2024, amount=1, kind="investment")

        response = planner_api.delete(detail(point), HTTP_IF_MATCH=f'"measure-{point.pk}-1"')

        assert response.status_code == 204
        assert not Measure.objects.filter(pk=point.pk).exists()
        assert not MeasureArea.objects.filter(measure_id=point.pk).exists()

    def test_unknown_ids_are_404(self, planner_api, api, grid):
        assert api.get(f"{URL}999999/").status_code == 404
        assert api.get(f"{URL}{10**30}/").status_code == 404
        assert (
            planner_api.patch(
                f"{URL}999999/", {}, format="json", HTTP_IF_MATCH='"measure-999999-1"'
            ).status_code
            == 404
        )
