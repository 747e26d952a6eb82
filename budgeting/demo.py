"""The budget part of the Ludwigsburg demo: the illustrative "Bürgerhaushalt 2027" of the process
"Ludwigsburg geht weiter", in its voting phase, with 30 published proposals across the Quartiere
(feasibility checked, revised costs) and 400 ballots within the budget. Written in bulk, reproducible
(seeded), idempotent (a second run changes nothing)."""

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone

from budgeting.models import Ballot, BallotChoice, Budget, Feasibility, Phase, Proposal, Status
from geo import crs
from participation.demo import _points, demo_consultation
from quartiere.models import Area, Level

SLUG = "buergerhaushalt-2027"
TOTAL = Decimal("500000")
VOTERS = 400
IDEAS = [
    ("Trinkbrunnen am Platz in {q}", 18_000),
    ("Neue Sitzbänke mit Schatten in {q}", 12_000),
    ("Fahrradbügel am Bahnhalt in {q}", 8_000),
    ("Bücherschrank für {q}", 4_500),
    ("Beleuchtung für den Fußweg in {q}", 45_000),
    ("Spielgeräte für den Spielplatz in {q}", 60_000),
    ("Blühwiese statt Rasen in {q}", 9_000),
    ("Calisthenics-Anlage in {q}", 35_000),
    ("Barrierefreier Übergang in {q}", 75_000),
    ("Quartiersgarten in {q}", 22_000),
]


@transaction.atomic
def load_demo(demo_dir: Path) -> str:
    city = Area.objects.filter(level=Level.CITY, code="08118048").first()
    if city is None:
        return "skipped: the city of Ludwigsburg is not loaded"
    now = timezone.now()
    consultation = demo_consultation(
        city,
        SLUG,
        title="Bürgerhaushalt 2027",
        description=(
            "Illustrative Demo-Daten: Dieser Bürgerhaushalt, alle Vorschläge und Stimmen sind erfunden. "
            "Die Stadt stellt 500.000 € für Projekte aus der Bürgerschaft bereit – wählen Sie, was "
            "umgesetzt wird."
        ),
        opens_at=now - dt.timedelta(days=90),
        closes_at=now + dt.timedelta(days=60),
        pins=False,
    )
    budget, _created = Budget.objects.get_or_create(
        consultation=consultation,
        defaults={
            "city": city,
            "total": TOTAL,
            "fiscal_year": 2027,
            "phase": Phase.VOTING,
            "proposals_until": (now - dt.timedelta(days=60)).date(),
            "review_until": (now - dt.timedelta(days=10)).date(),
            "voting_until": (now + dt.timedelta(days=30)).date(),
        },
    )
    if budget.proposals.exists():
        return f"budget {consultation.slug}: unchanged"
    rng = random.Random(2027)  # noqa: S311 - illustrative data, reproducible
    points = _points(city, 3, 2027)
    rng.shuffle(points)
    rows = []
    for index, (quartier, x, y) in enumerate(sorted(points[:30])):
        title, euros = IDEAS[index % len(IDEAS)]
        estimate = Decimal(euros)
        checked = index % 10 != 7
        rows.append(
            Proposal(
                budget=budget,
                city=city,
                title=title.format(q=quartier),
                text=f"Illustrativer Vorschlag für {quartier}: {title.format(q=quartier)}. (illustrativ)",
                geom=Point(x, y, srid=crs.STORAGE_SRID),
                cost_estimate=estimate,
                status=Status.PUBLISHED,
                feasibility=Feasibility.FEASIBLE if checked else Feasibility.NOT_FEASIBLE,
                feasibility_reason="" if checked else "Die Fläche gehört nicht der Stadt. (illustrativ)",
                revised_cost=(estimate * Decimal(rng.choice(["0.9", "1", "1.1", "1.25"]))).quantize(
                    Decimal("1")
                )
                if checked
                else None,
                created_at=now - dt.timedelta(days=80 - index),
            )
        )
    proposals = Proposal.objects.bulk_create(rows)
    feasible = [p for p in proposals if p.feasibility == Feasibility.FEASIBLE]
    weights = [rng.uniform(0.2, 3) for _p in feasible]
    ballots = Ballot.objects.bulk_create(
        Ballot(budget=budget, city=city, browser=f"demo-{n}") for n in range(VOTERS)
    )
    choices = []
    for ballot in ballots:
        left, picked = TOTAL, set()
        for proposal in rng.choices(feasible, weights=weights, k=8):
            cost = proposal.revised_cost or TOTAL
            if proposal.pk not in picked and cost <= left:
                picked.add(proposal.pk)
                left -= cost
        choices += [BallotChoice(ballot=ballot, proposal_id=pk, budget=budget) for pk in sorted(picked)]
    BallotChoice.objects.bulk_create(choices)
    return (
        f"budget {consultation.slug}: {len(proposals)} proposals ({len(feasible)} feasible), "
        f"{len(ballots)} ballots, voting phase (illustrative)"
    )
