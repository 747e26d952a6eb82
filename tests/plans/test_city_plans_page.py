"""``/staedte/<ags>/bauleitplaene/``: a city's development plans, by kind and number, with legal status,
dates and the Quartiere each touches (linked to their profiles); the city's page links to it."""

import re
from io import StringIO

import lxml.html
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from plans.models import DevelopmentPlan
from tests.plans.conftest import C_AGS, O_AGS
from tests.plans.xplan_files import Plan, rect, write

PAGE = f"/staedte/{C_AGS}/bauleitplaene/"
EVIL = "<script>window.hacked=1</script>Am Bach"
FNP_AREA = rect(1100, 100, 1900, 900)


def import_plans(tmp_path, *plans: Plan) -> None:
    path = write(tmp_path / "plans.gml", *plans, ags=C_AGS)
    call_command("import_xplan", str(path), stdout=StringIO())


def three_plans(tmp_path) -> None:
    import_plans(
        tmp_path,
        # across Alpha (0–1000) and Beta (1000–2000): ≈50 % in each
        Plan(number="B-2", name="Am Markt", polygons=[rect(100, 100, 1900, 600)]),
        Plan(number="B-1", name=EVIL, polygons=[rect(100, 100, 900, 900)]),
        Plan(kind="FP", number="F-1", name="FNP", status="2000", in_force=None, polygons=[FNP_AREA]),
    )


def text(element) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip().replace("\u00a0", " ")


def page(path: str = PAGE, **headers) -> lxml.html.HtmlElement:
    response = Client().get(path, **headers)
    assert response.status_code == 200, response.status_code
    return lxml.html.fromstring(response.content)


def test_the_city_lists_its_plans_by_kind_and_number_with_status_dates_and_quartiere(grid, tmp_path):
    three_plans(tmp_path)
    html = page()

    assert text(html.xpath("//h1")[0]) == "Bauleitpläne in Stadt"
    assert text(html.get_element_by_id("plans-count")) == "3 Bauleitpläne aus den XPlanGML-Dateien der Stadt."
    assert [text(h) for h in html.xpath("//main//h2")] == ["Bebauungspläne", "Flächennutzungspläne"]
    bp, fp = html.xpath("//table[contains(@class, 'development-plans')]")
    rows = [[text(cell) for cell in row.xpath("td | th")] for row in bp.xpath(".//tbody/tr")]
    assert [row[:5] for row in rows] == [
        ["B-1", EVIL, "In Kraft getreten", "01.03.2019", "15.07.2021"],
        ["B-2", "Am Markt", "In Kraft getreten", "01.03.2019", "15.07.2021"],
    ]
    quartiere = [[text(li) for li in row.xpath(".//li")] for row in bp.xpath(".//tbody/tr")]
    assert quartiere == [["Alpha (100 %)"], ["Alpha (50 %)", "Beta (50 %)"]]  # largest share first
    (fnp,) = fp.xpath(".//tbody/tr")
    assert [text(cell) for cell in fnp.xpath("td | th")][1:] == [
        "FNP",
        "Entwurf",
        "01.03.2019",
        "–",
        "Beta (100 %)",
    ]
    links = {text(a): a.get("href") for a in bp.xpath(".//a")}
    assert links == {
        "Alpha": f"/staedte/{C_AGS}/quartiere/alpha/",
        "Beta": f"/staedte/{C_AGS}/quartiere/beta/",
    }
    for href in links.values():
        assert Client().get(href).status_code == 200
    # GIS staff: the plans' areas of this city in the OGC API
    (ogc,) = html.xpath("//main//a[normalize-space()='Die Geltungsbereiche der Pläne (OGC API)']")
    assert f"city={grid[C_AGS].pk}" in ogc.get("href")
    assert Client().get(ogc.get("href")).status_code == 200
    features = Client().get(ogc.get("href").replace("f=html", "f=json")).json()["features"]
    assert sorted(feature["properties"]["number"] for feature in features) == ["B-1", "B-2", "F-1"]


def test_a_plan_name_is_text(grid, tmp_path):
    three_plans(tmp_path)
    body = Client().get(PAGE).content.decode()
    assert "&lt;script&gt;window.hacked=1&lt;/script&gt;Am Bach" in body
    assert "<script>window.hacked" not in body


def test_the_city_page_links_to_its_plans_with_their_number(grid, tmp_path):
    three_plans(tmp_path)
    html = page(f"/staedte/{C_AGS}/")
    (link,) = html.xpath("//dt[normalize-space()='Bauleitpläne']/following-sibling::dd[1]/a")
    assert link.get("href") == PAGE and text(link) == "3"


def test_a_city_without_plans_says_so_and_an_unknown_key_is_a_404(grid, tmp_path):
    three_plans(tmp_path)
    other = page(f"/staedte/{O_AGS}/bauleitplaene/")
    assert (
        text(other.get_element_by_id("plans-count")) == "0 Bauleitpläne aus den XPlanGML-Dateien der Stadt."
    )
    assert "Von dieser Stadt sind noch keine Bauleitpläne importiert." in text(other.xpath("//main")[0])
    assert not other.xpath("//table")
    assert Client().get("/staedte/08999999/bauleitplaene/").status_code == 404


