"""GDAL's OAPIF driver against the live service: the collections are listed, and ``ogr2ogr`` copies
whole collections page by page into a GeoPackage with the right features and only public fields."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from geo import layers as registry
from measures.models import Measure
from participation.models import Contribution
from tests.fixtures import load_demo_committed

pytestmark = [
    pytest.mark.clients,
    pytest.mark.skipif(shutil.which("ogr2ogr") is None, reason="GDAL command-line tools are not installed"),
]

SCHLOSS = (9.1956, 48.8997)  # lon/lat, in the Quartier Mitte


@pytest.fixture
def service(transactional_db, live_server) -> str:
    """The demo, committed so that the live server's thread sees it; the OAPIF root URL."""
    load_demo_committed()
    return f"OAPIF:{live_server.url}/ogc"


def gdal(*args: str) -> str:
    env = {key: value for key, value in os.environ.items() if "proxy" not in key.lower()}
    env.update(GDAL_HTTP_TIMEOUT="60", CPL_DEBUG="OFF", GDAL_HTTP_MAX_RETRY="0")
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, env=env, check=False)
    assert done.returncode == 0, f"{' '.join(args)}\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def feature_count(path: Path, layer: str) -> int:
    out = gdal("ogrinfo", "-ro", "-so", str(path), layer)
    line = next(line for line in out.splitlines() if line.startswith("Feature Count:"))
    return int(line.split(":")[1])


def field_names(path: Path, layer: str) -> set[str]:
    out = gdal("ogrinfo", "-ro", "-so", str(path), layer)
    names = set()
    for line in out.split("Geometry Column", 1)[-1].splitlines()[1:]:
        if ":" in line and "(" in line:
            names.add(line.split(":")[0].strip())
    return names


def test_ogrinfo_lists_every_collection(service):
    out = gdal("ogrinfo", "-ro", "-q", service)

    listed = {line.split(":", 1)[1].split("(")[0].strip() for line in out.splitlines() if ":" in line}
    assert {layer.id for layer in registry.all_layers()} <= listed


def test_ogr2ogr_copies_a_whole_collection_through_the_pages(service, tmp_path):
    target = tmp_path / "contributions.gpkg"
    # 10 per page: the copy needs ten requests, following the next links
    gdal("ogr2ogr", "-f", "GPKG", str(target), service, "contributions", "-oo", "PAGE_SIZE=10")

    published = Contribution.objects.filter(status="published").count()
    assert published > 10 * 5
    assert feature_count(target, "contributions") == published
    fields = field_names(target, "contributions")
    assert {"category", "origin", "text"} <= fields
    assert not fields & {"email", "author", "pseudonym", "status"}
    extent = gdal("ogrinfo", "-ro", "-so", str(target), "contributions")
    assert "Extent: (9." in extent and ", 48." in extent  # lon/lat, CRS84


def test_ogr2ogr_passes_bbox_and_attribute_filters(service, tmp_path):
    lon, lat = SCHLOSS
    quartiere = tmp_path / "mitte.gpkg"
    gdal(
        "ogr2ogr", "-f", "GPKG", str(quartiere), service, "quartiere", "-oo", "PAGE_SIZE=5",
        "-spat", str(lon - 0.0005), str(lat - 0.0005), str(lon + 0.0005), str(lat + 0.0005),
    )  # fmt: skip
    measures = tmp_path / "planned.gpkg"
    gdal(
        "ogr2ogr", "-f", "GPKG", str(measures), service, "measures", "-oo", "PAGE_SIZE=5",
        "-where", "status = 'planned'",
    )  # fmt: skip

    assert feature_count(quartiere, "quartiere") == 1
    planned = Measure.objects.filter(published=True, status="planned", geom__isnull=False).count()
    assert feature_count(measures, "measures") == planned > 0


def test_ogrinfo_at_the_documented_address_reports_one_geometry_type_per_measures_collection(service):
    # exactly the address README and docs/ogc.md give: no trailing slash
    assert service.endswith("/ogc")
    expected = {
        "measures_areas": "Multi Polygon",
        "measures_lines": "Multi Line String",
        "measures_points": "Multi Point",
    }
    total = 0
    for layer_id, geometry in expected.items():
        out = gdal("ogrinfo", "-ro", "-so", service, layer_id)
        assert f"Geometry: {geometry}" in out, out
        total += int(
            next(line for line in out.splitlines() if line.startswith("Feature Count:")).split(":")[1]
        )
        assert "city: Integer" in out, out

    assert total == Measure.objects.filter(published=True, geom__isnull=False).count()
