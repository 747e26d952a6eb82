"""The priority index's colour classes have one source, ``planning.layers.SCORE_CLASSES``: the
``priorities`` WMS style, the report's maps and its legend, and the workspace's priority layer all
take them from there; no stylesheet or script repeats them."""

import re
from pathlib import Path

from django.conf import settings

from geo.layers import get as get_layer
from planning.layers import NO_SCORE_COLOUR, SCORE_CLASSES, score_colour
from tests.fixtures import page_config

STATIC = Path(settings.BASE_DIR) / "static" / "planning"
COLOURS = [colour for _upto, _de, _en, colour in SCORE_CLASSES]


def test_the_wms_style_classes_scores_with_them():
    (style,) = get_layer("priorities").styles

    assert [(rule.upto, rule.colour) for rule in style.rules] == [
        (upto, c) for upto, _d, _e, c in SCORE_CLASSES
    ]


def test_a_score_takes_the_colour_of_its_class():
    assert [score_colour(s) for s in (0.0, 0.19, 0.2, 0.5, 0.79, 0.8, 1.0)] == [
        COLOURS[0],
        COLOURS[0],
        COLOURS[1],
        COLOURS[2],
        COLOURS[3],
        COLOURS[4],
        COLOURS[4],
    ]
    assert score_colour(None) == NO_SCORE_COLOUR


def test_the_reports_legend_shows_each_class_in_its_colour_and_range(client, known):
    html = client.get(f"/bericht/?stadt={known['city'].pk}").content.decode()

    legend = re.search(r'<p class="legend-row">(.*?)</p>', html, re.S).group(1)
    assert re.findall(r'<span class="swatch" data-colour="([^"]+)"></span>', legend) == COLOURS
    text = re.sub(r"<[^>]+>", "", legend).replace("&nbsp;", " ").replace("&lt;", "<")
    assert " ".join(text.split()) == "Wert: < 0,2 0,2–0,4 0,4–0,6 0,6–0,8 ≥ 0,8"
    assert "style=" not in legend


def test_the_workspace_gets_the_classes_as_configuration(client, grid, planner):
    client.force_login(planner)
    html = client.get("/planung/").content.decode()
    config = page_config(html, "workspace-config")

    assert config["scoreClasses"] == {
        "classes": [[upto, colour] for upto, _de, _en, colour in SCORE_CLASSES],
        "none": NO_SCORE_COLOUR,
    }


def test_no_stylesheet_or_script_of_planning_repeats_a_class_colour():
    for path in [*STATIC.glob("*.css"), *STATIC.glob("*.js")]:
        text = path.read_text().lower()
        for colour in [*COLOURS, NO_SCORE_COLOUR]:
            assert colour not in text, f"{path.name} repeats {colour}"
