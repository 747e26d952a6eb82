"""Parsing WMS requests: parameter names are case-insensitive, every failure is a ``WMSError``.

The order of the checks matters: the image size and format come first, so that a request that is too
big is refused with an XML report before anything is drawn — also with ``EXCEPTIONS=INIMAGE``.
"""

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, overload

from django.conf import settings

from geo import layers as registry
from geo.layers import Layer, ParameterError, Style
from geo.wms import crs as wms_crs
from geo.wms.errors import (
    INVALID_CRS,
    INVALID_DIMENSION,
    INVALID_FORMAT,
    INVALID_POINT,
    LAYER_NOT_DEFINED,
    LAYER_NOT_QUERYABLE,
    STYLE_NOT_DEFINED,
    WMSError,
    invalid,
    missing,
)

# FORMAT → Mapnik's encoding. Palette PNG with fast zlib: a third of the encoding time of 32-bit PNG
# and a smaller file (DESIGN.md); 32-bit on request.
# Mapnik's encoder names, and FPNG: the truecolour PNG writer of geo.wms.render (lossless, the pixels as
# drawn; measured 5–10× faster than Mapnik's PNG writers, files ≈3× those of the 8-bit palette PNG).
FPNG = "fpng"
IMAGE_FORMATS = {
    "image/png": FPNG,
    # the palette PNG for clients that ask for it (a third of the bytes; quantised to 256 colours)
    "image/png; mode=8bit": "png8:m=h:z=1",
    "image/png8": "png8:m=h:z=1",
    "image/png; mode=32bit": FPNG,
    "image/jpeg": "jpeg85",
}
ADVERTISED_IMAGE_FORMATS = ("image/png", "image/jpeg", "image/png; mode=32bit")
INFO_FORMATS = ("text/html", "application/json", "text/plain")
EXCEPTION_MODES = {
    "XML": "xml",
    "INIMAGE": "inimage",
    "BLANK": "blank",
    "APPLICATION/VND.OGC.SE_XML": "xml",
    "APPLICATION/VND.OGC.SE_INIMAGE": "inimage",
    "APPLICATION/VND.OGC.SE_BLANK": "blank",
    "TEXT/XML": "xml",
}
LANGUAGES = {"de": "de", "ger": "de", "deu": "de", "en": "en", "eng": "en"}
_COLOUR = re.compile(r"^(?:0x|#)([0-9a-f]{6})$", re.IGNORECASE)
_INTEGER = re.compile(r"^[+]?[0-9]{1,9}$")


class Params(Mapping[str, str]):
    """The query parameters with upper-cased names (``bbox`` = ``BBOX``); the last value of a repeated one."""

    def __init__(self, query: Mapping[str, str]):
        self._values = {str(key).upper(): str(value) for key, value in query.items()}

    def __getitem__(self, name: str) -> str:
        return self._values[name.upper()]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def first(self, *names: str) -> str | None:
        """The value of the first of ``names`` that is present and non-empty."""
        for name in names:
            value = self._values.get(name.upper())
            if value is not None and value.strip() != "":
                return value.strip()
        return None

    def required(self, *names: str) -> str:
        value = self.first(*names)
        if value is None:
            raise missing(names[0])
        return value


def version_of(params: Params) -> str:
    """``1.1.1`` for requests of 1.1.x and older; ``1.3.0`` for 1.3.0, newer, unknown or missing."""
    raw = params.first("VERSION", "WMTVER")
    if raw is None:
        return "1.3.0"
    try:
        numbers = tuple(int(part) for part in raw.split("."))
    except ValueError:
        return "1.3.0"
    return "1.1.1" if numbers < (1, 3) else "1.3.0"


def language_of(params: Params, request_language: str | None) -> str:
    """``LANGUAGE`` (de/en, also ger/deu/eng) or else the request's (Accept-Language) language."""
    raw = (params.first("LANGUAGE") or "").lower()
    if raw[:3] in LANGUAGES:
        return LANGUAGES[raw[:3]]
    if raw[:2] in LANGUAGES:
        return LANGUAGES[raw[:2]]
    return "en" if (request_language or "de")[:2] == "en" else "de"


def exceptions_mode(params: Params) -> str:
    """xml, inimage or blank; unknown values fall back to xml (the one every client can read)."""
    return EXCEPTION_MODES.get((params.first("EXCEPTIONS") or "XML").upper(), "xml")


@overload
def integer(params: Params, name: str, lo: int, hi: int, *, required: Literal[True] = True) -> int: ...
@overload
def integer(params: Params, name: str, lo: int, hi: int, *, required: bool) -> int | None: ...
def integer(params: Params, name: str, lo: int, hi: int, *, required: bool = True) -> int | None:
    raw = params.first(name)
    if raw is None:
        if required:
            raise missing(name)
        return None
    if not _INTEGER.match(raw):
        raise invalid(name, f"must be an integer, not {raw[:40]!r}.")
    value = int(raw)
    if not lo <= value <= hi:
        raise invalid(name, f"must be between {lo} and {hi}, not {value}.")
    return value


