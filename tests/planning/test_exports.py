"""The report's downloads open in GDAL (ogrinfo) with the right feature counts; the CSV has one row
per Quartier and dimension."""

import csv
import io
import re
import subprocess

import pytest

pytestmark = pytest.mark.django_db


def download(client, city, fmt):
    response = client.get(f"/bericht/daten.{fmt}?stadt={city.pk}")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return response.content


def ogrinfo(path) -> str:
    result = subprocess.run(["ogrinfo", "-so", "-al", str(path)], capture_output=True, text=True, check=True)
    return result.stdout


def test_the_csv_has_a_row_per_quartier_and_dimension(client, known):
    rows = list(csv.DictReader(io.StringIO(download(client, known["city"], "csv").decode())))
    assert len(rows) == 12
    alpha_green = next(r for r in rows if r["quartier"] == "Alpha" and r["dimension"] == "green")
    assert float(alpha_green["score"]) == pytest.approx(0.64, abs=1e-4)
    assert alpha_green["gap"] == "True"


def test_the_geojson_opens_in_gdal_with_one_feature_per_quartier(client, known, tmp_path):
    path = tmp_path / "bericht.geojson"
    path.write_bytes(download(client, known["city"], "geojson"))
    info = ogrinfo(path)
    assert "Feature Count: 3" in info
    assert "score_green" in info and "WGS 84" in info


def test_the_geopackage_has_priorities_and_focus_areas_in_25832(client, known, tmp_path):
    path = tmp_path / "bericht.gpkg"
    path.write_bytes(download(client, known["city"], "gpkg"))
    info = ogrinfo(path)
    layers = dict(re.findall(r"Layer name: (\w+)\n(?:.*\n)*?Feature Count: (\d+)", info))
    assert layers == {"priorities": "3", "focus_areas": "2"}  # F2 is unpublished
    assert "25832" in info
    rows = subprocess.run(
        ["ogrinfo", "-q", str(path), "-sql", "SELECT name, score_green FROM priorities WHERE name = 'Alpha'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "score_green (Real) = 0.64" in rows


def test_an_unknown_format_is_a_404(client, known):
    assert client.get("/bericht/daten.xls").status_code == 404


def test_without_ogr2ogr_the_geopackage_is_a_503_not_a_500(client, known, monkeypatch):
    monkeypatch.setattr("planning.exports.shutil.which", lambda name: None)
    response = client.get(f"/bericht/daten.gpkg?stadt={known['city'].pk}")
    assert response.status_code == 503
    assert b"gdal-bin" in response.content
