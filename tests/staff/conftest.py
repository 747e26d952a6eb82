"""Two cities for the team's tests: C (Stadt) and O (Andere) in the region R (tests.measures.conftest's
grid, EPSG:25832), and staff accounts tied to them."""

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User

from geo.permissions import CITY_ADMINS, MODERATORS, PLANNERS
from quartiere.models import Area
from staff.models import Membership
from tests.fixtures import kept_for_the_module, user_in
from tests.measures.conftest import GRID_CODES, build_grid

PASSWORD = "Kastanienallee-1886"
ACCEPT_URL = "http://testserver/planung/einladung/"


@pytest.fixture(scope="module")
def grid_module(django_db_setup, django_db_blocker) -> Iterator[None]:
    with kept_for_the_module(django_db_blocker, build_grid):
        yield


@pytest.fixture
def grid(grid_module, db) -> dict[str, Area]:
    """Areas by code: R (region), C and O (cities), A, B (Quartiere of C), D (of O)."""
    return {area.code: area for area in Area.objects.filter(code__in=GRID_CODES)}


def staff_of(name: str, group: str | None, city: Area | None) -> User:
    """A user (password ``pw-for-tests-only``) in ``group``, working for ``city``."""
    user = user_in(name, group)
    if city is not None:
        Membership.objects.create(user=user, city=city)
    return user


@pytest.fixture
def city_admin(grid) -> User:
    return staff_of("admin-c", CITY_ADMINS, grid["C"])


@pytest.fixture
def other_admin(grid) -> User:
    return staff_of("admin-o", CITY_ADMINS, grid["O"])


@pytest.fixture
def planner_c(grid) -> User:
    return staff_of("planner-c", PLANNERS, grid["C"])


@pytest.fixture
def planner_o(grid) -> User:
    return staff_of("planner-o", PLANNERS, grid["O"])


@pytest.fixture
def moderator_c(grid) -> User:
    return staff_of("moderator-c", MODERATORS, grid["C"])
