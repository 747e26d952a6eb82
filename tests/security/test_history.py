"""The public history of measures and focus areas starts at publication (docs/history.md): drafts,
values held while withdrawn and who made a change stay with the planners; an unpublished object's
history is 404 like its detail."""

import json
from typing import Any

import pytest
from rest_framework.test import APIClient

from measures import services as measure_services
from measures.models import Measure
from planning import services as focus_services
from planning.models import FocusArea
from quartiere.models import Area
from tests.fixtures import geom
from tests.measures.conftest import build_grid
from tests.measures.factories import PlannerFactory, UserFactory

DRAFT_TITLE = "Geheimer Entwurf"
DRAFT_TEXT = "interner Vermerk: Grundstück noch nicht gekauft"


@pytest.fixture
def city(db) -> Area:
    build_grid()
    return Area.objects.get(code="C")


@pytest.fixture
def planner(db):
    return PlannerFactory(username="p.schmidt")


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def readers(db) -> dict[str, APIClient]:
    """Who is not a planner: an anonymous visitor, a signed-in citizen, a staff member without the
    planners' group."""
    return {
        "anonymous": client_for(None),
        "citizen": client_for(UserFactory()),
        "staff": client_for(UserFactory(is_staff=True)),
    }


def history(client: APIClient, kind: str, pk: int) -> Any:
    response = client.get(f"/api/{kind}/{pk}/history/")
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def update_measure(measure: Measure, user, **changes) -> None:
    measure_services.measure_update(measure_id=measure.pk, expected_versions=None, user=user, **changes)


def update_focus_area(focus_area: FocusArea, user, **changes) -> None:
    focus_services.focus_area_update(
        focus_area_id=focus_area.pk, expected_versions=None, user=user, **changes
    )


@pytest.fixture
def measure(city, planner) -> Measure:
    """Drafted twice, published, changed, withdrawn and changed while withdrawn, published again."""
    measure = measure_services.measure_create(
        city=city, title=DRAFT_TITLE, description=DRAFT_TEXT, geom=geom("POINT(100 100)"), user=planner
    )
    update_measure(measure, planner, geom=geom("POINT(150 150)"))
    update_measure(measure, planner, title="Marktplatz", description="Neue Bänke", published=True)
    update_measure(measure, planner, status="planned")
    update_measure(measure, planner, published=False)
    update_measure(measure, planner, title="Noch ein Entwurf", responsible_unit="Referat X")
    update_measure(measure, planner, title="Marktplatz neu", responsible_unit="", published=True)
    return measure


def visible_values(records: list[dict]) -> str:
    return json.dumps([r["changes"] for r in records], ensure_ascii=False)


@pytest.mark.parametrize("who", ["anonymous", "citizen", "staff"])
def test_it_shows_the_public_a_measures_history_only_from_publication_on(measure, readers, who):
    records = history(readers[who], "measures", measure.pk)

    assert [(r["type"], r["version"]) for r in records] == [
        ("published", 7),
        ("withdrawn", 5),
        ("changed", 4),
        ("published", 3),
    ]
    first = {c["field"]: c for c in records[-1]["changes"]}
    assert first["title"] == {"field": "title", "old": None, "new": "Marktplatz"}
    assert first["published"]["new"] is True
    assert first["geom"]["new"]["type"] == "Point"
    assert records[2]["changes"] == [{"field": "status", "old": "idea", "new": "planned"}]
    assert records[1]["changes"] == []
    # compared with the last published state, not with the drafts in between
    assert records[0]["changes"] == [{"field": "title", "old": "Marktplatz", "new": "Marktplatz neu"}]
    values = visible_values(records)
    for secret in (DRAFT_TITLE, DRAFT_TEXT, "Noch ein Entwurf", "Referat X"):
        assert secret not in values
    assert {r["user"] for r in records} == {None}


def test_the_public_never_sees_the_draft_geometry(measure, readers):
    records = history(readers["anonymous"], "measures", measure.pk)
    geometries = [c for r in records for c in r["changes"] if c["field"] == "geom"]
    # only the published point (150, 150), never the drafted (100, 100), in EPSG:4326
    drafted = Measure.history.earliest("history_id").geom.transform(4326, clone=True)
    assert len(geometries) == 1
    assert geometries[0]["old"] is None
    assert geometries[0]["new"]["coordinates"] != pytest.approx(list(drafted.coords), abs=1e-7)


def test_planners_see_the_whole_trail_with_who(measure, planner):
    records = history(client_for(planner), "measures", measure.pk)

    assert [r["type"] for r in records] == ["changed"] * 6 + ["created"]
    assert {r["user"] for r in records} == {"p.schmidt"}
    assert DRAFT_TITLE in visible_values(records)


