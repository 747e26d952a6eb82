"""The Quartier profile lists the development plans touching it, in Chromium on a desktop and a phone
(390 px): imported from an XPlanGML file the test writes, with number, legal status, date and share;
a name holding markup shows as text; nothing scrolls sideways. (Its own module: the grid is
committed here, transactional_db.)"""

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from quartiere.models import Area
from tests.axe import assert_accessible
from tests.browser import DESKTOP, NARROW, PHONE, Watch, scroll_overflow
from tests.plans.conftest import C_AGS, O_AGS, build_grid
from tests.plans.xplan_files import Plan, rect, write

pytestmark = [pytest.mark.browser]


def two_plans(tmp_path, ags: str | None) -> None:
    """The grid (committed) and two plans: B-12 over Alpha and Beta, with markup in its name; F-1 in Beta."""
    build_grid()
    path = write(
        tmp_path / "plans.gml",
        Plan(
            number="B-12",
            name="<script>window.hacked=1</script>Am Bach",
            polygons=[rect(100, 100, 1900, 600)],
        ),
        Plan(kind="FP", number="F-1", status="2000", in_force=None, polygons=[rect(1200, 100, 1900, 900)]),
        ags=ags,
    )
    call_command("import_xplan", str(path), stdout=StringIO())


@pytest.mark.parametrize("screen", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_profile_lists_the_plans_touching_the_quartier(
    transactional_db, live_server, chromium, basemap, tmp_path, screen
):
    two_plans(tmp_path, ags=None)
    alpha = Area.objects.get(code="A")
    watch = Watch()

    page = watch.open(chromium, f"{live_server.url}/quartiere/{alpha.slug}/", screen=screen)

    section = page.locator("section[aria-labelledby=plans-heading]")
    section.scroll_into_view_if_needed()
    assert section.get_by_role("heading", name="Bauleitpläne").is_visible()
    rows = section.locator("tbody tr")
    assert rows.count() == 1  # the FP plan lies wholly in Beta
    cells = rows.first.locator("td").all_inner_texts()
    assert cells[0] == "<script>window.hacked=1</script>Am Bach"  # shown as text
    assert cells[1:4] == ["B-12", "BP", "In Kraft getreten"]
    assert cells[4] == "15.07.2021"
    assert cells[5].replace("\u00a0", " ") == "50 %"
    assert page.evaluate("window.hacked") is None
    assert scroll_overflow(page) == 0
    watch.assert_clean()


@pytest.mark.parametrize("screen", [DESKTOP, NARROW], ids=["desktop", "320px"])
def test_a_visitor_finds_the_city_s_plans_by_keyboard_and_opens_a_quartier(
    transactional_db, live_server, chromium, basemap, tmp_path, screen, monkeypatch
):
    monkeypatch.setattr("planning.cities.PLANS_PAGE", 1)  # a plan to a page: the page links in use
    two_plans(tmp_path, ags=C_AGS)
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/staedte/{C_AGS}/", screen=screen)

    # the city's facts name the plans and link to them
    link = page.locator("dl.city-facts a", has_text="2")
    expect(link).to_have_attribute("href", f"/staedte/{C_AGS}/bauleitplaene/")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/staedte/{C_AGS}/bauleitplaene/")
    expect(page.locator("h1")).to_have_text("Bauleitpläne in Stadt")
    expect(page.locator("#plans-count")).to_have_text(
        "2 Bauleitpläne aus den XPlanGML-Dateien der Stadt. · Seite 1 von 2"
    )
    expect(page.locator("main h2")).to_have_text(["Bebauungspläne"])
    row = page.locator("tr", has_text="B-12")
    expect(row.locator("th")).to_have_text("<script>window.hacked=1</script>Am Bach")  # as text
    expect(row.locator("td").nth(1)).to_have_text("In Kraft getreten")
    expect(row.locator("li")).to_have_text(["Alpha (50\u00a0%)", "Beta (50\u00a0%)"])
    assert scroll_overflow(page) == 0  # the tables scroll in their own region, the page does not
    region = page.get_by_role("region", name="Bebauungspläne Tabelle")
    region.focus()  # a keyboard user can scroll a wide table
    expect(region).to_be_focused()
    assert_accessible(page)

    # the next page and back, keyboard only
    pages = page.get_by_role("navigation", name="Seiten")
    expect(pages).to_contain_text("Seite 1 von 2")
    pages.get_by_role("link", name="Nächste Seite").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/bauleitplaene/?page=2")
    expect(page.locator("main h2")).to_have_text(["Flächennutzungspläne"])
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr td").first).to_have_text("F-1")
    assert scroll_overflow(page) == 0
    pages.get_by_role("link", name="Vorige Seite").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/bauleitplaene/?page=1")
    expect(row.locator("th")).to_be_visible()

    # searching by number, keyboard only: type, Enter
    search = page.get_by_label("Nummer oder Name")
    search.focus()
    page.keyboard.type("b-12")
    page.keyboard.press("Enter")
    page.wait_for_url("**/bauleitplaene/?q=b-12&rechtsstand=")
    expect(page.locator("#plans-count")).to_have_text("1 von 2 Bauleitplänen")
    expect(page.locator("main h2")).to_have_text(["Bebauungspläne"])
    expect(page.get_by_role("navigation", name="Seiten")).to_have_count(0)  # one page
    expect(page.get_by_label("Nummer oder Name")).to_have_value("b-12")
    assert scroll_overflow(page) == 0

    quartier = row.get_by_role("link", name="Alpha")
    quartier.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/staedte/{C_AGS}/quartiere/alpha/")
    expect(page.locator("h1")).to_have_text("Alpha")
    plans = page.locator("section[aria-labelledby=plans-heading] tbody tr")
    expect(plans).to_have_count(1)
    expect(plans.first.locator("td").nth(1)).to_have_text("B-12")
    assert page.evaluate("window.hacked") is None
    watch.assert_clean()


@pytest.mark.parametrize("screen", [DESKTOP, NARROW], ids=["desktop", "320px"])
def test_a_joint_plan_leads_from_one_member_city_s_list_to_the_other_s_by_keyboard(
    transactional_db, live_server, chromium, basemap, tmp_path, screen
):
    build_grid()
    joint = Plan(kind="FP", number="F-7", name="Gemeinsamer FNP", polygons=[rect(1500, 100, 3500, 900)])
    path = write(tmp_path / "fnp.gml", Plan(**{**joint.__dict__, "ags": C_AGS, "also": (O_AGS,)}), ags="")
    call_command("import_xplan", str(path), stdout=StringIO())
    watch = Watch()
    page = watch.open(chromium, f"{live_server.url}/staedte/{C_AGS}/bauleitplaene/", screen=screen)

    row = page.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator(".plan-joint")).to_have_text("Gemeinsamer Plan mit Andere")
    expect(row.locator("li")).to_have_text(["Beta (100\u00a0%)"])  # its part in this city
    assert scroll_overflow(page) == 0
    assert_accessible(page)

    row.get_by_role("link", name="Andere").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/staedte/{O_AGS}/bauleitplaene/?q=F-7")
    expect(page.locator("h1")).to_have_text("Bauleitpläne in Andere")
    expect(page.get_by_label("Nummer oder Name")).to_have_value("F-7")
    expect(row.locator("th")).to_contain_text("Gemeinsamer FNP")
    expect(row.locator(".plan-joint")).to_have_text("Gemeinsamer Plan mit Stadt")
    expect(row.locator("li")).to_have_text(["Delta (100\u00a0%)"])  # the other city's own Quartier
    assert scroll_overflow(page) == 0
    watch.assert_clean()
