"""The scenario pages: a planner composes through them; board members of the city read shared
scenarios and comment, and change nothing through any page, service or the admin; comments are data."""

import pytest
from django.test import Client
from django.urls import reverse

from geo.errors import Forbidden, NotFound
from scenarios import services
from scenarios.models import Scenario, ScenarioComment, State
from tests.scenarios.conftest import NORD_SQUARE, PAYLOAD, fill, running_measures


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def shared(scenario, lb_planner) -> tuple[Scenario, dict]:
    parts = fill(scenario, lb_planner)
    services.scenario_share(scenario_id=scenario.pk, expected_version=scenario.version, user=lb_planner)
    scenario.refresh_from_db()
    return scenario, parts


def write_urls(s: Scenario, parts: dict) -> list[str]:
    """Every write URL of the scenario pages, with ids of real parts of ``s``."""
    p = parts["proposed"]
    line = p.budget_lines.first()
    mc = s.measure_changes.first()
    bc = s.budget_changes.first()
    names = [
        ("edit", []),
        ("delete", []),
        ("share", []),
        ("withdraw", []),
        ("decide", []),
        ("proposed-new", []),
        ("proposed", [p.pk]),
        ("proposed-delete", [p.pk]),
        ("proposed-line-add", [p.pk]),
        ("proposed-line-delete", [p.pk, line.pk]),
        ("measure-change-add", []),
        ("measure-change-delete", [mc.pk]),
        ("budget-change-add", []),
        ("budget-change-delete", [bc.pk]),
    ]
    return [reverse(f"scenarios:{name}", args=[s.pk, *args]) for name, args in names] + [
        reverse("scenarios:new")
    ]


def test_board_members_change_nothing_through_any_page(shared, board, city):
    s, parts = shared
    client = client_of(board)
    version = s.version
    for url in write_urls(s, parts):
        data = {
            "version": version,
            "name": "x",
            "budget_year": 2023,
            "city": city.pk,
            "outcome": "adopted",
            "decision": "x",
            "title": "x",
            "place": "scope",
            "scope": city.pk,
            "fiscal_year": 2023,
            "amount": "1",
            "kind": "investment",
            "funding": "own",
            "action": "drop",
            "measure": parts["dropped"].pk,
        }
        response = client.post(url, data)
        assert response.status_code in (403, 404), url
    s.refresh_from_db()
    assert (s.version, s.state) == (version, State.SHARED)


def test_board_members_change_nothing_through_any_service(shared, board, city):
    s, parts = shared
    v = s.version
    p = parts["proposed"]
    calls = [
        lambda: services.scenario_create(city=city, name="x", budget_year=2023, user=board),
        lambda: services.scenario_update(
            scenario_id=s.pk, expected_version=v, user=board, name="x", budget_year=2023
        ),
        lambda: services.scenario_delete(scenario_id=s.pk, expected_version=v, user=board),
        lambda: services.scenario_share(scenario_id=s.pk, expected_version=v, user=board),
        lambda: services.scenario_withdraw(scenario_id=s.pk, expected_version=v, user=board),
        lambda: services.scenario_decide(
            scenario_id=s.pk, expected_version=v, user=board, outcome="adopted", decision="x"
        ),
        lambda: services.proposed_measure_create(
            scenario_id=s.pk, expected_version=v, user=board, title="x", scope=city
        ),
        lambda: services.proposed_measure_update(
            proposed_measure_id=p.pk, expected_version=v, user=board, title="y"
        ),
        lambda: services.proposed_measure_delete(proposed_measure_id=p.pk, expected_version=v, user=board),
        lambda: services.proposed_budget_line_create(
            proposed_measure_id=p.pk,
            expected_version=v,
            user=board,
            fiscal_year=2023,
            amount=1,
            kind="investment",
        ),
        lambda: services.proposed_budget_line_delete(
            proposed_budget_line_id=p.budget_lines.first().pk, expected_version=v, user=board
        ),
        lambda: services.measure_change_create(
            scenario_id=s.pk, expected_version=v, user=board, measure_id=parts["added_to"].pk, action="drop"
        ),
        lambda: services.measure_change_delete(
            measure_change_id=s.measure_changes.first().pk, expected_version=v, user=board
        ),
        lambda: services.budget_line_change_create(
            scenario_id=s.pk,
            expected_version=v,
            user=board,
            action="remove",
            budget_line_id=parts["changed_line"].pk,
        ),
        lambda: services.budget_line_change_delete(
            budget_line_change_id=s.budget_changes.first().pk, expected_version=v, user=board
        ),
    ]
    for call in calls:
        with pytest.raises((Forbidden, NotFound)):
            call()
    s.refresh_from_db()
    assert (s.version, s.state) == (v, State.SHARED)


def test_board_members_have_no_way_into_the_admin(shared, board):
    client = client_of(board)
    for url in ("/admin/scenarios/scenario/", f"/admin/scenarios/scenario/{shared[0].pk}/change/"):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not board.has_perm("scenarios.change_scenario")


def test_board_members_see_only_shared_scenarios_of_their_city(shared, board, lb_planner, city):
    draft = services.scenario_create(city=city, name="Entwurf geheim", budget_year=2023, user=lb_planner)
    client = client_of(board)
    listing = client.get(reverse("scenarios:list"))
    assert listing.status_code == 200
    assert shared[0].name in listing.content.decode() and "Entwurf geheim" not in listing.content.decode()
    assert client.get(reverse("scenarios:detail", args=[draft.pk])).status_code == 404
    page = client.get(reverse("scenarios:detail", args=[shared[0].pk])).content.decode()
    assert "Pocket-Park Nord" in page and reverse("scenario_comparison:compare", args=[shared[0].pk]) in page
    assert 'action="/planung/szenarien/' + str(shared[0].pk) + "/teilen/" not in page
    assert "measure-change-add" not in page and "Änderung hinzufügen" not in page


