"""Downloads of the city report: the priority index as CSV (one row per Quartier and dimension),
GeoJSON (one feature per Quartier, EPSG:4326) and GeoPackage (layers ``priorities`` and
``focus_areas`` in EPSG:25832, written by GDAL's ogr2ogr from temporary GeoJSON files)."""

import csv
import io
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from geo.attribution import attribution_line
from planning.reports import rank_range, wide_priorities
from planning.selectors import focus_area_feature_page
from quartiere.models import Area, Level
from quartiere.selectors import area_feature_page

CSV_COLUMNS = [
    "quartier_id",
    "quartier",
    "slug",
    "population",
    "dimension",
    "score",
    "rank",
    "rank_best",
    "rank_worst",
    "missing",
    "gap",
    "need_indicators",
    "contributions",
    "weighted_contributions",
    "demand_per_1000",
    "demand_normalised",
    "measures",
    "measures_per_1000",
    "budget_eur",
    "budget_per_inhabitant",
    "supply_normalised",
    "coverage",
    "coverage_normalised",
]
OGR2OGR_TIMEOUT_S = 60


class ExportUnavailable(RuntimeError):
    """GDAL's ogr2ogr is not installed here (the GeoPackage needs it)."""


def priorities_csv(rows: list[dict]) -> str:
    """The priority rows as CSV (UTF-8, comma, header row); numbers with a dot."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        q, c = row["quartier"], row["components"]
        best, worst = rank_range(row)
        writer.writerow(
            [
                q["id"],
                _cell(q["name"]),
                q["slug"],
                q["population"],
                row["dimension"],
                row["score"],
                row["rank"],
                best,
                worst,
                ",".join(row.get("missing") or []),
                row["gap"],
                (c.get("indicators") or {}).get("need"),
                c["demand"]["contributions"],
                c["demand"]["weighted_contributions"],
                c["demand"]["per_1000"],
                c["demand"]["normalised"],
                c["supply"]["measures"],
                c["supply"]["measures_per_1000"],
                c["supply"]["budget_eur"],
                c["supply"]["budget_per_inhabitant"],
                c["supply"]["normalised"],
                c["coverage"]["share"],
                c["coverage"]["normalised"],
            ]
        )
    return out.getvalue()


def _cell(text: str) -> str:
    # a spreadsheet would run a cell starting like a formula
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def priorities_geojson(city: Area, rows: list[dict], *, srid: int = 4326) -> dict:
    """The Quartiere of ``city`` with their priority attributes (``wide_priorities``) as a
    FeatureCollection in ``srid`` (geometry built by PostGIS)."""
    page = area_feature_page(level=Level.QUARTIER, parent=city.pk, out_srid=srid, limit=1_000_000)
    collection = json.loads('{"type":"FeatureCollection","features":[' + page.features_json + "]}")
    wide = wide_priorities(rows)
    for feature in collection["features"]:
        attrs = wide.get(feature["id"], {})
        feature["properties"] = {"id": feature["id"], **attrs}
    collection["attribution"] = attribution_line()  # the boundaries' licence requires it
    if srid != 4326:
        collection["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{srid}"}}
    return collection


def focus_areas_geojson(city: Area, *, srid: int = 4326) -> dict:
    """The published focus areas of ``city`` as a FeatureCollection in ``srid``."""
    page = focus_area_feature_page(user=None, city=city.pk, out_srid=srid, limit=1_000_000)
    collection = json.loads('{"type":"FeatureCollection","features":[' + page.features_json + "]}")
    for feature in collection["features"]:
        props = feature["properties"]
        props["dimensions"] = ",".join(props.get("dimensions") or [])
        props["measures"] = ",".join(str(m) for m in props.get("measures") or [])
        props["quartiere"] = ",".join(q["slug"] for q in props.get("quartiere") or [])
        props["id"] = feature["id"]
    collection["attribution"] = attribution_line()
    if srid != 4326:
        collection["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{srid}"}}
    return collection


def priorities_geopackage(city: Area, rows: list[dict]) -> bytes:
    """A GeoPackage with the layers ``priorities`` and ``focus_areas`` (EPSG:25832), written by ogr2ogr."""
    ogr2ogr = shutil.which("ogr2ogr")
    if ogr2ogr is None:
        raise ExportUnavailable("GDAL's ogr2ogr is not installed (Debian package gdal-bin)")
    with tempfile.TemporaryDirectory(prefix="qa-export-") as tmp:
        folder = Path(tmp)
        target = folder / "bericht.gpkg"
        layers = [
            ("priorities", priorities_geojson(city, rows, srid=25832)),
            ("focus_areas", focus_areas_geojson(city, srid=25832)),
        ]
        for index, (name, collection) in enumerate(layers):
            source = folder / f"{name}.geojson"
            source.write_text(json.dumps(collection))
            command = [ogr2ogr, "-f", "GPKG", "-nln", name, "-a_srs", "EPSG:25832", "-nlt", "MULTIPOLYGON"]
            # the boundaries' attribution in the layer's metadata (gpkg_contents.description)
            command += ["-lco", f"DESCRIPTION={attribution_line()}"]
            if index:
                command.append("-update")
            # fixed arguments, the operator's attribution setting and paths of our own temporary
            # files as separate arguments (no shell): no user text reaches the command
            subprocess.run(  # noqa: S603
                [*command, str(target), str(source)],
                check=True,
                capture_output=True,
                timeout=OGR2OGR_TIMEOUT_S,
            )
        return target.read_bytes()
