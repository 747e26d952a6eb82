from django.core.management import call_command
from django.db import migrations

CACHE_TABLE = "participation_cache"  # settings.CACHES["participation"]["LOCATION"]


def create_moderators(apps, schema_editor):
    # measures' data migration creates it too; whichever runs first wins
    apps.get_model("auth", "Group").objects.get_or_create(name="moderators")


def create_cache_table(apps, schema_editor):
    # the throttle counters (Django's database cache), shared by every gunicorn worker
    call_command("createcachetable", CACHE_TABLE, database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("participation", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [
        migrations.RunPython(create_moderators, migrations.RunPython.noop),
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
        migrations.RunSQL(migrations.RunSQL.noop, f"DROP TABLE IF EXISTS {CACHE_TABLE}"),
    ]