def test_a_comment_is_shown_as_text_to_board_and_planners(shared, board, lb_planner):
    s, _parts = shared
    response = client_of(board).post(reverse("scenarios:comment", args=[s.pk]), {"body": PAYLOAD})
    assert response.status_code == 302
    assert ScenarioComment.objects.get(scenario=s).body == PAYLOAD
    for user in (board, lb_planner):
        page = client_of(user).get(reverse("scenarios:detail", args=[s.pk])).content.decode()
        assert "{{ 6*7 }} {# &lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<script>alert(1)" not in page and ">42<" not in page


def test_a_planner_composes_through_the_pages(scenario, lb_planner, city):
    client = client_of(lb_planner)
    (measure,) = running_measures(city, 1)
    url = reverse("scenarios:measure-change-add", args=[scenario.pk])
    bad = client.post(url, {"version": 1, "measure": measure.pk, "action": "postpone", "years": ""})
    assert bad.status_code == 400 and "mc-years-error" in bad.content.decode()
    ok = client.post(url, {"version": 1, "measure": measure.pk, "action": "postpone", "years": 3})
    assert ok.status_code == 302
    stale = client.post(url, {"version": 1, "measure": measure.pk, "action": "drop"})
    assert stale.status_code == 412
    new = client.post(
        reverse("scenarios:proposed-new", args=[scenario.pk]),
        {
            "version": 2,
            "title": "Grünfläche",
            "place": "geometry",
            "geom": NORD_SQUARE,
            "dimensions": ["green"],
        },
    )
    assert new.status_code == 302
    scenario.refresh_from_db()
    assert scenario.version == 3 and scenario.proposed_measures.get().geom.srid == 25832
    page = client.get(reverse("scenarios:detail", args=[scenario.pk]))
    assert page.status_code == 200 and "Grünfläche" in page.content.decode()


def test_a_planner_of_another_city_sees_nothing(scenario, foreign_planner):
    client = client_of(foreign_planner)
    assert client.get(reverse("scenarios:detail", args=[scenario.pk])).status_code == 404
    assert client.post(reverse("scenarios:share", args=[scenario.pk]), {"version": 1}).status_code == 404


def test_a_city_admin_makes_a_board_member_who_lands_on_the_scenarios(city, db):
    from geo.permissions import CITY_ADMINS
    from tests.fixtures import user_in
    from tests.scenarios.conftest import member

    admin = member("lb-admin", CITY_ADMINS, city)
    person = user_in("beirat")
    from staff.models import Membership

    Membership.objects.create(user=person, city=city)
    response = client_of(admin).post(reverse("staff:roles", args=[person.pk]), {"roles": ["board"]})
    assert response.status_code == 303
    assert person.groups.filter(name="strategy_board").exists()
    login = Client().post("/planung/anmelden/", {"username": "beirat", "password": "pw-for-tests-only"})
    assert login.status_code == 302 and login["Location"] == "/planung/szenarien/"


def test_a_failing_adoption_is_a_409_naming_the_part_and_writes_nothing(shared, lb_planner):
    from measures.models import BudgetLine, Measure

    s, parts = shared
    line = parts["removed_line"]
    BudgetLine.objects.filter(pk=line.pk).delete()
    measures = Measure.objects.count()
    response = client_of(lb_planner).post(
        reverse("scenarios:decide", args=[s.pk]),
        {"version": s.version, "outcome": "adopted", "decision": "Beschlossen für den Haushalt 2023"},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "kann nicht übernommen werden" in page and line.measure.title in page
    assert Measure.objects.count() == measures
    s.refresh_from_db()
    assert s.state == State.SHARED


def test_every_text_of_a_scenario_is_data_on_its_page(city, lb_planner, board):
    from geo import validation
    from tests.fixtures import page_config

    scenario = services.scenario_create(
        city=city, name=PAYLOAD, description=PAYLOAD, budget_year=2023, user=lb_planner
    )
    geom = validation.geometry_from_geojson(NORD_SQUARE, field="geom")
    services.proposed_measure_create(
        scenario_id=scenario.pk,
        expected_version=1,
        user=lb_planner,
        title=PAYLOAD,
        description=PAYLOAD,
        geom=geom,
        tags=["<b>x</b>"],
    )
    (measure,) = running_measures(city, 1)
    services.measure_change_create(
        scenario_id=scenario.pk,
        expected_version=2,
        user=lb_planner,
        measure_id=measure.pk,
        action="drop",
        note=PAYLOAD,
    )
    services.scenario_share(scenario_id=scenario.pk, expected_version=3, user=lb_planner)
    for user in (lb_planner, board):
        html = client_of(user).get(reverse("scenarios:detail", args=[scenario.pk])).content.decode()
        assert "<script>alert(1)" not in html and "<b>x</b>" not in html and ">42<" not in html
        assert "{{ 6*7 }} {# &lt;script&gt;alert(1)&lt;/script&gt;" in html
        features = page_config(html, "scenario-map-config")["features"]["features"]
        assert PAYLOAD in [f["properties"]["title"] for f in features]  # set as text by the script
