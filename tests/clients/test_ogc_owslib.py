"""OWSLib's OGC API – Features client against the live service at the documented address (``/ogc``,
no slash): the collections, the measures by geometry type, schema and queryables."""

import json
import urllib.request

import pytest
from owslib.ogcapi.features import Features

from geo import layers as registry
from measures.models import Measure
from tests.fixtures import load_demo_committed

pytestmark = [pytest.mark.clients]


@pytest.fixture
def service(transactional_db, live_server) -> str:
    """The demo, committed so that the live server's thread sees it; the address as documented."""
    load_demo_committed()
    return f"{live_server.url}/ogc"


def test_owslib_reads_the_service_at_the_documented_address(service):
    # the address itself answers with the landing page (no redirect QGIS 3.22 could not follow)
    with urllib.request.urlopen(
        urllib.request.Request(service, headers={"Accept": "application/json"})
    ) as answer:
        assert answer.status == 200 and answer.url == service
        landing = json.load(answer)
    assert any(
        link["rel"] == "data" and link["href"].endswith("/ogc/collections") for link in landing["links"]
    )

    features = Features(service, timeout=60)
    assert (
        "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/schemas"
        in features.conformance()["conformsTo"]
    )
    assert set(features.feature_collections()) == {layer.id for layer in registry.all_layers()}

    total = 0
    for layer_id, kind in [("measures_areas", "MultiPolygon"), ("measures_lines", "MultiLineString"),
                           ("measures_points", "MultiPoint")]:  # fmt: skip
        items = features.collection_items(layer_id, limit=1000)
        assert {feature["geometry"]["type"] for feature in items["features"]} == {kind}
        total += items["numberMatched"]
        schema = features.collection_schema(layer_id)
        assert schema["properties"]["city"]["type"] == "integer"
        assert schema["properties"]["geometry"]["x-ogc-role"] == "primary-geometry"
        assert features.collection_queryables(layer_id)["properties"]["city"]["type"] == "integer"
    assert total == features.collection_items("measures", limit=1)["numberMatched"]
    assert total == Measure.objects.filter(published=True, geom__isnull=False).count()
