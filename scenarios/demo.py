"""The scenarios part of the illustrative Ludwigsburg demo: two scenarios for the 2023 budget, made
through scenarios.services as a planner would, and a strategy board member's account.

- "Haushalt 2023 – Schwerpunkt Grün (illustrativ)": three new green measures drawn in West (a
  Quartier with little green in the demo), one postponed measure; shared with the strategy board,
  with two comments of the demo board member;
- "Haushalt 2023 – Soziale Infrastruktur (illustrativ)": three new measures (one city-wide), one
  dropped measure, a changed and an added budget line; a draft.

The board member ``beirat@ludwigsburg.example`` is made by staff.services without a password (not
active): ``manage.py staff add beirat@ludwigsburg.example --role board --city 08118048`` sets one.
Idempotent: a scenario of that name in the city is left as it is; nothing here is official planning
of the City of Ludwigsburg."""

import json
from typing import Any

from django.db import transaction

from geo import validation
from measures.models import BudgetLine, Measure
from quartiere.models import Area, Level
from scenarios import services
from scenarios.models import Scenario
from staff import services as staff_services

CITY = "08118048"
BOARD_EMAIL = "beirat@ludwigsburg.example"
GREEN = "Haushalt 2023 – Schwerpunkt Grün (illustrativ)"
SOCIAL = "Haushalt 2023 – Soziale Infrastruktur (illustrativ)"
NOTE = " Illustrative Demo-Maßnahme – keine Planung der Stadt Ludwigsburg."


def _geom(geometry: dict) -> Any:
    return validation.geometry_from_geojson(json.dumps(geometry), field="geom")


def _square(lon: float, lat: float, d: float = 0.0012) -> dict:
    ring = [
        [lon - d, lat - d / 1.5],
        [lon + d, lat - d / 1.5],
        [lon + d, lat + d / 1.5],
        [lon - d, lat + d / 1.5],
    ]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def _measure(city: Area, title: str) -> Measure | None:
    return Measure.objects.filter(city=city, title=title, published=True).first()


