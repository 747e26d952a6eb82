"""Surveys: the results page of a survey with N responses.

Data: `bench.synth.ensure_areas(1000)` (the tiling the other benchmarks share) and one open
consultation over the first city with a survey of seven questions (two single choice, multiple
choice, two scales, free text, a place) and N responses from `bench/sql/surveys_generate.sql`,
set-based in SQL (≈6 answers per response; four in five free-text answers published). `results`:
`GET /beteiligung/bench-survey/umfrage/ergebnisse/` (public results: the counts per question and per
choice or scale value in one statement, `surveys/sql/results.sql`, the newest published free text,
the page rendered) through Django's test client. Floor: the request's statements, captured from the
request itself and replayed with a bare psycopg cursor on the same connection, every row fetched; the
counts are checked against a bare `GROUP BY` first. Endpoint and floor alternate; medians.
"""

import datetime as dt

from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from bench.core import Context, Row, benchmark, replay, statements_of
from bench.synth import dataset_spec, ensure_areas, ensure_dataset
from geo.sql import load
from participation.models import Consultation
from quartiere.models import Area, Level
from surveys.models import Kind, Question, Survey, SurveyResponse

QUARTIERE = 1_000
SIZES = (100_000,)
TARGET = 1.3  # page / bare SQL
SURVEYS_VERSION = 2  # bump when surveys_generate.sql or QUESTIONS change
SLUG = "bench-survey"
# DEBUG is off: the manifest storage would need collectstatic first; URLs without hashes cost the same
PLAIN_STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"
URL = f"/beteiligung/{SLUG}/umfrage/ergebnisse/"

QUESTIONS = [
    (Kind.SINGLE, "Wie sind Sie unterwegs?", True, ["zu Fuß", "Rad", "Bus", "Auto"]),
    (Kind.MULTIPLE, "Was fehlt?", False, ["Radwege", "Busse", "Gehwege", "Carsharing", "Stellplätze"]),
    (Kind.SCALE, "Wie sicher fühlen Sie sich?", True, []),
    (Kind.SCALE, "Wie zufrieden sind Sie mit dem Bus?", False, []),
    (Kind.PLACE, "Wo ist es gefährlich?", False, []),
    (Kind.TEXT, "Was sollte sich ändern?", False, []),
    (Kind.SINGLE, "Wie alt sind Sie?", False, ["unter 18", "18–39", "40–64", "65+"]),
]


def build_survey(n: int) -> Survey:
    """The bench consultation, its survey and questions (replaced if there), then ``n`` responses."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM surveys_answer WHERE question_id IN (SELECT q.id FROM surveys_question q "
            "JOIN surveys_survey s ON s.id = q.survey_id JOIN participation_consultation k "
            "ON k.id = s.consultation_id WHERE k.slug = %s)",
            [SLUG],
        )
    SurveyResponse.objects.filter(survey__consultation__slug=SLUG).delete()
    Consultation.objects.filter(slug=SLUG).delete()
    city = Area.objects.filter(level=Level.CITY).order_by("id").first()
    assert city is not None
    now = timezone.now()
    consultation = Consultation.objects.create(
        title="Bench-Umfrage",
        slug=SLUG,
        city=city,
        area=city,
        opens_at=now - dt.timedelta(days=30),
        closes_at=now + dt.timedelta(days=3650),
        pins=False,
    )
    survey = Survey.objects.create(consultation=consultation, city=city, results_public=True)
    Question.objects.bulk_create(
        Question(survey=survey, position=i, kind=kind, text=text, required=required, choices=choices)
        for i, (kind, text, required, choices) in enumerate(QUESTIONS, start=1)
    )
    with connection.cursor() as cursor:
        cursor.execute(load(__file__, "surveys_generate"), {"survey": survey.pk, "city": city.pk, "n": n})
    return survey


def ensure_surveys(n: int) -> None:
    ensure_areas(QUARTIERE)
    spec = {"version": SURVEYS_VERSION, "n": n, "areas": dataset_spec("areas")}

    def present() -> bool:
        return SurveyResponse.objects.filter(survey__consultation__slug=SLUG).count() == n

    ensure_dataset("surveys", spec, lambda: build_survey(n), present=present)


def bare_counts(survey_id: int) -> dict[tuple[int, int], int]:
    """The choice and scale counts by a plain GROUP BY per column, to check the page's statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.question_id, c, count(*) FROM surveys_answer a JOIN surveys_question q ON q.id = "
            "a.question_id, unnest(a.choices) c WHERE q.survey_id = %s GROUP BY 1, 2 UNION ALL "
            "SELECT a.question_id, a.scale, count(*) FROM surveys_answer a JOIN surveys_question q ON "
            "q.id = a.question_id WHERE q.survey_id = %s AND a.scale IS NOT NULL GROUP BY 1, 2",
            [survey_id, survey_id],
        )
        return {(q, v): n for q, v, n in cursor.fetchall()}


@benchmark(sizes=SIZES)
def results(ctx: Context, n: int) -> list[Row]:
    """The public results page of a survey with ``n`` responses vs its statements replayed bare."""
    from surveys import selectors

    ensure_surveys(n)
    survey = Survey.objects.get(consultation__slug=SLUG)
    counted = {
        (q, v): c for q, v, c, _f in selectors.results_rows(survey.pk) if q is not None and v is not None
    }
    if counted != bare_counts(survey.pk):
        raise AssertionError("results.sql differs from the bare GROUP BY")
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC}}):
        return [_compare(ctx, n, survey, counted)]


def _compare(ctx: Context, n: int, survey: Survey, counted: dict) -> Row:
    statements = statements_of(ctx, URL)
    if not any("surveys_answer" in s.sql for s in statements):
        raise AssertionError(f"{URL}: no statement reads the answers")
    answers = sum(c for (_q, _v), c in counted.items())
    samples = [(URL, statements)] * max(ctx.samples // 10, 5)
    return ctx.compare(
        "survey results",
        n,
        samples,
        lambda sample: ctx.get(sample[0]),
        lambda sample: replay(sample[1]),
        target=TARGET,
        note=f"{len(QUESTIONS)} questions, {answers:,} choices and scale values counted",
    )
