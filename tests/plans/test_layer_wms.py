"""The WMS draws the ``development_plans`` layer where the plans lie, classed by legal status. Mapnik
reads through its own connections: the data is committed (transactional_db), so this module keeps no
module-wide transaction (the grid of conftest.py) open."""

from django.test import Client

from tests.fixtures import X0, Y0
from tests.geo.wms_support import Picture, getmap, wms_connections  # noqa: F401
from tests.plans.conftest import build_grid
from tests.plans.test_layer import import_plans


def test_the_wms_draws_a_plan_where_it_lies(transactional_db, tmp_path):
    build_grid()
    import_plans(tmp_path)
    # 200 px over x 0…2000, y -500…1500: the BP plan covers x 100…900, y 100…900
    box = (X0 + 0.0, Y0 - 500.0, X0 + 2000.0, Y0 + 1500.0)
    response = Client().get(getmap(box, layers="development_plans", size=(200, 200), TRANSPARENT="TRUE"))
    assert response.status_code == 200, response.content[:300]
    picture = Picture(response.content)
    inside = picture.rgba(50, 100)  # x 500, y 500
    outside = picture.rgba(100, 190)  # y -400: no plan
    assert inside[3] > 0 and inside != outside
    assert outside[3] == 0
    # the FP plan (in preparation) is drawn in a colour of its own
    assert picture.rgba(150, 100)[:3] != inside[:3]
