"""The back office's papers page of a consultation (/planung/verfahren/<id>/vorlagen/): search by
reference, link, remove; another city's paper refused naming it (400), another city's consultation
403 — nothing written."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from council.models import Paper
from geo.permissions import PLANNERS
from participation.models import Consultation, ConsultationPaper
from staff.models import Membership
from tests.council.conftest import KORNWESTHEIM, LUDWIGSBURG, kornwestheim_paper
from tests.fixtures import user_in


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


@pytest.fixture
def office(cities) -> Client:
    user = user_in("lb", PLANNERS)
    Membership.objects.create(user=user, city=cities[LUDWIGSBURG])
    client = Client()
    client.force_login(user)
    return client


def test_a_planner_finds_links_and_removes_a_paper(office, cities, imported):
    consultation = _consultation(cities[LUDWIGSBURG])
    paper = Paper.objects.get(reference="312/20")
    url = f"/planung/verfahren/{consultation.pk}/vorlagen/"
    page = office.get(url, {"q": "Vorl.Nr. 312/20"}).content.decode()
    assert f'value="{paper.pk}"' in page and "Vorlage 312/20 verknüpfen" in page

    assert office.post(url, {"paper": paper.pk}).status_code == 302
    link = ConsultationPaper.objects.get()
    assert link.city_id == cities[LUDWIGSBURG].pk
    # the paper's public page lists the consultation
    assert f"/beteiligung/{consultation.slug}/" in Client().get(f"/rat/vorlagen/{paper.pk}/").content.decode()
    # the page lists it with its removal, under the consultation's title and the way back to it
    page = office.get(url).content.decode()
    assert f'action="{url}{paper.pk}/entfernen/"' in page
    assert f"Ratsvorlagen zu „{consultation.title}“" in page
    back = f"Zurück zum Beteiligungsverfahren „{consultation.title}“"
    assert f'<a href="/planung/verfahren/{consultation.pk}/">{back}</a>' in page

    assert office.post(f"{url}{paper.pk}/entfernen/").status_code == 302
    assert ConsultationPaper.objects.count() == 0


def test_another_citys_paper_or_consultation_is_refused(office, cities, imported):
    lb = _consultation(cities[LUDWIGSBURG])
    kw = _consultation(cities[KORNWESTHEIM])
    other = kornwestheim_paper(cities[KORNWESTHEIM])

    response = office.post(f"/planung/verfahren/{lb.pk}/vorlagen/", {"paper": other.pk})
    assert response.status_code == 400
    assert (
        "Ratsvorlage: Diese Ratsvorlage gehört zum Gemeinderat einer anderen Stadt."
        in response.content.decode()
    )
    assert office.post(f"/planung/verfahren/{kw.pk}/vorlagen/", {"paper": other.pk}).status_code == 403
    assert ConsultationPaper.objects.count() == 0


def test_a_master_plan_links_a_paper_of_the_planners_city_only(office, cities, imported):
    from measures.models import MasterPlanPaper
    from tests.measures.factories import MasterPlanFactory

    plan = MasterPlanFactory(title="Masterplan Vitale Stadtteile")
    other = kornwestheim_paper(cities[KORNWESTHEIM], reference="312/20")
    url = f"/planung/strategie/masterplaene/{plan.pk}/vorlagen/"
    page = office.get(url, {"q": "312/20"}).content.decode()
    assert "Vorlage 312/20 verknüpfen" in page and f'value="{other.pk}"' not in page  # only Ludwigsburg's

    assert office.post(url, {"paper": other.pk}).status_code == 403
    paper = Paper.objects.get(reference="312/20", city=cities[LUDWIGSBURG])
    assert office.post(url, {"paper": paper.pk}).status_code == 302
    assert MasterPlanPaper.objects.get().city_id == cities[LUDWIGSBURG].pk
    page = office.get(url).content.decode()
    assert f'action="{url}{paper.pk}/entfernen/"' in page
    assert f'<a href="/planung/strategie/masterplaene/{plan.pk}/">Zurück zum Masterplan' in page
    page = Client().get(f"/rat/vorlagen/{paper.pk}/").content.decode()
    assert 'Masterplan: <a href="/strategie/">Masterplan Vitale Stadtteile</a>' in page
