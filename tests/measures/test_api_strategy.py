"""``/api/action-fields/``, ``/api/strategic-goals/``, ``/api/master-plans/``: the strategy tree."""

from measures.models import ActionField, MasterPlan, StrategicGoal
from tests.fixtures import body
from tests.measures.factories import ActionFieldFactory, StrategicGoalFactory


def test_anyone_reads_the_strategy_tree(api, db):
    goal = StrategicGoalFactory(title="Zukunftsorientierte Verwaltungsentwicklung", number=1)

    assert body(api.get("/api/action-fields/"))[0]["name"] == goal.action_field.name
    assert (
        body(api.get("/api/strategic-goals/", {"action_field": goal.action_field_id}))[0]["title"]
        == goal.title
    )


def test_planners_build_the_tree(planner_api, db):
    field = body(
        planner_api.post(
            "/api/action-fields/",
            {"name": "Leistungsfähige und lernende Verwaltung", "slug": "verwaltung"},
            format="json",
        )
    )
    goal = planner_api.post(
        "/api/strategic-goals/",
        {"action_field": field["id"], "number": 3, "title": "Generationengerechter Haushalt"},
        format="json",
    )
    plan = planner_api.post(
        "/api/master-plans/",
        {
            "title": "Masterplan Vitale Stadtteile",
            "year_adopted": 2021,
            "status": "adopted",
            "action_fields": [field["id"]],
        },
        format="json",
    )

    assert (goal.status_code, plan.status_code) == (201, 201)
    assert MasterPlan.objects.get().action_fields.get().slug == "verwaltung"
    assert MasterPlan.history.exists() and StrategicGoal.history.exists()


def test_a_goal_number_is_unique_within_its_field(planner_api, db):
    goal = StrategicGoalFactory(number=1)

    response = planner_api.post(
        "/api/strategic-goals/",
        {"action_field": goal.action_field_id, "number": 1, "title": "Doppelt"},
        format="json",
    )

    assert response.status_code == 400


def test_an_action_field_in_use_cannot_be_deleted(planner_api, db):
    goal = StrategicGoalFactory()

    response = planner_api.delete(f"/api/action-fields/{goal.action_field_id}/")

    assert response.status_code == 409
    assert "detail" in body(response)
    assert ActionField.objects.filter(pk=goal.action_field_id).exists()


def test_only_planners_write(api, citizen_api, db):
    field = ActionFieldFactory()

    assert api.post("/api/action-fields/", {"name": "x", "slug": "x"}, format="json").status_code in (
        401,
        403,
    )
    assert citizen_api.delete(f"/api/action-fields/{field.pk}/").status_code == 403


def test_bad_input_is_400(planner_api, db):
    assert (
        planner_api.post("/api/master-plans/", {"title": "P", "status": "eternal"}, format="json").status_code
        == 400
    )
    assert (
        planner_api.post(
            "/api/master-plans/", {"title": "P", "year_adopted": 10**9}, format="json"
        ).status_code
        == 400
    )
    assert (
        planner_api.post(
            "/api/strategic-goals/", {"action_field": 10**30, "number": 1, "title": "T"}, format="json"
        ).status_code
        == 400
    )
