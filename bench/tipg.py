"""OGC API items and vector tiles against tipg, both over HTTP from the same PostGIS table

Data: `bench.synth.ensure_areas(N)` (N Quartiere of ≈0.64 km² around Ludwigsburg, EPSG:25832). Our
`quartiere` collection reads the table `quartiere_area` with `level = 3` (the layer's source in
`quartiere/layers.py`: regions and cities share the table). tipg (developmentseed's OGC API – Features and
Tiles server on FastAPI and asyncpg; installed by the benchmark into `.bench-venv/tipg`, not into the
project's venv) serves the same table, `public.quartiere_area` and nothing else (`TIPG_DB_TABLES`, no
functions), asked for the same rows with its property filter `level=3` and for the same attributes with
`properties=` (id, code, name, slug, parent, population), its tile buffer set to ours (64 of 4096 units;
tipg's default is 256). The table has two geometry columns: `geom` (EPSG:25832), which tipg is asked
for (`geom-column=geom`, its default, the table's first) and the target is measured against, and
`geom_web`, the stored EPSG:3857 copy our tiles read; a second row per zoom gives tipg `geom_web` too.
Servers: ours as `make run` serves it (`python -m config.server`: granian,
`DEBUG` off, the access log formatted and dropped); tipg under uvicorn with uvloop and httptools
(`uvicorn[standard]`), no access log; both with 3 processes on loopback, both reading the benchmark
database. Requests: OGC API items of a random lon/lat box 2 km (≈12 features) and 15 km (≈400) wide,
`limit=1000`; vector tiles at random z14 and z12 tiles whose centre lies in the tiling (ours
`/tiles/quartiere/z/x/y.mvt`, tipg's `/collections/public.quartiere_area/tiles/WebMercatorQuad/z/x/y`).
Before timing, the first five boxes and tiles of each row must give the same features from both
(ids compared; a few may differ at the edges, see the note, which gives the counts and tile sizes).
Alternating between the servers over one keep-alive connection each; medians. Floor: tipg; ratio = ours
/ tipg.
"""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

from bench.core import Context, Row, benchmark
from bench.mapserver import PROCESSES, ROOT, Port, database_url, free_port, our_server, serve
from bench.ogc import order_sizes as order_sizes  # the runner's: the size already in the database first
from bench.ogc import sample_tiles
from bench.synth import ensure_areas
from bench.wms import GEOJSON, ITEMS_LIMIT, VIEW_WIDTHS_KM, Client, lonlat_boxes, ours_items

SIZES = (10_000, 100_000)
TILE_TARGET = 0.5  # our tile / tipg's: "Tiles: stay ≥ 2× faster than tipg" (issue 17)
ZOOMS = (14, 12)
TIPG_VERSION = "1.6.1"
REQUIREMENTS = (f"tipg=={TIPG_VERSION}", "uvicorn[standard]==0.55.0")
VENV = ROOT / ".bench-venv" / "tipg"
TABLE = "public.quartiere_area"
MVT = "application/vnd.mapbox-vector-tile"
# the attributes of our layer (tipg names the parent's column as the table does)
PROPERTIES = "id,code,name,slug,parent_id,population"
FLOOR = f"tipg {TIPG_VERSION} (uvicorn, {PROCESSES} workers)"


