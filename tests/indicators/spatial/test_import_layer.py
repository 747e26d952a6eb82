"""``manage.py import_layer`` and ``indicators.layer_import``: files written here (GeoJSON by hand,
GeoPackage and Shapefile by GDAL's ogr2ogr), imported, and checked in PostGIS."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from indicators import spatial
from indicators.layer_import import LayerMeta, LayerRejected, import_layer
from indicators.models import IndicatorValue, ReferenceFeature, ReferenceLayer
from quartiere.models import Level
from tests.conftest import sql_value
from tests.fixtures import X0, Y0, feature, import_areas, square
from tests.indicators.spatial.conftest import GREEN, geo_feature, load_layer, ogr2ogr, rect, write_geojson


@pytest.fixture(autouse=True)
def _english():
    """The messages in English, as the assertions quote them (German is the default)."""
    with translation.override("en"):
        yield


META = LayerMeta(name="gruen", title="Grünflächen", year=2024)


def rejected(path: Path, **options) -> LayerRejected:
    with pytest.raises(LayerRejected) as caught:
        import_layer(path, META, **options)
    return caught.value


def green_area(name: str = "gruen") -> float:
    return sql_value(
        "SELECT ST_Area(ST_Union(geom)) FROM indicators_referencefeature f "
        "JOIN indicators_referencelayer l ON l.id = f.layer_id WHERE l.name = %s",
        [name],
    )


def test_geojson_keeps_properties_as_data_and_refs_from_the_fid(world, tmp_path):
    features = [
        *GREEN,
        geo_feature(rect(500, 500, 600, 600), name="{{ 6*7 }} <script>", size=3.5, when="2024-05-01"),
    ]
    summary = load_layer(tmp_path, "gruen", features)
    assert summary.features == 4 and summary.source_srid == 25832
    layer = ReferenceLayer.objects.get(name="gruen")
    assert (layer.feature_count, layer.year, layer.title) == (4, 2024, "Gruen")
    odd = ReferenceFeature.objects.get(layer=layer, ref="3")
    assert odd.properties == {"name": "{{ 6*7 }} <script>", "size": 3.5, "when": "2024-05-01"}
    assert sorted(ReferenceFeature.objects.filter(layer=layer).values_list("ref", flat=True)) == [
        "0",
        "1",
        "2",
        "3",
    ]
    # A ∪ B = 70,000, C = 20,000, the fourth 10,000 m²
    assert green_area() == pytest.approx(100_000, abs=1e-3)


@pytest.mark.parametrize("fmt", ["gpkg", "shp"])
def test_geopackage_and_shapefile_in_another_crs_are_reprojected(world, tmp_path, fmt):
    source = write_geojson(tmp_path / "source.geojson", GREEN)
    path = ogr2ogr(tmp_path / f"gruen.{fmt}", source, fmt=fmt, extra=("-t_srs", "EPSG:4326"))
    summary = import_layer(path, META, id_field="name")
    assert summary.source_srid == 4326 and summary.features == 3
    assert sorted(ReferenceFeature.objects.values_list("ref", flat=True)) == ["A", "B", "C"]
    # back in EPSG:25832 the squares have their areas again (to the centimetre of the round trip)
    assert green_area() == pytest.approx(90_000, abs=1)
    assert sql_value("SELECT min(ST_XMin(geom)) FROM indicators_referencefeature") == pytest.approx(
        X0 + 100, abs=0.01
    )


def test_a_multi_layer_file_needs_the_layer_named(world, tmp_path):
    source = write_geojson(tmp_path / "source.geojson", GREEN)
    path = ogr2ogr(tmp_path / "multi.gpkg", source, fmt="gpkg", extra=("-nln", "parks"))
    ogr2ogr(path, source, fmt="gpkg", extra=("-update", "-nln", "more"))
    assert "choose one with --layer" in rejected(path).message
    assert "has no layer 'nope'" in rejected(path, layer="nope").message
    assert import_layer(path, META, layer="more").features == 3


def test_a_file_without_crs_needs_s_srs(world, tmp_path):
    source = write_geojson(tmp_path / "source.geojson", GREEN)
    path = ogr2ogr(tmp_path / "gruen.shp", source, fmt="shp")
    path.with_suffix(".prj").unlink()
    error = rejected(path)
    assert error.field == "s_srs" and "--s-srs" in error.message
    assert "EPSG:4711 is not supported" in rejected(path, source_srid="4711").message
    assert import_layer(path, META, source_srid="EPSG:25832").features == 3
    assert green_area() == pytest.approx(90_000, abs=1e-3)


def test_a_wrong_crs_is_refused(world, tmp_path):
    # metres labelled as degrees: no transformation from EPSG:4326 can handle them
    assert "EPSG:4326" in rejected(write_geojson(tmp_path / "deg.geojson", GREEN, srid=4326)).message
    # metres labelled as Gauss-Krüger: they land hundreds of kilometres away from the service's area
    error = rejected(write_geojson(tmp_path / "gk.geojson", GREEN, srid=31467))
    assert "No feature lies within the service's area" in error.message
    assert not ReferenceLayer.objects.exists()


def test_missing_broken_and_empty_files_are_refused(world, tmp_path):
    assert "no such file" in rejected(tmp_path / "nope.geojson").message
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [')
    assert "cannot be read" in rejected(broken).message
    empty_file = tmp_path / "empty.geojson"
    empty_file.write_text("")
    assert "cannot be read" in rejected(empty_file).message
    assert "has no features" in rejected(write_geojson(tmp_path / "none.geojson", [])).message
    not_geo = tmp_path / "notes.txt"
    not_geo.write_bytes(b"\x00\x01binary")
    assert "cannot be read" in rejected(not_geo).message
    assert not ReferenceLayer.objects.exists()


def test_invalid_geometry_is_refused_naming_the_feature_or_repaired_when_asked(world, tmp_path):
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[X0, Y0], [X0 + 100, Y0 + 100], [X0 + 100, Y0], [X0, Y0 + 100], [X0, Y0]]],
    }
    path = write_geojson(
        tmp_path / "bad.geojson", [GREEN[0], geo_feature(bowtie, name="bowtie"), geo_feature(None)]
    )
    error = rejected(path)
    assert "2 feature(s)" in error.message
    assert [ref for ref, _ in error.problems] == ["feature 2 (1)", "feature 3 (2)"]
    assert "Self-intersection" in error.problems[0][1] and error.problems[1][1] == "empty or missing geometry"
    assert not ReferenceLayer.objects.exists()
    path = write_geojson(tmp_path / "bowtie.geojson", [GREEN[0], geo_feature(bowtie, name="bowtie")])
    summary = import_layer(path, META, make_valid=True)
    assert (summary.features, summary.repaired) == (2, 1)
    # the bowtie becomes its two triangles, 2 × 2,500 m²
    assert green_area() == pytest.approx(40_000 + 5_000, abs=1e-3)


def test_an_id_field_must_identify_every_feature(world, tmp_path):
    path = write_geojson(
        tmp_path / "dup.geojson",
        [geo_feature(rect(0, 0, 10, 10), k="x"), geo_feature(rect(20, 0, 30, 10), k="x")],
    )
    error = rejected(path, id_field="k")
    assert error.field == "id_field" and error.problems == [("feature 1 (x)", "the id occurs 2 times")]
    assert "is not a field" in rejected(path, id_field="nope").message
    # 0 is a value
    path = write_geojson(
        tmp_path / "zero.geojson",
        [geo_feature(rect(0, 0, 10, 10), k=0), geo_feature(rect(20, 0, 30, 10), k=1)],
    )
    assert import_layer(path, META, id_field="k").features == 2
    assert sorted(ReferenceFeature.objects.values_list("ref", flat=True)) == ["0", "1"]


def test_reimport_replaces_and_a_bad_file_leaves_the_previous_features(world, tmp_path):
    load_layer(tmp_path, "gruen", GREEN)
    load_layer(tmp_path, "gruen", GREEN)  # idempotent
    assert ReferenceFeature.objects.count() == 3
    load_layer(tmp_path, "gruen", GREEN[:2], year=2025)
    assert ReferenceFeature.objects.count() == 2 and ReferenceLayer.objects.get().year == 2025
    with pytest.raises(LayerRejected):
        load_layer(tmp_path, "gruen", [*GREEN, geo_feature(None)])
    assert ReferenceFeature.objects.count() == 2
    assert ReferenceLayer.objects.get().feature_count == 2


def test_values_are_recomputed_after_a_reimport_and_after_an_area_import(
    world, tmp_path, django_capture_on_commit_callbacks
):
    layer = load_layer(tmp_path, "gruen", GREEN).layer
    with django_capture_on_commit_callbacks(execute=True):
        spatial.define_spatial_indicator(
            layer=layer,
            method="area_share",
            key="share",
            name_de="Anteil",
            name_en="Share",
            unit="%",
            dimension="green",
            direction="less_need",
        )
    assert IndicatorValue.objects.get(indicator__key="share", area__code="Q2").value == pytest.approx(1.0)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        load_layer(tmp_path, "gruen", GREEN[:2], year=2025)  # C gone: Q2 has no green
    assert len(callbacks) == 1
    row = IndicatorValue.objects.get(indicator__key="share", area__code="Q2")
    assert (row.value, row.year) == (0.0, 2025)
    # Q1 shrinks to its western half: A ∪ B (70,000 m²) now cover 70,000 / 500,000 = 14 %
    with django_capture_on_commit_callbacks(execute=True):
        import_areas(Level.QUARTIER, feature("Q1", "West", square(0, 0, 500, 1000), population=1000))
    assert IndicatorValue.objects.get(indicator__key="share", area__code="Q1").value == pytest.approx(14.0)


def test_the_commands(world, tmp_path):
    path = write_geojson(tmp_path / "gruen.geojson", GREEN)
    out = StringIO()
    call_command(
        "import_layer",
        str(path),
        "--name",
        "gruen",
        "--year",
        "2024",
        "--title",
        "Grünflächen",
        "--licence",
        "CC BY 4.0",
        "--illustrative",
        stdout=out,
    )
    assert "layer gruen: 3 features from EPSG:25832" in out.getvalue()
    layer = ReferenceLayer.objects.get()
    assert (layer.title, layer.licence, layer.illustrative) == ("Grünflächen", "CC BY 4.0", True)
    err = StringIO()
    bad = write_geojson(tmp_path / "bad.geojson", [geo_feature(None)])
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import_layer", str(bad), "--name", "gruen", "--year", "2024", stderr=err)
    assert "feature 1 (0): empty or missing geometry" in err.getvalue()
    with pytest.raises(CommandError, match="name"):
        call_command("import_layer", str(path), "--name", "not a slug", "--year", "2024")
    spatial.define_spatial_indicator(
        layer=layer,
        method="count_per_1000",
        key="parks",
        name_de="Parks",
        name_en="Parks",
        unit="je 1000 EW",
        dimension="green",
        direction="less_need",
    )
    out = StringIO()
    call_command("compute_indicators", "--indicator", "parks", stdout=out)
    assert "parks: 3 values" in out.getvalue()
    with pytest.raises(CommandError, match="no spatial indicator"):
        call_command("compute_indicators", "--indicator", "nope")
