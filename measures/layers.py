"""The publishable layers of measures: published measures with a geometry (scope-only programmes
have no place to draw). ``measures`` holds every geometry type; ``measures_areas``, ``measures_lines``
and ``measures_points`` hold one type each (as Multi-geometries), for clients such as QGIS that fix a
layer's geometry type from its first features."""

from geo.layers import GeometryType, Layer, Metadata, Rule, Style, register

STATUS_COLOURS = [
    ("idea", "Idee", "idea", "#9e9e9e"),
    ("planned", "geplant", "planned", "#1e88e5"),
    ("decided", "beschlossen", "decided", "#8e24aa"),
    ("in_progress", "in Umsetzung", "in progress", "#fb8c00"),
    ("done", "umgesetzt", "done", "#43a047"),
    ("stopped", "eingestellt", "stopped", "#e53935"),
]

SOURCE = """
SELECT m.id, {geom} AS geom, m.title, m.status, array_to_string(m.dimensions, ',') AS dimensions,
       m.responsible_unit, m.start_date, m.end_date, m.city_id AS city
FROM measures_measure AS m WHERE m.published AND m.geom IS NOT NULL{condition}
"""

# (id suffix, declared type, the PostGIS types it holds, title de/en)
BY_TYPE: list[tuple[str, GeometryType, tuple[str, ...], str, str]] = [
    ("areas", "MultiPolygon", ("POLYGON", "MULTIPOLYGON"), "Flächen", "areas"),
    ("lines", "MultiLineString", ("LINESTRING", "MULTILINESTRING"), "Linien", "lines"),
    ("points", "MultiPoint", ("POINT", "MULTIPOINT"), "Punkte", "points"),
]

ABSTRACT = {
    "de": "Veröffentlichte Maßnahmen der Stadtentwicklung mit Ort, Status und Dimensionen "
    "der Neuen Leipzig-Charta (gerecht, grün, produktiv).",
    "en": "Published urban development measures with location, status and the dimensions of "
    "the New Leipzig Charter (just, green, productive).",
}


def measures_layer(
    layer_id: str, title: dict[str, str], geometry_type: GeometryType, source: str, order: int
) -> Layer:
    return Layer(
        id=layer_id,
        title=title,
        abstract=ABSTRACT,
        geometry_type=geometry_type,
        source=source,
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
        order=order,
        metadata=Metadata(keywords=("Maßnahmen", "Stadtentwicklung")),
    )


def register_layers() -> None:
    mixed = SOURCE.format(geom="m.geom", condition="")
    register(measures_layer("measures", {"de": "Maßnahmen", "en": "Measures"}, "Geometry", mixed, 20))
    for index, (suffix, geometry_type, types, de, en) in enumerate(BY_TYPE, start=1):
        listed = ", ".join(f"'{name}'" for name in types)
        # promoted to Multi-types: one geometry type per collection, as the clients expect
        source = SOURCE.format(geom="ST_Multi(m.geom)", condition=f" AND GeometryType(m.geom) IN ({listed})")
        title = {"de": f"Maßnahmen ({de})", "en": f"Measures ({en})"}
        register(measures_layer(f"measures_{suffix}", title, geometry_type, source, 20 + index))
