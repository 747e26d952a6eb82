"""The measures' list in the planners' back office, /planung/massnahmen/: who may open it, what it
lists (drafts too, only the planner's cities), its filters and sorts, and bad parameters (400 naming
the parameter, never 500). The grid of tests/measures/conftest.py: city C with Quartiere A and B,
city O with Quartier D."""

import re
from datetime import date
from decimal import Decimal

import pytest

from geo.permissions import MODERATORS, PLANNERS
from measures.services import budget_line_create, measure_create
from staff.models import Membership
from tests.fixtures import point, square, user_in
from tests.measures.factories import MasterPlanFactory, StrategicGoalFactory

URL = "/planung/massnahmen/"


@pytest.fixture
def signed_in(client, planner):
    client.force_login(planner)
    return client


def titles(response) -> list[str]:
    """The titles in the list's table, in order."""
    html = response.content.decode()
    table = html.split('id="measure-table"', 1)[1] if 'id="measure-table"' in html else ""
    return re.findall(r'<td><a href="/planung/massnahmen/\d+/">([^<]*)</a></td>', table)


@pytest.fixture
def three(grid):
    """Three measures of city C and one of city O: a published one in A (2025), a draft in B with
    budget in 2026, a stopped one declared for the whole city, and one in O."""
    goal = StrategicGoalFactory()
    plan = MasterPlanFactory()
    plan.action_fields.set([goal.action_field])
    a = measure_create(
        city=grid["C"],
        title="Radweg Alpha",
        geom=square(100, 100, 300, 300),
        status="planned",
        dimensions=["green"],
        principles=["integrated"],
        published=True,
        start_date=date(2025, 3, 1),
        end_date=date(2025, 11, 30),
        strategic_goals=[goal],
    )
    b = measure_create(
        city=grid["C"], title="Bank Beta", geom=point(1500, 500), dimensions=["just"], master_plan=plan
    )
    budget_line_create(measure=b, fiscal_year=2026, amount=Decimal("9000"), kind="investment")
    budget_line_create(measure=b, fiscal_year=2027, amount=Decimal("1000"), kind="maintenance")
    c = measure_create(city=grid["C"], title="Programm Stadt", scope=grid["C"], status="idea")
    budget_line_create(measure=c, fiscal_year=2025, amount=Decimal("500"), kind="operating")
    o = measure_create(city=grid["O"], title="Delta-Platz", geom=point(3500, 500), published=True)
    return {"a": a, "b": b, "c": c, "o": o, "goal": goal, "plan": plan}


class TestAccess:
    def test_anonymous_users_are_sent_to_the_login(self, client, db):
        response = client.get(URL + "?status=idea")
        assert response.status_code == 302
        assert response["Location"].startswith("/planung/anmelden/?next=")
        assert "massnahmen" in response["Location"]

    @pytest.mark.parametrize("group", [None, MODERATORS])
    def test_others_get_403(self, client, db, group):
        client.force_login(user_in("someone", group))
        for path in (URL, URL + "neu/"):
            assert client.get(path).status_code == 403

    def test_planners_get_the_list(self, signed_in, three):
        response = signed_in.get(URL)
        assert response.status_code == 200
        assert response["Cache-Control"].startswith("max-age=0")
        html = response.content.decode()
        assert 'aria-current="page">Ma' in html  # the navigation marks "Maßnahmen"/"Measures"


