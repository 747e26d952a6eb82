from django.db import migrations


class Migration(migrations.Migration):
    """A child is exactly one level below its parent, enforced by the database: the generated
    ``parent_level`` (= level - 1) and ``parent_id`` together reference ``(id, level)``."""

    dependencies = [("quartiere", "0001_initial"), ("geo", "0001_functions")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE quartiere_area ADD CONSTRAINT area_parent_one_level_up "
            "FOREIGN KEY (parent_id, parent_level) REFERENCES quartiere_area (id, level) "
            "DEFERRABLE INITIALLY IMMEDIATE",
            reverse_sql="ALTER TABLE quartiere_area DROP CONSTRAINT area_parent_one_level_up",
        ),
    ]
