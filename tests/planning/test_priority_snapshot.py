"""The ``priorities`` map layer reads a snapshot of the priority index (``planning.snapshot``): it is
computed once per data version and settings, recomputed after a change to what the index reads, and
the map services bring it up to date themselves before they read the layer."""

import math

import mapbox_vector_tile
import pytest
from django.db import connection

from geo import layers as registry
from participation.services import contribution_links
from planning import snapshot
from planning.models import PrioritySnapshot, PrioritySnapshotState
from quartiere import linking
from tests.planning.conftest import contribute

pytestmark = pytest.mark.django_db

TILE = "/tiles/priorities/12/{x}/{y}.mvt"


def scores() -> dict[str, float | None]:
    return {s.quartier.name: s.score for s in PrioritySnapshot.objects.select_related("quartier")}


def test_it_is_computed_once_per_data_version(known):
    assert snapshot.refresh() is True
    first = PrioritySnapshotState.objects.get()
    rows = {s.quartier.name: s for s in PrioritySnapshot.objects.select_related("quartier")}
    assert set(rows) == {"Alpha", "Beta", "Quelle"}  # docs/priorities.md, "A worked example"
    assert rows["Alpha"].score_green == pytest.approx(0.64, abs=1e-4)
    assert rows["Alpha"].gaps == "all,green,just,productive" and rows["Quelle"].gaps == ""
    assert snapshot.refresh() is False
    assert PrioritySnapshotState.objects.get().computed_at == first.computed_at


def test_it_agrees_with_the_api(known, api):
    snapshot.refresh()
    results = api.get(f"/api/priorities/?city={known['city'].pk}&dimension=all").json()["results"]
    by_name = {r["quartier"]["name"]: r for r in results}
    for row in PrioritySnapshot.objects.select_related("quartier"):
        assert row.score == pytest.approx(by_name[row.quartier.name]["score"], abs=1e-4)
        assert row.rank == by_name[row.quartier.name]["rank"]
        assert row.city == known["city"].pk


def test_a_change_to_its_inputs_makes_it_recompute(known):
    snapshot.refresh()
    before = scores()
    for x in range(2100, 2900, 100):  # many more problems reported in Quelle
        contribute(known["consultation"], "problem", x, 600)
    linking.links_refresh(contribution_links())

    assert snapshot.refresh() is True
    assert scores()["Quelle"] != before["Quelle"]
    assert snapshot.refresh() is False


def test_other_weights_make_it_recompute(known, settings):
    snapshot.refresh()
    settings.PLANNING_PRIORITY_WEIGHTS = {"demand": 1.0, "supply": 0.0, "coverage": 0.0}
    assert snapshot.refresh() is True
    assert snapshot.refresh() is False


def test_the_map_services_bring_it_up_to_date_themselves(known, client):
    PrioritySnapshot.objects.all().delete()
    PrioritySnapshotState.objects.all().delete()
    items = client.get("/ogc/collections/priorities/items", {"f": "json"})
    assert items.status_code == 200
    names = {f["properties"]["name"] for f in items.json()["features"]}
    assert names == {"Alpha", "Beta", "Quelle"}
    assert PrioritySnapshotState.objects.count() == 1


def test_its_etag_follows_the_snapshot(known, client):
    # the layer's data version is the snapshot's: a change to the inputs gives the tile a new ETag
    # once the snapshot is recomputed, never an ETag that is newer than the tile's data
    layer = registry.get("priorities")
    assert "planning_prioritysnapshotstate" in layer.tables
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_Transform(ST_Centroid(geom), 4326) AS c "
            "FROM quartiere_area WHERE code = 'A') AS s"
        )
        lon, lat = cursor.fetchone()
    x = int((lon + 180) / 360 * 2**12)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * 2**12)
    first = client.get(TILE.format(x=x, y=y))
    assert first.status_code == 200
    tile = mapbox_vector_tile.decode(first.content)
    assert {f["properties"]["name"] for f in tile["priorities"]["features"]} >= {"Alpha"}
    assert client.get(TILE.format(x=x, y=y), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    PrioritySnapshotState.objects.update(token=-1)  # as if the inputs had changed since
    again = client.get(TILE.format(x=x, y=y), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and again["ETag"] != first["ETag"]
