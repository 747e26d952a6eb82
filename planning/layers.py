"""The publishable layers of planning: ``focus_areas`` (published ones) and ``priorities`` (the
priority index per Quartier with the default weights, a classed choropleth)."""

from geo.layers import Layer, Rule, Style, register
from planning import snapshot

PRIORITY_COLOURS = [
    ("high", "hoch", "high", "#c62828"),
    ("medium", "mittel", "medium", "#f9a825"),
    ("low", "niedrig", "low", "#2e7d32"),
]

# Score classes of the priority index, everywhere: this layer's WMS style and legend, the report's maps
# (score_colour) and legend (score_legend), the workspace's priority layer (score_classes_config).
# Upper bounds, exclusive; the last catches the rest. (upto, German label, English label, colour)
SCORE_CLASSES = [
    (0.2, "unter 0,2", "below 0.2", "#fff5eb"),
    (0.4, "0,2 bis 0,4", "0.2 to 0.4", "#fdd0a2"),
    (0.6, "0,4 bis 0,6", "0.4 to 0.6", "#fd8d3c"),
    (0.8, "0,6 bis 0,8", "0.6 to 0.8", "#d94801"),
    (1.000001, "0,8 und mehr", "0.8 and above", "#7f2704"),
]
NO_SCORE_COLOUR = "#bdbdbd"  # a Quartier without a score (no inhabitants, no data)


def score_colour(score: float | None) -> str:
    """The choropleth colour of a score (the layer's classes); grey without a score."""
    if score is None:
        return NO_SCORE_COLOUR
    for upto, _de, _en, colour in SCORE_CLASSES:
        if score < upto:
            return colour
    return SCORE_CLASSES[-1][3]


def score_classes_config() -> dict[str, list | str]:
    """The classes for a page's script: ``{"classes": [[upto, colour], …], "none": colour}``; a score
    takes the colour of the first class whose ``upto`` it stays below, else the last one's."""
    return {"classes": [[upto, colour] for upto, _de, _en, colour in SCORE_CLASSES], "none": NO_SCORE_COLOUR}


def score_legend() -> list[dict[str, float | str | None]]:
    """The classes as legend rows ``{"lower", "upper", "colour"}``: the first has no lower bound, the
    last no upper one (its ``upto`` only closes the range above 1)."""
    rows: list[dict[str, float | str | None]] = []
    lower = None
    for index, (upto, _de, _en, colour) in enumerate(SCORE_CLASSES):
        last = index == len(SCORE_CLASSES) - 1
        rows.append({"lower": lower, "upper": None if last else upto, "colour": colour})
        lower = upto
    return rows


FOCUS_AREAS_SOURCE = """
SELECT f.id, f.geom, f.name, f.rationale, f.priority, array_to_string(f.dimensions, ',') AS dimensions,
       f.time_horizon, f.city_id AS city
FROM planning_focusarea AS f WHERE f.published
"""


def register_layers() -> None:
    register(
        Layer(
            id="focus_areas",
            title={"de": "Fokusgebiete", "en": "Focus areas"},
            abstract={
                "de": "Räumliche Schwerpunkte der Stadtplanung mit Begründung, Priorität, Zeithorizont "
                "und den Dimensionen der Neuen Leipzig-Charta (EPSG:25832).",
                "en": "Spatial priorities drawn by the city's planners with rationale, priority, time "
                "horizon and the dimensions of the New Leipzig Charter (EPSG:25832).",
            },
            geometry_type="MultiPolygon",
            source=FOCUS_AREAS_SOURCE,
            attributes={
                "name": "string",
                "rationale": "string",
                "priority": "string",
                "dimensions": "string",
                "time_horizon": "string",
                "city": "integer",
            },
            queryable=("name", "priority", "time_horizon", "city"),
            styles=(
                Style(
                    name="by_priority",
                    title={"de": "nach Priorität", "en": "by priority"},
                    stroke="#6a1b9a",
                    stroke_width=2.0,
                    fill="#ab47bc",
                    fill_opacity=0.25,
                    label="name",
                    rules=tuple(
                        Rule(label={"de": de, "en": en}, colour=colour, attribute="priority", value=value)
                        for value, de, en, colour in PRIORITY_COLOURS
                    ),
                ),
            ),
            tables=("planning_focusarea",),
            order=15,
        )
    )
    register(
        Layer(
            id="priorities",
            title={"de": "Prioritätsindex der Quartiere", "en": "Priority index of the Quartiere"},
            abstract={
                "de": "Transparenter Prioritätsindex je Quartier (0 bis 1, innerhalb der Stadt normiert): "
                "Beteiligungsbedarf, geplantes Angebot an Maßnahmen und Budget, Abdeckung durch "
                "Fokusgebiete; gesamt und je Dimension (gerecht, grün, produktiv). "
                "Methode: docs/priorities.md.",
                "en": "Transparent priority index per Quartier (0 to 1, normalised within the city): "
                "participation demand, planned supply of measures and budget, focus-area coverage; overall "
                "and per dimension (just, green, productive). Method: docs/priorities.md.",
            },
            geometry_type="MultiPolygon",
            source=snapshot.LAYER_SOURCE,
            attributes={
                "name": "string",
                "slug": "string",
                "city": "integer",
                "population": "integer",
                "score": "number",
                "rank": "integer",
                "score_just": "number",
                "score_green": "number",
                "score_productive": "number",
                "demand_per_1000": "number",
                "budget_per_inhabitant": "number",
                "coverage": "number",
                "gaps": "string",
            },
            queryable=("name", "slug", "city", "rank"),
            styles=(
                Style(
                    name="choropleth",
                    title={"de": "Prioritätsindex (klassiert)", "en": "Priority index (classed)"},
                    stroke="#5d4037",
                    stroke_width=1.0,
                    fill="#bdbdbd",
                    fill_opacity=0.7,
                    label="name",
                    rules=tuple(
                        Rule(label={"de": de, "en": en}, colour=colour, attribute="score", upto=upto)
                        for upto, de, en, colour in SCORE_CLASSES
                    ),
                ),
            ),
            tables=snapshot.LAYER_TABLES,
            order=30,
        )
    )
