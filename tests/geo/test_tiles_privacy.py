"""Vector tiles never carry unpublished rows or private attributes."""

import math

import mapbox_vector_tile
import pytest
from django.test import Client

from measures.models import Measure
from participation.models import Contribution

Z = 13


def tile_of(geom, z: int = Z) -> tuple[int, int]:
    """The web mercator tile (x, y) at ``z`` holding the geometry's centroid (EPSG:25832 → lon/lat)."""
    point = geom.centroid.transform(4326, clone=True)
    n = 2**z
    lat = math.radians(point.y)
    x = int((point.x + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(lat)) / math.pi) / 2 * n)
    return x, y


def features(client: Client, layer: str, x: int, y: int) -> list[dict]:
    response = client.get(f"/tiles/{layer}/{Z}/{x}/{y}.mvt")
    assert response.status_code == 200
    return mapbox_vector_tile.decode(response.content).get(layer, {}).get("features", [])


@pytest.fixture
def client() -> Client:
    return Client()


def test_a_pending_contribution_is_not_in_its_tile(client, demo):
    pending = Contribution.objects.filter(status="pending").first()
    x, y = tile_of(pending.geom)
    published = [c for c in Contribution.objects.filter(status="published") if tile_of(c.geom) == (x, y)]

    ids = {feature["id"] for feature in features(client, "contributions", x, y)}

    assert published, "the demo has published contributions next to the pending one"
    assert ids == {c.pk for c in published}
    assert pending.pk not in ids


def test_an_unpublished_measure_is_not_in_its_tile(client, demo):
    measure = Measure.objects.filter(published=True, geom__isnull=False).first()
    x, y = tile_of(measure.geom)
    assert measure.pk in {feature["id"] for feature in features(client, "measures", x, y)}

    Measure.objects.filter(pk=measure.pk).update(published=False)

    assert measure.pk not in {feature["id"] for feature in features(client, "measures", x, y)}


def test_contribution_tiles_carry_only_public_attributes(client, demo):
    Contribution.objects.update(email="geheim@example.org", pseudonym="Erika M.")
    contribution = Contribution.objects.filter(status="published").first()
    x, y = tile_of(contribution.geom)

    found = features(client, "contributions", x, y)

    assert found
    for feature in found:
        assert set(feature["properties"]) <= {
            "consultation",
            "category",
            "origin",
            "text",
            "created",
            "generalised_m",
        }
        assert "geheim" not in repr(feature) and "Erika" not in repr(feature)
