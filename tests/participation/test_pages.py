"""``/karte/``, the privacy notice and the deletion page: German first, English on request, a CSP
without inline script, no CDN, the basemap from the setting."""

import json
import re

from django.conf import settings

from participation.middleware import basemap_origin
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
    assert "https://" not in html.replace(settings.BASEMAP_URL, "")  # no CDN


def test_it_speaks_english_on_request(client, consultation):
    html = client.get("/karte/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Send contribution" in html and "Participation map" in html


def test_the_config_carries_the_basemap_setting_and_translated_strings(client, consultation, settings):
    settings.BASEMAP_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    response = client.get("/karte/")
    html = response.content.decode()
    config = json.loads(re.search(r'id="karte-config" type="application/json">(.*?)</script>', html).group(1))

    assert config["basemapUrl"] == "https://tiles.example.org/{z}/{x}/{y}.png"
    assert config["consultation"] == consultation.pk
    assert config["messages"]["awaits"] == "Eingegangen – Ihr Beitrag wartet auf Moderation."
    assert "img-src 'self' data: https://tiles.example.org" in response["Content-Security-Policy"]


def test_the_basemap_origin_of_a_subdomain_template_is_a_wildcard():
    assert basemap_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"
    assert basemap_origin("http://127.0.0.1:8000/t/{z}/{x}/{y}.png") == "http://127.0.0.1:8000"
    assert basemap_origin("javascript:alert(1)") is None


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
    url = body(post(api, consultation))["delete_url"].split("testserver", 1)[1]
    page = client.get(url)
    assert "Endgültig löschen" in page.content.decode()
    assert page["X-Robots-Tag"] == "noindex"
    assert "Content-Security-Policy" in page


def test_the_admin_is_exempt_from_the_csp(admin_client):
    assert "Content-Security-Policy" not in admin_client.get("/admin/participation/contribution/")


def test_the_api_sends_no_csp_on_json(client, db):
    assert "Content-Security-Policy" not in client.get("/api/contributions/")
