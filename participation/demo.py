"""The participation part of the Ludwigsburg demo: one open consultation over the whole city with
about 100 illustrative published contributions and a few pending ones; idempotent (a second run
changes nothing)."""

import datetime as dt
import random
from pathlib import Path

from django.contrib.gis.geos import Point
from django.db import connection, transaction
from django.utils import timezone

from geo import crs
from measures.models import Measure
from participation import services
from participation.models import (
    Action,
    Category,
    Consultation,
    Contribution,
    ModerationEvent,
    Origin,
    Outcome,
    Response,
    Status,
    Support,
)
from quartiere import linking
from quartiere.models import Area, Level

SLUG = "ludwigsburg-gestaltet-zukunft"
PUBLISHED_PER_QUARTIER = 8
PENDING = 6

TEXTS = {
    Category.IDEA: [
        "Mehr Sitzbänke und Schatten an der Haltestelle in {q}.",
        "Ein Quartiersgarten auf der Brachfläche in {q} wäre schön.",
        "Fahrradbügel vor dem Bäcker in {q}, bitte.",
        "Ein offener Bücherschrank für {q}.",
        "Tempo 30 vor der Grundschule in {q}.",
    ],
    Category.PROBLEM: [
        "Der Gehweg in {q} ist hier für Kinderwagen zu schmal.",
        "Abends zu dunkel auf diesem Fußweg in {q}.",
        "Die Kreuzung in {q} ist für Radfahrende gefährlich.",
        "Hier fehlt in {q} ein barrierefreier Übergang.",
    ],
    Category.PRAISE: [
        "Der neue Spielplatz in {q} ist toll geworden!",
        "Danke für die neuen Bäume in {q}.",
        "Der Wochenmarkt in {q} belebt das Quartier.",
    ],
    Category.QUESTION: [
        "Wann wird die Sanierung der Straße in {q} fertig?",
        "Gibt es Pläne für einen Jugendtreff in {q}?",
        "Wer ist für die Pflege dieser Grünfläche in {q} zuständig?",
    ],
}
ANSWERS = [
    (Outcome.CONSIDERED, "Wir prüfen den Vorschlag in der Fortschreibung des Masterplans."),
    (Outcome.NOT_FEASIBLE, "Nicht umsetzbar, weil die Fläche in Privatbesitz ist."),
    (Outcome.DONE, "Bereits erledigt: Die Maßnahme wurde im Frühjahr umgesetzt."),
    (Outcome.MEASURE, "Wir haben den Hinweis in eine Maßnahme übernommen."),
]


def _points(city: Area, per_quartier: int, seed: int) -> list[tuple[str, float, float]]:
    """Deterministic random points (x/y in EPSG:25832) inside each Quartier of the city, by PostGIS."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT a.name, ST_X(p.geom), ST_Y(p.geom)
            FROM quartiere_area AS a,
                 LATERAL (SELECT (ST_Dump(
                     ST_GeneratePoints(ST_Buffer(a.geom, -50), %(n)s, %(seed)s))).geom) AS p
            WHERE a.parent_id = %(city)s AND a.level = 3
            ORDER BY a.name, ST_X(p.geom), ST_Y(p.geom)
            """,
            {"city": city.pk, "n": per_quartier, "seed": seed},
        )
        return cursor.fetchall()


PROCESS_SLUG = "ludwigsburg-geht-weiter"


def demo_process(city: Area):
    """The illustrative process "Ludwigsburg geht weiter" that groups the demo's consultations; every
    format app's demo puts its consultation into it (idempotent)."""
    from participation.models import Process

    process, _created = Process.objects.get_or_create(
        slug=PROCESS_SLUG,
        defaults={
            "title": "Ludwigsburg geht weiter",
            "description": (
                "Illustrative Demo-Daten: ein erfundener Beteiligungsprozess in mehreren Schritten – "
                "Hinweise auf der Karte, Umfrage, Bürgerhaushalt, Quartiersspaziergänge und Auswertung."
            ),
            "city": city,
        },
    )
    return process


