"""Data versions of the layers: what the map services' ETags are made of.

Every table named in a registered ``Layer.tables`` carries a statement-level trigger
(``AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE … FOR EACH STATEMENT``) that bumps the table's row in
``geo_dataversion`` (see ``geo/sql/dataversion.sql``) inside the writing transaction. A layer's
version is the tuple of its tables' versions; reading the versions of any set of layers is one
indexed query (``read``).

Usage (the WMS, OGC API and tile views go through ``geo.http.map_view``, which does this for them)::

    versions = dataversion.read(layers)        # one query
    versions.token(layers)                     # an int that changes whenever their data does
    dataversion.layer_extent(layer, versions)  # (minx, miny, maxx, maxy) in EPSG:4326, cached per version

Read the versions *before* the data: a write committed in between then only makes the next request
miss the cache, it can never make stale data look current.

Triggers are created by ``install_triggers``, which runs after every ``migrate`` (``post_migrate``,
connected in ``geo.apps``) because the apps register their layers at start-up. A new table in a
layer's ``tables`` gets its trigger with the next ``migrate``.
"""

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections

from geo import crs
from geo import layers as registry
from geo.db.routing import read_connection
from geo.layers import Layer

TRIGGER_NAME = "qa_data_version"


def layer_tables(layers: Iterable[Layer] | None = None) -> list[str]:
    """The source tables of ``layers`` (default: all registered layers), sorted, without repeats."""
    chosen = registry.all_layers() if layers is None else layers
    return sorted({table for layer in chosen for table in layer.tables})


def install_triggers(tables: Iterable[str] | None = None, *, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Create the data-version trigger on each of ``tables`` (default: the tables of all registered
    layers) that exists and lacks it. Idempotent; returns the tables it was created on now."""
    wanted = sorted(set(layer_tables() if tables is None else tables))
    if not wanted:
        return []
    connection = connections[using]
    created = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('geo_dataversion') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return []  # geo's migration has not run (yet)
        cursor.execute(
            """
            SELECT t.name
            FROM unnest(%s::text[]) AS t(name)
            WHERE to_regclass(quote_ident(t.name)) IS NOT NULL
              AND NOT EXISTS (
                SELECT 1 FROM pg_trigger AS g
                WHERE g.tgrelid = to_regclass(quote_ident(t.name)) AND g.tgname = %s)
            ORDER BY t.name
            """,
            [wanted, TRIGGER_NAME],
        )
        missing = [row[0] for row in cursor.fetchall()]
        for table in missing:
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {TRIGGER_NAME} "
                f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {connection.ops.quote_name(table)} "
                "FOR EACH STATEMENT EXECUTE FUNCTION qa_bump_data_version()"
            )
            created.append(table)
    return created


def install_triggers_after_migrate(sender, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """``post_migrate`` receiver (connected in ``geo.apps``; runs once per app with models)."""
    install_triggers(using=using)


def definition_digest(layer: Layer) -> str:
    """Changes when the layer's SQL, attributes or geometry type change (a deploy can change what a
    layer serves without any write to its tables). Computed once per registered layer object."""
    known = _digests.get(layer.id)
    if known is not None and known[0] is layer:
        return known[1]
    parts = (
        layer.id,
        layer.source,
        repr(sorted(layer.attributes.items())),
        layer.geometry_type,
        repr([(p.name, p.kind) for p in layer.parameters]),
    )
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8).hexdigest()
    _digests[layer.id] = (layer, digest)
    return digest


_digests: dict[str, tuple[Layer, str]] = {}


@dataclass(frozen=True)
class Versions:
    """The versions of some tables as read in one query; tables never written since their trigger
    was installed have version 0."""

    tables: dict[str, int]

    def of(self, layer: Layer) -> tuple[int, ...]:
        return tuple(self.tables.get(table, 0) for table in layer.tables)

    def token(self, layers: Iterable[Layer]) -> int:
        """One number that changes whenever the data of any of ``layers`` does: the highest version of
        their tables. Every bump draws a new, higher value from one sequence, so the highest version
        rises with each write to any of the tables. (Definitions are hashed into the ETag apart.)"""
        return max((version for layer in layers for version in self.of(layer)), default=0)


TABLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def version_sql(tables: Iterable[str]) -> str:
    """The token of ``tables`` (the highest version, 0 if never written) as an SQL expression to put
    into a view's own statement (``geo.http.Conditional``). The table names are written into the SQL
    as literals (they come from layer definitions, never from a request, and are checked here): one
    primary-key lookup per table, which plans and runs in ≈25 µs where ``max(…) … = ANY(array)`` took
    ≈55 µs — this runs with every vector tile."""
    names = sorted(set(tables))
    for name in names:
        if not TABLE_NAME.fullmatch(name):
            raise ValueError(f"not a table name: {name!r}")
    if not names:
        return "0::bigint"
    lookups = [
        f"coalesce((SELECT d.version FROM geo_dataversion AS d WHERE d.table_name = '{name}'), 0)"
        for name in names
    ]
    return lookups[0] if len(lookups) == 1 else f"greatest({', '.join(lookups)})"


def read(layers: Iterable[Layer] | None = None, *, using: str | None = None) -> Versions:
    """The current versions of the tables of ``layers`` (default: all registered layers): one query,
    on ``using`` or where the request reads (``geo.db.routing``: the same database as its data)."""
    tables = layer_tables(layers)
    if not tables:
        return Versions({})
    with (connections[using] if using else read_connection).cursor() as cursor:
        cursor.execute(
            "SELECT table_name, version FROM geo_dataversion WHERE table_name = ANY(%s::text[])", [tables]
        )
        return Versions(dict(cursor.fetchall()))


# --- values derived from a layer's data, cached per data version ----------------------------------------

_CACHE_SIZE = 256
_cache: OrderedDict[tuple, object] = OrderedDict()
_cache_lock = threading.Lock()


def cached(layer: Layer, versions: Versions, key: str, compute: Callable[[], object]) -> object:
    """``compute()`` once per (layer definition, layer data version, key) in this process (LRU of
    256 entries): anything derived from a layer's data alone, such as its extent."""
    full_key = (layer.id, definition_digest(layer), versions.of(layer), key)
    with _cache_lock:
        if full_key in _cache:
            _cache.move_to_end(full_key)
            return _cache[full_key]
    value = compute()
    with _cache_lock:
        _cache[full_key] = value
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return value


