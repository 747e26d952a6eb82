"""The measure form of the planners' back office (/planung/massnahmen/neu/, /planung/massnahmen/<id>/),
its budget table and the confirmations before deleting: every write through measures.services, errors
beside their fields, stale saves shown with the planner's input kept and nothing overwritten. The grid
of tests/measures/conftest.py (city C: Quartiere A, B; city O: Quartier D), in EPSG:25832."""

import json
import re
from decimal import Decimal
from html import unescape

import pytest

from geo.permissions import MODERATORS, PLANNERS
from measures.models import BudgetLine, Measure
from measures.services import budget_line_create, measure_create, measure_update
from staff.models import Membership
from tests.fixtures import body, point, square, user_in
from tests.measures.conftest import counts
from tests.measures.factories import StrategicGoalFactory

NEW = "/planung/massnahmen/neu/"
TEXT = "{{ 6*7 }} {# x #} <script>alert(1)</script>"


def lonlat(geometry) -> str:
    """GeoJSON in EPSG:4326 of a geometry in EPSG:25832, as the map's hidden field carries it."""
    return geometry.transform(4326, clone=True).json


def page(measure_id: int) -> str:
    return f"/planung/massnahmen/{measure_id}/"


@pytest.fixture
def signed_in(client, planner):
    client.force_login(planner)
    return client


def form_data(grid, **changes) -> dict:
    data = {
        "title": "Grünzug Alpha",
        "description": "Bäume pflanzen",
        "rationale": "zu heiß im Sommer",
        "tags": "Bäume, Hitze , bäume,",
        "city": grid["C"].pk,
        "status": "idea",
        "responsible_unit": "Stadtplanung",
        "start_date": "2025-04-01",
        "end_date": "2026-10-31",
        "principles": ["integrated", "place_based"],
        "dimensions": ["green"],
        "place": "geometry",
        "geom": lonlat(square(100, 100, 400, 400)),
        "scope": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def edit_data(measure: Measure, grid, **changes) -> dict:
    return form_data(
        grid, **{"title": measure.title, "status": measure.status, "version": measure.version, **changes}
    )


def error_of(response, field_id: str) -> str:
    """The text of the error beside the field with id ``field_id``."""
    html = response.content.decode()
    match = re.search(rf'id="{field_id}-error">(.*?)</', html, re.S)
    assert match, f"no error beside {field_id}"
    return unescape(match.group(1))


def value_of(response, name: str) -> str:
    html = response.content.decode()
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'<textarea name="{name}"[^>]*>\s*(.*?)</textarea>', html, re.S
    )
    assert match, name
    return unescape(match.group(1))


class TestAccess:
    def test_anonymous_users_are_sent_to_the_login_and_nothing_changes(self, client, grid):
        before = counts()
        response = client.post(NEW, form_data(grid))
        assert response.status_code == 302 and response["Location"].startswith("/planung/anmelden/")
        assert counts() == before

    @pytest.mark.parametrize("group", [None, MODERATORS])
    def test_citizens_and_moderators_get_403_and_nothing_changes(self, client, grid, group):
        measure = measure_create(city=grid["C"], title="Bank", geom=point(10, 10))
        client.force_login(user_in("someone", group))
        before = counts()
        assert client.post(NEW, form_data(grid)).status_code == 403
        assert client.get(page(measure.pk)).status_code == 403
        assert client.post(page(measure.pk), edit_data(measure, grid)).status_code == 403
        assert client.post(page(measure.pk) + "loeschen/", {"version": 1}).status_code == 403
        assert client.post(page(measure.pk) + "haushalt/", {}).status_code == 403
        assert counts() == before

    def test_a_planner_of_another_city_gets_403(self, client, grid):
        measure = measure_create(city=grid["C"], title="Bank", geom=point(10, 10))
        user = user_in("o-planner", PLANNERS)
        Membership.objects.create(user=user, city=grid["O"])
        client.force_login(user)
        before = counts()
        assert client.get(page(measure.pk)).status_code == 403
        assert client.post(page(measure.pk), edit_data(measure, grid, title="X")).status_code == 403
        # C is no city offered on the form; a hand-made POST naming it is refused as in the API
        assert client.post(NEW, form_data(grid)).status_code == 403
        assert client.post(NEW, form_data(grid, city="999999")).status_code == 400
        assert counts() == before

    def test_an_unknown_measure_is_404(self, signed_in, grid):
        assert signed_in.get(page(999999)).status_code == 404


