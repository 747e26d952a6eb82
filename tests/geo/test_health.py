"""``/health``: 200 with the PostgreSQL and PostGIS versions; 503 when the database is unreachable."""

import copy
import json
import re
import socket

import pytest
from django.db import connections

import geo.health


def test_it_reports_the_database_and_postgis_versions(client, db):
    response = client.get("/health")

    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert re.match(r"^\d{2,}\.\d+", body["database"]["postgresql"])
    assert re.match(r"^3\.\d+\.\d+", body["database"]["postgis"])
    assert "PROJ=" in body["database"]["postgis_full"]
    assert "no-cache" in response["Cache-Control"]


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
