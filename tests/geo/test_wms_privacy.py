"""Privacy: the WMS draws and reports published measures only — checked on committed data, which
Mapnik's own connections see (so an absence cannot come from an uncommitted transaction)."""

import json

import pytest
from django.contrib.gis.geos import Polygon

from measures.models import Measure
from quartiere.models import Area
from tests.fixtures import load_demo_committed
from tests.geo.wms_support import (
    Picture,
    getmap,
    ows,
    wms_connections,  # noqa: F401
)

pytestmark = pytest.mark.django_db(transaction=True)

X, Y = 519_500.0, 5_419_800.0  # north of the demo city, away from every demo measure
BBOX = (X - 500, Y - 500, X + 500, Y + 500)


def state(client) -> tuple[int, list]:
    """(painted pixels of the measures layer, GetFeatureInfo features at the centre)."""
    image = client.get(getmap(BBOX, layers="measures", size=(100, 100)))
    assert image.status_code == 200
    found = client.get(
        ows(
            SERVICE="WMS",
            VERSION="1.3.0",
            REQUEST="GetFeatureInfo",
            LAYERS="measures",
            QUERY_LAYERS="measures",
            STYLES="",
            CRS="EPSG:25832",
            BBOX=",".join(map(str, BBOX)),
            WIDTH=100,
            HEIGHT=100,
            I=50,
            J=50,
            INFO_FORMAT="application/json",
            FEATURE_COUNT=10,
        )
    )
    return len(Picture(image.content).painted((255, 255, 255, 255))), json.loads(found.content)["features"]


def test_an_unpublished_measure_is_neither_drawn_nor_reported(client):
    load_demo_committed()
    square = Polygon.from_bbox((X - 150, Y - 150, X + 150, Y + 150))
    square.srid = 25832
    draft = Measure.objects.create(
        city=Area.objects.get(code="08118048"), title="Entwurf: Quartiersplatz", geom=square, published=False
    )

    hidden_pixels, hidden_features = state(client)
    Measure.objects.filter(pk=draft.pk).update(published=True)
    shown_pixels, shown_features = state(client)

    assert hidden_pixels == 0 and hidden_features == []
    assert shown_pixels > 500
    assert [feature["properties"]["title"] for feature in shown_features] == ["Entwurf: Quartiersplatz"]
