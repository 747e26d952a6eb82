"""The events part of the Ludwigsburg demo: the illustrative consultation "Quartiersspaziergänge" in the
demo process with four events — a walk nearly fully booked, a workshop, an information evening without
registration and a past walk. Idempotent (a second run changes nothing); a few bulk statements."""

import datetime as dt
from pathlib import Path

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone

from events.models import Event, Kind, Registration
from geo import crs
from participation.demo import demo_consultation
from participation.privacy import new_delete_token
from quartiere.models import Area, Level

SLUG = "quartiersspaziergaenge"


def _at(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _point(lon: float, lat: float) -> Point:
    point = Point(lon, lat, srid=crs.WGS84)
    point.transform(crs.STORAGE_SRID)  # in place: stays a Point
    return point


@transaction.atomic
def load_demo(demo_dir: Path) -> str:
    city = Area.objects.filter(level=Level.CITY, code="08118048").first()
    if city is None:
        return "skipped: the city of Ludwigsburg is not loaded"
    now = timezone.now()
    consultation = demo_consultation(
        city,
        SLUG,
        title="Quartiersspaziergänge – unterwegs in den Stadtteilen",
        description=(
            "Illustrative Demo-Daten: Diese Spaziergänge, Werkstätten und Abende sind erfunden. "
            "Gemeinsam durch die Quartiere gehen, Orte ansehen und Ideen sammeln."
        ),
        pins=False,
        themes=["Quartiere", "Mobilität"],
        opens_at=now - dt.timedelta(days=90),
        closes_at=now + dt.timedelta(days=90),
    )
    if Event.objects.filter(consultation=consultation).exists():
        return f"consultation {consultation.slug}: unchanged"
    common = {"consultation": consultation, "city": city}
    walk = Event(
        **common,
        kind=Kind.WALK,
        title="Spaziergang durch die Innenstadt (illustrativ)",
        description=(
            "Vom Residenzschloss über den Marktplatz: Wo ist es gut, wo fehlt etwas? Dauer etwa zwei Stunden."
        ),
        starts_at=_at(7, 17),
        ends_at=_at(7, 19),
        place_name="Residenzschloss, Haupteingang",
        address="Schlossstraße 30, 71634 Ludwigsburg",
        geom=_point(9.1956, 48.8997),
        step_free=True,
        accessibility_note="Die Strecke ist eben; Sitzgelegenheiten unterwegs.",
        capacity=25,
        registration_closes_at=_at(6, 12),
    )
    workshop = Event(
        **common,
        kind=Kind.WORKSHOP,
        title="Werkstatt: Plätze in Eglosheim (illustrativ)",
        description="An Plänen und Modellen arbeiten wir an Ideen für die Plätze im Stadtteil.",
        starts_at=_at(14, 18),
        ends_at=_at(14, 21),
        place_name="Bürgerhaus Eglosheim",
        address="Eglosheim, 71634 Ludwigsburg",
        geom=_point(9.1686, 48.9083),
        step_free=True,
        hearing_loop=True,
        childcare=True,
        capacity=20,
    )
    evening = Event(
        **common,
        kind=Kind.INFORMATION,
        title="Informationsabend zu den Quartiersspaziergängen (illustrativ)",
        description="Was aus den Spaziergängen wurde und wie es weitergeht. Keine Anmeldung nötig.",
        starts_at=_at(21, 19),
        ends_at=_at(21, 21),
        place_name="Kulturzentrum",
        address="Wilhelmstraße 9/1, 71638 Ludwigsburg",
        geom=_point(9.1916, 48.8973),
        step_free=True,
        sign_language=True,
        online_url="https://example.org/stream-illustrativ",
    )
    past = Event(
        **common,
        kind=Kind.WALK,
        title="Spaziergang in Oßweil (illustrativ, vergangen)",
        description="Der erste Spaziergang der Reihe.",
        starts_at=_at(-10, 16),
        ends_at=_at(-10, 18),
        place_name="Oßweil, Ortsmitte",
        geom=_point(9.2311, 48.8917),
        capacity=30,
    )
    walk, workshop, evening, past = Event.objects.bulk_create([walk, workshop, evening, past])
    _token, token_hash = new_delete_token()  # the demo's registrations cannot be cancelled by link

    def registration(event: Event, n: int, people: int) -> Registration:
        return Registration(
            event=event,
            name=f"Demo {n} (illustrativ)",
            email=f"demo-{event.pk}-{n}@example.invalid",
            people=people,
            token_hash=token_hash,
        )

    rows = [registration(walk, n, 5 if n < 4 else 3) for n in range(5)]  # 23 of 25: nearly full
    rows += [registration(workshop, n, 1 + n % 2) for n in range(6)]
    rows += [registration(past, n, 2) for n in range(8)]
    Registration.objects.bulk_create(rows)
    return f"consultation {consultation.slug}: 4 events, {len(rows)} registrations (illustrative)"
