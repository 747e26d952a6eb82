"""``quartiere_area.geom_web_clearance``: the minimum clearance of the boundary in web mercator
(``ST_MinimumClearance``, metres of EPSG:3857), a stored generated column next to ``geom_web``.

No vertex of the boundary lies closer than this to another vertex or to a segment it does not end:
moving every vertex by less than half of it cannot make the polygon invalid. The vector tiles use it to
write a polygon that lies inside the tile as it is, snapped to the tile's grid, without validating it
again (geo.tiles.queries). Like ``geom_web`` it is not a model field; PostgreSQL computes it on every
write of ``geom``.
"""

from django.db import migrations

FORWARD = """
ALTER TABLE quartiere_area
    ADD COLUMN geom_web_clearance double precision
    GENERATED ALWAYS AS (ST_MinimumClearance(ST_Transform(geom, 3857))) STORED;
"""

BACKWARD = "ALTER TABLE quartiere_area DROP COLUMN geom_web_clearance;"


class Migration(migrations.Migration):
    dependencies = [
        ("quartiere", "0005_area_geom_web"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
