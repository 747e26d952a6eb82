"""What the OGC API must never show: unpublished rows, private attributes, exact locations that a
consultation generalises."""

import json

import pytest
from django.test import Client

from geo.ogc.params import EPSG_URI
from measures.models import Measure
from participation.models import Consultation, Contribution

PRIVATE = {"email", "author", "author_id", "pseudonym", "delete_token_hash", "status", "reject_reason"}


@pytest.fixture
def client() -> Client:
    return Client()


def all_ids(client: Client, layer: str) -> set[int]:
    response = client.get(f"/ogc/collections/{layer}/items", {"limit": 10_000})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return {feature["id"] for feature in json.loads(body)["features"]}


def test_pending_rejected_and_hidden_contributions_are_absent(client, demo):
    published = Contribution.objects.filter(status="published")
    withdrawn = list(published.values_list("pk", flat=True)[:2])
    Contribution.objects.filter(pk=withdrawn[0]).update(status="hidden")
    Contribution.objects.filter(pk=withdrawn[1]).update(status="rejected", reject_reason="Beleidigend")
    pending = set(Contribution.objects.filter(status="pending").values_list("pk", flat=True))

    ids = all_ids(client, "contributions")

    assert pending and ids
    assert ids == set(Contribution.objects.filter(status="published").values_list("pk", flat=True))
    assert not ids & (pending | set(withdrawn))
    for pk in [*pending, *withdrawn]:
        assert client.get(f"/ogc/collections/contributions/items/{pk}").status_code == 404


def test_unpublished_measures_are_absent(client, demo):
    measure = Measure.objects.filter(published=True, geom__isnull=False).first()
    assert measure.pk in all_ids(client, "measures")

    Measure.objects.filter(pk=measure.pk).update(published=False)

    assert measure.pk not in all_ids(client, "measures")
    assert client.get(f"/ogc/collections/measures/items/{measure.pk}").status_code == 404
    assert not all_ids(client, "measures") & set(
        Measure.objects.filter(published=False).values_list("pk", flat=True)
    )


def test_contributions_carry_no_personal_data(client, demo):
    Contribution.objects.update(email="geheim@example.org", pseudonym="Erika M.")
    response = client.get("/ogc/collections/contributions/items", {"limit": 10_000})
    page = json.loads(response.content if not response.streaming else b"".join(response.streaming_content))

    for feature in page["features"]:
        assert not set(feature["properties"]) & PRIVATE
    text = json.dumps(page, ensure_ascii=False)
    assert "geheim@example.org" not in text and "Erika M." not in text


def test_locations_are_generalised_as_the_consultation_says(client, demo):
    Consultation.objects.update(generalise_m=250)
    contribution = Contribution.objects.filter(status="published").first()

    response = client.get(
        f"/ogc/collections/contributions/items/{contribution.pk}", {"crs": EPSG_URI.format(25832)}
    )
    feature = json.loads(response.content)

    x, y = feature["geometry"]["coordinates"]
    assert x % 250 == 0 and y % 250 == 0
    assert (x, y) != (contribution.geom.x, contribution.geom.y)
    assert feature["properties"]["generalised_m"] == 250
