"""The city pages (planning.cities): /staedte/ and /staedte/<ags>/… per city; the short addresses /,
/quartiere/<slug>/ and /bericht/ stay the home city's (canonical: the long address) whatever other
cities exist; the slug collision (two cities with a "Mitte"); the city switcher in the header; names
with template and HTML syntax shown as text. Data: tests/planning/cities_story.py."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from measures.services import measure_create
from participation.models import Consultation
from quartiere.models import Area, Level
from tests.fixtures import kept_for_the_module, page_config, square
from tests.planning.cities_story import (
    ASPERG,
    KORNWESTHEIM,
    LUDWIGSBURG,
    STUTTGART,
    SYNTAX,
    build,
    more_cities,
)

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
STORY: dict[str, Area] = {}


@pytest.fixture(scope="module", autouse=True)
def story(django_db_setup, django_db_blocker):
    def make():
        STORY.clear()
        STORY.update(build())
        kw = STORY[KORNWESTHEIM]
        measure_create(
            city=kw, title="Radweg Kornwestheim", geom=square(100, 2100, 200, 2200), published=True
        )
        Consultation.objects.create(
            city=kw,
            area=kw,
            title="Zukunft Kornwestheim",
            slug="zukunft-kornwestheim",
            opens_at="2026-01-01T00:00Z",
            closes_at="2030-01-01T00:00Z",
        )

    with kept_for_the_module(django_db_blocker, make):
        yield


def get(client, url: str, status: int = 200) -> str:
    response = client.get(url, **EN)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def canonical(page: str) -> str | None:
    found = re.search(r'<link rel="canonical" href="([^"]+)">', page)
    return found.group(1) if found else None


def h1(page: str) -> str:
    return re.search(r"<h1>(.*?)</h1>", page, re.S).group(1).strip()


def slug_of(ags: str, name: str) -> str:
    return Area.objects.get(level=Level.QUARTIER, parent__code=ags, name=name).slug


# --- /staedte/ --------------------------------------------------------------------------------------


def test_the_list_shows_every_city_by_county_with_what_it_has(client):
    page = get(client, "/staedte/")
    assert "4 cities" in page
    assert re.search(r'<h2 id="county-08118">Landkreis Ludwigsburg', page)
    assert re.search(r'<h2 id="county-08111">Stuttgart', page)
    assert f'<a href="/staedte/{KORNWESTHEIM}/">Kornwestheim</a>' in page
    kw = page[page.index(f'href="/staedte/{KORNWESTHEIM}/"') :].split("</li>")[0]
    assert "2 Quartiere" in kw and "1 measure" in kw and "1 consultation" in kw
    stuttgart = page[page.index(f'href="/staedte/{STUTTGART}/"') :].split("</li>")[0]
    assert "Quartier" not in stuttgart


def test_the_list_searches_by_name_and_by_county_without_script(client):
    page = get(client, "/staedte/?q=korn")
    assert "1 city" in page and "Kornwestheim" in page and "Ludwigsburg</a>" not in page
    page = get(client, "/staedte/?q=K%C3%B6rnwestheim")  # umlauts fold: ö → oe… no such city
    assert "0 cities" in page and "No city matches this search." in page
    page = get(client, "/staedte/?kreis=08111")
    assert "1 city" in page and f'href="/staedte/{STUTTGART}/"' in page
    page = get(client, f"/staedte/?q={ASPERG}")
    assert "1 city" in page


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("ags=123", "ags"), ("ags=0811804x", "ags"), ("kreis=8", "kreis"), ("q=" + "x" * 101, "q")],
)
def test_a_bad_parameter_is_a_400_page_naming_it(client, query, parameter):
    page = get(client, f"/staedte/?{query}", status=400)
    assert f'data-parameter="{parameter}"' in page


def test_the_switchers_form_goes_to_the_city_or_the_region(client):
    response = client.get(f"/staedte/?ags={KORNWESTHEIM}")
    assert response.status_code == 302 and response["Location"] == f"/staedte/{KORNWESTHEIM}/"
    response = client.get("/staedte/?ags=region")
    assert response.status_code == 302 and response["Location"] == "/region/"
    assert client.get("/staedte/?ags=08118999").status_code == 404
    assert client.get("/staedte/?ags=").status_code == 200  # "all cities": the list


# --- /staedte/<ags>/ --------------------------------------------------------------------------------


def test_a_city_page_shows_its_profile_quartiere_measures_consultations_and_priorities(client):
    page = get(client, f"/staedte/{KORNWESTHEIM}/")
    assert h1(page) == "Kornwestheim" and canonical(page) == f"/staedte/{KORNWESTHEIM}/"
    assert f'<a href="/staedte/{KORNWESTHEIM}/quartiere/mitte/">Mitte</a>' in page
    assert "34,177" in page and "2.00" in page  # inhabitants; km² from the geometry (2 km²)
    assert '<a href="/staedte/08118046/beteiligung/">1</a>' in page
    assert "Zukunft Kornwestheim" in page and 'href="/beteiligung/zukunft-kornwestheim/"' in page
    assert f'href="/staedte/{KORNWESTHEIM}/bericht/"' in page
    assert 'class="priority-top"' in page
    config = page_config(page, "map-config")
    assert config["areasUrl"].endswith(f"parent={STORY[KORNWESTHEIM].pk}")
    assert config["view"]["bounds"][0][0] > 48.7  # the city's own extent, latitude first


def test_a_city_without_quartiere_has_a_sensible_page(client):
    page = get(client, f"/staedte/{STUTTGART}/")
    assert h1(page) == "Stuttgart"
    assert "This city has no Quartiere yet" in page and "This city has no consultation yet." in page
    assert "quartier-links" not in page and 'class="priority-top"' not in page
    config = page_config(page, "map-config")
    assert config["areasUrl"] == f"/api/areas/{STORY[STUTTGART].pk}/"  # its own outline
    assert client.get(config["areasUrl"]).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/staedte/08118999/",
        "/staedte/123/",
        "/staedte/abcdefgh/",
        "/staedte/081180481/",
        f"/staedte/{STUTTGART}/quartiere/mitte/",
        f"/staedte/{LUDWIGSBURG}/quartiere/osterholz/",
        "/staedte/08118999/bericht/",
        f"/staedte/{LUDWIGSBURG}/bericht/daten.exe",
        "/staedte/08118999/beteiligung/",
    ],
)
def test_unknown_cities_and_quartiere_are_404_pages(client, url):
    assert client.get(url).status_code == 404


# --- the slug collision and the short addresses ------------------------------------------------------


def test_each_city_has_its_own_mitte(client):
    lb = get(client, f"/staedte/{LUDWIGSBURG}/quartiere/mitte/")
    kw = get(client, f"/staedte/{KORNWESTHEIM}/quartiere/mitte/")
    assert "Quartier profile in Ludwigsburg" in lb and "Quartier profile in Kornwestheim" in kw
    assert canonical(lb) == f"/staedte/{LUDWIGSBURG}/quartiere/mitte/"
    assert canonical(kw) == f"/staedte/{KORNWESTHEIM}/quartiere/mitte/"
    assert f'data-map="/staedte/{KORNWESTHEIM}/quartiere/mitte/karte.json"' in kw
    assert f'src="/staedte/{KORNWESTHEIM}/quartiere/mitte/karte.js"' in kw
    assert "50,000" in lb and "20,000" in kw  # each one's inhabitants
    data = client.get(f"/staedte/{KORNWESTHEIM}/quartiere/mitte/karte.json").json()
    assert "Radweg Kornwestheim" in json.dumps(data)
    data = client.get(f"/staedte/{LUDWIGSBURG}/quartiere/mitte/karte.json").json()
    assert "Radweg Kornwestheim" not in json.dumps(data)
    assert client.get(f"/staedte/{KORNWESTHEIM}/quartiere/mitte/karte.js").status_code == 200


def test_the_short_addresses_serve_the_home_city_with_a_canonical_link(client):
    page = get(client, "/")
    assert h1(page) == "Ludwigsburg" and canonical(page) == f"/staedte/{LUDWIGSBURG}/"
    page = get(client, "/quartiere/mitte/")
    assert "Quartier profile in Ludwigsburg" in page
    assert canonical(page) == f"/staedte/{LUDWIGSBURG}/quartiere/mitte/"
    assert 'src="/quartiere/mitte/karte.js"' in page  # its map from the same short address
    page = get(client, "/bericht/")
    assert "City report Ludwigsburg" in page and canonical(page) == f"/staedte/{LUDWIGSBURG}/bericht/"
    assert f'href="/staedte/{LUDWIGSBURG}/quartiere/mitte/"' in page
    # ?stadt= (the short addresses' old way to another city) still works
    assert "Quartier profile in Kornwestheim" in get(client, "/quartiere/mitte/?stadt=kornwestheim")


def test_a_short_address_of_a_quartier_only_another_city_has_moves_there_for_good(client):
    slug = slug_of(KORNWESTHEIM, f"Osterholz {SYNTAX}")
    response = client.get(f"/quartiere/{slug}/")
    assert response.status_code == 301
    assert response["Location"] == f"/staedte/{KORNWESTHEIM}/quartiere/{slug}/"
    assert client.get(response["Location"]).status_code == 200


def test_the_home_city_comes_from_the_setting(client, settings):
    settings.HOME_CITY = KORNWESTHEIM
    assert "Quartier profile in Kornwestheim" in get(client, "/quartiere/mitte/")
    assert h1(get(client, "/")) == "Kornwestheim"
    response = client.get("/quartiere/nord/")  # Ludwigsburg's only
    assert response.status_code == 301 and response["Location"] == f"/staedte/{LUDWIGSBURG}/quartiere/nord/"


# --- the report and the consultations per city ------------------------------------------------------


def test_each_city_has_its_report_with_maps_and_downloads(client):
    page = get(client, f"/staedte/{KORNWESTHEIM}/bericht/")
    assert "City report Kornwestheim" in page
    assert canonical(page) == f"/staedte/{KORNWESTHEIM}/bericht/"
    assert f'href="/staedte/{KORNWESTHEIM}/quartiere/mitte/"' in page
    assert f'href="/staedte/{LUDWIGSBURG}/quartiere/' not in page
    assert f'href="/staedte/{KORNWESTHEIM}/bericht/daten.csv"' in page
    assert 'name="stadt"' not in page  # the weighting form stays on this address
    maps = client.get(f"/staedte/{KORNWESTHEIM}/bericht/karten.json").json()
    names = {f["properties"]["name"] for f in maps["collections"]["quartiere"]["features"]}
    assert names == {"Mitte", f"Osterholz {SYNTAX}"}
    assert client.get(f"/staedte/{KORNWESTHEIM}/bericht/karten.js").status_code == 200
    csv = client.get(f"/staedte/{KORNWESTHEIM}/bericht/daten.csv")
    assert csv.status_code == 200 and "bericht-kornwestheim.csv" in csv["Content-Disposition"]
    geojson = client.get(f"/staedte/{KORNWESTHEIM}/bericht/daten.geojson").json()
    assert {f["properties"]["name"] for f in geojson["features"]} == names


def test_each_city_lists_its_consultations(client):
    page = get(client, f"/staedte/{KORNWESTHEIM}/beteiligung/")
    assert "Consultations in Kornwestheim" in page and "Zukunft Kornwestheim" in page
    page = get(client, f"/staedte/{LUDWIGSBURG}/beteiligung/")
    assert "Zukunft Kornwestheim" not in page and "This city has no consultation yet." in page


# --- the switcher, text as data ----------------------------------------------------------------------


def test_the_switcher_lists_the_region_and_the_cities_by_county_and_shows_the_current_one(client):
    page = get(client, f"/staedte/{KORNWESTHEIM}/quartiere/mitte/")
    form = re.search(r'<form class="city-switch".*?</form>', page, re.S).group(0)
    assert 'action="/staedte/"' in form and 'method="get"' in form
    assert '<label for="city-switch">' in form and '<select id="city-switch" name="ags">' in form
    assert '<option value="region">Region: Region</option>' in form
    groups = re.findall(r'<optgroup label="([^"]+)">', form)
    assert groups == ["Landkreis Ludwigsburg", "Stuttgart"]
    assert f'<option value="{KORNWESTHEIM}" selected>Kornwestheim</option>' in form
    assert form.count(" selected") == 1
    assert '<option value="" selected>' in re.search(
        r'<form class="city-switch".*?</form>', get(client, "/staedte/"), re.S
    ).group(0)


def test_names_with_template_and_html_syntax_show_as_text(client):
    escaped = "{{ 6*7 }} &lt;script&gt;alert(1)&lt;/script&gt;"
    slug = slug_of(KORNWESTHEIM, f"Osterholz {SYNTAX}")
    for url in (
        "/staedte/",
        f"/staedte/{ASPERG}/",
        f"/staedte/{KORNWESTHEIM}/",
        f"/staedte/{KORNWESTHEIM}/quartiere/{slug}/",
        f"/staedte/{KORNWESTHEIM}/bericht/",
    ):
        page = get(client, url)
        assert escaped in page, url
        assert "<script>alert(1)" not in page and "42 &lt;" not in page, url


# --- more cities change nothing of the short addresses -------------------------------------------------


def test_the_short_addresses_stay_the_same_when_178_more_cities_arrive(client):
    urls = ["/", "/quartiere/mitte/", "/quartiere/nord/", "/bericht/", f"/staedte/{LUDWIGSBURG}/"]

    def seen():
        pages = {url: get(client, url) for url in urls}
        return {url: (h1(page), canonical(page)) for url, page in pages.items()}

    def statements(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            get(client, url)
        return len(queries)

    before = seen()
    counted = {url: statements(url) for url in urls}
    more_cities(178)
    assert Area.objects.filter(level=Level.CITY).count() == 182
    assert seen() == before
    assert {url: statements(url) for url in urls} == counted  # as many statements with 182 cities
    page = get(client, "/staedte/")
    assert "182 cities" in page
    assert (
        len(
            re.findall(
                r"<option value=\"08", re.search(r'<select id="city-switch".*?</select>', page, re.S).group(0)
            )
        )
        == 182
    )
