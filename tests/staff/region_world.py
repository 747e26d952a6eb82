"""The world of the region's permission matrix (tests/staff/test_region_matrix_*.py): the demo's
Ludwigsburg ("L"), a second city made here ("T", Teststadt, so the matrix does not depend on which
other cities the demo loads) and the region ("R", code VRS); staff of each role tied to Ludwigsburg or
to the region; the records of each owner a write path works on, made lazily by system writes
(``user`` None), and the state a refused write must leave as it was.

A path is (roles that may do it, owners its record may have, request builder). The rule under test
(staff.scope): a user tied to the area H may write a record owned by X only when X is H; a record
the path cannot give to X (a focus area of the region) is refused for everybody (400 or 403)."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from budgeting.models import Budget
from discussion.models import Comment
from events.models import Event
from geo.permissions import CITY_ADMINS, MODERATORS, PLANNERS, STRATEGY_BOARD
from indicators.models import Indicator, IndicatorValue
from measures.models import BudgetLine, Measure
from measures.services import budget_line_create, measure_create
from participation.models import Consultation, Contribution, ModerationEvent, Process, Response
from planning.models import FocusArea, Weighting
from planning.services import focus_area_create
from quartiere.models import Area, Level
from scenarios import services as scenario_services
from scenarios.models import Scenario, ScenarioComment
from staff.models import Invitation, Membership
from surveys.models import Survey
from tests.fixtures import user_in

LUDWIGSBURG = "08118048"
ROLES = {
    "planner": PLANNERS,
    "moderator": MODERATORS,
    "city admin": CITY_ADMINS,
    "board member": STRATEGY_BOARD,
}
HOMES = ("L", "R")  # the staff's area: Ludwigsburg, the region
OWNERS = ("L", "T", "R")  # the record's owner: Ludwigsburg, Teststadt, the region
WRITTEN = (200, 201, 204, 302, 303)
REFUSED = (400, 403, 404)


_PLACES: dict[tuple[int, int], tuple[float, float]] = {}
_POINTS: dict[int, Point] = {}


def second_city(region: Area, ludwigsburg: Area) -> Area:
    """A second city of the region: 1 km² inside the region, outside Ludwigsburg."""
    if (region.pk, ludwigsburg.pk) not in _PLACES:  # the same demo areas for a whole module
        inside = region.geom.difference(ludwigsburg.geom.buffer(500)).point_on_surface
        _PLACES[region.pk, ludwigsburg.pk] = (inside.x, inside.y)
    x, y = _PLACES[region.pk, ludwigsburg.pk]
    square = Polygon.from_bbox((x - 500, y - 500, x + 500, y + 500))
    square.srid = region.geom.srid
    return Area.objects.create(
        level=Level.CITY, parent=region, code="T-0000001", name="Teststadt", slug="teststadt",
        geom=MultiPolygon(square, srid=square.srid),
    )  # fmt: skip


def staff(role: str, home: Area) -> User:
    user = user_in(f"{role.replace(' ', '-')}-{home.code}", ROLES[role])
    Membership.objects.create(user=user, city=home)
    return user


@dataclass
class World:
    """The areas by key and the records of each owner, made on first use."""

    areas: dict[str, Area]
    made: dict[tuple[str, str], Any] = field(default_factory=dict)
    user: Any = None  # the user whose attempt runs (for paths that call a service)

    @classmethod
    def build(cls, demo: dict[str, Area]) -> "World":
        ludwigsburg = demo[LUDWIGSBURG]
        region = ludwigsburg.parent
        return cls({"L": ludwigsburg, "T": second_city(region, ludwigsburg), "R": region})

    def place(self, key: str) -> Point:
        """A point inside the area ``key`` (EPSG:25832; kept per area for the module's demo)."""
        area = self.areas[key]
        if area.pk not in _POINTS:
            _POINTS[area.pk] = area.geom.point_on_surface
        return _POINTS[area.pk].clone()

    def get(self, kind: str, key: str) -> Any:
        if (kind, key) not in self.made:
            self.made[kind, key] = getattr(self, f"_{kind.replace(' ', '_')}")(key)
        return self.made[kind, key]

    def _measure(self, key: str) -> Measure:
        area = self.areas[key]
        if area.level == Level.REGION:  # a regional measure: owned by the region, for all of it
            return measure_create(city=area, title="Regionaler Radweg", scope=area, published=True)
        return measure_create(city=area, title=f"Bänke {key}", geom=self.place(key), published=True)

    def _line(self, key: str) -> BudgetLine:
        measure = self.get("measure", key)
        return budget_line_create(measure=measure, fiscal_year=2026, amount=Decimal(1000), kind="investment")

    def _focus_area(self, key: str) -> FocusArea:
        return focus_area_create(
            city=self.areas[key], name=f"Fokus {key}", geom=self.square(key), published=True
        )

    def square(self, key: str, size: float = 50) -> Polygon:
        """A small square around ``place(key)`` (EPSG:25832)."""
        p = self.place(key)
        square = Polygon.from_bbox((p.x - size, p.y - size, p.x + size, p.y + size))
        square.srid = p.srid
        return square

    def _consultation(self, key: str) -> Consultation:
        now = timezone.now()
        area = self.areas[key]
        return Consultation.objects.create(
            title=f"Verfahren {key}", slug=f"verfahren-{key.lower()}", city=area, area=area,
            opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=30),
        )  # fmt: skip

    def _contribution(self, key: str, status: str = "pending") -> Contribution:
        return Contribution.objects.create(
            consultation=self.get("consultation", key), city=self.areas[key], geom=self.place(key),
            text="Idee", category="idea", status=status,
        )  # fmt: skip

    def _published(self, key: str) -> Contribution:
        return self._contribution(key, "published")

    def _colleague(self, key: str) -> User:
        user = user_in(f"kollegin-{key}", PLANNERS)
        Membership.objects.create(user=user, city=self.areas[key])
        return user

    def _weighting(self, key: str) -> Weighting:
        city = self.areas[key]
        found = Weighting.objects.filter(city=city, slug="standard").first()
        return found or Weighting.objects.create(city=city, name="Standard", slug="standard", is_default=True)

    def _scenario(self, key: str) -> Scenario:
        scenario = scenario_services.scenario_create(
            city=self.areas[key], name=f"Szenario {key}", budget_year=2027
        )
        return scenario_services.scenario_share(scenario_id=scenario.pk, expected_version=None)

    def _indicator(self, key: str) -> Indicator:
        return Indicator.objects.get_or_create(
            key="matrix_wert",
            defaults={"name_de": "Wert", "name_en": "Value", "unit": "%", "dimension": "just",
                      "direction": "more_need"},
        )[0]  # fmt: skip