EXTENT_SQL = """
SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b)
FROM (
    -- densified, so that the box keeps its shape when transformed
    SELECT ST_Transform(
        ST_Segmentize(env, greatest(ST_XMax(env) - ST_XMin(env), ST_YMax(env) - ST_YMin(env), 1) / 16),
        %(srid)s)::box2d AS b
    FROM (SELECT ST_SetSRID(ST_Extent(src.geom)::geometry, %(storage)s) AS env FROM ({source}) AS src) AS e
    WHERE env IS NOT NULL
) AS t
"""


def layer_extent(
    layer: Layer, versions: Versions, srid: int = crs.WGS84, *, using: str | None = None
) -> tuple[float, float, float, float] | None:
    """The bounding box of the layer's published features in ``srid`` (x/y order: lon/lat for 4326),
    or None when it has none. A scan of the layer, cached per data version."""
    if srid not in crs.ALLOWED_SRIDS:
        raise ValueError(f"SRID {srid} is not allowed")

    def compute() -> tuple[float, float, float, float] | None:
        with (connections[using] if using else read_connection).cursor() as cursor:
            # a parameterised layer's extent: its features with every parameter NULL (their geometry
            # does not depend on the parameters)
            sql = EXTENT_SQL.format(source=registry.source_sql(layer))
            cursor.execute(sql, {"storage": crs.STORAGE_SRID, "srid": int(srid), **registry.bound(layer)})
            row = cursor.fetchone()
        return tuple(row) if row else None

    return cached(layer, versions, f"extent:{srid}", compute)  # type: ignore[return-value]
