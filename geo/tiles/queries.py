"""The SQL of a vector tile: ``ST_AsMVT`` over a layer's source, filtered in the storage CRS.

The tile's envelope (web mercator, with the buffer) is transformed to EPSG:25832 by
``qa_bbox_in_storage`` — an immutable function of constants, folded when the statement is planned —
so that ``src.geom && <box>`` is an index condition on the layer's table. Geometry is simplified
in EPSG:25832 by half a tile unit of the zoom level before it is transformed and snapped by
``ST_AsMVTGeom``; points are not touched. Rows whose geometry vanishes in the tile (NULL from
``ST_AsMVTGeom``) are skipped by ``ST_AsMVT`` itself: an outer ``WHERE geom IS NOT NULL`` would be
pushed down and compute ``ST_AsMVTGeom`` twice.

A layer with a ``source_3857`` (its geometry stored in EPSG:3857 too, with a spatial index: the
Quartiere and regions, ``quartiere_area.geom_web``) is read from that instead: filtered by the
buffered tile envelope itself and nothing transformed. Transforming was ≈40 % of a z14 tile's
statement and ≈35 % of a z12 one's (docs/benchmarks.md, *tipg*).

Most of ``ST_AsMVTGeom``'s time on a polygon is making it valid again after snapping it to the tile's
grid. A ``source_3857`` that also gives each geometry's minimum clearance (``Layer.source_3857_clearance``)
lets the tile skip that for the polygons that cannot need it: one that lies inside the buffered tile
(nothing to clip) and whose clearance exceeds ``ROBUST_UNITS`` tile units is written as it is, mapped to
tile units and snapped (``ST_Affine``, ``ST_SnapToGrid``), its exterior rings turned clockwise as the
MVT specification wants. Snapping moves each vertex by at most √2/2 of a unit, so no vertex gets closer
to a segment it does not end by more than √2 units: below the clearance, no ring can touch or cross
another, and the polygon stays valid. Every other polygon takes ``ST_AsMVTGeom`` (clipped, validated).
The fast polygons are the same shapes ``ST_AsMVTGeom`` writes (``ST_Equals`` in tile units), only
collinear vertices are kept (≈1 % more bytes in a z12 tile of the benchmark's Quartiere).

The statement is prepared (``geo.db``'s ``prepared_cursor``): its text is fixed per layer and zoom
band, so each database session parses it once and, after five runs, keeps a generic plan; parsing and
planning had been half of a z14 tile's time in the database. A generic plan may read the rows in
another order than a custom one, so ``ST_AsMVT`` takes its features ordered by id: a tile is the same
bytes whatever the plan, the worker or the rows' places in the table.
"""

import functools
import math

from geo import crs, dataversion
from geo import layers as registry
from geo.db.routing import read_connection as connection  # reads: a replica or the primary
from geo.layers import Layer

EXTENT = 4096  # tile units per side (the MVT default)
BUFFER = 64  # tile units around the tile that are kept, so that lines and labels join across tiles
WORLD = 2 * math.pi * 6378137.0  # width of the web mercator square in metres
ORIGIN = WORLD / 2
# Below this tolerance (metres) simplifying is not worth a pass over the vertices.
MIN_TOLERANCE_M = 0.5
# A polygon whose minimum clearance exceeds this many tile units stays valid when snapped (> √2 needed)
ROBUST_UNITS = 2.0


def tile_bounds(z: int, x: int, y: int, margin: float = 0.0) -> tuple[float, float, float, float]:
    """The tile's envelope in EPSG:3857 (xmin, ymin, xmax, ymax), widened by ``margin`` × its size."""
    size = WORLD / 2**z
    xmin = -ORIGIN + x * size
    ymax = ORIGIN - y * size
    pad = margin * size
    return xmin - pad, ymax - size - pad, xmin + size + pad, ymax + pad


def tolerance(z: int) -> float:
    """Half a tile unit at zoom ``z`` in metres of EPSG:25832 (web mercator metres shrink with
    cos(latitude), ≈0.66 at 49° N; 0.6 keeps the tolerance on the safe side in Germany)."""
    unit = WORLD / 2**z / EXTENT
    value = 0.5 * unit * 0.6
    return value if value >= MIN_TOLERANCE_M else 0.0


def _value(name: str, kind: str) -> str:
    column = "src." + connection.ops.quote_name(name)
    # ST_AsMVT writes text, numbers and booleans natively; dates as ISO 8601 text, as in GeoJSON
    if kind in {"date", "datetime"}:
        return f"to_json({column}) #>> '{{}}' AS {connection.ops.quote_name(name)}"
    return column


def tile_sql(layer: Layer, z: int) -> str:
    """The bare ``ST_AsMVT`` statement of ``layer`` at zoom ``z`` (parameters: ``tile_params``)."""
    attributes = tuple(layer.attributes.items())
    web = layer.source_3857 is not None
    source = registry.source_sql(layer, layer.source_3857 if web else None)
    robust = web and layer.source_3857_clearance and layer.geometry_type in ("Polygon", "MultiPolygon")
    return _tile_sql(source, web, layer.geometry_type, attributes, tolerance(z) > 0, robust)


