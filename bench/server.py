"""The server people run: vector tiles over HTTP from `make run`'s gunicorn against the bare statement.

Data: `bench.synth.ensure_areas(N)` (as in *ogc*). Server: gunicorn with `config/gunicorn.py` — what
`make run`, the container and the systemd unit start: `gthread` workers (2 processes × 4 threads,
keep-alive), `DEBUG` off, the access log written (with its redaction) to a file — on loopback against
the benchmark database. Requests: `GET /tiles/quartiere/14/x/y.mvt` at random tiles over the tiling,
one after the other, over one HTTP/1.1 connection kept alive (as a browser or nginx's upstream
`keepalive` sends them) and, for comparison, over a new connection each (`Connection: close`, what
gunicorn's `sync` workers force on every request). Floor: the tile's `ST_AsMVT` statement
(`geo.tiles.queries.tile_sql`, same parameters) on a bare psycopg cursor in the benchmark process,
checked to give the same bytes; timed interleaved with the requests. The note gives the memory of
each worker after the run (PSS and RSS from `/proc/<pid>/smaps_rollup`).
"""

import http.client
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.core import Context, Row, benchmark
from bench.mapserver import ROOT, database_url, free_port, stop, wait_for
from bench.ogc import ZOOM, _bare_tile, sample_tiles
from bench.synth import ensure_areas
from geo import layers as registry
from geo.tiles import queries as tile_queries

SIZES = (10_000,)
TARGET = 1.5  # a tile over HTTP, keep-alive / its bare statement (issue 17)


@contextmanager
def make_run_server(log_dir: Path) -> Iterator[tuple[int, subprocess.Popen]]:
    """gunicorn as `make run` starts it (``--config config/gunicorn.py``), on a free loopback port."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-never-used-elsewhere-0123456789abcdefghijkl",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONWARNINGS": "ignore:No directory at",  # whitenoise: tiles need no collected static files
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--config",
        "config/gunicorn.py",
        "--bind",
        f"127.0.0.1:{port}",
        "--access-logfile",
        str(log_dir / "access.log"),
        "--error-logfile",
        str(log_dir / "error.log"),
    ]
    process = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    try:
        wait_for(port, "/health", process)
        yield port, process
    finally:
        stop(process)


class KeepAlive:
    """One HTTP/1.1 connection for every request; fails if the server closes it."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.local: int | None = None

    def get(self, path: str) -> bytes:
        self.conn.request("GET", path)
        response = self.conn.getresponse()
        body = response.read()
        if response.status != 200 or response.will_close:
            raise AssertionError(f"GET {path} → {response.status}, will close: {response.will_close}")
        local = self.conn.sock.getsockname()[1]
        if self.local not in (None, local):
            raise AssertionError("the server closed the keep-alive connection")
        self.local = local
        return body


def new_connection(port: int, path: str) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={"Connection": "close"})
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise AssertionError(f"GET {path} → {response.status}")
        return body
    finally:
        conn.close()


def worker_memory(master: int) -> list[tuple[int, int]]:
    """(PSS, RSS) in MiB of each worker of the gunicorn ``master``."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    memory = []
    for pid in children:
        fields = {}
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
            name, value = line.split(":", 1)
            fields[name] = int(value.split()[0])
        memory.append((fields["Pss"] // 1024, fields["Rss"] // 1024))
    return memory


@benchmark(sizes=SIZES)
def tile(ctx: Context, n: int) -> list[Row]:
    """`GET /tiles/quartiere/14/x/y.mvt` from gunicorn as `make run` starts it, over a keep-alive
    connection and over a new connection each, vs the tile's bare `ST_AsMVT` statement."""
    tiling = ensure_areas(n)
    layer = registry.get("quartiere")
    samples = [
        (
            f"/tiles/quartiere/{ZOOM}/{x}/{y}.mvt",
            tile_queries.tile_sql(layer, ZOOM),
            tile_queries.tile_params(layer, ZOOM, x, y),
        )
        for x, y in sample_tiles(tiling, ctx.samples, ctx.seed + 17)
    ]
    rows = []
    with (
        tempfile.TemporaryDirectory(prefix="qa-bench-server-") as logs,
        make_run_server(Path(logs)) as (port, process),
    ):
        client = KeepAlive(port)
        for sample in samples:
            body = client.get(sample[0])
            if body != _bare_tile(sample) or not body:
                raise AssertionError(
                    f"{sample[0]}: the served tile differs from its bare statement (or is empty)"
                )
        rows.append(
            ctx.compare(
                "tile z14 over HTTP, keep-alive",
                n,
                samples,
                lambda sample: client.get(sample[0]),
                _bare_tile,
                target=TARGET,
                floor_label="bare ST_AsMVT",
                note="one connection for all requests",
            )
        )
        rows.append(
            ctx.compare(
                "tile z14 over HTTP, new connection each",
                n,
                samples,
                lambda sample: new_connection(port, sample[0]),
                _bare_tile,
                target=None,
                floor_label="bare ST_AsMVT",
                note="`Connection: close`, as gunicorn's sync workers answer every request",
            )
        )
        memory = worker_memory(process.pid)
        logged = sum(1 for _ in (Path(logs) / "access.log").open())
    rows[0].note += (
        f"; gunicorn gthread, 2 workers × 4 threads, {logged:,} requests logged; per worker after the run: "
        + ", ".join(f"PSS {pss} MiB (RSS {rss})" for pss, rss in memory)
    )
    return rows
