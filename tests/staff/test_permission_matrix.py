"""Who may do what: each role × each write of the API and the back-office pages (team, moderation,
measures) → allowed, or refused (403; 401/403 or the redirect to sign in for anonymous) with nothing
changed.

The table ``ACTIONS`` holds (name, request builder); ``ALLOWED`` names for each action the roles that may do
it. Every record is of the city C; "planner of O" is a planner tied to the other city, O (staff.scope),
"moderator of O" and "admin of O" a moderator and a city admin there. To add a page: one builder (it gets
the client and the ``world``; a page's POST carries the form data the page sends, with the version it
showed) and one line in ``ALLOWED``; pages' names start with one of ``PAGES``."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework.test import APIClient

from geo.permissions import CITY_ADMINS, MODERATORS, PLANNERS
from measures.models import ActionField, BudgetLine, Measure, StrategicGoal
from measures.services import budget_line_create, measure_create
from participation.consultations import consultation_revision
from participation.models import Consultation, Contribution, Flag, ModerationEvent, Response
from planning.models import FocusArea
from planning.services import focus_area_create
from staff.models import Invitation, Membership, StaffEvent
from staff.services import invitation_create
from tests.fixtures import geom, square, utm_json
from tests.staff.conftest import ACCEPT_URL, staff_of

ROLES = (
    "anonymous",
    "citizen",
    "planner",
    "moderator",
    "city admin",
    "superuser",
    "planner of O",
    "moderator of O",
    "admin of O",
)


def _user(role: str, grid) -> User | None:
    if role == "anonymous":
        return None
    if role == "superuser":
        return User.objects.create_superuser("root", "root@example.org", "pw-for-tests-only")
    group, city = {
        "citizen": (None, None),
        "planner": (PLANNERS, "C"),
        "moderator": (MODERATORS, "C"),
        "city admin": (CITY_ADMINS, "C"),
        "planner of O": (PLANNERS, "O"),
        "moderator of O": (MODERATORS, "O"),
        "admin of O": (CITY_ADMINS, "O"),
    }[role]
    return staff_of(role.replace(" ", "-"), group, grid[city] if city else None)


def open_consultation(city, slug: str) -> Consultation:
    now = timezone.now()
    return Consultation.objects.create(
        title=slug.title(),
        slug=slug,
        city=city,
        area=city,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
    )


def build_world(grid) -> dict[str, Any]:
    """The records of city C every action works on (made by system writes: ``user`` None)."""
    city = grid["C"]
    measure = measure_create(city=city, title="Bänke", geom=geom("POINT(300 300)"), published=True)
    other = measure_create(city=city, title="Radweg", geom=geom("POINT(600 300)"), published=True)
    line = budget_line_create(measure=measure, fiscal_year=2026, amount=Decimal(1000), kind="investment")
    focus = focus_area_create(city=city, name="Bahnhof", geom=square(100, 100, 500, 500)[0], published=True)
    field = ActionField.objects.create(name="Wohnen", slug="wohnen")
    consultation = open_consultation(city, "test")

    def contribution(status: str) -> Contribution:
        return Contribution.objects.create(
            consultation=consultation,
            city=city,
            geom=geom("POINT(400 400)"),
            text="Idee",
            category="idea",
            status=status,
        )

    pending, published, flagged, hidden = (
        contribution("pending"),
        contribution("published"),
        contribution("published"),
        contribution("hidden"),
    )
    Flag.objects.create(contribution=flagged, reason="spam", browser="b" * 20)
    Flag.objects.create(contribution=hidden, reason="offensive", browser="c" * 20)  # hidden after reports
    colleague = staff_of("colleague", PLANNERS, city)
    invitation, _token = invitation_create(
        email="neu@example.org", role="planner", city=city, accept_url=ACCEPT_URL
    )
    return {
        "city": city,
        "measure": measure,
        "other": other,
        "line": line,
        "focus": focus,
        "field": field,
        "consultation": consultation,
        "pending": pending,
        "published": published,
        "flagged": flagged,
        "hidden": hidden,
        "colleague": colleague,
        "invitation": invitation,
    }


def state() -> tuple:
    """Everything a refused write must leave as it was."""
    return (
        sorted(Measure.objects.values_list("id", "version")),
        sorted(BudgetLine.objects.values_list("id", "version")),
        sorted(FocusArea.objects.values_list("id", "version")),
        sorted(ActionField.objects.values_list("id", "name")),
        sorted(StrategicGoal.objects.values_list("id", "title")),
        sorted(Consultation.objects.values_list("id", "title")),
        sorted(Contribution.objects.values_list("id", "status", "version")),
        sorted(Contribution.measures.through.objects.values_list("contribution_id", "measure_id")),
        Response.objects.count(),
        Flag.objects.filter(reviewed_at__isnull=True).count(),
        ModerationEvent.objects.count(),
        sorted(User.objects.values_list("id", "is_active")),
        sorted(User.groups.through.objects.values_list("user_id", "group_id")),
        sorted(Membership.objects.values_list("user_id", "city_id")),
        sorted(Invitation.objects.values_list("id", "withdrawn_at", "used_at")),
        StaffEvent.objects.count(),
    )


def consultation_form(world: dict, **changes) -> dict:
    """The back office's consultation form (/planung/verfahren/), for the city C."""
    city = world["city"]
    data = {
        "title": "Spielplätze",
        "city": city.pk,
        "area": city.pk,
        "opens_at": "2031-05-01T09:00",
        "closes_at": "2031-06-01T09:00",
        "categories": ["idea"],
        "moderation": "pre",
        "generalise_m": "0",
    }
    return {**data, **changes}


