from pathlib import Path

from django.db import migrations

SQL = (Path(__file__).resolve().parent.parent / "sql" / "dataversion.sql").read_text()

# The triggers themselves are created by geo.dataversion.install_triggers after every migrate
# (post_migrate): the layers, and so the tables, are registered by the apps at start-up.
REVERSE = """
DROP FUNCTION IF EXISTS qa_bump_data_version() CASCADE;
DROP TABLE IF EXISTS geo_dataversion;
DROP SEQUENCE IF EXISTS geo_dataversion_seq;
"""


class Migration(migrations.Migration):
    dependencies = [("geo", "0001_functions")]

    operations = [migrations.RunSQL(SQL, reverse_sql=REVERSE)]
