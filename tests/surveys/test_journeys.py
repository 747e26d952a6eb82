"""Journeys in Chromium. A citizen answers a survey with every kind of question — on a desktop by
keyboard only (the place too: arrow keys move the map under the cross), on a phone by tapping — sends
it, reads the thanks page and the results (bars with their numbers, the places drawn from GeoJSON); a
second visit says the survey is answered. A planner builds a survey in the back office and downloads
its responses as CSV."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from playwright.sync_api import expect

from geo.permissions import PLANNERS
from participation.models import Consultation
from quartiere.models import Area, Level
from quartiere.services import area_import_file
from surveys.models import AnswerStatus, SurveyResponse
from tests.backoffice_kit import check_page, sign_in
from tests.browser import DESKTOP, PHONE, Watch
from tests.fixtures import user_in
from tests.participation.test_journey_citizen import tab_to
from tests.surveys.conftest import CITY, make_survey, questions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OFFICIAL = Path(settings.BASE_DIR) / "fixtures" / "region-stuttgart"


@pytest.fixture
def live(live_server, basemap, db, settings):
    # the region and the city of the demo are enough here (the whole demo would cost seconds per test)
    common = {"name_field": "name", "progress": False}
    area_import_file(
        OFFICIAL / "region_stuttgart.geojson", level=Level.REGION, code_field=None, code="VRS", **common
    )
    area_import_file(OFFICIAL / "ludwigsburg_stadt.geojson", level=Level.CITY, code_field="ags", **common)
    caches[settings.PARTICIPATION_THROTTLE_CACHE].clear()
    return live_server


def answer_by_keyboard(page, q) -> None:
    single, multiple, scale, text, place = (f"#q{x.pk}" for x in q)
    tab_to(page, f"{single}-0")
    page.keyboard.press("ArrowDown")  # radio group: the second choice, "Rad"
    expect(page.locator(f"{single}-1")).to_be_checked()
    tab_to(page, f"{multiple}-0")
    page.keyboard.press("Space")
    tab_to(page, f"{multiple}-2")
    page.keyboard.press("Space")
    tab_to(page, f"{scale}-1")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(page.locator(f"{scale}-4")).to_be_checked()
    tab_to(page, f"{text}-text")
    page.keyboard.type("<b>Mehr Bäume</b> {{ 6*7 }}")
    tab_to(page, f'.survey-map[data-question="q{q[4].pk}"]')
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowLeft")
    tab_to(page, f'.survey-use-centre[data-question="q{q[4].pk}"]')
    page.keyboard.press("Enter")
    expect(page.locator(f"{place}-status")).to_contain_text("Ort gewählt")
    tab_to(page, ".survey-form button[type=submit]")
    page.keyboard.press("Enter")


def answer_by_tapping(page, q) -> None:
    single, multiple, scale, text, place = (f"#q{x.pk}" for x in q)
    page.locator(f"label[for='{single[1:]}-1']").tap()
    page.locator(f"label[for='{multiple[1:]}-0']").tap()
    page.locator(f"label[for='{multiple[1:]}-2']").tap()
    page.locator(f"label[for='{scale[1:]}-4']").tap()
    page.locator(f"{text}-text").fill("<b>Mehr Bäume</b> {{ 6*7 }}")
    map_box = page.locator(f'.survey-map[data-question="q{q[4].pk}"]')
    map_box.scroll_into_view_if_needed()
    box = map_box.bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator(f"{place}-status")).to_contain_text("Ort gewählt")
    page.get_by_role("button", name="Antwort senden").tap()


@pytest.mark.parametrize(
    ("screen", "how"),
    [pytest.param(DESKTOP, "keyboard", id="desktop-keyboard"), pytest.param(PHONE, "tap", id="phone")],
)
def test_a_citizen_answers_every_kind_of_question_and_sees_the_results(live, chromium, screen, how):
    city = Area.objects.get(level=Level.CITY, code=CITY)
    survey = make_survey(city, slug="journey", results_public=True)
    q = questions(survey)
    watch = Watch()
    page = watch.open(
        chromium, f"{live.url}/beteiligung/journey/umfrage/", screen=screen, has_touch=how == "tap"
    )
    expect(page.get_by_role("heading", name="Umfrage: Test journey", level=1)).to_be_visible()
    expect(page.locator(f"#q{q[0].pk} legend")).to_contain_text("(Pflichtfrage)")
    expect(page.locator(f"#q{q[1].pk} legend")).to_contain_text("(optional)")
    check_page(page)

    # sent without the required scale first: the error names the question, the summary takes the focus
    page.get_by_role("button", name="Antwort senden").click()
    expect(page.locator("#survey-errors")).to_be_focused()
    expect(page.locator(f"#q{q[2].pk}-error")).to_contain_text("Frage 3 („Wie zufrieden sind Sie?“)")
    assert not SurveyResponse.objects.filter(survey=survey).exists()

    (answer_by_keyboard if how == "keyboard" else answer_by_tapping)(page, q)
    expect(page.get_by_role("heading", name="Vielen Dank für Ihre Antwort")).to_be_visible()
    response = SurveyResponse.objects.get(survey=survey)
    answers = {a.question_id: a for a in response.answers.all()}
    assert answers[q[0].pk].choices == [1] and answers[q[1].pk].choices == [0, 2]
    assert answers[q[2].pk].scale == 4
    assert answers[q[3].pk].text == "<b>Mehr Bäume</b> {{ 6*7 }}"
    assert answers[q[3].pk].status == AnswerStatus.PENDING
    assert answers[q[4].pk].geom is not None and city.geom.contains(answers[q[4].pk].geom)

    answers[q[3].pk].status = AnswerStatus.PUBLISHED
    answers[q[3].pk].save()
    page.get_by_role("link", name="Bisherige Ergebnisse ansehen").click()
    expect(page.locator("#survey-total")).to_have_text("1 Antwort")
    expect(page.get_by_role("row", name="Rad 1 100,0 %")).to_be_visible()
    expect(page.locator(".survey-texts li")).to_have_text("<b>Mehr Bäume</b> {{ 6*7 }}")
    expect(page.locator("html")).to_have_attribute("data-places-loaded", "1")
    expect(page.locator(".survey-results-map .leaflet-interactive")).to_have_count(1)
    check_page(page)

    page.goto(f"{live.url}/beteiligung/journey/umfrage/")
    expect(page.locator("#survey-state")).to_have_text(
        "Sie haben diese Umfrage bereits beantwortet – vielen Dank."
    )
    watch.assert_clean(expected_statuses=(400,))


def test_a_planner_builds_a_survey_and_downloads_the_responses(live, chromium):
    user_in("planerin", PLANNERS)
    city = Area.objects.get(level=Level.CITY, code=CITY)
    consultation = make_survey(city, slug="bauen").consultation
    consultation.survey.delete()
    watch = Watch()
    page = watch.open(chromium, f"{live.url}/planung/umfragen/", screen=DESKTOP)
    sign_in(page, "planerin")
    expect(page.get_by_role("heading", name="Umfragen", level=1)).to_be_visible()
    check_page(page)
    page.locator(f"#consultation-{consultation.pk}").get_by_role("link", name="Umfrage anlegen").click()
    page.get_by_label("Einleitung").fill("Sagen Sie uns Ihre Meinung.")
    page.get_by_role("button", name="Umfrage anlegen").click()
    expect(page.get_by_role("status")).to_have_text("Die Umfrage wurde gespeichert.")

    # a choice question with one choice is refused beside the field
    page.get_by_label("Frage", exact=True).fill("Welche Farbe soll die Bank haben?")
    page.get_by_label("Antwortmöglichkeiten").fill("grün")
    page.get_by_role("button", name="Frage hinzufügen").click()
    expect(page.locator("#question-errors")).to_contain_text("2 bis 20 Antwortmöglichkeiten")
    page.get_by_label("Antwortmöglichkeiten").fill("grün\nblau")
    page.get_by_role("button", name="Frage hinzufügen").click()
    page.get_by_label("Art").select_option("text")
    page.get_by_label("Frage", exact=True).fill("Was noch?")
    page.get_by_role("button", name="Frage hinzufügen").click()
    expect(page.locator(".survey-office-questions > li")).to_have_count(2)
    page.get_by_role("button", name="Nach oben Was noch?").click()
    expect(page.locator(".survey-office-questions > li").first).to_contain_text("Was noch?")
    check_page(page)

    survey = Consultation.objects.get(pk=consultation.pk).survey
    first, second = questions(survey)
    from surveys import services

    services.response_submit(
        survey_id=survey.pk, answers={second.pk: ["1"], first.pk: ["Mehr Grün"]}, browser="b"
    )
    page.reload()
    expect(page.locator("#survey-frozen")).to_be_visible()
    page.get_by_role("link", name="Ergebnisse und Downloads").click()
    expect(page.locator("#survey-total")).to_have_text("1 Antwort")
    with page.expect_download() as download:
        page.get_by_role("link", name="Alle Antworten herunterladen (CSV)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "1. Was noch?" in text and "Mehr Grün" in text and "blau" in text
    assert "planerin" not in text
    watch.assert_clean(expected_statuses=(400,))
