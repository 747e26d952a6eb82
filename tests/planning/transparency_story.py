"""One story for the transparency tests, on top of the Ludwigsburg demo: a measure drafted, published and
advanced, with three budget lines, a strategic goal and a master plan; a citizen's contribution (with an
email address and a pseudonym) published, answered officially and taken into that measure; a measure
still a draft; a contribution still pending. Every text carries template and HTML syntax, which the
pages must show as the text it is."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.contrib.gis.geos import MultiPolygon, Polygon

from geo import crs
from geo.permissions import MODERATORS
from measures import services as measure_services
from measures.models import MasterPlan, Measure, StrategicGoal
from participation import moderation
from participation import services as participation_services
from participation.models import Consultation, Contribution
from quartiere.models import Area, Level
from tests.fixtures import user_in

TITLE = "Bänke am Markt {{ 6*7 }} <script>alert(1)</script>"
DRAFT_TITLE = "Geheimer Entwurf"
CONTRIBUTION_TEXT = "Bitte mehr Bänke {{ 6*7 }} <script>alert(2)</script>"
RESPONSE_TEXT = "Wir <b>bauen</b> sie {{ 6*7 }}."
PSEUDONYM = "Anwohnerin <i>Mitte</i>"
EMAIL = "private.person@example.org"
UNIT = "Stadtplanung"
FIELD_SLUG = "leistungsfaehige-und-lernende-verwaltung"


@dataclass
class Story:
    city: Area
    mitte: Area
    measure: Measure
    draft: Measure
    goal: StrategicGoal
    plan: MasterPlan
    contribution: Contribution
    pending: Contribution
    planner: User
    moderator: User


def square_around(area: Area, half: float) -> MultiPolygon:
    """A square of 2 × ``half`` metres around the point on ``area``'s surface, in EPSG:25832."""
    x, y = area.geom.point_on_surface.coords
    ring = (
        (x - half, y - half),
        (x + half, y - half),
        (x + half, y + half),
        (x - half, y + half),
        (x - half, y - half),
    )
    return MultiPolygon(Polygon(ring), srid=crs.STORAGE_SRID)


def lon_lat(area: Area) -> tuple[float, float]:
    point = area.geom.point_on_surface.transform(crs.WGS84, clone=True)
    return point.x, point.y


def tell(planner: User) -> Story:
    """Build the story (within the caller's transaction)."""
    city = Area.objects.get(level=Level.CITY, code="08118048")
    mitte = Area.objects.get(level=Level.QUARTIER, parent=city, slug="mitte")
    moderator = user_in("moderator", MODERATORS)
    goal = StrategicGoal.objects.get(action_field__slug=FIELD_SLUG, number=1)
    plan = MasterPlan.objects.order_by("id").first()
    assert plan is not None
    measure = measure_services.measure_create(
        city=city,
        title=DRAFT_TITLE,
        description="interner Vermerk",
        geom=square_around(mitte, 40),
        dimensions=["green", "just"],
        strategic_goals=[goal],
        master_plan=plan,
        responsible_unit=UNIT,
        user=planner,
    )

    def update(**changes) -> None:
        measure_services.measure_update(
            measure_id=measure.pk, expected_versions=None, user=planner, **changes
        )

    update(status="planned")
    update(title=TITLE, description="Neue Bänke {{ 6*7 }} <em>bald</em>", published=True)
    update(status="decided")
    for year, amount, funding in (
        (2025, "1000", "own"),
        (2025, "500", "grant"),
        (2026, "250", "complementary"),
    ):
        measure_services.budget_line_create(
            measure=measure,
            fiscal_year=year,
            amount=Decimal(amount),
            kind="investment",
            funding=funding,
            user=planner,
        )
    draft = measure_services.measure_create(
        city=city, title=DRAFT_TITLE + " 2", geom=square_around(mitte, 20), user=planner
    )
    consultation = Consultation.objects.get(slug="ludwigsburg-gestaltet-zukunft")
    lon, lat = lon_lat(mitte)

    def contribute(text: str) -> Contribution:
        return participation_services.contribution_create(
            consultation_id=consultation.pk,
            lon=lon,
            lat=lat,
            text=text,
            category="idea",
            pseudonym=PSEUDONYM,
            email=EMAIL,
        ).contribution

    contribution = contribute(CONTRIBUTION_TEXT)
    moderation.contribution_moderate(contribution_id=contribution.pk, action="publish", actor=moderator)
    moderation.response_set(
        contribution_id=contribution.pk,
        text=RESPONSE_TEXT,
        unit=UNIT,
        outcome="measure",
        measure_id=measure.pk,
        actor=moderator,
    )
    pending = contribute("Noch nicht freigegeben")
    measure.refresh_from_db()
    return Story(
        city=city,
        mitte=mitte,
        measure=measure,
        draft=draft,
        goal=goal,
        plan=plan,
        contribution=contribution,
        pending=pending,
        planner=planner,
        moderator=moderator,
    )
