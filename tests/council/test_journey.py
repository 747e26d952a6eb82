"""Journeys in Chromium, desktop and phone: a planner links the council paper "354/20" to a measure
in the back office, typing its reference; the public measure page then shows the council decision
with its date and committee and the links; a council member finds the paper on /rat/ and follows it
to the measure. Keyboard only where a person would type."""

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from geo.permissions import PLANNERS
from measures.models import MeasurePaper
from quartiere.models import Area
from staff.models import Membership
from tests.backoffice_kit import check_page, sign_in
from tests.browser import DESKTOP, PHONE, Watch, scroll_overflow
from tests.council.conftest import LUDWIGSBURG, build_cities
from tests.council.server import oparl_server
from tests.fixtures import user_in
from tests.measures.factories import MeasureFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
TITLE = "Ludwigsburg geht weiter – wir gestalten Zukunft: Strategische Stadtentwicklung"
COMMITTEE = "Ausschuss für Wirtschaft, Kultur und Verwaltung"


@pytest.fixture
def world():
    build_cities()
    city = Area.objects.get(code=LUDWIGSBURG)
    with oparl_server() as server:
        call_command("import_oparl", server.url("system"), stdout=StringIO())
        Membership.objects.create(user=user_in("planerin", PLANNERS), city=city)
        measure = MeasureFactory(city=city, scope=city, title="Strategieprozess im Trialog", published=True)
        yield {"server": server, "measure": measure}


@pytest.mark.parametrize("screen", SCREENS)
def test_a_planner_links_a_paper_and_the_measure_page_shows_the_decision(
    live_server, chromium, basemap, world, screen
):
    measure, server = world["measure"], world["server"]
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/planung/massnahmen/{measure.pk}/", screen=screen)
    sign_in(page, "planerin")
    page.wait_for_url(f"{live_server.url}/planung/massnahmen/{measure.pk}/")
    section = page.locator("#papers")
    expect(section.get_by_role("heading", name="Ratsvorlagen")).to_be_visible()
    expect(section.locator("#linked-papers-none")).to_have_text("Noch keine Ratsvorlage verknüpft.")

    # the planner types the reference and sends it with Enter
    search = page.get_by_label("Ratsvorlage suchen: Vorlagennummer oder Stichwort")
    search.fill("Vorl.Nr. 354/20")
    search.press("Enter")
    page.wait_for_url(f"**/planung/massnahmen/{measure.pk}/vorlagen/?q=*")
    results = page.locator("#paper-results li")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("354/20")
    expect(results.first).to_contain_text(TITLE)
    check_page(page)
    link = page.get_by_role("button", name="Vorlage 354/20 verknüpfen")
    link.focus()
    page.keyboard.press("Enter")

    page.wait_for_url(f"{live_server.url}/planung/massnahmen/{measure.pk}/#papers")
    expect(page.locator(".mo-messages")).to_contain_text("Ratsvorlage 354/20 ist mit der Maßnahme verknüpft.")
    linked = page.locator("#linked-papers li")
    expect(linked).to_have_count(1)
    expect(linked.first).to_contain_text("354/20")
    expect(linked.first).to_contain_text(COMMITTEE)
    assert MeasurePaper.objects.filter(measure=measure, paper__reference="354/20").count() == 1

    # the public page: the council decision with date, committee, result and both links
    page.goto(f"{live_server.url}/massnahmen/{measure.pk}/")
    decisions = page.locator("#council-decisions")
    expect(decisions.get_by_role("heading", name="Ratsbeschlüsse")).to_be_visible()
    item = decisions.locator(".paper-decision")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Vorlage 354/20")
    expect(item).to_contain_text("26. Januar 2021")
    expect(item).to_contain_text(COMMITTEE)
    expect(item).to_contain_text("Beschlossen")
    source = item.get_by_role("link", name="im Ratsinformationssystem")
    expect(source).to_have_attribute("href", server.url("web/vorlage/354-20"))
    assert scroll_overflow(page) == 0

    # and on to our paper page, which leads back to the measure
    item.get_by_role("link", name=f"Vorlage 354/20: {TITLE}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("354/20")
    page.locator("#paper-linked").get_by_role("link", name=measure.title).click()
    page.wait_for_url(f"{live_server.url}/massnahmen/{measure.pk}/")
    watch.assert_clean()


@pytest.mark.parametrize("screen", SCREENS)
def test_a_council_member_finds_the_measures_of_a_paper(live_server, chromium, basemap, world, screen):
    measure = world["measure"]
    MeasurePaper.objects.create(measure=measure, paper_id=_paper_pk("354/20"))
    hidden = MeasureFactory(city=measure.city, scope=measure.city, title="Entwurf", published=False)
    MeasurePaper.objects.create(measure=hidden, paper_id=_paper_pk("354/20"))
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/rat/", screen=screen)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ratsvorlagen")
    expect(page.locator("#paper-table tbody tr")).to_have_count(5)
    search = page.get_by_label("Vorlagennummer oder Titel")
    search.fill("354/20")
    search.press("Enter")
    rows = page.locator("#paper-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(COMMITTEE)
    check_page(page)

    rows.first.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("354/20")
    expect(page.locator("#paper-consultations")).to_contain_text("Beschlussfassung")
    expect(page.locator("#paper-consultations")).to_contain_text("26. Januar 2021")
    expect(page.locator("#paper-files li")).to_have_count(2)
    linked = page.locator("#paper-linked li")
    expect(linked).to_have_count(1)  # the unpublished measure is not shown
    expect(linked.first).to_have_text(f"Maßnahme: {measure.title}")
    check_page(page)

    linked.first.get_by_role("link").click()
    page.wait_for_url(f"{live_server.url}/massnahmen/{measure.pk}/")
    expect(page.locator("#council-decisions")).to_contain_text("354/20")
    watch.assert_clean()


def _paper_pk(reference: str) -> int:
    from council.models import Paper

    return Paper.objects.get(reference=reference).pk