class TestList:
    def test_it_lists_drafts_and_published_measures_with_their_columns(self, signed_in, three):
        response = signed_in.get(URL, HTTP_ACCEPT_LANGUAGE="en")
        assert set(titles(response)) == {"Radweg Alpha", "Bank Beta", "Programm Stadt", "Delta-Platz"}
        html = response.content.decode()
        row = html.split("Bank Beta</a></td>", 1)[1].split("</tr>", 1)[0]
        assert "no (draft)" in row and "just" in row and "Beta" in row and "10,000.00 €" in row
        row = html.split("Radweg Alpha</a></td>", 1)[1].split("</tr>", 1)[0]
        assert "yes" in row and "Alpha" in row and "0.00 €" in row and "<time datetime=" in row

    def test_it_is_german_first(self, signed_in, three):
        html = signed_in.get(URL).content.decode()
        assert "<h1>Maßnahmen</h1>" in html and "Entwurf" in html and "Haushalt gesamt" in html

    def test_a_planner_of_one_city_sees_only_its_measures_and_quartiere(self, client, three, grid):
        user = user_in("o-planner", PLANNERS)
        Membership.objects.create(user=user, city=grid["O"])
        client.force_login(user)
        response = client.get(URL)
        assert titles(response) == ["Delta-Platz"]
        html = response.content.decode()
        assert ">Delta</option>" in html and ">Alpha</option>" not in html
        # another city's Quartier is no choice here: 400, nothing of C shown
        assert client.get(URL, {"quartier": grid["A"].pk}).status_code == 400

    @pytest.mark.parametrize(
        "params, expected",
        [
            ({"status": "planned"}, {"Radweg Alpha"}),
            ({"dimension": "just"}, {"Bank Beta"}),
            ({"principle": "integrated"}, {"Radweg Alpha"}),
            ({"year": "2026"}, {"Bank Beta"}),  # a budget line in 2026
            ({"year": "2025"}, {"Radweg Alpha", "Programm Stadt"}),  # runs in 2025 / budget in 2025
            ({"status": "idea", "year": "2027"}, {"Bank Beta"}),
        ],
    )
    def test_it_filters(self, signed_in, three, params, expected):
        response = signed_in.get(URL, params)
        assert response.status_code == 200
        assert set(titles(response)) == expected

    def test_it_filters_by_quartier_action_field_and_master_plan(self, signed_in, three, grid):
        assert set(titles(signed_in.get(URL, {"quartier": grid["B"].pk}))) == {"Bank Beta"}
        # the city-wide programme reaches A through its scope (quartiere.linking), like the API's
        assert "Radweg Alpha" in titles(signed_in.get(URL, {"quartier": grid["A"].pk}))
        field = three["goal"].action_field.pk
        # Alpha through its goal, Beta through its master plan
        assert set(titles(signed_in.get(URL, {"action_field": field}))) == {"Radweg Alpha", "Bank Beta"}
        assert titles(signed_in.get(URL, {"master_plan": three["plan"].pk})) == ["Bank Beta"]

    def test_it_sorts(self, signed_in, three):
        assert titles(signed_in.get(URL, {"sort": "title"})) == [
            "Bank Beta",
            "Delta-Platz",
            "Programm Stadt",
            "Radweg Alpha",
        ]
        assert titles(signed_in.get(URL, {"sort": "-title"}))[0] == "Radweg Alpha"
        assert titles(signed_in.get(URL, {"sort": "-budget"}))[:2] == ["Bank Beta", "Programm Stadt"]
        by_status = titles(signed_in.get(URL, {"sort": "status"}))
        assert by_status.index("Programm Stadt") < by_status.index("Radweg Alpha")  # idea before planned
        newest = titles(signed_in.get(URL))
        assert newest[0] == "Delta-Platz"  # the default: last change first

    def test_it_pages_and_keeps_the_filters_in_the_links(self, signed_in, grid):
        for i in range(27):
            measure_create(city=grid["C"], title=f"M{i:02d}", geom=point(100 + i, 100))
        first = signed_in.get(URL, {"sort": "title", "dimension": ""})
        assert len(titles(first)) == 25
        html = first.content.decode()
        assert "sort=title&amp;dimension=&amp;page=2" in html
        second = signed_in.get(URL, {"sort": "title", "page": "2"})
        assert titles(second) == ["M25", "M26"]

    @pytest.mark.parametrize(
        "params, field",
        [
            ({"status": "bad"}, "status"),
            ({"dimension": "blue"}, "dimension"),
            ({"principle": "x"}, "principle"),
            ({"quartier": "abc"}, "quartier"),
            ({"quartier": "999999999"}, "quartier"),
            ({"action_field": "-1"}, "action_field"),
            ({"master_plan": "1e9"}, "master_plan"),
            ({"year": "zwanzig"}, "year"),
            ({"year": "1800"}, "year"),
            ({"sort": "password"}, "sort"),
            ({"page": "0"}, "page"),
            ({"page": "99"}, "page"),
            ({"page": "x" * 5000}, "page"),
        ],
    )
    def test_bad_parameters_are_a_400_naming_them(self, signed_in, three, params, field):
        response = signed_in.get(URL, params, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        html = response.content.decode()
        summary = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
        label = {"action_field": "Action field", "master_plan": "Master plan"}.get(field, field.capitalize())
        assert label in summary
        assert titles(response) == []

    def test_titles_are_text(self, signed_in, grid):
        measure_create(city=grid["C"], title="{{ 6*7 }} <script>alert(1)</script>", geom=point(10, 10))
        html = signed_in.get(URL).content.decode()
        assert "{{ 6*7 }} &lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<script>alert(1)" not in html and ">42<" not in html

    def test_it_reads_a_page_in_a_bounded_number_of_statements(
        self, signed_in, grid, django_assert_max_num_queries
    ):
        for i in range(20):
            m = measure_create(
                city=grid["C"], title=f"M{i}", geom=point(100 + 50 * i, 500), dimensions=["green"]
            )
            budget_line_create(measure=m, fiscal_year=2025, amount=Decimal(i), kind="investment")
        signed_in.get(URL)  # session, user, groups cached by the first request's middleware
        with django_assert_max_num_queries(12):
            response = signed_in.get(URL, {"year": "2025", "sort": "-budget"})
        assert len(titles(response)) == 20
