"""``quartiere_area.geom_web``: the boundary in web mercator (EPSG:3857), a stored generated column with
its own spatial index, read by the vector tiles of the ``quartiere`` and ``regions`` layers (their
``Layer.source_3857``). PostgreSQL computes it on every write of ``geom``; nothing writes it.

Not a model field: the ORM would load and decode a second geometry with every area it reads, and no
Python code needs it. ``geom`` in EPSG:25832 stays the stored boundary (DESIGN.md, data rules).
"""

from django.db import migrations

FORWARD = """
ALTER TABLE quartiere_area
    ADD COLUMN geom_web geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED;
CREATE INDEX quartiere_area_geom_web_gist ON quartiere_area USING gist (geom_web);
"""

BACKWARD = """
DROP INDEX quartiere_area_geom_web_gist;
ALTER TABLE quartiere_area DROP COLUMN geom_web;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("quartiere", "0004_area_owner_city"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
