"""The Django admin: map widgets with vendored OpenLayers (no CDN), writes through the services."""

import datetime as dt
import json

import lxml.html
import pytest
from django.contrib import admin
from django.contrib.gis.db import models as gis_models
from django.contrib.gis.geos import Point
from django.utils import timezone

from geo.admin import MapWidget
from measures.models import BudgetLine, Measure, MeasureArea
from participation.models import Consultation, Contribution
from tests.fixtures import SRID, X0, Y0
from tests.measures.conftest import counts
from tests.measures.factories import UserFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def web_mercator(x: float, y: float) -> list[float]:
    point = Point(X0 + x, Y0 + y, srid=SRID)
    point.transform(3857)
    return [point.x, point.y]


def point_json(x: float, y: float) -> str:
    return json.dumps({"type": "Point", "coordinates": web_mercator(x, y)})


def form(grid, **changes) -> dict:
    data = {
        "title": "Platz",
        "description": "",
        "city": grid["C"].pk,
        "status": "idea",
        "responsible_unit": "",
        "principles": "",
        "dimensions": "green",
        "geom": point_json(300, 300),
        "scope": "",
        "budget_lines-TOTAL_FORMS": "1",
        "budget_lines-INITIAL_FORMS": "0",
        "budget_lines-MIN_NUM_FORMS": "0",
        "budget_lines-MAX_NUM_FORMS": "1000",
        "budget_lines-0-fiscal_year": "2024",
        "budget_lines-0-amount": "1000",
        "budget_lines-0-kind": "investment",
        "budget_lines-0-funding": "own",
        "budget_lines-0-status": "planned",
        "budget_lines-0-note": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def contribution(grid) -> Contribution:
    now = timezone.now()
    consultation = Consultation.objects.create(
        title="Test",
        slug="test",
        city=grid["C"],
        area=grid["C"],
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
    )
    return Contribution.objects.create(
        consultation=consultation, city=grid["C"], geom=Point(X0 + 500, Y0 + 500, srid=SRID), text="Bank"
    )


@pytest.mark.parametrize(
    "url",
    [
        "/admin/measures/measure/add/",
        "/admin/quartiere/area/add/",
        "/admin/planning/focusarea/add/",
        "/admin/participation/consultation/add/",
        "/admin/participation/contribution/{contribution}/change/",
    ],
)
def test_the_map_widget_loads_openlayers_from_our_own_static_files(
    admin_client, grid, contribution, url, settings
):
    settings.BASEMAP_URL = "https://tiles.example.org/{z}/{x}/{y}.png"

    html = admin_client.get(url.format(contribution=contribution.pk)).content.decode()

    assert "/static/vendor/ol/ol.js" in html
    assert "/static/vendor/ol/ol.css" in html
    # every script and stylesheet from this server (a CDN's address starts with https:// or //; a bare
    # "cdn" search failed when a random CSRF token happened to contain the letters)
    page = lxml.html.fromstring(html)
    addresses = page.xpath("//script/@src") + page.xpath('//link[@rel="stylesheet"]/@href')
    assert addresses and all(a.startswith("/") and not a.startswith("//") for a in addresses), addresses
    assert "ol.source.OSM()" not in html
    assert 'url: "https://tiles.example.org/{z}/{x}/{y}.png"' in html


def test_every_admin_with_a_geometry_uses_the_map_widget():
    # Django's GISModelAdmin loads OpenLayers from a CDN: a new admin must take geo.admin.MapAdmin
    with_geometry = {
        model: model_admin
        for model, model_admin in admin.site._registry.items()
        if any(isinstance(f, gis_models.GeometryField) and f.editable for f in model._meta.get_fields())
    }
    assert {m._meta.label for m in with_geometry} >= {
        "measures.Measure",
        "planning.FocusArea",
        "quartiere.Area",
        "participation.Consultation",
        "participation.Contribution",
    }
    for model, model_admin in with_geometry.items():
        assert model_admin.gis_widget is MapWidget, model._meta.label


def test_the_map_widget_reads_the_map_s_geojson_and_ewkt_but_no_crs_outside_the_allow_list():
    widget = MapWidget()
    assert widget.deserialize('{"type": "Point", "coordinates": [1019000, 6257000]}').srid == 3857
    assert widget.deserialize(f"SRID=25832;POINT ({X0} {Y0})").coords == (X0, Y0)
    assert widget.deserialize("POINT (1019000 6257000)").srid == 3857  # no SRID: the map's
    assert widget.deserialize("SRID=2000;POINT (1 2)") is None
    assert (
        widget.deserialize(
            '{"type": "Point", "coordinates": [1, 2], "crs": {"type": "name", '
            '"properties": {"name": "/etc/passwd"}}}'
        )
        is None
    )
    assert widget.deserialize("POINT (1 2") is None


def test_a_measure_added_in_the_admin_is_linked_with_its_budget_line(admin_client, grid):
    response = admin_client.post("/admin/measures/measure/add/", form(grid))

    assert response.status_code == 302, response.content.decode()[:3000]
    measure = Measure.objects.get()
    assert measure.geom.srid == SRID
    assert measure.geom.distance(Point(X0 + 300, Y0 + 300, srid=SRID)) < 0.01
    assert set(MeasureArea.objects.filter(measure=measure).values_list("area__code", flat=True)) == {
        "A",
        "C",
        "R",
    }
    assert BudgetLine.objects.get().measure == measure
    assert measure.history.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"geom": '{"type": "Point", "coordinates": [0, 0]}'}, "outside the service"),
        ({"scope": "C"}, "not both"),
        ({"city": "A"}, "Select a valid choice"),
        ({"budget_lines-0-amount": "-5"}, "greater than or equal to 0"),
    ],
)
def test_bad_input_in_the_admin_is_shown_and_nothing_is_stored(admin_client, grid, changes, message):
    changes = {key: grid[value].pk if key in ("scope", "city") else value for key, value in changes.items()}
    before = counts()

    response = admin_client.post("/admin/measures/measure/add/", form(grid, **changes))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert counts() == before