class TestCreate:
    def test_it_offers_every_field_with_a_label(self, signed_in, grid):
        response = signed_in.get(NEW, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        html = response.content.decode()
        for name in (
            "title",
            "description",
            "rationale",
            "tags",
            "city",
            "status",
            "responsible_unit",
            "start_date",
            "end_date",
            "master_plan",
            "scope",
        ):
            assert f'<label for="id_{name}">' in html, name
        for legend in ("Principles", "Dimensions", "Strategic goals", "Where the measure applies"):
            assert f"<legend>{legend}</legend>" in html
        config = json.loads(re.search(r'id="measure-map-config"[^>]*>(.*?)</script>', html).group(1))
        assert config["geoman"]["buttonTitles"]["drawPolyButton"] == "Draw an area"
        # the map starts in the first of the planner's cities: the home city (staff.scope.owner_choices)
        assert config["areasUrl"].endswith("level=quartier&limit=1000&parent=")
        assert config["city"] == grid["C"].pk  # C has the Quartiere; O comes first by name
        assert config["view"]["bounds"]

    def test_it_creates_a_measure_drawn_on_the_map(self, signed_in, grid, planner):
        goal = StrategicGoalFactory()
        response = signed_in.post(NEW, form_data(grid, strategic_goals=[goal.pk]))
        measure = Measure.objects.get()
        assert response.status_code == 302 and response["Location"] == page(measure.pk)
        assert measure.title == "Grünzug Alpha" and measure.rationale == "zu heiß im Sommer"
        assert measure.tags == ["Bäume", "Hitze"]  # trimmed, repeats dropped
        assert measure.geom.srid == 25832 and measure.geom.geom_type == "MultiPolygon"
        assert abs(measure.geom.area - 90_000) < 50
        assert measure.scope is None and measure.published is False
        assert list(measure.strategic_goals.all()) == [goal]
        assert measure.history.get().history_user == planner
        assert {link.area.code for link in measure.area_links.all()} >= {"A", "C"}
        shown = signed_in.get(response["Location"]).content.decode()
        assert "Bäume, Hitze" in shown

    def test_it_creates_a_measure_for_a_declared_scope(self, signed_in, grid):
        response = signed_in.post(NEW, form_data(grid, place="scope", scope=grid["B"].pk))
        assert response.status_code == 302
        measure = Measure.objects.get()
        assert measure.geom is None and measure.scope == grid["B"]

    @pytest.mark.parametrize(
        "changes, field, reason",
        [
            ({"title": ""}, "id_title", "This field cannot be blank."),
            ({"geom": ""}, "measure-map", "a measure needs a geometry"),
            ({"place": "scope"}, "id_scope", "a measure needs a geometry"),
            ({"geom": '{"type": "Polygon", "coordinates": [[[9, 48], [9.1, 48]]]}'}, "measure-map", "ring"),
            ({"geom": "not json"}, "measure-map", ""),
            ({"end_date": "2020-01-01"}, "id_end_date", "must not be before the start date"),
            ({"start_date": "gestern"}, "id_start_date", "valid date"),
            ({"tags": ",".join(f"t{i}" for i in range(21))}, "id_tags", "at most 20 tags"),
            ({"tags": "x" * 41}, "id_tags", "at most 40 characters"),
            ({"status": "flying"}, "id_status", "valid choice"),
            ({"city": "abc"}, "id_city", "valid choice"),
            ({"title": "x" * 301}, "id_title", "at most 300 characters"),
        ],
    )
    def test_refused_input_is_shown_beside_its_field_and_nothing_is_stored(
        self, signed_in, grid, changes, field, reason
    ):
        before = counts()
        response = signed_in.post(NEW, form_data(grid, **changes), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        assert reason in error_of(response, field)
        html = response.content.decode()
        assert 'id="error-summary"' in html and f'href="#{field}"' in html
        if field.startswith("id_") and field != "id_status":
            assert f'aria-describedby="{field}' in html or f'id="{field}"' in html
        assert counts() == before
        # what the planner typed is still there
        assert value_of(response, "rationale") == "zu heiß im Sommer"

    def test_text_is_data(self, signed_in, grid):
        tags = "{{ 6*7 }}, <script>"
        response = signed_in.post(
            NEW, form_data(grid, title=TEXT, description=TEXT, rationale=TEXT, tags=tags)
        )
        measure = Measure.objects.get()
        assert (
            measure.title == TEXT and measure.rationale == TEXT and measure.tags == ["{{ 6*7 }}", "<script>"]
        )
        html = signed_in.get(response["Location"]).content.decode()
        escaped = "{{ 6*7 }} {# x #} &lt;script&gt;alert(1)&lt;/script&gt;"
        assert html.count(escaped) >= 4 and "<script>alert(1)" not in html and ">42<" not in html
        # refused, the same text comes back as text
        response = signed_in.post(NEW, form_data(grid, title="", description=TEXT))
        assert response.status_code == 400 and "<script>alert(1)" not in response.content.decode()


class TestEdit:
    @pytest.fixture
    def measure(self, grid):
        return measure_create(
            city=grid["C"], title="Radweg", geom=point(1500, 500), status="planned", tags=["Rad"]
        )

    def test_it_shows_the_stored_measure_with_its_version(self, signed_in, measure):
        response = signed_in.get(page(measure.pk))
        assert value_of(response, "title") == "Radweg" and value_of(response, "version") == "1"
        assert value_of(response, "tags") == "Rad"
        geom = json.loads(value_of(response, "geom"))
        assert geom["type"] == "Point" and 8 < geom["coordinates"][0] < 10

    def test_it_offers_only_the_statuses_the_service_allows(self, signed_in, measure):
        html = signed_in.get(page(measure.pk), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        select = html.split('name="status"', 1)[1].split("</select>", 1)[0]
        assert re.findall(r'value="(\w+)"', select) == ["planned", "decided", "stopped"]

    def test_it_saves_with_the_version_read(self, signed_in, measure, grid, planner):
        data = edit_data(
            measure, grid, title="Radweg Nord", status="decided", published="on", tags="Rad, Nord"
        )
        response = signed_in.post(page(measure.pk), data)
        assert response.status_code == 302
        measure.refresh_from_db()
        assert (measure.title, measure.status, measure.published, measure.version) == (
            "Radweg Nord",
            "decided",
            True,
            2,
        )
        assert measure.tags == ["Rad", "Nord"] and measure.geom.geom_type == "MultiPolygon"
        assert measure.history.first().history_user == planner
        assert body(signed_in.get(f"/api/measures/{measure.pk}/"))["tags"] == ["Rad", "Nord"]

    def test_a_status_the_service_refuses_is_shown_and_nothing_changes(self, signed_in, measure, grid):
        response = signed_in.post(page(measure.pk), edit_data(measure, grid, status="done"))
        assert response.status_code == 400 and error_of(response, "id_status")
        measure.refresh_from_db()
        assert measure.status == "planned" and measure.version == 1

    def test_a_stale_save_shows_the_conflict_keeps_the_input_and_overwrites_nothing(
        self, signed_in, measure, grid
    ):
        mine = edit_data(measure, grid, title="Mein Titel", rationale="meine Begründung")
        measure_update(measure_id=measure.pk, expected_versions=None, title="Ihr Titel", dimensions=["just"])
        before = counts()
        response = signed_in.post(page(measure.pk), mine, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 412
        html = response.content.decode()
        assert "Someone changed this measure since you opened it" in html
        changed = re.search(r'id="conflict-fields">(.*?)</span>', html).group(1)
        assert "title" in changed and "dimensions" in changed and "rationale" not in changed
        assert value_of(response, "title") == "Mein Titel"
        assert value_of(response, "rationale") == "meine Begründung"
        assert value_of(response, "version") == "2"  # saving again now is a knowing overwrite
        measure.refresh_from_db()
        assert measure.title == "Ihr Titel" and measure.version == 2 and counts() == before
        # the second save, made knowingly against version 2, goes through
        again = signed_in.post(page(measure.pk), {**mine, "version": "2"})
        assert again.status_code == 302
        measure.refresh_from_db()
        assert measure.title == "Mein Titel" and measure.version == 3

    def test_delete_asks_first_and_checks_the_version(self, signed_in, measure, grid):
        budget_line_create(measure=measure, fiscal_year=2025, amount=Decimal(10), kind="investment")
        confirm = signed_in.get(page(measure.pk) + "loeschen/", HTTP_ACCEPT_LANGUAGE="en")
        assert confirm.status_code == 200
        assert "Delete the measure “Radweg”?" in confirm.content.decode()
        assert Measure.objects.filter(pk=measure.pk).exists()
        measure_update(measure_id=measure.pk, expected_versions=None, title="Radweg 2")
        stale = signed_in.post(page(measure.pk) + "loeschen/", {"version": "1"})
        assert stale.status_code == 412 and Measure.objects.filter(pk=measure.pk).exists()
        done = signed_in.post(page(measure.pk) + "loeschen/", {"version": "2"})
        assert done.status_code == 302 and done["Location"] == "/planung/massnahmen/"
        assert not Measure.objects.filter(pk=measure.pk).exists() and not BudgetLine.objects.exists()


class TestBudget:
    @pytest.fixture
    def measure(self, grid):
        return measure_create(city=grid["C"], title="Radweg", geom=point(1500, 500))

    def line_data(self, **changes) -> dict:
        data = {
            "fiscal_year": "2025",
            "amount": "12500,50",
            "kind": "investment",
            "funding": "grant",
            "status": "planned",
            "note": "Förderprogramm",
        }
        data.update(changes)
        return data

    def test_it_adds_changes_and_deletes_lines(self, signed_in, measure):
        response = signed_in.post(page(measure.pk) + "haushalt/", self.line_data())
        assert response.status_code == 302 and response["Location"].endswith("#budget")
        line = BudgetLine.objects.get()
        assert (line.fiscal_year, line.amount, line.funding, line.note) == (
            2025,
            Decimal("12500.50"),
            "grant",
            "Förderprogramm",
        )
        html = signed_in.get(page(measure.pk)).content.decode()
        assert "Haushaltsjahr 2025: 12.500,50 €" in html and f'form="bl{line.pk}"' in html
        url = page(measure.pk) + f"haushalt/{line.pk}/"
        response = signed_in.post(url, self.line_data(amount="13000", status="approved", version="1"))
        assert response.status_code == 302
        line.refresh_from_db()
        assert (line.amount, line.status, line.version) == (Decimal("13000"), "approved", 2)
        assert signed_in.get(url + "loeschen/").status_code == 200
        assert signed_in.post(url + "loeschen/", {"version": "2"}).status_code == 302
        assert not BudgetLine.objects.exists()

    def test_it_groups_lines_by_fiscal_year(self, signed_in, measure):
        for year, amount in [(2026, "100"), (2025, "50"), (2026, "25")]:
            budget_line_create(measure=measure, fiscal_year=year, amount=Decimal(amount), kind="investment")
        html = signed_in.get(page(measure.pk), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert re.findall(r"Fiscal year (\d+): ([\d.,]+) €", html) == [("2025", "50.00"), ("2026", "125.00")]
        assert 'id="budget-total">175.00 €' in html

    @pytest.mark.parametrize(
        "changes, field",
        [
            ({"amount": "-5"}, "amount"),
            ({"fiscal_year": "1999"}, "fiscal_year"),
            ({"kind": "gift"}, "kind"),
            ({"amount": "viel"}, "amount"),
            ({"note": "x" * 1001}, "note"),
        ],
    )
    def test_refused_lines_are_shown_beside_the_field_and_nothing_is_stored(
        self, signed_in, measure, changes, field
    ):
        before = counts()
        response = signed_in.post(page(measure.pk) + "haushalt/", self.line_data(**changes))
        assert response.status_code == 400
        assert error_of(response, f"bl-new-{field}")
        assert 'id="new-line-errors"' in response.content.decode()
        assert counts() == before

    def test_a_stale_line_shows_the_conflict_and_keeps_the_input(self, signed_in, measure):
        line = budget_line_create(measure=measure, fiscal_year=2025, amount=Decimal(100), kind="investment")
        from measures.services import budget_line_update

        budget_line_update(
            budget_line_id=line.pk, expected_versions=None, amount=Decimal(200), note="<b>ihr</b>"
        )
        url = page(measure.pk) + f"haushalt/{line.pk}/"
        response = signed_in.post(
            url, self.line_data(amount="300", note="meine", version="1"), HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == 412
        html = response.content.decode()
        assert "Someone changed this budget line since you opened it" in html
        assert "200.00 €, &lt;b&gt;ihr&lt;/b&gt;" in html
        assert value_of(response, "note") == "meine" and value_of(response, "amount") == "300"
        line.refresh_from_db()
        assert line.amount == Decimal(200) and line.version == 2

    def test_a_line_of_another_measure_is_404(self, signed_in, measure, grid):
        other = measure_create(city=grid["C"], title="Andere", geom=point(20, 20))
        line = budget_line_create(measure=other, fiscal_year=2025, amount=Decimal(1), kind="investment")
        assert signed_in.post(page(measure.pk) + f"haushalt/{line.pk}/", self.line_data()).status_code == 404


class TestApi:
    def test_rationale_and_tags_are_in_the_api(self, planner_api, grid):
        payload = {
            "city": grid["C"].pk,
            "title": "Platz",
            "geom": json.loads(lonlat(point(100, 100))),
            "rationale": "weil",
            "tags": [" Platz ", "platz", "Grün"],
        }
        response = planner_api.post("/api/measures/", payload, format="json")
        assert response.status_code == 201, response.content
        assert body(response)["rationale"] == "weil" and body(response)["tags"] == ["Platz", "Grün"]

    @pytest.mark.parametrize("tags", [["x" * 41], [f"t{i}" for i in range(21)], "a,b", [{"a": 1}]])
    def test_bad_tags_are_a_400_naming_the_field(self, planner_api, grid, tags):
        payload = {
            "city": grid["C"].pk,
            "title": "Platz",
            "geom": json.loads(lonlat(point(100, 100))),
            "tags": tags,
        }
        before = counts()
        response = planner_api.post("/api/measures/", payload, format="json")
        assert response.status_code == 400 and "tags" in body(response)
        assert counts() == before


JUNK = ["", "-1", "99999999999999999999999", "1e400", "{}", "<script>" * 700]


@pytest.mark.parametrize(
    "field",
    [
        "version",
        "city",
        "status",
        "start_date",
        "strategic_goals",
        "master_plan",
        "place",
        "geom",
        "scope",
        "principles",
        "published",
    ],
)
def test_crafted_values_are_refused_or_ignored_never_a_500(signed_in, grid, field):
    measure = measure_create(city=grid["C"], title="Bank", geom=point(10, 10))
    for junk in JUNK:
        for url, data in ((NEW, form_data(grid)), (page(measure.pk), edit_data(measure, grid))):
            response = signed_in.post(url, {**data, field: junk})
            assert response.status_code in (302, 400, 412), (field, junk, response.status_code)
        line = {"fiscal_year": junk, "amount": junk, "kind": junk, "version": junk, "note": junk}
        assert signed_in.post(page(measure.pk) + "haushalt/", line).status_code == 400
        assert signed_in.post(page(measure.pk) + "loeschen/", {"version": junk}).status_code in (302, 412)
        measure = Measure.objects.filter(pk=measure.pk).first() or measure_create(
            city=grid["C"], title="Bank", geom=point(10, 10)
        )
