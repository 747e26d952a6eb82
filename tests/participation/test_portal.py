"""/beteiligung/: the list with its filters (phase, theme, target group, Quartier, format, process),
the map data and the API, the calendar, process and consultation pages, the evaluation, the Atom
feed, the pins flag on /karte/ and the moderators' start page. On the demo: the open consultation over
the whole city, an evaluated one in Mitte and a planned one in Oßweil, all steps of one process."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from budgeting.demo import SLUG as BUDGET_SLUG
from events.demo import SLUG as EVENTS_SLUG
from geo.errors import Forbidden
from geo.permissions import MODERATORS, PLANNERS
from measures.models import Measure
from participation import formats
from participation.demo import EVALUATED_SLUG, PLANNED_SLUG, SLUG
from participation.models import Consultation, Contribution, Process
from participation.portal import services
from participation.services import contribution_create
from quartiere.models import Area, Level
from surveys.demo import SLUG as SURVEY_SLUG
from tests.fixtures import body, page_config, user_in

pytestmark = pytest.mark.django_db

# the demo's open consultations over the whole city: pins, and the formats' own
CITYWIDE = {SLUG, SURVEY_SLUG, BUDGET_SLUG, EVENTS_SLUG}

TRICKY = "{{ 6*7 }} {# x #} <script>alert(1)</script>"


def slugs(html: str) -> list[str]:
    return re.findall(r'class="consultation-title"><a href="/beteiligung/([^/]+)/"', html)


def quartier(name: str) -> Area:
    return Area.objects.get(level=Level.QUARTIER, parent__code="08118048", name=name)  # Ludwigsburg's


def test_the_list_shows_every_consultation_with_its_phase(client, demo):
    html = client.get("/beteiligung/").content.decode()
    assert set(slugs(html)) >= {SLUG, EVALUATED_SLUG, PLANNED_SLUG}
    assert "phase-evaluated" in html and "phase-planned" in html and "phase-open" in html
    for phase, expected in (("open", CITYWIDE), ("evaluated", {EVALUATED_SLUG}), ("planned", {PLANNED_SLUG})):
        assert set(slugs(client.get(f"/beteiligung/?phase={phase}").content.decode())) == expected
    assert slugs(client.get("/beteiligung/?phase=closed").content.decode()) == []


def test_the_filters_select_in_sql(client, demo):
    def found(query: str) -> set[str]:
        response = client.get(f"/beteiligung/?{query}")
        assert response.status_code == 200
        return set(slugs(response.content.decode()))

    assert found("thema=Klima") == {PLANNED_SLUG}
    assert found("zielgruppe=businesses") == {EVALUATED_SLUG}
    # the whole city covers every Quartier; the Mitte one does not reach its neighbour Nord
    assert found(f"quartier={quartier('Oßweil').pk}") == CITYWIDE | {PLANNED_SLUG}
    assert found(f"quartier={quartier('Nord').pk}") == CITYWIDE
    assert found(f"quartier={quartier('Mitte').pk}") == CITYWIDE | {EVALUATED_SLUG}
    assert found("format=survey") == {SURVEY_SLUG}
    assert found("format=budget") == {BUDGET_SLUG}
    assert found("format=event") == {EVENTS_SLUG}
    assert found("prozess=ludwigsburg-geht-weiter&format=pins") == {SLUG, EVALUATED_SLUG, PLANNED_SLUG}
    Consultation.objects.filter(slug=PLANNED_SLUG).update(pins=False)
    assert PLANNED_SLUG not in found("format=pins")


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("phase=soon", "phase"),
        ("zielgruppe=cats", "zielgruppe"),
        ("quartier=99999999", "quartier"),
        ("quartier=abc", "quartier"),
        ("format=telepathy", "format"),
        ("prozess=nope", "prozess"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(client, demo, query, name):
    for path in ("/beteiligung/", "/beteiligung/kalender/"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400
        assert f'data-parameter="{name}"' in response.content.decode()
    assert client.get(f"/beteiligung/karte.json?{query}").status_code == 400
    assert client.get(f"/beteiligung/feed.atom?{query}").status_code == 400


def test_a_nul_in_a_filter_is_a_400(client, demo):
    for path in ("/beteiligung/", "/beteiligung/kalender/", "/beteiligung/karte.json", "/api/consultations/"):
        assert client.get(f"{path}?thema=%00").status_code == 400


def test_the_map_data_and_the_api_carry_phase_quartiere_and_formats(client, demo):
    data = body(client.get("/beteiligung/karte.json?thema=Mobilit%C3%A4t"))
    assert {f["properties"]["slug"] for f in data["features"]} == {
        SLUG,
        EVALUATED_SLUG,
        SURVEY_SLUG,
        EVENTS_SLUG,
    }
    api = body(client.get(f"/api/consultations/?phase=evaluated&quartier={quartier('Mitte').pk}"))
    (feature,) = api["features"]
    props = feature["properties"]
    assert props["slug"] == EVALUATED_SLUG and props["phase"] == "evaluated"
    assert [q["name"] for q in props["quartiere"]] == ["Mitte"]
    assert props["formats"] == ["pins", "discussion"] and props["process"] == "ludwigsburg-geht-weiter"
    assert props["evaluation"].startswith("Illustrative Demo-Daten")
    planned = body(client.get("/api/consultations/?phase=planned"))["features"][0]["properties"]
    assert planned["evaluation"] is None
    bad = client.get("/api/consultations/?target_group=cats")
    assert bad.status_code == 400 and "target_group" in body(bad)


def test_the_pages_speak_german_and_english(client, demo):
    german = client.get(f"/beteiligung/{EVALUATED_SLUG}/").content.decode()
    assert "Auswertung" in german and "Was entschieden wurde" in german and "ausgewertet" in german
    english = client.get(f"/beteiligung/{EVALUATED_SLUG}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "What was decided" in english and "evaluated" in english
    calendar = client.get("/beteiligung/kalender/").content.decode()
    assert "öffnet" in calendar and "schließt" in calendar
    assert client.get("/beteiligung/kalender/", HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    for path in (
        "/beteiligung/",
        "/beteiligung/prozesse/ludwigsburg-geht-weiter/",
        "/beteiligung/abonnieren/",
    ):
        assert client.get(path).status_code == 200
        assert client.get(path, HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    assert client.get("/beteiligung/gibt-es-nicht/").status_code == 404
    assert client.get("/beteiligung/prozesse/gibt-es-nicht/").status_code == 404


def test_the_consultation_page_shows_process_formats_and_evaluation(client, demo):
    consultation = Consultation.objects.get(slug=EVALUATED_SLUG)
    draft = Measure.objects.filter(city=consultation.city, published=False).first()
    if draft is not None:
        consultation.measures.add(draft)
    html = client.get(f"/beteiligung/{EVALUATED_SLUG}/").content.decode()
    # the pins panel: counts and the map link; received per format; the published measures only
    assert f'href="/karte/?verfahren={EVALUATED_SLUG}"' in html
    assert "20 veröffentlichte Beiträge" in html
    links = re.findall(
        r'<a href="/massnahmen/(\d+)/">', html.split('id="evaluation-measures"')[1].split("</ul>")[0]
    )
    published = set(consultation.measures.filter(published=True).values_list("pk", flat=True))
    assert {int(pk) for pk in links} == published and published
    # the process with its other steps, in date order
    steps = re.findall(r'<li><(?:strong aria-current="step"|a href="/beteiligung/[^"]+/")>([^<]+)<', html)
    assert steps[0] == consultation.title and len(steps) >= 3
    assert page_config(html, "portal-map-config")["dataUrl"] == f"/beteiligung/{EVALUATED_SLUG}/karte.json"
    area = body(client.get(f"/beteiligung/{EVALUATED_SLUG}/karte.json"))
    assert area["features"][0]["geometry"]["type"] == "MultiPolygon"


def test_an_evaluation_is_written_by_a_planner_of_the_city_after_closing(client, demo):
    planner = user_in("auswerterin", PLANNERS)
    closed = Consultation.objects.get(slug=EVALUATED_SLUG)
    Consultation.objects.filter(pk=closed.pk).update(evaluation="", evaluation_published_at=None)
    assert client.get("/beteiligung/?phase=closed").content.decode().count("consultation-title") == 1
    measure = Measure.objects.filter(city=closed.city, published=True).first()

    with pytest.raises(Forbidden):
        services.consultation_evaluate(
            consultation_id=closed.pk, evaluation="x", publish=True, user=user_in("buerger")
        )
    open_one = Consultation.objects.get(slug=SLUG)
    with pytest.raises(ValidationError) as error:
        services.consultation_evaluate(
            consultation_id=open_one.pk, evaluation="zu früh", publish=True, user=planner
        )
    assert "evaluation" in error.value.message_dict
    services.consultation_evaluate(
        consultation_id=closed.pk, evaluation=TRICKY, publish=True, measure_ids=[measure.pk], user=planner
    )
    closed.refresh_from_db()
    assert closed.phase() == "evaluated"
    assert closed.history.first().history_user == planner  # audited
    html = client.get(f"/beteiligung/{EVALUATED_SLUG}/").content.decode()
    assert "{{ 6*7 }} {# x #} &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert f'href="/massnahmen/{measure.pk}/"' in html


def test_a_process_is_written_by_planners_only(demo):
    city = Area.objects.get(level=Level.CITY, code="08118048")
    with pytest.raises(Forbidden):
        services.process_create(city=city, title="Neu", user=user_in("buerger2"))
    process = services.process_create(city=city, title="Neuer Prozess", user=user_in("pl2", PLANNERS))
    assert process.slug == "neuer-prozess" and process.history.count() == 1
    services.process_update(process_id=process.pk, title="Umbenannt", user=user_in("pl3", PLANNERS))
    assert Process.objects.get(pk=process.pk).title == "Umbenannt"


def test_a_consultation_without_pins_takes_no_contribution(client, demo):
    consultation = Consultation.objects.get(slug=SLUG)
    Consultation.objects.filter(pk=consultation.pk).update(pins=False)
    before = Contribution.objects.count()
    with pytest.raises(ValidationError) as error:
        contribution_create(
            consultation_id=consultation.pk, lon=9.1956, lat=48.8997, text="Hier", category="idea"
        )
    assert error.value.status == 400 and "consultation" in error.value.message_dict
    response = client.post(
        "/api/contributions/",
        {"consultation": consultation.pk, "lon": 9.1956, "lat": 48.8997, "text": "Hier", "category": "idea"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "consultation" in body(response)
    assert Contribution.objects.count() == before
    # the map's default and a link to it lead only to pin consultations
    karte = client.get(f"/karte/?verfahren={SLUG}")
    assert karte.status_code == 302 and karte["Location"] == f"/beteiligung/{SLUG}/"
    default = client.get("/karte/").content.decode()
    assert consultation.title not in default


def test_the_feed_lists_new_consultations_as_text(client, demo):
    Consultation.objects.filter(slug=PLANNED_SLUG).update(description=TRICKY, created_at=timezone.now())
    response = client.get("/beteiligung/feed.atom?thema=Klima")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    xml = response.content.decode()
    assert xml.count("<entry>") == 1 and f"/beteiligung/{PLANNED_SLUG}/" in xml
    # escaped twice: once by us (the summary is type="html"), once by the XML writer
    assert "&amp;lt;script&amp;gt;" in xml and "<script>" not in xml
    everything = client.get("/beteiligung/feed.atom").content.decode()
    assert everything.count("<entry>") >= 3


def test_the_moderators_start_page_lists_every_registered_queue(client, demo):
    queue = formats.ModerationQueue(
        key="testqueue", label="Testwarteschlange", url_name="portal:list", pending=lambda user: 7
    )
    formats.register_queue(queue)
    try:
        client.force_login(user_in("mod", MODERATORS))
        html = client.get("/moderation/").content.decode()
        assert re.search(
            r'data-queue="testqueue"><a href="/beteiligung/">Testwarteschlange: <strong>7</strong>', html
        )
    finally:
        formats._queues.pop("testqueue")


def test_planners_write_processes_and_evaluations_in_the_back_office(client, demo):
    client.force_login(user_in("planerin", PLANNERS))
    assert client.get("/planung/verfahren/prozesse/").status_code == 200
    city = Area.objects.get(level=Level.CITY, code="08118048")
    response = client.post("/planung/verfahren/prozesse/neu/", {"title": TRICKY, "city": city.pk})
    assert response.status_code == 302
    process = Process.objects.get(title=TRICKY)
    assert client.post("/planung/verfahren/prozesse/neu/", {"title": "", "city": city.pk}).status_code == 400
    page = client.get(f"/beteiligung/prozesse/{process.slug}/").content.decode()
    assert "&lt;script&gt;" in page and "<script>alert" not in page

    closed = Consultation.objects.get(slug=EVALUATED_SLUG)
    form = client.get(f"/planung/verfahren/{closed.pk}/auswertung/").content.decode()
    revision = re.search(r'name="revision" value="(\d+)"', form).group(1)
    saved = client.post(
        f"/planung/verfahren/{closed.pk}/auswertung/",
        {"evaluation": "Beschlossen: neue Bänke.", "publish": "on", "revision": revision},
    )
    assert saved.status_code == 302
    assert "Beschlossen: neue Bänke." in client.get(f"/beteiligung/{EVALUATED_SLUG}/").content.decode()
    # a stale revision is refused, nothing changed
    stale = client.post(
        f"/planung/verfahren/{closed.pk}/auswertung/",
        {"evaluation": "Anders", "publish": "on", "revision": revision},
    )
    assert stale.status_code == 412
    assert Consultation.objects.get(pk=closed.pk).evaluation == "Beschlossen: neue Bänke."
    # the consultation form offers the process and the pins flag
    edit = client.get(f"/planung/verfahren/{closed.pk}/").content.decode()
    assert 'name="process"' in edit and 'name="pins"' in edit

    client.force_login(user_in("nur-moderator", MODERATORS))
    assert client.get(f"/planung/verfahren/{closed.pk}/auswertung/").status_code == 403
    assert client.get("/planung/verfahren/prozesse/").status_code == 403


def test_the_demo_steps_are_idempotent(demo):
    from participation.demo import load_demo

    counts = (Consultation.objects.count(), Contribution.objects.count())
    load_demo(None)
    assert (Consultation.objects.count(), Contribution.objects.count()) == counts
    evaluated = Consultation.objects.get(slug=EVALUATED_SLUG)
    assert evaluated.contributions.filter(status="published").count() == 20
    planned = Consultation.objects.get(slug=PLANNED_SLUG)
    assert planned.opens_at > timezone.now() + dt.timedelta(days=25)
    assert {c.process.slug for c in (evaluated, planned)} == {"ludwigsburg-geht-weiter"}
