"""Brute-force protection of both sign-in forms, ``/planung/anmelden/`` and ``/admin/login/``
(django-axes): after ``AXES_FAILURE_LIMIT`` failures a user name, and separately a client, is refused
— even with the right password — with 429, ``Retry-After`` and a page saying when to try again.
The counters are keyed hashes in the shared database cache: no address in clear anywhere."""

import datetime as dt
import hashlib
import logging
import re
import time
from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from participation.privacy import ip_hash
from planning.auth import LoginAttemptHandler
from tests.conftest import sql_value

pytestmark = pytest.mark.django_db

PLANNING = "/planung/anmelden/"
ADMIN = "/admin/login/"
FORMS = [PLANNING, ADMIN]
PASSWORD = "pw-for-tests-only"
LIMIT = 5
NGINX = "10.0.0.2"


@pytest.fixture(autouse=True)
def lockout_settings(settings):
    """The deployment's defaults, whatever the environment says; a fast password hasher (PBKDF2
    takes ≈0.3 s a check here, and these tests check passwords by the dozen)."""
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
    settings.TRUSTED_PROXIES = 0
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def planner(db) -> User:
    """A planner who may also use the admin (staff), so that both forms let them in."""
    user = User.objects.create_user("planner", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get_or_create(name="planners")[0])
    return user


@pytest.fixture
def colleague(db) -> User:
    return User.objects.create_user("colleague", password=PASSWORD, is_staff=True)


def sign_in(client, url: str, username: str, password: str = PASSWORD, ip: str = "198.51.100.1", **environ):
    environ.setdefault("REMOTE_ADDR", ip)
    return client.post(url, {"username": username, "password": password}, **environ)


def fail(client, url: str, username: str, times: int, **kwargs) -> list[int]:
    return [sign_in(client, url, username, "wrong", **kwargs).status_code for _ in range(times)]


def signed_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.wsgi_request.session


@pytest.mark.parametrize("url", FORMS)
def test_both_forms_let_the_right_password_in(client, planner, url):
    assert signed_in(sign_in(client, url, "planner"))


@pytest.mark.parametrize("url", FORMS)
def test_after_the_limit_of_failures_even_the_right_password_is_refused(client, planner, url):
    # the failures before the limit get the form again, the one reaching it the lockout page
    assert fail(client, url, "planner", LIMIT) == [200] * (LIMIT - 1) + [429]

    response = sign_in(client, url, "planner")

    assert response.status_code == 429
    assert int(response["Retry-After"]) == 15 * 60
    assert "no-store" in response["Cache-Control"]
    assert not signed_in(response) and "_auth_user_id" not in client.session
    html = response.content.decode()
    assert "<h1>Anmeldung vorübergehend gesperrt</h1>" in html
    assert "Es gab zu viele fehlgeschlagene Anmeldeversuche." in html
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html  # the site's base template


def test_one_failure_less_than_the_limit_still_lets_the_right_password_in(client, planner):
    fail(client, PLANNING, "planner", LIMIT - 1)
    assert signed_in(sign_in(client, PLANNING, "planner"))


def test_the_two_forms_share_the_count(client, planner):
    fail(client, PLANNING, "planner", 3)
    fail(client, ADMIN, "planner", 2)
    assert sign_in(client, ADMIN, "planner").status_code == 429
    assert sign_in(client, PLANNING, "planner").status_code == 429


def test_a_user_name_is_locked_whichever_client_tries(client, planner, colleague):
    for n in range(LIMIT):  # one failure from each of five addresses
        fail(client, PLANNING, "planner", 1, ip=f"198.51.100.{n + 1}")

    assert sign_in(client, PLANNING, "planner", ip="198.51.100.99").status_code == 429
    # none of those clients is locked: each failed once
    assert signed_in(sign_in(client, PLANNING, "colleague", ip="198.51.100.1"))


def test_a_client_is_locked_whichever_user_name_it_tries(client, planner, colleague):
    for n in range(LIMIT):  # five invented user names from one address
        fail(client, PLANNING, f"guess{n}", 1, ip="203.0.113.5")

    assert sign_in(client, PLANNING, "planner", ip="203.0.113.5").status_code == 429
    assert sign_in(client, ADMIN, "colleague", ip="203.0.113.5").status_code == 429
    # the same user from elsewhere is not locked: their name failed nowhere
    assert signed_in(sign_in(client, PLANNING, "planner", ip="198.51.100.1"))


