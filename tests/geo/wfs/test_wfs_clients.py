"""The WFS as real clients take it, against a live server: OWSLib's WFS 2.0.0 client, GDAL's WFS driver
(ogrinfo/ogr2ogr of every layer, paging, spatial filter, axis order through GDAL's GML reader) and
QGIS's WFS provider (Debian's python3-qgis, headless)."""

import json
import os
import re
import subprocess
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection
from owslib.wfs import WebFeatureService

from geo import layers as registry
from participation.models import Contribution
from tests.geo.wfs.conftest import NS, xml
from tests.geo.wfs.test_wfs_protocol import LAT, LON, SERVICEPUNKT, UTM, source_count

pytestmark = [pytest.mark.clients, pytest.mark.usefixtures("wfs")]

QGIS_SCRIPT = Path(__file__).with_name("qgis_load.py")


def run(*args: str, timeout: int = 120) -> str:
    env = {key: value for key, value in os.environ.items() if "proxy" not in key.lower()}
    env.update(GDAL_HTTP_TIMEOUT="60", CPL_DEBUG="OFF", GDAL_HTTP_MAX_RETRY="0", QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env, check=False)
    assert done.returncode == 0, f"{' '.join(args)}\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def ogr_layers(path: Path) -> dict[str, int]:
    """Layer name → feature count of a dataset, from ogrinfo."""
    counts = {}
    for name in [
        line.split(":", 1)[1].split("(")[0].strip()
        for line in run("ogrinfo", "-ro", "-q", str(path)).splitlines()
        if ": " in line and line[0].isdigit()
    ]:
        out = run("ogrinfo", "-ro", "-so", str(path), name)
        counts[name] = int(
            next(line for line in out.splitlines() if line.startswith("Feature Count:")).split(":")[1]
        )
    return counts


def servicepunkt_id() -> int:
    from measures.models import Measure

    return Measure.objects.get(title=SERVICEPUNKT).pk


# --- OWSLib ---------------------------------------------------------------------------------------


def test_owslib_reads_the_capabilities_and_pages_with_bbox_and_srsname(wfs_url):
    service = WebFeatureService(wfs_url, version="2.0.0")

    assert service.identification.type == "WFS"
    assert set(service.contents) == {f"qa:{layer.id}" for layer in registry.all_layers()}
    measures = service.contents["qa:measures"]
    assert [str(crs) for crs in measures.crsOptions][0] == "urn:ogc:def:crs:EPSG::25832"
    west, south, east, north = measures.boundingBoxWGS84
    assert west <= LON <= east and south <= LAT <= north
    assert {op.name for op in service.operations} >= {"GetCapabilities", "DescribeFeatureType", "GetFeature"}

    total = Contribution.objects.filter(status="published").count()
    page = xml(service.getfeature(typename=["qa:contributions"], maxfeatures=10, startindex=10).read())
    assert (page.get("numberMatched"), page.get("numberReturned")) == (str(total), "10")
    ids = page.xpath("//qa:contributions/@gml:id", namespaces=NS)
    first = xml(service.getfeature(typename=["qa:contributions"], maxfeatures=20).read())
    assert ids == first.xpath("//qa:contributions/@gml:id", namespaces=NS)[10:]

    e, n = UTM
    boxed = xml(service.getfeature(typename=["qa:measures"], bbox=(e - 50, n - 50, e + 50, n + 50)).read())
    assert f"measures.{servicepunkt_id()}" in boxed.xpath("//qa:measures/@gml:id", namespaces=NS)
    assert int(boxed.get("numberMatched")) < source_count(registry.get("measures"))

    in_4326 = xml(
        service.getfeature(
            typename=["qa:measures"],
            srsname="urn:ogc:def:crs:EPSG::4326",
            featureid=[f"measures.{servicepunkt_id()}"],
        ).read()
    )
    lat, lon = map(float, in_4326.xpath("//gml:pos/text()", namespaces=NS)[0].split())
    assert (lat, lon) == pytest.approx((LAT, LON), abs=1e-6)

    by_id = xml(
        service.getfeature(
            storedQueryID="urn:ogc:def:query:OGC-WFS::GetFeatureById",
            storedQueryParams={"ID": f"measures.{servicepunkt_id()}"},
        ).read()
    )
    assert by_id.findtext("qa:title", namespaces=NS) == SERVICEPUNKT


# --- GDAL -----------------------------------------------------------------------------------------


