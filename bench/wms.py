"""WMS GetMap and OGC API items against MapServer, and the map services under load.

Data: `bench.synth.ensure_areas(N)` (N Quartiere of ≈0.64 km² around Ludwigsburg, EPSG:25832) and N
measures from `bench/sql/measures_generate.sql` (points, lines, rectangles; 90 % published). Both
servers run as warm HTTP servers on loopback with the same number of processes: ours as `make run`
serves it (`python -m config.server`: granian, 4 threads a process, keeping connections alive, the
redacting access log; `DEBUG` off), MapServer 8 (Debian's `mapserv`) as FastCGI under lighttpd,
keeping its PostGIS connections (`CLOSE_CONNECTION=DEFER`, as deployed), reading the same tables with an
equivalent style (`bench/mapserver/`: Quartiere outlined and labelled, measures by status in three
geometry layers) and writing AGG/PNG (RGB, zlib level 1; ours: truecolour RGBA PNG by fpng).
Requests: `GetMap` of `quartiere,measures` at 512² and 1024² over random views 2 km and 15 km wide
inside the tiling, in EPSG:25832 and EPSG:3857 (eight cases); OGC API items of `quartiere` in random
lon/lat boxes 2 km (≈12 features) and 15 km (≈400) wide, `limit=1000`, from ours and from MapServer's
OGC API – Features; alternating between the servers over one keep-alive connection each; medians.
Floor: MapServer. Load: `wrk` (8 connections, 60 s; 5 s with `--quick`) cycling through random
requests of each service, ours and MapServer's; requests per second, p50 and p99 latency, errors
(non-2xx or socket errors, which must be zero) and the proportional set size (PSS) of each worker
after the run. `BENCH_SOAK=600` adds a soak of our server of that many seconds (GetMap and items
alternating) with the workers' PSS before and after (workers are never replaced: `SERVER_MAX_RSS` is
off by default, so this is each worker's own growth).
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
from bench.mapserver import PROCESSES, mapserver, our_server
from bench.synth import Tiling, dataset_spec, ensure_areas, ensure_dataset
from geo.sql import load as load_sql

SIZES = (10_000, 100_000)
TARGET = 1.0  # our GetMap and items / MapServer's (issue 17)
SCALING_TARGET = 2.0  # at 100k features / at 10k
IMAGE_SIZES = (512, 1024)
VIEW_WIDTHS_KM = (2, 15)
MAP_SRIDS = (25832, 3857)
ITEMS_LIMIT = 1000
GEOJSON = "application/geo+json"
PEER_JSON = "application/json"  # MapServer 8 answers GeoJSON items as application/json
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
        self.port = int(port)
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)

    def get(self, path: str, media: str = "image/png") -> bytes:
        self.conn.request("GET", path)
        response = self.conn.getresponse()
        body = response.read()
        if response.status != 200 or response.getheader("Content-Type", "").split(";")[0] != media:
            raise AssertionError(f"GET :{self.port}{path[:160]} → {response.status}: {body[:300]!r}")
        return body


def getmap_query(box: tuple[float, float, float, float], size: int, srid: int = 25832) -> str:
    return urlencode(
        {
            "SERVICE": "WMS",
            "VERSION": "1.3.0",
            "REQUEST": "GetMap",
            "LAYERS": "quartiere,measures",
            "STYLES": "",
            "CRS": f"EPSG:{srid}",
            "BBOX": ",".join(f"{v:.2f}" for v in box),
            "WIDTH": size,
            "HEIGHT": size,
            "FORMAT": "image/png",
        }
    )


def views(tiling: Tiling, count: int, seed: int, width_m: float) -> list[tuple[float, float, float, float]]:
    """``count`` random square views ``width_m`` wide inside the tiling (EPSG:25832)."""
    rng = random.Random(seed)
    half = width_m / 2
    width, height = tiling.columns * tiling.cell, (tiling.n // tiling.columns) * tiling.cell
    boxes = []
    for _ in range(count):
        x = tiling.x0 + min(max(rng.uniform(0, width), half), width - half)
        y = tiling.y0 + min(max(rng.uniform(0, height), half), height - half)
        boxes.append((x - half, y - half, x + half, y + half))
    return boxes


def transformed(boxes: list[tuple[float, float, float, float]], srid: int) -> list[tuple[float, ...]]:
    """The boxes (EPSG:25832) as boxes in ``srid`` (their corners' bounding box, edges densified)."""
    if srid == 25832:
        return boxes
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_XMin(t.b), ST_YMin(t.b), ST_XMax(t.b), ST_YMax(t.b) "
            "FROM unnest(%s::float8[], %s::float8[], %s::float8[], %s::float8[]) WITH ORDINALITY "
            "AS s(x0, y0, x1, y1, i), LATERAL (SELECT ST_Transform(ST_Segmentize("
            "ST_MakeEnvelope(s.x0, s.y0, s.x1, s.y1, 25832), 100), %s)::box2d AS b) AS t ORDER BY s.i",
            [[b[i] for b in boxes] for i in range(4)] + [srid],
        )
        return [tuple(row) for row in cursor.fetchall()]


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
    """`GetMap` of Quartiere and measures (512² and 1024², 2 km and 15 km wide, EPSG:25832 and 3857)
    from our server vs MapServer 8 under lighttpd/FastCGI, the same data and an equivalent style."""
    tiling = ensure_wms_data(n)
    rows = []
    with our_server() as ours_port, mapserver() as peer_port:
        ours, peer = Client(ours_port), Client(peer_port)
        for km in VIEW_WIDTHS_KM:
            for size in IMAGE_SIZES:
                boxes = views(tiling, ctx.samples // 2, ctx.seed + size + km, km * 1000)
                for srid in MAP_SRIDS:
                    samples = [getmap_query(box, size, srid) for box in transformed(boxes, srid)]
                    for query in samples[:3]:  # both draw something, so both do the work
                        for client, path in ((ours, f"/ows?{query}"), (peer, f"/mapserv?{query}")):
                            if painted(client.get(path)) < 50:
                                raise AssertionError(f"an (almost) empty map from :{client.port}{path[:120]}")
                    save = os.environ.get("BENCH_WMS_SAVE")  # a directory: one image of each, to look at
                    if save:
                        stem = f"{n}-{km}km-{size}-{srid}.png"
                        Path(save, f"ours-{stem}").write_bytes(ours.get(f"/ows?{samples[0]}"))
                        Path(save, f"mapserver-{stem}").write_bytes(peer.get(f"/mapserv?{samples[0]}"))
                    rows.append(
                        ctx.compare(
                            f"GetMap {km} km {size}² EPSG:{srid}",
                            n,
                            samples,
                            lambda query: ours.get(f"/ows?{query}"),
                            lambda query: peer.get(f"/mapserv?{query}"),
                            target=TARGET,
                            scaling_target=SCALING_TARGET,
                            floor_label="MapServer 8 (FastCGI)",
                            note=f"quartiere + measures, {km * 1000 / size:.1f} m/px",
                        )
                    )
    return rows


def lonlat_boxes(tiling: Tiling, count: int, seed: int, width_m: float) -> list[str]:
    """Random ``bbox`` parameters (lon/lat) of squares ``width_m`` wide inside the tiling."""
    return [
        ",".join(f"{v:.6f}" for v in box) for box in transformed(views(tiling, count, seed, width_m), 4326)
    ]


def ours_items(bbox: str) -> str:
    return f"/ogc/collections/quartiere/items?f=json&limit={ITEMS_LIMIT}&bbox={bbox}"


def peer_items(bbox: str) -> str:
    return f"/mapserv/bench/ogcapi/collections/quartiere/items?f=json&limit={ITEMS_LIMIT}&bbox={bbox}"


@benchmark(sizes=SIZES)
def items(ctx: Context, n: int) -> list[Row]:
    """OGC API items of Quartiere in a lon/lat bbox 2 km and 15 km wide, from our server vs MapServer
    8's OGC API – Features under lighttpd/FastCGI (the same table)."""
    tiling = ensure_wms_data(n)
    rows = []
    with our_server() as ours_port, mapserver() as peer_port:
        ours, peer = Client(ours_port), Client(peer_port)
        for km in VIEW_WIDTHS_KM:
            samples = lonlat_boxes(tiling, ctx.samples, ctx.seed + 11 + km, km * 1000)
            returned, extra = [], []
            for bbox in samples[:3]:  # the same, but MapServer's extra (≤ 10 %): box-only
                mine = {f["id"] for f in json.loads(ours.get(ours_items(bbox), GEOJSON))["features"]}
                theirs = {int(f["id"]) for f in json.loads(peer.get(peer_items(bbox), PEER_JSON))["features"]}
                if not mine <= theirs or len(theirs - mine) > max(2, len(mine) // 10):
                    raise AssertionError(
                        f"items of {bbox}: {len(mine)} from us, {len(theirs)} from MapServer"
                    )
                returned.append(len(mine))
                extra.append(len(theirs - mine))
            rows.append(
                ctx.compare(
                    f"OGC items {km} km bbox",
                    n,
                    samples,
                    lambda bbox: ours.get(ours_items(bbox), GEOJSON),
                    lambda bbox: peer.get(peer_items(bbox), PEER_JSON),
                    target=TARGET,
                    scaling_target=SCALING_TARGET,
                    floor_label="MapServer 8 OGC API (FastCGI)",
                    note=f"quartiere, {min(returned)}–{max(returned)} features (MapServer: "
                    f"+{min(extra)}–{max(extra)} whose box only meets the bbox)",
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


def under_load(port: int, services: dict[str, list[str]], n: int, seconds: int, label: str) -> list[Row]:
    """``wrk`` through each service's requests against our server on ``port``: a row per service
    (``load_row``, named ``<label>: <service>``); any error fails the run."""
    rows = []
    for name, paths in services.items():
        wrk(port, paths[:20], 2)  # warm every worker
        result = wrk(port, paths, seconds)
        who = f"granian, {PROCESSES} workers"
        row = load_row(name, n, result, seconds, who, worker_pss(port.pid))
        row.name = f"{label}: {name}"
        rows.append(row)
        if result["errors"] + result["non2xx"]:
            raise AssertionError(f"{label}, {name} under load: {result['errors'] + result['non2xx']} errors")
    return rows


def load_row(name: str, n: int, result: dict, seconds: int, who: str, pss: list[float]) -> Row:
    errors = result["errors"] + result["non2xx"]
    return Row(
        name=f"load: {name}",
        n=n,
        endpoint_ms=result["p99"],
        floor_ms=result["p50"],
        target=None,
        samples=result["requests"],
        floor="p50 (endpoint column: p99)",
        note=f"{result['requests'] / result['seconds']:.1f} req/s, {errors} errors, 8 connections, "
        f"{seconds} s, {who}; PSS per worker {min(pss, default=0):.0f}–{max(pss, default=0):.0f} MiB",
    )


def worker_pss(pid: int) -> list[float]:
    from bench.mapserver import pss_mib, workers

    return [pss_mib(child) for child in workers(pid)]


@benchmark(sizes=(100_000,))
def load(ctx: Context, n: int) -> list[Row]:
    """Under load: `wrk`, 8 connections on loopback, 60 s per service against our server and against
    MapServer (GetMap 512² 2 km, OGC API items of a 2 km bbox; z14 tiles ours only); requests/s, p50,
    p99, PSS per worker; zero errors required. ``BENCH_SOAK=<seconds>``: a soak with PSS before/after."""
    from bench.ogc import sample_tiles

    if not shutil.which("wrk"):
        raise RuntimeError("wrk is missing: scripts/install-system-packages wrk")
    tiling = ensure_wms_data(n)
    seconds = 5 if ctx.quick else 60
    boxes = views(tiling, 200, ctx.seed + 7, 2000)
    bboxes = lonlat_boxes(tiling, 200, ctx.seed + 8, 2000)
    ours_paths = {
        "GetMap 512² 2 km": [f"/ows?{getmap_query(box, 512)}" for box in boxes],
        "OGC items (2 km bbox)": [ours_items(bbox) for bbox in bboxes],
        "tile z14": [f"/tiles/quartiere/14/{x}/{y}.mvt" for x, y in sample_tiles(tiling, 200, ctx.seed + 9)],
    }
    peer_paths = {
        "GetMap 512² 2 km": [f"/mapserv?{getmap_query(box, 512)}" for box in boxes],
        "OGC items (2 km bbox)": [peer_items(bbox) for bbox in bboxes],
    }
    rows = []
    failed = []
    for who, server, paths in (
        (f"ours (granian, {PROCESSES} workers × 4 threads)", our_server, ours_paths),
        (f"MapServer 8 (lighttpd, {PROCESSES} FastCGI processes)", mapserver, peer_paths),
    ):
        with server() as port:
            for name, service in paths.items():
                wrk(port, service[:20], 2)  # warm every worker
                result = wrk(port, service, seconds)
                rows.append(load_row(name, n, result, seconds, who, worker_pss(port.pid)))
                if result["errors"] + result["non2xx"]:
                    failed.append(f"{name} ({who})")
            soak = int(os.environ.get("BENCH_SOAK", "0"))
            if soak and server is our_server:  # the target is ours; MapServer's 25 MiB processes are C
                before = worker_pss(port.pid)
                mixed = [p for pair in zip(*list(paths.values())[:2], strict=True) for p in pair]
                result = wrk(port, mixed, soak)
                after = worker_pss(port.pid)
                growth = (sum(after) / sum(before) - 1) * 100 if before else 0.0
                row = load_row(f"soak {soak} s (GetMap + items)", n, result, soak, who, after)
                row.note += f" (before {min(before):.0f}–{max(before):.0f}; total {growth:+.1f} %)"
                rows.append(row)
    if failed:
        raise AssertionError(f"errors under load: {', '.join(failed)}")
    return rows
