"""Parameters of OGC API – Features requests: CRS URIs, bbox, limit/offset, queryables, formats.

Every bad value raises ``OGCError`` (400 with an OGC-style JSON body naming the parameter). Only
integer EPSG codes from ``geo.crs.ALLOWED_SRIDS`` come out of here: a CRS is recognised by comparing
the client's text with the URIs we publish, never by parsing it.
"""

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, QueryDict

from geo import crs
from geo import layers as registry
from geo.http import MapError
from geo.layers import Layer, ParameterError
from geo.params import MAX_ABS_COORDINATE

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_URI = "http://www.opengis.net/def/crs/EPSG/0/{}"
NORTHING_FIRST = crs.NORTHING_FIRST  # latitude (northing) first in the EPSG registry

JSON, GEOJSON, HTML = "application/json", "application/geo+json", "text/html"


OGCError = MapError  # answered as {"code": …, "description": …} with its status (geo.http.json_errors)


def invalid(name: str, reason: str) -> OGCError:
    return OGCError(400, "InvalidParameterValue", f"{name}: {reason}")


def not_found(description: str) -> OGCError:
    return OGCError(404, "NotFound", description)


@dataclass(frozen=True)
class Crs:
    """A CRS a client may name: its URI, the SRID PostGIS works with, and whether its first axis is
    the northing (latitude) so that coordinates are swapped against PostGIS's x/y."""

    uri: str
    srid: int
    northing_first: bool

    @property
    def geographic(self) -> bool:
        return crs.is_geographic(self.srid)


def _crs_list() -> list[Crs]:
    found = [Crs(CRS84, crs.WGS84, False)]
    for srid in sorted(crs.ALLOWED_SRIDS, key=lambda s: (s != crs.WGS84, s != crs.STORAGE_SRID, s)):
        found.append(Crs(EPSG_URI.format(srid), srid, srid in NORTHING_FIRST))
    return found


SUPPORTED_CRS: list[Crs] = _crs_list()
_BY_URI = {item.uri: item for item in SUPPORTED_CRS}
STORAGE_CRS = _BY_URI[EPSG_URI.format(crs.STORAGE_SRID)]
DEFAULT_CRS = SUPPORTED_CRS[0]


def crs_param(params: Mapping[str, str], name: str) -> Crs:
    raw = params.get(name)
    if raw is None or raw == "":
        return DEFAULT_CRS
    text = raw.strip().strip("[]")  # a safe CURIE is bracketed; we publish URIs only
    if text.startswith("https://"):
        text = "http://" + text[len("https://") :]
    found = _BY_URI.get(text)
    if found is None:
        raise invalid(name, f"{raw[:80]!r} is not supported; use one of {', '.join(_BY_URI)}.")
    return found


def single(request: HttpRequest) -> dict[str, str]:
    """The query parameters as a dict; a parameter given twice is a 400."""
    query: QueryDict = request.GET
    params = {}
    for key in query:
        values = query.getlist(key)
        if len(values) > 1:
            raise invalid(key, "given more than once.")
        params[key] = values[0]
    return params


def reject_unknown(params: Mapping[str, str], allowed: set[str]) -> None:
    """OGC API Features /req/core/query-param-unknown: parameters the API does not define → 400."""
    unknown = sorted(set(params) - allowed)
    if unknown:
        known = ", ".join(sorted(allowed))
        raise invalid(unknown[0][:40], f"unknown parameter; this resource knows {known}.")


def limit_param(params: Mapping[str, str]) -> int:
    """``limit``: default ``OGC_DEFAULT_LIMIT``; above ``OGC_MAX_LIMIT`` it is clamped (the
    standard allows that); below 1 or not an integer → 400."""
    raw = params.get("limit")
    if raw is None or raw == "":
        return settings.OGC_DEFAULT_LIMIT
    value = _integer("limit", raw)
    if value < 1:
        raise invalid("limit", "must be at least 1.")
    return min(value, settings.OGC_MAX_LIMIT)


def offset_param(params: Mapping[str, str]) -> int:
    raw = params.get("offset")
    if raw is None or raw == "":
        return 0
    value = _integer("offset", raw)
    if not 0 <= value <= 2**31 - 1:
        raise invalid("offset", "must be between 0 and 2147483647.")
    return value


def _integer(name: str, raw: str) -> int:
    text = raw.strip()
    digits = text.removeprefix("-").removeprefix("+")
    # ASCII only: str.isdigit() also accepts "²"; int() refuses very long strings
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 18:
        raise invalid(name, f"must be an integer, not {raw[:40]!r}.")
    return int(text)


