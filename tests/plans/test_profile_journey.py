"""The Quartier profile lists the development plans touching it, in Chromium on a desktop and a phone
(390 px): imported from an XPlanGML file the test writes, with number, legal status, date and share;
a name holding markup shows as text; nothing scrolls sideways. (Its own module: the grid is
committed here, transactional_db.)"""

from io import StringIO

import pytest
from django.core.management import call_command

from quartiere.models import Area
from tests.browser import DESKTOP, PHONE, Watch, scroll_overflow
from tests.plans.conftest import build_grid
from tests.plans.xplan_files import Plan, rect, write

pytestmark = [pytest.mark.browser]


@pytest.mark.parametrize("screen", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_profile_lists_the_plans_touching_the_quartier(
    transactional_db, live_server, chromium, basemap, tmp_path, screen
):
    build_grid()
    path = write(
        tmp_path / "plans.gml",
        Plan(
            number="B-12",
            name="<script>window.hacked=1</script>Am Bach",
            polygons=[rect(100, 100, 1900, 600)],
        ),
        Plan(kind="FP", number="F-1", status="2000", in_force=None, polygons=[rect(1200, 100, 1900, 900)]),
        ags=None,
    )
    call_command("import_xplan", str(path), stdout=StringIO())
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
