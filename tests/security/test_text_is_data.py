"""Text is data, never code: every text field people or imported files fill comes back **literally** in
every page, map script, map data, API answer, export and map service that shows it — never evaluated
as a template (``{{ 6*7 }}`` never becomes ``42``), never as HTML — and no request answers 500.

The pages in Chromium: tests/security/test_text_is_data_browser.py."""

import csv
import html
import io
import json
import math
import sqlite3

import mapbox_vector_tile
import pytest

from tests.security.conftest import BIG, PAYLOAD, SHORT, poison

pytestmark = pytest.mark.django_db

ESCAPED = html.escape(PAYLOAD, quote=False)


@pytest.fixture
def world(demo):
    return poison()


def ok(response, content_type: str | None = None):
    assert response.status_code == 200, (response.status_code, response.content[:500])
    if content_type:
        assert response["Content-Type"].startswith(content_type), response["Content-Type"]
    return response


def page(response) -> str:
    """An HTML page: the payload must be there escaped, never raw (raw it would be markup)."""
    text = ok(response, "text/html").content.decode()
    assert PAYLOAD not in text
    return text


def strings(value) -> list[str]:
    """Every string anywhere in a decoded JSON document."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def assert_literal(document, *, times: int = 1) -> None:
    """The payload occurs as a whole string value (at least ``times`` times) in a JSON document."""
    found = [s for s in strings(document) if s == PAYLOAD]
    assert len(found) >= times, [s for s in strings(document) if "6*7" in s][:5]


# --- pages --------------------------------------------------------------------------------------------


def test_the_profile_shows_every_text_escaped(client, world):
    text = page(client.get("/quartiere/mitte/"))
    # the Quartier's name (title and heading), the measure's title, the response and its contribution
    assert text.count(ESCAPED) >= 4
    assert f"<h1>{ESCAPED}</h1>" in text
    assert f"<title>{ESCAPED}" in text


def test_the_profile_map_script_has_no_data_and_its_data_is_literal(client, world):
    script = ok(client.get("/quartiere/mitte/karte.js"), "text/javascript").content.decode()
    assert "6*7" not in script and "script>" not in script
    doc = ok(client.get("/quartiere/mitte/karte.json"), "application/json").json()
    spec = doc["maps"]["map_quartier"]
    assert spec["layers"][0]["name"] == PAYLOAD  # the Quartier's name names its layer
    assert doc["collections"]["quartier"]["features"][0]["properties"]["name"] == PAYLOAD
    titles = [f["properties"]["title"] for f in doc["collections"]["measures"]["features"]]
    assert PAYLOAD in titles
    names = [f["properties"]["name"] for f in doc["collections"]["focus_areas"]["features"]]
    assert PAYLOAD in names


def test_the_report_and_its_map_data_show_the_name_literally(client, world):
    city = world.quartier.parent_id
    text = page(client.get(f"/bericht/?stadt={city}"))
    assert ESCAPED in text
    script = ok(client.get(f"/bericht/karten.js?stadt={city}"), "text/javascript").content.decode()
    assert "6*7" not in script
    doc = ok(client.get(f"/bericht/karten.json?stadt={city}"), "application/json").json()
    assert_literal(doc)


def test_the_report_downloads_carry_the_name_literally(client, world, tmp_path):
    city = world.quartier.parent_id
    rows = list(csv.reader(io.StringIO(ok(client.get(f"/bericht/daten.csv?stadt={city}")).content.decode())))
    assert PAYLOAD in {cell for row in rows for cell in row}
    assert_literal(json.loads(ok(client.get(f"/bericht/daten.geojson?stadt={city}")).content))
    gpkg = tmp_path / "bericht.gpkg"
    gpkg.write_bytes(ok(client.get(f"/bericht/daten.gpkg?stadt={city}")).content)
    with sqlite3.connect(gpkg) as db:
        table = db.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'features'").fetchone()[0]
        names = {row[0] for row in db.execute(f'SELECT name FROM "{table}"')}  # noqa: S608 - the file's own table
    assert PAYLOAD in names


def test_the_participation_map_page_escapes_the_consultation(client, world):
    text = page(client.get(f"/karte/?verfahren={world.consultation.slug}"))
    assert ESCAPED in text


def test_the_overview_and_the_workspace_pages_render(client, world, django_user_model):
    page(client.get("/"))
    from django.contrib.auth.models import Group

    planner = django_user_model.objects.create_user("p-text", password="pw-for-tests-only")  # noqa: S106
    planner.groups.add(Group.objects.get_or_create(name="planners")[0])
    client.force_login(planner)
    ok(client.get("/planung/"), "text/html")


# --- the REST API ---------------------------------------------------------------------------------------


def test_the_api_answers_every_text_literally(api, world):
    assert_literal(ok(api.get(f"/api/areas/{world.quartier.pk}/")).json())
    assert_literal(ok(api.get("/api/areas/?level=quartier&limit=100")).json())
    measure = ok(api.get(f"/api/measures/{world.measure.pk}/")).json()
    assert_literal(measure, times=3)  # title, description, responsible unit
    assert_literal(ok(api.get(f"/api/focus-areas/{world.focus_area.pk}/")).json(), times=2)
    contributions = ok(api.get(f"/api/contributions/?consultation={world.consultation.pk}&limit=1000")).json()
    assert_literal(contributions, times=2)  # the text and the response
    assert SHORT in strings(contributions)  # the pseudonym
    assert_literal(ok(api.get(f"/api/consultations/{world.consultation.pk}/")).json(), times=2)
    assert_literal(ok(api.get(f"/api/action-fields/{world.action_field.pk}/")).json(), times=2)
    assert_literal(ok(api.get(f"/api/strategic-goals/{world.goal.pk}/")).json(), times=2)
    assert_literal(ok(api.get(f"/api/master-plans/{world.master_plan.pk}/")).json())


def test_the_planners_export_carries_the_text_literally(api, world, django_user_model):
    from django.contrib.auth.models import Group

    planner = django_user_model.objects.create_user("p-export", password="pw-for-tests-only")  # noqa: S106
    planner.groups.add(Group.objects.get_or_create(name="planners")[0])
    api.force_authenticate(planner)
    url = f"/api/participation/export/?consultation={world.consultation.pk}"
    body = b"".join(ok(api.get(url)).streaming_content).decode("utf-8-sig")
    cells = {cell for row in csv.reader(io.StringIO(body)) for cell in row}
    assert PAYLOAD in cells
    assert_literal(json.loads(ok(api.get(url + "&output=geojson")).content))


# --- the map services ---------------------------------------------------------------------------------


@pytest.mark.parametrize("layer", ["measures", "focus_areas", "contributions", "quartiere"])
def test_ogc_api_features_answers_literally(client, world, layer):
    target = {
        "measures": world.measure.pk,
        "focus_areas": world.focus_area.pk,
        "contributions": world.contribution.pk,
        "quartiere": world.quartier.pk,
    }[layer]
    item = ok(client.get(f"/ogc/collections/{layer}/items/{target}?f=json")).json()
    assert_literal(item)
    text = page(client.get(f"/ogc/collections/{layer}/items/{target}?f=html"))
    assert ESCAPED in text
    items = ok(client.get(f"/ogc/collections/{layer}/items?limit=1000&f=json")).json()
    assert_literal(items)
    page(client.get(f"/ogc/collections/{layer}/items?limit=1000&f=html"))


def _tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def _lonlat(x: float, y: float) -> tuple[float, float]:
    from django.contrib.gis.geos import Point

    p = Point(x, y, srid=25832)
    p.transform(4326)
    return p.x, p.y


@pytest.mark.parametrize(
    "layer,table,attr",
    [
        ("measures", "measures_measure", "title"),
        ("focus_areas", "planning_focusarea", "name"),
        ("quartiere", "quartiere_area", "name"),
    ],
)
def test_vector_tiles_carry_the_text_literally(client, world, layer, table, attr):
    pk = {"measures": world.measure.pk, "focus_areas": world.focus_area.pk, "quartiere": world.quartier.pk}[
        layer
    ]
    x, y = _tile(*_lonlat(*world.point(table, pk)), 15)
    body = ok(client.get(f"/tiles/{layer}/15/{x}/{y}.mvt")).content
    decoded = mapbox_vector_tile.decode(body)
    values = [f["properties"].get(attr) for f in decoded[layer]["features"]]
    assert PAYLOAD in values


@pytest.mark.parametrize("info_format", ["application/json", "text/plain", "text/html"])
def test_wms_feature_info_shows_the_text_literally(client, world, info_format):
    x, y = world.point("measures_measure", world.measure.pk)
    response = ok(
        client.get(
            "/ows",
            {
                "SERVICE": "WMS",
                "VERSION": "1.3.0",
                "REQUEST": "GetFeatureInfo",
                "LAYERS": "measures",
                "QUERY_LAYERS": "measures",
                "STYLES": "",
                "CRS": "EPSG:25832",
                "BBOX": f"{x - 50},{y - 50},{x + 50},{y + 50}",
                "WIDTH": "101",
                "HEIGHT": "101",
                "I": "50",
                "J": "50",
                "INFO_FORMAT": info_format,
                "FEATURE_COUNT": "50",
            },
        ),
        info_format,
    )
    body = response.content.decode()
    if info_format == "application/json":
        assert_literal(json.loads(body))
    elif info_format == "text/plain":
        assert PAYLOAD in body
    else:
        assert PAYLOAD not in body and ESCAPED in body


# --- imports ----------------------------------------------------------------------------------------------


def test_an_imported_area_name_is_stored_and_served_literally(client, demo, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    from quartiere.models import Area, Level

    mitte = Area.objects.get(level=Level.QUARTIER, code="08118048-01")  # Ludwigsburg's Mitte
    source = tmp_path / "quartiere.geojson"
    feature = {
        "type": "Feature",
        "properties": {"code": mitte.code, "name": PAYLOAD},
        "geometry": json.loads(mitte.geom.transform(4326, clone=True).geojson),
    }
    source.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    call_command(
        "import_areas",
        str(source),
        level="quartier",
        parent=mitte.parent.code,
        code_field="code",
        name_field="name",
        stdout=StringIO(),
    )
    imported = Area.objects.get(pk=mitte.pk)
    assert imported.name == PAYLOAD
    assert ESCAPED in page(client.get(f"/quartiere/{imported.slug}/"))


# --- writes: the same text through the API, and a 20 KB string -----------------------------------------


def test_a_contribution_with_the_payload_is_stored_literally(api, demo):
    from participation.models import Consultation, Contribution

    consultation = Consultation.objects.order_by("id").first()
    response = api.post(
        "/api/contributions/",
        {
            "consultation": consultation.pk,
            "text": PAYLOAD,
            "pseudonym": SHORT,
            "category": consultation.categories[0],
            "lon": 9.1956,
            "lat": 48.8997,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    stored = Contribution.objects.get(pk=response.json()["id"])
    assert (stored.text, stored.pseudonym) == (PAYLOAD, SHORT)


@pytest.mark.parametrize("field", ["text", "pseudonym"])
def test_a_20_kb_string_is_refused_naming_the_field_and_stores_nothing(api, demo, field):
    from participation.models import Consultation, Contribution

    consultation = Consultation.objects.order_by("id").first()
    before = Contribution.objects.count()
    body = {
        "consultation": consultation.pk,
        "text": "Ein Hinweis",
        "category": consultation.categories[0],
        "lon": 9.1956,
        "lat": 48.8997,
        field: BIG,
    }
    response = api.post("/api/contributions/", body, format="json")
    assert response.status_code in (400, 413), response.content[:300]
    if response.status_code == 400:
        assert field in response.json()
    assert Contribution.objects.count() == before
