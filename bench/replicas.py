"""Read replicas: the map services under load from the primary alone, and from a streaming standby.

Data and requests: those of `wms.load` (N Quartiere and N measures; random GetMap 512², OGC API items
pages of a 1 km bbox, z14 tiles). Two of our servers (as `make run` serves: granian, `DEBUG` off) run
side by side: one with the primary alone, one with `DATABASE_REPLICA_URLS` naming a hot standby of the
private cluster (`scripts/devdb replica start`: streaming replication on the same machine), so that its
map services read from the standby (counted: the service's sessions in the standby's
`pg_stat_activity`). Per service `wrk` runs against one, then the other: 8 connections, 30 s each (5 s
with `--quick`); requests per second, p50 and p99; zero errors required. On one machine the standby
shares the cores with the primary, our server and `wrk`: the figures show what the routing costs, not what
a replica on its own machine adds (docs/operations.md, "Read replicas")."""

import shutil
import subprocess
import time
import urllib.parse
from pathlib import Path

import dj_database_url
import psycopg
from django.db import connection

from bench.core import Context, Row, benchmark
from bench.mapserver import our_server
from bench.wms import ensure_wms_data, load_services, under_load

ROOT = Path(__file__).resolve().parent.parent


def standby_url(name: str) -> str:
    """The private cluster's standby (started if need be), for database ``name``."""
    subprocess.run(["scripts/devdb", "replica", "start"], cwd=ROOT, check=True)
    url = subprocess.run(
        ["scripts/devdb", "replica", "url"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    return url.rsplit("/", 1)[0] + "/" + urllib.parse.quote(name, safe="")


def wait_for_replay(standby: psycopg.Connection, timeout: float = 300) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
        target = cursor.fetchone()[0]
    deadline = time.monotonic() + timeout
    while standby.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]).fetchone() != (True,):
        if time.monotonic() > deadline:
            raise RuntimeError("the standby did not catch up")
        time.sleep(0.2)


@benchmark(sizes=(10_000,))
def load(ctx: Context, n: int) -> list[Row]:
    """Map services under load (`wrk`, as `wms.load`) from the primary alone and from a standby."""
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is missing: scripts/install-system-packages wrk")
    tiling = ensure_wms_data(n)
    seconds = 5 if ctx.quick else 30
    services = load_services(ctx, tiling)
    name = connection.settings_dict["NAME"]
    url = standby_url(name)
    parts = dj_database_url.parse(url)
    standby = psycopg.connect(
        host=parts["HOST"], port=parts["PORT"], user=parts["USER"], dbname=name, autocommit=True
    )
    wait_for_replay(standby)
    # both servers up at once, the services measured alternately (primary, replica): on a shared
    # machine the load drifts, alternating keeps the pair comparable
    with our_server() as primary_port, our_server({"DATABASE_REPLICA_URLS": url}) as replica_port:
        rows: list[Row] = []
        for service, paths in services.items():
            for label, port in (("primary only", primary_port), ("1 replica", replica_port)):
                rows += under_load(port, {service: paths}, n, seconds, label)
        sessions = standby.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
            "AND (application_name LIKE 'quartiersatlas-replica%%' "
            "OR application_name LIKE 'quartiersatlas-wms-%%')",
            [name],
        ).fetchone()[0]
    if not sessions:
        raise AssertionError("with a replica configured, nothing read from the standby")
    rows[-1].note += f"; {sessions} sessions of the service on the standby"
    standby.close()
    return rows
