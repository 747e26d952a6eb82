"""Shared fixtures: the Ludwigsburg demo, API clients (anonymous, a planner's, a citizen's), and small
helpers for the database. Helpers for hand-made data are in tests/fixtures.py."""

import fcntl
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from geo.permissions import PLANNERS
from quartiere.models import Area
from tests.fixtures import kept_for_the_module, load_demo_committed, user_in

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


def _template_marker(config: pytest.Config) -> Path:
    """The file that names this run's template database: in the run's temporary directory, which
    pytest-xdist's workers share (each has a subdirectory of it)."""
    run_dir = config._tmp_path_factory.getbasetemp()  # type: ignore[attr-defined]
    return (run_dir.parent if hasattr(config, "workerinput") else run_dir) / "test-database.template"


@pytest.fixture(scope="session")
def django_db_setup(  # noqa: PLR0913 - pytest-django's fixtures it builds on
    request,
    django_test_environment,
    django_db_blocker,
    django_db_keepdb,
    django_db_use_migrations,
    django_db_modify_db_settings,  # the worker's suffix: test_<name>_gw<n>
):
    """The test database. Under pytest-xdist (``make test``) it is migrated once per run, as a
    template, and each worker gets a copy of it (``CREATE DATABASE … TEMPLATE``: a file copy, ≈1 s)
    instead of migrating its own test_<name>_gw<n> (≈25 s of CPU each, all at once). Without xdist,
    or with ``--reuse-db`` or ``--nomigrations``: pytest-django's own fixture."""
    from django.conf import settings
    from django.db import connection

    worker = getattr(request.config, "workerinput", {}).get("workerid")
    if worker is None or django_db_keepdb or not django_db_use_migrations:
        request.getfixturevalue("django_db_setup")  # pytest-django's, which this one overrides
        yield
        if not django_db_keepdb:  # before pytest-django's own teardown drops the database
            with django_db_blocker.unblock():
                _end_sessions(connection.settings_dict["NAME"])
        return

    verbosity = request.config.option.verbose
    creation = connection.creation
    original = connection.settings_dict["NAME"]
    name = creation._get_test_db_name()  # test_<name>_gw<n>: pytest-django added the worker's suffix
    marker = _template_marker(request.config)
    quote = connection.ops.quote_name
    with django_db_blocker.unblock(), marker.with_suffix(".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the first worker builds the template, the others wait for it
        if not marker.exists():
            template = name.removesuffix(f"_{worker}") + "_template"
            connection.settings_dict["TEST"]["NAME"] = template
            try:
                creation.create_test_db(verbosity=verbosity, autoclobber=True, serialize=False)
            finally:
                connection.settings_dict["TEST"]["NAME"] = name
            marker.write_text(template)
        template = marker.read_text()
        connection.close()  # a template must have no session
        with creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
            cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}")
        settings.DATABASES["default"]["NAME"] = connection.settings_dict["NAME"] = name
    yield
    with django_db_blocker.unblock():
        _end_sessions(name)
        creation.destroy_test_db(original, verbosity=verbosity)


def _end_sessions(name: str) -> None:
    """Close this process's connections and end every other session on the database ``name``: those
    the tests left open (Mapnik's pooled WMS connections when no WMS fixture ended them) would block
    its drop ("database … is being accessed by other users")."""
    from django.db import connection, connections

    connections.close_all()
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])


def pytest_sessionfinish(session: pytest.Session) -> None:
    """pytest-xdist's controller, after every worker dropped its copy: drop the run's template."""
    if hasattr(session.config, "workerinput") or not getattr(session.config.option, "numprocesses", None):
        return
    marker = _template_marker(session.config)
    if not marker.exists():
        return
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    with session.config.stash[blocking_manager_key].unblock(), connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(marker.read_text())}")


@pytest.fixture(scope="module")
def demo_module(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The whole demo (``load_demo``: areas and whatever later apps add) loaded once per test module,
    inside a transaction that is rolled back after the module, like ``TestCase.setUpTestData``.
    Each test's own transaction is a savepoint inside it. Don't mix with ``transactional_db``."""
    with kept_for_the_module(django_db_blocker, lambda: call_command("load_demo", stdout=StringIO())):
        yield


@pytest.fixture
def demo_committed(transactional_db) -> None:
    """The demo committed for a transactional test (``tests.fixtures.load_demo_committed``): list it
    before the fixtures that write (``planner``…), so that it finds the database as a flush left it."""
    load_demo_committed()


@pytest.fixture
def demo(demo_module, db) -> dict[str, Area]:
    """The Ludwigsburg demo: region VRS, city 08118048 and its 12 Quartiere (and later apps' data);
    areas by code. Changes a test makes are rolled back after it."""
    return {area.code: area for area in Area.objects.all()}


@pytest.fixture(autouse=True)
def _default_language() -> None:
    """Each test starts in the default language (German), as a fresh process does: a request through
    LocaleMiddleware leaves its language active in the thread, so a test would otherwise see the
    language of the test that ran before it in the same process (under pytest-xdist that order differs
    from a serial run: a German message read English)."""
    from django.utils import translation

    translation.deactivate()


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
