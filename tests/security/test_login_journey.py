"""Signing in, in Chromium: the lockout page after too many failures, where a sign-in without
``next`` lands, and the refusal page a non-planner gets at /planung/ — on a desktop and a phone."""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import caches
from playwright.sync_api import expect

from tests.browser import DESKTOP, NARROW, PHONE, Watch, scroll_overflow
from tests.participation.conftest import areas  # noqa: F401 (fixture: the overview needs its city)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-only"
SCREENS = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture(autouse=True)
def counters(settings):
    """Fast hashing; and the lockout counters removed afterwards: the cache table is not emptied
    between transactional tests, and a locked 127.0.0.1 would lock every later browser test out."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TRUSTED_PROXIES = 0
    yield
    caches["participation"].clear()


def main_overflow(page) -> int:
    """How many CSS px the page's own content is wider than its box (the header is base.html's and
    measured for every page by tests/test_reflow.py)."""
    return scroll_overflow(page, within="main")


def make_user(name: str, *, planner: bool = False) -> User:
    user = User.objects.create_user(name, password=PASSWORD)
    if planner:
        user.groups.add(Group.objects.get_or_create(name="planners")[0])
    return user


def submit(page, username: str, password: str) -> None:
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click(".login-form button[type=submit]")


@pytest.mark.parametrize("screen", SCREENS.values(), ids=SCREENS.keys())
def test_after_five_failures_the_page_says_to_wait_and_when(live_server, chromium, basemap, screen):
    make_user("planerin", planner=True)
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/planung/", screen=screen)
    expect(page.locator("h1")).to_have_text("Anmeldung zum Arbeitsbereich der Planung")

    for _ in range(4):
        submit(page, "planerin", "falsch")
        expect(page.locator(".form-error")).to_be_visible()
    with page.expect_response(re.compile(r"/planung/anmelden/")) as answer:
        submit(page, "planerin", "falsch")

    assert answer.value.status == 429 and answer.value.headers["retry-after"] == "900"
    expect(page.locator("h1")).to_have_text("Anmeldung vorübergehend gesperrt")
    expect(page.locator("main")).to_contain_text("für bis zu 15 Minuten gesperrt")
    expect(page.locator("main strong")).to_have_text(
        re.compile(r"^Bitte versuchen Sie es nach \d\d:\d\d Uhr erneut\.$")
    )
    assert main_overflow(page) == 0
    page.screenshot(path=f"/tmp/access-lockout-{screen['width']}.png")

    # the right password does not help now; the page links back to the form
    page.click("text=Zurück zur Anmeldung")
    submit(page, "planerin", PASSWORD)
    expect(page.locator("h1")).to_have_text("Anmeldung vorübergehend gesperrt")
    assert page.url.endswith("/planung/anmelden/")

    page.set_viewport_size(NARROW)
    assert main_overflow(page) == 0
    watch.assert_clean(expected_statuses=(429,))


@pytest.mark.parametrize("screen", SCREENS.values(), ids=SCREENS.keys())
def test_a_non_planner_lands_on_the_overview_and_is_told_why_the_workspace_is_closed(
    live_server,
    chromium,
    basemap,
    areas,  # noqa: F811
    screen,
):
    make_user("buerger")
    make_user("planerin", planner=True)
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/planung/anmelden/", screen=screen)

    submit(page, "buerger", PASSWORD)  # no next: not the workspace, which would refuse them
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator("a.brand")).to_be_visible()

    with page.expect_response(re.compile(r"/planung/$")) as answer:
        page.goto(f"{live_server.url}/planung/")
    assert answer.value.status == 403
    expect(page.locator("h1")).to_have_text("Zugriff verweigert")
    expect(page.locator("main")).to_contain_text("Der Arbeitsbereich ist der Gruppe der Planung vorbehalten.")
    expect(page.locator("main strong")).to_have_text("buerger")
    assert main_overflow(page) == 0
    page.set_viewport_size(NARROW)
    assert main_overflow(page) == 0
    page.set_viewport_size(screen)
    page.screenshot(path=f"/tmp/access-403-{screen['width']}.png")

    page.click("text=Abmelden und mit einem anderen Konto anmelden")
    page.wait_for_url(re.compile(r"/planung/anmelden/\?next=/planung/$"))
    submit(page, "planerin", PASSWORD)
    page.wait_for_url(f"{live_server.url}/planung/")
    expect(page.locator("h1")).to_contain_text("Arbeitsbereich")
    watch.assert_clean(expected_statuses=(403,))


def test_an_unknown_address_gets_the_sites_404_page_in_english(live_server, chromium):
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/nirgends/", screen=PHONE, locale="en-GB")

    expect(page.locator("h1")).to_have_text("Page not found")
    expect(page.locator("main code")).to_have_text("/nirgends/")
    page.screenshot(path="/tmp/access-404-390.png")
    page.set_viewport_size(NARROW)
    page.goto(f"{live_server.url}/quartiere/{'sehr-lange-adresse-ohne-umbruch' * 3}/")
    expect(page.locator("h1")).to_have_text("Page not found")
    assert main_overflow(page) == 0
    page.screenshot(path="/tmp/access-404-320.png")
    page.click("text=City report")
    page.wait_for_url(f"{live_server.url}/bericht/")
    watch.assert_clean(expected_statuses=(404,))