def if_match(kind: str, record) -> dict:
    return {"HTTP_IF_MATCH": f'"{kind}-{record.pk}-{record.version}"'}


Builder = Callable[[APIClient, dict], Any]


def bulk(action: str, record: str, reason: str = "") -> Builder:
    """The queue's bulk form (/moderation/) applying ``action`` to the world's ``record``, with the
    version the queue showed."""

    def post(c: APIClient, w: dict) -> Any:
        pk = w[record].pk
        data = {"action": action, "ids": [pk], f"v-{pk}": w[record].version, "reason": reason, "back": ""}
        return c.post("/moderation/", data)

    return post


def measure_form(w: dict, **changes: Any) -> dict:
    """The measure form (/planung/massnahmen/…) as the page sends it: the place drawn on the map as
    GeoJSON in EPSG:4326 (hidden field), the version read (hidden; empty for a new measure)."""
    measure = w["measure"]
    return {
        "version": measure.version,
        "title": measure.title,
        "description": "",
        "rationale": "",
        "tags": "",
        "city": w["city"].pk,
        "status": measure.status,
        "published": "on",
        "responsible_unit": "",
        "start_date": "",
        "end_date": "",
        "master_plan": "",
        "place": "geometry",
        "geom": measure.geom.transform(4326, clone=True).json,
        "scope": "",
        **changes,
    }


def line_form(w: dict, **changes: Any) -> dict:
    """One row of the budget table (version read: hidden; empty for a new line)."""
    line = w["line"]
    return {
        "version": line.version,
        "fiscal_year": line.fiscal_year,
        "amount": str(line.amount),
        "kind": line.kind,
        "funding": line.funding,
        "status": line.status,
        "note": line.note,
        **changes,
    }


OFFICE = "/planung/massnahmen"

