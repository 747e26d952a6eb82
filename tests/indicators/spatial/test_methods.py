"""Each method of the spatial indicators against values computed by hand (the world: conftest.py)."""

import math

import pytest

from indicators import spatial
from indicators.models import IndicatorValue, Quality, SpatialIndicator
from tests.indicators.spatial.conftest import GREEN, PATHS, STOPS, load_layer

CATALOGUE = {
    "name_de": "Test",
    "name_en": "Test",
    "unit": "%",
    "dimension": "green",
    "direction": "less_need",
}


def define(key: str, layer, method: str, distance: int | None = None) -> SpatialIndicator:
    spatial_indicator = spatial.define_spatial_indicator(
        layer=layer, method=method, distance=distance, key=key, **CATALOGUE
    )
    spatial.compute(spatial_indicator)
    return spatial_indicator


def values(key: str) -> dict[str, float]:
    rows = IndicatorValue.objects.filter(indicator__key=key).select_related("area")
    return {row.area.code: row.value for row in rows}


def test_area_share_unions_overlaps_and_clips_to_each_area(world, tmp_path):
    layer = load_layer(tmp_path, "gruen", GREEN).layer
    define("share", layer, "area_share")
    # Q1: A ∪ B = 2 × 200² − 100² = 70,000 m², plus half of C (100 × 100 = 10,000): 80,000 of 1,000,000 m²
    # Q2: the other half of C, 10,000 of 1,000,000 m²; the city: 90,000 of 2,000,000 m²
    assert values("share") == pytest.approx({"Q1": 8.0, "Q2": 1.0, "C": 4.5}, abs=1e-6)
    row = IndicatorValue.objects.filter(indicator__key="share").first()
    assert row.year == 2024 and row.quality == Quality.COMPUTED
    assert SpatialIndicator.objects.get(indicator__key="share").computed_at is not None


def test_area_per_inhabitant(world, tmp_path):
    layer = load_layer(tmp_path, "gruen", GREEN).layer
    define("per_head", layer, "area_per_inhabitant")
    # 80,000 m² / 1,000; 10,000 m² / 2,000; 90,000 m² / 3,000
    assert values("per_head") == pytest.approx({"Q1": 80.0, "Q2": 5.0, "C": 30.0}, abs=1e-6)


def test_area_per_inhabitant_has_no_value_without_inhabitants(world, tmp_path):
    world["Q2"].population = None
    world["Q2"].save()
    layer = load_layer(tmp_path, "gruen", GREEN).layer
    define("per_head", layer, "area_per_inhabitant")
    assert set(values("per_head")) == {"Q1", "C"}


def test_count_per_1000_counts_points_on_a_boundary_in_both_areas(world, tmp_path):
    layer = load_layer(tmp_path, "stops", STOPS).layer
    define("stops", layer, "count_per_1000")
    # Q1: s1 and s4 (on the boundary) → 2 per 1,000; Q2: s2, s3, s4 → 3 / 2,000 × 1,000 = 1.5;
    # the city: 4 / 3,000 × 1,000
    assert values("stops") == pytest.approx({"Q1": 2.0, "Q2": 1.5, "C": 4000 / 3000}, abs=1e-6)


def test_count_per_1000_counts_polygons_that_intersect(world, tmp_path):
    layer = load_layer(tmp_path, "gruen", GREEN).layer
    define("parks", layer, "count_per_1000")
    # Q1: A, B, C → 3; Q2: C → 1 / 2,000 × 1,000 = 0.5; the city: 3 / 3,000 × 1,000
    assert values("parks") == pytest.approx({"Q1": 3.0, "Q2": 0.5, "C": 1.0}, abs=1e-6)


def test_share_within_a_distance(world, tmp_path):
    layer = load_layer(tmp_path, "wege", PATHS).layer
    define("near", layer, "share_within", distance=100)
    # the road's buffer is the band 400 ≤ y ≤ 600 over the whole width (its caps lie outside the city):
    # 200,000 m² per Quartier. The kiosk's buffer is ST_Buffer's regular polygon with 4 × QUAD_SEGS = 64
    # vertices on the circle of 100 m: ½ · 64 · r² · sin(2π/64) = 31,365.5 m² (0.16 % below π r² =
    # 31,415.9 m², the approximation's error), inside Q2 and apart from the band.
    n = 4 * spatial.QUAD_SEGS
    kiosk = 0.5 * n * 100**2 * math.sin(2 * math.pi / n)
    assert kiosk == pytest.approx(math.pi * 100**2, rel=0.002)
    expected = {"Q1": 20.0, "Q2": 100 * (200_000 + kiosk) / 1e6, "C": 100 * (400_000 + kiosk) / 2e6}
    assert values("near") == pytest.approx(expected, abs=1e-4)


def test_share_within_counts_overlapping_buffers_once(world, tmp_path):
    # two points 0 m apart and a third far away: the union counts the first circle once
    features = [PATHS[1], PATHS[1] | {"properties": {"name": "twin"}}]
    layer = load_layer(tmp_path, "twins", features).layer
    define("twins", layer, "share_within", distance=100)
    n = 4 * spatial.QUAD_SEGS
    kiosk = 0.5 * n * 100**2 * math.sin(2 * math.pi / n)
    assert values("twins") == pytest.approx(
        {"Q1": 0.0, "Q2": 100 * kiosk / 1e6, "C": 100 * kiosk / 2e6}, abs=1e-4
    )


def test_recomputing_replaces_the_values(world, tmp_path):
    layer = load_layer(tmp_path, "gruen", GREEN).layer
    spatial_indicator = define("share", layer, "area_share")
    assert spatial.compute(spatial_indicator) == 3
    assert IndicatorValue.objects.filter(indicator__key="share").count() == 3
