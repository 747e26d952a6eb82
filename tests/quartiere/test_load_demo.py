"""``manage.py load_demo``: the region and its 179 municipalities (official boundaries) with the
illustrative Quartiere of Ludwigsburg and Kornwestheim, loaded idempotently."""

from io import StringIO

import pytest
from django.core.management import call_command

from quartiere.models import Area, Level
from tests.conftest import sql_value


def test_it_loads_region_city_and_twelve_quartiere(demo):
    region, city = demo["VRS"], demo["08118048"]
    quartiere = Area.objects.filter(level=Level.QUARTIER, parent=city)

    assert (region.level, region.parent, region.name) == (Level.REGION, None, "Verband Region Stuttgart")
    assert (city.level, city.parent, city.name, city.population) == (Level.CITY, region, "Ludwigsburg", 94859)
    assert quartiere.count() == 12
    assert Area.objects.filter(level=Level.QUARTIER).count() == 12 + 4  # and Kornwestheim's
    assert sum(quartiere.values_list("population", flat=True)) == 94859
    assert demo["08118048-10"].slug == "ossweil"


def test_it_tiles_the_city_with_its_quartiere(demo):
    city = demo["08118048"].id
    city_m2 = sql_value("SELECT ST_Area(geom) FROM quartiere_area WHERE id = %s", [city])
    sum_m2 = sql_value("SELECT sum(ST_Area(geom)) FROM quartiere_area WHERE parent_id = %s", [city])
    union_m2 = sql_value("SELECT ST_Area(ST_Union(geom)) FROM quartiere_area WHERE parent_id = %s", [city])

    # 43.34 km² as the statistics office says; VG250 is generalised to 1:250,000 (its README)
    assert city_m2 == pytest.approx(43.34e6, rel=0.01)
    assert union_m2 == pytest.approx(city_m2, rel=1e-6)  # no gaps
    assert sum_m2 == pytest.approx(union_m2, rel=1e-6)  # no overlaps


def test_it_changes_nothing_when_loaded_again(demo):
    before = dict(Area.objects.values_list("code", "updated_at"))
    out = StringIO()

    call_command("load_demo", stdout=out)

    lines = out.getvalue().splitlines()
    assert "region: created 0, updated 0, unchanged 1, repaired 0, rejected 0" in lines
    assert "cities: created 0, updated 0, unchanged 179, repaired 0, rejected 0" in lines
    assert "quartiere (ludwigsburg): created 0, updated 0, unchanged 12, repaired 0, rejected 0" in lines
    assert "quartiere (kornwestheim): created 0, updated 0, unchanged 4, repaired 0, rejected 0" in lines
    assert dict(Area.objects.values_list("code", "updated_at")) == before
