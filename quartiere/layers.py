"""The publishable layers of the area hierarchy: ``regions`` and ``quartiere``. (``cities``, with the
region summary's numbers, is registered by the region app: region/layers.py.)"""

from geo.layers import AttributeType, Layer, Metadata, Style, register

ATTRIBUTES: dict[str, AttributeType] = {
    "code": "string",
    "name": "string",
    "slug": "string",
    "parent": "integer",
    "population": "integer",
}

SOURCE = """
SELECT a.id, {geom} AS geom, a.code, a.name, a.slug, a.parent_id AS parent, a.population{extra}
FROM quartiere_area AS a WHERE a.level = {level}
"""


def register_layers() -> None:
    for order, layer_id, level, de, en, stroke, width in [
        (0, "regions", 1, "Regionen", "Regions", "#6b4c9a", 3.0),
        (2, "quartiere", 3, "Quartiere (Stadtteile)", "Quartiere (neighbourhoods)", "#1f5f8b", 1.5),
    ]:
        register(
            Layer(
                id=layer_id,
                title={"de": de, "en": en},
                abstract={
                    "de": f"{de}: Grenzen, amtlicher Schlüssel, Name und Einwohnerzahl (EPSG:25832).",
                    "en": f"{en}: boundaries, official code, name and population (EPSG:25832).",
                },
                geometry_type="MultiPolygon",
                source=SOURCE.format(level=level, geom="a.geom", extra=""),
                # the boundary in EPSG:3857 and its minimum clearance, stored (migrations quartiere 0005,
                # 0006): tiles skip the transform, and the validation of polygons that cannot need it
                source_3857=SOURCE.format(
                    level=level, geom="a.geom_web", extra=", a.geom_web_clearance AS clearance"
                ),
                source_3857_clearance=True,
                attributes=ATTRIBUTES,
                queryable=("code", "name", "slug", "parent"),
                styles=(
                    Style(
                        name="default",
                        title={"de": "Umrisse mit Namen", "en": "Outlines with names"},
                        stroke=stroke,
                        stroke_width=width,
                        fill=None,
                        label="name",
                    ),
                ),
                tables=("quartiere_area",),
                order=order,
                attribution=True,
                metadata=Metadata(
                    keywords=("Verwaltungsgrenzen", "Quartier"),
                    update_frequency="irregular",
                    topic="boundaries",
                ),
            )
        )
