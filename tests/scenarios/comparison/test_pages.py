"""The comparison page and its map data: who sees what (planners of the city; board members only
shared scenarios; anyone else a 404), ``?mit=`` checked (400 naming it, 404 for a scenario one may not
read), numbers written for German and English readers, the print view, text kept as text."""

import pytest
from django.test import Client

from geo.permissions import PLANNERS, STRATEGY_BOARD
from scenarios.models import Scenario
from staff.models import Membership
from tests.fixtures import body, user_in

pytestmark = pytest.mark.django_db


def url(scenario, suffix: str = "") -> str:
    return f"/planung/szenarien/{scenario.pk}/vergleich/{suffix}"


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def planner_client(known) -> Client:
    user = user_in("planer", PLANNERS)
    Membership.objects.create(user=user, city=known["city"])
    return client_of(user)


def test_a_planner_of_the_city_reads_the_comparison_in_german_and_english(known, planner_client):
    response = planner_client.get(url(known["S"]) + f"?mit={known['T'].pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vergleich: Szenario S" in html
    assert "420.000\u00a0€" in html  # S over all years
    assert "▲\u00a0+120.000\u00a0€" in html and "▼\u00a0\u2212180.000\u00a0€" in html  # total; own funds
    assert "schließt sich" in html and "entsteht" in html
    assert 'comparison-print.css" media="print"' in html and 'class="comparison print-view"' not in html
    english = planner_client.get(url(known["S"]), HTTP_ACCEPT_LANGUAGE="en")
    html = english.content.decode()
    assert "Comparison: Szenario S" in html
    assert "€420,000" in html and "▲\u00a0+€120,000" in html


def test_the_print_view(known, planner_client):
    html = planner_client.get(url(known["S"]) + "?druck=1").content.decode()
    assert 'class="comparison print-view"' in html
    assert 'comparison-print.css" media="all"' in html


def test_board_members_read_shared_scenarios_only(known):
    board = user_in("beirat", STRATEGY_BOARD)
    Membership.objects.create(user=board, city=known["city"])
    client = client_of(board)
    assert client.get(url(known["S"])).status_code == 200  # shared
    assert client.get(url(known["T"])).status_code == 404  # a draft
    assert client.get(url(known["S"]) + f"?mit={known['T'].pk}").status_code == 404
    assert client.get(url(known["S"], "karte.json")).status_code == 200
    assert client.get(url(known["T"], "karte.json")).status_code == 404
    assert client.get(f"/planung/szenarien/{known['T'].pk}/vergleich.csv").status_code == 404


def test_others_see_nothing(known):
    elsewhere = user_in("anderswo", PLANNERS)
    Membership.objects.create(user=elsewhere, city=known["D"])
    assert client_of(elsewhere).get(url(known["S"])).status_code == 404
    assert client_of(elsewhere).get(url(known["S"], "karte.json")).status_code == 404
    assert client_of(user_in("buerger")).get(url(known["S"])).status_code == 404
    anonymous = Client().get(url(known["S"]))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/planung/anmelden/")
    assert Client().get(f"/planung/szenarien/{known['S'].pk}/vergleich.xlsx").status_code == 302


@pytest.mark.parametrize(
    "mit",
    ["abc", "1;2", "1,,x", "12345678901234567890", "1,2,3,4,5", "-1"],
)
def test_a_malformed_list_of_scenarios_is_a_400_naming_mit(known, planner_client, mit):
    response = planner_client.get(url(known["S"]), {"mit": mit})
    assert response.status_code == 400
    assert 'data-parameter="mit"' in response.content.decode()


def test_the_list_of_scenarios_is_checked(known, planner_client):
    s, t = known["S"], known["T"]
    for mit in (f"{s.pk}", f"{t.pk},{t.pk}"):
        assert planner_client.get(url(s), {"mit": mit}).status_code == 400
    assert planner_client.get(url(s), {"mit": "999999"}).status_code == 404
    # a planner of every city reads the other city's scenario, but it cannot join this comparison
    everywhere = client_of(user_in("ueberall", PLANNERS))
    response = everywhere.get(url(s), {"mit": str(known["elsewhere"].pk)})
    assert response.status_code == 400 and 'data-parameter="mit"' in response.content.decode()
    # the selector's checkboxes repeat the parameter: that works too
    assert planner_client.get(url(s) + f"?mit={t.pk}&mit={known['empty'].pk}").status_code == 200


def test_text_from_people_stays_text(known, planner_client):
    Scenario.objects.filter(pk=known["S"].pk).update(name="<script>alert(1)</script>{{ 6*7 }}")
    known["P1"].title = '<img src=x onerror="alert(1)">'
    known["P1"].save()
    html = planner_client.get(url(known["S"])).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;{{ 6*7 }}" in html
    assert "<img src=x" not in html
    data = body(planner_client.get(url(known["S"], "karte.json")))
    titles = [f["properties"]["title"] for f in data["collections"]["new"]["features"]]
    assert titles == ['<img src=x onerror="alert(1)">']  # data: maps.js sets it with textContent


def test_the_map_data_is_geojson_in_4326(known, planner_client):
    data = body(planner_client.get(url(known["S"], "karte.json")))
    collections = data["collections"]
    assert len(collections["quartiere"]["features"]) == 3
    assert [f["properties"]["title"] for f in collections["dropped"]["features"]] == ["M3"]
    assert collections["postponed"]["features"] == []  # M4 is city-wide: no geometry to draw
    assert sorted(f["properties"]["title"] for f in collections["budget"]["features"]) == ["M1", "M2"]
    lon, lat = collections["dropped"]["features"][0]["geometry"]["coordinates"]
    assert 8.9 < lon < 9.1 and 48.7 < lat < 48.8  # (X0 + 2500, Y0 + 500) in EPSG:25832
    layers = data["maps"]["map_scenario_changes"]["layers"]
    assert [layer["data"] for layer in layers] == ["quartiere", "new", "dropped", "postponed", "budget"]
    script = planner_client.get(url(known["S"], "karte.js"))
    assert script.status_code == 200 and "map_scenario_changes" in script.content.decode()
