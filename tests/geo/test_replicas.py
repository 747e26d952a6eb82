"""Read replicas (geo.db.routing) against a real streaming standby of the test cluster
(``scripts/devdb replica``, or the first of ``DATABASE_REPLICA_URLS``): the map services and public
reads are served from the replica, a write and the writer's reads right after it from the primary,
a lagging or unreachable replica is skipped.

The lag is made visible: replay on the standby is paused (``pg_wal_replay_pause()``), a planner saves
a focus area on the primary, and the anonymous reads still do not show it — with the ETag of the data
before the write (ETag and body come from the same database) — while the planner, pinned to the
primary by the cookie the write set, sees it. After ``pg_wal_replay_resume()`` everybody does.

The standby replays the whole cluster, so it has this worker's test database (created on the
primary); the data must be committed to travel (``transaction=True``) and is read through the live
server, whose thread has its own connections, to the standby among them."""

import math
import os
import socket
import subprocess
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import dj_database_url
import mapbox_vector_tile
import psycopg
import pytest
import requests
from django.contrib.auth.models import User
from django.contrib.gis.geos import Point
from django.db import connection, connections
from rest_framework.authtoken.models import Token

from geo.db import routing
from geo.permissions import PLANNERS
from geo.wms.render import reset_connections
from quartiere.models import Area, Level
from tests.fixtures import feature, import_areas, import_region, square, user_in, utm_json

ROOT = Path(__file__).resolve().parents[2]
REPLICA = "replica1"
UNREACHABLE = "replica_unreachable"
# the live server's thread may connect to the replicas; as mirrors they are not flushed after a test
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA, UNREACHABLE])
MAP_SERVICES = ("items", "map", "tile")  # ETag from the data version (geo.http.map_view)
FOCUS_AREA = square(500, 200, 1500, 800)  # EPSG:25832, in the grid's city


