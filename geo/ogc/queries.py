"""The SQL of the OGC API items: features built as GeoJSON text by PostGIS from a layer's source.

A layer's ``source`` (``geo.layers``) is wrapped as a subquery; the planner flattens it, so the bbox
test (``qa_bbox_in_storage``, folded to a constant box in EPSG:25832) uses the table's spatial index,
and ``ORDER BY id`` with ``LIMIT`` uses its primary key. Output SRIDs are integers from the
allow-list, written into the SQL text; everything from the client is a bound parameter.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import DatabaseError
from django.db.backends.utils import CursorWrapper

from geo import crs, dataversion
from geo import layers as registry
from geo.db.routing import read_connection as connection  # reads: a replica or the primary
from geo.layers import Layer
from geo.ogc.params import Crs

FETCH_ROWS = 2_000  # rows per round trip when streaming
MAX_READS = 3  # a page and its count read again while writes change the layer's data between them


def precision(out: Crs) -> int:
    """Decimal places: ≈1 cm in degrees (7) or in metres (2)."""
    return 7 if out.geographic else 2


def _source(layer: Layer) -> str:
    # psycopg reads % as a placeholder: a literal % in a layer's SQL must be doubled (the parameters'
    # placeholders stay)
    return registry.source_sql(layer)


def _column(name: str) -> str:
    return "src." + connection.ops.quote_name(name)


def geometry_sql(out: Crs) -> str:
    """``src.geom`` (EPSG:25832) as GeoJSON geometry text in ``out``, axes in its defined order."""
    geom = "src.geom" if out.srid == crs.STORAGE_SRID else f"ST_Transform(src.geom, {int(out.srid)})"
    if out.northing_first:
        geom = f"ST_FlipCoordinates({geom})"
    return f"coalesce(ST_AsGeoJSON({geom}, {precision(out)}, 0), 'null')"


def feature_sql(layer: Layer, out: Crs) -> str:
    """A text expression: one GeoJSON Feature of the row ``src``. Concatenated rather than
    ``json_build_object``: the geometry text is not parsed back into json."""
    pairs = ", ".join(f"'{name}', {_column(name)}" for name in layer.attributes)
    properties = f"json_build_object({pairs})::text" if pairs else "'{}'"
    return (
        """'{"type":"Feature","id":' || to_json(src.id)::text || ',"geometry":' || """
        f"{geometry_sql(out)} || ',\"properties\":' || {properties} || '}}'"
    )


@dataclass
class Query:
    """The filters of one items request, as SQL and parameters. ``ids`` keeps only those features;
    ``feature`` builds the text of one feature of the row ``src`` (GeoJSON; the WFS passes GML)."""

    layer: Layer
    out: Crs
    bbox: tuple[float, float, float, float] | None = None
    bbox_srid: int = crs.WGS84
    filters: dict[str, object] = field(default_factory=dict)
    limit: int = 100
    offset: int = 0
    ids: list[int] | None = None
    feature: Callable[[Layer, Crs], str] = feature_sql
    # the resolved parameters of a parameterised layer (geo.layers.resolve)
    parameters: dict[str, int | None] = field(default_factory=dict)

    def where(self) -> tuple[str, dict]:
        conditions = []
        params: dict[str, object] = dict(registry.bound(self.layer, self.parameters))
        if self.bbox is not None:
            minx, miny, maxx, maxy = self.bbox
            params.update(minx=minx, miny=miny, maxx=maxx, maxy=maxy, bbox_srid=self.bbox_srid)
            conditions.append(
                "ST_Intersects(src.geom, qa_bbox_in_storage("
                f"%(minx)s, %(miny)s, %(maxx)s, %(maxy)s, %(bbox_srid)s, {crs.STORAGE_SRID}))"
            )
        if self.ids is not None:
            params["ids"] = self.ids
            conditions.append("src.id = ANY(%(ids)s)")
        for index, (name, value) in enumerate(self.filters.items()):
            params[f"q{index}"] = value
            conditions.append(f"{_column(name)} = %(q{index})s")
        return (" WHERE " + " AND ".join(conditions)) if conditions else "", params

    def count_sql(self) -> tuple[str, dict]:
        where, params = self.where()
        return f"SELECT count(*) FROM ({_source(self.layer)}) AS src{where}", params

    def page_sql(self) -> tuple[str, dict]:
        where, params = self.where()
        params.update(limit=self.limit, offset=self.offset)
        return (
            f"SELECT {self.feature(self.layer, self.out)} FROM ({self._page(where)}) AS src ORDER BY src.id",
            params,
        )

    def _page(self, where: str) -> str:
        # the rows of the page first, the features of only those: with OFFSET, features built in the
        # same query level would be built for the skipped rows too
        return (
            f"SELECT src.* FROM ({_source(self.layer)}) AS src{where} "
            "ORDER BY src.id LIMIT %(limit)s OFFSET %(offset)s"
        )

    def collection_sql(self) -> tuple[str, dict]:
        """The whole page as one FeatureCollection text in one statement (the benchmarks' floor)."""
        where, params = self.where()
        params.update(limit=self.limit, offset=self.offset)
        sql = f"""
            SELECT '{{"type":"FeatureCollection","numberMatched":' ||
                   (SELECT count(*) FROM ({_source(self.layer)}) AS src{where}) ||
                   ',"features":[' || coalesce(string_agg(f.feature, ',' ORDER BY f.id), '') || '],' ||
                   '"numberReturned":' || count(*) || '}}'
            FROM (
                SELECT src.id, {self.feature(self.layer, self.out)} AS feature
                FROM ({self._page(where)}) AS src
            ) AS f
        """
        return sql, params

    def versioned_page_sql(self) -> tuple[str, dict]:
        """The data version token and the page's features (a text array, in id order) in one
        statement, from one snapshot. Nothing but the token is read when it equals ``%(claimed)s``
        (the client's copy is current). No count: PostgreSQL plans every subquery of a statement,
        run or not, and planning the count was ≈40 % of a small page's time (see ``versioned_page``)."""
        where, params = self.where()
        params.update(limit=self.limit, offset=self.offset)
        sql = f"""
            WITH v AS (SELECT {dataversion.version_sql(self.layer.tables)} AS token)
            SELECT v.token,
                   CASE WHEN v.token = %(claimed)s THEN NULL
                        ELSE (SELECT coalesce(array_agg(f.feature ORDER BY f.id), '{{}}'::text[])
                              FROM (SELECT src.id, {self.feature(self.layer, self.out)} AS feature
                                    FROM ({self._page(where)}) AS src) AS f) END
            FROM v
        """
        return sql, params

    def versioned_count_sql(self) -> tuple[str, dict]:
        """The data version token and ``numberMatched`` in one statement."""
        count, params = self.count_sql()
        return f"SELECT {dataversion.version_sql(self.layer.tables)}, ({count})", params


@dataclass(frozen=True)
class VersionedPage:
    """What ``versioned_page`` read: the data version token and, unless the client's copy is current
    (``features`` None), the page's features (GeoJSON texts) and numberMatched."""

    token: int
    features: list[str] | None
    matched: int


def versioned_page(query: Query, claimed: int | None) -> VersionedPage:
    """The token and the page in one statement (``Query.versioned_page_sql``); numberMatched without
    counting when the page tells it — a page that is not full (and not past the end) ends the matches:
    ``offset + returned`` —, else counted in a second statement that reads the token again: the same
    token means the same data as the page's (every write to the layer's tables changes it), another
    one (a write in between) reads it all again."""
    sql, params = query.versioned_page_sql()
    params["claimed"] = claimed
    for _ in range(MAX_READS):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            token, features = cursor.fetchone()
        if features is None:
            return VersionedPage(token, None, 0)
        returned = len(features)
        if returned < query.limit and (returned > 0 or query.offset == 0):
            return VersionedPage(token, list(features), query.offset + returned)
        count_sql, count_params = query.versioned_count_sql()
        with connection.cursor() as cursor:
            cursor.execute(count_sql, count_params)
            counted_token, matched = cursor.fetchone()
        if counted_token == token:
            return VersionedPage(token, list(features), matched)
    raise DatabaseError(f"the data of {query.layer.id} kept changing while its page was read")


def version(query: Query) -> int:
    """The layer's data version token alone (read before the data, for the paths that stream)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {dataversion.version_sql(query.layer.tables)}")
        return cursor.fetchone()[0]


def count(query: Query) -> int:
    sql, params = query.count_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def page(query: Query) -> list[str]:
    """The page's features (GeoJSON texts), all fetched at once."""
    sql, params = query.page_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def feature(layer: Layer, fid: int, out: Crs, parameters: dict[str, int | None] | None = None) -> str | None:
    """One feature of the layer by id as GeoJSON text, or None."""
    sql = f"SELECT {feature_sql(layer, out)} FROM ({_source(layer)}) AS src WHERE src.id = %(fid)s"
    with connection.cursor() as cursor:
        cursor.execute(sql, {"fid": fid, **registry.bound(layer, parameters)})
        row = cursor.fetchone()
    return row[0] if row else None


class StreamedPage:
    """The page's features from a server-side cursor, joined in chunks of ``FETCH_ROWS``; ``close``
    (called by Django when the response is closed, read or not) releases the cursor. The query runs
    in ``__init__``, so that its errors surface before the response starts."""

    def __init__(self, query: Query):
        sql, params = query.page_sql()
        self.returned = 0
        self._cursor: CursorWrapper | None = connection.chunked_cursor()
        try:
            self._cursor.execute(sql, params)
            self._first = self._cursor.fetchmany(FETCH_ROWS)
        except Exception:
            self.close()
            raise

    def chunks(self) -> Iterator[str]:
        rows = self._first
        self._first = []
        separator = ""
        while rows:
            self.returned += len(rows)
            yield separator + ",".join(row[0] for row in rows)
            separator = ","
            rows = self._cursor.fetchmany(FETCH_ROWS) if self._cursor else []

    def close(self) -> None:
        if self._cursor is not None:
            try:
                self._cursor.close()
            finally:
                self._cursor = None
