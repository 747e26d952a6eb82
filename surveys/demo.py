"""The survey of the Ludwigsburg demo: the illustrative consultation "Mobilität im Quartier" in the
process "Ludwigsburg geht weiter", with seven questions of every kind and about 200 responses
(reproducible random answers, places inside the city, free text mostly published). Idempotent: a
second run changes nothing. Written in bulk, a few statements."""

import datetime as dt
import random
from pathlib import Path

from django.contrib.gis.geos import Point
from django.db import connection, transaction
from django.utils import timezone

from geo import crs
from participation.demo import demo_consultation
from quartiere.models import Area, Level
from surveys.models import (
    Action,
    Answer,
    AnswerModeration,
    AnswerStatus,
    Kind,
    Question,
    Survey,
    SurveyResponse,
)

SLUG = "mobilitaet-im-quartier"
RESPONSES = 200
SEED = 12

QUESTIONS = [
    (
        Kind.SINGLE,
        "Wie sind Sie im Quartier meistens unterwegs?",
        True,
        ["zu Fuß", "mit dem Fahrrad", "mit Bus und Bahn", "mit dem Auto"],
    ),
    (
        Kind.MULTIPLE,
        "Was würde Ihnen den Weg ohne Auto erleichtern?",
        False,
        ["sichere Radwege", "mehr Busverbindungen", "breitere Gehwege", "Carsharing", "Fahrradstellplätze"],
    ),
    (
        Kind.SCALE,
        "Wie sicher fühlen Sie sich als Radfahrerin oder Radfahrer? (1 = gar nicht, 5 = sehr)",
        True,
        [],
    ),
    (Kind.SCALE, "Wie zufrieden sind Sie mit dem Busangebot? (1 = gar nicht, 5 = sehr)", False, []),
    (Kind.PLACE, "Wo ist es für Sie im Verkehr besonders gefährlich?", False, []),
    (Kind.TEXT, "Was sollte sich an dieser Stelle ändern?", False, []),
    (Kind.SINGLE, "Wie alt sind Sie?", False, ["unter 18", "18–39", "40–64", "65 und älter"]),
]
TEXTS = [
    "Eine Ampel für Fußgänger wäre hier dringend nötig. (illustrativ)",
    "Der Radweg endet plötzlich, das ist gefährlich. (illustrativ)",
    "Die Autos fahren hier viel zu schnell; Tempo 30 bitte. (illustrativ)",
    "Mehr Licht am Abend würde helfen. (illustrativ)",
    "Eine Querungshilfe für Kinder auf dem Schulweg. (illustrativ)",
    "Parkende Autos versperren die Sicht an der Kreuzung. (illustrativ)",
]


def _points(city: Area, n: int) -> list[tuple[float, float]]:
    """Reproducible random points (EPSG:25832) inside the city, by PostGIS."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(p.geom), ST_Y(p.geom) FROM quartiere_area AS a, "
            "LATERAL (SELECT (ST_Dump(ST_GeneratePoints(ST_Buffer(a.geom, -100), %(n)s, %(seed)s))).geom)"
            " AS p "
            "WHERE a.id = %(id)s ORDER BY ST_X(p.geom), ST_Y(p.geom)",
            {"id": city.pk, "n": n, "seed": SEED},
        )
        return cursor.fetchall()


@transaction.atomic
def load_demo(demo_dir: Path) -> str:
    city = Area.objects.filter(level=Level.CITY, code="08118048").first()
    if city is None:
        return "skipped: the city of Ludwigsburg is not loaded"
    now = timezone.now()
    consultation = demo_consultation(
        city,
        SLUG,
        title="Mobilität im Quartier – Umfrage",
        description=(
            "Illustrative Demo-Daten: Diese Umfrage und alle Antworten sind erfunden. Wie sind Sie "
            "unterwegs, und wo ist es gefährlich?"
        ),
        opens_at=now - dt.timedelta(days=90),
        closes_at=now + dt.timedelta(days=2 * 365),
        pins=False,
        themes=["Mobilität"],
    )
    survey, _created = Survey.objects.get_or_create(
        consultation=consultation,
        defaults={
            "city": city,
            "intro": (
                "Illustrative Demo-Umfrage: Sieben Fragen zu Ihren Wegen im Quartier, etwa fünf Minuten."
            ),
            "results_public": True,
        },
    )
    if SurveyResponse.objects.filter(survey=survey).exists():
        return f"survey {SLUG}: unchanged"
    if not survey.questions.exists():
        Question.objects.bulk_create(
            Question(survey=survey, position=n, kind=kind, text=text, required=required, choices=choices)
            for n, (kind, text, required, choices) in enumerate(QUESTIONS, start=1)
        )
    questions = list(survey.questions.order_by("position"))
    rng = random.Random(SEED)  # noqa: S311 - illustrative data, reproducible
    points = _points(city, RESPONSES)
    responses = SurveyResponse.objects.bulk_create(
        SurveyResponse(
            survey=survey,
            city=city,
            browser=f"demo-survey-{n}",
            created_at=now - dt.timedelta(days=rng.uniform(0, 89)),
        )
        for n in range(RESPONSES)
    )
    answers = []
    for n, response in enumerate(responses):
        for question in questions:
            if not question.required and rng.random() < 0.25:
                continue
            answer = Answer(response=response, question=question)
            if question.kind == Kind.SINGLE:
                answer.choices = [
                    min(int(rng.triangular(0, len(question.choices), 0.5)), len(question.choices) - 1)
                ]
            elif question.kind == Kind.MULTIPLE:
                answer.choices = sorted(rng.sample(range(len(question.choices)), rng.randint(1, 3)))
            elif question.kind == Kind.SCALE:
                answer.scale = rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5])
            elif question.kind == Kind.PLACE:
                x, y = points[n % len(points)]
                answer.geom = Point(x, y, srid=crs.STORAGE_SRID)
            else:
                if rng.random() < 0.5:
                    continue
                answer.text = rng.choice(TEXTS)
                answer.status = AnswerStatus.PENDING if rng.random() < 0.1 else AnswerStatus.PUBLISHED
            answers.append(answer)
    Answer.objects.bulk_create(answers)
    published = [a for a in answers if a.status == AnswerStatus.PUBLISHED]
    AnswerModeration.objects.bulk_create(
        AnswerModeration(
            answer_id=a.pk,
            survey=survey,
            actor_name="demo",
            action=Action.PUBLISH,
            from_status=AnswerStatus.PENDING,
            to_status=AnswerStatus.PUBLISHED,
            note="illustrative demo data",
        )
        for a in published
    )
    return f"survey {SLUG}: {len(responses)} responses, {len(answers)} answers (illustrative)"
