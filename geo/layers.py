"""The layer registry: every publishable layer is declared once, by the app that owns its data.

WMS (``/ows``), OGC API – Features (``/ogc/``) and vector tiles (``/tiles/``) all serve from here,
so ``geo`` never imports an app's models. A layer's ``source`` is a SQL SELECT that returns **only
public attributes of published rows**: the column ``id`` (the feature id), the column ``geom`` (in
the storage CRS, EPSG:25832) and one column per entry of ``attributes``. Services wrap it as a
subquery (``SELECT … FROM (<source>) AS src WHERE ST_Intersects(src.geom, <bbox>)``), which the
planner flattens so that the spatial index of the underlying table is used. A layer whose source
reads derived data keeps that data up to date itself, after the writes that change it (planning's
priority snapshot): reading a layer never writes.

**Parameterised layers** (``Layer.parameters``, e.g. ``indicators``: one indicator and year per request)
declare the values a request chooses. Every parameter resolves to an **integer** (or NULL) that the
source reads as the bound placeholder ``%(p_<name>)s`` — never text from the request. Each service
takes them its standard way (WMS: ``DIM_<NAME>`` and ``TIME``; OGC API: ``?<name>=`` and
``datetime``; tiles: ``?<name>=``) and calls ``resolve``; a missing value takes the parameter's
default (the first choice; the latest year). Mapnik's postgis datasource cannot bind parameters, so
the WMS writes the resolved integers into its SQL (``literal_source``), as it does with SRIDs.
"""

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

AttributeType = Literal["string", "integer", "number", "boolean", "date", "datetime"]
GeometryType = Literal[
    "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "Geometry"
]


@dataclass(frozen=True)
class Rule:
    """One class of a style: features whose ``attribute`` equals ``value`` (or, with ``upto``, whose
    numeric value is below it), drawn in ``colour``; a rule without condition matches everything."""

    label: dict[str, str]
    colour: str
    attribute: str | None = None
    value: str | None = None
    upto: float | None = None


@dataclass(frozen=True)
class Style:
    """A default style: fill/stroke colours, an optional label attribute, and classes by attribute."""

    name: str
    title: dict[str, str]
    stroke: str = "#1f5f8b"
    stroke_width: float = 1.5
    fill: str | None = None
    fill_opacity: float = 0.25
    point_size: float = 9.0
    label: str | None = None
    rules: tuple[Rule, ...] = ()


ParameterKind = Literal["choice", "year"]
Resolved = Mapping[str, int | None]


@dataclass(frozen=True)
class Parameter:
    """A value each request of a parameterised layer chooses (see the module's docstring).

    ``kind``: ``choice`` — one of a list of keys (WMS ``DIM_<NAME>``, OGC API and tiles ``?<name>=``),
    default the first; ``year`` — a calendar year (WMS ``TIME``, OGC API ``datetime``, tiles
    ``?<name>=``), default the latest with data. The callables are the owning app's and receive the
    values of the parameters declared before this one (``None`` for ``values``: over all of them):
    ``values`` lists ``(public text, integer)`` pairs in order, ``lookup`` maps a text to its integer
    (None: not allowed), ``default`` gives the integer used when the request names none."""

    name: str
    title: dict[str, str]
    kind: ParameterKind
    values: Callable[[Resolved | None], Sequence[tuple[str, int]]]
    lookup: Callable[[str, Resolved], int | None]
    default: Callable[[Resolved], int | None]

    def title_in(self, language: str) -> str:
        return self.title.get(language[:2]) or self.title["en"]

    @property
    def placeholder(self) -> str:
        return f"p_{self.name}"


class ParameterError(ValueError):
    """A value of ``parameter`` that the layer does not have (the services name it their way)."""

    def __init__(self, parameter: Parameter, raw: str, reason: str):
        super().__init__(reason)
        self.parameter = parameter
        self.raw = raw
        self.reason = reason


