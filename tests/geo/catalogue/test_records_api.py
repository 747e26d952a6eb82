"""OGC API – Records at /catalogue/: landing, conformance, the collection and its items as GeoJSON
records with bbox, q, limit/offset, read by OWSLib's ``Records`` client and plain HTTP; bad
parameters are 400s naming the parameter."""

import pytest
from owslib.ogcapi.records import Records

from geo import layers as registry
from geo.catalogue.records import record_id

pytestmark = [pytest.mark.usefixtures("demo_db")]

ITEMS = "/catalogue/collections/layers/items"


@pytest.mark.clients
def test_owslib_reads_every_layers_record_and_searches_by_bbox_and_text(server):
    records = Records(f"{server}/catalogue/", timeout=60)

    assert (
        "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/record-core"
        in records.conformance()["conformsTo"]
    )
    assert [c["id"] for c in records.collections()["collections"]] == ["layers"]
    everything = records.collection_items("layers", type="dataset", limit=100)
    layers = registry.all_layers()
    assert everything["numberMatched"] == len(layers)
    assert [f["properties"]["title"] for f in everything["features"]] == [
        layer.title_in("de") for layer in layers
    ]

    near = records.collection_items("layers", bbox=[9.1, 48.85, 9.3, 48.95], type="dataset", limit=100)
    far = records.collection_items("layers", bbox=[10.6, 47.0, 11.2, 47.3], limit=100)
    assert near["numberMatched"] >= 3
    assert far["numberMatched"] == 0

    found = records.collection_items("layers", q="Quartier", type="dataset", limit=100)
    assert found["numberMatched"] >= 2
    texts = [
        " ".join([p["title"], p["description"], *p["keywords"]])
        for p in (f["properties"] for f in found["features"])
    ]
    assert all("quartier" in text.lower() for text in texts)
    assert "Quartiere (Stadtteile)" in [f["properties"]["title"] for f in found["features"]]

    one = records.collection_item("layers", record_id("quartiere"))
    assert one["properties"]["title"] == registry.get("quartiere").title_in("de")
    assert {"just", "green", "productive"} <= {
        c["id"] for theme in one["properties"]["themes"] for c in theme["concepts"]
    }


def test_items_page_with_limit_and_offset_and_link_the_next_page(client):
    first = client.get(ITEMS, {"limit": 3}).json()
    second = client.get(ITEMS, {"limit": 3, "offset": 3}).json()

    assert first["numberReturned"] == second["numberReturned"] == 3
    assert {f["id"] for f in first["features"]}.isdisjoint(f["id"] for f in second["features"])
    (following,) = [link["href"] for link in first["links"] if link["rel"] == "next"]
    assert "offset=3" in following


def test_a_record_links_its_iso_document_and_the_services(client):
    record = client.get(f"{ITEMS}/{record_id('measures')}").json()

    rels = {(link["rel"], link.get("protocol", "")) for link in record["links"]}
    assert ("alternate", "") in rels
    assert ("service", "OGC:WMS") in rels
    assert ("item", "OGC:API-Features") in rels
    assert record["geometry"]["type"] == "Polygon"


def test_ogc_api_collections_link_their_record(client):
    collection = client.get("/ogc/collections/quartiere", {"f": "json"}).json()

    (described,) = [link["href"] for link in collection["links"] if link["rel"] == "describedby"]
    assert record_id("quartiere") in described
    assert "/catalogue/csw?" in described


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "9,48,8,49"}, "bbox"),
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"limit": "0"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"f": "html"}, "f"),
        ({"sortby": "title"}, "sortby"),
    ],
)
def test_bad_parameters_are_400s_naming_the_parameter(client, params, named):
    response = client.get(ITEMS, params)

    assert response.status_code == 400
    assert response.json()["description"].startswith(f"{named}:")


def test_unknown_collections_and_records_are_404s(client):
    assert client.get("/catalogue/collections/secrets/items").status_code == 404
    assert client.get(f"{ITEMS}/no-such-record").status_code == 404


def test_browsers_of_other_sites_may_read_the_catalogue(client, settings):
    settings.MAP_CORS_ALLOW_ORIGIN = "*"

    for path in ("/catalogue/csw?service=CSW&request=GetCapabilities", ITEMS):
        assert client.get(path)["Access-Control-Allow-Origin"] == "*", path