ACTIONS: dict[str, Builder] = {
    "measure create": lambda c, w: c.post(
        "/api/measures/?srid=25832",
        {"title": "Neu", "city": w["city"].pk, "geom": utm_json(geom("POINT(500 500)"))},
        format="json",
    ),
    "measure update": lambda c, w: c.patch(
        f"/api/measures/{w['measure'].pk}/",
        {"title": "Anders"},
        format="json",
        **if_match("measure", w["measure"]),
    ),
    "measure delete": lambda c, w: c.delete(
        f"/api/measures/{w['measure'].pk}/", **if_match("measure", w["measure"])
    ),
    "budget line create": lambda c, w: c.post(
        "/api/budget-lines/",
        {"measure": w["measure"].pk, "fiscal_year": 2027, "amount": "10.00", "kind": "operating"},
        format="json",
    ),
    "budget line update": lambda c, w: c.patch(
        f"/api/budget-lines/{w['line'].pk}/",
        {"amount": "20.00"},
        format="json",
        **if_match("budget-line", w["line"]),
    ),
    "budget line delete": lambda c, w: c.delete(
        f"/api/budget-lines/{w['line'].pk}/", **if_match("budget-line", w["line"])
    ),
    "focus area create": lambda c, w: c.post(
        "/api/focus-areas/?srid=25832",
        {"city": w["city"].pk, "name": "Neu", "geom": utm_json(square(600, 100, 900, 400)[0])},
        format="json",
    ),
    "focus area update": lambda c, w: c.patch(
        f"/api/focus-areas/{w['focus'].pk}/",
        {"name": "Anders"},
        format="json",
        **if_match("focus-area", w["focus"]),
    ),
    "focus area delete": lambda c, w: c.delete(
        f"/api/focus-areas/{w['focus'].pk}/", **if_match("focus-area", w["focus"])
    ),
    "strategy create": lambda c, w: c.post(
        "/api/action-fields/", {"name": "Mobilität", "slug": "mobilitaet"}, format="json"
    ),
    "strategy update": lambda c, w: c.patch(
        f"/api/action-fields/{w['field'].pk}/", {"name": "Wohnen und Leben"}, format="json"
    ),
    "strategy goal (page)": lambda c, w: c.post(
        f"/planung/strategie/handlungsfelder/{w['field'].pk}/ziele/neu/",
        {"action_field": w["field"].pk, "title": "Generationengerechter Haushalt"},
    ),
    "consultation create (page)": lambda c, w: c.post("/planung/verfahren/neu/", consultation_form(w)),
    "consultation update (page)": lambda c, w: c.post(
        f"/planung/verfahren/{w['consultation'].pk}/",
        consultation_form(w, title="Anders", revision=consultation_revision(w["consultation"])),
    ),
    "contribution moderate": lambda c, w: c.post(
        f"/api/contributions/{w['pending'].pk}/moderate/",
        {"action": "publish"},
        format="json",
        **if_match("contribution", w["pending"]),
    ),
    "contribution response": lambda c, w: c.put(
        f"/api/contributions/{w['published'].pk}/response/",
        {"text": "Übernommen.", "unit": "Stadtplanung", "outcome": "measure", "measure": w["measure"].pk},
        format="json",
        **if_match("contribution", w["published"]),
    ),
    "contribution link measures": lambda c, w: c.put(
        f"/api/contributions/{w['published'].pk}/measures/",
        {"measures": [w["other"].pk]},
        format="json",
        **if_match("contribution", w["published"]),
    ),
    "contribution dismiss flags": lambda c, w: c.post(
        f"/api/contributions/{w['flagged'].pk}/dismiss-flags/",
        {},
        format="json",
        **if_match("contribution", w["flagged"]),
    ),
    "export": lambda c, w: c.get("/api/participation/export/"),
    "team page": lambda c, w: c.get("/planung/team/"),
    "team invite": lambda c, w: c.post(
        "/planung/team/einladen/", {"email": "anna@example.org", "role": "moderator", "city": w["city"].pk}
    ),
    "team change role": lambda c, w: c.post(
        f"/planung/team/{w['colleague'].pk}/rollen/", {"roles": ["planner", "moderator"]}
    ),
    "team deactivate": lambda c, w: c.post(f"/planung/team/{w['colleague'].pk}/aktiv/", {"active": "0"}),
    "team withdraw invitation": lambda c, w: c.post(
        f"/planung/team/einladungen/{w['invitation'].pk}/zurueckziehen/"
    ),
    "moderation: bulk publish": bulk("publish", "pending"),
    "moderation: bulk reject": bulk("reject", "pending", reason="Kein Bezug zum Verfahren"),
    "moderation: bulk hide": bulk("hide", "published"),
    "moderation: bulk restore": bulk("restore", "hidden"),
    "moderation: bulk confirm hide": bulk("confirm_hide", "hidden"),
    "moderation: bulk dismiss reports": bulk("dismiss_flags", "flagged"),
    "moderation: moderate": lambda c, w: c.post(
        f"/moderation/{w['pending'].pk}/moderieren/",
        {"action": "reject", "reason": "Doppelt", "version": w["pending"].version},
    ),
    "moderation: response": lambda c, w: c.post(
        f"/moderation/{w['published'].pk}/stellungnahme/",
        {
            "unit": "Stadtplanung",
            "outcome": "measure",
            "measure": w["measure"].pk,
            "text": "Übernommen.",
            "date": "",
            "version": w["published"].version,
        },
    ),
    "moderation: link measures": lambda c, w: c.post(
        f"/moderation/{w['published'].pk}/massnahmen/",
        {"measures": [w["other"].pk], "version": w["published"].version},
    ),
    "office: measure create": lambda c, w: c.post(
        f"{OFFICE}/neu/", measure_form(w, version="", title="Neu", status="idea")
    ),
    "office: measure edit": lambda c, w: c.post(
        f"{OFFICE}/{w['measure'].pk}/", measure_form(w, title="Anders")
    ),
    "office: measure delete": lambda c, w: c.post(
        f"{OFFICE}/{w['measure'].pk}/loeschen/", {"version": w["measure"].version}
    ),
    "office: budget line add": lambda c, w: c.post(
        f"{OFFICE}/{w['measure'].pk}/haushalt/", line_form(w, version="", fiscal_year=2027, amount="10")
    ),
    "office: budget line change": lambda c, w: c.post(
        f"{OFFICE}/{w['measure'].pk}/haushalt/{w['line'].pk}/", line_form(w, amount="20")
    ),
    "office: budget line delete": lambda c, w: c.post(
        f"{OFFICE}/{w['measure'].pk}/haushalt/{w['line'].pk}/loeschen/", {"version": w["line"].version}
    ),
}
PAGES = ("team", "moderation:", "office:")  # names of the pages' actions: anonymous → the sign-in page

