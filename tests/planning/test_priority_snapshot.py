"""The ``priorities`` map layer reads a snapshot of the priority index (``planning.snapshot``): it is
refreshed after the writes that change what the index reads, per city, once their transaction
commits; after new settings when it is stale; and reading the layer never computes it."""

import math
from io import StringIO

import mapbox_vector_tile
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

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


def test_it_holds_the_index_of_every_quartier(known):
    snapshot.refresh()
    rows = {s.quartier.name: s for s in PrioritySnapshot.objects.select_related("quartier")}
    assert set(rows) == {"Alpha", "Beta", "Quelle"}  # docs/priorities.md, "A worked example"
    assert rows["Alpha"].score_green == pytest.approx(0.64, abs=1e-4)
    assert rows["Alpha"].gaps == "all,green,just,productive" and rows["Quelle"].gaps == ""
    assert snapshot.refresh_if_stale() is False


def test_it_agrees_with_the_api(known, api):
    snapshot.refresh()
    results = api.get(f"/api/priorities/?city={known['city'].pk}&dimension=all").json()["results"]
    by_name = {r["quartier"]["name"]: r for r in results}
    for row in PrioritySnapshot.objects.select_related("quartier"):
        assert row.score == pytest.approx(by_name[row.quartier.name]["score"], abs=1e-4)
        assert row.rank == by_name[row.quartier.name]["rank"]
        assert row.city == known["city"].pk


def committed() -> None:
    """As if the fixture's writes had been committed in a transaction of their own (this test's runs
    inside one, whose on-commit callbacks are only run when captured)."""
    connection.run_on_commit.clear()
    snapshot.refresh()


def test_a_write_refreshes_its_city_once_the_transaction_commits(known, django_capture_on_commit_callbacks):
    committed()
    before = scores()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for x in range(2100, 2900, 100):  # many more problems reported in Quelle
            contribute(known["consultation"], "problem", x, 600)
        linking.links_refresh(contribution_links())
        assert scores() == before  # not before the commit
    assert len(callbacks) == 1  # one refresh for all writes of the transaction
    assert scores()["Quelle"] != before["Quelle"]
    assert snapshot.refresh_if_stale() is False


def row_versions() -> set[str]:
    """The snapshot's rows by their PostgreSQL row versions (``xmin``): a row written anew gets another."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT quartier_id || ':' || xmin::text FROM planning_prioritysnapshot")
        return {row[0] for row in cursor.fetchall()}


def test_a_write_of_another_city_leaves_this_citys_rows_alone(known, django_capture_on_commit_callbacks):
    committed()
    with connection.cursor() as cursor:
        cursor.execute("SAVEPOINT s1")  # the rows' xmin changes with the (sub)transaction writing them
    before = row_versions()
    with django_capture_on_commit_callbacks(execute=True):
        snapshot.schedule(known["city"].pk + 1000)  # a city without Quartiere here
    assert row_versions() == before
    connection.run_on_commit.clear()  # that transaction is over
    with django_capture_on_commit_callbacks(execute=True):
        snapshot.schedule(known["city"].pk)
    assert row_versions().isdisjoint(before)  # this city's rows written anew


def test_new_weights_make_it_stale(known, settings):
    snapshot.refresh()
    settings.PLANNING_PRIORITY_WEIGHTS = {"demand": 1.0, "supply": 0.0, "coverage": 0.0}
    assert snapshot.refresh_if_stale() is True
    assert snapshot.refresh_if_stale() is False


def test_reading_the_layer_never_computes_it(known, client):
    PrioritySnapshot.objects.all().delete()
    PrioritySnapshotState.objects.all().delete()
    with CaptureQueriesContext(connection) as reads:
        items = client.get("/ogc/collections/priorities/items", {"f": "json"})
    assert items.status_code == 200 and items.json()["features"] == []
    assert not any("INSERT" in q["sql"] or "DELETE" in q["sql"] for q in reads.captured_queries)
    out = StringIO()
    call_command("refresh_priorities", "--if-stale", stdout=out)
    assert "recomputed" in out.getvalue()
    names = {
        f["properties"]["name"] for f in client.get("/ogc/collections/priorities/items").json()["features"]
    }
    assert names == {"Alpha", "Beta", "Quelle"}


def test_its_etag_follows_the_snapshot(known, client):
    snapshot.refresh()
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


def test_inside_deferred_writes_wait_and_the_end_refreshes_once(known, django_capture_on_commit_callbacks):
    """``manage.py load_demo`` runs inside ``deferred()``: its imports' writes refresh nothing each time,
    the block's end refreshes the whole snapshot once."""
    committed()
    before = scores()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, snapshot.deferred():
        for x in range(2100, 2900, 100):
            contribute(known["consultation"], "problem", x, 600)
        linking.links_refresh(contribution_links())
        with snapshot.deferred():  # nested: only the outer block refreshes
            snapshot.schedule(known["city"].pk)
        assert scores() == before
    assert callbacks == []  # nothing was scheduled on commit
    assert scores()["Quelle"] != before["Quelle"]
    assert snapshot.refresh_if_stale() is False


def test_a_deferred_block_that_raises_refreshes_nothing(known):
    committed()
    before = row_versions()
    with pytest.raises(RuntimeError), snapshot.deferred():
        snapshot.schedule(known["city"].pk)
        raise RuntimeError("the load failed")
    assert row_versions() == before
    # and the next write schedules again, as usual
    snapshot.schedule(known["city"].pk)
    assert connection.run_on_commit
