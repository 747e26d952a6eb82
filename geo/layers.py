"""The layer registry: every publishable layer is declared once, by the app that owns its data.

WMS (``/ows``), OGC API – Features (``/ogc/``) and vector tiles (``/tiles/``) all serve from here,
so ``geo`` never imports an app's models. A layer's ``source`` is a SQL SELECT that returns **only
public attributes of published rows**: the column ``id`` (the feature id), the column ``geom`` (in
the storage CRS, EPSG:25832) and one column per entry of ``attributes``. Services wrap it as a
subquery (``SELECT … FROM (<source>) AS src WHERE ST_Intersects(src.geom, <bbox>)``), which the
planner flattens so that the spatial index of the underlying table is used. A layer whose source
reads derived data keeps that data up to date itself, after the writes that change it (planning's
priority snapshot): reading a layer never writes.
"""

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

    @property
    def default_style(self) -> Style:
        return self.styles[0]

    def title_in(self, language: str) -> str:
        return self.title.get(language[:2]) or self.title["en"]

    def abstract_in(self, language: str) -> str:
        return self.abstract.get(language[:2]) or self.abstract["en"]


_registry: dict[str, Layer] = {}


def register(layer: Layer) -> Layer:
    """Declare a layer (call from the owning app's ``AppConfig.ready``); re-registering replaces it."""
    for name in layer.queryable:
        if name not in layer.attributes:
            raise ValueError(f"layer {layer.id}: queryable {name!r} is not an attribute")
    _registry[layer.id] = layer
    return layer


def get(layer_id: str) -> Layer | None:
    return _registry.get(layer_id)


def all_layers() -> list[Layer]:
    return sorted(_registry.values(), key=lambda layer: (layer.order, layer.id))