def test_ogr2ogr_copies_every_layer_with_the_counts_of_the_api(client, wfs_url, tmp_path):
    target = tmp_path / "all.gpkg"
    # pages of 50: contributions take three requests
    run("ogr2ogr", "--config", "OGR_WFS_PAGE_SIZE", "50", "-f", "GPKG", str(target), f"WFS:{wfs_url}")

    counts = ogr_layers(target)
    assert set(counts) == {f"qa:{layer.id}" for layer in registry.all_layers()}
    for layer in registry.all_layers():
        ogc = json.loads(client.get(f"/ogc/collections/{layer.id}/items?limit=1").content)["numberMatched"]
        assert counts[f"qa:{layer.id}"] == ogc == source_count(layer), layer.id
    fields = run("ogrinfo", "-ro", "-so", str(target), "qa:contributions")
    assert all(f"{name}:" in fields for name in registry.get("contributions").attributes)
    assert not any(word in fields for word in ("email", "author", "pseudonym", "status"))
    assert counts["qa:contributions"] > 100


def test_gdal_sends_a_spatial_filter_the_service_understands(wfs_url):
    e, n = UTM
    out = run(
        "ogrinfo",
        "-ro",
        "-al",
        f"WFS:{wfs_url}",
        "qa:measures_points",
        "-spat",
        str(e - 50),
        str(n - 50),
        str(e + 50),
        str(n + 50),
    )
    assert SERVICEPUNKT in out
    assert out.count("OGRFeature(") == 1  # only the features in the box came
    assert point_in(out) == pytest.approx(UTM, abs=0.01)


def point_in(out: str) -> tuple[float, float]:
    """The first point's coordinates in ogrinfo's output (POINT or MULTIPOINT)."""
    match = re.search(r"POINT \(\(?([-0-9.]+) ([-0-9.]+)\)", out)
    assert match, out[-500:]
    return float(match.group(1)), float(match.group(2))


@pytest.mark.parametrize(
    "srs, expected",
    [
        ("urn:ogc:def:crs:EPSG::4326", (LON, LAT)),  # GDAL reads lat/lon and gives x/y (lon lat)
        ("http://www.opengis.net/def/crs/EPSG/0/4326", (LON, LAT)),
        ("EPSG:4326", (LON, LAT)),
        ("urn:ogc:def:crs:EPSG::25832", UTM),
    ],
)
def test_gdal_reads_the_axis_order_of_each_srsname(wfs_url, srs, expected):
    query = urlencode(
        {
            "SERVICE": "WFS",
            "VERSION": "2.0.0",
            "REQUEST": "GetFeature",
            "TYPENAMES": "qa:measures",
            "RESOURCEID": f"measures.{servicepunkt_id()}",
            "SRSNAME": srs,
        }
    )
    out = run(
        "ogrinfo", "-ro", "-al", "-oo", "INVERT_AXIS_ORDER_IF_LAT_LONG=YES", f"/vsicurl/{wfs_url}?{query}"
    )
    assert point_in(out) == pytest.approx(expected, abs=1e-6 if expected[0] < 180 else 0.01)


# --- QGIS -----------------------------------------------------------------------------------------


def test_qgis_loads_every_layer_through_its_wfs_provider(wfs_url):
    names = [f"qa:{layer.id}" for layer in registry.all_layers()]
    out = run("/usr/bin/python3", str(QGIS_SCRIPT), wfs_url, "EPSG:25832", *names, timeout=180)
    loaded = json.loads(next(line for line in out.splitlines() if line.startswith("{")))

    for layer in registry.all_layers():
        entry = loaded[f"qa:{layer.id}"]
        assert entry["valid"], layer.id
        assert entry["count"] == entry["fetched"] == source_count(layer), layer.id
        assert entry["fields"] == list(layer.attributes), layer.id
        assert entry["crs"] == "EPSG:25832"


def test_qgis_takes_latitude_first_in_4326(wfs_url):
    out = run(
        "/usr/bin/python3",
        str(QGIS_SCRIPT),
        wfs_url,
        "urn:ogc:def:crs:EPSG::4326",
        "qa:measures_points",
        timeout=120,
    )
    entry = json.loads(next(line for line in out.splitlines() if line.startswith("{")))["qa:measures_points"]
    assert entry["valid"] and entry["crs"] == "EPSG:4326"
    # QGIS works in x/y (lon/lat) after reading lat/lon from the service: the known point is there
    assert any(point == pytest.approx([LON, LAT], abs=1e-6) for point in entry["centroids"])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM measures_measure "
            "WHERE published AND geometrytype(geom) IN ('POINT', 'MULTIPOINT')"
        )
        assert entry["count"] == cursor.fetchone()[0]
