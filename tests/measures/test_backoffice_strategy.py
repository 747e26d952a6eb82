"""The strategy tree in the planners' back office (/planung/strategie/) and its services
(measures.strategy_services): create, rename, renumber, delete; refusals change nothing; every write
audited; a stale form does not overwrite someone else's change."""

import pytest
from django.core.exceptions import ValidationError

from geo.errors import Conflict, Forbidden, StaleVersion
from measures import strategy_services as services
from measures.models import ActionField, MasterPlan, StrategicGoal
from tests.fixtures import user_in
from tests.measures.factories import (
    ActionFieldFactory,
    MasterPlanFactory,
    MeasureFactory,
    StrategicGoalFactory,
    utm,
)

PAYLOAD = "{{ 6*7 }} <script>alert(1)</script>"


@pytest.fixture
def planner_client(client, planner):
    client.force_login(planner)
    return client


def tree_rows() -> tuple:
    return (
        list(ActionField.objects.values_list("id", "name", "position").order_by("id")),
        list(StrategicGoal.objects.values_list("id", "action_field", "number", "title").order_by("id")),
        list(MasterPlan.objects.values_list("id", "title", "status").order_by("id")),
    )


def measure_with(city, **links):
    return MeasureFactory(city=city, geom=utm("POINT(500100 5400100)"), **links)


@pytest.fixture
def city(grid_city):
    return grid_city


@pytest.fixture
def grid_city(db):
    from quartiere.models import Level
    from tests.fixtures import feature, import_areas, import_region, square

    import_region()
    import_areas(Level.CITY, feature("C", "Teststadt", square(0, 0, 2000, 1000)))
    from quartiere.models import Area

    return Area.objects.get(code="C")


# --- services -------------------------------------------------------------------------------------


def test_it_builds_a_tree_with_audited_writes(planner):
    field = services.action_field_create(name="Sozialer Zusammenhalt", user=planner)
    goal = services.strategic_goal_create(action_field=field, title="Begegnung fördern", user=planner)
    plan = services.master_plan_create(
        title="Masterplan Vitale Stadtteile", status="adopted", action_fields=[field], user=planner
    )

    assert field.slug == "sozialer-zusammenhalt" and goal.number == 1
    assert list(plan.action_fields.all()) == [field]
    # one historical record each, naming the planner; the master plan's fields in the same record
    assert [h.history_user for h in field.history.all()] == [planner]
    assert [h.history_type for h in plan.history.all()] == ["+"]
    assert list(plan.history.get().action_fields.values_list("actionfield_id", flat=True)) == [field.pk]


def test_it_numbers_new_goals_and_puts_new_fields_last(db):
    first = services.action_field_create(name="Eins")
    second = services.action_field_create(name="Zwei")
    services.strategic_goal_create(action_field=first, title="a")
    goal = services.strategic_goal_create(action_field=first, title="b")

    assert second.position == first.position + 1
    assert goal.number == 2


def test_it_renames_and_renumbers_with_the_revision_it_read(planner):
    goal = StrategicGoalFactory(number=1, title="Alt")
    revision = services.strategy_revision(goal)

    services.strategic_goal_update(
        strategic_goal_id=goal.pk, expected_revision=revision, user=planner, title="Neu", number=4
    )

    goal.refresh_from_db()
    assert (goal.title, goal.number) == ("Neu", 4)
    assert goal.history.first().history_user == planner
    assert services.strategy_revision(goal) != revision


def test_a_stale_revision_changes_nothing(planner):
    goal = StrategicGoalFactory(title="Alt")
    revision = services.strategy_revision(goal)
    services.strategic_goal_update(strategic_goal_id=goal.pk, expected_revision=revision, title="Erste")

    with pytest.raises(StaleVersion):
        services.strategic_goal_update(
            strategic_goal_id=goal.pk, expected_revision=revision, user=planner, title="Zweite"
        )
    goal.refresh_from_db()
    assert goal.title == "Erste"


def test_a_goal_number_is_unique_within_its_field(db):
    goal = StrategicGoalFactory(number=1)
    before = tree_rows()

    with pytest.raises(ValidationError) as caught:
        services.strategic_goal_create(action_field=goal.action_field, title="Doppelt", number=1)

    assert "number" in caught.value.message_dict
    assert tree_rows() == before


