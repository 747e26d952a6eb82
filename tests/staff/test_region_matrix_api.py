"""The region's permission matrix through the API, the workspace's drawing API and the imports: each
role (planner, moderator, city admin, board member) tied to Ludwigsburg or to the region × a record
of Ludwigsburg, of a second city or of the region → written, or refused (400/403/404) with nothing
written (tests/staff/region_world.py). Deployment-wide records and the import command below."""

import tempfile
from io import StringIO
from pathlib import Path as FilePath
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from geo.errors import ServiceError
from indicators import services as indicator_services
from indicators.importing import ImportOptions, ImportRejected
from indicators.layer_import import check_user
from indicators.models import IndicatorValue
from measures.models import Measure
from quartiere.models import Level
from tests.fixtures import utm_json
from tests.staff.region_world import Path, World, cases, check, if_match, staff

PLANNER = frozenset({"planner"})
RESPONDING = frozenset({"planner", "moderator"})
MEASURE_OWNERS = frozenset({"L", "T", "R"})  # a measure may be the region's
CITY_OWNERS = frozenset({"L", "T"})


def measure_body(w: World, owner: str) -> dict:
    area = w.areas[owner]
    if area.level == Level.REGION:
        return {"title": "Neu", "city": area.pk, "scope": area.pk}
    return {"title": "Neu", "city": area.pk, "geom": utm_json(w.place(owner))}


def values_import(c: APIClient, w: World, owner: str):
    """The values import with the signed-in user (the upload page's service): one value for the
    owner's area. A refusal as the page answers it: 403, or 400 naming the row."""
    user = w.user
    indicator = w.get("indicator", owner)
    with tempfile.TemporaryDirectory() as tmp:
        path = FilePath(tmp) / "werte.csv"
        path.write_text(f"code;year;{indicator.key}\n{w.areas[owner].code};2025;12,5\n", encoding="utf-8")
        try:
            indicator_services.values_import(
                user=user, path=path, options=ImportOptions(code_column="code", year_column="year")
            )
        except ServiceError as error:
            return SimpleNamespace(status_code=error.status, content=error.message.encode())
        except ImportRejected as error:
            return SimpleNamespace(status_code=400, content=str(error.problems).encode())
    return SimpleNamespace(status_code=201, content=b"")


PATHS: dict[str, Path] = {
    "api: measure create": Path(
        PLANNER,
        MEASURE_OWNERS,
        lambda c, w, o: c.post("/api/measures/?srid=25832", measure_body(w, o), format="json"),
        creates=True,
    ),
    "api: measure update": Path(
        PLANNER,
        MEASURE_OWNERS,
        lambda c, w, o: c.patch(
            f"/api/measures/{w.get('measure', o).pk}/",
            {"title": "Anders"},
            format="json",
            **if_match("measure", w.get("measure", o)),
        ),
    ),
    "api: budget line create": Path(
        PLANNER,
        MEASURE_OWNERS,
        lambda c, w, o: c.post(
            "/api/budget-lines/",
            {"measure": w.get("measure", o).pk, "fiscal_year": 2027, "amount": "10.00", "kind": "operating"},
            format="json",
        ),
    ),
    "api: budget line delete": Path(
        PLANNER,
        MEASURE_OWNERS,
        lambda c, w, o: c.delete(
            f"/api/budget-lines/{w.get('line', o).pk}/", **if_match("budget-line", w.get("line", o))
        ),
    ),
    "workspace: focus area draw": Path(
        PLANNER,
        CITY_OWNERS,
        lambda c, w, o: c.post(
            "/api/focus-areas/?srid=25832",
            {"city": w.areas[o].pk, "name": "Neu", "geom": utm_json(w.square(o))},
            format="json",
        ),
        creates=True,  # the region owns no focus area: refused for everybody
    ),
    "workspace: focus area reshape": Path(
        PLANNER,
        CITY_OWNERS,
        lambda c, w, o: c.patch(
            f"/api/focus-areas/{w.get('focus area', o).pk}/?srid=25832",
            {"geom": utm_json(w.square(o, 80))},
            format="json",
            **if_match("focus-area", w.get("focus area", o)),
        ),
    ),
    "workspace: measure reshape": Path(
        PLANNER,
        MEASURE_OWNERS,
        lambda c, w, o: c.patch(
            f"/api/measures/{w.get('measure', o).pk}/?srid=25832",
            {"geom": utm_json(w.place("L" if o == "R" else o)), "scope": None},
            format="json",
            **if_match("measure", w.get("measure", o)),
        ),
    ),
    "api: contribution moderate": Path(
        frozenset({"moderator"}),
        CITY_OWNERS,
        lambda c, w, o: c.post(
            f"/api/contributions/{w.get('contribution', o).pk}/moderate/",
            {"action": "publish"},
            format="json",
            **if_match("contribution", w.get("contribution", o)),
        ),
    ),
    "api: contribution response": Path(
        RESPONDING,
        CITY_OWNERS,
        lambda c, w, o: c.put(
            f"/api/contributions/{w.get('published', o).pk}/response/",
            {
                "text": "Übernommen.",
                "unit": "Stadtplanung",
                "outcome": "measure",
                "measure": w.get("measure", o).pk,
            },
            format="json",
            **if_match("contribution", w.get("published", o)),
        ),
    ),
    # region-level values are deployment-wide: no scoped staff imports them (R is no owner here)
    "import: indicator values": Path(PLANNER, CITY_OWNERS, values_import, creates=True),
}


