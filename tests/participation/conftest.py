"""Fixtures for participation: the demo's areas (without the demo's contributions), consultations,
users in their groups, and helpers to post and count."""

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.utils import timezone
from rest_framework.test import APIClient

from participation import services
from participation.models import Consultation, Contribution, Flag, ModerationEvent, Response, Support
from quartiere.models import Area, Level
from quartiere.services import area_import_file

# the browser tests assert that no request leaves 127.0.0.1: serve the live server there, not on "localhost"
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

DEMO = Path(settings.BASE_DIR) / "fixtures" / "ludwigsburg"
SCHLOSS = (9.1956, 48.8997)  # lon/lat, the Residenzschloss in Mitte
STUTTGART = (9.1770, 48.7760)  # in the region, outside the city of Ludwigsburg


@pytest.fixture
def areas(db) -> dict[str, Area]:
    """The demo's region, Ludwigsburg (its official outline, without the region's other 178
    municipalities: quicker for every test) and its 12 Quartiere, imported as load_demo does (areas by
    code)."""
    official = Path(settings.BASE_DIR) / "fixtures" / "region-stuttgart"
    common = {"name_field": "name", "progress": False}
    area_import_file(
        official / "region_stuttgart.geojson", level=Level.REGION, code_field=None, code="VRS", **common
    )
    area_import_file(
        official / "ludwigsburg_stadt.geojson",
        level=Level.CITY,
        code_field="ags",
        population_field="pop",
        **common,
    )
    area_import_file(
        DEMO / "quartiere.geojson",
        level=Level.QUARTIER,
        code_field="code",
        population_field="population",
        **common,
    )
    return {area.code: area for area in Area.objects.all()}


@pytest.fixture
def city(areas) -> Area:
    return areas["08118048"]


@pytest.fixture
def make_consultation(city):
    def make(**fields: Any) -> Consultation:
        now = timezone.now()
        values = {
            "title": "Test",
            "slug": f"test-{Consultation.objects.count() + 1}",
            "city": city,
            "area": city,
            "opens_at": now - dt.timedelta(days=1),
            "closes_at": now + dt.timedelta(days=30),
        }
        values.update(fields)
        return Consultation.objects.create(**values)

    return make


@pytest.fixture
def consultation(make_consultation) -> Consultation:
    """Open, over the whole city, pre-moderated, anonymous contributions allowed."""
    return make_consultation()


def user_in(name: str, group: str | None = None, **fields: Any) -> User:
    fields.setdefault("email", f"{name}@example.org")
    user = User.objects.create_user(name, password="pw-for-tests-only", **fields)
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


@pytest.fixture
def moderator(db) -> User:
    return user_in("mod", "moderators")


@pytest.fixture
def planner(db) -> User:
    return user_in("planner", "planners")


@pytest.fixture
def citizen(db) -> User:
    return user_in("citizen")


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def body(response) -> Any:
    return json.loads(response.content) if response.content else None


def if_match(contribution: Contribution) -> dict:
    """The ``If-Match`` header naming the contribution's current version (geo.etag), as a moderator
    who has just read it sends it."""
    version = Contribution.objects.values_list("version", flat=True).get(pk=contribution.pk)
    return {"HTTP_IF_MATCH": f'"contribution-{contribution.pk}-{version}"'}


def payload(consultation: Consultation, /, **fields: Any) -> dict:
    lon, lat = SCHLOSS
    values = {
        "consultation": consultation.pk,
        "lon": lon,
        "lat": lat,
        "text": "Mehr Bänke",
        "category": "idea",
    }
    values.update(fields)
    return values


def post(client: APIClient, consultation: Consultation, /, **fields: Any):
    """POST a contribution; upper-case keywords (``REMOTE_ADDR``, ``HTTP_…``) go into the WSGI environ."""
    environ = {k: fields.pop(k) for k in list(fields) if k.isupper()}
    return client.post("/api/contributions/", payload(consultation, **fields), format="json", **environ)


def counts() -> dict[str, int]:
    """Rows of every participation table (to assert a rejected write stored nothing)."""
    return {
        model.__name__: model.objects.count()
        for model in (Contribution, Support, Flag, Response, ModerationEvent)
    }


def create(
    consultation: Consultation, *, publish: bool = False, lonlat=SCHLOSS, **fields: Any
) -> Contribution:
    """A contribution through the service (as an anonymous citizen), optionally published."""
    values = {"text": "Ein Beitrag", "category": "idea", **fields}
    contribution = services.contribution_create(
        consultation_id=consultation.pk, lon=lonlat[0], lat=lonlat[1], **values
    ).contribution
    if publish:
        Contribution.objects.filter(pk=contribution.pk).update(status="published")
        contribution.refresh_from_db()
    return contribution
