"""The Django admin keeps the city scope too: staff tied to a city see and save only their city's
measures and focus areas (the same check_city as the services, as a form error rather than a 500)."""

from django.contrib.auth.models import User
from django.test import Client

from geo.permissions import PLANNERS
from measures.models import Measure
from measures.services import measure_create
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
    assert added.status_code == 200 and "other cities than this record" in added.content.decode()
    assert not Measure.objects.filter(title="Untergeschoben").exists()


def test_a_planner_of_the_city_still_works_there(grid):
    measure = measure_create(city=grid["C"], title="Bänke in C", geom=geom("POINT(300 300)"), published=True)
    client = admin_client(staff_of("planner-c", PLANNERS, grid["C"]))
    assert "Bänke in C" in client.get("/admin/measures/measure/").content.decode()
    assert client.get(f"/admin/measures/measure/{measure.pk}/change/").status_code == 200
