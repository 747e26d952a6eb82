"""The public council pages (/rat/, /rat/vorlagen/<id>/), the measure page's council decisions and
the back office's papers page (/planung/massnahmen/<id>/vorlagen/): what they show, what they hide,
and refusals that write nothing."""

import pytest
from django.test import Client

from council.models import Paper
from geo.permissions import PLANNERS
from measures.models import MeasurePaper
from staff.models import Membership
from tests.council.conftest import KORNWESTHEIM, LUDWIGSBURG, kornwestheim_paper
from tests.fixtures import user_in
from tests.measures.factories import MeasureFactory


@pytest.fixture
def lb_measure(cities, imported):
    lb = cities[LUDWIGSBURG]
    return MeasureFactory(city=lb, scope=lb, title="Strategieprozess")


@pytest.fixture
def office(cities) -> Client:
    user = user_in("lb", PLANNERS)
    Membership.objects.create(user=user, city=cities[LUDWIGSBURG])
    client = Client()
    client.force_login(user)
    return client


def test_the_list_finds_a_paper_by_its_reference_however_written(client, imported):
    wanted, other = Paper.objects.get(reference="354/20"), Paper.objects.get(reference="312/20")
    for query in ("354/20", "Vorl.Nr. 354/20", "354 / 20", "strategische stadtentwicklung"):
        page = client.get("/rat/", {"q": query}).content.decode()
        assert f"/rat/vorlagen/{wanted.pk}/" in page and f"/rat/vorlagen/{other.pk}/" not in page, query
    assert "Keine Vorlage zu" in client.get("/rat/", {"q": "999/99"}).content.decode()


def test_the_paper_page_shows_consultations_files_and_linked_published_measures(client, lb_measure):
    paper = Paper.objects.get(reference="370/20")
    MeasurePaper.objects.create(measure=lb_measure, paper=paper)
    draft = MeasureFactory(
        city=lb_measure.city, scope=lb_measure.city, title="Geheimer Entwurf", published=False
    )
    MeasurePaper.objects.create(measure=draft, paper=paper)

    page = client.get(f"/rat/vorlagen/{paper.pk}/").content.decode()

    assert "Vorberatung" in page and "Beschlussfassung" in page  # both consultations
    assert "Gemeinderat" in page and "Ausschuss für Wirtschaft, Kultur und Verwaltung" in page
    assert f'href="/massnahmen/{lb_measure.pk}/"' in page
    assert "Geheimer Entwurf" not in page


def test_a_deleted_paper_has_no_page_and_is_not_listed(client, imported):
    paper = Paper.objects.get(reference="354/20")
    Paper.objects.filter(pk=paper.pk).update(deleted=True)
    assert client.get(f"/rat/vorlagen/{paper.pk}/").status_code == 404
    listed = client.get("/rat/").content.decode()
    assert f"/rat/vorlagen/{paper.pk}/" not in listed
    assert f"/rat/vorlagen/{Paper.objects.get(reference='312/20').pk}/" in listed


def test_text_from_the_source_is_shown_escaped(client, imported):
    paper = Paper.objects.get(reference="354/20")
    Paper.objects.filter(pk=paper.pk).update(name="<script>alert(1)</script> {{ 6*7 }}")
    page = client.get(f"/rat/vorlagen/{paper.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 6*7 }}" in page


def test_the_measure_page_shows_the_decision_of_a_linked_paper(client, lb_measure):
    MeasurePaper.objects.create(measure=lb_measure, paper=Paper.objects.get(reference="354/20"))
    page = client.get(f"/massnahmen/{lb_measure.pk}/").content.decode()
    assert "Ratsbeschlüsse" in page and "Vorlage 354/20" in page
    assert "26. Januar 2021" in page and "Ausschuss für Wirtschaft, Kultur und Verwaltung" in page


def test_the_office_search_offers_only_the_measures_city_papers(office, cities, lb_measure):
    kornwestheim_paper(cities[KORNWESTHEIM], reference="354/20")
    page = office.get(f"/planung/massnahmen/{lb_measure.pk}/vorlagen/", {"q": "354/20"}).content.decode()
    assert page.count('name="paper"') == 1
    assert "Vorlage aus Kornwestheim" not in page


def test_the_office_refuses_another_citys_paper_naming_it_and_writes_nothing(office, cities, lb_measure):
    other = kornwestheim_paper(cities[KORNWESTHEIM])
    response = office.post(f"/planung/massnahmen/{lb_measure.pk}/vorlagen/", {"paper": other.pk})
    assert response.status_code == 400
    assert (
        "Ratsvorlage: Diese Ratsvorlage gehört zum Gemeinderat einer anderen Stadt."
        in response.content.decode()
    )
    assert MeasurePaper.objects.count() == 0


def test_the_office_refuses_another_citys_measure(office, cities, imported):
    kw = cities[KORNWESTHEIM]
    measure = MeasureFactory(city=kw, scope=kw)
    paper = kornwestheim_paper(kw)
    assert office.post(f"/planung/massnahmen/{measure.pk}/vorlagen/", {"paper": paper.pk}).status_code == 403
    assert office.get(f"/planung/massnahmen/{measure.pk}/vorlagen/").status_code == 403
    assert MeasurePaper.objects.count() == 0


def test_the_office_links_and_removes(office, lb_measure):
    paper = Paper.objects.get(reference="354/20")
    response = office.post(f"/planung/massnahmen/{lb_measure.pk}/vorlagen/", {"paper": paper.pk})
    assert response.status_code == 302 and response["Location"].endswith(f"/{lb_measure.pk}/#papers")
    assert MeasurePaper.objects.get().created_by.username == "lb"
    response = office.post(f"/planung/massnahmen/{lb_measure.pk}/vorlagen/{paper.pk}/entfernen/")
    assert response.status_code == 302 and MeasurePaper.objects.count() == 0
    assert (
        office.post(f"/planung/massnahmen/{lb_measure.pk}/vorlagen/{paper.pk}/entfernen/").status_code == 404
    )


@pytest.mark.parametrize("value", ["", "abc", "99999999"])
def test_the_office_answers_a_bad_paper_with_400(office, lb_measure, value):
    response = office.post(f"/planung/massnahmen/{lb_measure.pk}/vorlagen/", {"paper": value})
    assert response.status_code == 400 and "Ratsvorlage:" in response.content.decode()
