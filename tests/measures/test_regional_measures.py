"""Regional measures: a measure owned by the region (``Measure.city`` = the region area, VRS) is
scoped to the region or one of its cities and must lie in the region; a city's measure keeps its
rules. The demo's regional measures are linked to the municipalities they touch, with shares."""

import pytest
from django.contrib.gis.geos import LineString, Point
from django.core.exceptions import ValidationError

from measures.models import Measure
from measures.services import measure_create
from tests.geodesy import utm_from_lonlat


def utm_line(*lonlats: tuple[float, float]) -> LineString:
    return LineString([utm_from_lonlat(lon, lat) for lon, lat in lonlats], srid=25832)


def test_the_region_owns_a_measure_across_municipalities(demo, planner):
    line = utm_line((9.1880, 48.8930), (9.1810, 48.8600))  # Ludwigsburg → Kornwestheim

    measure = measure_create(city=demo["VRS"], title="Regionale Radroute", geom=line, user=planner)

    cities = dict(measure.area_links.filter(level=2).values_list("area__code", "share"))
    assert set(cities) == {"08118048", "08118046"}
    assert sum(cities.values()) == pytest.approx(1.0)


def test_a_regional_measure_is_scoped_to_its_region_or_its_cities(demo, planner):
    measure_create(city=demo["VRS"], title="Regionaler Pakt", scope=demo["VRS"], user=planner)
    measure_create(city=demo["VRS"], title="Pakt für eine Stadt", scope=demo["08118048"], user=planner)

    with pytest.raises(ValidationError) as error:
        measure_create(
            city=demo["VRS"], title="Pakt für ein Quartier", scope=demo["08118048-01"], user=planner
        )
    assert set(error.value.message_dict) == {"scope"}


def test_a_regional_measure_lies_in_its_region(demo, planner):
    outside = Point(*utm_from_lonlat(8.40, 49.01), srid=25832)  # Karlsruhe

    with pytest.raises(ValidationError) as error:
        measure_create(city=demo["VRS"], title="Außerhalb", geom=outside, user=planner)
    assert set(error.value.message_dict) == {"geom"}
    assert not Measure.objects.filter(title="Außerhalb").exists()


def test_a_quartier_cannot_own_a_measure(demo, planner):
    with pytest.raises(ValidationError) as error:
        measure_create(city=demo["08118048-01"], title="Quartier", scope=demo["08118048-01"], user=planner)
    assert "city" in error.value.message_dict


def test_a_city_measure_keeps_its_scopes(demo, planner):
    kornwestheim_mitte = demo["08118046-01"]

    measure_create(city=demo["08118046"], title="Kornwestheim weit", scope=demo["VRS"], user=planner)
    with pytest.raises(ValidationError) as error:
        # Ludwigsburg's measure scoped to a Quartier of Kornwestheim
        measure_create(
            city=demo["08118048"], title="Fremdes Quartier", scope=kornwestheim_mitte, user=planner
        )
    assert set(error.value.message_dict) == {"scope"}


def test_the_demo_links_regional_measures_to_the_municipalities_they_touch(demo):
    regional = Measure.objects.filter(city=demo["VRS"])
    touched = {
        m.title: {link.area.code: link.share for link in m.area_links.filter(level=2).select_related("area")}
        for m in regional
    }

    assert regional.count() == 4 and all(m.published for m in regional)
    assert set(touched["Radschnellverbindung Ludwigsburg–Stuttgart"]) == {"08118048", "08118046", "08111000"}
    assert set(touched["Landschaftspark Neckar"]) == {"08118048", "08118078", "08118006", "08118049"}
    assert set(touched["S-Bahn-Halte barrierefrei (S4/S5)"]) == {"08118048", "08118046", "08118049"}
    for title in ("Radschnellverbindung Ludwigsburg–Stuttgart", "Landschaftspark Neckar"):
        assert sum(touched[title].values()) == pytest.approx(1.0, abs=1e-6), title
    # two of the four stops are in Ludwigsburg
    assert touched["S-Bahn-Halte barrierefrei (S4/S5)"]["08118048"] == pytest.approx(0.5)


def test_the_demo_has_a_second_city_with_published_measures(demo):
    kornwestheim = Measure.objects.filter(city=demo["08118046"])

    assert kornwestheim.count() == 3
    assert all(m.published and m.budget_lines.exists() for m in kornwestheim)
