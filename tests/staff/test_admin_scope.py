"""The Django admin keeps the city scope too: staff tied to a city see and save only their city's
measures and focus areas (the same check_city as the services, as a form error rather than a 500)."""

import re
from decimal import Decimal

from django.contrib.auth.models import User
from django.test import Client

from geo.permissions import PLANNERS
from measures.models import BudgetLine, Measure
from measures.services import budget_line_create, measure_create
from tests.fixtures import geom
from tests.staff.conftest import staff_of


def admin_client(user: User) -> Client:
    user.is_staff = True
    user.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_a_planner_of_another_city_neither_sees_nor_saves_the_citys_measures(grid):
    measure = measure_create(city=grid["C"], title="Bänke in C", geom=geom("POINT(300 300)"), published=True)
    client = admin_client(staff_of("planner-o", PLANNERS, grid["O"]))

    listing = client.get("/admin/measures/measure/").content.decode()
    assert "Bänke in C" not in listing
    assert client.get(f"/admin/measures/measure/{measure.pk}/change/").status_code == 302  # "does not exist"

    added = client.post(
        "/admin/measures/measure/add/",
        {
            "title": "Untergeschoben",
            "city": grid["C"].pk,
            "scope": grid["C"].pk,
            "status": "idea",
            "budgetline_set-TOTAL_FORMS": "0",
            "budgetline_set-INITIAL_FORMS": "0",
        },
    )
    # the city field offers the planner's own cities only (staff.scope.OwnCitiesAdmin): C is refused
    # beside the field
    page = added.content.decode()
    assert added.status_code == 200 and "Select a valid choice" in page
    city = re.search(r'<select name="city".*?</select>', page, re.S).group(0)
    assert f'<option value="{grid["C"].pk}"' not in city and f'<option value="{grid["O"].pk}"' in city
    assert not Measure.objects.filter(title="Untergeschoben").exists()


def test_a_planner_of_the_city_still_works_there(grid):
    measure = measure_create(city=grid["C"], title="Bänke in C", geom=geom("POINT(300 300)"), published=True)
    client = admin_client(staff_of("planner-c", PLANNERS, grid["C"]))
    assert "Bänke in C" in client.get("/admin/measures/measure/").content.decode()
    assert client.get(f"/admin/measures/measure/{measure.pk}/change/").status_code == 200


def _line_form(measure: Measure, **changes) -> dict:
    return {
        "measure": measure.pk,
        "fiscal_year": "2027",
        "amount": "500",
        "kind": "investment",
        "funding": "own",
        "status": "planned",
        "note": "",
        **changes,
    }


def test_a_budget_line_naming_another_citys_measure_is_a_form_error_not_a_500(grid):
    """The measure field accepts every measure (its autocomplete offers the own city's only): a
    hand-made POST naming city C's measure, from a planner of O, is refused beside the field."""
    theirs = measure_create(city=grid["C"], title="Bänke in C", geom=geom("POINT(300 300)"))
    mine = measure_create(city=grid["O"], title="Bänke in O", geom=geom("POINT(3500 500)"))
    line = budget_line_create(measure=mine, fiscal_year=2026, amount=Decimal(100), kind="investment")
    client = admin_client(staff_of("planner-o", PLANNERS, grid["O"]))

    added = client.post("/admin/measures/budgetline/add/", _line_form(theirs))
    moved = client.post(
        f"/admin/measures/budgetline/{line.pk}/change/", _line_form(theirs, version_read=line.version)
    )

    for response in (added, moved):
        assert response.status_code == 200
        assert "other cities than this record" in response.content.decode()
    assert not BudgetLine.objects.filter(measure=theirs).exists()
    line.refresh_from_db()
    assert (line.measure_id, line.version, line.amount) == (mine.pk, 1, Decimal(100))


def test_a_planner_adds_and_changes_budget_lines_of_their_city_in_the_admin(grid):
    mine = measure_create(city=grid["O"], title="Bänke in O", geom=geom("POINT(3500 500)"))
    client = admin_client(staff_of("planner-o", PLANNERS, grid["O"]))

    assert client.post("/admin/measures/budgetline/add/", _line_form(mine)).status_code == 302
    line = BudgetLine.objects.get(measure=mine)
    changed = client.post(
        f"/admin/measures/budgetline/{line.pk}/change/",
        _line_form(mine, amount="750", version_read=line.version),
    )
    stale = client.post(
        f"/admin/measures/budgetline/{line.pk}/change/",
        _line_form(mine, amount="999", version_read=line.version),
    )

    assert changed.status_code == 302
    assert stale.status_code == 200 and "reload the page" in stale.content.decode()
    line.refresh_from_db()
    assert (line.amount, line.version) == (Decimal(750), 2)
