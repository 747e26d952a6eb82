"""KVP parameters of WFS 2.0 requests: names case-insensitive, values as sent. Every bad value is a
``WFSError`` naming the parameter. Only integer EPSG codes from ``geo.crs.ALLOWED_SRIDS`` come out of
here: a CRS is recognised by pattern, never parsed by PROJ.

Axis order (WFS 2.0 / OGC 08-038r7 policy, as GeoServer and MapServer have it): the URN
``urn:ogc:def:crs:EPSG::4326`` and the URI ``http://www.opengis.net/def/crs/EPSG/0/4326`` take the
order of the EPSG registry (latitude first for 4326 and 4258, northing first for 31467); the short
form ``EPSG:4326`` is the legacy x/y order (longitude first); ``CRS84`` is longitude first.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.http import QueryDict

from geo import crs
from geo import layers as registry
from geo.layers import Layer
from geo.ogc.params import Crs, OGCError, bbox_param
from geo.wfs.errors import (
    OPERATION_NOT_SUPPORTED,
    VERSION_NEGOTIATION_FAILED,
    WFSError,
    invalid,
    missing,
    not_supported,
)

VERSIONS = ("2.0.0", "2.0.2")
PREFIX = "qa"
NAMESPACE = "https://quartiersatlas.de/ns/wfs"
GET_FEATURE_BY_ID = "urn:ogc:def:query:OGC-WFS::GetFeatureById"

OPERATIONS = {
    "GETCAPABILITIES": "GetCapabilities",
    "DESCRIBEFEATURETYPE": "DescribeFeatureType",
    "GETFEATURE": "GetFeature",
    "LISTSTOREDQUERIES": "ListStoredQueries",
    "DESCRIBESTOREDQUERIES": "DescribeStoredQueries",
}

GML32 = "application/gml+xml; version=3.2"
JSON = "application/json"
# output formats as clients spell them, compared without spaces and in lower case
_GML_NAMES = {
    "application/gml+xml;version=3.2",
    "text/xml;subtype=gml/3.2",
    "text/xml;subtype=gml/3.2.1",
    "gml32",
}
_JSON_NAMES = {"application/json", "application/geo+json", "json", "geojson"}


def asks_for_wfs(query: QueryDict) -> bool:
    """Whether a request to ``/ows`` is for the WFS (``SERVICE=WFS``, name and value in any case)
    rather than the WMS."""
    services = [value for key in query if key.upper() == "SERVICE" for value in query.getlist(key)]
    return any(value.strip().upper() == "WFS" for value in services)


class Params:
    """The query parameters with upper-cased names; a parameter given twice is a 400."""

    def __init__(self, query: QueryDict | Mapping[str, str]):
        self.values: dict[str, str] = {}
        for key in query:
            values = query.getlist(key) if isinstance(query, QueryDict) else [query[key]]
            name = key.upper()
            if name in self.values or len(values) > 1:
                raise invalid(name, "is given more than once.")
            self.values[name] = values[0]

    def first(self, name: str) -> str | None:
        value = self.values.get(name)
        return None if value is None or value.strip() == "" else value

    def required(self, name: str) -> str:
        value = self.first(name)
        if value is None:
            raise missing(name)
        return value


def operation(params: Params) -> str:
    name = params.required("REQUEST")
    found = OPERATIONS.get(name.upper())
    if found is None:
        raise WFSError(
            OPERATION_NOT_SUPPORTED,
            f"Request {name[:40]!r} is not supported; use one of {', '.join(OPERATIONS.values())}.",
            locator=name[:40],
        )
    return found


def check_version(params: Params, operation_name: str) -> str:
    """The version to answer: for GetCapabilities negotiated from ACCEPTVERSIONS (VERSION is ignored
    there, as OWS Common says); for the other operations VERSION is required and must be ours."""
    if operation_name == "GetCapabilities":
        accept = params.first("ACCEPTVERSIONS")
        if accept is None:
            return VERSIONS[0]
        for version in (v.strip() for v in accept.split(",")):
            if version in VERSIONS:
                return version
        raise WFSError(
            VERSION_NEGOTIATION_FAILED,
            f"None of the versions {accept[:60]!r} is served; "
            f"this service speaks WFS {' and '.join(VERSIONS)}.",
            locator="AcceptVersions",
        )
    given = params.first("VERSION")
    if given is None:
        raise missing("VERSION")
    version = given
    if version.strip() not in VERSIONS:
        raise invalid("VERSION", f"must be one of {', '.join(VERSIONS)}, not {version[:20]!r}.")
    return version.strip()


@dataclass(frozen=True)
class WfsCrs:
    """A CRS a request names: ``out`` for the feature queries (SRID, whether coordinates are swapped),
    ``name`` as GML's srsName gives it (PostGIS writes the URN or the short form)."""

    srid: int
    northing_first: bool
    urn: bool  # URN/URI forms (EPSG axis order) or the short legacy form EPSG:n (x/y)
    text: str  # as the client wrote it

    @property
    def out(self) -> Crs:
        return Crs(self.text, self.srid, self.northing_first)

    @property
    def name(self) -> str:
        return f"urn:ogc:def:crs:EPSG::{self.srid}" if self.urn else f"EPSG:{self.srid}"


def default_crs() -> WfsCrs:
    return WfsCrs(crs.STORAGE_SRID, False, True, f"urn:ogc:def:crs:EPSG::{crs.STORAGE_SRID}")


def advertised_crs() -> list[str]:
    """DefaultCRS first, then the others, as URNs."""
    ordered = sorted(crs.ALLOWED_SRIDS, key=lambda s: (s != crs.STORAGE_SRID, s != crs.WGS84, s))
    return [f"urn:ogc:def:crs:EPSG::{srid}" for srid in ordered]


