"""The pages: /planung/ (planners only), /quartiere/<slug>/ and /bericht/ — rendered without inline
script and without any asset from outside this origin, in a fixed number of SQL statements."""

import re

import pytest
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext

from participation.layers import NO_CATEGORY_COLOUR, category_colours
from planning.maps import STYLE, base_map, render
from quartiere.selectors import area_extent
from tests.fixtures import page_config, square, user_in
from tests.planning.conftest import measure

pytestmark = pytest.mark.django_db

SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def assert_no_inline_script_and_local_assets(html: str) -> None:
    for attributes in SCRIPT.findall(html):
        assert "src=" in attributes or 'type="application/json"' in attributes, attributes
    # assets (scripts, images, stylesheets) are local; a link to a licence is a link, not an asset
    for url in re.findall(r'(?:src="|<link\b[^>]*\bhref=")([^"]+)"', html):
        assert not url.startswith(("http:", "https:", "//")), url
    for tag in re.findall(r"<a\b([^>]*)>", html):
        url = re.search(r'\bhref="([^"]+)"', tag)
        external = url is not None and url.group(1).startswith(("http:", "https:", "//"))
        assert not external or 'rel="license"' in tag, tag


def test_the_profile_shows_the_quartier_next_to_its_city(client, known):
    response = client.get("/quartiere/alpha/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Alpha" in html and "Teststadt" in html
    assert "M2" in html  # a measure located there, with its budget
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert 'id="map_quartier"' in html and 'src="/quartiere/alpha/karte.js"' in html
    assert_no_inline_script_and_local_assets(html)


def test_the_profile_needs_the_same_statements_whatever_the_number_of_measures(client, known):
    with CaptureQueriesContext(connection) as few:
        assert client.get("/quartiere/beta/").status_code == 200
    for i in range(15):
        measure(known["city"], f"more {i}", square(1100 + i * 10, 100, 1105 + i * 10, 105), ["green"], 1000)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/quartiere/beta/")
    assert "more 14" in response.content.decode()
    assert len(many.captured_queries) == len(few.captured_queries) <= 9  # 8 + the city switcher's


def test_the_profile_map_script_sets_the_map_up_and_carries_no_data(client, known, settings):
    settings.BASEMAP_URL = "/test-tiles/{z}/{x}/{y}.png"
    response = client.get("/quartiere/alpha/karte.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    script = response.content.decode()
    assert "var map_quartier = L.map(" in script
    # the script is the same for every Quartier: nothing of the data passes through folium/branca
    assert client.get("/quartiere/beta/karte.js").content.decode() == script
    assert "Alpha" not in script and "geoJson" not in script and "test-tiles" not in script


def test_the_maps_start_at_the_citys_centre_until_their_data_fits_them(client, known):
    lat, lon = area_extent(area_id=known["city"].pk)["centre"]
    centre = f"center: [{lat}, {lon}]"

    assert centre in client.get("/quartiere/alpha/karte.js").content.decode()
    assert client.get(f"/bericht/karten.js?stadt={known['city'].pk}").content.decode().count(centre) == 4


def test_the_profile_map_fills_contributions_in_their_categorys_colour(client, known):
    doc = client.get("/quartiere/alpha/karte.json").json()

    (contributions,) = [
        layer for layer in doc["maps"]["map_quartier"]["layers"] if layer["data"] == "contributions"
    ]
    assert contributions["fillBy"] == {
        "property": "category",
        "colours": category_colours(),
        "other": NO_CATEGORY_COLOUR,
    }
    assert "fillColor" not in contributions["style"]


def test_the_profile_map_data_is_json_with_the_layers(client, known, settings):
    settings.BASEMAP_URL = "/test-tiles/{z}/{x}/{y}.png"
    response = client.get("/quartiere/alpha/karte.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    doc = response.json()
    assert doc["basemap"]["url"] == "/test-tiles/{z}/{x}/{y}.png"
    spec = doc["maps"]["map_quartier"]
    assert [layer["data"] for layer in spec["layers"]] == [
        "quartier",
        "focus_areas",
        "measures",
        "contributions",
    ]
    assert spec["layers"][0]["name"] == "Alpha" and spec["fit"] == 0
    assert doc["collections"]["quartier"]["features"][0]["properties"]["name"] == "Alpha"
    titles = {f["properties"]["title"] for f in doc["collections"]["measures"]["features"]}
    assert "M2" in titles


def test_contribution_text_reaches_the_map_data_unchanged_and_the_page_escaped(client, known):
    from tests.planning.conftest import contribute

    contribute(known["consultation"], "idea", 500, 900).area_links  # noqa: B018
    from participation.services import contribution_links
    from quartiere import linking

    linking.links_refresh(contribution_links())
    doc = client.get("/quartiere/alpha/karte.json").json()
    assert doc["collections"]["contributions"]["features"]
    assert "<img" not in client.get("/quartiere/alpha/").content.decode()


def test_an_unknown_quartier_is_a_404(client, known):
    assert client.get("/quartiere/nirgendwo/").status_code == 404
    assert client.get("/quartiere/nirgendwo/karte.js").status_code == 404
    assert client.get("/quartiere/nirgendwo/karte.json").status_code == 404


def test_the_report_lists_priorities_gaps_and_budget(client, known):
    response = client.get(f"/bericht/?stadt={known['city'].pk}")
    assert response.status_code == 200
    html = response.content.decode()
    for map_id in ("map_priority_all", "map_priority_just", "map_priority_green", "map_priority_productive"):
        assert f'id="{map_id}"' in html
    assert "Alpha" in html and "/bericht/daten.gpkg" in html
    assert_no_inline_script_and_local_assets(html)
    maps = client.get(f"/bericht/karten.js?stadt={known['city'].pk}").content.decode()
    assert maps.count("L.map(") == 4
    doc = client.get(f"/bericht/karten.json?stadt={known['city'].pk}").json()
    assert set(doc["maps"]) == {
        "map_priority_all",
        "map_priority_just",
        "map_priority_green",
        "map_priority_productive",
    }
    features = doc["collections"]["quartiere"]["features"]
    assert {f["properties"]["name"] for f in features} >= {"Alpha"}
    assert all(f["properties"]["colour_all"].startswith("#") for f in features)


def test_the_report_speaks_english_too(client, known):
    html = client.get(f"/bericht/?stadt={known['city'].pk}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "City report" in html
    html = client.get(f"/bericht/?stadt={known['city'].pk}", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Stadtbericht" in html


def test_folium_assets_are_vendored():
    rendered = render(base_map("x"))
    assert rendered.js == ["/static/vendor/leaflet/leaflet.js"]
    assert rendered.css == ["/static/vendor/leaflet/leaflet.css"]


def test_folium_refuses_to_render_a_map_with_layers():
    # whatever a child element carries would pass through branca's template engine
    import folium
    from django.core.exceptions import ImproperlyConfigured

    fmap = base_map("x")
    folium.GeoJson({"type": "FeatureCollection", "features": []}).add_to(fmap)
    with pytest.raises(ImproperlyConfigured, match="set-up only"):
        render(fmap)


def test_a_map_id_is_code_not_data():
    with pytest.raises(ValueError):
        base_map("x{{ 6*7 }}")


def test_the_workspace_needs_a_login(client, db):
    response = client.get("/planung/")
    assert response.status_code == 302 and response["Location"].startswith("/planung/anmelden/")


def test_the_workspace_is_for_planners(client, grid):
    client.force_login(user_in("someone"))
    response = client.get("/planung/")

    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="de">' in html and "<h1>Zugriff verweigert</h1>" in html
    assert "Der Arbeitsbereich ist der Gruppe der Planung vorbehalten." in html
    assert "Sie sind als <strong>someone</strong> angemeldet." in html
    assert '<form method="post" action="/planung/abmelden/">' in html
    assert 'name="next" value="/planung/anmelden/?next=/planung/"' in html
    assert "Abmelden und mit einem anderen Konto anmelden" in html
    assert '<a href="/">Zurück zur Übersicht</a>' in html
    assert_no_inline_script_and_local_assets(html)


def test_the_workspace_refusal_speaks_english(client, grid):
    client.force_login(user_in("someone"))
    response = client.get("/planung/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="en">' in html and "<h1>Access denied</h1>" in html
    assert "The workspace is for the planners&#x27; group." in html
    assert "You are signed in as <strong>someone</strong>." in html
    assert "Sign out and sign in with another account" in html
    assert "Zugriff" not in html


def test_the_refusal_names_the_user_as_text(client, grid):
    client.force_login(user_in("<b>x</b>{{ 6*7 }}"))
    html = client.get("/planung/").content.decode()
    assert "&lt;b&gt;x&lt;/b&gt;{{ 6*7 }}" in html and "<b>x</b>" not in html


def test_signing_out_from_the_refusal_leads_to_the_login_for_the_page(client, grid):
    client.force_login(user_in("someone"))
    response = client.post("/planung/abmelden/", {"next": "/planung/anmelden/?next=/planung/"})
    assert response.status_code == 302 and response["Location"] == "/planung/anmelden/?next=/planung/"
    assert "_auth_user_id" not in client.session


def test_an_unknown_page_is_a_404_page_of_the_site(client, db):
    response = client.get("/gibt-es-nicht/<script>/")

    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="de">' in html and "<h1>Seite nicht gefunden</h1>" in html
    assert "<code>/gibt-es-nicht/%3Cscript%3E/</code>" in html and "<script>" not in html
    assert '<a href="/bericht/">Stadtbericht</a>' in html
    assert_no_inline_script_and_local_assets(html)


def test_the_404_page_speaks_english(client, db):
    response = client.get("/nowhere/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="en">' in html and "<h1>Page not found</h1>" in html
    assert "There is no page at the address <code>/nowhere/</code>." in html
    assert "Seite" not in html


def test_a_planner_gets_the_workspace(client, grid, planner):
    client.force_login(planner)
    response = client.get("/planung/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "leaflet-geoman" in html and 'id="workspace-config"' in html
    assert_no_inline_script_and_local_assets(html)


def test_the_workspace_config_carries_the_citys_extent_and_the_map_colours(client, grid, planner):
    client.force_login(planner)
    html = client.get("/planung/").content.decode()
    config = page_config(html, "workspace-config")

    assert config["view"] == area_extent(area_id=grid["C"].pk)
    assert config["categoryColours"] == category_colours()
    # the workspace draws focus areas, measures and contributions as the profile's map does
    assert config["styles"] == {"focus-area": STYLE["focus_area"], "measure": STYLE["measure"]}
    assert config["contributionStyle"] == STYLE["contribution"]


def test_the_login_page_logs_a_planner_in(client, grid, planner):
    response = client.post(
        "/planung/anmelden/", {"username": "planner", "password": "pw-for-tests-only", "next": "/planung/"}
    )
    assert response.status_code == 302 and response["Location"] == "/planung/"


# --- figures in the page's language ----------------------------------------------------------

NBSP = "\u00a0"  # a number and its unit never break apart


def report_html(client, city, language: str) -> str:
    response = client.get(f"/bericht/?stadt={city.pk}", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def maintained(known):
    """2024's budget with a maintenance line paid by a grant: 2,934,567.89 EUR, 42 % of it maintenance."""
    from decimal import Decimal

    from measures.models import Measure
    from measures.services import budget_line_create

    m3 = Measure.objects.get(title="M3")
    budget_line_create(
        measure=m3, fiscal_year=2024, amount=Decimal("1234567.89"), kind="maintenance", funding="grant"
    )
    return known


def test_the_report_writes_money_shares_and_scores_the_german_way(client, maintained):
    html = report_html(client, maintained["city"], "de")
    assert f'<td class="num">2.934.568{NBSP}€</td><td class="num">42{NBSP}%</td>' in html
    assert f'<td class="num">1.234.568{NBSP}€</td>' in html  # by funding source: the grant
    assert "2934567" not in html and "0,42" not in html and "0.42" not in html
    assert re.search(r'<td class="num">\d,\d\d</td>', html)  # scores: two decimals, decimal comma
    assert not re.search(r'<td class="num">\d\.\d\d</td>', html)
    assert "&lt;&nbsp;0,2" in html and "0,6–0,8" in html  # the map legend


def test_the_report_writes_them_the_english_way(client, maintained):
    html = report_html(client, maintained["city"], "en")
    assert '<td class="num">€2,934,568</td><td class="num">42%</td>' in html
    assert '<td class="num">€1,234,568</td>' in html
    assert re.search(r'<td class="num">\d\.\d\d</td>', html)
    assert not re.search(r'<td class="num">\d,\d\d</td>', html)
    assert "&lt;&nbsp;0.2" in html and "0.6–0.8" in html


def test_the_report_names_the_index_weights_in_words_not_json(client, known):
    german = report_html(client, known["city"], "de")
    english = report_html(client, known["city"], "en")
    assert f"Gewichte: Bedarf 50{NBSP}%, Angebot 30{NBSP}%, Abdeckung 20{NBSP}%." in german
    assert "Weights: Demand 50%, Supply 30%, Coverage 20%." in english
    for html in (german, english):
        assert '{"' not in html.split('id="chart-data"')[0]  # no raw JSON before the chart's json_script
        assert "&quot;demand&quot;" not in html


def test_the_weights_are_shares_of_their_sum(client, known, settings):
    # the score divides by the sum of the weights: 1, 1, 2 weigh a quarter, a quarter, a half
    settings.PLANNING_PRIORITY_WEIGHTS = {"demand": 1, "supply": 1, "coverage": 2}
    html = report_html(client, known["city"], "en")
    assert "Weights: Demand 25%, Supply 25%, Coverage 50%." in html


def test_the_profile_writes_figures_and_response_dates_in_the_page_language(client, known):
    import datetime as dt

    from participation.models import Contribution, Response

    contribution = Contribution.objects.filter(status="published", area_links__area=known["A"]).first()
    Response.objects.create(
        contribution=contribution,
        text="Wird geprüft.",
        unit="Tiefbauamt",
        date=dt.date(2026, 10, 7),
        outcome="considered",
    )
    german = client.get("/quartiere/alpha/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    english = client.get("/quartiere/alpha/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # M2 lies half in Alpha: 100,000 EUR, 50,000 of it here
    assert (
        f'<td class="num">50{NBSP}%</td><td class="num">100.000{NBSP}€</td><td class="num">50.000{NBSP}€</td>'
        in german
    )
    assert '<td class="num">50%</td><td class="num">€100,000</td><td class="num">€50,000</td>' in english
    assert '<td class="num">1.000</td><td class="num">7.000</td>' in german  # inhabitants
    assert '<td class="num">1,000</td><td class="num">7,000</td>' in english
    assert '<time datetime="2026-10-07">7. Oktober 2026</time>' in german
    assert '<time datetime="2026-10-07">7 October 2026</time>' in english
    assert "2026-10-07<" not in german and "Oct." not in english


def test_the_figure_filters_round_to_whole_units_and_mark_what_is_missing():
    from django.utils import translation

    from planning.templatetags.figures import euros, percent

    with translation.override("de"):
        assert euros("4866000.00") == f"4.866.000{NBSP}€"
        assert euros(0.5) == f"1{NBSP}€" and euros(-1234.4) == f"-1.234{NBSP}€"
        assert percent(0.6835) == f"68{NBSP}%" and percent(1) == f"100{NBSP}%"
        assert euros(None) == "–" and percent("") == "–" and euros("n/a") == "–"
    with translation.override("en"):
        assert euros("4866000.00") == "€4,866,000" and percent(0.6835) == "68%"


def sign_in(client, username: str, **fields):
    credentials = {"username": username, "password": "pw-for-tests-only"}
    return client.post("/planung/anmelden/", {**credentials, **fields})


def test_the_login_page_follows_a_safe_next(client, db, planner):
    response = sign_in(client, "planner", next="/bericht/")
    assert response.status_code == 302 and response["Location"] == "/bericht/"


def test_the_login_page_never_follows_next_off_the_site(client, db, planner):
    response = sign_in(client, "planner", next="https://evil.example/")
    assert response.status_code == 302 and response["Location"] == "/planung/uebersicht/"


def test_without_next_a_planner_lands_on_the_start_page(client, db, planner):
    response = sign_in(client, "planner")
    assert response.status_code == 302 and response["Location"] == "/planung/uebersicht/"


def test_without_next_anyone_else_lands_on_the_overview(client, demo):
    user_in("someone")
    response = sign_in(client, "someone")

    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get(response["Location"]).status_code == 200


def test_the_login_form_sends_next_only_when_it_was_given(client, db):
    # (the language switch in the header has a "next" of its own: the page's address)
    assert '<input type="hidden" name="next"' not in client.get("/planung/anmelden/").content.decode()
    html = client.get("/planung/anmelden/?next=/planung/").content.decode()
    assert '<input type="hidden" name="next" value="/planung/">' in html


def test_login_and_logout_urls_lead_to_pages_that_exist(client, demo, settings):
    assert resolve_url(settings.LOGIN_URL) == "/planung/anmelden/"
    assert client.get(resolve_url(settings.LOGIN_URL)).status_code == 200
    assert client.get(resolve_url(settings.LOGIN_REDIRECT_URL)).status_code == 200
    assert client.get(resolve_url(settings.LOGOUT_REDIRECT_URL)).status_code == 200


def test_signing_out_leads_to_the_overview(client, db, planner):
    client.force_login(planner)
    response = client.post("/planung/abmelden/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert "_auth_user_id" not in client.session