@pytest.mark.parametrize(
    "changes, field",
    [({"name": ""}, "name"), ({"name": "x" * 201}, "name"), ({"position": -1}, "position")],
)
def test_bad_input_names_the_field_and_changes_nothing(db, changes, field):
    action_field = ActionFieldFactory(name="Bleibt")
    before = tree_rows()

    with pytest.raises(ValidationError) as caught:
        services.action_field_update(action_field_id=action_field.pk, expected_revision=None, **changes)

    assert field in caught.value.message_dict
    assert tree_rows() == before


def test_only_planners_write(db):
    citizen = user_in("citizen")
    field = ActionFieldFactory()
    before = tree_rows()

    for write in (
        lambda: services.action_field_create(name="Neu", user=citizen),
        lambda: services.action_field_update(
            action_field_id=field.pk, expected_revision=None, user=citizen, name="x"
        ),
        lambda: services.action_field_delete(action_field_id=field.pk, expected_revision=None, user=citizen),
        lambda: services.strategic_goal_create(action_field=field, title="x", user=citizen),
        lambda: services.master_plan_create(title="x", user=citizen),
    ):
        with pytest.raises(Forbidden):
            write()
    assert tree_rows() == before


def test_what_measures_refer_to_is_not_deleted(city, planner):
    goal = StrategicGoalFactory()
    plan = MasterPlanFactory()
    measure = measure_with(city, master_plan=plan)
    measure.strategic_goals.add(goal)
    before = tree_rows()

    with pytest.raises(Conflict, match="1 Maßnahme verweist noch"):
        services.strategic_goal_delete(strategic_goal_id=goal.pk, expected_revision=None, user=planner)
    with pytest.raises(Conflict, match="1 Maßnahme verweist noch"):
        services.master_plan_delete(master_plan_id=plan.pk, expected_revision=None, user=planner)
    with pytest.raises(Conflict, match="noch 1 strategisches Ziel"):
        services.action_field_delete(
            action_field_id=goal.action_field_id, expected_revision=None, user=planner
        )

    assert tree_rows() == before
    assert list(measure.strategic_goals.all()) == [goal]


def test_an_unused_node_is_deleted_and_the_deletion_audited(planner):
    goal = StrategicGoalFactory()
    field_id = goal.action_field_id

    services.strategic_goal_delete(
        strategic_goal_id=goal.pk, expected_revision=services.strategy_revision(goal), user=planner
    )
    services.action_field_delete(action_field_id=field_id, expected_revision=None, user=planner)

    assert not ActionField.objects.exists() and not StrategicGoal.objects.exists()
    deleted = StrategicGoal.history.filter(history_type="-").get()
    assert deleted.history_user == planner


# --- pages ----------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/planung/strategie/")
    assert response.status_code == 302
    assert response["Location"] == "/planung/anmelden/?next=/planung/strategie/"


def test_others_are_refused(client, db):
    client.force_login(user_in("someone"))
    field = ActionFieldFactory()
    assert client.get("/planung/strategie/").status_code == 403
    response = client.post("/planung/strategie/handlungsfelder/neu/", {"name": "Neu"})
    assert response.status_code == 403
    assert client.post(f"/planung/strategie/handlungsfelder/{field.pk}/loeschen/").status_code == 403
    assert ActionField.objects.count() == 1


def test_the_tree_shows_fields_goals_and_plans(planner_client):
    goal = StrategicGoalFactory(number=2, title="Generationengerechter Haushalt")
    plan = MasterPlanFactory(title="Masterplan Wohnen")
    plan.action_fields.add(goal.action_field)

    html = planner_client.get("/planung/strategie/").content.decode()

    assert goal.action_field.name in html and "Generationengerechter Haushalt" in html
    assert f'href="/planung/strategie/ziele/{goal.pk}/"' in html
    assert f'href="/planung/strategie/handlungsfelder/{goal.action_field_id}/ziele/neu/"' in html
    assert f'href="/planung/strategie/masterplaene/{plan.pk}/"' in html