def bbox_param(params: Mapping[str, str], bbox_crs: Crs) -> tuple[float, float, float, float] | None:
    """``bbox`` in the axis order of ``bbox_crs`` (4 numbers, or 6 with heights, which are ignored),
    returned as x/y (lon/lat, easting/northing) for PostGIS."""
    raw = params.get("bbox")
    if raw is None or raw == "":
        return None
    parts = raw.split(",")
    if len(parts) not in (4, 6):
        raise invalid("bbox", f"needs 4 (or 6) comma-separated numbers, got {len(parts)}.")
    try:
        values = [float(part) for part in parts]
    except ValueError:
        raise invalid("bbox", "needs comma-separated numbers.") from None
    if not all(math.isfinite(v) and abs(v) <= MAX_ABS_COORDINATE for v in values):
        raise invalid("bbox", "coordinates must be finite numbers in range.")
    if len(values) == 6:
        values = [values[0], values[1], values[3], values[4]]
    a0, b0, a1, b1 = values
    if bbox_crs.northing_first:
        a0, b0, a1, b1 = b0, a0, b1, a1
    minx, miny, maxx, maxy = a0, b0, a1, b1
    if bbox_crs.geographic:
        if not (-180 <= minx <= 180 and -180 <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            order = "lat,lon" if bbox_crs.northing_first else "lon,lat"
            raise invalid("bbox", f"out of range for {bbox_crs.uri} (axis order {order}).")
        if minx > maxx:
            raise invalid("bbox", "boxes crossing the antimeridian are not supported.")
    if minx > maxx or miny > maxy:
        raise invalid("bbox", "the lower corner must come first.")
    return minx, miny, maxx, maxy


def queryable_filters(params: Mapping[str, str], layer: Layer) -> dict[str, object]:
    """Equality filters on the layer's queryable attributes, typed for the database."""
    filters = {}
    for name in layer.queryable:
        raw = params.get(name)
        if raw is None:
            continue
        filters[name] = typed_value(name, raw, layer.attributes[name])
    return filters


def parameter_names(layer: Layer) -> set[str]:
    """The query parameters of a parameterised layer: ``datetime`` for its year, its name for the others."""
    return {"datetime" if p.kind == "year" else p.name for p in layer.parameters}


def datetime_year(raw: str) -> str:
    """The year of ``datetime`` (a year, an RFC 3339 date or date-time; one instant, no interval)."""
    text = raw.strip()
    if "/" in text or ".." in text:
        raise invalid("datetime", "this collection takes one year (e.g. 2024), not an interval.")
    if len(text) == 4 and text.isascii() and text.isdigit():
        return text
    try:
        if len(text) == 10:
            return str(dt.date.fromisoformat(text).year)
        return str(dt.datetime.fromisoformat(text.replace("Z", "+00:00")).year)
    except ValueError:
        raise invalid("datetime", f"must be a year (2024) or an RFC 3339 date, not {raw[:40]!r}.") from None


def layer_parameters(params: Mapping[str, str], layer: Layer) -> dict[str, int | None]:
    """The resolved parameters of a parameterised layer (``geo.layers.resolve``); {} for other layers.
    A bad value is a 400 naming the query parameter."""
    if not layer.parameters:
        return {}
    raw: dict[str, str | None] = {}
    for parameter in layer.parameters:
        if parameter.kind == "year":
            given = params.get("datetime")
            raw[parameter.name] = datetime_year(given) if given else None
        else:
            raw[parameter.name] = params.get(parameter.name)
    try:
        return registry.resolve(layer, raw)
    except ParameterError as error:
        name = "datetime" if error.parameter.kind == "year" else error.parameter.name
        raise invalid(name, error.reason) from None


def typed_value(name: str, raw: str, kind: str) -> object:
    if len(raw) > 1000:
        raise invalid(name, "is too long.")
    try:
        if kind == "integer":
            value = _integer(name, raw)
            if not -(2**63) <= value < 2**63:
                raise invalid(name, "is out of range.")
            return value
        if kind == "number":
            number = float(raw)
            if not math.isfinite(number):
                raise ValueError
            return number
        if kind == "boolean":
            lowered = raw.strip().lower()
            if lowered not in {"true", "false"}:
                raise ValueError
            return lowered == "true"
        if kind == "date":
            return dt.date.fromisoformat(raw.strip())
        if kind == "datetime":
            moment = dt.datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
            if moment.tzinfo is None:
                raise ValueError
            return moment
    except (ValueError, OverflowError):
        raise invalid(name, f"is not a valid {kind}: {raw[:40]!r}.") from None
    if "\x00" in raw:
        raise invalid(name, "must not contain NUL characters.")
    return raw


def negotiate(request: HttpRequest, params: Mapping[str, str], json_type: str = JSON) -> str:
    """``json`` or ``html``: the ``f`` parameter if given, else the client's Accept header (JSON by
    default, HTML when the client prefers it, as browsers do)."""
    f = params.get("f")
    if f is not None:
        if f in {"json", "geojson"}:
            return "json"
        if f == "html":
            return "html"
        raise invalid("f", f"must be json or html, not {f[:20]!r}.")
    best_json = best_html = 0.0
    for item in request.headers.get("Accept", "").split(","):
        media, _, rest = item.strip().partition(";")
        quality = 1.0
        for param in rest.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        media = media.strip().lower()
        if media in {JSON, GEOJSON, json_type, "application/*"}:
            best_json = max(best_json, quality)
        elif media in {HTML, "application/xhtml+xml"}:
            best_html = max(best_html, quality)
    return "html" if best_html > best_json else "json"
