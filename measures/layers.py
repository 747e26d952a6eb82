"""The publishable layer of measures: published measures with a geometry (scope-only programmes
have no place to draw)."""

from geo.layers import Layer, Rule, Style, register

STATUS_COLOURS = [
    ("idea", "Idee", "idea", "#9e9e9e"),
    ("planned", "geplant", "planned", "#1e88e5"),
    ("decided", "beschlossen", "decided", "#8e24aa"),
    ("in_progress", "in Umsetzung", "in progress", "#fb8c00"),
    ("done", "umgesetzt", "done", "#43a047"),
    ("stopped", "eingestellt", "stopped", "#e53935"),
]


def register_layers() -> None:
    register(
        Layer(
            id="measures",
            title={"de": "Maßnahmen", "en": "Measures"},
            abstract={
                "de": "Veröffentlichte Maßnahmen der Stadtentwicklung mit Ort, Status und Dimensionen "
                "der Neuen Leipzig-Charta (gerecht, grün, produktiv).",
                "en": "Published urban development measures with location, status and the dimensions of "
                "the New Leipzig Charter (just, green, productive).",
            },
            geometry_type="Geometry",
            source="""
SELECT m.id, m.geom, m.title, m.status, array_to_string(m.dimensions, ',') AS dimensions,
       m.responsible_unit, m.start_date, m.end_date, m.city_id AS city
FROM measures_measure AS m WHERE m.published AND m.geom IS NOT NULL
""",
            attributes={
                "title": "string",
                "status": "string",
                "dimensions": "string",
                "responsible_unit": "string",
                "start_date": "date",
                "end_date": "date",
                "city": "integer",
            },
            queryable=("status", "city", "title"),
            styles=(
                Style(
                    name="by_status",
                    title={"de": "nach Status", "en": "by status"},
                    stroke="#37474f",
                    stroke_width=2.0,
                    fill="#1e88e5",
                    fill_opacity=0.35,
                    point_size=10,
                    rules=tuple(
                        Rule(label={"de": de, "en": en}, colour=colour, attribute="status", value=value)
                        for value, de, en, colour in STATUS_COLOURS
                    ),
                ),
            ),
            tables=("measures_measure",),
            order=20,
        )
    )
