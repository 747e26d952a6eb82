"""Helpers of the back-office journeys (strategy, consultations, start page): sign in through the
form as a person does, and the checks every back-office page passes — axe-core with no violation of
WCAG 2.1 A/AA, no sideways scrolling at 320 CSS px."""

from playwright.sync_api import expect

from tests.axe import assert_accessible
from tests.browser import NARROW, scroll_overflow

PASSWORD = "pw-for-tests-only"


def sign_in(page, username: str) -> None:
    """On the sign-in page (``/planung/anmelden/``, reached by a redirect or directly): fill and send."""
    expect(page.get_by_role("heading", name="Anmeldung zum Arbeitsbereich der Planung")).to_be_visible()
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()


def check_page(page) -> None:
    """axe-core finds nothing; at 320 px nothing scrolls sideways (the viewport is restored after)."""
    assert_accessible(page)
    screen = page.viewport_size
    page.set_viewport_size(NARROW)
    try:
        assert scroll_overflow(page) == 0
    finally:
        page.set_viewport_size(screen)