def parse_crs(text: str, locator: str) -> WfsCrs:
    try:
        name = crs.crs_name(text)
    except ValueError:
        raise invalid(
            locator, f"{text[:80]!r} is not offered; use one of {', '.join(advertised_crs())}."
        ) from None
    return WfsCrs(name.srid, name.northing_first, name.authority, text.strip())


def srs_name(params: Params) -> WfsCrs:
    text = params.first("SRSNAME")
    return default_crs() if text is None else parse_crs(text, "srsName")


def bbox(raw: str | None, locator: str = "BBOX") -> tuple[tuple[float, float, float, float], int] | None:
    """``BBOX=a,b,c,d[,crs]`` in the axis order of its CRS (the default CRS when none is given), as
    x/y in that CRS's SRID."""
    if raw is None:
        return None
    parts = [part.strip() for part in raw.split(",")]
    system = default_crs()
    if len(parts) in (5, 7):
        system = parse_crs(parts[-1], locator)
        parts = parts[:-1]
    try:
        box = bbox_param({"bbox": ",".join(parts)}, system.out)
    except OGCError as error:
        raise invalid(locator, str(error.description).removeprefix("bbox: ")) from None
    assert box is not None
    return box, system.srid


def type_names(params: Params, *, required: bool = True) -> list[Layer]:
    """``TYPENAMES`` (or WFS 1.x's ``TYPENAME``): ``qa:name`` or ``name``. A comma-separated list is a
    join in WFS 2.0, which this service does not do for GetFeature (the caller checks); parenthesised
    lists ``(a)(b)`` are several queries, not supported either."""
    raw = params.first("TYPENAMES") or params.first("TYPENAME")
    if raw is None:
        if required:
            raise missing("TYPENAMES")
        return []
    if "(" in raw:
        raise not_supported(
            "TYPENAMES",
            "several queries in one request are not supported; send one request per feature type.",
        )
    layers = []
    for name in raw.split(","):
        layers.append(layer_named(name.strip(), "TYPENAMES"))
    return layers


def layer_named(name: str, locator: str) -> Layer:
    local = name
    if name.startswith("{"):  # Clark notation {namespace}name
        namespace, _, local = name[1:].partition("}")
        if namespace != NAMESPACE:
            local = ""
    elif ":" in name:
        prefix, local = name.split(":", 1)
        if prefix != PREFIX:
            raise invalid(
                locator, f"{name[:60]!r}: unknown namespace prefix; feature types are named {PREFIX}:<name>."
            )
    layer = registry.get(local)
    if layer is None:
        raise invalid(locator, f"{name[:60]!r} is not a feature type of this service.")
    return layer


def resource_id(text: str, locator: str) -> tuple[Layer, int]:
    """A feature identifier ``<layer>.<id>`` (the gml:id) → the layer and the row id."""
    layer_id, _, number = text.strip().rpartition(".")
    layer = registry.get(layer_id.removeprefix(f"{PREFIX}:"))
    if layer is None or not (number.isascii() and number.isdigit() and len(number) <= 18):
        raise invalid(
            locator, f"{text[:60]!r} is not a feature identifier of this service (<type>.<number>)."
        )
    return layer, int(number)


def integer(params: Params, name: str, *, lo: int, hi: int = 2**31 - 1) -> int | None:
    raw = params.first(name)
    if raw is None:
        return None
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 12 or not lo <= int(text) <= hi:
        raise invalid(name.upper(), f"must be an integer from {lo} to {hi}, not {raw[:40]!r}.")
    return int(text)


def count(params: Params) -> int:
    """``COUNT`` (WFS 1.x: ``MAXFEATURES``); without it ``CountDefault`` (the OGC API's maximum page)."""
    value = integer(params, "COUNT", lo=0)
    if value is None:
        value = integer(params, "MAXFEATURES", lo=0)
    maximum = settings.OGC_MAX_LIMIT
    return maximum if value is None else min(value, maximum)


def start_index(params: Params) -> int:
    return integer(params, "STARTINDEX", lo=0) or 0


def result_type(params: Params) -> str:
    raw = params.first("RESULTTYPE")
    if raw is None:
        return "results"
    if raw.strip().lower() not in {"results", "hits"}:
        raise invalid("RESULTTYPE", f"must be results or hits, not {raw[:40]!r}.")
    return raw.strip().lower()


def output_format(params: Params, *, json_allowed: bool = True) -> str:
    raw = params.first("OUTPUTFORMAT")
    if raw is None:
        return GML32
    key = re.sub(r"\s+", "", raw).lower().replace('"', "")
    key = key.replace("applicationgml", "application/gml").replace("gmlxml", "gml+xml")
    if key in _GML_NAMES:
        return GML32
    if json_allowed and key in _JSON_NAMES:
        return JSON
    offered = f"{GML32!r} or {JSON!r}" if json_allowed else repr(GML32)
    raise invalid("outputFormat", f"{raw[:60]!r} is not offered; use {offered}.")


# Parameters this service does not implement; ignoring them would answer another question.
UNSUPPORTED = {
    "FILTER_LANGUAGE": "only the default filter language (FES 2.0) is understood.",
    "SORTBY": "sorting is not supported; features come ordered by their identifier.",
    "PROPERTYNAME": "projections are not supported; every feature comes with all its (public) properties.",
    "RESOLVE": "resolving references is not supported.",
    "FEATUREVERSION": "feature versions are not supported.",
}


def reject_unsupported(params: Params) -> None:
    for name, reason in UNSUPPORTED.items():
        value = params.first(name)
        if value is not None and not (name == "PROPERTYNAME" and value.strip() == "*"):
            raise not_supported(name, reason)
