"""The survey services: one response per person, required answers, places inside the area, choices
checked, the moderation of free text, questions frozen after the first response, personal data."""

import pytest
from django.core.exceptions import ValidationError

from geo.errors import Conflict, Forbidden, ServiceError
from geo.permissions import MODERATORS, PLANNERS
from participation import formats
from staff.models import Membership, TrialogRole
from surveys import selectors, services
from surveys.models import Answer, AnswerModeration, AnswerStatus, SurveyResponse
from tests.fixtures import user_in
from tests.surveys.conftest import STUTTGART, full_answers, make_survey, questions

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages are read in English here (the pages' tests read them in German too)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def test_it_stores_one_answer_per_question_with_the_place_in_25832(survey):
    response = services.response_submit(survey_id=survey.pk, answers=full_answers(survey), browser="b1")
    rows = {a.question.kind: a for a in response.answers.select_related("question")}
    assert rows["single"].choices == [1]
    assert rows["multiple"].choices == [0, 2]
    assert rows["scale"].scale == 4
    assert rows["text"].text == "Mehr Bäume" and rows["text"].status == AnswerStatus.PENDING
    assert rows["place"].geom.srid == 25832
    assert 510_000 < rows["place"].geom.x < 520_000  # Ludwigsburg in UTM 32N
    assert response.user is None and response.browser == "b1"


def test_it_takes_one_response_per_browser_and_per_account(survey):
    services.response_submit(survey_id=survey.pk, answers=full_answers(survey), browser="b1")
    with pytest.raises(Conflict):
        services.response_submit(survey_id=survey.pk, answers=full_answers(survey), browser="b1")
    user = user_in("anna")
    services.response_submit(survey_id=survey.pk, answers=full_answers(survey), user=user)
    with pytest.raises(Conflict):
        services.response_submit(survey_id=survey.pk, answers=full_answers(survey), user=user, browser="b2")
    assert SurveyResponse.objects.filter(survey=survey).count() == 2


def test_required_questions_must_be_answered_and_the_error_names_them(survey):
    answers = full_answers(survey)
    q = questions(survey)
    answers[q[0].pk] = []
    answers[q[2].pk] = [""]
    with pytest.raises(ValidationError) as caught:
        services.response_submit(survey_id=survey.pk, answers=answers, browser="b1")
    errors = caught.value.message_dict
    assert set(errors) == {f"q{q[0].pk}", f"q{q[2].pk}"}
    assert "Wie kommen Sie zur Arbeit?" in errors[f"q{q[0].pk}"][0]
    assert not SurveyResponse.objects.filter(survey=survey).exists()


def test_optional_questions_may_be_left_out(survey):
    q = questions(survey)
    answers = {q[0].pk: ["0"], q[2].pk: ["1"]}
    response = services.response_submit(survey_id=survey.pk, answers=answers, browser="b1")
    assert response.answers.count() == 2


@pytest.mark.parametrize(
    ("index", "values"),
    [
        (0, ["3"]),  # no such choice
        (0, ["0", "1"]),  # two for a single choice
        (0, ["-1"]),
        (0, ["x"]),
        (1, ["0", "0"]),  # the same twice
        (1, ["7"]),
        (2, ["0"]),
        (2, ["6"]),
        (2, ["3.5"]),
        (2, ["٣"]),  # a digit, but not ASCII
        (3, ["x" * 2001]),
        (3, ["a", "b"]),
        (4, ["9.2"]),  # lon without lat
        (4, [str(STUTTGART[0]), str(STUTTGART[1])]),  # outside the city
        (4, ["nan", "48.9"]),
        (4, ["1e400", "48.9"]),
        (4, ["9.19", "95"]),
    ],
)
def test_bad_answers_are_refused_naming_the_question_and_nothing_is_stored(survey, index, values):
    answers = full_answers(survey)
    question = questions(survey)[index]
    answers[question.pk] = values
    with pytest.raises(ValidationError) as caught:
        services.response_submit(survey_id=survey.pk, answers=answers, browser="b1")
    assert list(caught.value.message_dict) == [f"q{question.pk}"]
    assert f"Question {index + 1}" in caught.value.message_dict[f"q{question.pk}"][0]
    assert not SurveyResponse.objects.filter(survey=survey).exists()
    assert not Answer.objects.filter(response__survey=survey).exists()


def test_a_place_outside_the_area_is_refused_as_such(survey):
    answers = full_answers(survey, place=STUTTGART)
    with pytest.raises(ValidationError) as caught:
        services.response_submit(survey_id=survey.pk, answers=answers, browser="b1")
    assert "outside the consultation area" in str(caught.value)


def test_a_question_of_another_survey_is_refused(survey, city):
    other = make_survey(city, slug="andere")
    answers = full_answers(survey) | {questions(other)[0].pk: ["0"]}
    with pytest.raises(ServiceError):
        services.response_submit(survey_id=survey.pk, answers=answers, browser="b1")


def test_closed_survey_honeypot_and_anonymity_rules(city):
    closed = make_survey(city, slug="zu", open_now=False)
    with pytest.raises(ServiceError, match="closed"):
        services.response_submit(survey_id=closed.pk, answers=full_answers(closed), browser="b1")
    signed = make_survey(city, slug="konto", allow_anonymous=False)
    with pytest.raises(Forbidden):
        services.response_submit(survey_id=signed.pk, answers=full_answers(signed), browser="b1")
    services.response_submit(survey_id=signed.pk, answers=full_answers(signed), user=user_in("bea"))
    with pytest.raises(ServiceError):
        services.response_submit(
            survey_id=signed.pk, answers=full_answers(signed), browser="b1", honeypot="x"
        )
    assert SurveyResponse.objects.filter(survey__in=[closed, signed]).count() == 1


def test_the_trialog_role_is_stored_with_the_response(survey, city):
    member = user_in("rat")
    TrialogRole.objects.create(user=member, city=city, kind=TrialogRole.Kind.COUNCIL)
    response = services.response_submit(survey_id=survey.pk, answers=full_answers(survey), user=member)
    assert response.trialog_role == "council"


def test_moderation_publishes_or_rejects_free_text_and_logs_it(survey, city):
    response = services.response_submit(survey_id=survey.pk, answers=full_answers(survey), browser="b1")
    text = response.answers.get(status=AnswerStatus.PENDING)
    moderator = user_in("mod", MODERATORS)
    assert selectors.pending_answers(moderator).filter(pk=text.pk).exists()
    with pytest.raises(Forbidden):
        services.answer_moderate(answer_id=text.pk, user=user_in("pia", PLANNERS), publish=True)
    elsewhere = user_in("mod2", MODERATORS)
    Membership.objects.create(user=elsewhere, city=make_other_city())
    with pytest.raises(Forbidden):
        services.answer_moderate(answer_id=text.pk, user=elsewhere, publish=True)
    assert not selectors.pending_answers(elsewhere).exists()
    services.answer_moderate(answer_id=text.pk, user=moderator, publish=True, note="ok")
    text.refresh_from_db()
    assert text.status == AnswerStatus.PUBLISHED
    event = AnswerModeration.objects.get(answer_id=text.pk)
    assert (event.actor, event.from_status, event.to_status) == (moderator, "pending", "published")
    scale = response.answers.get(scale__isnull=False)
    with pytest.raises(ServiceError):  # only free text is moderated
        services.answer_moderate(answer_id=scale.pk, user=moderator, publish=False)


def make_other_city():
    from quartiere.models import Area, Level

    region = Area.objects.get(level=Level.REGION)
    return Area.objects.create(
        name="Anderswo", code="08118999", level=Level.CITY, parent=region, geom=region.geom
    )


def test_questions_freeze_after_the_first_response_but_texts_may_change(survey):
    q = questions(survey)
    services.question_move(question_id=q[1].pk, user=None, up=True)
    assert [x.pk for x in questions(survey)][:2] == [q[1].pk, q[0].pk]
    services.question_move(question_id=q[1].pk, user=None, up=False)
    assert [x.pk for x in questions(survey)] == [x.pk for x in q]
    services.response_submit(survey_id=survey.pk, answers=full_answers(survey), browser="b1")
    for write in (
        lambda: services.question_add(survey_id=survey.pk, user=None, kind="text", text="Neu"),
        lambda: services.question_delete(question_id=q[0].pk, user=None),
        lambda: services.question_move(question_id=q[0].pk, user=None, up=True),
        lambda: services.question_update(
            question_id=q[0].pk, user=None, kind="single", text="x", required=True, choices=["a", "b"]
        ),
        lambda: services.question_update(
            question_id=q[3].pk, user=None, kind="text", text="x", required=True
        ),
    ):
        with pytest.raises(Conflict):
            write()
    services.question_update(
        question_id=q[0].pk,
        user=None,
        kind="single",
        text="Wie reisen Sie?",
        required=True,
        choices=["a", "b", "c"],
    )
    assert questions(survey)[0].text == "Wie reisen Sie?"


@pytest.mark.parametrize(
    ("kind", "text", "choices", "field"),
    [
        ("nope", "Frage", [], "kind"),
        ("text", "  ", [], "text"),
        ("text", "x" * 501, [], "text"),
        ("single", "Frage", ["nur eine"], "choices"),
        ("single", "Frage", ["a", "a"], "choices"),
        ("scale", "Frage", ["a", "b"], "choices"),
    ],
)
def test_bad_questions_are_refused(survey, kind, text, choices, field):
    with pytest.raises(ServiceError) as caught:
        services.question_add(survey_id=survey.pk, user=None, kind=kind, text=text, choices=choices)
    assert caught.value.field == field


def test_only_planners_of_the_city_build_surveys(survey):
    with pytest.raises(Forbidden):
        services.question_add(survey_id=survey.pk, user=user_in("mod", MODERATORS), kind="text", text="x")
    planner = user_in("pia", PLANNERS)
    Membership.objects.create(user=planner, city=make_other_city())
    with pytest.raises(Forbidden):
        services.survey_save(consultation_id=survey.consultation_id, user=planner)


def test_counting_on_a_hand_made_case(survey):
    q = questions(survey)
    for n, (single, multiple, scale) in enumerate(
        [("0", ["0", "1"], "5"), ("0", ["1"], "3"), ("2", [], "4")]
    ):
        answers = {q[0].pk: [single], q[1].pk: multiple, q[2].pk: [scale]}
        services.response_submit(survey_id=survey.pk, answers=answers, browser=f"b{n}")
    found = selectors.results(survey)
    assert found.responses == 3
    single, multiple, scale, text, place = found.questions
    assert [(b.label, b.n, b.percent) for b in single.bars] == [
        ("zu Fuß", 2, 66.7),
        ("Rad", 0, 0.0),
        ("Bus", 1, 33.3),
    ]
    assert multiple.answered == 2
    assert [(b.n, b.percent) for b in multiple.bars] == [(1, 50.0), (2, 100.0), (0, 0.0)]
    assert [b.n for b in scale.bars] == [0, 0, 1, 1, 1] and scale.mean == pytest.approx(4.0)
    assert (text.answered, place.answered) == (0, 0)


def test_personal_data_exports_and_erases_an_accounts_responses(survey):
    user = user_in("anna")
    services.response_submit(survey_id=survey.pk, answers=full_answers(survey), user=user)
    services.response_submit(survey_id=survey.pk, answers=full_answers(survey), browser="other")
    data = next(d for d in formats.personal_data() if d.key == "survey_responses")
    exported = data.export(user)
    assert len(exported) == 1
    answers = {a["question"]: a["answer"] for a in exported[0]["answers"]}
    assert answers["Wie kommen Sie zur Arbeit?"] == ["Rad"]
    assert answers["Wo ist es gefährlich?"]["lon"] == pytest.approx(9.1956, abs=1e-5)
    assert data.erase(user) == 1
    assert SurveyResponse.objects.filter(survey=survey).count() == 1
    assert AnswerModeration.objects.filter(action="erase").count() == 1


def test_the_format_is_registered_with_panel_received_and_queue(survey, rf):
    fmt = formats.get("survey")
    assert fmt is not None
    from participation.models import Consultation

    assert Consultation.objects.filter(fmt.uses(), pk=survey.consultation_id).exists()
    services.response_submit(survey_id=survey.pk, answers=full_answers(survey), browser="b1")
    assert fmt.received(survey.consultation) == [("survey responses", 1)]
    html = fmt.panel(rf.get("/"), survey.consultation)
    assert "/beteiligung/umfrage-test/umfrage/" in html and "1 response so far" in html
    queue = next(q for q in formats.queues() if q.key == "survey_answers")
    assert queue.pending(user_in("mod", MODERATORS)) >= 1
