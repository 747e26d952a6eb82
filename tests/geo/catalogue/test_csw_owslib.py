"""OWSLib's CSW client (``CatalogueServiceWeb``) against the live catalogue: the capabilities, every
registered layer found by GetRecords, GetRecordById in Dublin Core and ISO 19139 (parsed by OWSLib's
``MD_Metadata``), bbox and full-text constraints, paging, and the WMS capabilities' MetadataURL
leading to a record with the layer's title."""

import urllib.request

import pytest
from django.db import connection
from lxml import etree
from owslib.catalogue.csw2 import CatalogueServiceWeb
from owslib.fes import BBox, PropertyIsEqualTo, PropertyIsLike
from owslib.iso import MD_Metadata
from owslib.wms import WebMapService

from geo import layers as registry

pytestmark = [pytest.mark.clients, pytest.mark.usefixtures("demo_db")]

GMD = "http://www.isotc211.org/2005/gmd"
DATASETS = PropertyIsEqualTo("dc:type", "dataset")
LUDWIGSBURG = [9.10, 48.85, 9.30, 48.95]  # lon/lat around the city
ALPS = [10.6, 47.0, 11.2, 47.3]
OCEAN = [-30.0, -40.0, -20.0, -30.0]


def open_csw(server: str) -> CatalogueServiceWeb:
    return CatalogueServiceWeb(f"{server}/catalogue/csw", timeout=60)


def layers_with_data() -> set[str]:
    """The layers whose source returns at least one feature, counted straight from their SQL."""
    found = set()
    with connection.cursor() as cursor:
        for layer in registry.all_layers():
            cursor.execute(
                f"SELECT EXISTS (SELECT 1 FROM ({registry.source_sql(layer)}) AS src)",  # noqa: S608 - registry SQL
                registry.bound(layer),
            )
            if cursor.fetchone()[0]:
                found.add(layer.id)
    return found


def dataset_titles(csw: CatalogueServiceWeb) -> list[str]:
    return [record.title for record in csw.records.values()]


def test_owslib_reads_the_capabilities(server):
    csw = open_csw(server)

    assert csw.identification.type == "CSW"
    assert csw.identification.version == "2.0.2"
    names = [operation.name for operation in csw.operations]
    assert names == ["GetCapabilities", "DescribeRecord", "GetRecords", "GetRecordById"]
    get_records = csw.get_operation_by_name("GetRecords")
    assert {method["type"] for method in get_records.methods} == {"Get", "Post"}
    assert "http://www.isotc211.org/2005/gmd" in get_records.parameters["outputSchema"]["values"]


def test_getrecords_finds_every_registered_layer(server):
    csw = open_csw(server)
    csw.getrecords2(constraints=[DATASETS], esn="full", maxrecords=100)

    layers = registry.all_layers()
    assert csw.results["matches"] == len(layers)
    assert csw.results["returned"] == len(layers)
    assert dataset_titles(csw) == [layer.title_in("de") for layer in layers]
    assert all(record.type == "dataset" for record in csw.records.values())


def test_getrecords_in_iso_finds_every_layer_with_its_keywords(server):
    csw = open_csw(server)
    csw.getrecords2(
        constraints=[DATASETS], typenames="gmd:MD_Metadata", esn="full", outputschema=GMD, maxrecords=100
    )

    layers = registry.all_layers()
    assert [record.identification[0].title for record in csw.records.values()] == [
        layer.title_in("de") for layer in layers
    ]


def test_service_records_operate_on_every_dataset(server):
    csw = open_csw(server)
    csw.getrecords2(constraints=[PropertyIsEqualTo("dc:type", "service")], esn="full", outputschema=GMD)

    datasets = open_csw(server)
    datasets.getrecords2(constraints=[DATASETS], maxrecords=100)
    assert csw.results["matches"] == 3  # WMS, WFS, OGC API – Features
    for record in csw.records.values():
        service = record.identification[0]
        assert service.type in ("view", "download")
        assert {item["uuidref"] for item in service.operateson} == set(datasets.records)