def size(params: Params) -> tuple[int, int]:
    """WIDTH and HEIGHT within MaxWidth/MaxHeight."""
    limits = settings.WMS
    return (
        integer(params, "WIDTH", 1, limits["MAX_WIDTH"]),
        integer(params, "HEIGHT", 1, limits["MAX_HEIGHT"]),
    )


def image_format(params: Params, *, required: bool = True, default: str = "image/png") -> str:
    raw = params.first("FORMAT")
    if raw is None:
        if required:
            raise missing("FORMAT")
        return default
    value = re.sub(r"\s*;\s*", "; ", raw.lower())
    if value not in IMAGE_FORMATS:
        raise WMSError(
            INVALID_FORMAT,
            f"Format {raw[:60]!r} is not supported; use one of {', '.join(ADVERTISED_IMAGE_FORMATS)}.",
            locator="FORMAT",
        )
    return value


def layer_list(params: Params, name: str = "LAYERS") -> list[Layer]:
    names = params.required(name).split(",")
    if len(names) > settings.WMS["LAYER_LIMIT"]:
        raise invalid(name, f"names {len(names)} layers; at most {settings.WMS['LAYER_LIMIT']} are allowed.")
    result = []
    for layer_name in names:
        layer = registry.get(layer_name.strip())
        if layer is None:
            raise WMSError(
                LAYER_NOT_DEFINED, f"Layer {layer_name.strip()[:60]!r} is not defined.", locator=name
            )
        result.append(layer)
    return result


def style_of(layer: Layer, name: str, locator: str = "STYLES") -> Style:
    if name in ("", "default"):
        return layer.default_style
    for style in layer.styles:
        if style.name == name:
            return style
    raise WMSError(
        STYLE_NOT_DEFINED,
        f"Layer {layer.id!r} has no style {name[:60]!r}; it has {', '.join(s.name for s in layer.styles)}.",
        locator=locator,
    )


def style_list(params: Params, layers: list[Layer]) -> list[Style]:
    raw = params.first("STYLES")
    if raw is None or raw.strip(",") == "":
        return [layer.default_style for layer in layers]
    names = raw.split(",")
    if len(names) != len(layers):
        raise WMSError(
            STYLE_NOT_DEFINED,
            f"STYLES names {len(names)} styles for {len(layers)} layers; give one per layer (or none).",
            locator="STYLES",
        )
    return [style_of(layer, name.strip()) for layer, name in zip(layers, names, strict=True)]


def crs_of(params: Params, version: str) -> wms_crs.WmsCrs:
    names = ("CRS", "SRS") if version == "1.3.0" else ("SRS", "CRS")
    raw = params.required(*names)
    try:
        return wms_crs.parse(raw, version)
    except ValueError:
        served = ", ".join(c.name for c in wms_crs.served(version))
        raise WMSError(
            INVALID_CRS, f"{names[0]} {raw[:60]!r} is not supported; use one of {served}.", locator=names[0]
        ) from None


def bbox_of(params: Params, system: wms_crs.WmsCrs) -> tuple[float, float, float, float]:
    """BBOX in the request's axis order → x/y (east, north). Exponential notation is fine."""
    raw = params.required("BBOX")
    parts = raw.split(",")
    if len(parts) != 4:
        raise invalid("BBOX", f"needs 4 comma-separated numbers, got {len(parts)}.")
    try:
        values = tuple(float(part) for part in parts)
    except ValueError:
        raise invalid("BBOX", f"needs 4 comma-separated numbers, not {raw[:80]!r}.") from None
    if not all(math.isfinite(v) and abs(v) < 1e15 for v in values):
        raise invalid("BBOX", "needs finite numbers.")
    minx, miny, maxx, maxy = system.to_xy(values)  # type: ignore[arg-type]
    if not (minx < maxx and miny < maxy):
        raise invalid("BBOX", "must have minimum values below the maximum values (in the CRS's axis order).")
    return minx, miny, maxx, maxy


def bgcolor_of(params: Params) -> str:
    raw = params.first("BGCOLOR")
    if raw is None:
        return "#ffffff"
    match = _COLOUR.match(raw)
    if not match:
        raise invalid("BGCOLOR", f"must be a colour 0xRRGGBB, not {raw[:20]!r}.")
    return "#" + match.group(1).lower()


def boolean(params: Params, name: str) -> bool:
    raw = (params.first(name) or "FALSE").upper()
    if raw not in ("TRUE", "FALSE"):
        raise invalid(name, f"must be TRUE or FALSE, not {raw[:20]!r}.")
    return raw == "TRUE"


_TIME = re.compile(r"^([0-9]{4})(?:-[0-9]{2}(?:-[0-9]{2}(?:T[0-9:.]+(?:Z|[+-][0-9:]+)?)?)?)?$")


