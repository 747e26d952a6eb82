"""Fixtures of the council tests: two cities (codes = AGS: Ludwigsburg 08118048, Kornwestheim
08118046) on a small grid, and the local OParl server (tests/council/server.py)."""

from collections.abc import Iterator

import pytest

from quartiere.models import Area, Level
from tests.council.server import OParlServer, oparl_server
from tests.fixtures import feature, import_areas, import_region, kept_for_the_module, square

LUDWIGSBURG = "08118048"
KORNWESTHEIM = "08118046"


def build_cities() -> None:
    import_region()
    import_areas(
        Level.CITY,
        feature(LUDWIGSBURG, "Ludwigsburg", square(0, 0, 2000, 1000)),
        feature(KORNWESTHEIM, "Kornwestheim", square(3000, 0, 4000, 1000)),
    )


@pytest.fixture(scope="module")
def cities_module(django_db_setup, django_db_blocker) -> Iterator[None]:
    with kept_for_the_module(django_db_blocker, build_cities):
        yield


@pytest.fixture
def cities(cities_module, db) -> dict[str, Area]:
    """The two cities by AGS. Changes a test makes are rolled back after it."""
    return {area.code: area for area in Area.objects.filter(code__in=(LUDWIGSBURG, KORNWESTHEIM))}


@pytest.fixture
def server() -> Iterator[OParlServer]:
    with oparl_server() as running:
        yield running


@pytest.fixture
def imported(cities, server) -> OParlServer:
    """The fixture's Ludwigsburg papers imported over HTTP."""
    from io import StringIO

    from django.core.management import call_command

    call_command("import_oparl", server.url("system"), stdout=StringIO())
    return server


def kornwestheim_paper(city: Area, **fields):
    """A paper of Kornwestheim's council (written directly: the fixture has Ludwigsburg's only)."""
    from council.models import Body, Paper

    body, _ = Body.objects.get_or_create(
        oparl_id="https://ratsinfo.kornwestheim.example/oparl/body/1",
        defaults={"city": city, "name": "Stadt Kornwestheim"},
    )
    values = {
        "oparl_id": f"https://ratsinfo.kornwestheim.example/oparl/paper/{Paper.objects.count() + 1}",
        "name": "Vorlage aus Kornwestheim",
        "reference": "354/21",
        **fields,
    }
    return Paper.objects.create(body=body, **values)
