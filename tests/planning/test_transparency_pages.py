"""The public transparency pages: /massnahmen/ (filters, sort, pages; every bad parameter a 400 page
naming it), /massnahmen/<id>/ (history from publication on, budget per year and source, places with
shares, strategy, the contributions and responses that led to it, the map's data), /strategie/ (each
goal's progress), a contribution's own page /karte/beitraege/<id>/ and the links to them from the
overview, the profile, the report and the participation map. Published data only, no email or author,
text shown as text; a fixed number of statements per page."""

import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from measures import services as measure_services
from measures.models import ActionField, Measure
from participation import moderation
from participation import services as participation_services
from tests.planning.transparency_story import (
    CONTRIBUTION_TEXT,
    DRAFT_TITLE,
    EMAIL,
    FIELD_SLUG,
    PSEUDONYM,
    RESPONSE_TEXT,
    TITLE,
    UNIT,
    Story,
    tell,
)

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def story(demo, planner) -> Story:
    return tell(planner)


def html(client, url: str, status: int = 200, **headers) -> str:
    response = client.get(url, **{**EN, **headers})
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def main(page: str) -> str:
    return page[page.index("<main") :]


def listed_ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'<h2 class="measure-title"><a href="/massnahmen/(\d+)/">', page)]


# --- /massnahmen/ ----------------------------------------------------------------------------------


def test_it_lists_published_measures_only_with_status_dimensions_quartiere_and_budget(client, story):
    page = main(html(client, "/massnahmen/?quartier=mitte"))
    assert story.measure.pk in listed_ids(page)
    assert story.draft.pk not in listed_ids(page) and DRAFT_TITLE not in page
    card = page[page.index(f'/massnahmen/{story.measure.pk}/"') :].split("</li>", 1)[0]
    assert escape(TITLE) in card and "<script>alert(1)" not in page
    assert "decided" in card and "green, just" in card and "Mitte" in card
    assert "€1,750" in card


def test_it_counts_every_published_measure_of_the_city_over_its_pages(client, story):
    published = Measure.objects.filter(published=True, city=story.city).count()
    first = main(html(client, "/massnahmen/"))
    assert f"{published} measures" in first and "page 1 of" in first
    ids = []
    for number in range(1, (published + 19) // 20 + 1):
        ids += listed_ids(main(html(client, f"/massnahmen/?page={number}")))
    assert sorted(ids) == sorted(
        Measure.objects.filter(published=True, city=story.city).values_list("pk", flat=True)
    )
    assert 'rel="next"' in first


@pytest.mark.parametrize(
    ("query", "included"),
    [
        ("status=decided", True),
        ("status=done", False),
        ("dimension=green", True),
        ("dimension=productive", False),
        ("quartier=mitte", True),
        ("quartier=poppenweiler", False),
        (f"action_field={FIELD_SLUG}", True),
        ("status=decided&dimension=just&quartier=mitte", True),
    ],
)
def test_it_filters_by_status_dimension_quartier_and_action_field(client, story, query, included):
    ids = listed_ids(main(html(client, f"/massnahmen/?{query}")))
    assert (story.measure.pk in ids) is included
    for pk in ids:
        measure = Measure.objects.get(pk=pk)
        assert measure.published
        if "status=" in query:
            assert measure.status == re.search(r"status=(\w+)", query).group(1)


def test_it_keeps_the_chosen_filters_in_the_form(client, story):
    page = html(client, "/massnahmen/?status=decided&quartier=mitte&sort=-budget")
    assert '<option value="decided" selected>' in page
    assert '<option value="mitte" selected>' in page
    assert '<option value="-budget" selected>' in page


def test_it_sorts_by_budget_and_title(client, story):
    by_budget = listed_ids(main(html(client, "/massnahmen/?sort=-budget")))
    totals = {
        m.pk: sum(line.amount for line in m.budget_lines.all())
        for m in Measure.objects.filter(pk__in=by_budget)
    }
    amounts = [totals[pk] for pk in by_budget]
    assert amounts == sorted(amounts, reverse=True) and len(by_budget) == 20
    by_title = listed_ids(main(html(client, "/massnahmen/?sort=title")))
    titles = [Measure.objects.get(pk=pk).title for pk in by_title]
    assert titles == sorted(titles)


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("status=bogus", "status"),
        ("dimension=blue", "dimension"),
        ("quartier=atlantis", "quartier"),
        ("action_field=nothing", "action_field"),
        ("sort=sideways", "sort"),
        ("page=0", "page"),
        ("page=abc", "page"),
        ("page=-1", "page"),
        ("page=999", "page"),
        ("page=99999999999999999999999", "page"),
        ("stadt=atlantis", "stadt"),
    ],
)
def test_a_bad_parameter_is_a_400_page_naming_it(client, story, query, parameter):
    page = html(client, f"/massnahmen/?{query}", status=400)
    assert f'data-parameter="{parameter}"' in page
    assert f"The parameter “{parameter}”" in page
    german = client.get(f"/massnahmen/?{query}").content.decode()
    assert f"Der Parameter „{parameter}“" in german


