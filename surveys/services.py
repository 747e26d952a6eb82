"""Writes of surveys: every rule on surveys, questions, responses and the moderation of free-text
answers is enforced here, once. Each write is one transaction; a rejected write stores nothing.
Places come in as lon/lat (EPSG:4326) and are stored in EPSG:25832."""

import math
from typing import Any

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from geo import crs
from geo.errors import Conflict, Forbidden, NotFound, ServiceError
from geo.permissions import is_moderator, require, require_planner
from participation.models import Consultation
from participation.services import check_open, clean_line, clean_text, locate_in_consultation
from staff.scope import check_city
from staff.trialog import role_of
from surveys.models import (
    CHOICE_KINDS,
    CHOICE_MAX,
    CHOICES_MAX,
    INTRO_MAX,
    QUESTION_MAX,
    QUESTIONS_MAX,
    SCALE_MAX,
    SCALE_MIN,
    TEXT_MAX,
    Action,
    Answer,
    AnswerModeration,
    AnswerStatus,
    Kind,
    Question,
    Survey,
    SurveyResponse,
)


def _frozen() -> str:
    return _("The survey has responses: only the texts of its questions can change now.")


def _consultation(consultation_id: int, user) -> Consultation:
    require_planner(user)
    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None:
        raise NotFound(_("There is no such consultation."))
    check_city(user, consultation.city_id)
    return consultation


def _survey(survey_id: int, user, *, lock: bool = False) -> Survey:
    require_planner(user)
    qs = Survey.objects.select_related("consultation")
    if lock:
        qs = qs.select_for_update(of=("self",))
    survey = qs.filter(pk=survey_id).first()
    if survey is None:
        raise NotFound(_("There is no such survey."))
    check_city(user, survey.city_id)
    return survey


def has_responses(survey: Survey) -> bool:
    return SurveyResponse.objects.filter(survey=survey).exists()


@transaction.atomic
def survey_save(
    *, consultation_id: int, user, intro: str = "", allow_anonymous: bool = True, results_public: bool = False
) -> Survey:
    """Create the survey of a consultation, or change its settings (planners of the consultation's city)."""
    consultation = _consultation(consultation_id, user)
    intro = clean_text(intro)
    if len(intro) > INTRO_MAX:
        raise ServiceError(
            _("The introduction may have at most %(max)d characters.") % {"max": INTRO_MAX}, "intro"
        )
    survey, _created = Survey.objects.update_or_create(
        consultation=consultation,
        defaults={
            "city_id": consultation.city_id,
            "intro": intro,
            "allow_anonymous": bool(allow_anonymous),
            "results_public": bool(results_public),
        },
    )
    return survey


def _question_values(kind: str, text: str, help_text: str, choices: list[str]) -> tuple[str, str, list[str]]:
    if kind not in Kind.values:
        raise ServiceError(_("Unknown kind of question."), "kind")
    text, help_text = clean_line(text), clean_line(help_text)
    if not text:
        raise ServiceError(_("Please write the question."), "text")
    if len(text) > QUESTION_MAX:
        raise ServiceError(
            _("The question may have at most %(max)d characters.") % {"max": QUESTION_MAX}, "text"
        )
    if len(help_text) > QUESTION_MAX:
        raise ServiceError(
            _("The explanation may have at most %(max)d characters.") % {"max": QUESTION_MAX}, "help_text"
        )
    choices = [clean_line(c) for c in choices]
    choices = [c for c in choices if c]
    if kind in CHOICE_KINDS:
        if not 2 <= len(choices) <= CHOICES_MAX:
            raise ServiceError(
                _("A choice question needs between 2 and %(max)d choices, one per line.")
                % {"max": CHOICES_MAX},
                "choices",
            )
        if any(len(c) > CHOICE_MAX for c in choices):
            raise ServiceError(
                _("A choice may have at most %(max)d characters.") % {"max": CHOICE_MAX}, "choices"
            )
        if len(set(choices)) != len(choices):
            raise ServiceError(_("Each choice may appear only once."), "choices")
    elif choices:
        raise ServiceError(_("Only choice questions have choices."), "choices")
    return text, help_text, choices


@transaction.atomic
def question_add(
    *, survey_id: int, user, kind: str, text: str, help_text: str = "", required: bool = False, choices=()
) -> Question:
    """Add a question at the end; only while the survey has no responses."""
    survey = _survey(survey_id, user, lock=True)
    if has_responses(survey):
        raise Conflict(_frozen())
    text, help_text, choices = _question_values(kind, text, help_text, list(choices))
    last = survey.questions.aggregate(m=Max("position"))["m"]
    if survey.questions.count() >= QUESTIONS_MAX:
        raise ServiceError(_("A survey may have at most %(max)d questions.") % {"max": QUESTIONS_MAX}, "text")
    return Question.objects.create(
        survey=survey,
        position=(last or 0) + 1,
        kind=kind,
        text=text,
        help_text=help_text,
        required=bool(required),
        choices=choices,
    )