def tipg_venv() -> Path:
    """The bin directory of tipg's own venv (``.bench-venv/tipg``), made and filled with ``REQUIREMENTS``
    on first use (pip from PyPI): tipg's pins stay out of the project's venv."""
    marker = VENV / ".installed"
    if marker.exists() and marker.read_text().split() == list(REQUIREMENTS):
        return VENV / "bin"
    print(f"  installing {', '.join(REQUIREMENTS)} into {VENV} …", file=sys.stderr, flush=True)
    if not (VENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
    pip = [str(VENV / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, *REQUIREMENTS], check=True)
    marker.write_text("\n".join(REQUIREMENTS) + "\n")
    return VENV / "bin"


@contextmanager
def tipg() -> Iterator[Port]:
    """tipg under uvicorn, ``PROCESSES`` workers on loopback, serving ``TABLE`` of the benchmark database.
    It runs in its venv's directory, so that no ``.env`` of the project's is read as its settings."""
    bin_dir = tipg_venv()
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DATABASE_URL": database_url(),
        "TIPG_DB_SCHEMAS": json.dumps(["public"]),
        "TIPG_DB_TABLES": json.dumps([TABLE]),
        "TIPG_DB_FUNCTIONS": "[]",
        "TIPG_TILE_BUFFER": "64",  # as ours (geo.tiles.queries.BUFFER)
        "TIPG_ADD_TILES_VIEWER": "false",
    }
    command = [
        str(bin_dir / "uvicorn"), "tipg.main:app", "--host", "127.0.0.1", "--port", str(port),
        "--workers", str(PROCESSES), "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    with serve(command, env, port, ready=f"/collections/{TABLE}", cwd=VENV) as served:
        yield served


def tipg_items(bbox: str) -> str:
    query = {"bbox": bbox, "limit": ITEMS_LIMIT, "level": 3, "properties": PROPERTIES}
    return f"/collections/{TABLE}/items?{urlencode(query, safe=',')}"


def ours_tile(tile: tuple[int, int, int]) -> str:
    z, x, y = tile
    return f"/tiles/quartiere/{z}/{x}/{y}.mvt"


def tipg_tile(tile: tuple[int, int, int], column: str = "geom") -> str:
    """tipg's tile, from the geometry ``column`` of the table (its ``geom-column`` parameter): ``geom``, the
    boundary in EPSG:25832, as the table's first geometry column is tipg's default; ``geom_web`` for the
    stored copy in EPSG:3857 that our tiles read."""
    z, x, y = tile
    query = urlencode({"level": 3, "properties": PROPERTIES, "geom-column": column}, safe=",")
    return f"/collections/{TABLE}/tiles/WebMercatorQuad/{z}/{x}/{y}?{query}"


def tile_features(mvt: bytes, by_property: bool) -> tuple[set[int], set[int]]:
    """The ids of the features in the tile's only layer (the feature id, or tipg's ``id`` attribute): those
    whose geometry reaches into the tile itself, and those that only lie in its buffer."""
    import mapbox_vector_tile
    from shapely.geometry import box, shape

    layers = list(mapbox_vector_tile.decode(mvt).values())
    if len(layers) != 1:
        raise AssertionError(f"{len(layers)} layers in a tile")
    extent = layers[0]["extent"]
    inside, buffer = set(), set()
    for feature in layers[0]["features"]:
        fid = int(feature["properties"]["id"] if by_property else feature["id"])
        reaches = shape(feature["geometry"]).buffer(0).intersection(box(0, 0, extent, extent)).area > 0
        (inside if reaches else buffer).add(fid)
    return inside, buffer


def span(values: list[int]) -> str:
    return f"{min(values)}–{max(values)}"


def kib(sizes: list[int]) -> str:
    return f"{min(sizes) / 1024:.1f}–{max(sizes) / 1024:.1f} KiB"


class Counts:
    """The features of the same requests from both servers: nearly the same (their edges differ: tipg
    filters by the bounding rectangle of the box or tile in EPSG:25832; we by the box itself, and a tile
    by its buffered envelope), else the comparison fails."""

    def __init__(self) -> None:
        self.ours: list[int] = []
        self.theirs: list[int] = []
        self.only_ours: list[int] = []
        self.only_theirs: list[int] = []

    def add(self, what: str, mine: set[int], theirs: set[int]) -> None:
        if not mine or len(mine ^ theirs) > max(2, len(mine) // 10):
            raise AssertionError(f"{what}: {len(mine)} features from us, {len(theirs)} from tipg")
        self.ours.append(len(mine))
        self.theirs.append(len(theirs))
        self.only_ours.append(len(mine - theirs))
        self.only_theirs.append(len(theirs - mine))

    def __str__(self) -> str:
        return (
            f"{span(self.ours)} features (tipg {span(self.theirs)}: {span(self.only_ours)} fewer, "
            f"{span(self.only_theirs)} more)"
        )


@benchmark(sizes=SIZES)
def items(ctx: Context, n: int) -> list[Row]:
    """OGC API items of Quartiere in a lon/lat bbox 2 km and 15 km wide, from our server vs tipg under
    uvicorn (the same table and rows)."""
    tiling = ensure_areas(n)
    rows = []
    with our_server() as ours_port, tipg() as peer_port:
        ours, peer = Client(ours_port), Client(peer_port)
        for km in VIEW_WIDTHS_KM:
            samples = lonlat_boxes(tiling, ctx.samples, ctx.seed + 11 + km, km * 1000)
            counts = Counts()
            for bbox in samples[:5]:
                mine = {f["id"] for f in json.loads(ours.get(ours_items(bbox), GEOJSON))["features"]}
                theirs = {int(f["id"]) for f in json.loads(peer.get(tipg_items(bbox), GEOJSON))["features"]}
                counts.add(f"items of {bbox}", mine, theirs)
            rows.append(
                ctx.compare(
                    f"OGC items {km} km bbox",
                    n,
                    samples,
                    lambda bbox: ours.get(ours_items(bbox), GEOJSON),
                    lambda bbox: peer.get(tipg_items(bbox), GEOJSON),
                    target=None,  # issue 17 sets none against tipg; the ratio is recorded
                    floor_label=FLOOR,
                    note=f"quartiere, {counts}",
                )
            )
    return rows


@benchmark(sizes=SIZES)
def tiles(ctx: Context, n: int) -> list[Row]:
    """Vector tiles of Quartiere at random z14 and z12 tiles over the tiling, from our server vs tipg
    under uvicorn (the same table and rows); target: ours ≤ 0.5× tipg's time."""
    tiling = ensure_areas(n)
    rows = []
    with our_server() as ours_port, tipg() as peer_port:
        ours, peer = Client(ours_port), Client(peer_port)
        for z, column in [(z, column) for z in ZOOMS for column in ("geom", "geom_web")]:
            samples = [(z, x, y) for x, y in sample_tiles(tiling, ctx.samples, ctx.seed + 23 + z, z)]
            counts, buffered, peer_buffered, sizes, peer_sizes = Counts(), [], [], [], []
            for tile in samples[:5]:
                mine, theirs = ours.get(ours_tile(tile), MVT), peer.get(tipg_tile(tile, column), MVT)
                inside, buffer = tile_features(mine, by_property=False)
                peer_inside, peer_buffer = tile_features(theirs, by_property=True)
                counts.add(f"tile {tile}", inside, peer_inside)
                buffered.append(len(buffer))
                peer_buffered.append(len(peer_buffer))
                sizes.append(len(mine))
                peer_sizes.append(len(theirs))
            # the target is against tipg as pointed at the table (its first geometry column, the
            # boundary in EPSG:25832); the second row gives tipg the stored EPSG:3857 copy ours reads
            web = column == "geom_web"
            rows.append(
                ctx.compare(
                    f"tile z{z} quartiere" + (", tipg reading geom_web" if web else ""),
                    n,
                    samples,
                    lambda tile: ours.get(ours_tile(tile), MVT),
                    lambda tile, column=column: peer.get(tipg_tile(tile, column), MVT),
                    target=None if web else TILE_TARGET,
                    floor_label=FLOOR,
                    note=f"{counts} reaching into the tile; only in its buffer {span(buffered)} (tipg "
                    f"{span(peer_buffered)}); {kib(sizes)} per tile (tipg {kib(peer_sizes)})"
                    + ("; tipg with `geom-column=geom_web`, the EPSG:3857 copy ours reads" if web else ""),
                )
            )
    return rows
