"""The survey's pages: the form in German and English, a response through the form (303 to the
thanks page, a second one 409), bad input for every field (400 naming the question, nothing
stored), throttling, text as text, the results (only published free text; nothing personal), and the
back office: building a survey, the downloads (staff of the city only) and moderation."""

import csv
import io
import json

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from geo.permissions import MODERATORS, PLANNERS
from staff.models import Membership
from surveys import services
from surveys.models import Answer, AnswerStatus, Question, SurveyResponse
from tests.fixtures import user_in
from tests.surveys.conftest import STUTTGART, form_data, full_answers, make_survey, questions
from tests.surveys.test_services import make_other_city

pytestmark = pytest.mark.django_db

EVIL = "<script>alert(1)</script> {{ 6*7 }} {# x"


def url(survey, name="form") -> str:
    return reverse(f"surveys:{name}", args=[survey.consultation.slug])


def test_the_form_in_german_and_english_marks_required_and_optional(client, survey):
    page = client.get(url(survey)).content.decode()
    assert '1. Wie kommen Sie zur Arbeit? <span class="req">(Pflichtfrage)</span>' in page
    assert '2. Was fehlt? <span class="opt">(optional)</span>' in page
    assert 'name="website"' in page and "Ort unter dem Kreuz übernehmen" in page
    assert "survey-map-config" in page
    client.cookies.load({"django_language": "en"})
    english = client.get(url(survey)).content.decode()
    assert "(required)" in english and "Use the place under the cross" in english


def test_a_response_through_the_form_then_a_second_one_is_refused(client, survey):
    first = client.get(url(survey))
    assert "qa_browser" in first.cookies
    answer = client.post(url(survey), form_data(survey))
    assert answer.status_code == 303 and answer["Location"] == url(survey, "thanks")
    assert "Vielen Dank" in client.get(answer["Location"]).content.decode()
    assert SurveyResponse.objects.filter(survey=survey).count() == 1
    assert "bereits beantwortet" in client.get(url(survey)).content.decode()
    again = client.post(url(survey), form_data(survey))
    assert again.status_code == 409 and "bereits beantwortet" in again.content.decode()
    assert SurveyResponse.objects.filter(survey=survey).count() == 1


def test_a_signed_in_person_answers_once_from_any_browser(survey):
    user = user_in("anna")
    for n in range(2):
        browser = Client()
        browser.force_login(user)
        answer = browser.post(url(survey), form_data(survey))
        assert answer.status_code == (303 if n == 0 else 409)
    assert SurveyResponse.objects.get(survey=survey).user == user


def _bad_cases(survey) -> list[tuple[str, dict]]:
    q = questions(survey)
    single, multiple, scale, text, place = (f"q{x.pk}" for x in q)
    return [
        (single, {single: "9"}),
        (single, {single: ["0", "1"]}),
        (single, {single: ""}),  # required
        (multiple, {multiple: ["0", "0"]}),
        (multiple, {multiple: "abc"}),
        (scale, {scale: "6"}),
        (scale, {scale: ""}),
        (text, {text: "x" * 2001}),
        (place, {f"{place}_lon": str(STUTTGART[0]), f"{place}_lat": str(STUTTGART[1])}),
        (place, {f"{place}_lon": "9.19", f"{place}_lat": ""}),
        (place, {f"{place}_lon": "Infinity", f"{place}_lat": "48.9"}),
    ]


def test_bad_input_for_every_field_is_a_400_naming_the_question_and_stores_nothing(client, survey, settings):
    settings.SURVEYS_ANON_RATE = "100/h"
    client.get(url(survey))
    for field, bad in _bad_cases(survey):
        data = form_data(survey) | bad
        answer = client.post(url(survey), data)
        page = answer.content.decode()
        assert answer.status_code == 400, field
        assert f'id="{field}-error"' in page and f'href="#{field}"' in page, field
    assert not SurveyResponse.objects.filter(survey=survey).exists()
    assert client.post(url(survey), form_data(survey) | {"website": "http://spam"}).status_code == 400
    assert not SurveyResponse.objects.filter(survey=survey).exists()


