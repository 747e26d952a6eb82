"""``geo.layers.Style`` → Mapnik: classes by value and by ``upto``, a catch-all rule, the fallback for
values no rule names; every registered style loads in Mapnik; the start-up check."""

import pytest

from geo import layers as registry
from geo.layers import Layer, Rule, Style
from geo.mapnik_env import check_mapnik, mapnik
from geo.wms.styles import classes, darker, geometry_style_names, style_xml


def layer_with(style: Style, geometry_type="MultiPolygon", attributes=None) -> Layer:
    return Layer(
        id="test_layer",
        title={"de": "Test", "en": "Test"},
        abstract={"de": "", "en": ""},
        geometry_type=geometry_type,
        source="SELECT 1 AS id, NULL::geometry AS geom",
        attributes=attributes or {"score": "number", "kind": "string"},
        queryable=(),
        styles=(style,),
    )


def label(text: str) -> dict[str, str]:
    return {"de": text, "en": text}


def test_upto_rules_make_numeric_classes_between_neighbouring_bounds():
    style = Style(
        name="classes",
        title=label("Klassen"),
        rules=(
            Rule(label("low"), "#eeeeee", attribute="score", upto=0.3),
            Rule(label("mid"), "#999999", attribute="score", upto=0.6),
            Rule(label("high"), "#333333", attribute="score", upto=1.0),
        ),
    )

    found = classes(layer_with(style), style)

    assert [c.filter for c in found[:3]] == [
        "[score] < 0.3",
        "([score] >= 0.3 and [score] < 0.6)",
        "([score] >= 0.6 and [score] < 1.0)",
    ]
    # values outside every class are still drawn, in the style's own colour
    assert found[3].rule is None and found[3].filter.startswith("not (")


def test_a_rule_without_condition_catches_what_no_other_rule_matched():
    style = Style(
        name="kinds",
        title=label("Arten"),
        rules=(
            Rule(label("a"), "#ff0000", attribute="kind", value="a'b"),
            Rule(label("rest"), "#00ff00"),
        ),
    )

    found = classes(layer_with(style), style)

    assert found[0].filter == "[kind] = 'a\\'b'"
    assert found[1].filter == "not (([kind] = 'a\\'b'))" and found[1].colour == "#00ff00"
    assert len(found) == 2


def test_a_style_without_rules_is_one_class():
    style = Style(name="plain", title=label("Einfach"), fill="#123456")

    assert [(c.filter, c.colour) for c in classes(layer_with(style), style)] == [(None, "#123456")]


def test_mixed_geometry_layers_get_a_style_per_geometry_kind():
    style = registry.get("measures").default_style

    names = geometry_style_names(registry.get("measures"), style)

    assert names == [
        "measures:by_status:polygon",
        "measures:by_status:linestring",
        "measures:by_status:point",
    ]


@pytest.mark.parametrize("layer", registry.all_layers(), ids=lambda layer: layer.id)
def test_every_registered_style_loads_in_mapnik(layer):
    module = mapnik()
    for style in layer.styles:
        holder = module.Map(1, 1)
        module.load_map_from_string(holder, f"<Map>{style_xml(layer, style)}</Map>")
        for name in geometry_style_names(layer, style):
            assert holder.find_style(name) is not None


def test_darker():
    assert darker("#ffffff", 0.5) == "#808080"
    assert darker("#1f5f8b", 1.0) == "#1f5f8b"


def test_the_start_up_check_finds_mapnik_and_its_postgis_plugin():
    assert check_mapnik() == []
    assert "postgis" in mapnik().DatasourceCache.plugin_names()
