"""The back-office pages of reference layers and spatial indicators (Django's test client): who may open
them, uploads with their errors (nothing changed), defining and changing a spatial indicator, and
text from files and forms shown as text."""

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from indicators.models import Indicator, IndicatorValue, ReferenceFeature, ReferenceLayer, SpatialIndicator
from tests.fixtures import user_in
from tests.indicators.spatial.conftest import GREEN, STOPS, geo_feature, ogr2ogr, write_geojson

BASE = "/planung/indikatoren/ebenen/"
PAYLOAD = "{{ 6*7 }} <script>alert(1)</script>"


@pytest.fixture
def office(planner) -> Client:
    client = Client()
    client.force_login(planner)
    return client


def geojson_upload(features, *, name: str = "gruen.geojson", srid: int | None = 25832) -> SimpleUploadedFile:
    collection: dict = {"type": "FeatureCollection", "features": features}
    if srid is not None:
        collection["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{srid}"}}
    return SimpleUploadedFile(name, json.dumps(collection).encode(), content_type="application/geo+json")


def upload(client: Client, file, **fields):
    data = {"name": "gruen", "year": 2024, "title": "Grünflächen", "file": file, **fields}
    return client.post(BASE + "hochladen/", data)


def test_only_planners_open_the_pages(world, client):
    response = client.get(BASE)
    assert response.status_code == 302 and "/planung/anmelden/" in response["Location"]
    client.force_login(user_in("citizen"))
    assert client.get(BASE).status_code == 403
    assert client.post(BASE + "hochladen/", {}).status_code == 403


def test_upload_lists_the_layer_and_shows_text_as_text(world, office):
    features = [*GREEN[:2], geo_feature(GREEN[2]["geometry"], name=PAYLOAD)]
    response = upload(office, geojson_upload(features), title=PAYLOAD, licence="CC BY 4.0")
    assert response.status_code == 302 and response["Location"] == BASE + "?ok=gruen"
    page = office.get(response["Location"]).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert "{{ 6*7 }}" in page and "CC BY 4.0" in page
    assert ReferenceFeature.objects.get(ref="2").properties["name"] == PAYLOAD


def test_a_zipped_shapefile_and_a_geopackage_upload(world, office, tmp_path):
    source = write_geojson(tmp_path / "s.geojson", GREEN)
    ogr2ogr(tmp_path / "gruen.shp", source, fmt="shp", extra=("-t_srs", "EPSG:4326"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in tmp_path.glob("gruen.*"):
            archive.write(part, part.name)
    assert upload(office, SimpleUploadedFile("gruen.zip", buffer.getvalue())).status_code == 302
    assert ReferenceLayer.objects.get().feature_count == 3
    gpkg = ogr2ogr(tmp_path / "halt.gpkg", write_geojson(tmp_path / "h.geojson", STOPS), fmt="gpkg")
    response = upload(office, SimpleUploadedFile("halt.gpkg", gpkg.read_bytes()), name="halt")
    assert response.status_code == 302
    assert ReferenceLayer.objects.get(name="halt").feature_count == 4


def test_a_bad_upload_shows_the_error_and_changes_nothing(world, office):
    assert upload(office, geojson_upload(GREEN)).status_code == 302
    bad = geojson_upload([*GREEN, geo_feature(None, name="leer")])
    response = upload(office, bad, year=2030)
    assert response.status_code == 400
    page = response.content.decode()
    assert "nothing imported" in page or "nichts importiert" in page
    assert "feature 4 (3): empty or missing geometry" in page
    assert ReferenceFeature.objects.count() == 3 and ReferenceLayer.objects.get().year == 2024
    for file, status in (
        (SimpleUploadedFile("x.txt", b"hello"), 400),
        (SimpleUploadedFile("x.gpkg", b"{not sqlite"), 400),
        (SimpleUploadedFile("x.geojson", b"{broken"), 400),
        (geojson_upload(GREEN, srid=4711), 400),
    ):
        assert upload(office, file).status_code == status
    # a CRS that is not an EPSG code of the allow-list is never handed to GDAL
    odd = {
        "type": "FeatureCollection",
        "features": GREEN,
        "crs": {"type": "name", "properties": {"name": "/etc/passwd"}},
    }
    assert upload(office, SimpleUploadedFile("x.geojson", json.dumps(odd).encode())).status_code == 400
    assert upload(office, geojson_upload(GREEN), name="not a slug").status_code == 400
    assert ReferenceFeature.objects.count() == 3


def test_define_change_and_recompute_a_spatial_indicator(world, office, django_capture_on_commit_callbacks):
    assert upload(office, geojson_upload(GREEN)).status_code == 302
    layer = ReferenceLayer.objects.get()
    fields = {
        "layer": layer.pk,
        "method": "share_within",
        "key": "gruen_nah",
        "name_de": "Grün in der Nähe",
        "name_en": "Green nearby",
        "unit": "%",
        "dimension": "green",
        "direction": "less_need",
    }
    response = office.post(BASE + "indikator/neu/", fields)
    assert response.status_code == 400 and "distance" not in Indicator.objects.values_list("key", flat=True)
    assert not Indicator.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(BASE + "indikator/neu/", {**fields, "method": "area_share"})
    assert response.status_code == 302
    indicator = Indicator.objects.get(key="gruen_nah")
    assert response["Location"] == f"{BASE}indikator/{indicator.pk}/?ok=1"
    # computed once the request's write committed
    assert IndicatorValue.objects.filter(indicator=indicator).count() == 3
    page = office.get(response["Location"]).content.decode()
    assert "8,00" in page or "8.00" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(
            f"{BASE}indikator/{indicator.pk}/", {"layer": layer.pk, "method": "count_per_1000"}
        )
    assert response.status_code == 302
    assert SpatialIndicator.objects.get().method == "count_per_1000"
    assert IndicatorValue.objects.get(indicator=indicator, area__code="Q1").value == pytest.approx(3.0)
    IndicatorValue.objects.all().delete()
    assert office.post(f"{BASE}indikator/{indicator.pk}/neu-berechnen/").status_code == 302
    assert IndicatorValue.objects.filter(indicator=indicator).count() == 3
    assert (
        office.post(BASE + "indikator/neu/", {**fields, "method": "area_share"}).status_code == 409
    )  # key taken (the catalogue's own service: a conflict)
    assert office.get(f"{BASE}indikator/999999/").status_code == 404