CharterDimension = Literal["just", "green", "productive"]
# ISO 19115 MD_MaintenanceFrequencyCode values the layers use
UpdateFrequency = Literal["continual", "daily", "weekly", "monthly", "annually", "asNeeded", "irregular"]


@dataclass(frozen=True)
class Metadata:
    """What a layer's catalogue record says beyond title and abstract (``geo.catalogue``).

    ``dimensions``: the New Leipzig Charter's dimensions the layer serves (just, green, productive
    city; default all three: the area layers frame every one), written as keywords. ``keywords``:
    further free keywords (German first). ``update_frequency``: an ISO MD_MaintenanceFrequencyCode.
    ``topic``: an ISO MD_TopicCategoryCode. ``licence``: ``(name, url)`` of the data's licence; None
    takes ``settings.CATALOGUE["LICENCE"]`` (a boundary layer, ``Layer.attribution``, takes the
    licence of ``settings.DATA_ATTRIBUTION``)."""

    keywords: tuple[str, ...] = ()
    dimensions: tuple[CharterDimension, ...] = ("just", "green", "productive")
    update_frequency: UpdateFrequency = "asNeeded"
    topic: str = "planningCadastre"
    licence: tuple[str, str] | None = None


@dataclass(frozen=True)
class Layer:
    id: str
    title: dict[str, str]  # {"de": …, "en": …}
    abstract: dict[str, str]
    geometry_type: GeometryType
    source: str  # SQL SELECT id, geom (EPSG:25832), <attributes>; public rows and attributes only
    attributes: dict[str, AttributeType]
    # attributes clients may filter on (OGC API); a layer without any is not queryable in the WMS
    queryable: tuple[str, ...]
    styles: tuple[Style, ...]
    # tables whose writes change the layer's data (for its data version, ETag)
    tables: tuple[str, ...] = field(default=())
    order: int = 100  # position in capabilities and collection lists
    # values each request chooses (bound as %(p_<name>)s in ``source``); see ``Parameter``
    parameters: tuple[Parameter, ...] = ()
    # a caption of the chosen values (legend heading), e.g. "Kinderarmut (%), 2024"
    caption: Callable[[Resolved, str], str] | None = None
    # optional: every parameter resolved at once (one query instead of one or two per parameter; the
    # texts are checked by ``resolve`` first); raises ParameterError (see ``not_available``)
    resolver: Callable[[Mapping[str, str | None]], dict[str, int | None]] | None = None
    # the layer shows the area boundaries: its metadata (WMS capabilities, OGC API collection) carries
    # the attribution their licence requires (settings.DATA_ATTRIBUTION, geo.attribution)
    attribution: bool = False
    # catalogue metadata (ISO 19115, geo.catalogue); the defaults suit every layer, apps narrow them
    metadata: Metadata = field(default_factory=Metadata)
    # optional: ``source`` with ``geom`` in EPSG:3857 (a stored copy with its own spatial index, e.g.
    # ``quartiere_area.geom_web``), the same rows and attributes; the vector tiles and the WMS maps in
    # EPSG:3857 read it instead of transforming every geometry (geo.tiles.queries, geo.wms.render)
    source_3857: str | None = None
    # ``source_3857`` also gives ``clearance``: the minimum clearance of its geometry (ST_MinimumClearance,
    # metres of EPSG:3857, stored: e.g. ``quartiere_area.geom_web_clearance``). A polygon layer's tiles
    # then write a polygon inside the tile whose clearance exceeds two tile units as it is, snapped,
    # without ST_AsMVTGeom's validation (geo.tiles.queries)
    source_3857_clearance: bool = False

    @property
    def default_style(self) -> Style:
        return self.styles[0]

    def title_in(self, language: str) -> str:
        return self.title.get(language[:2]) or self.title["en"]

    def abstract_in(self, language: str) -> str:
        return self.abstract.get(language[:2]) or self.abstract["en"]

    def parameter(self, kind: ParameterKind) -> Parameter | None:
        return next((p for p in self.parameters if p.kind == kind), None)


YEAR_TEXT = re.compile(r"^[0-9]{4}$")


