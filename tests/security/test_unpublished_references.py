"""Public outputs name only published measures: a contribution's linked measures and its official
response's measure, and a focus area's measures, leave out the drafts — in the API (list and detail),
the Quartier profile's map data, the report's focus-area export and the map services' layers.
Planners, who see the drafts themselves, see every link; the export of contributions is theirs."""

import json

import pytest
from django.contrib.gis.geos import Point
from rest_framework.test import APIClient

from geo import layers
from measures import services as measure_services
from participation import moderation
from planning import exports
from planning import services as focus_services
from tests.conftest import sql_row
from tests.participation import conftest as participation
from tests.participation.conftest import SCHLOSS, body, client_for, create, user_in

# the participation fixtures: the demo's areas and an open consultation over the city
areas = participation.areas
city = participation.city
make_consultation = participation.make_consultation
consultation = participation.consultation
planner = participation.planner
moderator = participation.moderator


@pytest.fixture
def world(consultation, city, planner):
    """A published contribution at the Schloss (Mitte) linked to a published and a draft measure, its
    official response naming the draft; a published focus area around it serving both."""
    published = measure_services.measure_create(city=city, title="Öffentlich", scope=city, published=True)
    draft = measure_services.measure_create(city=city, title="Entwurf", scope=city)
    contribution = create(consultation, publish=True)
    moderation.contribution_link_measures(
        contribution_id=contribution.pk, measure_ids=[published.pk, draft.pk], actor=planner
    )
    moderation.response_set(
        contribution_id=contribution.pk,
        text="Wird umgesetzt.",
        unit="Stadtplanung",
        outcome="measure",
        measure_id=draft.pk,
        actor=planner,
    )
    place = Point(*SCHLOSS, srid=4326).transform(25832, clone=True).buffer(200)
    focus = focus_services.focus_area_create(
        city=city, name="Schlossumfeld", geom=place, measures=[published, draft], published=True
    )
    return {"published": published.pk, "draft": draft.pk, "contribution": contribution.pk, "focus": focus.pk}


@pytest.fixture
def public_readers(moderator) -> dict[str, APIClient]:
    """Everybody who must not learn of draft measures: also a moderator outside the planners."""
    return {
        "anonymous": client_for(None),
        "citizen": client_for(user_in("citizen")),
        "moderator": client_for(moderator),
    }


def contribution_links(feature: dict) -> tuple[list[int], int | None]:
    properties = feature["properties"]
    return properties["measures"], properties["response"]["measure"]


@pytest.mark.parametrize("who", ["anonymous", "citizen", "moderator"])
def test_the_contribution_api_names_only_published_measures(world, public_readers, who):
    client = public_readers[who]

    listed = body(client.get("/api/contributions/"))["features"]
    detail = body(client.get(f"/api/contributions/{world['contribution']}/", {"srid": 25832}))

    assert [contribution_links(f) for f in listed] == [([world["published"]], None)]
    assert contribution_links(detail) == ([world["published"]], None)
    assert detail["properties"]["response"]["text"] == "Wird umgesetzt."  # the answer itself stays public


def test_planners_see_every_linked_measure(world, planner):
    feature = body(client_for(planner).get(f"/api/contributions/{world['contribution']}/"))
    assert contribution_links(feature) == (sorted([world["published"], world["draft"]]), world["draft"])


def test_a_measure_published_later_appears_then(world, planner):
    measure_services.measure_update(measure_id=world["draft"], expected_versions=None, published=True)
    feature = body(client_for(None).get(f"/api/contributions/{world['contribution']}/"))
    assert contribution_links(feature) == (sorted([world["published"], world["draft"]]), world["draft"])


@pytest.mark.parametrize("who", ["anonymous", "citizen", "moderator"])
def test_the_focus_area_api_names_only_published_measures(world, public_readers, who):
    client = public_readers[who]

    listed = body(client.get("/api/focus-areas/"))["features"]
    detail = body(client.get(f"/api/focus-areas/{world['focus']}/"))

    assert [f["properties"]["measures"] for f in listed] == [[world["published"]]]
    assert detail["measures"] == [world["published"]]


def test_planners_see_the_focus_areas_draft_measure(world, planner):
    client = client_for(planner)
    detail = body(client.get(f"/api/focus-areas/{world['focus']}/"))
    assert sorted(detail["measures"]) == sorted([world["published"], world["draft"]])
    listed = body(client.get("/api/focus-areas/"))["features"]
    assert [f["properties"]["measures"] for f in listed] == [sorted([world["published"], world["draft"]])]


def test_the_quartier_profiles_map_data_names_only_published_measures(world, client):
    collections = json.loads(client.get("/quartiere/mitte/karte.json").content)["collections"]

    [contribution] = collections["contributions"]["features"]
    [focus] = collections["focus_areas"]["features"]

    assert contribution_links(contribution) == ([world["published"]], None)
    assert focus["properties"]["measures"] == [world["published"]]
    assert str(world["draft"]) not in _measure_references(collections)


def _measure_references(document) -> str:
    """Every value under a key naming measures, anywhere in ``document``, as text."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("measures", "measure"):
                    found.append(json.dumps(value))
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(document)
    return " ".join(found)


def test_the_reports_focus_area_export_names_only_published_measures(world, city):
    collection = exports.focus_areas_geojson(city)
    assert [f["properties"]["measures"] for f in collection["features"]] == [str(world["published"])]


@pytest.mark.parametrize("layer_id", ["contributions", "focus_areas"])
def test_the_map_layers_carry_no_measure_references(world, layer_id):
    layer = layers.get(layer_id)
    assert not [name for name in layer.attributes if "measure" in name]
    columns = sql_row(f"SELECT * FROM ({layer.source}) AS src LIMIT 1")
    assert columns is not None  # the world is on the layer
    items = body(
        APIClient().get(
            f"/ogc/collections/{layer_id}/items", {"f": "json"}, HTTP_ACCEPT="application/geo+json"
        )
    )
    assert items["features"]
    assert _measure_references(items) == ""


def test_the_contribution_export_with_every_link_is_for_staff_only(world, planner):
    assert client_for(None).get("/api/participation/export/").status_code in (401, 403)
    assert client_for(user_in("someone")).get("/api/participation/export/").status_code == 403
    csv = b"".join(client_for(planner).get("/api/participation/export/").streaming_content).decode()
    assert f"{min(world['published'], world['draft'])} {max(world['published'], world['draft'])}" in csv
