"""``/health``: 200 ``{"status": "ok"}`` (the PostgreSQL and PostGIS versions only for staff users or
with ``HEALTH_SHOW_VERSIONS``); 503 when the database is unreachable."""

import copy
import json
import re
import socket

import pytest
from django.contrib.auth.models import User
from django.db import connections

import geo.health


def test_it_answers_ok_and_nothing_more_to_the_public(client, db):
    response = client.get("/health")

    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_it_tells_a_signed_in_non_staff_user_no_versions_either(client, db):
    client.force_login(User.objects.create_user("citizen"))
    assert json.loads(client.get("/health").content) == {"status": "ok"}


def assert_versions(body: dict) -> None:
    assert body["status"] == "ok"
    assert re.match(r"^\d{2,}\.\d+", body["database"]["postgresql"])
    assert re.match(r"^3\.\d+\.\d+", body["database"]["postgis"])
    assert "PROJ=" in body["database"]["postgis_full"]


def test_it_reports_the_database_and_postgis_versions_to_staff(client, db):
    client.force_login(User.objects.create_user("operator", is_staff=True))
    response = client.get("/health")

    assert response.status_code == 200
    assert_versions(json.loads(response.content))
    assert "private" in response["Cache-Control"]  # never kept by a shared cache for the public


def test_it_reports_the_versions_to_everyone_when_set_to(client, db, settings):
    settings.HEALTH_SHOW_VERSIONS = True
    assert_versions(json.loads(client.get("/health").content))


def test_it_shows_no_versions_by_default(settings):
    assert settings.HEALTH_SHOW_VERSIONS is False


def closed_port() -> int:
    """A loopback port nothing listens on (bound once by us, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def unreachable_database(db, monkeypatch):
    """``/health``'s connection pointed at a closed port: a real psycopg connection failure."""
    settings = copy.deepcopy(connections["default"].settings_dict)
    settings.update(HOST="127.0.0.1", PORT=str(closed_port()))
    settings["OPTIONS"] = {**settings["OPTIONS"], "connect_timeout": 2}
    wrapper = type(connections["default"])(settings, alias="unreachable")
    monkeypatch.setattr(geo.health, "connection", wrapper)
    yield wrapper
    wrapper.close()


def test_it_answers_503_when_the_database_is_unreachable(client, unreachable_database):
    response = client.get("/health")

    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "unavailable", "database": "unreachable"}
    assert "no-cache" in response["Cache-Control"]


def test_it_answers_head_but_not_post(client, db):
    assert client.head("/health").status_code == 200
    assert client.post("/health").status_code == 405