def test_the_cases_cover_every_path():
    assert {name for name, _h, _o in cases(PATHS)} == set(PATHS)


@pytest.mark.parametrize(("name", "home", "owner"), cases(PATHS))
def test_staff_write_only_their_own_areas_records(demo, name, home, owner):
    check(PATHS, name, home, owner, demo)


def test_staff_not_tied_to_a_city_create_regional_measures_and_city_staff_cannot(demo):
    world = World.build(demo)
    region = world.areas["R"]
    free = APIClient()
    free.force_login(_unscoped_planner())
    made = free.post("/api/measures/?srid=25832", measure_body(world, "R"), format="json")
    assert made.status_code == 201, made.content
    assert Measure.objects.get(pk=made.json()["id"]).city_id == region.pk
    # a regional measure's scope is the region or one of its cities, not a Quartier
    quartier = demo["08118048-01"]
    bad = free.post(
        "/api/measures/?srid=25832", {"title": "X", "city": region.pk, "scope": quartier.pk}, format="json"
    )
    assert bad.status_code == 400 and "scope" in bad.json()
    # a Quartier owns nothing
    bad = free.post(
        "/api/measures/?srid=25832", {**measure_body(world, "L"), "city": quartier.pk}, format="json"
    )
    assert bad.status_code == 400 and "city" in bad.json()


def _unscoped_planner():
    from geo.permissions import PLANNERS
    from tests.fixtures import user_in

    return user_in("planerin-ohne-stadt", PLANNERS)


@pytest.mark.parametrize("home", ["L", "R", None])
def test_deployment_wide_records_are_written_only_by_staff_not_tied_to_a_city(demo, home):
    """The indicator catalogue, reference layers and spatial indicators serve every city: staff
    without membership and regional staff write them, city staff are refused (403)."""
    world = World.build(demo)
    user = _unscoped_planner() if home is None else staff("planner", world.areas[home])
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    fields = {"key": "laerm", "name_de": "Lärm", "name_en": "Noise", "unit": "dB", "dimension": "green",
              "direction": "more_need"}  # fmt: skip
    response = client.post("/planung/indikatoren/neu/", fields)
    offers = {
        page: any(link in client.get(page).content.decode() for link in links)
        for page, links in {
            "/planung/indikatoren/": ['href="/planung/indikatoren/neu/"'],
            "/planung/indikatoren/ebenen/": ['href="/planung/indikatoren/ebenen/hochladen/"'],
        }.items()
    }
    assert set(offers.values()) == {home != "L"}, offers  # the links only where the write is allowed
    if home == "L":
        assert response.status_code == 403
        assert not indicator_services.Indicator.objects.filter(key="laerm").exists()
        with pytest.raises(ServiceError) as refused:
            check_user(user)
        assert refused.value.status == 403
    else:
        assert response.status_code == 302
        check_user(user)


def test_the_import_command_is_a_system_write_for_any_city(demo):
    """``manage.py import_indicators`` has no user option: run by the operator, it is not scoped."""
    world = World.build(demo)
    indicator = world.get("indicator", "T")
    with tempfile.TemporaryDirectory() as tmp:
        path = FilePath(tmp) / "werte.csv"
        path.write_text(f"code;year;{indicator.key}\nT-0000001;2025;1\n08118048;2025;2\n", encoding="utf-8")
        call_command("import_indicators", str(path), "--code-column", "code", "--year-column", "year",
                     stdout=StringIO())  # fmt: skip
    assert IndicatorValue.objects.filter(indicator=indicator).count() == 2
