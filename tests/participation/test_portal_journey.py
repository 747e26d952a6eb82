"""/beteiligung/ in Chromium, on a desktop and a phone: a citizen finds the evaluated consultation by
the phase filter, opens it and sees its process and its formats; looks at the calendar; subscribes,
confirms with the link from the mail, gets the notice of an open consultation and unsubscribes with its
link. A planner writes an evaluation in the back office and it appears on the public page. Every page
passes axe-core (WCAG 2.1 A/AA) and reflows at 320 px."""

import re

import pytest
from django.core import mail
from django.core.cache import caches
from playwright.sync_api import expect

from geo.permissions import PLANNERS
from participation.demo import EVALUATED_SLUG
from participation.models import Consultation, Subscription
from participation.portal.subscriptions import notify_subscribers
from tests.backoffice_kit import check_page, sign_in
from tests.browser import DESKTOP, PHONE, Watch
from tests.fixtures import load_demo_committed, user_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
EMAIL = "journey.abo@example.org"


@pytest.fixture
def demo_live(live_server, basemap, db):
    caches["participation"].clear()  # the subscribe throttle counts 127.0.0.1 across journeys
    load_demo_committed()
    user_in("planerin", PLANNERS)
    return live_server


def link(path: str, body: str) -> str:
    return re.search(rf"(http://127\.0\.0\.1:\d+{path}[^\s>]+)", body).group(1)


@pytest.mark.parametrize("screen", SCREENS)
def test_a_citizen_finds_subscribes_and_a_planner_evaluates(demo_live, chromium, screen):
    url = demo_live.url
    evaluated = Consultation.objects.get(slug=EVALUATED_SLUG)
    watch = Watch()
    page = watch.open(chromium, f"{url}/beteiligung/", screen=screen)
    expect(page.get_by_role("heading", name="Beteiligungsverfahren", level=1)).to_be_visible()
    expect(page.locator("#portal-map")).to_have_attribute("data-loaded", "6")  # the six demo consultations
    check_page(page)

    # the filter: evaluated ones only
    page.get_by_label("Phase").select_option("evaluated")
    page.get_by_role("button", name="Anzeigen").click()
    page.wait_for_url(re.compile(r".*phase=evaluated.*"))
    expect(page.locator(".consultation-card")).to_have_count(1)
    expect(page.locator("#result-count")).to_have_text("1 Beteiligungsverfahren")
    expect(page.locator("#portal-map")).to_have_attribute("data-loaded", "1")

    page.get_by_role("link", name=evaluated.title).click()
    page.wait_for_url(f"{url}/beteiligung/{EVALUATED_SLUG}/")
    expect(page.locator("h1")).to_have_text(evaluated.title)
    expect(page.locator("#process-heading")).to_have_text("Prozess: Ludwigsburg geht weiter")
    expect(page.locator("#process li")).to_have_count(6)
    expect(page.locator("#pins-panel")).to_contain_text("20 veröffentlichte Beiträge")
    expect(page.locator("#evaluation-text")).to_contain_text("Radabstellanlagen")
    expect(page.locator("#portal-map")).to_have_attribute("data-loaded", "1")
    check_page(page)

    page.get_by_role("link", name="Der ganze Prozess").click()
    page.wait_for_url(f"{url}/beteiligung/prozesse/ludwigsburg-geht-weiter/")
    expect(page.locator(".process-steps > li")).to_have_count(6)
    check_page(page)

    page.goto(f"{url}/beteiligung/kalender/")
    expect(page.locator(".agenda-item").first).to_be_visible()
    check_page(page)

    # subscribe → confirm with the mailed link → a notice → unsubscribe with its link
    page.goto(f"{url}/beteiligung/abonnieren/")
    check_page(page)
    page.get_by_label("E-Mail-Adresse").fill(EMAIL)
    page.get_by_label("Mitte (Ludwigsburg)").check()
    page.get_by_role("button", name="Abonnieren").click()
    expect(page.locator("#subscribe-done")).to_be_visible()
    check_page(page)
    (confirmation,) = mail.outbox
    page.goto(link("/beteiligung/abonnieren/bestaetigen/", confirmation.body))
    expect(page.locator("#confirm-result")).to_contain_text("Ihr Abonnement ist bestätigt.")
    check_page(page)
    assert notify_subscribers(base_url=url) == 1
    notice = mail.outbox[-1]
    page.goto(link("/beteiligung/abbestellen/", notice.body))
    check_page(page)
    page.get_by_role("button", name="Abbestellen").click()
    expect(page.locator("#unsubscribe-result")).to_contain_text("Sie haben abbestellt")
    assert not Subscription.objects.exists()

    # the planner's evaluation appears on the public page
    office = watch.open(chromium, f"{url}/planung/verfahren/{evaluated.pk}/auswertung/", screen=screen)
    sign_in(office, "planerin")
    office.wait_for_url(f"{url}/planung/verfahren/{evaluated.pk}/auswertung/")
    check_page(office)
    office.get_by_label("Was entschieden wurde").fill("Neu beschlossen: <b>mehr Bänke</b> {{ 6*7 }}")
    office.get_by_label("Auswertung veröffentlichen").check()
    office.get_by_role("button", name="Sichern").click()
    expect(office.locator("#evaluation-saved")).to_be_visible()
    office.locator("#evaluation-saved").get_by_role("link").click()
    expect(office.locator("#evaluation-text")).to_have_text("Neu beschlossen: <b>mehr Bänke</b> {{ 6*7 }}")
    watch.assert_clean()