def test_another_user_on_another_client_is_not_locked(client, planner, colleague):
    fail(client, PLANNING, "planner", LIMIT, ip="203.0.113.5")
    assert signed_in(sign_in(client, PLANNING, "colleague", ip="198.51.100.1"))
    assert signed_in(sign_in(client, ADMIN, "colleague", ip="198.51.100.2"))


def counters_and_expiries() -> str:
    return sql_value(
        "SELECT string_agg(cache_key || ' ' || value || ' ' || expires::text, ', ' ORDER BY cache_key) "
        "FROM participation_cache"
    )


def test_attempts_during_the_lockout_do_not_count_or_prolong_it(client, planner):
    fail(client, PLANNING, "planner", LIMIT, ip="203.0.113.5")
    before = counters_and_expiries()

    assert fail(client, PLANNING, "planner", 3, ip="203.0.113.5") == [429] * 3
    assert fail(client, PLANNING, "invented", 3, ip="203.0.113.5") == [429] * 3

    assert counters_and_expiries() == before


def test_the_lockout_ends_after_the_cool_off(client, planner, settings):
    settings.AXES_COOLOFF_TIME = dt.timedelta(seconds=3)
    fail(client, PLANNING, "planner", LIMIT)
    response = sign_in(client, PLANNING, "planner")
    assert response.status_code == 429 and response["Retry-After"] == "3"

    time.sleep(4.1)  # the database cache keeps whole seconds

    assert signed_in(sign_in(client, PLANNING, "planner"))


def test_a_failure_in_the_second_a_counter_expires_is_counted_not_a_500(db):
    # axes counts with add(key, 1), then incr(key) if add found the key. In the second a counter
    # expires the database cache's add() still finds it and its get() (inside incr) does not: plain
    # incr raises ValueError there, a 500 for whoever signs in at that moment (seen with a short cool-off).
    cache = caches["participation"]
    counters = LoginAttemptHandler().cache
    cache.set("axes-x", 3, 60)
    while timezone.now().microsecond > 200_000:  # early in a second: the calls below end within it
        time.sleep(0.01)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE participation_cache SET expires = %s WHERE cache_key = ':1:axes-x'",
            [timezone.now().replace(microsecond=0)],
        )

    assert counters.add("axes-x", 1, 60) is False
    with pytest.raises(ValueError):
        cache.incr("axes-x")
    assert counters.incr("axes-x") == 1  # the old count expired: the failure starts a new one
    assert cache.get("axes-x") == 1


def test_an_operator_can_lift_a_user_names_lockout(client, planner):
    fail(client, PLANNING, "planner", LIMIT, ip="203.0.113.5")
    assert sign_in(client, PLANNING, "planner", ip="198.51.100.1").status_code == 429

    call_command("axes_reset_username", "planner", stdout=StringIO())

    assert signed_in(sign_in(client, PLANNING, "planner", ip="198.51.100.1"))
    # the failing client's own counter stays
    assert sign_in(client, PLANNING, "planner", ip="203.0.113.5").status_code == 429


def test_the_limit_is_a_setting(client, planner, settings):
    settings.AXES_FAILURE_LIMIT = 2
    assert fail(client, PLANNING, "planner", 2) == [200, 429]


def hh_mm_rounded_up(moment: dt.datetime) -> str:
    whole = moment.replace(second=0, microsecond=0)
    return (whole if whole == moment else whole + dt.timedelta(minutes=1)).strftime("%H:%M")


def test_the_page_says_when_to_try_again(client, planner):
    fail(client, PLANNING, "planner", LIMIT)
    earliest = hh_mm_rounded_up(timezone.localtime() + dt.timedelta(minutes=15))
    response = sign_in(client, PLANNING, "planner")
    latest = hh_mm_rounded_up(timezone.localtime() + dt.timedelta(minutes=15))

    html = response.content.decode()
    shown = re.search(r"Bitte versuchen Sie es nach (\d\d:\d\d) Uhr erneut\.", html)
    assert shown, html
    assert shown[1] in {earliest, latest}  # local time, the cool-off from now, up to the whole minute
    assert "für bis zu 15 Minuten gesperrt" in html
    assert '<html lang="de">' in html


