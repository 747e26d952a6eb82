"""The published contributions' GiST index made partial, as the model declares it.

Django's PostGIS schema editor builds an index on a single geometry field through its spatial-index
path, which drops the index's ``condition``: migration 0012 created ``contribution_published_geom``
over every row. Without ``WHERE status = 'published'`` the planner still had to prove the status from
another index and, with many cities, ANDed the box with a bitmap of ≈830k published rows (the region
benchmark's contributions items, 3.8× their one-city floor). The state already has the condition."""

from django.db import migrations

CREATE = (
    "CREATE INDEX contribution_published_geom ON participation_contribution "
    "USING gist (geom_public) WHERE status = 'published'"
)
CREATE_FULL = (
    "CREATE INDEX contribution_published_geom ON participation_contribution USING gist (geom_public)"
)
DROP = "DROP INDEX IF EXISTS contribution_published_geom"


class Migration(migrations.Migration):
    dependencies = [("participation", "0013_council_papers")]

    operations = [migrations.RunSQL([DROP, CREATE], reverse_sql=[DROP, CREATE_FULL])]
