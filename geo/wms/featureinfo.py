"""GetFeatureInfo: the features under a pixel of the map, with their public attributes.

The attributes shown are the layer's ``attributes`` — the same as in OGC API items and vector tiles —
from its source, which selects published rows and public attributes only. Which layers can be
queried at all is the registry's ``queryable`` (a layer without queryable attributes is not).
"""

import json
import logging
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import DatabaseError
from django.template.loader import render_to_string

from geo import crs
from geo import layers as registry
from geo.db.routing import read_connection as connection  # reads: a replica or the primary
from geo.layers import Layer
from geo.sql import load
from geo.wms.errors import WMSError
from geo.wms.request import InfoRequest

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Feature:
    id: object
    properties: dict
    geometry: str | None  # GeoJSON in EPSG:4326


@dataclass(frozen=True)
class LayerResult:
    layer: Layer
    title: str
    features: list[Feature]


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def search_box(info: InfoRequest) -> tuple[float, float, float, float]:
    """The clicked pixel ± the tolerance, in x/y of the request CRS."""
    req = info.map
    resx, resy = req.resolution
    x = req.bbox[0] + (info.i + 0.5) * resx
    y = req.bbox[3] - (info.j + 0.5) * resy
    tolerance = settings.WMS["FEATURE_INFO_TOLERANCE_PX"] + 0.5
    return x - tolerance * resx, y - tolerance * resy, x + tolerance * resx, y + tolerance * resy


def query(info: InfoRequest, language: str) -> list[LayerResult]:
    minx, miny, maxx, maxy = search_box(info)
    params = {
        "minx": minx,
        "miny": miny,
        "maxx": maxx,
        "maxy": maxy,
        "srid": info.map.crs.srid,
        "storage": crs.STORAGE_SRID,
        "limit": info.feature_count,
    }
    results = []
    chosen = info.query_parameters or tuple({} for _ in info.query_layers)
    for layer, values in zip(info.query_layers, chosen, strict=True):
        columns = list(layer.attributes)
        sql = load(__file__, "feature_info").format(
            source=registry.source_sql(layer),
            columns=", ".join(f'src."{name}"' for name in columns) or "NULL AS qa_none",
        )
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, {**params, **registry.bound(layer, values)})
                rows = cursor.fetchall()
        except DatabaseError as error:
            logger.error("GetFeatureInfo on %s failed: %s", layer.id, error)
            raise WMSError(
                None, "The features could not be read; please try again later.", status=503
            ) from None
        features = [
            Feature(
                row[0], {name: _plain(value) for name, value in zip(columns, row[1:-1], strict=True)}, row[-1]
            )
            for row in rows
        ]
        results.append(LayerResult(layer, layer.title_in(language), features))
    return results


def as_json(results: list[LayerResult]) -> str:
    features = []
    for result in results:
        for feature in result.features:
            features.append(
                {
                    "type": "Feature",
                    "id": f"{result.layer.id}.{feature.id}",
                    "layer": result.layer.id,
                    "geometry": json.loads(feature.geometry) if feature.geometry else None,
                    "properties": feature.properties,
                }
            )
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def as_text(results: list[LayerResult]) -> str:
    lines = []
    for result in results:
        lines.append(f"Layer '{result.layer.id}' ({result.title}): {len(result.features)} feature(s)")
        for feature in result.features:
            lines.append(f"  Feature {feature.id}:")
            for name, value in feature.properties.items():
                lines.append(f"    {name} = {'' if value is None else value}")
    return "\n".join(lines) + "\n"


def as_html(results: list[LayerResult], language: str, stylesheet: str) -> str:
    """A small page for a client's popup; ``stylesheet`` is the absolute URL of its CSS (an absolute
    one, so that a client that puts the page into its own document still finds it)."""
    return render_to_string(
        "wms/featureinfo.html", {"results": results, "language": language, "stylesheet": stylesheet}
    )


def render(info: InfoRequest, language: str, *, stylesheet: str = "") -> tuple[str, str]:
    """(body, content type) of the answer in ``info.info_format``; ``stylesheet``: see ``as_html``."""
    results = query(info, language)
    if info.info_format == "application/json":
        return as_json(results), "application/json"
    if info.info_format == "text/html":
        return as_html(results, language, stylesheet), "text/html; charset=utf-8"
    return as_text(results), "text/plain; charset=utf-8"