def test_a_nul_in_a_parameter_is_a_400_naming_it(client, story):
    # geo.middleware refuses it before the view (its page names the parameter too)
    assert "The parameter “quartier”" in html(client, "/massnahmen/?quartier=%00", status=400)


def test_the_strategy_page_answers_a_bad_city_with_a_400(client, story):
    assert 'data-parameter="stadt"' in html(client, "/strategie/?stadt=atlantis", status=400)


def test_the_list_takes_a_fixed_number_of_statements(client, story, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):  # 8 + the city switcher's list of cities
        client.get("/massnahmen/?quartier=mitte&action_field=" + FIELD_SLUG)
    with django_assert_max_num_queries(7):
        client.get("/massnahmen/?sort=-budget&page=2")


# --- /massnahmen/<id>/ ------------------------------------------------------------------------------


def test_the_measure_page_shows_status_budget_places_strategy_and_what_led_to_it(client, story):
    page = main(html(client, f"/massnahmen/{story.measure.pk}/"))
    assert f"<h1>{escape(TITLE)}</h1>" in page
    assert escape("Neue Bänke {{ 6*7 }} <em>bald</em>") in page
    assert "decided" in page and UNIT in page
    # budget per fiscal year and funding source, and the total
    year_2025 = re.search(r"<tr><th scope=\"row\">2025</th>(.*?)</tr>", page).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', year_2025) == ["€1,000", "€500", "€0", "€1,500"]
    year_2026 = re.search(r"<tr><th scope=\"row\">2026</th>(.*?)</tr>", page).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', year_2026) == ["€0", "€0", "€250", "€250"]
    assert 'id="measure-budget">€1,750<' in page
    # the places, with shares: the Quartier (linked to its profile), the city, the region
    # the Quartier's long address, in its city (/staedte/<ags>/…)
    assert (
        '<a href="/staedte/08118048/quartiere/mitte/">Mitte</a></th><td>Quartier</td>'
        '<td class="num">100%</td>' in page
    )
    assert "Ludwigsburg</th><td>City</td>" in page and "Region</td>" in page
    # the strategy: action field → goal, master plan
    field = ActionField.objects.get(slug=FIELD_SLUG)
    assert f'href="/strategie/#field-{FIELD_SLUG}">{escape(field.name)}</a>' in page
    assert f'href="/strategie/#goal-{story.goal.pk}">{escape(story.goal.title)}</a>' in page
    assert escape(str(story.plan)) in page
    # the contribution and its response, as text; no email, no author
    assert f'href="/karte/beitraege/{story.contribution.pk}/"' in page
    assert escape(CONTRIBUTION_TEXT) in page and escape(RESPONSE_TEXT) in page
    assert escape(PSEUDONYM) in page and "taken into a measure" in page
    assert EMAIL not in page and "moderator" not in page and story.planner.username not in page
    assert "<script>alert" not in page and "<b>bauen" not in page


