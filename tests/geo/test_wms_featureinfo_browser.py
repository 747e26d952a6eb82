"""The HTML answer of WMS GetFeatureInfo in Chromium: styled by its style sheet from this origin under
its strict Content-Security-Policy (no inline style), without a single CSP complaint."""

from urllib.parse import urlencode

import pytest

from tests.browser import DESKTOP, PHONE, Watch
from tests.fixtures import load_demo_committed
from tests.geo.test_wms_featureinfo import SIZE, pixel
from tests.geo.wms_support import CITY_25832, MITTE_25832

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def feature_info_url(base: str) -> str:
    i, j = pixel(*MITTE_25832)
    params = {
        "SERVICE": "WMS",
        "VERSION": "1.3.0",
        "REQUEST": "GetFeatureInfo",
        "LAYERS": "quartiere",
        "QUERY_LAYERS": "quartiere",
        "STYLES": "",
        "CRS": "EPSG:25832",
        "BBOX": ",".join(str(v) for v in CITY_25832),
        "WIDTH": SIZE[0],
        "HEIGHT": SIZE[1],
        "I": i,
        "J": j,
        "INFO_FORMAT": "text/html",
    }
    return f"{base}/ows?{urlencode(params)}"


@pytest.mark.parametrize("screen", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_feature_info_page_is_styled_without_a_csp_violation(chromium, live_server, screen):
    load_demo_committed()
    watch = Watch()
    violations = []
    context = watch.context(chromium, screen=screen)
    page = context.new_page()
    # Chromium reports a refused inline style or resource as a console error, and fires this event
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e =>"
        " (window.__violations = window.__violations || []).push(e.violatedDirective + ' ' + e.blockedURI))"
    )
    responses = []
    page.on("response", lambda r: responses.append((r.url, r.status)))

    page.goto(feature_info_url(live_server.url))

    # what the person sees: the Quartier's name as a heading and its attributes in a table
    assert page.locator("h2").first.inner_text() == "Quartiere (Stadtteile)"
    assert page.get_by_role("cell", name="Mitte", exact=True).is_visible()
    # and styled by the sheet: collapsed borders, grey header cells, the small type
    table = page.locator("table").first
    assert table.evaluate("t => getComputedStyle(t).borderCollapse") == "collapse"
    assert page.locator("th").first.evaluate("th => getComputedStyle(th).color") == "rgb(85, 85, 85)"
    assert page.locator("body").evaluate("b => getComputedStyle(b).fontSize") == "13px"
    assert (f"{live_server.url}/static/geo/featureinfo.css", 200) in responses
    violations += page.evaluate("window.__violations || []")
    assert violations == []
    page.screenshot(path=f"/tmp/featureinfo-{screen['width']}.png")
    watch.assert_clean()
    context.close()