def resolve(layer: Layer, raw: Mapping[str, str | None]) -> dict[str, int | None]:
    """The integers of the layer's parameters from the request's texts (by parameter name; a year as
    four digits — the services turn their own date forms into that). ``ParameterError`` for a value the
    layer does not have; a missing one takes the default. In declaration order: a later parameter's
    values may depend on an earlier one's (the years of the chosen indicator)."""
    texts: dict[str, str | None] = {}
    for parameter in layer.parameters:
        text = raw.get(parameter.name)
        text = text.strip() if text is not None else ""
        if len(text) > 100 or "\x00" in text:
            raise ParameterError(parameter, text[:40], "is not a value of this layer.")
        if text and parameter.kind == "year" and not YEAR_TEXT.match(text):
            raise ParameterError(parameter, text, "must be a year (four digits).")
        texts[parameter.name] = text or None
    if layer.resolver is not None:
        return layer.resolver(texts)
    resolved: dict[str, int | None] = {}
    for parameter in layer.parameters:
        text = texts[parameter.name]
        if text is None:
            resolved[parameter.name] = parameter.default(resolved)
            continue
        value = parameter.lookup(text, resolved)
        if value is None:
            raise not_available(parameter, text, resolved)
        resolved[parameter.name] = value
    return resolved


def not_available(parameter: Parameter, text: str, resolved: Resolved) -> ParameterError:
    """The error for a well-formed value the layer does not have, naming the values it has."""
    allowed = [name for name, _ in parameter.values(resolved)]
    shown = ", ".join(allowed[:60]) + (", …" if len(allowed) > 60 else "")
    return ParameterError(
        parameter, text, f"{text[:40]!r} is not available; choose one of: {shown or '(none)'}."
    )


def bound(layer: Layer, values: Resolved | None = None) -> dict[str, int | None]:
    """The bound parameters of the layer's source (missing values: NULL)."""
    values = values or {}
    return {p.placeholder: _integer(values.get(p.name)) for p in layer.parameters}


def _integer(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"a layer parameter is an integer, not {type(value).__name__}")
    return value


def source_sql(layer: Layer, source: str | None = None) -> str:
    """The source (or ``source``, another text of the layer such as its ``source_3857``) for a psycopg
    statement: literal ``%`` doubled, the parameters' placeholders kept."""
    text = (layer.source if source is None else source).replace("%", "%%")
    for parameter in layer.parameters:
        text = text.replace(f"%%({parameter.placeholder})s", f"%({parameter.placeholder})s")
    return text


def literal_source(layer: Layer, values: Resolved | None = None, source: str | None = None) -> str:
    """The source (or ``source``, another text of the layer) with the parameters written in as integer
    literals (or NULL), for Mapnik's datasource, which cannot bind: only ``int`` values ever reach the
    text."""
    text = layer.source if source is None else source
    if not layer.parameters:
        return text
    literals = {
        key: "NULL" if value is None else str(int(value)) for key, value in bound(layer, values).items()
    }
    return source_sql(layer, text) % literals


_registry: dict[str, Layer] = {}


def register(layer: Layer) -> Layer:
    """Declare a layer (call from the owning app's ``AppConfig.ready``); re-registering replaces it."""
    for name in layer.queryable:
        if name not in layer.attributes:
            raise ValueError(f"layer {layer.id}: queryable {name!r} is not an attribute")
    for parameter in layer.parameters:
        if parameter.name in layer.queryable:
            raise ValueError(f"layer {layer.id}: parameter {parameter.name!r} is also a queryable")
        if f"%({parameter.placeholder})s" not in layer.source:
            raise ValueError(f"layer {layer.id}: the source does not use %({parameter.placeholder})s")
    _registry[layer.id] = layer
    return layer


def get(layer_id: str) -> Layer | None:
    return _registry.get(layer_id)


def all_layers() -> list[Layer]:
    return sorted(_registry.values(), key=lambda layer: (layer.order, layer.id))