def _question(question_id: int, user) -> Question:
    question = Question.objects.filter(pk=question_id).first()
    if question is None:
        raise NotFound(_("There is no such question."))
    _survey(question.survey_id, user, lock=True)
    return Question.objects.select_related("survey").get(pk=question_id)


@transaction.atomic
def question_update(
    *, question_id: int, user, kind: str, text: str, help_text: str = "", required: bool = False, choices=()
) -> Question:
    """Change a question. Once the survey has responses only its texts (question, explanation,
    wording of the choices — their number stays) may change: answers refer to the choices' order."""
    question = _question(question_id, user)
    text, help_text, choices = _question_values(kind, text, help_text, list(choices))
    if has_responses(question.survey) and (
        kind != question.kind or bool(required) != question.required or len(choices) != len(question.choices)
    ):
        raise Conflict(_frozen())
    question.kind, question.text, question.help_text = kind, text, help_text
    question.required, question.choices = bool(required), choices
    question.save()
    return question


@transaction.atomic
def question_move(*, question_id: int, user, up: bool) -> None:
    """Swap a question with its neighbour above (``up``) or below; only while there are no responses."""
    question = _question(question_id, user)
    if has_responses(question.survey):
        raise Conflict(_frozen())
    siblings = list(question.survey.questions.order_by("position", "id"))
    index = next(i for i, q in enumerate(siblings) if q.pk == question.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, q in enumerate(siblings, start=1):
        if q.position != position:
            q.position = position
            q.save(update_fields=["position"])


@transaction.atomic
def question_delete(*, question_id: int, user) -> None:
    """Remove a question; only while the survey has no responses."""
    question = _question(question_id, user)
    if has_responses(question.survey):
        raise Conflict(_frozen())
    question.delete()


# --- responses ---------------------------------------------------------------------------------------


def _number(value: str) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _answer(question: Question, values: list[str], consultation: Consultation) -> Answer | None | str:
    """The Answer for the submitted ``values`` (None: not answered), or the reason it is refused."""
    values = [v for v in values if v is not None and str(v).strip() != ""]
    if not values:
        return None
    if question.kind == Kind.SINGLE or question.kind == Kind.MULTIPLE:
        indexes = []
        for value in values:
            text = str(value).strip()
            if not (text.isascii() and text.isdigit() and len(text) < 4) or int(text) >= len(
                question.choices
            ):
                return _("Choose one of the offered answers.")
            indexes.append(int(text))
        if len(set(indexes)) != len(indexes):
            return _("Each answer can be chosen only once.")
        if question.kind == Kind.SINGLE and len(indexes) > 1:
            return _("Choose only one answer.")
        return Answer(question=question, choices=sorted(indexes))
    if question.kind == Kind.SCALE:
        text = str(values[0]).strip()
        if len(values) > 1 or not (text.isascii() and text.isdigit() and SCALE_MIN <= int(text) <= SCALE_MAX):
            return _("Choose a value from %(min)d to %(max)d.") % {"min": SCALE_MIN, "max": SCALE_MAX}
        return Answer(question=question, scale=int(text))
    if question.kind == Kind.TEXT:
        if len(values) > 1:
            return _("Send one text.")
        text = clean_text(str(values[0]))
        if not text:
            return None
        if len(text) > TEXT_MAX:
            return _("The text may have at most %(max)d characters; it has %(n)d.") % {
                "max": TEXT_MAX,
                "n": len(text),
            }
        return Answer(question=question, text=text, status=AnswerStatus.PENDING)
    # a place: [lon, lat] in EPSG:4326
    if len(values) != 2:
        return _("Choose a place on the map.")
    lon, lat = _number(values[0]), _number(values[1])
    if lon is None or lat is None or not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return _("These coordinates cannot be placed on the map.")
    try:
        x, y, inside = locate_in_consultation(consultation, lon, lat)
    except ServiceError:
        return _("These coordinates cannot be placed on the map.")
    if not inside:
        return _("This place lies outside the consultation area.")
    return Answer(question=question, geom=Point(x, y, srid=crs.STORAGE_SRID))


def question_field(question: Question) -> str:
    """The form field (and error key) of a question: ``q<id>``."""
    return f"q{question.pk}"


@transaction.atomic
def response_submit(
    *,
    survey_id: int,
    answers: dict[int, list[str]],
    user=None,
    browser: str | None = None,
    honeypot: str = "",
) -> SurveyResponse:
    """Store one person's response to an open survey: ``answers`` maps question ids to the submitted
    values (choice indexes; a scale value; a text; ``[lon, lat]`` in EPSG:4326 for a place). Every
    question's answer is checked first — the errors name each question (``q<id>``) — and nothing is
    stored unless all pass. One response per account, or per browser without one (``Conflict``).
    Free-text answers wait for moderation; the Trialog role of an account is stored with it."""
    if honeypot:
        raise ServiceError(_("Your response could not be accepted."))
    survey = Survey.objects.select_related("consultation").filter(pk=survey_id).first()
    if survey is None:
        raise NotFound(_("There is no such survey."))
    anonymous = not (user and user.is_authenticated)
    if anonymous and not survey.allow_anonymous:
        raise Forbidden(_("This survey asks you to sign in before answering."))
    if anonymous and not browser:
        raise ServiceError(_("Your browser did not send its cookie; please allow cookies for this site."))
    check_open(survey.consultation)
    questions = list(survey.questions.order_by("position", "id"))
    known = {q.pk for q in questions}
    if any(key not in known for key in answers):
        raise ServiceError(_("An answer names a question that is not part of this survey."))
    errors: dict[str, list[str]] = {}
    rows: list[Answer] = []
    for number, question in enumerate(questions, start=1):
        found = _answer(question, answers.get(question.pk, []), survey.consultation)
        if isinstance(found, str):
            errors[question_field(question)] = [
                _("Question %(n)d (“%(q)s”): %(reason)s") % {"n": number, "q": question.text, "reason": found}
            ]
        elif found is None and question.required:
            errors[question_field(question)] = [
                _("Question %(n)d (“%(q)s”) is required.") % {"n": number, "q": question.text}
            ]
        elif found is not None:
            rows.append(found)
    if errors:
        raise ValidationError(errors)
    who = {"user": None, "browser": browser} if anonymous else {"user": user, "browser": None}
    mine = SurveyResponse.objects.filter(survey=survey, **who)
    if mine.exists():
        raise Conflict(_("You have already answered this survey; thank you."))
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                survey=survey,
                city_id=survey.city_id,
                trialog_role=role_of(user, survey.city_id) or "",
                **who,
            )
    except IntegrityError:
        raise Conflict(_("You have already answered this survey; thank you.")) from None
    for row in rows:
        row.response = response
    Answer.objects.bulk_create(rows)
    return response


