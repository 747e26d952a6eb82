"""``geo.layers.Style`` → Mapnik styles (as Mapnik XML), and the entries of a legend.

A style becomes two Mapnik styles: ``<layer>:<style>`` draws the geometry, ``<layer>:<style>:labels``
the labels (when the style has a label attribute). Rules classify by ``value`` (equality) or
``upto`` (numeric classes: below ``upto`` and at least the previous ``upto`` of the same attribute).
A rule without condition catches what no other rule matched; when every rule has a condition,
features matching none are still drawn in the style's own colours, so nothing silently vanishes.
Layers of geometry type ``Geometry`` get symbolizers per geometry type (polygon, line, point).
"""

import threading
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import quoteattr

from geo.layers import Layer, Rule, Style
from geo.mapnik_env import LABEL_FONT, mapnik

# the SQL column holding the label text (geo.wms.render fills it only where there is room for it)
LABEL_COLUMN = "qa_label"
POLYGON_TYPES = ("Polygon", "MultiPolygon")


def darker(colour: str, factor: float = 0.6) -> str:
    """``#rrggbb`` scaled towards black (for outlines and label text)."""
    value = colour.lstrip("#")
    if len(value) != 6:
        return colour
    channels = [int(value[i : i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(f"{round(c * factor):02x}" for c in channels)


def _literal(layer: Layer, attribute: str, value: str) -> str:
    if layer.attributes.get(attribute) in ("integer", "number"):
        try:
            return repr(float(value))
        except ValueError:
            pass
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def _condition(layer: Layer, rule: Rule, lower: float | None) -> str | None:
    if rule.attribute is None:
        return None
    field = f"[{rule.attribute}]"
    if rule.upto is not None:
        below = f"{field} < {float(rule.upto)!r}"
        return below if lower is None else f"({field} >= {lower!r} and {below})"
    if rule.value is not None:
        return f"{field} = {_literal(layer, rule.attribute, rule.value)}"
    return f"{field} != null"


@dataclass(frozen=True)
class Class:
    """One drawable class of a style: its Mapnik filter (None: everything) and colour."""

    filter: str | None
    colour: str
    rule: Rule | None  # None for the implicit fallback


def classes(layer: Layer, style: Style) -> list[Class]:
    base_colour = style.fill or style.stroke
    if not style.rules:
        return [Class(None, base_colour, None)]
    result: list[Class] = []
    conditions: list[str] = []
    lower: dict[str, float] = {}
    catch_all: list[Rule] = []
    for rule in style.rules:
        condition = _condition(layer, rule, lower.get(rule.attribute or ""))
        if rule.upto is not None and rule.attribute:
            lower[rule.attribute] = float(rule.upto)
        if condition is None:
            catch_all.append(rule)
            continue
        conditions.append(condition)
        result.append(Class(condition, rule.colour, rule))
    rest = "not (" + " or ".join(f"({c})" for c in conditions) + ")" if conditions else None
    for rule in catch_all:
        result.append(Class(rest, rule.colour, rule))
    if not catch_all:
        result.append(Class(rest, base_colour, None))
    return result


def _symbolizers(layer: Layer, style: Style, colour: str, geometry: str) -> str:
    if geometry == "polygon":
        parts = []
        fill = colour if style.rules else style.fill
        if fill:
            opacity = quoteattr(str(style.fill_opacity))
            parts.append(f"<PolygonSymbolizer fill={quoteattr(fill)} fill-opacity={opacity}/>")
        stroke = style.stroke if not style.rules or style.fill is None else darker(colour, 0.75)
        parts.append(
            f"<LineSymbolizer stroke={quoteattr(stroke)} stroke-width={quoteattr(str(style.stroke_width))} "
            'stroke-linejoin="round"/>'
        )
        return "".join(parts)
    if geometry == "linestring":
        width = style.stroke_width + 1.5
        return (
            f'<LineSymbolizer stroke="#ffffff" stroke-width="{width + 2:g}" stroke-linecap="round" '
            'stroke-linejoin="round" stroke-opacity="0.8"/>'
            f'<LineSymbolizer stroke={quoteattr(colour)} stroke-width="{width:g}" stroke-linecap="round" '
            'stroke-linejoin="round"/>'
        )
    size = f"{style.point_size:g}"
    return (
        f'<MarkersSymbolizer marker-type="ellipse" fill={quoteattr(colour)} width="{size}" height="{size}" '
        'stroke="#ffffff" stroke-width="1.5" allow-overlap="true" ignore-placement="true" placement="point"/>'
    )


def geometry_kinds(layer: Layer) -> list[str]:
    if layer.geometry_type in POLYGON_TYPES:
        return ["polygon"]
    if layer.geometry_type in ("LineString", "MultiLineString"):
        return ["linestring"]
    if layer.geometry_type in ("Point", "MultiPoint"):
        return ["point"]
    return ["polygon", "linestring", "point"]


def mapnik_name(layer: Layer, style: Style) -> str:
    return f"{layer.id}:{style.name}"


def geometry_style_names(layer: Layer, style: Style) -> list[str]:
    """One Mapnik style per geometry kind for mixed layers (polygons below lines below points)."""
    kinds = geometry_kinds(layer)
    name = mapnik_name(layer, style)
    return [name] if len(kinds) == 1 else [f"{name}:{kind}" for kind in kinds]


def label_style_name(layer: Layer, style: Style) -> str | None:
    return f"{mapnik_name(layer, style)}:labels" if style.label else None


def label_size(style: Style) -> float:
    return round(9.5 + style.stroke_width, 1)


def style_xml(layer: Layer, style: Style) -> str:
    """The ``<Style>`` elements (geometry, and labels when the style has them) for Mapnik."""
    kinds = geometry_kinds(layer)
    xml = []
    for name, kind in zip(geometry_style_names(layer, style), kinds, strict=True):
        rules = []
        for item in classes(layer, style):
            # a mixed layer's style draws one geometry kind only (else Mapnik would also put markers
            # on the centroids of polygons)
            conditions = [f"[mapnik::geometry_type] = {kind}"] if len(kinds) > 1 else []
            if item.filter:
                conditions.append(f"({item.filter})")
            filter_xml = f"<Filter>{_escape(' and '.join(conditions))}</Filter>" if conditions else ""
            rules.append(f"<Rule>{filter_xml}{_symbolizers(layer, style, item.colour, kind)}</Rule>")
        xml.append(f"<Style name={quoteattr(name)}>{''.join(rules)}</Style>")
    labels = label_style_name(layer, style)
    if labels:
        text_colour = darker(style.stroke, 0.7)
        offset = 0 if layer.geometry_type in POLYGON_TYPES else -9  # above a point or line, not on it
        xml.append(
            f"<Style name={quoteattr(labels)}><Rule><Filter>[{LABEL_COLUMN}] != null</Filter>"
            f"<TextSymbolizer face-name={quoteattr(LABEL_FONT)} size={quoteattr(str(label_size(style)))} "
            f'fill={quoteattr(text_colour)} halo-fill="rgba(255,255,255,0.85)" halo-radius="1.5" '
            'halo-rasterizer="fast" '
            f'placement="point" wrap-width="90" wrap-before="true" margin="4" avoid-edges="true" '
            f'dy="{offset}"'
            f">[{LABEL_COLUMN}]</TextSymbolizer></Rule></Style>"
        )
    return "".join(xml)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- the Mapnik style objects, parsed once per process ------------------------------------------------

_lock = threading.Lock()
# mapnik name → (the layer and style it was made for, its XML, a Map holding the parsed styles)
_parsed: dict[str, tuple[Layer, Style, str, Any]] = {}


def mapnik_styles(layer: Layer, style: Style) -> dict[str, Any]:
    """``{name: mapnik.Style}`` of ``style`` of ``layer``: the geometry styles and the label style.
    Parsed once per process; made again when the layer is registered anew with another style (the
    XML is compared then, not on every map: building it took ≈0.2 ms a layer)."""
    name = mapnik_name(layer, style)
    cached = _parsed.get(name)
    if cached is None or cached[0] is not layer or cached[1] is not style:
        xml = style_xml(layer, style)
        with _lock:
            cached = _parsed.get(name)
            if cached is None or cached[2] != xml:
                module = mapnik()
                holder = module.Map(1, 1)
                module.load_map_from_string(holder, f"<Map>{xml}</Map>")
                cached = (layer, style, xml, holder)
            else:
                cached = (layer, style, xml, cached[3])
            _parsed[name] = cached
    holder = cached[3]
    names = geometry_style_names(layer, style) + list(filter(None, [label_style_name(layer, style)]))
    return {n: holder.find_style(n) for n in names}
