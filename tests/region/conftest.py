import pytest

from tests.fixtures import kept_for_the_module
from tests.region import world as world_module


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """tests/region/world.py, built once for the module (rolled back after it)."""
    ids: dict[str, int] = {}
    with kept_for_the_module(django_db_blocker, lambda: ids.update(world_module.build())):
        yield ids