def test_a_planner_adds_a_goal_and_renames_it(planner_client, planner):
    field = ActionFieldFactory()
    response = planner_client.post(
        f"/planung/strategie/handlungsfelder/{field.pk}/ziele/neu/",
        {"action_field": field.pk, "title": "Dienstleistungen optimieren", "number": ""},
    )
    assert response.status_code == 302 and response["Location"] == "/planung/strategie/?ok=created"
    goal = StrategicGoal.objects.get()
    assert goal.number == 1 and goal.history.get().history_user == planner

    page = planner_client.get(f"/planung/strategie/ziele/{goal.pk}/").content.decode()
    revision = services.strategy_revision(goal)
    assert f'name="revision" value="{revision}"' in page
    response = planner_client.post(
        f"/planung/strategie/ziele/{goal.pk}/",
        {
            "action_field": field.pk,
            "number": 1,
            "title": "Dienstleistungen stetig optimieren",
            "revision": revision,
        },
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.title == "Dienstleistungen stetig optimieren"


def test_errors_stand_beside_their_fields(planner_client):
    goal = StrategicGoalFactory(number=1)
    other = StrategicGoalFactory(action_field=goal.action_field, number=2)
    before = tree_rows()

    response = planner_client.post(
        f"/planung/strategie/ziele/{other.pk}/",
        {
            "action_field": goal.action_field_id,
            "number": 1,
            "title": "Doppelt",
            "revision": services.strategy_revision(other),
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-summary"' in html and 'href="#id_number"' in html
    assert 'aria-describedby="id_number-help id_number-error"' in html and 'aria-invalid="true"' in html
    assert 'id="id_number-error"' in html
    assert 'value="Doppelt"' in html  # the input is kept
    assert tree_rows() == before


def test_a_stale_form_shows_the_conflict_and_keeps_the_input(planner_client):
    field = ActionFieldFactory(name="Alt")
    revision = services.strategy_revision(field)
    services.action_field_update(action_field_id=field.pk, expected_revision=None, name="Von jemand anderem")

    response = planner_client.post(
        f"/planung/strategie/handlungsfelder/{field.pk}/",
        {"name": "Meins", "position": 0, "revision": revision},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 412
    html = response.content.decode()
    assert "Someone else changed this" in html and 'value="Meins"' in html
    field.refresh_from_db()
    assert field.name == "Von jemand anderem"


def test_a_refused_delete_says_why(planner_client, city):
    goal = StrategicGoalFactory()
    measure_with(city).strategic_goals.add(goal)

    response = planner_client.post(
        f"/planung/strategie/ziele/{goal.pk}/loeschen/",
        {"revision": services.strategy_revision(goal)},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 409
    assert "1 measure still refers to this" in response.content.decode()
    assert StrategicGoal.objects.filter(pk=goal.pk).exists()


def test_a_master_plan_is_linked_to_action_fields_and_deleted(planner_client):
    fields = [ActionFieldFactory(), ActionFieldFactory()]
    response = planner_client.post(
        "/planung/strategie/masterplaene/neu/",
        {
            "title": "Masterplan Mobilität",
            "status": "adopted",
            "year_adopted": 2021,
            "action_fields": [f.pk for f in fields],
        },
    )
    assert response.status_code == 302
    plan = MasterPlan.objects.get()
    assert set(plan.action_fields.all()) == set(fields)

    response = planner_client.post(
        f"/planung/strategie/masterplaene/{plan.pk}/loeschen/", {"revision": services.strategy_revision(plan)}
    )
    assert response.status_code == 302 and not MasterPlan.objects.exists()


def test_text_is_shown_as_text(planner_client):
    planner_client.post("/planung/strategie/handlungsfelder/neu/", {"name": PAYLOAD, "description": PAYLOAD})
    field = ActionField.objects.get()
    assert field.name == PAYLOAD

    for url in ("/planung/strategie/", f"/planung/strategie/handlungsfelder/{field.pk}/"):
        html = planner_client.get(url).content.decode()
        assert "<script>alert(1)" not in html
        assert "{{ 6*7 }} &lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_pages_speak_english_too(planner_client):
    ActionFieldFactory()
    html = planner_client.get("/planung/strategie/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Action fields and their strategic goals" in html
    html = planner_client.get("/planung/strategie/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Handlungsfelder und ihre strategischen Ziele" in html


def test_a_huge_id_is_a_404(planner_client):
    assert planner_client.get("/planung/strategie/ziele/99999999999999999/").status_code == 404
    assert planner_client.get("/planung/strategie/ziele/9999999999999999999999/").status_code == 404
