"""The published location of a contribution as a column of its own (``geom_public``, with a GiST
index), kept by database triggers (``sql/public_location.sql``), so that bbox filters on the
generalised location use an index."""

from pathlib import Path

import django.contrib.gis.db.models.fields
from django.db import migrations

SQL = (Path(__file__).resolve().parent.parent / "sql" / "public_location.sql").read_text()

# every existing row through the row trigger
BACKFILL = "UPDATE participation_contribution SET geom_public = NULL"

REVERSE = """
DROP TRIGGER IF EXISTS participation_consultation_public_locations ON participation_consultation;
DROP TRIGGER IF EXISTS participation_contribution_public_location ON participation_contribution;
DROP FUNCTION IF EXISTS participation_consultation_public_locations();
DROP FUNCTION IF EXISTS participation_contribution_public_location();
DROP FUNCTION IF EXISTS participation_public_location(geometry, integer);
"""


class Migration(migrations.Migration):
    dependencies = [("participation", "0002_moderators_and_cache")]

    operations = [
        migrations.AddField(
            model_name="contribution",
            name="geom_public",
            field=django.contrib.gis.db.models.fields.PointField(
                editable=False, null=True, srid=25832, verbose_name="published location"
            ),
        ),
        migrations.RunSQL(SQL, reverse_sql=REVERSE),
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="contribution",
            name="geom_public",
            field=django.contrib.gis.db.models.fields.PointField(
                editable=False, srid=25832, verbose_name="published location"
            ),
        ),
    ]