def dimension_name(layer_parameter) -> str:
    """The request parameter of a layer's parameter: ``TIME`` for its year, ``DIM_<NAME>`` else."""
    return "TIME" if layer_parameter.kind == "year" else f"DIM_{layer_parameter.name.upper()}"


def dimensions(params: Params, layer: Layer) -> dict[str, int | None]:
    """The resolved parameters of a parameterised layer from ``TIME`` (a year, or an ISO 8601 date or
    date-time in it; ``current`` or none: the default) and ``DIM_<NAME>``; {} for other layers. A value
    the layer does not have is an ``InvalidDimensionValue`` report naming the parameter."""
    if not layer.parameters:
        return {}
    raw: dict[str, str | None] = {}
    for parameter in layer.parameters:
        name = dimension_name(parameter)
        text = params.first(name)
        if parameter.kind == "year" and text is not None:
            if text.lower() == "current":
                text = None
            else:
                match = _TIME.match(text)
                if not match:
                    raise WMSError(
                        INVALID_DIMENSION,
                        f"{name} {text[:40]!r} is not a year; give one year (2024) or a date in it, no "
                        "list or interval.",
                        locator=name,
                    )
                text = match.group(1)
        raw[parameter.name] = text
    try:
        return registry.resolve(layer, raw)
    except ParameterError as error:
        name = dimension_name(error.parameter)
        raise WMSError(
            INVALID_DIMENSION, f"{name} of layer {layer.id!r}: {error.reason}", locator=name
        ) from None


@dataclass(frozen=True)
class MapRequest:
    """What GetMap (and GetFeatureInfo) draws: ``bbox`` in x/y order of ``crs``."""

    version: str
    layers: list[Layer]
    styles: list[Style]
    crs: wms_crs.WmsCrs
    bbox: tuple[float, float, float, float]
    width: int
    height: int
    format: str
    transparent: bool
    bgcolor: str
    # per layer: its resolved parameters ({} for a layer without any)
    parameters: tuple[dict[str, int | None], ...] = ()

    @property
    def resolution(self) -> tuple[float, float]:
        """Map units per pixel, horizontally and vertically."""
        minx, miny, maxx, maxy = self.bbox
        return (maxx - minx) / self.width, (maxy - miny) / self.height


def map_request(params: Params, version: str, *, size_and_format: tuple[int, int, str]) -> MapRequest:
    """The rest of a GetMap request, after ``size`` and ``image_format`` have passed."""
    width, height, format_ = size_and_format
    layers = layer_list(params)
    styles = style_list(params, layers)
    system = crs_of(params, version)
    chosen = tuple(dimensions(params, layer) for layer in layers)
    return MapRequest(
        version=version,
        layers=layers,
        styles=styles,
        crs=system,
        bbox=bbox_of(params, system),
        width=width,
        height=height,
        format=format_,
        transparent=boolean(params, "TRANSPARENT") and not format_.startswith("image/jpeg"),
        bgcolor=bgcolor_of(params),
        parameters=chosen,
    )


@dataclass(frozen=True)
class InfoRequest:
    map: MapRequest
    query_layers: list[Layer]
    info_format: str
    i: int
    j: int
    feature_count: int
    # per query layer: its resolved parameters
    query_parameters: tuple[dict[str, int | None], ...] = ()


def info_request(params: Params, version: str) -> InfoRequest:
    width, height = size(params)
    mapped = map_request(
        params, version, size_and_format=(width, height, image_format(params, required=False))
    )
    query_layers = layer_list(params, "QUERY_LAYERS")
    for layer in query_layers:
        if not layer.queryable:
            raise WMSError(
                LAYER_NOT_QUERYABLE, f"Layer {layer.id!r} is not queryable.", locator="QUERY_LAYERS"
            )
    info_format = (params.first("INFO_FORMAT") or "text/plain").lower().split(";")[0].strip()
    if info_format not in INFO_FORMATS:
        raise WMSError(
            INVALID_FORMAT,
            f"INFO_FORMAT {info_format[:60]!r} is not supported; use one of {', '.join(INFO_FORMATS)}.",
            locator="INFO_FORMAT",
        )
    # 1.3.0 calls the pixel I/J, 1.1.1 X/Y; the other version's names are accepted too
    axes = (("I", "X", width), ("J", "Y", height))
    point = []
    for own, other, limit in axes if version == "1.3.0" else ((x, i, n) for i, x, n in axes):
        raw = params.first(own, other)
        if raw is None:
            raise missing(own)
        if not _INTEGER.match(raw) or not 0 <= int(raw) < limit:
            raise WMSError(INVALID_POINT, f"{own}={raw[:20]!r} is not a pixel of the map.", locator=own)
        point.append(int(raw))
    feature_count = (
        integer(params, "FEATURE_COUNT", 1, settings.WMS["FEATURE_COUNT_MAX"], required=False) or 1
    )
    chosen = tuple(dimensions(params, layer) for layer in query_layers)
    return InfoRequest(mapped, query_layers, info_format, point[0], point[1], feature_count, chosen)