def test_getrecordbyid_in_dublin_core_and_iso(server):
    layer = registry.get("quartiere")
    search = open_csw(server)
    search.getrecords2(constraints=[PropertyIsEqualTo("dc:title", layer.title_in("de"))], esn="brief")
    (identifier,) = search.records

    dc = open_csw(server)
    dc.getrecordbyid([identifier])
    record = dc.records[identifier]
    assert record.title == layer.title_in("de")
    assert record.abstract == layer.abstract_in("de")
    assert "Gerechte Stadt" in record.subjects
    assert any(ref["scheme"] == "OGC:WMS" for ref in record.references)

    iso = open_csw(server)
    iso.getrecordbyid([identifier], outputschema=GMD)
    metadata = iso.records[identifier]
    assert isinstance(metadata, MD_Metadata)
    assert metadata.identifier == identifier
    assert metadata.hierarchy == "dataset"
    identification = metadata.identification[0]
    assert identification.title == layer.title_in("de")
    words = {keyword.name for block in identification.keywords for keyword in block.keywords}
    assert {"Gerechte Stadt", "Grüne Stadt", "Produktive Stadt"} <= words
    box = identification.bbox
    # the demo's Quartiere lie in Ludwigsburg
    assert 9.1 < float(box.minx) < float(box.maxx) < 9.35
    assert 48.8 < float(box.miny) < float(box.maxy) < 49.0
    protocols = {resource.protocol for resource in metadata.distribution.online}
    assert {"OGC:WMS", "OGC:WFS", "OGC:API-Features"} <= protocols
    assert any("dl-de/by-2-0" in text for text in identification.otherconstraints)


def test_a_box_around_ludwigsburg_finds_the_layers_with_data_and_one_in_the_alps_none(server):
    with_data = layers_with_data()
    titles = {registry.get(layer_id).title_in("de") for layer_id in with_data}
    assert {"quartiere", "regions"} <= with_data

    near = open_csw(server)
    near.getrecords2(constraints=[[DATASETS, BBox(LUDWIGSBURG)]], esn="brief", maxrecords=100)
    assert set(dataset_titles(near)) == titles

    # the same place in UTM 32N, as GIS staff in Baden-Württemberg write it
    utm = open_csw(server)
    box = BBox([510000, 5410000, 523000, 5420000], crs="urn:ogc:def:crs:EPSG::25832")
    utm.getrecords2(constraints=[[DATASETS, box]], esn="brief", maxrecords=100)
    assert set(dataset_titles(utm)) == titles

    for box in (ALPS, OCEAN):
        far = open_csw(server)
        far.getrecords2(constraints=[[DATASETS, BBox(box)]], esn="brief", maxrecords=100)
        assert far.results["matches"] == 0, box


def test_full_text_search_finds_the_layers_that_name_quartiere(server):
    csw = open_csw(server)
    csw.getrecords2(constraints=[PropertyIsLike("csw:AnyText", "%Quartier%")], esn="full", maxrecords=100)

    expected = [
        layer.title_in("de")
        for layer in registry.all_layers()
        if "quartier" in " ".join([*layer.title.values(), *layer.abstract.values()]).lower()
    ]
    assert len(expected) >= 2
    found = [title for title in dataset_titles(csw) if title in expected]
    assert found == expected
    assert (
        "quartier"
        in " ".join([record.title + " " + (record.abstract or "") for record in csw.records.values()]).lower()
    )

    nothing = open_csw(server)
    nothing.getrecords2(constraints=[PropertyIsLike("csw:AnyText", "%Zzyzx-nirgends%")])
    assert nothing.results["matches"] == 0


def test_paging_walks_through_every_record_once(server):
    seen: list[str] = []
    start = 1
    while start:
        csw = open_csw(server)
        csw.getrecords2(constraints=[DATASETS], esn="brief", startposition=start, maxrecords=4)
        assert csw.results["returned"] <= 4
        seen.extend(csw.records)
        start = csw.results["nextrecord"]
        assert len(seen) <= len(registry.all_layers())
    assert len(seen) == len(set(seen)) == len(registry.all_layers())


def test_cql_text_through_kvp(server):
    csw = open_csw(server)
    csw.getrecords2(cql="csw:AnyText LIKE '%Quartier%' AND dc:type = 'dataset'", esn="brief", maxrecords=100)
    by_filter = open_csw(server)
    by_filter.getrecords2(
        constraints=[[PropertyIsLike("csw:AnyText", "%Quartier%"), DATASETS]], esn="brief", maxrecords=100
    )

    assert csw.results["matches"] >= 2
    assert list(csw.records) == list(by_filter.records)


def test_the_wms_metadata_url_resolves_to_a_record_with_the_layers_title(server):
    wms = WebMapService(f"{server}/ows", version="1.3.0", timeout=60)

    for name, layer in wms.contents.items():
        (url,) = [entry["url"] for entry in layer.metadataUrls]
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - the live server
            document = etree.fromstring(response.read())
        metadata = MD_Metadata(document.find(f"{{{GMD}}}MD_Metadata"))
        assert metadata.identification[0].title == registry.get(name).title_in("de"), name
