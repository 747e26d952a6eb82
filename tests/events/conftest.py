"""Fixtures for events: the demo (areas, consultations, the demo's events) and hand-made events."""

import datetime as dt
import os

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.utils import timezone

from events import services
from events.models import Event
from participation.models import Consultation
from quartiere.models import Area, Level

# the browser tests assert that no request leaves 127.0.0.1: serve the live server there
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

CITY = "08118048"
PAYLOAD = "{{ 6*7 }} <script>alert(1)</script>"
SCHLOSS = (9.1956, 48.8997)


def later(days: float, hours: float = 0) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days, hours=hours)


@pytest.fixture
def city(demo) -> Area:
    return demo[CITY]


@pytest.fixture
def consultation(city) -> Consultation:
    return Consultation.objects.create(
        title="Spielplätze",
        slug="spielplaetze",
        city=city,
        area=city,
        opens_at=later(-1),
        closes_at=later(60),
        themes=["Spielen"],
    )


def make_event(consultation: Consultation, **fields) -> Event:
    values = {
        "title": "Werkstatt Spielplatz",
        "kind": "workshop",
        "starts_at": later(10),
        "ends_at": later(10, 2),
        "place_name": "Rathaus",
        "geom": Point(*SCHLOSS, srid=4326),
        "capacity": 3,
    }
    values.update(fields)
    return services.event_create(consultation=consultation, **values)


@pytest.fixture
def event(consultation) -> Event:
    return make_event(consultation)


def other_city(parent: Area) -> Area:
    """A second city of the region (a square far from Ludwigsburg)."""
    known = Area.objects.filter(level=Level.CITY, code="08118001").first()
    if known is not None:  # the demo has all the region's municipalities: the real Asperg
        return known
    square = Polygon.from_bbox((520_000, 5_380_000, 521_000, 5_381_000))
    square.srid = 25832
    return Area.objects.create(
        level=Level.CITY,
        parent=parent,
        code="08118001",
        name="Asperg",
        slug="asperg",
        geom=MultiPolygon(square),
    )