def test_a_failed_form_keeps_what_was_entered(client, survey):
    q = questions(survey)
    data = form_data(survey, text=EVIL) | {f"q{q[2].pk}": "9"}
    page = client.post(url(survey), data).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 6*7 }} {# x</textarea>" in page
    assert f'id="q{q[0].pk}-1" value="1" checked' in page


def test_anonymous_responses_are_throttled(client, survey, settings):
    settings.SURVEYS_ANON_RATE = "2/h"
    codes = [Client().post(url(survey), form_data(survey)).status_code for _ in range(3)]
    assert codes == [303, 303, 429]
    assert SurveyResponse.objects.filter(survey=survey).count() == 2


def test_unknown_survey_and_methods(client, survey):
    assert client.get("/beteiligung/gibt-es-nicht/umfrage/").status_code == 404
    assert client.get("/beteiligung/gibt-es-nicht/umfrage/ergebnisse/").status_code == 404
    assert client.post(url(survey, "results")).status_code == 405
    assert client.delete(url(survey)).status_code == 405


def _answered(survey, n: int = 3, text: str = "Mehr Bäume") -> list[Answer]:
    for i in range(n):
        services.response_submit(
            survey_id=survey.pk, answers=full_answers(survey, text=f"{text} {i}"), browser=f"x{i}"
        )
    return list(Answer.objects.filter(response__survey=survey).exclude(status="").order_by("id"))


def test_results_wait_for_the_closing_unless_public(client, survey, city):
    _answered(survey)
    page = client.get(url(survey, "results")).content.decode()
    assert "nach dem Ende" in page and "survey-total" not in page
    assert client.get(url(survey, "places")).status_code == 404
    public = make_survey(city, slug="offen", results_public=True)
    _answered(public)
    page = client.get(url(public, "results")).content.decode()
    assert "3 Antworten" in page
    closed = make_survey(city, slug="vorbei", open_now=False)
    assert "0 Antworten" in client.get(url(closed, "results")).content.decode()


def test_results_show_only_published_free_text_as_text_and_no_personal_data(client, city):
    survey = make_survey(city, slug="oeffentlich", results_public=True)
    texts = _answered(survey, text=EVIL)
    user = user_in("person-mit-konto")
    services.response_submit(survey_id=survey.pk, answers=full_answers(survey, text="vom Konto"), user=user)
    moderator = user_in("mod", MODERATORS)
    services.answer_moderate(answer_id=texts[0].pk, user=moderator, publish=True)
    services.answer_moderate(answer_id=texts[1].pk, user=moderator, publish=False)
    page = client.get(url(survey, "results")).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 6*7 }} {# x 0" in page
    assert "<script>alert" not in page
    assert "x 1" not in page and "x 2" not in page and "vom Konto" not in page  # rejected, pending
    assert "person-mit-konto" not in page and "@example.org" not in page
    places = json.loads(client.get(url(survey, "places")).content)
    assert len(places["features"]) == 4
    assert set(places["features"][0]["properties"]) == {"question"}
    lon, lat = places["features"][0]["geometry"]["coordinates"]
    assert (round(lon, 4), round(lat, 4)) == (9.1956, 48.8997)


def test_the_results_page_counts_and_draws_bars_with_their_numbers(client, city):
    survey = make_survey(city, slug="zaehlen", results_public=True)
    _answered(survey, n=2)
    page = client.get(url(survey, "results")).content.decode()
    assert '<tr><th scope="row">Rad</th><td class="num">2</td>' in page
    assert 'width="100.0%"' in page and "100,0 %" in page
    assert "Mittelwert 4,0" in page


# --- back office -------------------------------------------------------------------------------------


@pytest.fixture
def planner_client(db) -> tuple[Client, User]:
    user = user_in("planerin", PLANNERS)
    client = Client()
    client.force_login(user)
    return client, user


def test_a_planner_builds_a_survey_with_the_back_office(planner_client, city):
    client, _user = planner_client
    from participation.models import Consultation

    consultation = make_survey(city, slug="bau").consultation
    consultation.survey.delete()
    edit = reverse("surveys_office:edit", args=[consultation.pk])
    assert "Umfrage anlegen" in client.get(reverse("surveys_office:list")).content.decode()
    assert client.post(edit, {"intro": EVIL, "allow_anonymous": "on"}).status_code == 302
    consultation = Consultation.objects.get(pk=consultation.pk)
    assert consultation.survey.intro == EVIL
    new = reverse("surveys_office:question-new", args=[consultation.pk])
    bad = client.post(new, {"kind": "single", "text": "Farbe?", "choices": "nur eine"})
    assert bad.status_code == 400 and "2 bis 20 Antwortmöglichkeiten" in bad.content.decode()
    assert client.post(new, {"kind": "nope", "text": "x"}).status_code == 400
    assert client.post(new, {"kind": "single", "text": "Farbe?", "choices": "rot\ngrün\n"}).status_code == 302
    assert client.post(new, {"kind": "text", "text": "Warum?", "required": "on"}).status_code == 302
    first, second = questions(consultation.survey)
    assert first.choices == ["rot", "grün"] and second.required
    move = reverse("surveys_office:question-move", args=[second.pk])
    assert client.post(move, {"direction": "sideways"}).status_code == 400
    assert client.post(move, {"direction": "up"}).status_code == 302
    assert [q.pk for q in questions(consultation.survey)] == [second.pk, first.pk]
    public = Client().get(reverse("surveys:form", args=[consultation.slug])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 6*7 }}" in public
    services.response_submit(survey_id=consultation.survey.pk, answers={second.pk: ["weil"]}, browser="b")
    page = client.get(edit).content.decode()
    assert 'id="survey-frozen"' in page and "Frage hinzufügen" not in page
    assert client.post(reverse("surveys_office:question-delete", args=[first.pk])).status_code == 409
    assert Question.objects.filter(pk=first.pk).exists()
    changed = client.post(
        reverse("surveys_office:question-edit", args=[first.pk]),
        {"kind": "single", "text": "Lieblingsfarbe?", "choices": "Rot\nGrün"},
    )
    assert changed.status_code == 302
    assert Question.objects.get(pk=first.pk).choices == ["Rot", "Grün"]


