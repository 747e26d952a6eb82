"""WMS GetMap against MapServer, and the map services under load.

Data: `bench.synth.ensure_areas(N)` (N Quartiere of ≈0.64 km² around Ludwigsburg, EPSG:25832) and N
measures from `bench/sql/measures_generate.sql` (points, lines, rectangles; 90 % published). Both
servers run as warm HTTP servers on loopback with the same number of processes: ours under gunicorn
(sync workers, `DEBUG` off), MapServer 8 (Debian's `mapserv`) as FastCGI under lighttpd, keeping its
PostGIS connections (`CLOSE_CONNECTION=DEFER`, as deployed), reading the same tables with an
equivalent style (`bench/mapserver/`: Quartiere outlined and labelled, measures by status in three
geometry layers) and writing AGG/PNG (RGB, zlib level 1; ours: 8-bit palette PNG, level 1).
Requests: `GetMap` of `quartiere,measures` in EPSG:25832 at 512² and 1024² over random views of 8 m
per pixel (4 km and 8 km wide) inside the tiling, alternating between the servers over one
keep-alive connection each; medians. Floor: MapServer. Load: `wrk` (8 connections, 30 s; 5 s with
`--quick`) cycling through random requests of each service against the same gunicorn; requests per
second, p50 and p99 latency, and errors (non-2xx or socket errors), which must be zero.
"""

import http.client
import json
import os
import random
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from django.db import connection

from bench.core import Context, Row, benchmark
from bench.mapserver import PROCESSES, gunicorn, mapserver
from bench.synth import Tiling, dataset_spec, ensure_areas, ensure_dataset
from geo.sql import load as load_sql

SIZES = (10_000, 100_000)
TARGET = 1.5  # our GetMap / MapServer's
SCALING_TARGET = 2.0  # at 100k features / at 10k
IMAGE_SIZES = (512, 1024)
METRES_PER_PIXEL = 8.0
MEASURES_VERSION = 1  # bump when the generated measures change
HERE = Path(__file__).resolve().parent


def order_sizes(sizes: list[int]) -> list[int]:
    spec = dataset_spec("areas") or {}
    return sorted(sizes, key=lambda n: (n != spec.get("n"), n))


def ensure_wms_data(n: int) -> Tiling:
    """N tiled Quartiere and N synthetic measures (no area links: the WMS does not read them)."""
    from measures.models import Measure

    tiling = ensure_areas(n)
    spec = {"version": MEASURES_VERSION, "n": n, "areas": dataset_spec("areas")}

    def build() -> None:
        with connection.cursor() as cursor:
            cursor.execute(load_sql(str(HERE / "measures.py"), "measures_generate"), {"n": n})

    ensure_dataset("wms_measures", spec, build, present=lambda: Measure.objects.count() == n)
    return tiling