def demo_consultation(city: Area, slug: str, **fields) -> Consultation:
    """A consultation of the demo process over the whole city (idempotent: an existing one is kept as
    it is); the format apps' demos make theirs with it. ``fields``: title, description, window, …"""
    consultation, _created = Consultation.objects.get_or_create(
        slug=slug, defaults={"city": city, "area": city, "process": demo_process(city), **fields}
    )
    return consultation


@transaction.atomic
def load_demo(demo_dir: Path) -> str:
    """Written in bulk (a few statements, so that every test loading the demo stays fast); the
    services' rules hold by construction: points inside the city's Quartiere, texts within limits.
    Links to areas go through the one linking mechanism, moderation through the log."""
    city = Area.objects.filter(level=Level.CITY, code="08118048").first()
    if city is None:
        return "skipped: the city of Ludwigsburg is not loaded"
    now = timezone.now()
    consultation, _created = Consultation.objects.get_or_create(
        slug=SLUG,
        defaults={
            "title": "Ludwigsburg gestaltet Zukunft – Ihre Hinweise für die Quartiere",
            "description": (
                "Illustrative Demo-Daten: Dieses Beteiligungsverfahren und alle Beiträge sind erfunden. "
                "Wo sollte sich in Ihrem Quartier etwas ändern – was ist gut so?"
            ),
            "city": city,
            "area": city,
            "opens_at": now - dt.timedelta(days=60),
            "closes_at": now + dt.timedelta(days=3 * 365),
            "themes": ["Quartiere", "Mobilität"],
            "target_groups": ["everyone"],
        },
    )
    process = demo_process(city)
    Consultation.objects.filter(pk=consultation.pk, process__isnull=True).update(process=process)
    steps = _demo_steps(city, process, now)
    if Contribution.objects.filter(consultation=consultation).exists():
        return f"consultation {consultation.slug}: unchanged{steps}"
    rng = random.Random(48)  # noqa: S311 - illustrative data, reproducible
    points = _points(city, PUBLISHED_PER_QUARTIER, 48) + _points(city, 1, 7)[:PENDING]
    measures = list(Measure.objects.filter(city=city).order_by("id").values_list("id", flat=True))
    origins = [Origin.CIVIL_SOCIETY] * 8 + [Origin.COUNCIL, Origin.ADMINISTRATION]
    categories = list(TEXTS)
    rows = []
    for index, (quartier, x, y) in enumerate(points):
        category = categories[index % len(categories)]
        is_pending = index >= len(points) - PENDING
        rows.append(
            Contribution(
                consultation=consultation,
                city=city,
                geom=Point(x, y, srid=crs.STORAGE_SRID),
                text=rng.choice(TEXTS[category]).format(q=quartier) + " (illustrativ)",
                category=category,
                origin=Origin.CIVIL_SOCIETY if is_pending else origins[index % len(origins)],
                pseudonym=rng.choice(["", "", "Anwohnerin", "Radler", "Familie M.", "Nachbar"]),
                status=Status.PENDING if is_pending else Status.PUBLISHED,
                created_at=now - dt.timedelta(days=rng.uniform(0, 55)),
            )
        )
    contributions = Contribution.objects.bulk_create(rows)
    linking.links_refresh(services.contribution_links(), ids=[c.pk for c in contributions])
    published = [c for c in contributions if c.status == Status.PUBLISHED]
    ModerationEvent.objects.bulk_create(
        ModerationEvent(
            contribution_id=c.pk,
            consultation=consultation,
            actor_name="demo",
            action=Action.PUBLISH,
            from_status=Status.PENDING,
            to_status=Status.PUBLISHED,
            note="illustrative demo data",
        )
        for c in published
    )
    Support.objects.bulk_create(
        Support(contribution=c, browser=f"demo-{c.pk}-{n}")
        for c in published
        for n in range(rng.randint(0, 12))
    )
    responses, links = [], []
    for index, contribution in enumerate(published):
        if index % 6 == 0:
            outcome, text = ANSWERS[(index // 6) % len(ANSWERS)]
            if outcome == Outcome.MEASURE and not measures:
                outcome, text = ANSWERS[0]
            measure = rng.choice(measures) if outcome == Outcome.MEASURE else None
            responses.append(
                Response(
                    contribution=contribution,
                    text=text + " (illustrativ)",
                    unit="Referat Nachhaltige Stadtentwicklung",
                    outcome=outcome,
                    date=timezone.localdate(),
                    measure_id=measure,
                )
            )
            if measure:
                links.append((contribution.pk, measure))
        elif measures and index % 7 == 0:
            links.append((contribution.pk, rng.choice(measures)))
    Response.objects.bulk_create(responses)
    through = Contribution.measures.through
    through.objects.bulk_create(through(contribution_id=c, measure_id=m) for c, m in links)
    pending = len(contributions) - len(published)
    return (
        f"consultation {consultation.slug}: {len(published)} published, {pending} pending, "
        f"{len(responses)} answered, {len(links)} linked to measures (illustrative){steps}"
    )


EVALUATED_SLUG = "bahnhofsumfeld-hinweise-2025"
PLANNED_SLUG = "gruenflaechen-ossweil"
EVALUATED_CONTRIBUTIONS = 20
EVALUATION = (
    "Illustrative Demo-Daten: Aus den Hinweisen zum Bahnhofsumfeld hat der Gemeinderat beschlossen, "
    "die Radabstellanlagen zu erweitern, die Beleuchtung der Unterführung zu erneuern und mehr "
    "Sitzgelegenheiten zu schaffen. Die Hinweise zur Verkehrsführung fließen in den Masterplan Mobilität ein."
)


def _demo_steps(city: Area, process, now) -> str:
    """Two more pin consultations of the demo process: one closed and evaluated (with its own
    published contributions and linked measures), one planned (opens in a month). Idempotent."""
    quartiere = {q.name: q for q in Area.objects.filter(parent=city, level=Level.QUARTIER)}
    mitte = quartiere.get("Mitte") or next(iter(quartiere.values()), None)
    other = quartiere.get("Oßweil") or mitte
    if mitte is None or other is None:
        return ""
    evaluated, created = Consultation.objects.get_or_create(
        slug=EVALUATED_SLUG,
        defaults={
            "title": "Bahnhofsumfeld: Ihre Hinweise (abgeschlossen)",
            "description": "Illustrative Demo-Daten: Hinweise zum Umfeld des Bahnhofs, ausgewertet.",
            "city": city,
            "area": mitte,
            "opens_at": now - dt.timedelta(days=200),
            "closes_at": now - dt.timedelta(days=140),
            "themes": ["Mobilität", "Radverkehr"],
            "target_groups": ["everyone", "businesses"],
            "process": process,
            "evaluation": EVALUATION,
            "evaluation_published_at": now - dt.timedelta(days=100),
        },
    )
    if created:
        measures = Measure.objects.filter(city=city, published=True).order_by("id")[:3]
        evaluated.measures.set(measures)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT ST_X(p.geom), ST_Y(p.geom) FROM quartiere_area AS a, LATERAL (SELECT (ST_Dump("
                "ST_GeneratePoints(ST_Buffer(a.geom, -50), %s, 12))).geom) AS p WHERE a.id = %s "
                "ORDER BY 1, 2",
                [EVALUATED_CONTRIBUTIONS, mitte.pk],
            )
            points = cursor.fetchall()
        categories = list(TEXTS)
        rows = Contribution.objects.bulk_create(
            Contribution(
                consultation=evaluated,
                city=city,
                geom=Point(x, y, srid=crs.STORAGE_SRID),
                text=TEXTS[categories[i % 4]][i % 3].format(q=mitte.name) + " (illustrativ)",
                category=categories[i % 4],
                status=Status.PUBLISHED,
                created_at=now - dt.timedelta(days=190 - i),
            )
            for i, (x, y) in enumerate(points)
        )
        linking.links_refresh(services.contribution_links(), ids=[c.pk for c in rows])
    Consultation.objects.get_or_create(
        slug=PLANNED_SLUG,
        defaults={
            "title": "Grünflächen in Oßweil: Ihre Ideen (geplant)",
            "description": "Illustrative Demo-Daten: Wo fehlen Bäume, Bänke, Spielflächen?",
            "city": city,
            "area": other,
            "opens_at": now + dt.timedelta(days=30),
            "closes_at": now + dt.timedelta(days=72),
            "themes": ["Grün", "Klima"],
            "target_groups": ["families", "seniors"],
            "process": process,
        },
    )
    return f"; process {process.slug}: evaluated and planned steps"