def test_it_speaks_english_when_asked(grid, tmp_path):
    three_plans(tmp_path)
    html = page(HTTP_ACCEPT_LANGUAGE="en")
    assert text(html.xpath("//h1")[0]) == "Development plans in Stadt"
    assert [text(h) for h in html.xpath("//main//h2")][0] == "Binding land-use plans (Bebauungspläne)"


def test_the_page_reads_the_same_number_of_statements_for_one_plan_or_many(grid, tmp_path):
    import_plans(tmp_path, Plan(number="1"))
    with CaptureQueriesContext(connection) as one:
        Client().get(PAGE)
    import_plans(
        tmp_path, *(Plan(number=str(n), polygons=[rect(100 + n, 100, 1900, 600)]) for n in range(1, 9))
    )
    with CaptureQueriesContext(connection) as many:
        html = page()
    assert len(html.xpath("//tbody/tr")) == 8
    assert len(many.captured_queries) == len(one.captured_queries)


def test_a_search_by_number_or_name_and_a_status_keeps_the_matching_plans(grid, tmp_path):
    three_plans(tmp_path)

    def numbers(query: str) -> list[str]:
        html = page(PAGE + query)
        return [text(row.xpath("td")[0]) for row in html.xpath("//tbody/tr")]

    assert numbers("?q=b-1") == ["B-1"]  # the number, case ignored
    assert numbers("?q=MARKT") == ["B-2"]  # the name
    assert numbers("?rechtsstand=preparing") == ["F-1"]  # a draft FNP: in preparation
    assert numbers("?rechtsstand=in_force&q=am") == ["B-1", "B-2"]
    html = page(PAGE + "?rechtsstand=preparing&q=fnp")
    assert text(html.get_element_by_id("plans-count")) == "1 von 3 Bauleitplänen"
    assert html.get_element_by_id("plan-q").get("value") == "fnp"  # the form shows the search
    assert html.xpath("//select[@id='plan-status']/option[@selected]/@value") == ["preparing"]
    assert [text(li) for li in html.xpath("//tbody//li")] == ["Beta (100 %)"]  # with its Quartiere
    empty = page(PAGE + "?q=nirgends")
    assert text(empty.get_element_by_id("plans-count")) == "0 von 3 Bauleitplänen"
    assert "Kein Plan passt zu dieser Suche." in text(empty.xpath("//main")[0])


def test_a_bad_status_or_search_is_a_400_naming_the_parameter(grid, tmp_path):
    three_plans(tmp_path)
    for query, parameter in (("?rechtsstand=gueltig", "rechtsstand"), ("?q=" + "x" * 101, "q")):
        response = Client().get(PAGE + query)
        assert response.status_code == 400, query
        html = lxml.html.fromstring(response.content)
        assert html.get_element_by_id("error-parameter").get("data-parameter") == parameter
    assert "in_force" in Client().get(PAGE + "?rechtsstand=x").content.decode()  # the values allowed


def test_a_long_list_comes_in_pages_whose_links_keep_the_search(grid, tmp_path, monkeypatch):
    monkeypatch.setattr("planning.cities.PLANS_PAGE", 3)
    import_plans(
        tmp_path,
        *(
            Plan(number=f"B-{n}", name=f"Plan {n}", polygons=[rect(100 + n, 100, 1900, 600)])
            for n in range(1, 8)
        ),
        Plan(kind="FP", number="F-1", name="FNP", status="2000", in_force=None, polygons=[FNP_AREA]),
    )

    def numbers(html) -> list[str]:
        return [text(row.xpath("td")[0]) for row in html.xpath("//tbody/tr")]

    first = page()
    assert numbers(first) == ["B-1", "B-2", "B-3"]
    assert text(first.get_element_by_id("plans-count")) == (
        "8 Bauleitpläne aus den XPlanGML-Dateien der Stadt. · Seite 1 von 3"
    )
    (nav,) = first.xpath("//nav[@aria-label='Seiten']")
    assert [text(a) for a in nav.xpath(".//a")] == ["Nächste Seite"]
    last = page(PAGE + "?page=3")
    assert numbers(last) == ["B-7", "F-1"]  # the Flächennutzungsplan after every Bebauungsplan
    assert [text(h) for h in last.xpath("//main//h2")] == ["Bebauungspläne", "Flächennutzungspläne"]
    assert [a.get("rel") for a in last.xpath("//nav[@aria-label='Seiten']//a")] == ["prev"]
    assert page(PAGE + "?page=3").xpath("//a[@rel='prev']/@href") == ["?page=2"]

    searched = page(PAGE + "?q=plan&rechtsstand=in_force")  # the seven Bebauungspläne
    assert text(searched.get_element_by_id("plans-count")) == "7 von 8 Bauleitplänen · Seite 1 von 3"
    (following,) = searched.xpath("//a[@rel='next']/@href")
    assert "q=plan" in following and "rechtsstand=in_force" in following and "page=2" in following
    assert numbers(page(PAGE + following)) == ["B-4", "B-5", "B-6"]

    with CaptureQueriesContext(connection) as one:
        page()
    with CaptureQueriesContext(connection) as other:
        page(PAGE + "?page=2")
    assert len(one.captured_queries) == len(other.captured_queries)

    for query, reason in (
        ("?page=4", "gibt es nur 3 Seiten."),
        ("?q=F-1&page=2", "gibt es nur 1 Seite."),
        ("?page=0", "ganze Zahl"),
        ("?page=x", "ganze Zahl"),
    ):
        response = Client().get(PAGE + query)
        assert response.status_code == 400, query
        html = lxml.html.fromstring(response.content)
        assert html.get_element_by_id("error-parameter").get("data-parameter") == "page"
        assert reason in text(html.get_element_by_id("error-parameter")), query
        assert html.xpath("//main//a[normalize-space()='Alle Städte']/@href") == ["/staedte/"]


