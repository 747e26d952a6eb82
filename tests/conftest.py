"""Shared fixtures: the Ludwigsburg demo, API clients (anonymous, a planner's, a citizen's), and small
helpers for the database. Helpers for hand-made data are in tests/fixtures.py."""

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from geo.permissions import PLANNERS
from quartiere.models import Area
from tests.fixtures import kept_for_the_module, user_in

pytest_plugins = ["tests.browser"]  # chromium, basemap: the browser kit of the journey tests


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing(django_test_environment) -> None:
    """Passwords hashed with MD5 in tests, as Django's testing docs advise: PBKDF2's ≈1 M rounds cost
    ≈0.3 s per account, and the permission matrix alone makes hundreds. Production keeps Django's
    default hashers; nothing here tests their strength."""
    from django.conf import settings
    from django.contrib.auth import hashers

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    hashers.get_hashers.cache_clear()
    hashers.get_hashers_by_algorithm.cache_clear()


@pytest.fixture(scope="module")
def demo_module(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The whole demo (``load_demo``: areas and whatever later apps add) loaded once per test module,
    inside a transaction that is rolled back after the module, like ``TestCase.setUpTestData``.
    Each test's own transaction is a savepoint inside it. Don't mix with ``transactional_db``."""
    with kept_for_the_module(django_db_blocker, lambda: call_command("load_demo", stdout=StringIO())):
        yield


@pytest.fixture
def demo(demo_module, db) -> dict[str, Area]:
    """The Ludwigsburg demo: region VRS, city 08118048 and its 12 Quartiere (and later apps' data);
    areas by code. Changes a test makes are rolled back after it."""
    return {area.code: area for area in Area.objects.all()}


@pytest.fixture(autouse=True)
def _forget_hash_keys() -> None:
    """Each test starts without the process's memory of address-hashing keys
    (participation.privacy): the keys live in the test's database, which is rolled back after it."""
    from participation import privacy

    privacy._keys.clear()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def planner(db) -> User:
    """User ``planner`` in the planners' group (password ``pw-for-tests-only``)."""
    return user_in("planner", PLANNERS)


@pytest.fixture
def planner_api(planner) -> APIClient:
    client = APIClient()
    client.force_authenticate(planner)
    return client


@pytest.fixture
def citizen_api(db) -> APIClient:
    """A signed-in user in no group."""
    client = APIClient()
    client.force_authenticate(user_in("citizen"))
    return client


def area_count() -> int:
    return Area.objects.count()


def sql_row(query: str, params: list | tuple | dict | None = None) -> tuple:
    """The first row of ``query``."""
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()


def sql_value(query: str, params: list | tuple | dict | None = None) -> Any:
    """The first column of the first row of ``query``."""
    return sql_row(query, params)[0]
