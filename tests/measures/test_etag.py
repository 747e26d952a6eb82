"""Lost updates: ETag on details; PUT/PATCH/DELETE need If-Match (428 without, 412 when stale)."""

import pytest
from rest_framework.test import APIClient

from measures import services
from measures.models import BudgetLine, Measure
from tests.fixtures import body, geom
from tests.measures.conftest import counts
from tests.measures.factories import PlannerFactory


@pytest.fixture
def measure(grid) -> Measure:
    return services.measure_create(city=grid["C"], title="Platz", geom=geom("POINT(300 300)"), published=True)


def url(measure) -> str:
    return f"/api/measures/{measure.pk}/"


def etag_of(client, url: str) -> str:
    return client.get(url)["ETag"]


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_write_without_if_match_is_428(planner_api, measure, method):
    before = counts()

    response = getattr(planner_api, method)(
        url(measure), {"title": "Neu", "city": measure.city_id}, format="json"
    )

    assert response.status_code == 428
    assert "If-Match" in body(response)["detail"]
    english = getattr(planner_api, method)(
        url(measure), {"title": "Neu"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "needs an If-Match header" in body(english)["detail"]
    assert counts() == before


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_write_with_a_stale_etag_is_412(planner_api, measure, method):
    services.measure_update(measure_id=measure.pk, expected_versions=None, title="Zwischendurch")
    before = counts()

    response = getattr(planner_api, method)(
        url(measure),
        {"title": "Neu", "city": measure.city_id},
        format="json",
        HTTP_IF_MATCH=f'"measure-{measure.pk}-1"',
    )

    assert response.status_code == 412
    assert "erneut ab (GET)" in body(response)["detail"]  # German first
    assert counts() == before
    assert Measure.objects.get(pk=measure.pk).title == "Zwischendurch"


@pytest.mark.parametrize("tag", ['"nonsense"', 'W/"measure-{pk}-1"', '"measure-0-1"', '"budget-line-{pk}-1"'])
def test_a_tag_of_something_else_is_412(planner_api, measure, tag):
    response = planner_api.patch(
        url(measure), {"title": "Neu"}, format="json", HTTP_IF_MATCH=tag.format(pk=measure.pk)
    )

    assert response.status_code == 412


def test_the_current_etag_lets_the_write_through_and_changes(planner_api, measure):
    etag = etag_of(planner_api, url(measure))

    response = planner_api.patch(url(measure), {"title": "Neu"}, format="json", HTTP_IF_MATCH=etag)

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert response["ETag"] == etag_of(planner_api, url(measure))
    assert body(response)["version"] == 2


def test_one_of_several_tags_may_match(planner_api, measure):
    response = planner_api.patch(
        url(measure), {"title": "Neu"}, format="json", HTTP_IF_MATCH=f'"x", "measure-{measure.pk}-1"'
    )

    assert response.status_code == 200


def test_the_second_of_two_planners_gets_412_and_the_first_edit_stays(measure):
    first, second = APIClient(), APIClient()
    first.force_authenticate(PlannerFactory())
    second.force_authenticate(PlannerFactory())
    # both open the measure
    etag = etag_of(first, url(measure))
    assert etag_of(second, url(measure)) == etag

    one = first.patch(url(measure), {"title": "Erste Änderung"}, format="json", HTTP_IF_MATCH=etag)
    two = second.patch(url(measure), {"description": "Zweite Änderung"}, format="json", HTTP_IF_MATCH=etag)

    assert (one.status_code, two.status_code) == (200, 412)
    stored = Measure.objects.get(pk=measure.pk)
    assert (stored.title, stored.description, stored.version) == ("Erste Änderung", "", 2)


class TestBudgetLines:
    @pytest.fixture
    def line(self, measure) -> BudgetLine:
        return services.budget_line_create(measure=measure, fiscal_year=2024, amount=100, kind="investment")

    def line_url(self, line) -> str:
        return f"/api/budget-lines/{line.pk}/"

    def test_a_detail_carries_an_etag(self, api, line):
        assert api.get(self.line_url(line))["ETag"] == f'"budget-line-{line.pk}-1"'

    def test_writes_need_if_match(self, planner_api, line):
        assert planner_api.patch(self.line_url(line), {"amount": "5"}, format="json").status_code == 428
        assert planner_api.delete(self.line_url(line)).status_code == 428

    def test_a_stale_etag_is_412(self, planner_api, line):
        etag = etag_of(planner_api, self.line_url(line))
        assert (
            planner_api.patch(
                self.line_url(line), {"amount": "5"}, format="json", HTTP_IF_MATCH=etag
            ).status_code
            == 200
        )

        response = planner_api.patch(self.line_url(line), {"amount": "7"}, format="json", HTTP_IF_MATCH=etag)

        assert response.status_code == 412
        assert BudgetLine.objects.get(pk=line.pk).amount == 5

    def test_the_current_etag_deletes(self, planner_api, line):
        etag = etag_of(planner_api, self.line_url(line))

        assert planner_api.delete(self.line_url(line), HTTP_IF_MATCH=etag).status_code == 204
        assert not BudgetLine.objects.filter(pk=line.pk).exists()


def test_if_match_star_writes_whatever_the_version(planner_api, measure):
    # RFC 9110: "*" matches any current representation; the client says it does not care
    services.measure_update(measure_id=measure.pk, expected_versions=None, title="Zwischendurch")

    response = planner_api.patch(url(measure), {"title": "Neu"}, format="json", HTTP_IF_MATCH="*")

    assert response.status_code == 200