class _Composer:
    """Adds parts to one scenario, keeping its version."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario

    @property
    def v(self) -> int:
        self.scenario.refresh_from_db(fields=["version"])
        return self.scenario.version

    def new(self, title: str, lines: list[tuple], **fields: Any) -> None:
        proposed = services.proposed_measure_create(
            scenario_id=self.scenario.pk, expected_version=self.v, title=title, **fields
        )
        for year, amount, kind, funding in lines:
            services.proposed_budget_line_create(
                proposed_measure_id=proposed.pk,
                expected_version=self.v,
                fiscal_year=year,
                amount=amount,
                kind=kind,
                funding=funding,
            )


def load_demo(demo_dir) -> str:
    city = Area.objects.filter(level=Level.CITY, code=CITY).first()
    if city is None:
        return "no city 08118048: nothing to do"
    board = staff_services.account_of(BOARD_EMAIL)
    if board is None or "board" not in staff_services.roles_of(board):
        board, _created = staff_services.staff_add(email=BOARD_EMAIL, role="board", city=city)
    made = []
    if not Scenario.objects.filter(city=city, name=GREEN).exists():
        _green(city, board)
        made.append("green")
    if not Scenario.objects.filter(city=city, name=SOCIAL).exists():
        _social(city)
        made.append("social")
    done = ", ".join(made) or "none (already there)"
    return f"scenarios created: {done}; board member {BOARD_EMAIL} (illustrative)"


@transaction.atomic  # a scenario is made whole or not at all
def _green(city: Area, board: Any) -> None:
    scenario = services.scenario_create(
        city=city,
        name=GREEN,
        budget_year=2023,
        description=(
            "Mehr Grün in der Weststadt, wo die Grünversorgung im Demo-Datensatz am geringsten ist; "
            "dafür beginnt der Umbau der Ortsdurchfahrt Pflugfelden ein Jahr später. Illustratives Szenario."
        ),
    )
    c = _Composer(scenario)
    c.new(
        "Pocket-Park Weststadt",
        [
            (2023, "180000", "investment", "grant"),
            (2023, "60000", "investment", "complementary"),
            (2024, "15000", "maintenance", "own"),
        ],
        geom=_geom(_square(9.1705, 48.8925)),
        dimensions=["green", "just"],
        tags=["Grün", "Hitze"],
        description="Eine versiegelte Fläche wird zum kleinen Park mit Bäumen und Bänken." + NOTE,
    )
    c.new(
        "Baumreihe Westliche Allee",
        [(2023, "95000", "investment", "own"), (2024, "8000", "maintenance", "own")],
        geom=_geom(
            {"type": "LineString", "coordinates": [[9.1660, 48.8940], [9.1700, 48.8935], [9.1745, 48.8931]]}
        ),
        dimensions=["green"],
        tags=["Bäume"],
        description="Zwanzig Straßenbäume mit Baumrigolen." + NOTE,
    )
    c.new(
        "Grünes Klassenzimmer Schule West",
        [(2023, "40000", "investment", "grant"), (2023, "10000", "investment", "complementary")],
        geom=_geom({"type": "Point", "coordinates": [9.1685, 48.8915]}),
        dimensions=["green", "just"],
        tags=["Schule", "Umweltbildung"],
        description="Ein Lerngarten auf dem Schulgelände." + NOTE,
    )
    postponed = _measure(city, "Umbau Ortsdurchfahrt Pflugfelden")
    if postponed is not None:
        services.measure_change_create(
            scenario_id=scenario.pk,
            expected_version=c.v,
            measure_id=postponed.pk,
            action="postpone",
            years=1,
            note="Mittel für die Grünmaßnahmen im Westen",
        )
    services.scenario_share(scenario_id=scenario.pk, expected_version=c.v)
    for body in (
        "Der Pocket-Park schließt eine echte Lücke im Westen. Gibt es eine Zusage für die Fördermittel?",
        "Die Verschiebung in Pflugfelden sollte mit dem Ortschaftsrat besprochen werden, "
        "bevor wir entscheiden.",
    ):
        services.scenario_comment(scenario_id=scenario.pk, user=board, body=body)


@transaction.atomic
def _social(city: Area) -> None:
    def quartier(name: str) -> Area | None:
        return Area.objects.filter(level=Level.QUARTIER, parent=city, name=name).first()

    scenario = services.scenario_create(
        city=city,
        name=SOCIAL,
        budget_year=2023,
        description=(
            "Familien- und Jugendangebote in Grünbühl-Sonnenberg und Eglosheim, Schulsozialarbeit in der "
            "ganzen Stadt; dafür entfällt die Flächenentwicklung Gewerbegebiet West. Illustratives Szenario."
        ),
    )
    c = _Composer(scenario)
    c.new(
        "Familienzentrum Grünbühl",
        [
            (2023, "350000", "investment", "grant"),
            (2023, "150000", "investment", "complementary"),
            (2024, "90000", "operating", "own"),
        ],
        geom=_geom({"type": "Point", "coordinates": [9.2165, 48.8832]}),
        dimensions=["just"],
        tags=["Familie"],
        description="Beratung, Kinderbetreuung und Treffpunkt unter einem Dach." + NOTE,
    )
    eglosheim = quartier("Eglosheim")
    if eglosheim is not None:
        c.new(
            "Mobile Jugendarbeit Eglosheim",
            [(2023, "60000", "operating", "own"), (2024, "60000", "operating", "own")],
            scope=eglosheim,
            dimensions=["just"],
            tags=["Jugend"],
            description="Zwei Stellen für aufsuchende Jugendarbeit im Stadtteil." + NOTE,
        )
    c.new(
        "Programm Schulsozialarbeit",
        [(2023, "120000", "operating", "own"), (2023, "80000", "operating", "grant")],
        scope=city,
        dimensions=["just"],
        tags=["Schule", "Soziales"],
        description="Schulsozialarbeit an allen Grundschulen." + NOTE,
    )
    dropped = _measure(city, "Flächenentwicklung Gewerbegebiet West")
    if dropped is not None:
        services.measure_change_create(
            scenario_id=scenario.pk, expected_version=c.v, measure_id=dropped.pk, action="drop"
        )
    hall = _measure(city, "Sanierung Sporthalle Ost")
    line = (
        BudgetLine.objects.filter(measure=hall, fiscal_year__gte=2023).order_by("fiscal_year", "id").first()
    )
    if line is not None:
        services.budget_line_change_create(
            scenario_id=scenario.pk,
            expected_version=c.v,
            action="change",
            budget_line_id=line.pk,
            amount=(line.amount * 8 / 10).quantize(line.amount),
            note="Bauabschnitt kleiner",
        )
    meeting = _measure(city, "Quartierstreff Nord")
    if meeting is not None:
        services.budget_line_change_create(
            scenario_id=scenario.pk,
            expected_version=c.v,
            action="add",
            measure_id=meeting.pk,
            fiscal_year=2023,
            amount="25000",
            kind="operating",
            funding="own",
            note="längere Öffnungszeiten",
        )