PLANNING = {"planner", "superuser"}
MODERATING = {"moderator", "superuser"}
RESPONDING = {"planner", "moderator", "superuser"}
TEAM = {"city admin", "superuser"}
ALLOWED: dict[str, set[str]] = {
    "measure create": PLANNING,
    "measure update": PLANNING,
    "measure delete": PLANNING,
    "budget line create": PLANNING,
    "budget line update": PLANNING,
    "budget line delete": PLANNING,
    "focus area create": PLANNING,
    "focus area update": PLANNING,
    "focus area delete": PLANNING,
    # the strategy tree belongs to no city (measures.models): every planner edits it
    "strategy create": PLANNING | {"planner of O"},
    "strategy update": PLANNING | {"planner of O"},
    "strategy goal (page)": PLANNING | {"planner of O"},
    # a consultation is its city's: a planner of O is refused by the service (staff.scope.check_city)
    "consultation create (page)": PLANNING,
    "consultation update (page)": PLANNING,
    "contribution moderate": MODERATING,
    "contribution response": RESPONDING,
    "contribution link measures": RESPONDING,
    "contribution dismiss flags": MODERATING,
    # a read: staff tied to another city get their own city's contributions only (tested below)
    "export": RESPONDING | {"planner of O", "moderator of O"},
    "team page": TEAM | {"admin of O"},  # an admin of O sees O's team, not C's (tested below)
    "team invite": TEAM,
    "team change role": TEAM,
    "team deactivate": TEAM,
    "team withdraw invitation": TEAM,
    # a page answers a signed-in user without the right with 403, as the API: also a moderator of O
    # whose bulk action names only C's contributions (each refused by the service's city scope), and
    # a planner of O whose hand-made measure form names C, a city the form does not offer
    "moderation: bulk publish": MODERATING,
    "moderation: bulk reject": MODERATING,
    "moderation: bulk hide": MODERATING,
    "moderation: bulk restore": MODERATING,
    "moderation: bulk confirm hide": MODERATING,
    "moderation: bulk dismiss reports": MODERATING,
    "moderation: moderate": MODERATING,
    "moderation: response": RESPONDING,
    "moderation: link measures": RESPONDING,
    "office: measure create": PLANNING,
    "office: measure edit": PLANNING,
    "office: measure delete": PLANNING,
    "office: budget line add": PLANNING,
    "office: budget line change": PLANNING,
    "office: budget line delete": PLANNING,
}
READS = {"export", "team page"}


