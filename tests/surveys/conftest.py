"""Fixtures for surveys: a consultation over the demo city with a survey of one question of each kind."""

import datetime as dt
import os

import pytest
from django.utils import timezone

from participation.models import Consultation
from quartiere.models import Area
from surveys import services
from surveys.models import Kind, Question, Survey

# the browser tests assert that no request leaves 127.0.0.1: serve the live server there
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

CITY = "08118048"
SCHLOSS = (9.1956, 48.8997)  # lon/lat, in Mitte
STUTTGART = (9.1770, 48.7760)  # outside the city

KINDS = [
    (Kind.SINGLE, "Wie kommen Sie zur Arbeit?", True, ["zu Fuß", "Rad", "Bus"]),
    (Kind.MULTIPLE, "Was fehlt?", False, ["Bänke", "Bäume", "Licht"]),
    (Kind.SCALE, "Wie zufrieden sind Sie?", True, []),
    (Kind.TEXT, "Was wünschen Sie sich?", False, []),
    (Kind.PLACE, "Wo ist es gefährlich?", False, []),
]


def make_survey(city: Area, *, slug: str = "umfrage-test", open_now: bool = True, **settings) -> Survey:
    """A consultation over the whole city (open now, or closed yesterday) with its survey of KINDS."""
    now = timezone.now()
    window = (now - dt.timedelta(days=1), now + dt.timedelta(days=10))
    if not open_now:
        window = (now - dt.timedelta(days=10), now - dt.timedelta(days=1))
    consultation = Consultation.objects.create(
        title=f"Test {slug}",
        slug=slug,
        city=city,
        area=city,
        opens_at=window[0],
        closes_at=window[1],
        pins=False,
    )
    survey = services.survey_save(
        consultation_id=consultation.pk, user=None, intro="Bitte antworten.", **settings
    )
    for kind, text, required, choices in KINDS:
        services.question_add(
            survey_id=survey.pk, user=None, kind=kind, text=text, required=required, choices=choices
        )
    return survey


def questions(survey: Survey) -> list[Question]:
    return list(survey.questions.order_by("position"))


def full_answers(
    survey: Survey, *, single="1", multiple=("0", "2"), scale="4", text="Mehr Bäume", place=SCHLOSS
):
    """Answers to every question of a KINDS survey, keyed by question id (as the service takes them)."""
    q = questions(survey)
    return {
        q[0].pk: [single],
        q[1].pk: list(multiple),
        q[2].pk: [scale],
        q[3].pk: [text],
        q[4].pk: [str(place[0]), str(place[1])] if place else [],
    }


def form_data(survey: Survey, **kwargs) -> dict:
    """The same as the form posts them: ``q<id>`` fields, ``q<id>_lon``/``_lat`` for the place."""
    data: dict = {}
    for question in questions(survey):
        values = full_answers(survey, **kwargs)[question.pk]
        if question.kind == Kind.PLACE:
            if values:
                data[f"q{question.pk}_lon"], data[f"q{question.pk}_lat"] = values
        else:
            data[f"q{question.pk}"] = values
    return data


@pytest.fixture(autouse=True)
def _fresh_throttle(settings):
    """Each test starts with no responses counted against its client (the throttle's cache)."""
    from django.core.cache import caches

    caches[settings.PARTICIPATION_THROTTLE_CACHE].clear()


@pytest.fixture
def city(demo) -> Area:
    return demo[CITY]


@pytest.fixture
def survey(city) -> Survey:
    return make_survey(city)