def test_an_unpublished_measures_history_is_404_for_the_public(city, planner, readers):
    draft = measure_services.measure_create(city=city, title=DRAFT_TITLE, scope=city, user=planner)
    for client in readers.values():
        assert client.get(f"/api/measures/{draft.pk}/history/").status_code == 404
    assert client_for(planner).get(f"/api/measures/{draft.pk}/history/").status_code == 200


def test_a_withdrawn_measures_history_is_404_again(city, planner, readers):
    measure = measure_services.measure_create(
        city=city, title="Platz", scope=city, published=True, user=planner
    )
    update_measure(measure, planner, published=False)
    assert readers["anonymous"].get(f"/api/measures/{measure.pk}/history/").status_code == 404


def test_a_measure_created_published_starts_with_created(city, planner, readers):
    measure = measure_services.measure_create(
        city=city, title="Platz", scope=city, published=True, user=planner
    )
    records = history(readers["anonymous"], "measures", measure.pk)
    assert [r["type"] for r in records] == ["created"]
    assert {"field": "title", "old": None, "new": "Platz"} in records[0]["changes"]


@pytest.fixture
def focus_area(city, planner) -> tuple[FocusArea, Measure, Measure]:
    """Linked to a published and a draft measure; drafted, published, changed, withdrawn, changed,
    published again."""
    public = measure_services.measure_create(city=city, title="Öffentlich", scope=city, published=True)
    draft = measure_services.measure_create(city=city, title="Entwurf", scope=city)
    focus_area = focus_services.focus_area_create(
        city=city,
        name=DRAFT_TITLE,
        rationale=DRAFT_TEXT,
        geom=geom("POLYGON((0 0, 500 0, 500 500, 0 500, 0 0))"),
        user=planner,
    )
    update_focus_area(focus_area, planner, name="Bahnhofsumfeld", rationale="", published=True)
    update_focus_area(focus_area, planner, measures=[public, draft])
    update_focus_area(focus_area, planner, published=False)
    update_focus_area(focus_area, planner, name="Noch ein Entwurf")
    update_focus_area(focus_area, planner, name="Bahnhofsumfeld Ost", published=True)
    return focus_area, public, draft


@pytest.mark.parametrize("who", ["anonymous", "citizen", "staff"])
def test_it_shows_the_public_a_focus_areas_history_only_from_publication_on(focus_area, readers, who):
    focus, public, draft = focus_area

    records = history(readers[who], "focus-areas", focus.pk)

    assert [(r["type"], r["version"]) for r in records] == [
        ("published", 6),
        ("withdrawn", 4),
        ("changed", 3),
        ("published", 2),
    ]
    first = {c["field"]: c["new"] for c in records[-1]["changes"]}
    assert first["name"] == "Bahnhofsumfeld"
    assert "rationale" not in first
    # the draft measure is left out of the links
    assert records[2]["changes"] == [{"field": "measures", "old": [], "new": [public.pk]}]
    assert records[0]["changes"] == [{"field": "name", "old": "Bahnhofsumfeld", "new": "Bahnhofsumfeld Ost"}]
    values = visible_values(records)
    for secret in (DRAFT_TITLE, DRAFT_TEXT, "Noch ein Entwurf"):
        assert secret not in values
    assert str(draft.pk) not in json.dumps(
        [c["new"] for r in records for c in r["changes"] if c["field"] == "measures"]
    )
    assert {r["user"] for r in records} == {None}


def test_planners_see_the_focus_areas_whole_trail_with_the_draft_measure(focus_area, planner):
    focus, public, draft = focus_area
    records = history(client_for(planner), "focus-areas", focus.pk)
    assert len(records) == 6
    assert {r["user"] for r in records} == {"p.schmidt"}
    linked = [c for r in records for c in r["changes"] if c["field"] == "measures"]
    assert linked == [{"field": "measures", "old": [], "new": sorted([public.pk, draft.pk])}]


def test_an_unpublished_focus_areas_history_is_404_for_the_public(city, planner, readers):
    draft = focus_services.focus_area_create(
        city=city, name=DRAFT_TITLE, geom=geom("POLYGON((0 0, 500 0, 500 500, 0 500, 0 0))"), user=planner
    )
    for client in readers.values():
        assert client.get(f"/api/focus-areas/{draft.pk}/history/").status_code == 404
    assert client_for(planner).get(f"/api/focus-areas/{draft.pk}/history/").status_code == 200


def test_the_history_carries_no_personal_data(measure, readers):
    records = history(readers["anonymous"], "measures", measure.pk)
    assert set(records[0]) == {"history_id", "date", "type", "user", "version", "changes"}
    fields = {c["field"] for r in records for c in r["changes"]}
    assert not fields & {"history_user", "history_change_reason", "email", "author", "user"}
    assert "p.schmidt" not in json.dumps(records)
