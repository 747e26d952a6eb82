"""GetLegendGraphic: a PNG with one row per class of a style, drawn by the style itself.

Each row's swatch is a small feature whose attributes fall into its class, rendered with the very
Mapnik style the map uses, so legend and map cannot disagree. A parameterised layer's legend is
headed by its ``caption`` of the chosen values (indicator and year, say), a row without swatch.
"""

from dataclasses import dataclass

from geo.layers import Layer, Resolved, Style
from geo.mapnik_env import LABEL_FONT
from geo.wms import render, styles

ROW_PX = 22
SWATCH = (6, 28)  # left and right edge of the swatch (px)
TEXT_X = 36
CHAR_PX = 7.2  # generous average width of a character at the legend's font size


@dataclass(frozen=True)
class Entry:
    label: str
    properties: dict


def _sample_value(layer: Layer, item: styles.Class, lower: float | None) -> object:
    rule = item.rule
    if rule is None or rule.attribute is None:
        return None
    if rule.upto is not None:
        upto = float(rule.upto)
        return (lower + upto) / 2 if lower is not None else upto - max(abs(upto) * 0.01, 0.01)
    if rule.value is not None and layer.attributes.get(rule.attribute) in ("integer", "number"):
        try:
            return float(rule.value)
        except ValueError:
            return rule.value
    return rule.value if rule.value is not None else "x"


def entries(layer: Layer, style: Style, language: str) -> list[Entry]:
    """The legend's rows: one per rule (or one with the layer's title for a style without rules)."""
    if not style.rules:
        return [Entry(layer.title_in(language), {})]
    result = []
    lower: dict[str, float] = {}
    for item in styles.classes(layer, style):
        if item.rule is None:  # the implicit fallback for values no rule names: not a class of its own
            continue
        rule = item.rule
        properties = {}
        if rule.attribute:
            value = _sample_value(layer, item, lower.get(rule.attribute))
            if value is not None:
                properties[rule.attribute] = value
            if rule.upto is not None:
                lower[rule.attribute] = float(rule.upto)
        label = rule.label.get(language[:2]) or rule.label.get("en") or next(iter(rule.label.values()), "")
        result.append(Entry(label, properties))
    return result


def caption(layer: Layer, values: Resolved | None, language: str) -> str | None:
    if layer.caption is None or values is None:
        return None
    return layer.caption(values, language)[:120] or None


def size(layer: Layer, style: Style, language: str, heading: str | None = None) -> tuple[int, int]:
    rows = entries(layer, style, language)
    longest = max((len(entry.label) for entry in rows), default=0)
    width = TEXT_X + int(longest * CHAR_PX) + 8
    if heading:
        return max(width, int(len(heading) * CHAR_PX) + 14), (len(rows) + 1) * ROW_PX + 4
    return width, len(rows) * ROW_PX + 4


def _swatches(layer: Layer, properties: dict, top: float) -> list[dict]:
    left, right = SWATCH
    middle = top - ROW_PX / 2
    box = [
        [left, middle - 7],
        [right, middle - 7],
        [right, middle + 7],
        [left, middle + 7],
        [left, middle - 7],
    ]
    geometries = {
        "polygon": {"type": "Polygon", "coordinates": [box]},
        "linestring": {"type": "LineString", "coordinates": [[left, middle], [right, middle]]},
        "point": {"type": "Point", "coordinates": [(left + right) / 2, middle]},
    }
    return [
        {"type": "Feature", "geometry": geometries[kind], "properties": properties}
        for kind in styles.geometry_kinds(layer)
    ]


def legend_png(layer: Layer, style: Style, language: str, values: Resolved | None = None) -> bytes:
    rows = entries(layer, style, language)
    heading = caption(layer, values, language)
    width, height = size(layer, style, language, heading)
    features = []
    labels = []
    if heading:
        labels.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [SWATCH[0], height - 2 - ROW_PX / 2]},
                "properties": {"legend_text": heading},
            }
        )
    first = height - 2 - (ROW_PX if heading else 0)  # the rows below the heading
    for index, entry in enumerate(rows):
        top = first - index * ROW_PX
        features += _swatches(layer, entry.properties, top)
        labels.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [TEXT_X, top - ROW_PX / 2]},
                "properties": {"legend_text": entry.label},
            }
        )
    text_style = (
        '<Style name="legend-text"><Rule><Filter>[legend_text] != null</Filter>'
        f'<TextSymbolizer face-name="{LABEL_FONT}" size="11" fill="#222222" allow-overlap="true" '
        'horizontal-alignment="right" vertical-alignment="middle">[legend_text]</TextSymbolizer>'
        "</Rule></Style>"
    )
    # the map's style without its label pass: the swatches have no label text
    style_xml = styles.style_xml(layer, style) + text_style
    layers = [(features, styles.geometry_style_names(layer, style)), (labels, ["legend-text"])]
    return render.draw_features(width, height, "image/png", layers, style_xml, transparent=False)