@functools.lru_cache(maxsize=256)
def _tile_sql(
    source: str,
    web: bool,
    geometry_type: str,
    attributes: tuple[tuple[str, str], ...],
    simplify: bool,
    robust: bool = False,
) -> str:
    """``web``: ``source``'s geometry is in EPSG:3857 (a ``source_3857``), else in the storage CRS. The
    tolerance is in metres of either (in EPSG:3857 it is then less than half a tile unit: still safe).
    ``robust``: ``source`` gives ``clearance``; robust polygons inside the tile skip ``ST_AsMVTGeom``."""
    geom = "src.geom"
    if geometry_type not in ("Point", "MultiPoint") and simplify:
        geom = f"ST_Simplify({geom}, %(tolerance)s)"
    buffered = "ST_MakeEnvelope(%(bxmin)s, %(bymin)s, %(bxmax)s, %(bymax)s, 3857)"
    if web:
        within = f"src.geom && {buffered}"
    else:
        geom = f"ST_Transform({geom}, 3857)"
        box = "%(bxmin)s, %(bymin)s, %(bxmax)s, %(bymax)s"
        within = f"src.geom && qa_bbox_in_storage({box}, 3857, {crs.STORAGE_SRID})"
    mvt = f"""ST_AsMVTGeom({geom},
                        ST_MakeEnvelope(%(xmin)s, %(ymin)s, %(xmax)s, %(ymax)s, 3857),
                        {EXTENT}, {BUFFER}, true)"""
    if robust:
        snapped = "ST_SnapToGrid(ST_Affine(src.geom, %(sx)s, 0, 0, %(sy)s, %(ox)s, %(oy)s), 1)"
        # tile units run downwards: the MVT's clockwise exterior ring is counter-clockwise to PostGIS
        mvt = f"""CASE WHEN src.clearance > %(robust)s AND src.geom @ {buffered}
                THEN ST_ForcePolygonCCW({snapped})
                ELSE {mvt} END"""
    columns = ", ".join(_value(name, kind) for name, kind in attributes)
    return f"""
SELECT ST_AsMVT(t, %(name)s, {EXTENT}, 'geom', 'id' ORDER BY t.id)
FROM (
    SELECT src.id,
           {mvt} AS geom{", " + columns if columns else ""}
    FROM ({source}) AS src
    WHERE {within}
) AS t
"""


def tile_params(
    layer: Layer, z: int, x: int, y: int, parameters: dict[str, int | None] | None = None
) -> dict:
    """The bound parameters of ``tile_sql``; ``parameters``: a parameterised layer's resolved values."""
    xmin, ymin, xmax, ymax = tile_bounds(z, x, y)
    bxmin, bymin, bxmax, bymax = tile_bounds(z, x, y, BUFFER / EXTENT)
    unit = (xmax - xmin) / EXTENT
    return {
        "name": layer.id,
        "tolerance": tolerance(z),
        # a robust polygon's mapping to tile units (x right, y down from the tile's top left corner)
        "robust": ROBUST_UNITS * unit,
        "sx": 1 / unit,
        "sy": -1 / unit,
        "ox": -xmin / unit,
        "oy": ymax / unit,
        "xmin": xmin,
        "ymin": ymin,
        "xmax": xmax,
        "ymax": ymax,
        "bxmin": bxmin,
        "bymin": bymin,
        "bxmax": bxmax,
        "bymax": bymax,
        **registry.bound(layer, parameters),
    }


def versioned_tile_sql(layer: Layer, z: int, *, conditional: bool) -> str:
    return _versioned_tile_sql(tile_sql(layer, z), tuple(layer.tables), conditional)


@functools.lru_cache(maxsize=512)
def _versioned_tile_sql(tile: str, tables: tuple[str, ...], conditional: bool) -> str:
    """``tile_sql`` and the layer's data version token in one statement (one round trip). The token
    comes first (``dataversion.version_sql``: index lookups planned in microseconds). ``conditional``:
    the tile is only built when the token differs from ``%(claimed)s`` (NULL otherwise); that CASE
    costs planning time, so a request without a claim gets the plain pair."""
    version = dataversion.version_sql(tables)
    if conditional:
        return f"""
SELECT v.token, CASE WHEN v.token = %(claimed)s THEN NULL ELSE ({tile}) END
FROM (SELECT {version} AS token) AS v
"""
    return f"SELECT {version}, ({tile})"


def versioned_tile(
    layer: Layer,
    z: int,
    x: int,
    y: int,
    *,
    claimed: int | None,
    parameters: dict[str, int | None] | None = None,
) -> tuple[int, bytes | None]:
    """(data version token, tile bytes), or (token, None) when the token equals ``claimed``: the
    client's copy is current and the tile was not built. One statement: the token and the tile are
    read from the same snapshot."""
    params = tile_params(layer, z, x, y, parameters)
    params["claimed"] = claimed
    sql = versioned_tile_sql(layer, z, conditional=claimed is not None)
    with connection.prepared_cursor() as cursor:  # parsed and planned once per session
        cursor.execute(sql, params)
        token, data = cursor.fetchone()
    if data is None:
        return token, (None if claimed is not None and token == claimed else b"")
    return token, bytes(data)
