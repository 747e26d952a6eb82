from pathlib import Path

from django.contrib.postgres.operations import CreateExtension
from django.db import migrations

SQL = (Path(__file__).resolve().parent.parent / "sql" / "functions.sql").read_text()


class Migration(migrations.Migration):
    dependencies: list = []

    operations = [
        CreateExtension("postgis"),
        migrations.RunSQL(SQL, reverse_sql="DROP FUNCTION IF EXISTS qa_bbox_in_storage"),
    ]
