"""GDAL's WMS driver against the live WMS: ``gdalinfo`` lists the layers, ``gdal_translate`` writes a
correctly georeferenced GeoTIFF (CRS and corners checked with ``gdalinfo -json``)."""

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from geo import layers as registry
from tests.fixtures import load_demo_committed
from tests.geo.wms_support import wms_connections  # noqa: F401

pytestmark = [
    pytest.mark.clients,
    pytest.mark.skipif(
        shutil.which("gdal_translate") is None, reason="GDAL command-line tools are not installed"
    ),
]

CITY_25832 = (509_000.0, 5_411_000.0, 523_000.0, 5_421_000.0)


@pytest.fixture
def service(transactional_db, live_server) -> str:
    """The demo, committed so that the live server (and Mapnik) see it; the WMS URL."""
    load_demo_committed()
    return f"{live_server.url}/ows"


def gdal(*args: str) -> str:
    env = {key: value for key, value in os.environ.items() if "proxy" not in key.lower()}
    env.update(
        GDAL_HTTP_TIMEOUT="60", CPL_DEBUG="OFF", GDAL_HTTP_MAX_RETRY="0", GDAL_DEFAULT_WMS_CACHE_PATH=""
    )
    done = subprocess.run(args, capture_output=True, text=True, timeout=180, env=env, check=False)
    assert done.returncode == 0, f"{' '.join(args)}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.parametrize("version", ["1.3.0", "1.1.1"])
def test_gdalinfo_lists_every_layer(service, version):
    out = gdal("gdalinfo", f"WMS:{service}?SERVICE=WMS&VERSION={version}&REQUEST=GetCapabilities")

    names = [line.split("=", 1)[1] for line in out.splitlines() if "_NAME=WMS:" in line]
    listed = {parse_qs(urlsplit(name.removeprefix("WMS:")).query)["LAYERS"][0] for name in names}
    assert {layer.id for layer in registry.all_layers()} <= listed
    assert "Quartiere (Stadtteile)" in out


def translate(service: str, query: str, target: Path) -> dict:
    gdal(
        "gdal_translate",
        "-q",
        "-of",
        "GTiff",
        "-outsize",
        "560",
        "400",
        f"WMS:{service}?{query}",
        str(target),
    )
    return json.loads(gdal("gdalinfo", "-json", "-stats", str(target)))


def test_gdal_translate_writes_a_georeferenced_geotiff_in_utm(service, tmp_path):
    minx, miny, maxx, maxy = CITY_25832
    query = (
        "SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=quartiere,measures&STYLES=&CRS=EPSG:25832"
        f"&BBOX={minx},{miny},{maxx},{maxy}&FORMAT=image/png"
    )
    info = translate(service, query, tmp_path / "city.tif")

    assert info["size"] == [560, 400]
    assert 'ID["EPSG",25832]' in info["coordinateSystem"]["wkt"]
    corners = info["cornerCoordinates"]
    assert corners["upperLeft"] == pytest.approx([minx, maxy], abs=0.5)
    assert corners["lowerRight"] == pytest.approx([maxx, miny], abs=0.5)
    # something was drawn: not every band is constant
    assert any(band["maximum"] != band["minimum"] for band in info["bands"])


def test_gdal_translate_handles_the_lat_lon_axis_order_of_epsg_4326(service, tmp_path):
    lon0, lat0, lon1, lat1 = 9.13, 48.86, 9.27, 48.93
    query = (
        "SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=quartiere&STYLES=&CRS=EPSG:4326"
        f"&BBOX={lat0},{lon0},{lat1},{lon1}&FORMAT=image/png"
    )
    info = translate(service, query, tmp_path / "city4326.tif")

    corners = info["cornerCoordinates"]
    # gdalinfo reports corners in the traditional GIS order: longitude, latitude
    assert corners["upperLeft"] == pytest.approx([lon0, lat1], abs=1e-6)
    assert corners["lowerRight"] == pytest.approx([lon1, lat0], abs=1e-6)
    assert any(band["maximum"] != band["minimum"] for band in info["bands"])
