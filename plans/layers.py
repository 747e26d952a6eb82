"""The publishable layer of development plans: every imported plan (plans are public records), its
area as a MultiPolygon, classed by legal status group (in preparation, adopted, in force, ended)."""

from geo.layers import Layer, Rule, Style, register
from plans.codes import GROUPS

GROUP_STYLE = [
    ("preparing", "in preparation", "#fb8c00"),
    ("adopted", "adopted", "#8e24aa"),
    ("in_force", "in force", "#1e88e5"),
    ("ended", "no longer in force", "#9e9e9e"),
    ("unknown", "legal status unknown", "#616161"),
]

SOURCE = """
SELECT p.id, p.geom, p.kind, p.name, p.number, p.legal_status_label AS legal_status,
       p.legal_status AS legal_status_code, p.status_group, p.preparation_date, p.in_force_date,
       p.city_id AS city, array_to_string(p.municipalities, ',') AS municipalities
FROM plans_developmentplan AS p
"""

DEVELOPMENT_PLANS = Layer(
    id="development_plans",
    title={"de": "Bauleitpläne", "en": "Development plans"},
    abstract={
        "de": "Bebauungspläne und Flächennutzungspläne aus XPlanGML (räumlicher Geltungsbereich) mit "
        "Nummer, Rechtsstand und Daten.",
        "en": "Binding and preparatory land-use plans (Bebauungspläne, Flächennutzungspläne) from "
        "XPlanGML: their area, number, legal status and dates.",
    },
    geometry_type="MultiPolygon",
    source=SOURCE,
    attributes={
        "kind": "string",
        "name": "string",
        "number": "string",
        "legal_status": "string",
        "legal_status_code": "integer",
        "status_group": "string",
        "preparation_date": "date",
        "in_force_date": "date",
        "city": "integer",
        "municipalities": "string",  # the AGS the plan names, comma-separated: several for a joint plan
    },
    queryable=("kind", "number", "legal_status_code", "status_group", "city"),
    styles=(
        Style(
            name="by_status",
            title={"de": "nach Rechtsstand", "en": "by legal status"},
            stroke="#4a148c",
            stroke_width=2.0,
            fill="#8e24aa",
            fill_opacity=0.2,
            rules=tuple(
                Rule(label={"de": GROUPS[key], "en": en}, colour=colour, attribute="status_group", value=key)
                for key, en, colour in GROUP_STYLE
            ),
        ),
    ),
    tables=("plans_developmentplan",),
    order=45,
)


def register_layers() -> None:
    register(DEVELOPMENT_PLANS)