def test_the_page_speaks_english(client, planner):
    fail(client, PLANNING, "planner", LIMIT)
    response = sign_in(client, PLANNING, "planner", HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 429
    assert '<html lang="en">' in html
    assert "<h1>Signing in is paused</h1>" in html
    assert "There were too many failed sign-in attempts." in html
    assert "paused for up to 15 minutes" in html
    assert re.search(r"Please try again after \d\d:\d\d\.", html)
    assert "Anmeldeversuche" not in html


def test_the_admin_lockout_gets_the_same_page(client, planner):
    fail(client, ADMIN, "planner", LIMIT)
    response = sign_in(client, ADMIN, "planner", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert 'href="/admin/login/"' in response.content.decode()  # back to the form it came from


def test_the_planning_lockout_page_has_the_content_security_policy(client, planner):
    fail(client, PLANNING, "planner", LIMIT)
    response = sign_in(client, PLANNING, "planner")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    # scripts only from this origin, none inline
    assert re.findall(r"<script(?![^>]*\bsrc=\"/static/)", response.content.decode()) == []


def via_nginx(forwarded: str) -> dict[str, str]:
    return {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": forwarded}


def test_behind_the_proxy_a_locked_client_does_not_lock_its_neighbours(client, planner, colleague, settings):
    settings.TRUSTED_PROXIES = 1
    for n in range(LIMIT):  # the attacker invents a hop on the left each time: it is not read
        fail(client, PLANNING, f"guess{n}", 1, **via_nginx(f"192.0.2.{n}, 203.0.113.5"))

    assert sign_in(client, PLANNING, "colleague", **via_nginx("192.0.2.77, 203.0.113.5")).status_code == 429
    assert signed_in(sign_in(client, PLANNING, "colleague", **via_nginx("198.51.100.1")))


def test_without_trusted_proxies_a_forged_header_does_not_unlock_a_client(client, planner, colleague):
    for n in range(LIMIT):
        fail(client, PLANNING, f"guess{n}", 1, ip="203.0.113.5", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    response = sign_in(client, PLANNING, "colleague", ip="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert response.status_code == 429


def every_row_as_text() -> str:
    """Every row of every table of the database (but PostGIS's spatial_ref_sys) as JSON text."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT quote_ident(table_name) FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'spatial_ref_sys'"
        )
        tables = [row[0] for row in cursor.fetchall()]
        texts = []
        for table in tables:
            cursor.execute(f"SELECT coalesce(string_agg(row_to_json(t)::text, ' '), '') FROM {table} t")  # noqa: S608
            texts.append(cursor.fetchone()[0])
    return " ".join(texts)


def test_no_address_is_stored_in_clear(client, planner, colleague, settings, caplog):
    caplog.set_level(logging.DEBUG)
    fail(client, PLANNING, "planner", LIMIT, ip="198.51.100.23")  # up to the lockout page
    fail(client, ADMIN, "colleague", 2, ip="198.51.100.23")  # refused uncounted: the client is locked
    settings.TRUSTED_PROXIES = 1
    fail(client, ADMIN, "someone", 2, **via_nginx("192.0.2.44, 203.0.113.77"))
    assert signed_in(sign_in(client, ADMIN, "colleague", **via_nginx("198.51.100.61")))

    for model in ("accessattempt", "accesslog", "accessfailurelog", "accessattemptexpiration"):
        assert sql_value(f"SELECT count(*) FROM axes_{model}") == 0  # noqa: S608
    everything = every_row_as_text()
    for address in ("198.51.100.23", "203.0.113.77", "198.51.100.61", "192.0.2.44", NGINX, "127.0.0.1"):
        assert address not in everything
        assert address not in caplog.text

    # the counters are keyed by SHA-256 of the keyed hash: an unkeyed hash of an address (which
    # anyone can reverse by trying all 2³² of them) is not among them either
    keys = sql_value("SELECT string_agg(cache_key, ' ') FROM participation_cache")
    assert f"axes-{hashlib.sha256(ip_hash('198.51.100.23').encode()).hexdigest()}" in keys
    assert f"axes-{hashlib.sha256(ip_hash('203.0.113.77').encode()).hexdigest()}" in keys
    for address in ("198.51.100.23", "203.0.113.77", NGINX):
        assert hashlib.sha256(address.encode()).hexdigest() not in keys
