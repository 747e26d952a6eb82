"""The site-wide Content-Security-Policy (config.csp): every HTML page gets it unless it is exempt or
sets its own; scripts and styles only from this origin, images also from the basemap's tile server."""

import pytest
from django.http import HttpResponse, JsonResponse
from django.test import RequestFactory

from config.csp import ContentSecurityPolicyMiddleware, basemap_origin


def _answer(response: HttpResponse, path: str = "/karte/") -> HttpResponse:
    middleware = ContentSecurityPolicyMiddleware(lambda request: response)
    return middleware(RequestFactory().get(path))


def test_it_forbids_inline_script_and_style_on_a_page():
    csp = _answer(HttpResponse("<p>page</p>"))["Content-Security-Policy"]

    directives = dict(d.split(" ", 1) for d in csp.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


def test_it_lets_images_come_from_the_basemap_setting(settings):
    settings.BASEMAP_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    csp = _answer(HttpResponse("<p>page</p>"))["Content-Security-Policy"]
    assert "img-src 'self' data: https://*.tiles.example.org;" in csp


def test_it_keeps_a_policy_the_view_set_itself():
    response = HttpResponse("<p>page</p>")
    response["Content-Security-Policy"] = "default-src 'none'"
    assert _answer(response)["Content-Security-Policy"] == "default-src 'none'"


def test_it_leaves_answers_that_are_not_html_alone():
    assert "Content-Security-Policy" not in _answer(JsonResponse({"status": "ok"}))


def test_it_leaves_the_exempt_paths_alone(settings):
    settings.CSP_EXEMPT_PATHS = ["/admin/", "/api/docs/"]
    assert "Content-Security-Policy" not in _answer(HttpResponse("<p>admin</p>"), "/admin/measures/")
    assert "Content-Security-Policy" in _answer(HttpResponse("<p>page</p>"), "/administration/")


@pytest.mark.django_db
def test_it_is_installed_for_every_page(client):
    response = client.get("/karte/")
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_basemap_origin_of_a_subdomain_template_is_a_wildcard():
    assert basemap_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"
    assert basemap_origin("http://127.0.0.1:8000/t/{z}/{x}/{y}.png") == "http://127.0.0.1:8000"
    assert basemap_origin("javascript:alert(1)") is None
