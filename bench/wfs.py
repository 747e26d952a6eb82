"""WFS 2.0: one GetFeature page of 10k features as GML 3.2, and GML built by PostGIS against GML built
with lxml (the choice made in `geo.wfs.gml`).

Data: `bench.synth.ensure_areas(N)`, a tiling of N Quartiere (≈0.64 km², 28 vertices each) in
EPSG:25832. Endpoint:
`GET /ows?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=qa:quartiere&COUNT=10000&STARTINDEX=…`
(GML 3.2 in the default CRS, EPSG:25832) through Django's test client (full
middleware stack, `DEBUG` off). Floor: one bare SQL statement that counts and builds the same members
(`geo.ogc.queries.Query.collection_sql` with the WFS's member expression), checked to hold as many
members. The second row times the alternative the WFS did not take: PostGIS returns each row's values
and its `ST_AsGML` geometry, and Python builds the members with lxml (each geometry fragment parsed and
appended, the page serialised), against the PostGIS-built members of the same rows; no target.
"""

import time

from django.db import connection
from lxml import etree

from bench.core import Context, Row, benchmark
from bench.synth import ensure_areas
from geo import layers as registry
from geo.ogc import queries
from geo.wfs import gml
from geo.wfs.request import NAMESPACE, PREFIX, default_crs

SIZES = (10_000, 100_000)
TARGET = 1.3  # endpoint / bare SQL building the same members
PAGE = 10_000


def _query(offset: int) -> queries.Query:
    layer = registry.get("quartiere")
    assert layer is not None
    return queries.Query(
        layer=layer, out=default_crs().out, limit=PAGE, offset=offset, feature=gml.member_sql
    )


def _bare(sql: str, params: dict) -> list:
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _floor_page(offset: int) -> str:
    sql, params = _query(offset).collection_sql()
    return _bare(sql, params)[0][0]


def _postgis_members(offset: int) -> str:
    sql, params = _query(offset).page_sql()
    return "\n".join(row[0] for row in _bare(sql, params))


def _lxml_members(offset: int) -> str:
    """The same members, built by lxml from the rows' values and ST_AsGML geometry text."""
    layer = registry.get("quartiere")
    names = list(layer.attributes)
    columns = ", ".join(f"src.{connection.ops.quote_name(name)}" for name in names)
    geometry = "ST_AsGML(3, src.geom, 2, 5, 'gml', 'g')"
    query = _query(offset)
    where, params = query.where()
    params.update(limit=PAGE, offset=offset)
    sql = f"SELECT src.id, {geometry}, {columns} FROM ({query._page(where)}) AS src ORDER BY src.id"
    ns = {"gml": gml.GML_NS, PREFIX: NAMESPACE, "wfs": gml.WFS_NS}
    wrapper = f'<w xmlns:gml="{gml.GML_NS}">{{}}</w>'
    out = []
    for row in _bare(sql, params):
        member = etree.Element(f"{{{gml.WFS_NS}}}member", nsmap=ns)
        feature = etree.SubElement(member, f"{{{NAMESPACE}}}{layer.id}")
        feature.set(f"{{{gml.GML_NS}}}id", f"{layer.id}.{row[0]}")
        geom = etree.SubElement(feature, f"{{{NAMESPACE}}}geom")
        fragment = etree.fromstring(wrapper.format(row[1]))[0]
        for index, element in enumerate(fragment.iter(f"{{{gml.GML_NS}}}*")):
            if element.get(f"{{{gml.GML_NS}}}id") is not None:
                element.set(f"{{{gml.GML_NS}}}id", f"{layer.id}.{row[0]}.g{index + 1}")
        geom.append(fragment)
        for name, value in zip(names, row[2:], strict=True):
            if value is not None:
                etree.SubElement(feature, f"{{{NAMESPACE}}}{name}").text = str(value)
        out.append(etree.tostring(member, encoding="unicode"))
    return "\n".join(out)


@benchmark(sizes=SIZES)
def get_feature(ctx: Context, n: int) -> list[Row]:
    """GetFeature of 10k Quartiere as GML 3.2 vs the bare SQL building the same members; GML by lxml vs
    by PostGIS."""
    ensure_areas(n)
    pages = max(1, min(n // PAGE, 10 if not ctx.quick else 2))
    samples = []
    for i in range(10 if not ctx.quick else 3):
        offset = (i % pages) * PAGE
        url = (
            "/ows?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=qa:quartiere"
            f"&COUNT={PAGE}&STARTINDEX={offset}"
        )
        samples.append((url, offset))
    for url, offset in samples[:pages]:
        body = ctx.get(url).decode()
        expected = min(PAGE, n - offset)
        if body.count("<wfs:member>") != expected or _floor_page(offset).count("<wfs:member>") != expected:
            raise AssertionError(f"{url}: not {expected} members on both sides")
    started = time.perf_counter()
    size = len(ctx.get(samples[0][0]))
    first = time.perf_counter() - started
    rows = [
        ctx.compare(
            "wfs GetFeature 10k GML",
            n,
            samples,
            lambda sample: ctx.get(sample[0]),
            lambda sample: _floor_page(sample[1]),
            target=TARGET,
            floor_label="bare SQL members",
            note=f"{PAGE:,} features, EPSG:25832, {size / 2**20:.1f} MiB "
            f"(first request {first * 1000:.0f} ms)",
        ),
        ctx.compare(
            "wfs GML by lxml instead of PostGIS",
            n,
            samples[: max(3, pages)],
            lambda sample: _lxml_members(sample[1]),
            lambda sample: _postgis_members(sample[1]),
            target=None,
            floor_label="PostGIS-built members",
            note="rows + ST_AsGML fetched, members built and serialised by lxml",
        ),
    ]
    return rows
