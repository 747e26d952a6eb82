"""Reads of surveys: the results computed set-based in PostGIS (surveys/sql/*.sql, one statement
each), the published free-text answers, the places as GeoJSON (EPSG:4326) and the staff downloads."""

import json
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import QuerySet

from geo.sql import load
from staff.scope import in_own_cities
from surveys.models import Answer, AnswerStatus, Kind, Question, Survey

PUBLISHED_TEXTS_SHOWN = 200


@dataclass
class Bar:
    label: str
    n: int
    percent: float  # of the question's answers (0–100)


@dataclass
class QuestionResult:
    question: Question
    number: int
    answered: int
    mean: float | None = None
    bars: list[Bar] = field(default_factory=list)
    texts: list[tuple[str, str]] = field(default_factory=list)  # published free text: (text, Trialog role)


@dataclass
class Results:
    responses: int
    questions: list[QuestionResult]


def survey_of(consultation_slug: str) -> Survey | None:
    """The survey of the consultation with this slug, or None."""
    return Survey.objects.select_related("consultation").filter(consultation__slug=consultation_slug).first()


def results_rows(survey_id: int) -> list[tuple]:
    """The raw rows of surveys/sql/results.sql (see there)."""
    with connection.cursor() as cursor:
        cursor.execute(load(__file__, "results"), {"survey": survey_id})
        return cursor.fetchall()


def results(survey: Survey) -> Results:
    """Counts per question and per choice or scale value; percentages of those who answered the question."""
    questions = list(survey.questions.order_by("position", "id"))
    total = 0
    answered: dict[int, int] = {}
    sums: dict[int, int] = {}  # of scale values, for the mean
    counts: dict[tuple[int, int], int] = {}
    for question_id, value, n, first in results_rows(survey.pk):
        if question_id is None:
            total = n
            continue
        answered[question_id] = answered.get(question_id, 0) + first
        if value is not None:
            counts[(question_id, value)] = n
            sums[question_id] = sums.get(question_id, 0) + value * n
    out = []
    for number, question in enumerate(questions, start=1):
        n = answered.get(question.pk, 0)
        result = QuestionResult(question=question, number=number, answered=n)
        if question.kind in (Kind.SINGLE, Kind.MULTIPLE):
            labels = list(enumerate(question.choices))
        elif question.kind == Kind.SCALE:
            labels = [(v, str(v)) for v in range(1, 6)]
            result.mean = sums.get(question.pk, 0) / n if n else None
        else:
            labels = []
        for value, label in labels:
            count = counts.get((question.pk, value), 0)
            result.bars.append(Bar(label=label, n=count, percent=round(100 * count / n, 1) if n else 0.0))
        out.append(result)
    return Results(responses=total, questions=out)


def published_texts(survey: Survey, limit: int = PUBLISHED_TEXTS_SHOWN) -> dict[int, list[tuple[str, str]]]:
    """Published free-text answers per question id: [(text, Trialog role)], newest first."""
    rows = (
        Answer.objects.filter(question__survey=survey, status=AnswerStatus.PUBLISHED)
        .order_by("-id")
        .values_list("question_id", "text", "response__trialog_role")[:limit]
    )
    found: dict[int, list[tuple[str, str]]] = {}
    for question_id, text, role in rows:
        found.setdefault(question_id, []).append((text, role))
    return found


def places_geojson(survey_id: int) -> str:
    """The answered places as a GeoJSON FeatureCollection text (EPSG:4326)."""
    with connection.cursor() as cursor:
        cursor.execute(load(__file__, "places"), {"survey": survey_id})
        return cursor.fetchone()[0]


def response_rows(survey_id: int) -> list[tuple]:
    """Every response for the downloads: (id, created_at, trialog_role, {question id: value})."""
    with connection.cursor() as cursor:
        cursor.execute(load(__file__, "responses"), {"survey": survey_id})
        return [
            (i, at, role, json.loads(v) if isinstance(v, str) else v) for i, at, role, v in cursor.fetchall()
        ]


def pending_answers(user) -> QuerySet[Answer]:
    """Free-text answers waiting for moderation in the cities ``user`` works for, oldest first."""
    qs = Answer.objects.filter(status=AnswerStatus.PENDING).select_related(
        "question__survey__consultation", "response"
    )
    return in_own_cities(qs, user, city="response__city_id").order_by("response__created_at", "id")