def test_a_joint_plan_is_listed_by_each_of_its_cities_with_their_own_quartiere(grid, tmp_path):
    joint = Plan(kind="FP", number="F-7", name="Gemeinsamer FNP", polygons=[rect(1500, 100, 3500, 900)])
    path = write(tmp_path / "fnp.gml", Plan(**{**joint.__dict__, "ags": C_AGS, "also": (O_AGS,)}), ags="")
    call_command("import_xplan", str(path), stdout=StringIO())

    for ags, quartier, own, partner, other in (
        (C_AGS, "Beta (100 %)", "Stadt", "Andere", O_AGS),
        (O_AGS, "Delta (100 %)", "Andere", "Stadt", C_AGS),
    ):
        html = page(f"/staedte/{ags}/bauleitplaene/")
        (row,) = html.xpath("//tbody/tr")
        assert text(row.xpath("th")[0]) == f"Gemeinsamer FNP Gemeinsamer Plan mit {partner}"
        assert [text(li) for li in row.xpath(".//li")] == [quartier]
        # the partner's link finds the same plan in the partner's own list, with its own Quartiere
        (link,) = row.xpath(".//th//a")
        assert link.get("href") == f"/staedte/{other}/bauleitplaene/?q=F-7"
        (there,) = page(link.get("href")).xpath("//tbody/tr")
        assert text(there.xpath("th")[0]) == f"Gemeinsamer FNP Gemeinsamer Plan mit {own}"

    # the Quartier's profile says so too
    profile = page(f"/staedte/{C_AGS}/quartiere/beta/")
    (row,) = profile.xpath("//section[@aria-labelledby='plans-heading']//tbody/tr")
    assert text(row.xpath("td")[0]) == "Gemeinsamer FNP Gemeinsamer Plan mit Andere"
    assert row.xpath(".//a/@href") == [f"/staedte/{O_AGS}/bauleitplaene/?q=F-7"]

    # a member that is no city of the service is named by its AGS, unlinked, in the file's order;
    # a plan of one municipality says nothing
    import_plans(tmp_path, Plan(number="B-1", name="Allein", polygons=[rect(100, 100, 900, 900)]))
    dreier = Plan(kind="FP", number="F-8", name="Dreier", polygons=[rect(100, 100, 900, 900)], ags="08999999")
    path = write(tmp_path / "fnp2.gml", Plan(**{**dreier.__dict__, "also": (C_AGS, O_AGS)}), ags="")
    with pytest.raises(CommandError):  # O is named but not reached: refused, nothing stored
        call_command("import_xplan", str(path), stdout=StringIO())
    assert not DevelopmentPlan.objects.filter(number="F-8").exists()
    path = write(tmp_path / "fnp2.gml", Plan(**{**dreier.__dict__, "also": (C_AGS,)}), ags="")
    call_command("import_xplan", str(path), stdout=StringIO())
    rows = {text(row.xpath("td")[0]): row for row in page().xpath("//tbody/tr")}
    assert text(rows["B-1"].xpath("th")[0]) == "Allein"
    assert text(rows["F-8"].xpath("th")[0]) == "Dreier Gemeinsamer Plan mit der Gemeinde mit AGS 08999999"
    assert rows["F-8"].xpath(".//th//a") == []
    english = {text(row.xpath("td")[0]): row for row in page(HTTP_ACCEPT_LANGUAGE="en").xpath("//tbody/tr")}
    assert text(english["F-7"].xpath("th")[0]) == "Gemeinsamer FNP Joint plan with Andere"


def test_a_sliver_of_a_plan_in_a_quartier_reads_under_1_percent_in_the_page_s_language(grid, tmp_path):
    import_plans(tmp_path, Plan(number="B-9", polygons=[rect(100, 100, 1002, 900)]))  # 2 m into Beta
    assert [text(li) for li in page().xpath("//tbody//li")] == ["Alpha (100 %)", "Beta (unter 1 %)"]
    english = page(HTTP_ACCEPT_LANGUAGE="en")
    assert [text(li) for li in english.xpath("//tbody//li")] == ["Alpha (100%)", "Beta (under 1 %)"]
