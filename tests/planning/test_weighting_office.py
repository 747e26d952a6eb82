"""The weightings' back office (/planung/gewichtungen/) and the demo's weightings."""

import pytest

from geo.permissions import PLANNERS
from indicators.models import Indicator
from planning.demo import load_weightings
from planning.models import Weighting
from staff.models import Membership
from tests.fixtures import user_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(client, grid):
    Indicator.objects.create(
        key="sgb2_quote",
        name_de="SGB-II-Quote",
        name_en="SGB II rate",
        unit="%",
        dimension="just",
        direction="more_need",
    )
    planner = user_in("planner", PLANNERS)
    client.force_login(planner)
    return {"client": client, "city": grid["C"], "planner": planner, **grid}


def test_a_planner_copies_edits_and_makes_a_weighting_default(office):
    client, city = office["client"], office["city"]
    page = client.get("/planung/gewichtungen/")
    assert page.status_code == 200
    default = Weighting.objects.get(city=city, is_default=True)  # the settings' weights, saved
    assert default.w_demand == 0.5 and "Standard" in page.content.decode()
    response = client.post("/planung/gewichtungen/neu/", {"name": "Sozial", "copy_from": default.pk})
    copy = Weighting.objects.get(city=city, name="Sozial")
    assert response.status_code == 302 and response["Location"] == f"/planung/gewichtungen/{copy.pk}/"
    form = client.get(f"/planung/gewichtungen/{copy.pk}/").content.decode()
    assert "SGB-II-Quote" in form and 'name="ind_sgb2_quote"' in form
    values = {
        "name": "Sozial",
        "description": "",
        "w_indicators": "2",
        "w_demand": "0.5",
        "w_supply": "0.3",
        "w_coverage": "0.2",
        "cat_problem": "1",
        "cat_idea": "0.75",
        "cat_question": "0.5",
        "cat_praise": "0.25",
        "ind_sgb2_quote": "3",
    }
    bad = client.post(f"/planung/gewichtungen/{copy.pk}/", {**values, "w_demand": "-1"})
    assert bad.status_code == 400 and 'id="id_w_demand-error"' in bad.content.decode()
    none = client.post(
        f"/planung/gewichtungen/{copy.pk}/",
        {**values, "w_demand": "0", "w_supply": "0", "w_coverage": "0", "ind_sgb2_quote": ""},
    )
    assert none.status_code == 400 and "braucht ein Gewicht über 0" in none.content.decode()
    assert client.post(f"/planung/gewichtungen/{copy.pk}/", values).status_code == 302
    copy.refresh_from_db()
    assert copy.w_indicators == 2 and list(copy.indicator_weights.values_list("weight", flat=True)) == [3]
    assert client.post(f"/planung/gewichtungen/{copy.pk}/standard/").status_code == 302
    assert Weighting.objects.get(city=city, is_default=True) == copy
    # the default cannot be deleted
    assert client.post(f"/planung/gewichtungen/{copy.pk}/loeschen/").status_code == 409
    report = client.get(f"/bericht/?stadt={city.pk}&gewichtung=sozial").content.decode()
    assert 'value="sozial" selected' in report


def test_a_planner_of_another_city_cannot_open_it(office, client):
    weighting = Weighting.objects.create(city=office["city"], name="X", slug="x", is_default=True)
    elsewhere = user_in("elsewhere", PLANNERS)
    Membership.objects.create(user=elsewhere, city=office["R"])
    client.force_login(elsewhere)
    assert client.get(f"/planung/gewichtungen/{weighting.pk}/").status_code == 403
    assert client.post(f"/planung/gewichtungen/{weighting.pk}/", {"name": "Y"}).status_code == 403
    client.force_login(user_in("citizen"))
    assert client.get("/planung/gewichtungen/").status_code == 403


def test_the_demo_weightings_skip_unknown_indicators(office):
    load_weightings(office["city"])
    load_weightings(office["city"])  # idempotent
    default = Weighting.objects.get(city=office["city"], is_default=True)
    assert list(default.indicator_weights.values_list("indicator__key", flat=True)) == ["sgb2_quote"]
    assert Weighting.objects.filter(city=office["city"]).count() == 2
    assert Weighting.objects.get(city=office["city"], name="Schwerpunkt Grün").w_indicators == 2
