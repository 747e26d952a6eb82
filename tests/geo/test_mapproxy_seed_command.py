"""``manage.py mapproxy_seed``: a city's extent or a box, checked options naming what is wrong (the
seeding itself is tested against a live server in tests/clients/test_wmts_owslib.py)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from geo.wmts import seed


@pytest.fixture
def cache(settings, tmp_path):
    settings.MAPPROXY_CACHE_DIR = tmp_path / "tiles"
    settings.MAPPROXY_SOURCE_URL = "http://127.0.0.1:9"  # a dry run asks nothing


def test_a_dry_run_for_a_city_takes_its_extent_in_degrees(demo, cache):
    out = StringIO()

    call_command("mapproxy_seed", city="08118048", levels="8-9", layers="quartiere", dry_run=True, stdout=out)

    line = out.getvalue().strip().splitlines()[-1]
    assert line.startswith(
        "mapproxy_seed: 1 layer(s), grids DE_EPSG_25832_ADV, GoogleMapsCompatible, levels 8, 9"
    )
    west, south, east, north = (float(v) for v in line.rsplit("box ", 1)[1].split(", "))
    assert 9.1 < west < east < 9.35 and 48.8 < south < north < 49.0  # Ludwigsburg


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"levels": "8"}, "either --city or --bbox"),
        ({"city": "08118048", "bbox": "9,48,10,49", "levels": "8"}, "either --city or --bbox"),
        ({"city": "nowhere", "levels": "8"}, "--city: 'nowhere' names 0 cities"),
        ({"bbox": "9,48,10", "levels": "8"}, "--bbox: expected four numbers"),
        ({"bbox": "10,48,9,49", "levels": "8"}, "bbox: expected west,south,east,north"),
        ({"bbox": "9,48,10,49", "levels": "8-x"}, "levels: '8-x' is not a level"),
        (
            {"bbox": "9,48,10,49", "levels": "16", "grids": "DE_EPSG_25832_ADV"},
            "DE_EPSG_25832_ADV has levels 0–15",
        ),
        ({"bbox": "9,48,10,49", "levels": "8", "grids": "EPSG:4326"}, "grids: 'EPSG:4326' is not one of"),
        ({"bbox": "9,48,10,49", "levels": "8", "layers": "quartiere,nope"}, "layers: not cached: nope"),
        ({"bbox": "9,48,10,49", "levels": "8", "concurrency": 0}, "--concurrency"),
    ],
)
def test_bad_options_are_refused_naming_the_option(demo, cache, options, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace("+", r"\+")):
        call_command("mapproxy_seed", stdout=StringIO(), **options)


def test_levels_are_single_ranges_or_lists():
    assert seed.parse_levels("10") == (10,)
    assert seed.parse_levels("8-10,12") == (8, 9, 10, 12)
    with pytest.raises(ValueError, match="levels"):
        seed.parse_levels("10-8")