def test_the_table_covers_every_action():
    assert set(ALLOWED) == set(ACTIONS)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_role_may_do_what_its_role_allows_and_nothing_else(grid, role, action):
    world = build_world(grid)
    user = _user(role, grid)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    before = state()

    response = ACTIONS[action](client, world)

    if role in ALLOWED[action]:
        assert response.status_code in (200, 201, 204, 302, 303), (
            response.status_code,
            response.content[:300],
        )
        if response.status_code == 302:
            assert not response["Location"].startswith("/planung/anmelden/")
        if action not in READS:
            assert state() != before, "an allowed write changed nothing"
        return
    if role == "anonymous":
        if action.startswith(PAGES) or action.endswith("(page)"):
            assert response.status_code == 302 and response["Location"].startswith("/planung/anmelden/?next=")
        else:
            assert response.status_code in (401, 403), response.status_code
    else:
        assert response.status_code == 403, (response.status_code, response.content[:300])
    assert state() == before, "a refused write changed something"


def test_staff_of_another_city_export_and_see_only_their_own(grid):
    world = build_world(grid)
    client = APIClient()
    client.force_login(_user("planner of O", grid))
    export = b"".join(client.get("/api/participation/export/").streaming_content).decode()
    assert export.startswith("\ufeff") and "Idee" not in export
    superuser = APIClient()
    superuser.force_login(_user("superuser", grid))
    assert "Idee" in b"".join(superuser.get("/api/participation/export/").streaming_content).decode()
    team = APIClient()
    team.force_login(_user("admin of O", grid))
    page = team.get("/planung/team/").content.decode()
    assert world["colleague"].username not in page and "neu@example.org" not in page


def test_a_planner_of_another_city_sees_published_measures_but_not_the_drafts(grid):
    world = build_world(grid)
    Measure.objects.filter(pk=world["other"].pk).update(published=False)
    mine = measure_create(city=grid["O"], title="Eigener Entwurf", geom=geom("POINT(3500 500)"))
    client = APIClient()
    client.force_login(_user("planner of O", grid))
    titles = {f["properties"]["title"] for f in client.get("/api/measures/").json()["features"]}
    assert titles == {"Bänke", "Eigener Entwurf"}
    assert client.get(f"/api/measures/{world['other'].pk}/").status_code == 404
    assert client.get(f"/api/measures/{mine.pk}/").status_code == 200


def test_a_response_or_link_names_only_measures_of_the_contributions_city(grid):
    world = build_world(grid)
    foreign = measure_create(city=grid["O"], title="Fremd", geom=geom("POINT(3500 500)"), published=True)
    client = APIClient()
    client.force_login(_user("superuser", grid))
    before = state()
    link = client.put(
        f"/api/contributions/{world['published'].pk}/measures/",
        {"measures": [foreign.pk]},
        format="json",
        **if_match("contribution", world["published"]),
    )
    assert link.status_code == 400 and "measures" in link.json()
    assert state() == before


def test_a_bulk_action_on_own_and_other_cities_contributions_does_the_own_and_names_the_refused(grid):
    """The matrix's bulk actions choose only C's contributions: a moderator of O gets 403. Chosen
    together with one of O's, that one is done and C's is listed as refused in the summary."""
    world = build_world(grid)
    own = Contribution.objects.create(
        consultation=open_consultation(grid["O"], "anderswo"),
        city=grid["O"],
        geom=geom("POINT(3500 500)"),
        text="Dort",
        category="idea",
    )
    foreign = world["pending"]
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(_user("moderator of O", grid))

    response = client.post(
        "/moderation/",
        {
            "action": "publish",
            "ids": [foreign.pk, own.pk],
            f"v-{foreign.pk}": foreign.version,
            f"v-{own.pk}": own.version,
        },
    )

    assert response.status_code == 302
    assert Contribution.objects.get(pk=own.pk).status == "published"
    assert Contribution.objects.get(pk=foreign.pk).status == "pending"
    summary = client.get("/moderation/").content.decode()
    assert f"#{foreign.pk}</a>: Your account works for other cities" in summary