def test_the_downloads_hold_every_response_and_nothing_personal(planner_client, city):
    client, _user = planner_client
    survey = make_survey(city, slug="export")
    _answered(survey, n=2, text="=HYPERLINK(1)")
    user = user_in("person-mit-konto")
    services.response_submit(survey_id=survey.pk, answers=full_answers(survey), user=user)
    answer = client.get(reverse("surveys_office:csv", args=[survey.consultation_id]))
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    text = answer.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 4
    assert rows[0][3:6] == ["1. Wie kommen Sie zur Arbeit?", "2. Was fehlt?", "3. Wie zufrieden sind Sie?"]
    assert rows[1][3:9] == ["Rad", "Bänke; Licht", "4", "'=HYPERLINK(1) 0", "pending", "9.1956"]
    assert "person-mit-konto" not in text and "example.org" not in text and "x0" not in text
    geo = json.loads(client.get(reverse("surveys_office:geojson", args=[survey.consultation_id])).content)
    assert len(geo["features"]) == 3
    assert geo["features"][0]["geometry"]["coordinates"] == [9.1956, 48.8997]
    assert "person-mit-konto" not in json.dumps(geo)


def test_downloads_only_for_staff_of_the_city(city):
    survey = make_survey(city, slug="nur-stadt")
    target = reverse("surveys_office:csv", args=[survey.consultation_id])
    assert Client().get(target).status_code == 302  # to the sign-in
    citizen = Client()
    citizen.force_login(user_in("buerger"))
    assert citizen.get(target).status_code == 403
    elsewhere = user_in("fremd", PLANNERS)
    Membership.objects.create(user=elsewhere, city=make_other_city())
    other = Client()
    other.force_login(elsewhere)
    assert other.get(target).status_code == 403
    assert other.get(reverse("surveys_office:geojson", args=[survey.consultation_id])).status_code == 403
    assert other.get(reverse("surveys_office:results", args=[survey.consultation_id])).status_code == 403


def test_moderators_publish_free_text_on_their_page(city):
    survey = make_survey(city, slug="moderieren")
    text = _answered(survey, n=1, text=EVIL)[0]
    moderator = Client()
    moderator.force_login(user_in("mod", MODERATORS))
    target = reverse("surveys_office:moderation")
    page = moderator.get(target).content.decode()
    assert f'id="answer-{text.pk}"' in page and "&lt;script&gt;alert(1)" in page
    assert moderator.post(target, {"answer": "x", "decision": "publish"}).status_code == 400
    assert moderator.post(target, {"answer": "99999999", "decision": "publish"}).status_code == 404
    assert moderator.post(target, {"answer": text.pk, "decision": "publish"}).status_code == 302
    text.refresh_from_db()
    assert text.status == AnswerStatus.PUBLISHED
    planner = Client()
    planner.force_login(user_in("pia", PLANNERS))
    assert planner.get(target).status_code == 403
