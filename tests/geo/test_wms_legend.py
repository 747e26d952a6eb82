"""WMS GetLegendGraphic: a PNG per layer and style, drawn with the map's own style, the size the
capabilities announce, with or without SLD_VERSION, German or English."""

import pytest

from geo import layers as registry
from tests.geo.wms_support import (
    WMS_NS,
    Picture,
    ows,
    wms_connections,  # noqa: F401
    xml,
)

pytestmark = pytest.mark.django_db

STATUS_COLOURS = [
    (0x9E, 0x9E, 0x9E),
    (0x1E, 0x88, 0xE5),
    (0x8E, 0x24, 0xAA),
    (0xFB, 0x8C, 0x00),
    (0x43, 0xA0, 0x47),
    (0xE5, 0x39, 0x35),
]


def legend(client, **params):
    response = client.get(ows(SERVICE="WMS", REQUEST="GetLegendGraphic", FORMAT="image/png", **params))
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "image/png"
    return response.content


def near(colour, rgb, tolerance=10) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour[:3], rgb, strict=True))


@pytest.mark.parametrize("layer", [layer.id for layer in registry.all_layers()])
def test_each_layer_and_style_has_a_legend_of_the_announced_size(client, layer):
    doc = xml(client.get(ows(SERVICE="WMS", REQUEST="GetCapabilities")).content)
    for style in registry.get(layer).styles:
        announced = doc.xpath(
            f"//wms:Layer[wms:Name='{layer}']/wms:Style[wms:Name='{style.name}']/wms:LegendURL",
            namespaces=WMS_NS,
        )[0]
        picture = Picture(legend(client, LAYER=layer, STYLE=style.name))
        assert (picture.width, picture.height) == (int(announced.get("width")), int(announced.get("height")))
        assert len(picture.painted((255, 255, 255, 255))) > 30


def test_sld_version_and_an_empty_style_change_nothing(client):
    plain = legend(client, LAYER="measures")

    assert legend(client, LAYER="measures", SLD_VERSION="1.1.0") == plain
    assert legend(client, LAYER="measures", STYLE="", VERSION="1.1.1") == plain
    assert legend(client, LAYER="measures", STYLE="by_status") == plain


def test_the_measures_legend_shows_every_status_colour(client):
    pixels = Picture(legend(client, LAYER="measures")).pixels()

    for colour in STATUS_COLOURS:
        assert sum(near(p, colour) for p in pixels) > 10, colour


def test_classes_of_a_choropleth_each_get_a_row(client):
    layer = registry.get("priorities")
    picture = Picture(legend(client, LAYER="priorities"))

    assert picture.height >= 20 * len(layer.default_style.rules)


def test_labels_follow_the_language(client):
    assert legend(client, LAYER="measures", LANGUAGE="en") != legend(client, LAYER="measures")
    assert legend(client, LAYER="measures", LANGUAGE="de") == legend(client, LAYER="measures")
