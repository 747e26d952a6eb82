"""``/karte/``, the privacy notice and the deletion page: German first, English on request, a CSP
without inline script, no CDN, the basemap from the setting."""

import json
import re

import pytest
from django.conf import settings
from django.utils.translation import override

from participation.views import rate_in_words
from tests.participation.conftest import body, create, post


def test_the_map_page_is_german_with_a_strict_csp(client, consultation):
    response = client.get("/karte/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Beteiligungskarte" in html and "Beitrag senden" in html
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    # every script is a file of this site; the only inline <script> is JSON data (json_script)
    for tag in re.findall(r"<script[^>]*>", html):
        assert 'src="/static/' in tag or 'type="application/json"' in tag, tag
    # no CDN: the only addresses outside are the basemap's and the data licence's (a link, no resource)
    assert "https://" not in html.replace(settings.BASEMAP_URL, "").replace(
        settings.DATA_ATTRIBUTION["url"], ""
    )


def test_it_speaks_english_on_request(client, consultation):
    html = client.get("/karte/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Send contribution" in html and "Participation map" in html


def test_the_consultation_period_is_dated_in_the_page_language(client, make_consultation):
    import datetime as dt

    from django.utils import timezone

    opens = timezone.make_aware(dt.datetime(2026, 10, 7, 12))
    make_consultation(opens_at=opens, closes_at=opens + dt.timedelta(days=400))
    english = client.get("/karte/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    german = client.get("/karte/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Open from 7 October 2026 to 11 November 2027." in english
    assert "7. Oktober 2026" in german and "11. November 2027" in german


def test_the_config_carries_the_basemap_setting_and_translated_strings(client, consultation, settings):
    settings.BASEMAP_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    response = client.get("/karte/")
    html = response.content.decode()
    config = json.loads(re.search(r'id="karte-config" type="application/json">(.*?)</script>', html).group(1))

    assert config["basemapUrl"] == "https://tiles.example.org/{z}/{x}/{y}.png"
    assert config["consultation"] == consultation.pk
    assert config["messages"]["awaits"] == "Eingegangen – Ihr Beitrag wartet auf Moderation."
    assert "img-src 'self' data: https://tiles.example.org" in response["Content-Security-Policy"]


def test_without_a_consultation_it_says_so(client, db):
    response = client.get("/karte/")
    assert response.status_code == 200
    assert "Zurzeit läuft kein Beteiligungsverfahren" in response.content.decode()


def test_a_consultation_can_be_chosen_by_slug(client, make_consultation):
    make_consultation(title="Erste")
    second = make_consultation(title="Zweite")
    assert "Zweite" in client.get(f"/karte/?verfahren={second.slug}").content.decode()
    assert "Zweite" in client.get(f"/karte/?verfahren={second.pk}").content.decode()


def test_the_map_page_shows_no_contribution_text_in_html(client, consultation):
    create(consultation, text="<b>published secret</b>", publish=True)
    # contributions come from the API and are put in as text by karte.js, never rendered in HTML
    assert "published secret" not in client.get("/karte/").content.decode()


def test_the_privacy_notice_says_what_is_stored(client, db):
    html = client.get("/karte/datenschutz/").content.decode()
    assert "IP-Adresse nicht" in html and "Cookie" in html and "24 Stunden" in html


def test_the_deletion_page_asks_before_deleting(client, api, consultation):
    url, code = body(post(api, consultation))["delete_url"].split("#", 1)
    page = client.get(url.split("testserver", 1)[1])
    html = page.content.decode()
    assert "Endgültig löschen" in html and 'name="code"' in html  # without script: paste the code
    assert page["X-Robots-Tag"] == "noindex"
    assert "Content-Security-Policy" in page
    for tag in re.findall(r"<script[^>]*>", html):
        assert 'src="/static/' in tag, tag
    assert code.split(".", 1)[1] not in html


def test_an_unknown_consultation_is_a_404_page(client, consultation):
    for key in ("unknown", "999999", "1" * 40, "%C3%BC"):
        response = client.get(f"/karte/?verfahren={key}")
        assert response.status_code == 404, key
        assert "Beteiligungsverfahren nicht gefunden" in response.content.decode()
    # a NUL byte is refused before any view (geo.middleware): 400 naming the parameter
    for key in ("%00", "x%00y"):
        response = client.get(f"/karte/?verfahren={key}")
        assert response.status_code == 400 and "verfahren" in response.content.decode(), key
    # no parameter, or an empty one: the current consultation, as before
    for url in ("/karte/", "/karte/?verfahren="):
        response = client.get(url)
        assert response.status_code == 200 and consultation.title in response.content.decode()


def test_the_privacy_notice_gives_the_rate_in_words(client, db, settings):
    settings.PARTICIPATION_ANON_WRITE_RATE = "5/10m"
    german = client.get("/karte/datenschutz/").content.decode()
    english = client.get("/karte/datenschutz/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "höchstens 5 Beiträge in 10 Minuten angenommen" in german
    assert "At most 5 contributions per 10 minutes are accepted" in english
    assert "5/10m" not in german + english


@pytest.mark.parametrize(
    ("rate", "german", "english"),
    [
        ("5/10m", "5 Beiträge in 10 Minuten", "5 contributions per 10 minutes"),
        ("1/min", "1 Beitrag pro Minute", "1 contribution per minute"),
        ("100/day", "100 Beiträge pro Tag", "100 contributions per day"),
        ("30/2h", "30 Beiträge in 2 Stunden", "30 contributions per 2 hours"),
        ("3/90s", "3 Beiträge in 90 Sekunden", "3 contributions per 90 seconds"),
        ("3/120s", "3 Beiträge in 2 Minuten", "3 contributions per 2 minutes"),
    ],
)
def test_a_rate_reads_as_words(rate, german, english):
    with override("de"):
        assert rate_in_words(rate) == german
    with override("en"):
        assert rate_in_words(rate) == english


def test_every_page_starts_with_a_skip_link_to_the_content(client, consultation):
    for path in ("/karte/", "/karte/datenschutz/", "/karte/loeschen/"):
        html = client.get(path).content.decode()
        body_start = html.split("<body>", 1)[1].lstrip()
        assert body_start.startswith('<a class="skip-link" href="#main">Zum Inhalt springen</a>'), path
        assert '<main id="main" tabindex="-1">' in html
    english = client.get("/karte/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<a class="skip-link" href="#main">Skip to content</a>' in english


def test_the_admin_is_exempt_from_the_csp(admin_client):
    assert "Content-Security-Policy" not in admin_client.get("/admin/participation/contribution/")


def test_the_api_sends_no_csp_on_json(client, db):
    assert "Content-Security-Policy" not in client.get("/api/contributions/")
