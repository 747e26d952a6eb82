"""The region's permission matrix through the back office's pages (measures, consultations,
moderation, team, weightings, scenarios): each role tied to Ludwigsburg or to the region × a record
of Ludwigsburg, of a second city or of the region → written, or refused (400/403/404) with nothing
written (tests/staff/region_world.py); and the city choices the forms offer."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from quartiere.models import Level
from tests.staff.region_world import Path, World, cases, check, staff

PLANNER = frozenset({"planner"})
MEASURE_OWNERS = frozenset({"L", "T", "R"})
CITY_OWNERS = frozenset({"L", "T"})
OFFICE = "/planung/massnahmen"


def measure_form(w: World, owner: str, measure=None, **changes) -> dict:
    """The measure form as the page sends it: a place drawn on the map (GeoJSON in EPSG:4326), or
    for the region the region as the scope."""
    area = w.areas[owner]
    regional = area.level == Level.REGION
    data = {
        "version": measure.version if measure else "",
        "title": measure.title if measure else "Neu",
        "description": "", "rationale": "", "tags": "", "responsible_unit": "", "start_date": "",
        "end_date": "", "master_plan": "", "published": "on",
        "city": area.pk,
        "status": measure.status if measure else "idea",
        "place": "scope" if regional else "geometry",
        "geom": "" if regional else w.place(owner).transform(4326, clone=True).json,
        "scope": area.pk if regional else "",
    }  # fmt: skip
    return {**data, **changes}


def consultation_form(w: World, owner: str) -> dict:
    area = w.areas[owner]
    return {
        "title": "Spielplätze", "city": area.pk, "area": area.pk, "opens_at": "2031-05-01T09:00",
        "closes_at": "2031-06-01T09:00", "categories": ["idea"], "moderation": "pre", "generalise_m": "0",
    }  # fmt: skip


def values_upload(c, w: World, owner: str):
    """The upload page (/planung/indikatoren/hochladen/): the preview, then the import it offers."""
    indicator = w.get("indicator", owner)
    text = f"code;year;{indicator.key}\n{w.areas[owner].code};2025;12,5\n"
    data = {"file": SimpleUploadedFile("werte.csv", text.encode()), "code_column": "code", "decimal": "auto",
            "year_column": "year"}  # fmt: skip
    preview = c.post("/planung/indikatoren/hochladen/", data)
    token = re.search(r'name="token" value="([^"]+)"', preview.content.decode())
    if preview.status_code != 200 or token is None:
        return preview
    return c.post("/planung/indikatoren/hochladen/import/", {"token": token.group(1)})


PATHS: dict[str, Path] = {
    "office: measure create": Path(
        PLANNER, MEASURE_OWNERS, lambda c, w, o: c.post(f"{OFFICE}/neu/", measure_form(w, o)), creates=True
    ),
    "office: measure edit": Path(
        PLANNER,
        MEASURE_OWNERS,
        lambda c, w, o: c.post(
            f"{OFFICE}/{w.get('measure', o).pk}/", measure_form(w, o, w.get("measure", o), title="Anders")
        ),
    ),
    "office: budget line add": Path(
        PLANNER,
        MEASURE_OWNERS,
        lambda c, w, o: c.post(
            f"{OFFICE}/{w.get('measure', o).pk}/haushalt/",
            {
                "version": "",
                "fiscal_year": 2027,
                "amount": "10",
                "kind": "investment",
                "funding": "own",
                "status": "planned",
                "note": "",
            },
        ),  # fmt: skip
    ),
    "office: consultation create": Path(
        PLANNER,
        CITY_OWNERS,
        lambda c, w, o: c.post("/planung/verfahren/neu/", consultation_form(w, o)),
        creates=True,
    ),
    "moderation: moderate": Path(
        frozenset({"moderator"}),
        CITY_OWNERS,
        lambda c, w, o: c.post(
            f"/moderation/{w.get('contribution', o).pk}/moderieren/",
            {"action": "reject", "reason": "Doppelt", "version": w.get("contribution", o).version},
        ),
    ),
    # a regional admin manages the region's staff: the region is an owner of memberships
    "team: invite": Path(
        frozenset({"city admin"}),
        MEASURE_OWNERS,
        lambda c, w, o: c.post(
            "/planung/team/einladen/",
            {"email": "anna@example.org", "role": "moderator", "city": w.areas[o].pk},
        ),
        creates=True,
    ),
    "team: deactivate": Path(
        frozenset({"city admin"}),
        MEASURE_OWNERS,
        lambda c, w, o: c.post(f"/planung/team/{w.get('colleague', o).pk}/aktiv/", {"active": "0"}),
    ),
    "weightings: copy": Path(
        PLANNER,
        CITY_OWNERS,
        lambda c, w, o: c.post(
            "/planung/gewichtungen/neu/", {"name": "Sozial", "copy_from": w.get("weighting", o).pk}
        ),
    ),
    "scenarios: create": Path(
        PLANNER,
        CITY_OWNERS,
        lambda c, w, o: c.post(
            "/planung/szenarien/neu/",
            {"name": "Grün", "description": "", "budget_year": 2027, "city": w.areas[o].pk, "version": ""},
        ),
        creates=True,
    ),
    "scenarios: comment": Path(
        frozenset({"planner", "board member"}),
        CITY_OWNERS,
        lambda c, w, o: c.post(f"/planung/szenarien/{w.get('scenario', o).pk}/kommentare/", {"body": "Gut."}),
    ),
    # region-level values are deployment-wide: no scoped staff imports them (R is no owner here)
    "indicators: values upload": Path(PLANNER, CITY_OWNERS, values_upload, creates=True),
}


def test_the_cases_cover_every_path():
    assert {name for name, _h, _o in cases(PATHS)} == set(PATHS)


@pytest.mark.parametrize(("name", "home", "owner"), cases(PATHS))
def test_staff_write_only_their_own_areas_records(demo, name, home, owner):
    check(PATHS, name, home, owner, demo)


def offered(page: str, select: str) -> set[str]:
    """The option labels of the ``<select name=select>`` on ``page``."""
    found = re.search(rf'<select name="{select}"[^>]*>(.*?)</select>', page, re.S) or re.search(
        rf'<select[^>]*name="{select}"[^>]*>(.*?)</select>', page, re.S
    )
    assert found, select
    return {label.strip() for label in re.findall(r"<option[^>]*>([^<]*)</option>", found.group(1))}


@pytest.mark.parametrize("home", ["L", "R"])
def test_the_forms_offer_only_the_users_own_cities(demo, home):
    """Ludwigsburg's planner and admin are offered Ludwigsburg; the region's the region (a regional
    measure, the region's staff), never the second city."""
    world = World.build(demo)
    own = world.areas[home].name
    planner, admin = APIClient(), APIClient()
    planner.force_login(staff("planner", world.areas[home]))
    admin.force_login(staff("city admin", world.areas[home]))
    measure = planner.get(f"{OFFICE}/neu/").content.decode()
    assert offered(measure, "city") == {own}
    team = admin.get("/planung/team/").content.decode()
    assert offered(team, "city") >= {own} and "Teststadt" not in team
    # Trialog roles are a city's: a regional admin has no city to verify them for
    assert ('id="trialog-city"' in team) == (home == "L")
    if home == "L":
        for page in ("/planung/verfahren/neu/", "/planung/szenarien/neu/"):
            assert offered(planner.get(page).content.decode(), "city") == {own}, page
