"""Linking measures, master plans and consultations to council papers: the services' rules
(measures.paper_links, participation.paper_links) across two cities and the roles."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from council.models import Paper
from council.selectors import decisions_for
from geo.errors import Forbidden, NotFound, ServiceError
from geo.permissions import PLANNERS
from measures.models import MasterPlanPaper, MeasurePaper
from measures.paper_links import (
    master_plan_paper_link,
    measure_paper_link,
    measure_paper_unlink,
    measure_papers,
)
from participation.models import Consultation, ConsultationPaper
from participation.paper_links import consultation_paper_link
from staff.models import Membership
from tests.council.conftest import KORNWESTHEIM, LUDWIGSBURG, kornwestheim_paper
from tests.fixtures import user_in
from tests.measures.factories import MasterPlanFactory, MeasureFactory


@pytest.fixture
def world(cities, imported):
    lb, kw = cities[LUDWIGSBURG], cities[KORNWESTHEIM]
    users = {"lb": user_in("lb", PLANNERS), "kw": user_in("kw", PLANNERS), "free": user_in("free", PLANNERS)}
    Membership.objects.create(user=users["lb"], city=lb)
    Membership.objects.create(user=users["kw"], city=kw)
    users["citizen"] = user_in("citizen")
    return {
        "users": users,
        "measures": {"lb": MeasureFactory(city=lb, scope=lb), "kw": MeasureFactory(city=kw, scope=kw)},
        "papers": {"lb": Paper.objects.get(reference="354/20"), "kw": kornwestheim_paper(kw)},
        "cities": {"lb": lb, "kw": kw},
    }


# (user, measure's city, paper's city) → the error's type and field, None: linked
MATRIX = [
    ("lb", "lb", "lb", None),
    ("lb", "lb", "kw", (ServiceError, "paper", 400)),
    ("lb", "kw", "kw", (Forbidden, "measure", 403)),
    ("lb", "kw", "lb", (Forbidden, "measure", 403)),
    ("kw", "kw", "kw", None),
    ("kw", "lb", "lb", (Forbidden, "measure", 403)),
    ("free", "lb", "lb", None),
    ("free", "kw", "lb", (ServiceError, "paper", 400)),
    ("citizen", "lb", "lb", (Forbidden, None, 403)),
]


@pytest.mark.parametrize(("user", "measure", "paper", "refused"), MATRIX)
def test_a_measure_links_only_a_paper_of_its_city_by_a_planner_of_that_city(
    world, user, measure, paper, refused
):
    call = lambda: measure_paper_link(  # noqa: E731
        measure_id=world["measures"][measure].pk,
        paper_id=world["papers"][paper].pk,
        user=world["users"][user],
    )
    if refused is None:
        link = call()
        assert link.city_id == world["cities"][measure].pk  # the row carries the measure's city
        assert MeasurePaper.objects.count() == 1
        return
    kind, field, status = refused
    with pytest.raises(kind) as error:
        call()
    assert error.value.status == status and error.value.field == field
    assert MeasurePaper.objects.count() == 0


def test_linking_twice_keeps_one_link(world):
    for _ in range(2):
        measure_paper_link(measure_id=world["measures"]["lb"].pk, paper_id=world["papers"]["lb"].pk)
    assert MeasurePaper.objects.count() == 1


@pytest.mark.parametrize("paper_id", ["", "abc", None, 10**9])
def test_a_missing_paper_is_refused_naming_the_field(world, paper_id):
    with pytest.raises(ServiceError) as error:
        measure_paper_link(
            measure_id=world["measures"]["lb"].pk, paper_id=paper_id, user=world["users"]["lb"]
        )
    assert error.value.field == "paper" and error.value.status == 400
    assert MeasurePaper.objects.count() == 0


def test_a_paper_deleted_in_the_source_cannot_be_linked(world):
    Paper.objects.filter(pk=world["papers"]["lb"].pk).update(deleted=True)
    with pytest.raises(ServiceError) as error, translation.override("en"):
        measure_paper_link(measure_id=world["measures"]["lb"].pk, paper_id=world["papers"]["lb"].pk)
    assert error.value.field == "paper" and "no such council paper" in error.value.message


def test_a_regional_measure_links_no_city_paper(world, cities):
    region = cities[LUDWIGSBURG].parent
    measure = MeasureFactory(city=region, scope=region)
    with pytest.raises(ServiceError) as error:
        measure_paper_link(measure_id=measure.pk, paper_id=world["papers"]["lb"].pk)
    assert error.value.field == "paper"


def test_unlinking_removes_the_link_and_refuses_what_is_not_linked(world):
    measure, paper = world["measures"]["lb"], world["papers"]["lb"]
    measure_paper_link(measure_id=measure.pk, paper_id=paper.pk)
    with pytest.raises(Forbidden):
        measure_paper_unlink(measure_id=measure.pk, paper_id=paper.pk, user=world["users"]["kw"])
    measure_paper_unlink(measure_id=measure.pk, paper_id=paper.pk, user=world["users"]["lb"])
    assert MeasurePaper.objects.count() == 0
    with pytest.raises(NotFound):
        measure_paper_unlink(measure_id=measure.pk, paper_id=paper.pk, user=world["users"]["lb"])


def test_a_measure_shows_the_decision_of_its_paper(world):
    measure_paper_link(
        measure_id=world["measures"]["lb"].pk, paper_id=Paper.objects.get(reference="370/20").pk
    )
    [item] = measure_papers(world["measures"]["lb"].pk)
    # 370/20 was discussed twice: prepared by the committee, decided by the council
    assert item.decision is not None
    assert item.decision.committee == "Gemeinderat" and item.decision.result == "Beschlossen"
    assert timezone.localtime(item.decision.date).date() == dt.date(2021, 2, 3)


def test_a_master_plan_links_a_paper_of_a_city_the_planner_works_for(world):
    plan = MasterPlanFactory()
    with pytest.raises(Forbidden) as error:
        master_plan_paper_link(
            master_plan_id=plan.pk, paper_id=world["papers"]["kw"].pk, user=world["users"]["lb"]
        )
    assert error.value.field == "paper"
    link = master_plan_paper_link(
        master_plan_id=plan.pk, paper_id=world["papers"]["lb"].pk, user=world["users"]["lb"]
    )
    assert link.city_id == world["cities"]["lb"].pk  # the paper's city
    assert MasterPlanPaper.objects.count() == 1


def _consultation(city) -> Consultation:
    now = timezone.now()
    return Consultation.objects.create(
        title=f"Verfahren {city.name}",
        slug=f"verfahren-{city.code}",
        city=city,
        area=city,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
    )


def test_a_consultation_links_only_a_paper_of_its_city(world):
    lb = _consultation(world["cities"]["lb"])
    kw = _consultation(world["cities"]["kw"])
    with pytest.raises(ServiceError) as wrong_city:
        consultation_paper_link(
            consultation_id=lb.pk, paper_id=world["papers"]["kw"].pk, user=world["users"]["lb"]
        )
    assert wrong_city.value.field == "paper" and wrong_city.value.status == 400
    with pytest.raises(Forbidden):
        consultation_paper_link(
            consultation_id=kw.pk, paper_id=world["papers"]["kw"].pk, user=world["users"]["lb"]
        )
    link = consultation_paper_link(
        consultation_id=lb.pk, paper_id=world["papers"]["lb"].pk, user=world["users"]["lb"]
    )
    assert link.city_id == world["cities"]["lb"].pk
    assert ConsultationPaper.objects.count() == 1


def test_the_measures_api_carries_the_linked_papers_but_not_who_linked_them(world, client):
    measure, paper = world["measures"]["lb"], world["papers"]["lb"]
    other = Paper.objects.exclude(pk=paper.pk).filter(body__city=world["cities"]["lb"]).order_by("id").first()
    gone = Paper.objects.create(
        body=paper.body, oparl_id=paper.oparl_id + "-gone", reference="9/99", deleted=True
    )
    for linked in (paper, other, gone):
        MeasurePaper.objects.create(measure=measure, paper=linked, created_by=world["users"]["lb"])
    expected = [
        {
            "id": p.pk,
            "reference": p.reference,
            "name": p.name,
            "date": p.date.isoformat() if p.date else None,
            "type": p.paper_type,
            "oparl_id": p.oparl_id,
            "web": p.web or None,
        }
        for p in sorted((paper, other), key=lambda p: (p.date is None, p.date, p.reference, p.pk))
    ]
    assert expected[0]["reference"] and expected[0]["oparl_id"].startswith("http")

    detail = client.get(f"/api/measures/{measure.pk}/").json()
    listed = client.get("/api/measures/", {"city": world["cities"]["lb"].pk}).json()["features"]
    # the deleted one left out, by date (their decisions: the next test)
    assert [{k: v for k, v in p.items() if k != "decision"} for p in detail["papers"]] == expected
    assert [f["properties"]["papers"] for f in listed if f["id"] == measure.pk] == [detail["papers"]]
    assert all(f["properties"]["papers"] == [] for f in listed if f["id"] != measure.pk)
    text = client.get(f"/api/measures/{measure.pk}/").content.decode() + str(listed)
    assert "created_by" not in text and world["users"]["lb"].username not in text


def test_the_measures_api_gives_each_paper_the_consultation_that_decided_it(world, client):
    """The list (built as JSON by PostgreSQL) and the detail (Python) give the same decision, by the one
    rule of the view ``council_consultation_decision``: 370/20 prepared by a committee and decided by the
    council; a paper whose only consultation took note of it (its latest, not decided); one without any."""
    measure = world["measures"]["lb"]
    decided = Paper.objects.get(reference="370/20")
    noted = Paper.objects.filter(consultations__agenda_item_ref__isnull=False).exclude(pk=decided.pk)
    noted = next(p for p in noted if all(not d.decided for d in decisions_for([p.pk]).get(p.pk, [])))
    never = Paper.objects.create(body=decided.body, oparl_id=decided.oparl_id + "-new", reference="1/99")
    for paper in (decided, noted, never):
        MeasurePaper.objects.create(measure=measure, paper=paper)

    detail = client.get(f"/api/measures/{measure.pk}/").json()["papers"]
    listed = client.get("/api/measures/", {"city": world["cities"]["lb"].pk}).json()["features"]
    assert [f["properties"]["papers"] for f in listed if f["id"] == measure.pk] == [detail]
    by_reference = {p["reference"]: p["decision"] for p in detail}

    council = by_reference["370/20"]
    assert (council["committee"], council["result"], council["decided"]) == (
        "Gemeinderat",
        "Beschlossen",
        True,
    )
    assert council["meeting"]
    assert timezone.localtime(dt.datetime.fromisoformat(council["date"])).date() == dt.date(2021, 2, 3)
    assert by_reference[noted.reference]["decided"] is False
    assert by_reference[noted.reference]["committee"]
    assert by_reference["1/99"] is None


def test_papers_are_not_written_through_the_measures_api(world, client):
    measure, paper = world["measures"]["lb"], world["papers"]["lb"]
    planner = world["users"]["lb"]
    client.force_login(planner)
    current = client.get(f"/api/measures/{measure.pk}/")
    response = client.patch(
        f"/api/measures/{measure.pk}/",
        {"papers": [{"id": paper.pk}]},
        content_type="application/json",
        headers={"If-Match": current["ETag"]},
    )
    assert response.status_code == 200, response.content
    assert response.json()["papers"] == []
    assert not MeasurePaper.objects.filter(measure=measure).exists()