class Client:
    """One keep-alive HTTP connection; ``get`` returns the body of a 200 image/png or raises."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def get(self, path: str) -> bytes:
        self.conn.request("GET", path)
        response = self.conn.getresponse()
        body = response.read()
        if response.status != 200 or response.getheader("Content-Type", "").split(";")[0] != "image/png":
            raise AssertionError(f"GET :{self.port}{path[:160]} → {response.status}: {body[:300]!r}")
        return body


def getmap_query(box: tuple[float, float, float, float], size: int) -> str:
    return urlencode(
        {
            "SERVICE": "WMS",
            "VERSION": "1.3.0",
            "REQUEST": "GetMap",
            "LAYERS": "quartiere,measures",
            "STYLES": "",
            "CRS": "EPSG:25832",
            "BBOX": ",".join(f"{v:.2f}" for v in box),
            "WIDTH": size,
            "HEIGHT": size,
            "FORMAT": "image/png",
        }
    )


def views(tiling: Tiling, count: int, seed: int, size: int) -> list[tuple[float, float, float, float]]:
    """``count`` random square views of ``size`` pixels at METRES_PER_PIXEL inside the tiling."""
    rng = random.Random(seed)
    half = size * METRES_PER_PIXEL / 2
    width, height = tiling.columns * tiling.cell, (tiling.n // tiling.columns) * tiling.cell
    boxes = []
    for _ in range(count):
        x = tiling.x0 + min(max(rng.uniform(0, width), half), width - half)
        y = tiling.y0 + min(max(rng.uniform(0, height), half), height - half)
        boxes.append((x - half, y - half, x + half, y + half))
    return boxes


def painted(png: bytes) -> int:
    from geo.mapnik_env import mapnik

    image = mapnik().Image.from_string(png)
    step = 4
    return sum(
        image.get_pixel(x, y) & 0xFFFFFF != 0xFFFFFF
        for y in range(0, image.height(), step)
        for x in range(0, image.width(), step)
    )


@benchmark(sizes=SIZES)
def getmap(ctx: Context, n: int) -> list[Row]:
    """`GetMap` of Quartiere and measures (EPSG:25832, 512² and 1024², 8 m/px) from our gunicorn vs
    MapServer 8 under lighttpd/FastCGI, the same data and an equivalent style."""
    tiling = ensure_wms_data(n)
    rows = []
    with gunicorn() as ours_port, mapserver() as peer_port:
        ours, peer = Client(ours_port), Client(peer_port)
        for size in IMAGE_SIZES:
            samples = [
                getmap_query(box, size) for box in views(tiling, ctx.samples // 2, ctx.seed + size, size)
            ]
            for query in samples[:3]:  # both draw something, so both do the work
                for client, path in ((ours, f"/ows?{query}"), (peer, f"/mapserv?{query}")):
                    if painted(client.get(path)) < 50:
                        raise AssertionError(f"an (almost) empty map from :{client.port}{path[:120]}")
            save = os.environ.get("BENCH_WMS_SAVE")  # a directory: one image of each server, to look at
            if save:
                Path(save, f"ours-{n}-{size}.png").write_bytes(ours.get(f"/ows?{samples[0]}"))
                Path(save, f"mapserver-{n}-{size}.png").write_bytes(peer.get(f"/mapserv?{samples[0]}"))
            rows.append(
                ctx.compare(
                    f"GetMap {size}²",
                    n,
                    samples,
                    lambda query: ours.get(f"/ows?{query}"),
                    lambda query: peer.get(f"/mapserv?{query}"),
                    target=TARGET,
                    scaling_target=SCALING_TARGET,
                    floor_label="MapServer 8 (FastCGI)",
                    note=f"quartiere + measures, {size * METRES_PER_PIXEL / 1000:g} km wide",
                )
            )
    return rows


# --- under load ---------------------------------------------------------------------------------------

WRK_SCRIPT = """
local paths = %s
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  local format = '{"requests": %%d, "seconds": %%f, "p50": %%f, "p99": %%f, "errors": %%d, "non2xx": %%d}\\n'
  io.write(string.format(format,
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(99) / 1e3,
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def wrk(port: int, paths: list[str], seconds: int, connections: int = 8) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % ("{" + ", ".join(json.dumps(p) for p in paths) + "}"))
    try:
        done = subprocess.run(
            [
                "wrk",
                "-t",
                "2",
                "-c",
                str(connections),
                "-d",
                f"{seconds}s",
                "--timeout",
                "30s",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}",
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=True,
        )
    finally:
        os.unlink(script.name)
    return json.loads(done.stdout.strip().splitlines()[-1])


def load_services(ctx: Context, tiling: Tiling) -> dict[str, list[str]]:
    """The requests of the load test per service: 200 random GetMap 512², OGC API items pages of a
    1 km bbox and z14 tiles inside the tiling (also used by ``bench.replicas``)."""
    from bench.ogc import sample_tiles

    boxes = views(tiling, 200, ctx.seed + 7, 512)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_XMin(t.b), ST_YMin(t.b), ST_XMax(t.b), ST_YMax(t.b) "
            "FROM unnest(%s::float8[], %s::float8[]) AS s(x, y), LATERAL (SELECT ST_Transform("
            "ST_Expand(ST_SetSRID(ST_MakePoint(s.x, s.y), 25832), 500), 4326)::box2d AS b) AS t",
            [[(b[0] + b[2]) / 2 for b in boxes], [(b[1] + b[3]) / 2 for b in boxes]],
        )
        lonlat = cursor.fetchall()
    return {
        "GetMap 512²": [f"/ows?{getmap_query(box, 512)}" for box in boxes],
        "OGC items (1 km bbox)": [
            "/ogc/collections/quartiere/items?limit=100&bbox=" + ",".join(f"{v:.6f}" for v in box)
            for box in lonlat
        ],
        "tile z14": [f"/tiles/quartiere/14/{x}/{y}.mvt" for x, y in sample_tiles(tiling, 200, ctx.seed + 9)],
    }


@benchmark(sizes=(100_000,))
def load(ctx: Context, n: int) -> list[Row]:
    """Under load: `wrk`, 8 connections on loopback, 30 s per service against gunicorn (GetMap 512²,
    OGC API items of a 1 km bbox, z14 tiles); requests/s, p50, p99; zero errors required."""
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is missing: scripts/install-system-packages wrk")
    tiling = ensure_wms_data(n)
    seconds = 5 if ctx.quick else 30
    services = load_services(ctx, tiling)
    with gunicorn() as port:
        return under_load(port, services, n, seconds, "load")


def under_load(port: int, services: dict[str, list[str]], n: int, seconds: int, label: str) -> list[Row]:
    """``wrk`` through each service's requests against the gunicorn on ``port``: a row per service
    (p99 and p50, requests per second); any error fails the run."""
    rows = []
    for name, paths in services.items():
        wrk(port, paths[:20], 2)  # warm every worker
        result = wrk(port, paths, seconds)
        errors = result["errors"] + result["non2xx"]
        rows.append(
            Row(
                name=f"{label}: {name}",
                n=n,
                endpoint_ms=result["p99"],
                floor_ms=result["p50"],
                target=None,
                samples=result["requests"],
                floor="p50 (endpoint column: p99)",
                note=f"{result['requests'] / result['seconds']:.1f} req/s, {errors} errors, "
                f"8 connections, {seconds} s, gunicorn {PROCESSES} workers",
            )
        )
        if errors:
            raise AssertionError(f"{label}, {name} under load: {errors} errors")
    return rows
