"""The browser kit of the journey tests: Debian's Chromium driven by Playwright, a ``Watch`` that sees
everything a page does that a test must not miss, and the two screens every journey runs on.

Fixtures (registered for all tests through ``pytest_plugins`` in tests/conftest.py):
- ``chromium``: a browser for the test;
- ``basemap``: the basemap setting pointed at ``/test-tiles/``, which ``Watch`` answers with a grey tile.

Use::

    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/karte/", screen=PHONE)
    ...
    watch.assert_clean()
"""

import base64
from urllib.parse import urlsplit

import pytest
from django.db import connections
from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# a 1×1 light grey PNG, served for every basemap tile
TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGP4DwABAQEAGJ1PxwAAAABJRU5ErkJggg=="
)
LOOPBACK = {"127.0.0.1", "localhost"}  # pytest-django's live server listens on localhost = 127.0.0.1

DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
NARROW = {"width": 320, "height": 640}  # WCAG 2.1 1.4.10 Reflow: 320 CSS px without horizontal scrolling


@pytest.fixture
def chromium(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test stay sync
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # the test's ORM calls while Playwright's event loop ran used connections of that context
        # (asgiref's Local): close them here, or the test database cannot be dropped at the end
        connections.close_all()


@pytest.fixture
def basemap(live_server, settings):
    settings.BASEMAP_URL = f"{live_server.url}/test-tiles/{{z}}/{{x}}/{{y}}.png"


class Watch:
    """Requests leaving the loopback interface (aborted), answers with a 5xx status, console errors,
    uncaught exceptions and dialogs (an ``alert()`` from injected script would be one; dialogs are
    accepted unless ``dismiss_dialogs``)."""

    def __init__(self, *, dismiss_dialogs: bool = False):
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.server_errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.tiles: list[str] = []
        self.dismiss_dialogs = dismiss_dialogs

    def route(self, route):
        url = urlsplit(route.request.url)
        if url.scheme == "data":
            route.continue_()
        elif url.hostname not in LOOPBACK:
            self.outside.append(route.request.url)
            route.abort()
        elif url.path.startswith("/test-tiles/"):
            self.tiles.append(route.request.url)
            route.fulfill(status=200, content_type="image/png", body=TILE)
        else:
            self.requests.append(route.request.url)
            route.continue_()

    def context(self, browser, *, screen: dict | None = None, locale: str = "de-DE", **options):
        context = browser.new_context(locale=locale, viewport=screen or DESKTOP, **options)
        context.route("**/*", self.route)
        context.on("page", self.attach)
        return context

    def attach(self, page):
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("response", lambda r: r.status >= 500 and self.server_errors.append(f"{r.status} {r.url}"))

        def dialog(d):
            self.dialogs.append(d.message)
            d.dismiss() if self.dismiss_dialogs else d.accept()

        page.on("dialog", dialog)

    def open(self, browser, url: str, *, screen: dict | None = None, locale: str = "de-DE", **options):
        """A new page (in a new context: no cookies) showing ``url``."""
        page = self.context(browser, screen=screen, locale=locale, **options).new_page()
        page.goto(url)
        return page

    def assert_clean(self, *, expected_statuses: tuple[int, ...] = (), dialogs: int = 0):
        """Nothing left 127.0.0.1, nothing answered 5xx, no console error (Chromium reports every 4xx
        answer as one: name the expected statuses), no unexpected dialog."""
        assert self.outside == []
        assert self.server_errors == []
        expected = tuple(f"status of {status} " for status in expected_statuses)
        assert [e for e in self.errors if not (expected and any(x in e for x in expected))] == []
        assert len(self.dialogs) == dialogs, self.dialogs


def scroll_overflow(page, within: str | None = None) -> int:
    """How many CSS px the page (or the element ``within`` selects) is wider than its viewport (its
    box): 0, no horizontal scrolling. Measured once the page has loaded: a layout read while a
    stylesheet is still on its way measures a page no one sees (a browser paints nothing before the
    head's stylesheets are in). Under load this was seen: the back office's measure page at 360 px is
    95 px too wide without backoffice.css, and a check right after its heading appeared measured that."""
    page.wait_for_load_state("load")
    if within is not None:
        return page.locator(within).evaluate("box => box.scrollWidth - box.clientWidth")
    return page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )


def wait_still(locator, *, frames: int = 8) -> None:
    """Wait until the element has kept its place and size for ``frames`` animation frames: a map's pan,
    zoom or fly animation has ended, so that a pixel measured or clicked now is still there after."""
    locator.evaluate(
        """(element, frames) => new Promise(resolve => {
            let last = "", same = 0;
            const tick = () => {
                const r = element.getBoundingClientRect();
                const now = [r.x, r.y, r.width, r.height].join();
                same = now === last ? same + 1 : 0;
                last = now;
                if (same >= frames) resolve(); else requestAnimationFrame(tick);
            };
            requestAnimationFrame(tick);
        })""",
        frames,
    )
