"""The tipg benchmark's check that both servers answer with the same features; tipg itself is not needed
(it lives in its own venv, ``.bench-venv/tipg``, made only when the benchmark runs)."""

import mapbox_vector_tile
import pytest

from bench.tipg import Counts, tile_features, tipg_items, tipg_tile


def square(x0: float, y0: float, size: float = 100) -> str:
    return f"POLYGON(({x0} {y0}, {x0 + size} {y0}, {x0 + size} {y0 + size}, {x0} {y0 + size}, {x0} {y0}))"


def test_a_tile_s_features_are_split_into_those_reaching_into_it_and_those_only_in_its_buffer():
    features = [
        {"geometry": square(10, 10), "properties": {"id": 1}, "id": 1},
        {"geometry": square(4000, 4000), "properties": {"id": 2}, "id": 2},  # reaches over the edge
        {"geometry": square(-60, 100, 50), "properties": {"id": 3}, "id": 3},  # only in the buffer
    ]
    mvt = mapbox_vector_tile.encode([{"name": "default", "features": features}])

    assert tile_features(mvt, by_property=True) == ({1, 2}, {3})
    assert tile_features(mvt, by_property=False) == ({1, 2}, {3})


def test_the_counts_allow_a_few_features_at_the_edges_and_fail_on_more():
    counts = Counts()
    counts.add("box", set(range(100)), set(range(103)))
    counts.add("box", set(range(10)), set(range(1, 11)))

    assert str(counts) == "10–100 features (tipg 10–103: 0–1 fewer, 1–3 more)"
    with pytest.raises(AssertionError, match="12 features from us, 9 from tipg"):
        counts.add("box", set(range(12)), set(range(9)))
    with pytest.raises(AssertionError, match="0 features from us"):
        counts.add("box", set(), set())


def test_tipg_is_asked_for_our_rows_and_attributes():
    assert tipg_items("9.1,48.8,9.2,48.9") == (
        "/collections/public.quartiere_area/items?bbox=9.1,48.8,9.2,48.9&limit=1000&level=3"
        "&properties=id,code,name,slug,parent_id,population"
    )
    assert tipg_tile((14, 8605, 5618)).startswith(
        "/collections/public.quartiere_area/tiles/WebMercatorQuad/14/8605/5618?level=3&properties="
    )
    # the boundary in EPSG:25832 by default, named: the table has a second geometry column (geom_web)
    assert tipg_tile((14, 8605, 5618)).endswith("&geom-column=geom")
    assert tipg_tile((14, 8605, 5618), "geom_web").endswith("&geom-column=geom_web")