def standby_url() -> str:
    """The standby: the first of DATABASE_REPLICA_URLS, else the private cluster's (started here)."""
    given = [url.strip() for url in os.environ.get("DATABASE_REPLICA_URLS", "").split(",") if url.strip()]
    if given:
        return given[0]
    started = subprocess.run(
        ["scripts/devdb", "replica", "start"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if started.returncode != 0:
        pytest.fail(
            "no standby: scripts/devdb replica start failed (with DATABASE_URL pointing elsewhere, set "
            f"DATABASE_REPLICA_URLS to a standby of it): {started.stderr.strip()}"
        )
    return subprocess.run(
        ["scripts/devdb", "replica", "url"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def add_alias(alias: str, host: str, port: str | int) -> None:
    """``alias``: this test database (its name on the primary) on another server."""
    own = dict(connections["default"].settings_dict)
    own.update(HOST=host, PORT=str(port), TEST={**own["TEST"], "MIRROR": "default"})
    own["OPTIONS"] = {**own["OPTIONS"], "connect_timeout": 2, "application_name": f"quartiersatlas-{alias}"}
    connections.settings[alias] = own


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def standby(django_db_setup, django_db_blocker) -> Iterator[psycopg.Connection]:
    """A superuser session on the standby (to pause and resume its replay), the aliases
    ``replica1`` (the standby) and ``replica_unreachable`` (a port nobody listens on)."""
    url = dj_database_url.parse(standby_url())
    add_alias(REPLICA, url["HOST"], url["PORT"])
    add_alias(UNREACHABLE, "127.0.0.1", free_port())
    name = connections["default"].settings_dict["NAME"]
    control = psycopg.connect(
        host=url["HOST"], port=url["PORT"], user=url["USER"], dbname=url["NAME"], autocommit=True
    )
    assert control.execute("SELECT pg_is_in_recovery()").fetchone() == (True,), "not a standby"
    control.execute("SELECT pg_wal_replay_resume()")  # a run cut short may have left it paused
    with django_db_blocker.unblock():
        wait_for_replay(control)
    assert control.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() == (1,)
    yield control
    control.execute("SELECT pg_wal_replay_resume()")
    control.close()
    for alias in (REPLICA, UNREACHABLE):
        connections[alias].close()
    with django_db_blocker.unblock():
        reset_connections(terminate=True)  # Mapnik's sessions on the primary (the standby's end with it)


def primary_lsn() -> str:
    with connection.cursor() as cursor:
        # the insert position: also WAL not yet written out (commits are asynchronous in the test cluster)
        cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
        return cursor.fetchone()[0]


def wait_for_replay(control: psycopg.Connection, timeout: float = 20) -> None:
    """Until the standby replayed everything the primary has written so far."""
    target = primary_lsn()
    deadline = time.monotonic() + timeout
    while True:
        done = control.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]).fetchone()
        if done == (True,):
            return
        assert time.monotonic() < deadline, "the standby did not catch up"
        time.sleep(0.05)


def pause_replay(control: psycopg.Connection, timeout: float = 20) -> None:
    """Pause replay on the standby and wait until it has paused: ``pg_wal_replay_pause()`` only asks,
    and a standby busy replaying the other workers' WAL may still apply a write made right after it."""
    control.execute("SELECT pg_wal_replay_pause()")
    deadline = time.monotonic() + timeout
    while control.execute("SELECT pg_get_wal_replay_pause_state()").fetchone() != ("paused",):
        assert time.monotonic() < deadline, "the standby did not pause"
        time.sleep(0.02)


def until_in_use(url: str, timeout: float = 30) -> requests.Response:
    """GET ``url`` until this process's routing finds the replica healthy when it answers.

    Other test workers write to the same cluster meanwhile, so a standby that replayed all the test wrote
    may still be a few milliseconds behind the primary's newest WAL when a request measures it; its lag
    is then bounded by the age of its last replayed commit, which can exceed a tight limit for a while.
    """
    deadline = time.monotonic() + timeout
    while True:
        response = requests.get(url, timeout=30)
        if routing.status()[REPLICA]["healthy"]:
            return response
        assert time.monotonic() < deadline, f"the replica stayed skipped: {routing.status()[REPLICA]}"
        time.sleep(0.2)


@pytest.fixture
def replicas(settings, standby) -> Iterator[None]:
    """Reads may go to ``replica1``; every request measures its lag afresh."""
    settings.DATABASE_REPLICAS = [REPLICA]
    settings.REPLICA_CHECK_SECONDS = 0
    settings.REPLICA_RETRY_SECONDS = 0
    settings.REPLICA_MAX_LAG_SECONDS = 120
    routing.forget_health()
    yield
    routing.forget_health()


@pytest.fixture
def paused(standby) -> Iterator[psycopg.Connection]:
    """Replay on the standby paused (after it caught up), resumed after the test."""
    wait_for_replay(standby)
    pause_replay(standby)
    try:
        yield standby
    finally:
        standby.execute("SELECT pg_wal_replay_resume()")


@pytest.fixture
def city(standby) -> Area:
    """The grid's city C (in the region R), committed; the standby has it before a test starts."""
    import_region()
    import_areas(Level.CITY, feature("C", "Teststadt", square(0, 0, 3000, 1000), 7000))
    import_areas(Level.QUARTIER, feature("A", "Alpha", square(0, 0, 1500, 1000), 1000))
    wait_for_replay(standby)
    return Area.objects.get(code="C")


@pytest.fixture
def planner_token(standby) -> str:
    planner: User = user_in("planner", PLANNERS)
    return Token.objects.create(user=planner).key


def tile_xyz(z: int = 14) -> tuple[int, int, int]:
    centre = FOCUS_AREA.centroid.transform(4326, clone=True)
    assert isinstance(centre, Point)
    n = 2**z
    lat = math.radians(centre.y)
    return z, int((centre.x + 180) / 360 * n), int((1 - math.asinh(math.tan(lat)) / math.pi) / 2 * n)


def reads(base: str, city: Area) -> dict[str, str]:
    """The reads of this test: the OGC API items, a WMS map, a vector tile, the public API list."""
    minx, miny, maxx, maxy = square(0, 0, 3000, 1000).extent
    wms = urllib.parse.urlencode(
        {
            "SERVICE": "WMS",
            "VERSION": "1.3.0",
            "REQUEST": "GetMap",
            "LAYERS": "focus_areas",
            "STYLES": "",
            "CRS": "EPSG:25832",
            "BBOX": f"{minx},{miny},{maxx},{maxy}",
            "WIDTH": 300,
            "HEIGHT": 100,
            "FORMAT": "image/png",
        }
    )
    z, x, y = tile_xyz()
    return {
        "items": f"{base}/ogc/collections/focus_areas/items?f=json",
        "map": f"{base}/ows?{wms}",
        "tile": f"{base}/tiles/focus_areas/{z}/{x}/{y}.mvt",
        "api": f"{base}/api/focus-areas/?city={city.pk}",
    }


def shown(kind: str, response: requests.Response) -> int | None:
    """How many focus areas the answer shows (None for the map: a picture, compared by its ETag)."""
    assert response.status_code == 200, (kind, response.status_code, response.text[:300])
    if kind == "items":
        return len(response.json()["features"])
    if kind == "api":
        return response.json()["numberMatched"]
    if kind == "tile":
        return len(mapbox_vector_tile.decode(response.content).get("focus_areas", {}).get("features", []))
    return None


def save_focus_area(base: str, token: str, city: Area) -> requests.Response:
    response = requests.post(
        f"{base}/api/focus-areas/?srid=25832",
        json={
            "city": city.pk,
            "name": "Bahnhofsumfeld",
            "rationale": "viele Beiträge",
            "priority": "high",
            "dimensions": ["green"],
            "time_horizon": "short",
            "published": True,
            "geom": utm_json(FOCUS_AREA[0]),
        },
        headers={"Authorization": f"Token {token}"},
        timeout=30,
    )
    assert response.status_code == 201, response.text[:500]
    return response


def mapnik_sessions(server: psycopg.Connection) -> int:
    """Mapnik's sessions (geo.wms.render's application name) in this test database on ``server``."""
    return server.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'quartiersatlas-wms-%%' "
        "AND datname = %s",
        [connections["default"].settings_dict["NAME"]],
    ).fetchone()[0]


def test_public_reads_come_from_the_replica_and_the_writer_reads_the_primary_until_replay(
    live_server, replicas, city, planner_token, paused
):
    base = live_server.url
    urls = reads(base, city)
    before = {kind: requests.get(url, timeout=30) for kind, url in urls.items()}
    assert {kind: shown(kind, response) for kind, response in before.items()} == {
        "items": 0,
        "map": None,
        "tile": 0,
        "api": 0,
    }
    assert mapnik_sessions(paused) > 0  # the map was drawn from the standby

    saved = save_focus_area(base, planner_token, city)  # committed on the primary, not yet replayed
    pin = saved.cookies.get("qa_primary")
    assert pin is not None and float(pin) > time.time()

    for kind, url in urls.items():
        public = requests.get(url, timeout=30)
        # the replica: the data before the write, with the ETag of the data before the write
        assert shown(kind, public) == shown(kind, before[kind]), kind
        writer = requests.get(
            url,
            headers={"Authorization": f"Token {planner_token}"},
            cookies={"qa_primary": pin},
            timeout=30,
        )
        # the planner who wrote: the primary, pinned by the cookie
        assert shown(kind, writer) in (None, 1), kind
        if kind in MAP_SERVICES:
            assert public.headers["ETag"] == before[kind].headers["ETag"], kind
            assert writer.headers["ETag"] != before[kind].headers["ETag"], kind

    # the same planner without the pin reads the map services from the replica
    unpinned = requests.get(urls["items"], headers={"Authorization": f"Token {planner_token}"}, timeout=30)
    assert shown("items", unpinned) == 0

    paused.execute("SELECT pg_wal_replay_resume()")
    wait_for_replay(paused)
    after = {kind: requests.get(url, timeout=30) for kind, url in urls.items()}
    assert {kind: shown(kind, response) for kind, response in after.items()} == {
        "items": 1,
        "map": None,
        "tile": 1,
        "api": 1,
    }
    for kind in urls:
        if kind in MAP_SERVICES:
            assert after[kind].headers["ETag"] != before[kind].headers["ETag"], kind
        assert "qa_primary" not in after[kind].cookies, kind  # a read pins nobody


def test_a_replica_lagging_beyond_the_limit_is_skipped(
    live_server, replicas, settings, city, planner_token, standby
):
    settings.REPLICA_MAX_LAG_SECONDS = 2
    items = reads(live_server.url, city)["items"]
    wait_for_replay(standby)
    assert shown("items", until_in_use(items)) == 0

    pause_replay(standby)
    try:
        save_focus_area(live_server.url, planner_token, city)  # the replica falls behind by this write
        time.sleep(2.5)
        assert shown("items", requests.get(items, timeout=30)) == 1  # from the primary
        assert routing.status()[REPLICA]["healthy"] is False
        assert routing.status()[REPLICA]["lag"] > 2
    finally:
        standby.execute("SELECT pg_wal_replay_resume()")

    wait_for_replay(standby)
    assert shown("items", until_in_use(items)) == 1  # from the replica, caught up again


def test_a_replica_that_is_down_is_skipped_and_the_read_answers_from_the_primary(
    live_server, replicas, settings, city, planner_token, standby
):
    settings.DATABASE_REPLICAS = [UNREACHABLE, REPLICA]
    save_focus_area(live_server.url, planner_token, city)
    wait_for_replay(standby)
    started = time.monotonic()
    for url in reads(live_server.url, city).values():
        response = requests.get(url, timeout=30)
        assert response.status_code == 200, (url, response.text[:300])
    assert time.monotonic() - started < 10
    assert routing.status()[UNREACHABLE]["healthy"] is False
    assert routing.status()[UNREACHABLE]["reason"].startswith("down")

    settings.DATABASE_REPLICAS = [UNREACHABLE]  # the only replica is down: the primary answers
    routing.forget_health()
    response = requests.get(reads(live_server.url, city)["items"], timeout=30)
    assert shown("items", response) == 1