def test_the_measure_history_starts_at_publication(client, story):
    page = main(html(client, f"/massnahmen/{story.measure.pk}/"))
    history = page[page.index('class="status-history"') :].split("</ol>", 1)[0]
    entries = re.findall(r"</time>:\s*(.*?)</li>", history, re.S)
    assert [" ".join(e.split()) for e in entries] == [
        "published with status “planned”",
        "status changed from “planned” to “decided”",
    ]
    assert DRAFT_TITLE not in page and "interner Vermerk" not in page and "idea" not in history


def test_unpublished_or_unknown_measures_are_404(client, story):
    for url in (
        f"/massnahmen/{story.draft.pk}/",
        "/massnahmen/99999999/",
        f"/massnahmen/{story.draft.pk}/karte.json",
        "/massnahmen/99999999999999999999/",
    ):
        assert client.get(url).status_code == 404, url


def test_the_map_data_is_the_measure_in_wgs84(client, story):
    response = client.get(f"/massnahmen/{story.measure.pk}/karte.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    collection = json.loads(response.content)["measure"]
    [feature] = collection["features"]
    assert feature["properties"] == {"title": TITLE, "scope": False}
    ring = feature["geometry"]["coordinates"][0][0]
    assert all(9.0 < lon < 9.4 and 48.8 < lat < 49.0 for lon, lat in ring)


def test_a_measure_with_a_declared_scope_shows_the_scope_outline(client, demo):
    scoped = Measure.objects.filter(published=True, geom__isnull=True).first()
    feature = json.loads(client.get(f"/massnahmen/{scoped.pk}/karte.json").content)["measure"]["features"][0]
    assert feature["properties"]["scope"] is True and feature["geometry"]["type"] == "MultiPolygon"


def test_the_measure_page_takes_a_fixed_number_of_statements(client, story, django_assert_max_num_queries):
    # statements: the measure, its lines, areas, goals, contributions, and its history (one per record)
    with django_assert_max_num_queries(14):
        assert client.get(f"/massnahmen/{story.measure.pk}/").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(f"/massnahmen/{story.measure.pk}/karte.json").status_code == 200


def test_the_measure_page_is_german_first(client, story):
    page = client.get(f"/massnahmen/{story.measure.pk}/").content.decode()
    assert "Statusverlauf" in page and "Haushaltsjahr" in page and "1.750\u00a0€" in page


# --- /strategie/ -------------------------------------------------------------------------------------


def test_the_strategy_shows_the_five_goals_of_the_learning_administration_with_progress(client, story):
    page = main(html(client, "/strategie/"))
    field = ActionField.objects.get(slug=FIELD_SLUG)
    section = page[page.index(f'id="field-{FIELD_SLUG}"') :].split("</section>", 1)[0]
    goals = list(field.goals.order_by("number"))
    assert len(goals) == 5
    shown = re.findall(r"<h4>(\d)\. (.*?)</h4>", section)
    assert shown == [(str(g.number), escape(g.title)) for g in goals]
    goal = section[section.index(f'id="goal-{story.goal.pk}"') :].split("</li>\n", 1)[0]
    assert f'href="/massnahmen/{story.measure.pk}/">{escape(TITLE)}</a>' in goal
    assert DRAFT_TITLE not in page
    counts = dict(re.findall(r'<span class="status-badge status-(\w+)">[^:]+: (\d+)</span>', goal))
    measures = Measure.objects.filter(published=True, strategic_goals=story.goal, city=story.city)
    assert sum(int(n) for n in counts.values()) == measures.count()
    assert counts["decided"] == str(measures.filter(status="decided").count())


def test_the_strategy_takes_a_fixed_number_of_statements(client, story, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        assert client.get("/strategie/").status_code == 200


# --- a contribution's page and the participation map ----------------------------------------------


def test_a_contributions_page_shows_the_response_and_links_its_measure(client, story):
    page = main(html(client, f"/karte/beitraege/{story.contribution.pk}/"))
    assert escape(CONTRIBUTION_TEXT) in page and escape(RESPONSE_TEXT) in page and escape(PSEUDONYM) in page
    assert UNIT in page and "taken into a measure" in page and "Mitte" in page
    assert f'<a href="/massnahmen/{story.measure.pk}/">{escape(TITLE)}</a>' in page
    assert EMAIL not in page and "<script>alert" not in page and "moderator" not in page


def test_a_pending_or_unknown_contribution_has_no_page(client, story):
    assert client.get(f"/karte/beitraege/{story.pending.pk}/").status_code == 404
    assert client.get("/karte/beitraege/99999999/").status_code == 404


def test_the_map_api_names_the_measures_a_contribution_led_to_with_titles(client, story):
    collection = json.loads(client.get("/api/contributions/?limit=1000").content)
    feature = next(f for f in collection["features"] if f["id"] == story.contribution.pk)
    assert feature["properties"]["measure_links"] == [{"id": story.measure.pk, "title": TITLE}]
    assert EMAIL not in json.dumps(collection)
    # a draft the response named stays out
    Measure.objects.filter(pk=story.measure.pk).update(published=False)
    collection = json.loads(client.get("/api/contributions/?limit=1000").content)
    feature = next(f for f in collection["features"] if f["id"] == story.contribution.pk)
    assert feature["properties"]["measure_links"] == []


def test_the_participation_map_knows_the_public_pages(client, story):
    page = client.get("/karte/").content.decode()
    config = json.loads(
        re.search(r'<script id="karte-config" type="application/json">(.*?)</script>', page).group(1)
    )
    assert config["measurePageUrl"] == "/massnahmen/0/"
    assert config["contributionPageUrl"] == "/karte/beitraege/0/"


# --- links from the other pages --------------------------------------------------------------------


def test_the_overview_links_every_quartier_to_its_profile(client, story):
    page = main(html(client, "/"))
    links = re.findall(r'<li><a href="/staedte/08118048/quartiere/([\w-]+)/">', page)
    assert len(links) == 12 and "mitte" in links


def test_the_profile_links_its_measures_and_its_feed(client, story):
    page = html(client, "/quartiere/mitte/")
    assert f'<a href="/massnahmen/{story.measure.pk}/">{escape(TITLE)}</a>' in page
    assert (
        '<link rel="alternate" type="application/atom+xml" '
        'href="/quartiere/mitte/feed.atom?stadt=ludwigsburg"' in page
    )


def test_the_pages_link_their_feeds(client, story):
    for url in ("/massnahmen/", "/strategie/", f"/massnahmen/{story.measure.pk}/", "/bericht/"):
        # the report names its city (?stadt=): it may be another city's
        assert '<link rel="alternate" type="application/atom+xml" href="/massnahmen/feed.atom' in html(
            client, url
        ), url


def test_the_navigation_leads_to_measures_and_strategy(client, story):
    page = client.get("/massnahmen/").content.decode()
    assert '<a href="/massnahmen/" aria-current="page">Maßnahmen</a>' in page
    assert '<a href="/strategie/">Strategie</a>' in page
    # the planners' measures are not the public ones
    assert (
        'href="/massnahmen/" aria-current'
        not in client.get("/planung/anmelden/?next=/planung/massnahmen/").content.decode()
    )


def statements(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_more_contributions_lines_and_measures_cost_no_more_statements(client, story):
    detail = f"/massnahmen/{story.measure.pk}/"
    before = {url: statements(client, url) for url in (detail, "/massnahmen/?quartier=mitte", "/strategie/")}
    for number in range(3):
        extra = participation_services.contribution_create(
            consultation_id=story.contribution.consultation_id,
            lon=9.1956,
            lat=48.8997,
            text=f"Noch {number}",
            category="idea",
        ).contribution
        moderation.contribution_moderate(contribution_id=extra.pk, action="publish", actor=story.moderator)
        moderation.contribution_link_measures(
            contribution_id=extra.pk, measure_ids=[story.measure.pk], actor=story.moderator
        )
        measure_services.budget_line_create(
            measure=story.measure, fiscal_year=2030 + number, amount=Decimal(10), kind="maintenance"
        )
        measure_services.measure_create(
            city=story.city,
            title=f"Neu {number}",
            geom=story.measure.geom,
            strategic_goals=[story.goal],
            published=True,
        )
    assert "Noch 2" in client.get(detail).content.decode()
    assert {url: statements(client, url) for url in before} == before
