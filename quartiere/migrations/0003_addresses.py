from pathlib import Path

import django.contrib.gis.db.models.fields
import django.contrib.postgres.indexes
import django.db.models.deletion
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

import quartiere.models

# the search form of names and addresses (see the file); the generated column Address.key uses it
PLACE_KEY = (Path(__file__).resolve().parent.parent / "sql" / "place_key.sql").read_text()


class Migration(migrations.Migration):
    dependencies = [
        ("quartiere", "0002_parent_level_fk"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunSQL(PLACE_KEY, reverse_sql="DROP FUNCTION IF EXISTS qa_place_key(text)"),
        migrations.CreateModel(
            name="Address",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("street", models.CharField(max_length=200, verbose_name="street")),
                ("number", models.CharField(max_length=20, verbose_name="house number")),
                ("postcode", models.CharField(blank=True, max_length=10, verbose_name="postcode")),
                ("place", models.CharField(blank=True, max_length=200, verbose_name="place")),
                ("point", django.contrib.gis.db.models.fields.PointField(srid=25832, verbose_name="point")),
                ("source", models.CharField(max_length=100, verbose_name="source")),
                ("ref", models.CharField(max_length=300, verbose_name="reference in the source")),
                (
                    "key",
                    models.GeneratedField(
                        db_persist=True,
                        expression=quartiere.models.PlaceKey(
                            models.F("street"),
                            models.F("number"),
                            models.F("postcode"),
                            models.F("place"),
                            arg_joiner=" || ' ' || ",
                        ),
                        output_field=models.TextField(),
                    ),
                ),
                (
                    "city",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="addresses",
                        to="quartiere.area",
                        verbose_name="city",
                    ),
                ),
            ],
            options={
                "verbose_name": "address",
                "verbose_name_plural": "addresses",
                "ordering": ["street", "number"],
                "indexes": [
                    django.contrib.postgres.indexes.GinIndex(
                        fields=["key"], name="address_key_trgm", opclasses=["gin_trgm_ops"]
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("source", "ref"), name="address_source_ref_unique")
                ],
            },
        ),
    ]
