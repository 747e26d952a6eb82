"""GetCapabilities of WMS 1.3.0 (valid against the OGC schema) and 1.1.1.

Service metadata comes from ``settings.WMS``; the layers from the registry, each with every served CRS,
its geographic extent and a bounding box per CRS (axis order of the version: 1.3.0 gives EPSG:4326,
4258 and 31467 north first), its styles and legend URLs. Extents are computed from the published
data and cached per data version (``geo.dataversion``).
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.template.loader import render_to_string

from geo import crs, dataversion
from geo import layers as registry
from geo.attribution import data_attribution
from geo.catalogue.records import metadata_url
from geo.db.routing import read_connection as connection  # reads: a replica or the primary
from geo.http import base_url
from geo.layers import Layer
from geo.sql import load
from geo.wms import crs as wms_crs
from geo.wms import legend
from geo.wms.request import ADVERTISED_IMAGE_FORMATS, INFO_FORMATS

# The service's fallback extent when no layer has data yet: Baden-Württemberg in EPSG:25832.
DEFAULT_EXTENT = (390_000.0, 5_260_000.0, 610_000.0, 5_520_000.0)
# A single point has no extent: give it this much room (m) on each side.
MIN_HALF_SIZE_M = 100.0

Box = tuple[float, float, float, float]


def transform_boxes(box: Box) -> dict[int, Box]:
    """``box`` (storage CRS) as a box in every allowed CRS, x/y order: one statement."""
    minx, miny, maxx, maxy = box
    if maxx - minx < 2 * MIN_HALF_SIZE_M:
        minx, maxx = (minx + maxx) / 2 - MIN_HALF_SIZE_M, (minx + maxx) / 2 + MIN_HALF_SIZE_M
    if maxy - miny < 2 * MIN_HALF_SIZE_M:
        miny, maxy = (miny + maxy) / 2 - MIN_HALF_SIZE_M, (miny + maxy) / 2 + MIN_HALF_SIZE_M
    with connection.cursor() as cursor:
        cursor.execute(
            load(__file__, "extent_boxes"),
            {
                "srids": list(crs.ALLOWED_SRIDS),
                "minx": minx,
                "miny": miny,
                "maxx": maxx,
                "maxy": maxy,
                "storage": crs.STORAGE_SRID,
                "step": max(maxx - minx, maxy - miny) / 16,
            },
        )
        return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}


def layer_boxes(layer: Layer, versions: dataversion.Versions) -> dict[int, Box] | None:
    """The layer's extent in every allowed CRS, or None when it has no published features."""

    def compute() -> dict[int, Box] | None:
        extent = dataversion.layer_extent(layer, versions, crs.STORAGE_SRID)
        return transform_boxes(extent) if extent else None

    return dataversion.cached(layer, versions, "wms-boxes", compute)  # type: ignore[return-value]


def _number(value: float, geographic: bool) -> str:
    return f"{value:.6f}" if geographic else f"{value:.2f}"


@dataclass(frozen=True)
class BoundingBox:
    crs: str
    minx: str
    miny: str
    maxx: str
    maxy: str


@dataclass(frozen=True)
class GeographicBox:
    west: str
    east: str
    south: str
    north: str


def bounding_boxes(boxes: dict[int, Box], version: str) -> list[BoundingBox]:
    result = []
    for system in wms_crs.served(version):
        box = system.from_xy(boxes[system.srid])
        values = [_number(v, system.is_geographic) for v in box]
        result.append(BoundingBox(system.name, *values))
    return result


def geographic_box(boxes: dict[int, Box]) -> GeographicBox:
    west, south, east, north = boxes[crs.WGS84]
    return GeographicBox(*(_number(v, True) for v in (west, east, south, north)))


def union(boxes: list[dict[int, Box]]) -> dict[int, Box]:
    return {
        srid: (
            min(b[srid][0] for b in boxes),
            min(b[srid][1] for b in boxes),
            max(b[srid][2] for b in boxes),
            max(b[srid][3] for b in boxes),
        )
        for srid in crs.ALLOWED_SRIDS
    }


def online_resource(request) -> str:
    """The URL clients send their requests to, ending in ``?``."""
    return f"{base_url(request)}/ows?"


