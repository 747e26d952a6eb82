"""The areas of the Ludwigsburg demo and its illustrative indicators (not the whole demo: faster),
loaded once per module."""

import os

import pytest
from django.conf import settings

from indicators import demo as indicators_demo
from quartiere.management.commands.load_demo import DEMO, load_demo_places
from quartiere.models import Area
from tests.fixtures import kept_for_the_module

# the browser tests assert that no request leaves 127.0.0.1: serve the live server there
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")


def load_places_and_indicators() -> None:
    load_demo_places(addresses=False)
    indicators_demo.load_demo(DEMO)


@pytest.fixture(scope="module")
def demo_module(django_db_setup, django_db_blocker):
    with kept_for_the_module(django_db_blocker, load_places_and_indicators):
        yield


@pytest.fixture
def demo(demo_module, db) -> dict[str, Area]:
    assert settings.LANGUAGE_CODE
    return {area.code: area for area in Area.objects.all()}