# --- moderation --------------------------------------------------------------------------------------


@transaction.atomic
def answer_moderate(*, answer_id: int, user, publish: bool, note: str = "") -> Answer:
    """Publish or reject a free-text answer (moderators of the survey's city); logged."""
    require(user, is_moderator, _("Moderating needs an account in the moderators' group."))
    answer = (
        Answer.objects.select_for_update(of=("self",))
        .select_related("response")
        .filter(pk=answer_id)
        .exclude(status="")
        .first()
    )
    if answer is None:
        raise NotFound(_("There is no such free-text answer."))
    check_city(user, answer.response.city_id)
    before = answer.status
    answer.status = AnswerStatus.PUBLISHED if publish else AnswerStatus.REJECTED
    answer.save(update_fields=["status"])
    AnswerModeration.objects.create(
        answer_id=answer.pk,
        survey_id=answer.response.survey_id,
        actor=user if user and user.is_authenticated else None,
        actor_name=user.get_username() if user and user.is_authenticated else "",
        action=Action.PUBLISH if publish else Action.REJECT,
        from_status=before,
        to_status=answer.status,
        note=clean_line(note)[:500],
    )
    return answer


# --- personal data -----------------------------------------------------------------------------------


def responses_export(user) -> list[dict[str, Any]]:
    """An account's responses with their answers (GDPR Art. 15/20), places in EPSG:4326."""
    rows: list[dict[str, Any]] = []
    responses = SurveyResponse.objects.filter(user=user).select_related("survey__consultation")
    for response in responses.order_by("created_at", "id"):
        answers = []
        for answer in response.answers.select_related("question").order_by("question__position"):
            q = answer.question
            value: Any = None
            if answer.choices is not None:
                value = [q.choices[i] for i in answer.choices if i < len(q.choices)]
            elif answer.scale is not None:
                value = answer.scale
            elif answer.geom is not None:
                point = answer.geom.transform(crs.WGS84, clone=True)
                assert isinstance(point, Point)
                value = {"lon": round(point.x, 6), "lat": round(point.y, 6)}
            else:
                value = answer.text
            answers.append({"question": q.text, "answer": value, "status": answer.status})
        rows.append(
            {
                "survey": response.survey.consultation.title,
                "created_at": response.created_at.isoformat(),
                "trialog_role": response.trialog_role,
                "answers": answers,
            }
        )
    return rows


@transaction.atomic
def responses_erase(user) -> int:
    """Delete an account's responses with their answers (GDPR Art. 17); the moderation log keeps ids."""
    responses = SurveyResponse.objects.filter(user=user)
    texts = Answer.objects.filter(response__in=responses).exclude(status="")
    AnswerModeration.objects.bulk_create(
        AnswerModeration(
            answer_id=a.pk, survey_id=a.question.survey_id, action=Action.ERASE, from_status=a.status
        )
        for a in texts.select_related("question")
    )
    count = responses.count()
    responses.delete()
    return count
