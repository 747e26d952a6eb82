"""The demo's consultation (idempotent) and the ``contributions`` layer of the registry."""

from django.db import connection

from geo import layers
from participation.models import Consultation, Contribution, Response, Support
from tests.participation.conftest import create


def test_the_demo_is_an_open_city_wide_consultation_with_illustrative_contributions(demo):
    consultation = Consultation.objects.get(slug="ludwigsburg-gestaltet-zukunft")
    assert consultation.is_open() and consultation.area == demo["08118048"]
    assert "Illustrative" in consultation.description
    published = Contribution.objects.filter(consultation=consultation, status="published")
    assert 90 <= published.count() <= 110
    assert Contribution.objects.filter(status="pending").count() >= 3
    assert set(published.values_list("category", flat=True)) == {"idea", "problem", "praise", "question"}
    assert set(published.values_list("origin", flat=True)) == {"civil_society", "council", "administration"}
    assert all("illustrativ" in t for t in published.values_list("text", flat=True))
    assert Support.objects.exists() and Response.objects.exists()
    # spread over all 12 Quartiere, each linked through the one linking mechanism
    quartiere = published.filter(area_links__level=3).values("area_links__area").distinct().count()
    assert quartiere == 12


def test_the_demo_loads_once(demo):
    from django.core.management import call_command

    before = Contribution.objects.count()
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Contribution.objects.count() == before


def test_the_layer_serves_published_rows_without_personal_data(consultation):
    create(consultation, text="öffentlich", email="x@example.org", pseudonym="Max", publish=True)
    create(consultation, text="wartet", email="y@example.org")
    layer = layers.get("contributions")
    assert layer is not None and layer.geometry_type == "Point"

    with connection.cursor() as cursor:
        query = f"SELECT * FROM ({layer.source}) AS src WHERE src.consultation = %s"  # a declared source
        cursor.execute(query, [consultation.pk])
        columns = [c.name for c in cursor.description]
        rows = cursor.fetchall()

    assert columns == ["id", "geom", *layer.attributes]
    assert [row[columns.index("text")] for row in rows] == ["öffentlich"]
    dump = repr(rows)
    assert "example.org" not in dump and "Max" not in dump
