"""The server people run: vector tiles over HTTP from `make run`'s server against the bare statement.

Data: `bench.synth.ensure_areas(N)` (as in *ogc*). Server: `python -m config.server` — what `make run`, the
container and the systemd unit start: granian, 2 processes × 4 threads, keep-alive, `DEBUG` off, the access
log written (with its redaction) to a file — on loopback against the benchmark database; for comparison, the
server it replaced: gunicorn with `gthread` workers (2 × 4, keep-alive, its access log to a file too).
Requests: `GET /tiles/quartiere/14/x/y.mvt` at random tiles over the tiling, one after the other, over one
HTTP/1.1 connection kept alive (as a browser or nginx's upstream `keepalive` sends them) and, for
comparison, over a new connection each (`Connection: close`). Floor: the tile's `ST_AsMVT` statement
(`geo.tiles.queries.tile_sql`, same parameters) on a bare psycopg cursor in the benchmark process, prepared
as the endpoint prepares it, checked to give the same bytes; timed interleaved with the requests. The CPU
columns count this process and its own backend only; the note adds the server's CPU per tile (its processes
and their database backends, user + system from `/proc`, over the requests its access log counts) and gives
the ratio of all CPU a tile costs to the bare statement's — the figure a busy machine leaves intact. With
`--nice`, the server and its backends are reniced too. The note also gives the memory of each worker after
the run (PSS and RSS from `/proc/<pid>/smaps_rollup`).
"""

import http.client
import importlib.util
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from bench.core import Context, Row, benchmark
from bench.mapserver import free_port, our_server, serve, service_env
from bench.ogc import ZOOM, _bare_tile, sample_tiles
from bench.synth import ensure_areas
from geo import layers as registry
from geo.tiles import queries as tile_queries

SIZES = (10_000,)
TARGET = 1.5  # a tile over HTTP, keep-alive / its bare statement (issue 17)


def gunicorn_available() -> bool:
    """gunicorn (a test dependency, for this comparison) can be imported."""
    return importlib.util.find_spec("gunicorn") is not None


@contextmanager
def make_run_server(log_dir: Path, server: str = "ours") -> Iterator[tuple[int, int]]:
    """Our server as `make run` starts it (``bench.mapserver.our_server``), on a free loopback port; or, for
    comparison, gunicorn's ``gthread`` workers with as many processes and threads and its access log.
    Yields the port and the server's (master's) process id."""
    if server == "ours":
        with our_server({"WEB_CONCURRENCY": "2"}, log_dir=log_dir) as port:
            yield int(port), port.pid
        return
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", "2", "--worker-class", "gthread", "--threads", "4", "--keep-alive", "65",
        "--access-logfile", str(log_dir / "gunicorn-access.log"),
    ]  # fmt: skip
    with serve(command, service_env(), port) as served:
        yield int(served), served.pid


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


def server_pids(master: int) -> list[int]:
    """The server's processes (its process group) and the database backends of the benchmark database
    other than this process's own connection's: the workers' connections."""
    from django.db import connection

    done = subprocess.run(["pgrep", "-g", str(master)], capture_output=True, text=True)
    pids = [int(pid) for pid in done.stdout.split()]
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'"
        )
        return pids + [row[0] for row in cursor.fetchall()]


def cpu_ms(pids: list[int]) -> float:
    """CPU time (user + system) the processes have used, in ms (those gone since count 0)."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks * 1000 / os.sysconf("SC_CLK_TCK")


def renice(pids: list[int], level: int) -> None:
    for pid in pids:
        with suppress(OSError):  # a process gone meanwhile
            os.setpriority(os.PRIO_PROCESS, pid, level)


def worker_memory(master: int) -> list[tuple[int, int]]:
    """(PSS, RSS) in MiB of each worker of the server's ``master``."""
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
    """`GET /tiles/quartiere/14/x/y.mvt` from our server as `make run` starts it (and, for comparison,
    from gunicorn), over a keep-alive connection and over a new connection each, vs the tile's bare
    `ST_AsMVT` statement."""
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
    servers = ["ours", "gunicorn"] if gunicorn_available() else ["ours"]
    for server in servers:
        rows += _over_http(ctx, n, samples, server)
    return rows


def _over_http(ctx: Context, n: int, samples: list[tuple], server: str) -> list[Row]:
    rows = []
    with (
        tempfile.TemporaryDirectory(prefix="qa-bench-server-") as logs,
        make_run_server(Path(logs), server) as (port, master),
    ):
        client = KeepAlive(port)
        for sample in samples:
            body = client.get(sample[0])
            if body != _bare_tile(sample) or not body:
                raise AssertionError(
                    f"{sample[0]}: the served tile differs from its bare statement (or is empty)"
                )
        pids = server_pids(master)  # the workers' database connections are open by now
        if ctx.nice is not None:  # the server and its backends at the level the runner gives itself
            renice(pids, ctx.nice)
        served = [0]

        def counted(get):
            def endpoint(sample):
                served[0] += 1
                return get(sample)

            return endpoint

        cases = [
            ("keep-alive", lambda sample: client.get(sample[0]), "one connection"),
            (
                "new connection each",
                lambda sample: new_connection(port, sample[0]),
                "`Connection: close`, a new TCP connection for every tile",
            ),
        ]
        for mode, get, note in cases:
            name = f"tile z14 over HTTP, {mode}" + ("" if server == "ours" else f", {server} gthread")
            target = TARGET if server == "ours" and mode == "keep-alive" else None
            if server != "ours":
                note += "; for comparison: gunicorn gthread, the server make run started before (not now)"
            before, used = served[0], cpu_ms(pids)
            row = ctx.compare(
                name,
                n,
                samples,
                counted(get),
                _bare_tile,
                target=target,
                floor_label="bare ST_AsMVT",
                note=note,
            )
            server_ms = (cpu_ms(pids) - used) / max(served[0] - before, 1)
            if row.endpoint_cpu_ms is not None and row.floor_cpu_ms:
                total = row.endpoint_cpu_ms + server_ms
                row.note += (
                    f"; CPU per tile: server {server_ms:.2f} ms (its processes, their database backends) + "
                    f"client {row.endpoint_cpu_ms:.2f} ms = {total:.2f} ms vs the bare statement's "
                    f"{row.floor_cpu_ms:.2f} ms → {total / row.floor_cpu_ms:.2f}×"
                )
            rows.append(row)
        memory = worker_memory(master)
    label = {"ours": "granian (config/server.py)", "gunicorn": "gunicorn gthread"}[server]
    rows[0].note += f"; {label}, 2 workers × 4 threads; per worker after the run: " + ", ".join(
        f"PSS {pss} MiB (RSS {rss})" for pss, rss in memory
    )
    return rows