def state() -> tuple:
    """Everything a refused write must leave as it was."""
    return (
        sorted(Measure.objects.values_list("id", "version", "city_id")),
        sorted(BudgetLine.objects.values_list("id", "version")),
        sorted(FocusArea.objects.values_list("id", "version")),
        sorted(Consultation.objects.values_list("id", "title")),
        sorted(Contribution.objects.values_list("id", "status", "version")),
        Response.objects.count(),
        ModerationEvent.objects.count(),
        sorted(User.objects.values_list("id", "is_active")),
        sorted(User.groups.through.objects.values_list("user_id", "group_id")),
        sorted(Membership.objects.values_list("user_id", "city_id")),
        sorted(Invitation.objects.values_list("id", "withdrawn_at")),
        sorted(Weighting.objects.values_list("id", "name")),
        sorted(Scenario.objects.values_list("id", "version")),
        ScenarioComment.objects.count(),
        sorted(Indicator.objects.values_list("id", "name_de")),
        IndicatorValue.objects.count(),
        [model.objects.count() for model in (Process, Event, Survey, Budget)],
        sorted(Comment.objects.values_list("id", "status")),
    )


Builder = Callable[[APIClient, World, str], Any]


@dataclass(frozen=True)
class Path:
    """A write path: the roles that may do it, the owners its record may have, the request."""

    roles: frozenset[str]
    owners: frozenset[str]
    send: Builder
    creates: bool = False  # the request names the owner (a new record): every owner is tried


def if_match(kind: str, record) -> dict:
    return {"HTTP_IF_MATCH": f'"{kind}-{record.pk}-{record.version}"'}


def check(paths: dict[str, Path], name: str, home: str, owner: str, demo) -> None:
    """Each role tied to ``home`` sends the path's request for a record of ``owner``: written when the
    role may do it and ``owner`` is ``home`` (and may own the record); else refused, nothing written.
    Each role's attempt is rolled back before the next one's (a savepoint)."""
    path = paths[name]
    world = World.build(demo)
    world.user = AnonymousUser()
    path.send(APIClient(), world, owner)  # refused (anonymous): makes the records it works on
    users = {role: staff(role, world.areas[home]) for role in ROLES}
    before = state()  # each role's attempt starts from it (rolled back after)
    for role, user in users.items():
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        world.user = user
        savepoint = transaction.savepoint()
        try:
            response = path.send(client, world, owner)
            allowed = role in path.roles and owner == home and owner in path.owners
            where = (name, role, home, owner, response.status_code, response.content[:300])
            if allowed:
                assert response.status_code in WRITTEN, where
                if response.status_code == 302:
                    assert not response["Location"].startswith("/planung/anmelden/"), where
                assert state() != before, ("an allowed write changed nothing", *where)
            else:
                assert response.status_code in REFUSED, where
                assert state() == before, ("a refused write changed something", *where)
        finally:
            transaction.savepoint_rollback(savepoint)


def cases(paths: dict[str, Path]) -> list[tuple[str, str, str]]:
    """(path, home, owner): every owner for a path that creates, else the owners a record may have;
    regional staff against Ludwigsburg only (the second city is the same case for them)."""
    return [
        (name, home, owner)
        for name, path in paths.items()
        for home in HOMES
        for owner in OWNERS
        if (path.creates or owner in path.owners) and not (home == "R" and owner == "T")
    ]
