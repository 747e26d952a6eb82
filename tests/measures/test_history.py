"""``/api/measures/{id}/history/``: who, when and what changed, for every write."""

import pytest
from django.utils import timezone

from measures import services
from tests.fixtures import body, geom


@pytest.fixture
def measure(grid, planner_api, planner):
    measure = services.measure_create(
        city=grid["C"], title="Platz", geom=geom("POINT(300 300)"), published=True, user=planner
    )
    etag = f'"measure-{measure.pk}-1"'
    planner_api.patch(
        f"/api/measures/{measure.pk}/",
        {"title": "Marktplatz", "status": "planned"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    return measure


def url(measure) -> str:
    return f"/api/measures/{measure.pk}/history/"


def test_it_lists_each_write_newest_first_with_the_changed_fields(planner_api, measure, planner):
    records = body(planner_api.get(url(measure)))

    assert [(r["type"], r["version"], r["user"]) for r in records] == [
        ("changed", 2, planner.username),
        ("created", 1, planner.username),
    ]
    assert records[0]["changes"] == [
        {"field": "status", "old": "idea", "new": "planned"},
        {"field": "title", "old": "Platz", "new": "Marktplatz"},
    ]
    created = {c["field"]: c["new"] for c in records[1]["changes"]}
    assert created["title"] == "Platz"
    assert created["geom"]["type"] == "Point"
    assert abs(timezone.datetime.fromisoformat(records[0]["date"]) - timezone.now()).total_seconds() < 60


def test_a_geometry_change_shows_old_and_new_geometry_in_the_requested_crs(planner_api, measure):
    services.measure_update(measure_id=measure.pk, expected_versions=None, geom=geom("POINT(400 400)"))

    change = body(planner_api.get(url(measure), {"srid": 25832}))[0]["changes"]

    assert change == [
        {
            "field": "geom",
            "old": {"type": "Point", "coordinates": [500300, 5400300]},
            "new": {"type": "Point", "coordinates": [500400, 5400400]},
        }
    ]


def test_goal_changes_are_one_record_with_the_goal_ids(planner_api, measure):
    from tests.measures.factories import StrategicGoalFactory

    goal = StrategicGoalFactory()
    before = measure.history.count()

    services.measure_update(measure_id=measure.pk, expected_versions=None, strategic_goals=[goal])

    assert measure.history.count() == before + 1
    assert body(planner_api.get(url(measure)))[0]["changes"] == [
        {"field": "strategic_goals", "old": [], "new": [goal.pk]}
    ]


def test_the_public_sees_what_changed_but_not_who(api, measure):
    # created published: its whole trail is public, without the names of the planners
    records = body(api.get(url(measure)))

    assert len(records) == 2
    assert {r["user"] for r in records} == {None}


def test_budget_line_writes_are_audited_with_their_author(measure, planner):
    line = services.budget_line_create(
        measure=measure, fiscal_year=2024, amount=10, kind="investment", user=planner
    )
    services.budget_line_update(budget_line_id=line.pk, expected_versions=None, amount=20, user=planner)

    history = list(line.history.order_by("history_id").values_list("history_type", "amount", "history_user"))

    assert history == [("+", 10, planner.pk), ("~", 20, planner.pk)]


def test_the_public_trail_starts_when_the_measure_was_published(api, planner_api, grid, planner):
    draft = services.measure_create(city=grid["C"], title="Entwurf", scope=grid["C"], user=planner)
    services.measure_update(
        measure_id=draft.pk, expected_versions=None, title="Platz", published=True, user=planner
    )

    public = body(api.get(url(draft)))
    full = body(planner_api.get(url(draft)))

    assert [(r["type"], r["version"]) for r in public] == [("published", 2)]
    assert {"field": "title", "old": None, "new": "Platz"} in public[0]["changes"]
    assert [r["type"] for r in full] == ["changed", "created"]
    assert full[0]["changes"] == [
        {"field": "published", "old": False, "new": True},
        {"field": "title", "old": "Entwurf", "new": "Platz"},
    ]
