"""The map layer ``cities`` (moved here from quartiere.layers): the municipalities with the numbers of
the region summary (region.summary, docs/region.md), so that WMS, WFS, OGC API – Features and the
vector tiles serve them. The same id and base attributes as before (code, name, slug, parent,
population); the numbers come from the summary's one statement, over every city."""

import re

from geo.layers import AttributeType, Layer, Rule, Style, register
from region import summary

ATTRIBUTES: dict[str, AttributeType] = {
    "code": "string",
    "name": "string",
    "slug": "string",
    "parent": "integer",
    "population": "integer",
    "area_km2": "number",
    "density": "number",
    "measures": "integer",
    "regional_measures": "integer",
    "regional_share": "number",
    "budget_total": "number",
    "budget_per_inhabitant": "number",
    "budget_per_year": "number",
    "regional_budget": "number",
    "contributions": "integer",
    "contributions_per_1000": "number",
    "quartiere": "integer",
    "quartiere_with_gap": "integer",
    "top_quartier": "string",
}

# every table whose writes change a number of the layer (its data version, the ETags)
TABLES = (
    "quartiere_area",
    "measures_measure",
    "measures_measurearea",
    "measures_budgetline",
    "participation_contribution",
    "planning_prioritysnapshotstate",
    "indicators_indicator",
    "indicators_indicatorvalue",
)

# budget per inhabitant (EUR), classed: the WMS style's legend
BUDGET_CLASSES = [
    (100.0, "unter 100 €", "below €100", "#f7fbff"),
    (250.0, "100 bis 250 €", "€100 to €250", "#c6dbef"),
    (500.0, "250 bis 500 €", "€250 to €500", "#6baed6"),
    (1000.0, "500 bis 1.000 €", "€500 to €1,000", "#2171b5"),
    (1e15, "1.000 € und mehr", "€1,000 and above", "#08306b"),
]


def _without_comments(sql: str) -> str:
    """The statement without its ``--`` comments (Mapnik's datasource takes the source as one piece of
    text; the summary's SQL holds no ``--`` inside a literal)."""
    return "\n".join(
        line for line in (re.sub(r"--.*$", "", raw).rstrip() for raw in sql.splitlines()) if line
    )


def source() -> str:
    core = _without_comments(summary.core_sql()).replace("%(region)s", "NULL")
    return f"""
SELECT a.id, a.geom, s.code, s.name, s.slug, s.region AS parent, s.population, s.area_km2, s.density,
       s.measures, s.regional_measures, s.regional_share, s.budget_total, s.budget_per_inhabitant,
       s.budget_per_year, s.regional_budget, s.contributions, s.contributions_per_1000, s.quartiere,
       s.quartiere_with_gap, s.top_quartier ->> 'name' AS top_quartier
FROM (
{core}
) AS s
JOIN quartiere_area AS a ON a.id = s.id
"""


def register_layers() -> None:
    register(
        Layer(
            id="cities",
            title={"de": "Städte und Gemeinden", "en": "Cities and municipalities"},
            abstract={
                "de": "Städte und Gemeinden: Grenzen, amtlicher Schlüssel, Name und Einwohnerzahl "
                "(EPSG:25832), mit den Kennzahlen der Regionsübersicht: Maßnahmen, regionale Maßnahmen, "
                "Budget (gesamt, je Einwohner, je Haushaltsjahr), Beiträge je 1.000 Einwohner, "
                "Quartiere mit Lücken. Methode: docs/region.md.",
                "en": "Cities and municipalities: boundaries, official code, name and population "
                "(EPSG:25832), with the numbers of the region summary: measures, regional measures, "
                "budget (total, per inhabitant, per fiscal year), contributions per 1,000 inhabitants, "
                "Quartiere with gaps. Method: docs/region.md.",
            },
            geometry_type="MultiPolygon",
            source=source(),
            attributes=ATTRIBUTES,
            queryable=("code", "name", "slug", "parent"),
            styles=(
                Style(
                    name="default",
                    title={"de": "Umrisse mit Namen", "en": "Outlines with names"},
                    stroke="#333333",
                    stroke_width=2.5,
                    fill=None,
                    label="name",
                ),
                Style(
                    name="budget_per_inhabitant",
                    title={"de": "Budget je Einwohner (klassiert)", "en": "Budget per inhabitant (classed)"},
                    stroke="#333333",
                    stroke_width=1.0,
                    fill="#bdbdbd",
                    fill_opacity=0.7,
                    label="name",
                    rules=tuple(
                        Rule(
                            label={"de": de, "en": en},
                            colour=colour,
                            attribute="budget_per_inhabitant",
                            upto=upto,
                        )
                        for upto, de, en, colour in BUDGET_CLASSES
                    ),
                ),
            ),
            tables=TABLES,
            order=1,
        )
    )