def legend_url(base: str, version: str, layer: Layer, style_name: str, language: str) -> str:
    query = {
        "SERVICE": "WMS",
        "VERSION": version,
        "REQUEST": "GetLegendGraphic",
        "LAYER": layer.id,
        "STYLE": style_name,
        "FORMAT": "image/png",
        "SLD_VERSION": "1.1.0",
    }
    if language != "de":
        query["LANGUAGE"] = language
    return base + urlencode(query)


@dataclass(frozen=True)
class Dimension:
    name: str  # time, or the sample dimension's name (requested as DIM_<NAME>)
    units: str
    default: str
    extent: str


def year_extent(years: list[int]) -> str:
    """``2019/2024/P1Y`` for consecutive years, else the list ``2019,2021,2024``."""
    if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}/{years[-1]}/P1Y"
    return ",".join(str(year) for year in years)


def layer_dimensions(layer: Layer, versions: dataversion.Versions) -> tuple[list[Dimension], dict]:
    """The ``<Dimension>``s of a parameterised layer (cached per data version) and its default values."""

    def compute() -> tuple[list[Dimension], dict]:
        defaults = registry.resolve(layer, {})
        result = []
        for parameter in layer.parameters:
            values = parameter.values(None)
            if not values:
                continue  # no data yet: no dimension to offer (the layer draws its areas without values)
            default = next((text for text, value in values if value == defaults[parameter.name]), "")
            if parameter.kind == "year":
                extent = year_extent(sorted(value for _, value in values))
                result.append(Dimension("time", "ISO8601", default, extent))
            else:
                result.append(Dimension(parameter.name, "", default, ",".join(text for text, _ in values)))
        return result, defaults

    return dataversion.cached(layer, versions, "wms-dimensions", compute)  # type: ignore[return-value]


def document(request, version: str, language: str) -> str:
    """The capabilities XML of ``version`` in ``language``."""
    layers = registry.all_layers()
    versions = dataversion.read(layers)
    base = online_resource(request)
    entries = []
    all_boxes = []
    for layer in layers:
        boxes = layer_boxes(layer, versions)
        if boxes:
            all_boxes.append(boxes)
        entries.append((layer, boxes))
    service_boxes = union(all_boxes) if all_boxes else transform_boxes(DEFAULT_EXTENT)
    served = [system.name for system in wms_crs.served(version)]
    context_layers = []
    for layer, boxes in entries:
        boxes = boxes or service_boxes  # no features yet: the service's extent, so that clients can add it
        dimensions, defaults = layer_dimensions(layer, versions) if layer.parameters else ([], None)
        heading = legend.caption(layer, defaults, language)
        styles = []
        for style in layer.styles:
            width, height = legend.size(layer, style, language, heading)
            styles.append(
                {
                    "name": style.name,
                    "title": style.title.get(language) or style.title.get("en", style.name),
                    "legend_url": legend_url(base, version, layer, style.name, language),
                    "legend_width": width,
                    "legend_height": height,
                }
            )
        context_layers.append(
            {
                "name": layer.id,
                "title": layer.title_in(language),
                "abstract": layer.abstract_in(language),
                "queryable": 1 if layer.queryable else 0,
                "crs": served,
                "geographic": geographic_box(boxes),
                "bounding_boxes": bounding_boxes(boxes, version),
                "dimensions": dimensions,
                "styles": styles,
                "attribution": data_attribution() if layer.attribution else None,
                "metadata_url": metadata_url(base_url(request), layer),
            }
        )
    wms = settings.WMS
    context = {
        "version": version,
        "update_sequence": versions.token(layers),
        "title": wms["TITLE"].get(language) or wms["TITLE"]["de"],
        "abstract": wms["ABSTRACT"].get(language) or wms["ABSTRACT"]["de"],
        "keywords": wms["KEYWORDS"],
        "contact": wms["CONTACT"],
        "fees": wms["FEES"],
        "access_constraints": wms["ACCESS_CONSTRAINTS"],
        "layer_limit": wms["LAYER_LIMIT"],
        "max_width": wms["MAX_WIDTH"],
        "max_height": wms["MAX_HEIGHT"],
        "online_resource": base,
        "image_formats": ADVERTISED_IMAGE_FORMATS,
        "info_formats": INFO_FORMATS,
        "crs": served,
        "geographic": geographic_box(service_boxes),
        "bounding_boxes": bounding_boxes(service_boxes, version),
        "layers": context_layers,
    }
    template = "wms/capabilities_130.xml" if version == "1.3.0" else "wms/capabilities_111.xml"
    return render_to_string(template, context)
