"""Status transitions, checked once in measures.services.measure_status_check."""

import itertools

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from measures import services
from measures.models import MeasureStatus
from tests.fixtures import body, geom

S = MeasureStatus
ALLOWED = {
    (S.IDEA, S.PLANNED),
    (S.PLANNED, S.DECIDED),
    (S.DECIDED, S.IN_PROGRESS),
    (S.IN_PROGRESS, S.DONE),
    (S.IDEA, S.STOPPED),
    (S.PLANNED, S.STOPPED),
    (S.DECIDED, S.STOPPED),
    (S.IN_PROGRESS, S.STOPPED),
}
CHANGES = [(old, new) for old, new in itertools.product(S.values, repeat=2) if old != new]


@pytest.mark.parametrize(("old", "new"), CHANGES)
def test_only_the_documented_transitions_are_allowed(old, new):
    if (old, new) in ALLOWED:
        services.measure_status_check(old=old, new=new)
    else:
        with pytest.raises(ValidationError) as raised:
            services.measure_status_check(old=old, new=new)
        assert "status" in raised.value.message_dict


def test_the_table_is_the_documented_one():
    assert {(old, new) for old, news in services.STATUS_TRANSITIONS.items() for new in news} == ALLOWED


@pytest.mark.parametrize("status", S.values)
def test_keeping_the_status_is_always_allowed(status):
    services.measure_status_check(old=status, new=status)


@pytest.mark.parametrize("final", [S.DONE, S.STOPPED])
def test_a_finished_measure_cannot_move_on(final):
    with override("en"), pytest.raises(ValidationError, match="cannot change its status any more"):
        services.measure_status_check(old=final, new=S.IDEA)


def test_the_reason_is_in_the_language_of_the_request():
    with override("de"), pytest.raises(ValidationError, match="kann ihren Status nicht mehr ändern"):
        services.measure_status_check(old=S.DONE, new=S.IDEA)


def test_a_measure_walks_the_whole_way_through_the_api(planner_api, grid):
    measure = services.measure_create(city=grid["C"], title="Platz", geom=geom("POINT(300 300)"))
    url = f"/api/measures/{measure.pk}/"

    for version, status in enumerate([S.PLANNED, S.DECIDED, S.IN_PROGRESS, S.DONE], start=1):
        response = planner_api.patch(
            url, {"status": status}, format="json", HTTP_IF_MATCH=f'"measure-{measure.pk}-{version}"'
        )
        assert response.status_code == 200, response.content

    assert body(planner_api.get(url))["status"] == "done"


def test_skipping_a_step_is_refused_through_the_api(planner_api, grid):
    measure = services.measure_create(city=grid["C"], title="Platz", geom=geom("POINT(300 300)"))

    response = planner_api.patch(
        f"/api/measures/{measure.pk}/",
        {"status": "decided"},
        format="json",
        HTTP_IF_MATCH=f'"measure-{measure.pk}-1"',
    )

    assert response.status_code == 400
    # German first (no Accept-Language): the German workspace shows the service's reason in German
    assert body(response)["status"] == ["kann nicht von idea zu decided wechseln; erlaubt: planned, stopped"]
    english = planner_api.patch(
        f"/api/measures/{measure.pk}/",
        {"status": "decided"},
        format="json",
        HTTP_IF_MATCH=f'"measure-{measure.pk}-1"',
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert body(english)["status"] == ["cannot change from idea to decided; allowed: planned, stopped"]


@pytest.mark.parametrize("status", S.values)
def test_a_new_measure_may_start_in_any_status(grid, status):
    measure = services.measure_create(city=grid["C"], title="Bestand", scope=grid["C"], status=status)

    assert measure.status == status