def test_a_change_in_the_admin_goes_through_the_service(admin_client, grid):
    admin_client.post("/admin/measures/measure/add/", form(grid))
    measure = Measure.objects.get()
    line = BudgetLine.objects.get()
    changed = form(
        grid,
        geom=point_json(1500, 500),
        status="planned",
        version_read="1",
        **{
            "budget_lines-INITIAL_FORMS": "1",
            "budget_lines-0-id": str(line.pk),
            "budget_lines-0-measure": str(measure.pk),
        },
    )

    response = admin_client.post(f"/admin/measures/measure/{measure.pk}/change/", changed)

    assert response.status_code == 302, response.content.decode()[:3000]
    measure.refresh_from_db()
    assert (measure.status, measure.version) == ("planned", 2)
    assert set(MeasureArea.objects.filter(measure=measure).values_list("area__code", flat=True)) == {
        "B",
        "C",
        "R",
    }


def test_the_admin_refuses_an_impossible_status_change(admin_client, grid):
    admin_client.post("/admin/measures/measure/add/", form(grid, status="done"))
    measure = Measure.objects.get()

    response = admin_client.post(
        f"/admin/measures/measure/{measure.pk}/change/", form(grid, status="idea", version_read="1")
    )

    assert response.status_code == 200
    assert "cannot change its status any more" in response.content.decode()


def test_the_admin_refuses_to_save_over_someone_elses_change(admin_client, grid):
    from measures import services

    admin_client.post("/admin/measures/measure/add/", form(grid))
    measure = Measure.objects.get()
    # someone saves through the API while the form is open (it was opened at version 1)
    services.measure_update(measure_id=measure.pk, expected_versions=None, title="Zwischendurch")

    response = admin_client.post(
        f"/admin/measures/measure/{measure.pk}/change/",
        form(grid, title="Meins", version_read="1", **{"budget_lines-TOTAL_FORMS": "0"}),
    )

    assert response.status_code == 200
    assert "Someone changed this measure since you opened it" in response.content.decode()
    measure.refresh_from_db()
    assert (measure.title, measure.version) == ("Zwischendurch", 2)


def test_the_area_list_filters_by_level_and_searches_name_and_code(admin_client, grid):
    html = admin_client.get("/admin/quartiere/area/", {"level__exact": 3, "q": "Alpha"}).content.decode()

    assert "Alpha" in html and "Beta" not in html
    assert "Alpha" in admin_client.get("/admin/quartiere/area/", {"q": "A"}).content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/measures/actionfield/add/",
        "/admin/measures/strategicgoal/add/",
        "/admin/measures/masterplan/add/",
        "/admin/measures/budgetline/add/",
        "/admin/measures/measure/",
        "/admin/quartiere/area/",
    ],
)
def test_every_admin_page_opens(admin_client, grid, url):
    assert admin_client.get(url).status_code == 200


def test_the_measure_history_is_in_the_admin(admin_client, grid):
    admin_client.post("/admin/measures/measure/add/", form(grid))
    measure = Measure.objects.get()

    assert admin_client.get(f"/admin/measures/measure/{measure.pk}/history/").status_code == 200


def test_moving_a_quartier_in_the_admin_relinks_what_it_touches(admin_client, grid):
    from measures import services
    from tests.fixtures import geom

    measure = services.measure_create(city=grid["C"], title="Bank", geom=geom("POINT(1100 500)"))
    a = grid["A"]
    corners = [web_mercator(x, y) for x, y in ((0, 0), (1200, 0), (1200, 1000), (0, 1000), (0, 0))]
    data = {
        "level": a.level,
        "parent": a.parent_id,
        "code": a.code,
        "name": a.name,
        "slug": a.slug,
        "population": "",
        "geom": json.dumps({"type": "MultiPolygon", "coordinates": [[corners]]}),
    }

    response = admin_client.post(f"/admin/quartiere/area/{a.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    # A now overlaps B where the bench stands: half in each
    shares = dict(MeasureArea.objects.filter(measure=measure, level=3).values_list("area__code", "share"))
    assert shares == {"A": pytest.approx(0.5), "B": pytest.approx(0.5)}
