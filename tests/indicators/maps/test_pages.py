"""The indicators on the Quartier profile (each against the city, with its time series) and the city
report (a choropleth per indicator, latest year)."""

import re

import pytest

from indicators.layers import NEED_CLASSES, NO_DATA_COLOUR
from quartiere.models import Area
from tests.fixtures import kept_for_the_module
from tests.indicators.maps.conftest import CLASSES, build_city


@pytest.fixture(scope="module")
def city_module(django_db_setup, django_db_blocker):
    with kept_for_the_module(django_db_blocker, build_city):
        yield


@pytest.fixture
def city(city_module, db) -> Area:
    return Area.objects.get(code="C")


def item(html: str, key: str) -> str:
    match = re.search(rf'<li class="indicator-item" data-indicator="{key}">(.*?)</li>', html, re.S)
    assert match, key
    return match.group(1)


def test_profile_lists_each_indicator_against_the_city_with_its_series(city, client):
    q3 = Area.objects.get(code="Q3")
    html = client.get(f"/quartiere/{q3.slug}/").content.decode()
    panel = html[html.index('id="indicators-heading"') :]
    # grouped by dimension in Charter order: just before green
    assert panel.index('data-indicator="armut"') < panel.index('data-indicator="gruen"')
    armut = item(html, "armut")
    assert "Armutsquote (%)" in armut
    assert re.search(r"2023: 36\s*– Stadt: 20", armut), armut
    assert "geschätzt" in armut or "estimated" in armut  # quality of the 2023 value
    assert "illustrative" in armut.lower() or "illustrativ" in armut.lower()
    assert "&lt;script&gt;" in armut and "<script>x" not in armut  # the source is escaped text
    # the time series: the sparkline and the table of values with the city's
    assert "<polyline" in armut
    rows = re.findall(
        r'<tr><th scope="row">(\d{4})</th><td class="num">([^<]+)</td><td class="num">([^<]+)</td>', armut
    )
    assert rows == [("2022", "30", "18"), ("2023", "36", "20")]
    gruen = item(html, "gruen")
    assert "<polyline" not in gruen  # one year only: no line
    assert re.search(r"2023: 25\s*– Stadt: –", gruen)


def test_profile_without_indicators_says_so(city, client):
    Area.objects.get(code="Q4").indicator_values.all().delete()
    q4 = Area.objects.get(code="Q4")
    html = client.get(f"/quartiere/{q4.slug}/").content.decode()
    assert 'data-indicator="' not in html
    assert "Noch keine Indikatoren" in html or "No indicators for this Quartier yet." in html


def test_report_draws_a_choropleth_per_indicator(city, client):
    html = client.get(f"/bericht/?stadt={city.pk}").content.decode()
    section = html[html.index('id="indicator-maps-heading"') :]
    colours = {number: colour for number, _de, _en, colour in NEED_CLASSES}
    for key, year in (("armut", 2023), ("gruen", 2023)):
        figure = re.search(
            rf'<figure class="indicator-map" data-indicator="{key}">(.*?)</figure>', section, re.S
        )
        assert figure, key
        paths = re.findall(r'<path d="[^"]+" fill="(#[0-9a-f]{6})"[^>]*><title>([^<:]+):', figure.group(1))
        names = {"Südwest": "Q1", "Südost": "Q2", "Nordost": "Q4"}
        found = {names.get(name, "Q3"): colour for colour, name in paths}
        assert found == {code: colours.get(n, NO_DATA_COLOUR) for code, n in CLASSES[(key, year)].items()}
        assert f", {year}</strong>" in figure.group(1)
    assert "illustrative" in section.lower() or "illustrativ" in section.lower()
