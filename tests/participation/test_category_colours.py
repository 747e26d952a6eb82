"""The contribution categories' colours have one source, ``participation.layers.CATEGORY_COLOURS``:
the WMS style draws with it, and /karte/ hands it to its script, which paints the pins and the list
with it. The stylesheet knows no category's colour."""

import re
from pathlib import Path

from django.conf import settings

from geo.layers import get as get_layer
from participation.layers import CATEGORY_COLOURS, category_colours
from participation.models import Category
from quartiere.selectors import area_extent
from tests.fixtures import page_config

KARTE_CSS = Path(settings.BASE_DIR) / "static" / "participation" / "karte.css"
KARTE_JS = Path(settings.BASE_DIR) / "static" / "js" / "karte.js"


def test_every_category_has_one_colour_and_no_two_share_one():
    assert [value for value, *_ in CATEGORY_COLOURS] == list(Category.values)
    colours = list(category_colours().values())
    assert len(set(colours)) == len(colours)
    assert all(re.fullmatch(r"#[0-9a-f]{6}", colour) for colour in colours)


def test_the_wms_style_draws_with_the_palette():
    (style,) = get_layer("contributions").styles

    assert {rule.value: rule.colour for rule in style.rules} == category_colours()


def test_the_map_page_hands_the_palette_and_the_citys_extent_to_its_script(client, consultation):
    config = page_config(client.get("/karte/").content.decode(), "karte-config")

    assert config["categoryColours"] == category_colours()
    assert config["view"] == area_extent(area_id=consultation.city_id)
    assert config["view"]["bounds"][0][0] < 48.9 < config["view"]["bounds"][1][0]  # Ludwigsburg


def test_neither_stylesheet_nor_script_of_the_map_page_knows_a_category_colour():
    for path in (KARTE_CSS, KARTE_JS):
        text = path.read_text().lower()
        for value, _de, _en, colour in CATEGORY_COLOURS:
            assert colour not in text, f"{path.name} has {value}'s colour"
        assert not re.search(r"\.pin-(idea|problem|praise|question)\b", text), path.name
